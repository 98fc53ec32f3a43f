"""The channels visitors reach: Rasa's REST and socket.io channels, with what visitors send made safe
(safety/visitor_input.py) before Rasa reads or stores it.

The socket.io channel also accepts browser connections only from the site's own origins: Rasa's channel
switches python-engineio's origin check off (`cors_allowed_origins=[]`) and leaves CORS to the HTTP
server, but browsers apply CORS to HTTP requests and not to WebSockets, so without this check any web page
could open a conversation with the bot from a visitor's browser.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, FrozenSet, List, Optional, Text, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage as BadRequest  # 400 (this Sanic predates the BadRequest name)
from sanic.request import Request

from rasa_plugins.tracker_store import ConversationStoreUnavailable
from safety.rate_limit import rate_limit_from_environment
from safety.visitor_input import visitor_text
from web.domain_text import domain_response_text
import settings
from settings import MAX_REQUEST_BYTES, MAX_SENDER_ID_LENGTH

# A bigger body than MAX_REQUEST_BYTES (settings.py) is refused by Sanic with a 413 before it is read; a
# bigger socket.io packet by python-engineio, which closes that connection (its default allows 1 MB).
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
logger = logging.getLogger(__name__)


def limited(blueprint: Blueprint) -> Blueprint:
    """The blueprint, with the Rasa server's request size capped when it starts."""

    @blueprint.listener("before_server_start")
    async def cap_request_size(app, _loop) -> None:
        # Sanic reads it for each new connection, so setting it before the server starts is enough.
        app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

    return blueprint


def allowed_origins() -> FrozenSet[str]:
    """CORS_ORIGINS: the site origins, separated by spaces or commas (the same list `make run` gives --cors)."""
    configured = str(settings.value("CORS_ORIGINS"))
    return frozenset(origin.rstrip("/") for origin in configured.replace(",", " ").split())


def origin_is_allowed(environ: Dict[str, Any], origins: FrozenSet[str]) -> bool:
    """Browsers always send Origin; a client without one is not a web page, so CORS does not concern it."""
    origin = environ.get("HTTP_ORIGIN")
    return origin is None or origin in origins


def guarded(on_new_message: OnNewMessage) -> OnNewMessage:
    """Visitor text made safe; a conversation sending faster than a person types asked to slow down, before
    NLU (safety/rate_limit.py); and a reply in every case:
    - the bot made none (the action server is down: Rasa logs the failed action and sends nothing);
    - the turn failed, Redis (the lock) or the database (the conversation) being unreachable: nothing of the
      turn was stored, so none of its replies is sent, and the visitor is asked to send the message again.
    """
    unavailable, slow_down = domain_response_text("utter_cannot_look_up"), domain_response_text("utter_slow_down")
    send_again = domain_response_text("utter_send_again")
    rate_limit = rate_limit_from_environment()

    async def handle(message: UserMessage) -> Any:
        if not rate_limit.allows(message.sender_id or "", time.monotonic()):
            await message.output_channel.send_response(message.sender_id, {"text": slow_down})
            return None
        message.text = visitor_text(message.text or "")
        output = message.output_channel = HeldOutputChannel(message.output_channel)
        try:
            result = await on_new_message(message)
        except (Exception, ConversationStoreUnavailable):
            logger.exception("The turn of conversation %r failed; the visitor is asked to send it again.", message.sender_id)
            await output.inner.send_response(message.sender_id, {"text": send_again})
            return None
        if not await output.release():
            await output.inner.send_response(message.sender_id, {"text": unavailable})
        return result

    return handle


class HeldOutputChannel(OutputChannel):
    """Holds the turn's replies until the turn is over (its events stored), then passes them on."""

    def __init__(self, inner: OutputChannel):
        self.inner: OutputChannel = inner
        self.held: List[Tuple[Text, Dict[Text, Any]]] = []

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.held.append((recipient_id, message))

    async def release(self) -> int:
        """Sends the held replies; how many there were."""
        for recipient_id, message in self.held:
            await self.inner.send_response(recipient_id, message)
        return len(self.held)


class GuardedRestInput(RestInput):
    """POST /webhooks/rest/webhook with {"sender": "...", "message": "..."}; anything else is a 400."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return limited(super().blueprint(guarded(on_new_message)))

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = request_body(req).get("sender")
        if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_ID_LENGTH:
            raise BadRequest(f"'sender' must be a non-empty string of at most {MAX_SENDER_ID_LENGTH} characters")
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = request_body(req).get("message")
        if not isinstance(message, str):
            raise BadRequest("'message' must be a string")
        return message

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # not the caller's to choose

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = request_body(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise BadRequest("'metadata' must be an object")
        return metadata


def request_body(req: Request) -> Dict[str, Any]:
    body = req.json  # Sanic answers 400 itself when the body is not JSON
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


class SocketIOWithOriginCheck(SocketIOInput):
    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        socketio_blueprint = limited(super().blueprint(guarded(on_new_message)))
        self.sio.eio.max_http_buffer_size = MAX_REQUEST_BYTES
        namespace = self.namespace or "/"
        rasa_connect = self.sio.handlers[namespace]["connect"]
        origins = allowed_origins()

        async def connect(sid: Text, environ: Dict, auth: Optional[Dict]) -> bool:
            if not origin_is_allowed(environ, origins):
                return False
            return await rasa_connect(sid, environ, auth)

        self.sio.on("connect", connect, namespace=namespace)
        return socketio_blueprint
