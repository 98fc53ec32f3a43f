"""Rasa's socket.io channel, accepting browser connections only from the site's own origins.

Rasa's channel switches python-engineio's origin check off (`cors_allowed_origins=[]`) and leaves CORS
to the HTTP server. Browsers apply CORS to HTTP requests but not to WebSockets, so without this check
any web page could open a conversation with the bot from a visitor's browser.
"""
from __future__ import annotations

import os
from typing import Any, Awaitable, Callable, Dict, FrozenSet, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

DEFAULT_ORIGINS = "http://127.0.0.1:8080"


def allowed_origins() -> FrozenSet[str]:
    """CORS_ORIGINS: the site origins, separated by spaces or commas (the same list `make run` gives --cors)."""
    configured = os.environ.get("CORS_ORIGINS", DEFAULT_ORIGINS)
    return frozenset(origin.rstrip("/") for origin in configured.replace(",", " ").split())


def origin_is_allowed(environ: Dict[str, Any], origins: FrozenSet[str]) -> bool:
    """Browsers always send Origin; a client without one is not a web page, so CORS does not concern it."""
    origin = environ.get("HTTP_ORIGIN")
    return origin is None or origin in origins


class SocketIOWithOriginCheck(SocketIOInput):
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_blueprint = super().blueprint(on_new_message)
        namespace = self.namespace or "/"
        rasa_connect = self.sio.handlers[namespace]["connect"]
        origins = allowed_origins()

        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not origin_is_allowed(environ, origins):
                return False
            return await rasa_connect(sid, environ, auth)

        self.sio.on("connect", connect, namespace=namespace)
        return socketio_blueprint
