"""Talk to a running Rasa server over its REST channel."""
from __future__ import annotations

from typing import List

import requests


class RestChat:
    def __init__(self, rasa_url: str, timeout_s: float = 30):
        self.webhook = f"{rasa_url}/webhooks/rest/webhook"
        self.rasa_url = rasa_url
        self.timeout_s = timeout_s

    def send(self, sender: str, message: str) -> List[dict]:
        response = requests.post(self.webhook, json={"sender": sender, "message": message}, timeout=self.timeout_s)
        response.raise_for_status()
        return response.json()

    def ask(self, sender: str, message: str) -> str:
        """All reply texts joined, for checking facts."""
        return "\n".join(reply.get("text", "") for reply in self.send(sender, message))
