"""How fast one conversation may send: at most `messages` in any `seconds`, as a person types, not a script.

The channel (web/channel.py) asks before anything else reads a message; a message over the limit gets the
domain's kind "please slow down" reply and goes no further (no NLU, no policies, nothing stored). Only
accepted messages count, so a script that keeps sending is held to the limit and a person who waits a few
seconds carries on. Per Rasa process; nginx limits each client address in the cluster (deploy/).
"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Deque, Mapping, Optional

import settings

DEFAULT_MESSAGES = int(settings.default_of("AHSCT_RATE_LIMIT_MESSAGES"))
DEFAULT_SECONDS = float(settings.default_of("AHSCT_RATE_LIMIT_SECONDS"))
# The conversations remembered at once; the least recently seen is forgotten first.
MAX_CONVERSATIONS = 10_000


@dataclass
class ConversationRateLimit:
    messages: int = DEFAULT_MESSAGES
    seconds: float = DEFAULT_SECONDS
    max_conversations: int = MAX_CONVERSATIONS
    _accepted: "collections.OrderedDict[str, Deque[float]]" = field(default_factory=collections.OrderedDict)

    def allows(self, conversation: str, now: float) -> bool:
        """Whether a message sent at `now` (seconds, monotonic) may go on; if so, it is counted."""
        times = self._times_of(conversation)
        while times and now - times[0] >= self.seconds:
            times.popleft()
        if len(times) >= self.messages:
            return False
        times.append(now)
        return True

    def _times_of(self, conversation: str) -> Deque[float]:
        times = self._accepted.pop(conversation, None)
        if times is None:
            times = collections.deque()
            if len(self._accepted) >= self.max_conversations:
                self._accepted.popitem(last=False)
        self._accepted[conversation] = times  # most recently seen last
        return times


def rate_limit_from_environment(environ: Optional[Mapping[str, str]] = None) -> ConversationRateLimit:
    """AHSCT_RATE_LIMIT_MESSAGES messages in AHSCT_RATE_LIMIT_SECONDS seconds (settings.py)."""
    return ConversationRateLimit(
        messages=int(settings.value("AHSCT_RATE_LIMIT_MESSAGES", environ)),
        seconds=float(settings.value("AHSCT_RATE_LIMIT_SECONDS", environ)),
    )
