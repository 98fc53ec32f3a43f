"""Visitors having several-turn conversations with the bot, half over REST and half over socket.io as the
widget does. Run by `make loadtest` (scripts/loadtest.py), which starts the servers and reads the figures.

Each simulated visitor picks one of the conversations below, opens a new conversation (a new sender or
socket.io session), and sends its messages one by one, pausing to read between them. A message counts as
an error when the HTTP status is not 200, no reply comes within REPLY_TIMEOUT_S, or the reply is the
apology the bot sends when it cannot look something up (passed in LOAD_APOLOGY_TEXTS).

Settings, read from the environment when a visitor starts:
  LOAD_ORIGIN         the web page origin the socket.io visitors come from (the bot checks it)
  LOAD_THINK_S        "min,max" seconds a visitor reads before the next message (default "2,6")
  LOAD_APOLOGY_TEXTS  a JSON list of reply texts that mean the bot failed to answer
  LOAD_CONVERSATIONS  "ahsct" (default) or "starter": which conversations the visitors have
"""
from __future__ import annotations

import itertools
import json
import os
import random
import socket
import time
import uuid
from urllib.parse import urlparse

import gevent
import socketio
from gevent.queue import Empty, Queue
from locust import HttpUser, User, task

# What visitors ask, in the order they ask it: typed questions and the widget's own buttons (/greet).
AHSCT_CONVERSATIONS = (
    ("/greet", "Is any stem cell therapy approved for MS?", "what is AHSCT?", "is it risky?", "thanks, bye"),
    ("hi", "what does autologous haematopoietic stem cell transplantation mean", "how is it done?",
     "do they use chemotherapy", "who is it for?", "bye"),
    ("hello", "are there any trials in the UK?", "what phase are they in", "does it work for progressive ms",
     "thank you"),
    ("/greet", "my mum has MS, could stem cells help her?", "what are the side effects",
     "where can I find out more", "goodbye"),
    ("hey", "what are mesenchymal stem cells", "what research projects are there",
     "what did the consensus meetings say", "thanks"),
    ("/greet", "is it FDA approved?", "how much does it cost", "should I stop my medication?", "ok thanks"),
)
# Rasa's starter bot (`rasa init`) is measured beside ours with conversations it was built for: ours would
# leave it silent on most turns, and a silent turn is a 30 s wait, not a load.
STARTER_CONVERSATIONS = (
    ("hello", "I am feeling sad", "yes", "are you a bot?", "bye"),
    ("hi", "great, thanks", "are you a human?", "goodbye"),
    ("hey there", "not very good", "no", "bye"),
    ("good morning", "I'm sad", "yes it did", "are you a bot?", "see you later"),
    ("hello", "I am great", "am I talking to a bot?", "bye"),
)
REPLY_TIMEOUT_S = 30
# The bot's messages for one turn arrive as separate socket.io events; the turn is over once none has come
# for this long. The reply time recorded is that of the last message, so the wait does not inflate it.
QUIET_S = 1.0
# ip_hash in nginx keeps a socket.io visitor on one Rasa replica by the first three parts of the address; real
# visitors come from many networks, so each simulated one connects from its own 127.0.N.1 address.
_source_networks = itertools.count()


def think_range() -> tuple:
    low, high = os.environ.get("LOAD_THINK_S", "2,6").split(",")
    return float(low), float(high)


def conversations() -> tuple:
    return STARTER_CONVERSATIONS if os.environ.get("LOAD_CONVERSATIONS") == "starter" else AHSCT_CONVERSATIONS


def apology_texts() -> set:
    return set(json.loads(os.environ.get("LOAD_APOLOGY_TEXTS", "[]")))


class BadReply(Exception):
    pass


def check_replies(texts: list, apologies: set) -> None:
    if not texts:
        raise BadReply("no reply")
    if apologies.intersection(texts):
        raise BadReply("the bot could not look it up")


class Visitor:
    """What both kinds of visitor share: the conversation and the pauses."""

    def on_start(self):
        self.think_s, self.apologies, self.conversations = think_range(), apology_texts(), conversations()

    def wait_time(self) -> float:
        """Reading the reply before the next message; Locust stops a visitor only while it reads."""
        return random.uniform(*self.think_s)


class RestVisitor(Visitor, HttpUser):
    @task
    def conversation(self):
        sender = f"load-rest-{uuid.uuid4().hex}"
        for message in random.choice(self.conversations):
            self.send(sender, message)
            self.wait()

    def send(self, sender: str, message: str) -> None:
        with self.client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message},
                              name="REST message", timeout=REPLY_TIMEOUT_S, catch_response=True) as response:
            try:
                response.raise_for_status()
                check_replies([reply.get("text", "") for reply in response.json()], self.apologies)
            except Exception as error:  # any of them is what a visitor would see as the bot failing
                response.failure(error)


class SocketIOVisitor(Visitor, User):
    def wait_time(self) -> float:
        return max(0.0, super().wait_time() - QUIET_S)  # waiting for the turn's last message was reading time

    @task
    def conversation(self):
        session_id, replies = uuid.uuid4().hex, Queue()
        client = self.connect(session_id, replies)
        if client is None:
            return
        try:
            for message in random.choice(self.conversations):
                self.send(client, session_id, message, replies)
                self.wait()
        finally:
            # A visitor stopped at the end of the run must not hold Locust up if the goodbye hangs.
            with gevent.Timeout(QUIET_S * 5, False):
                client.disconnect()

    def connect(self, session_id: str, replies: Queue):
        started = time.perf_counter()
        try:
            confirmed = Queue()
            client = socketio.Client(reconnection=False, websocket_extra_options=self.websocket_options())
            client.on("session_confirm", confirmed.put)
            client.on("bot_uttered", lambda data: replies.put((time.perf_counter(), data)))
            client.connect(self.host, transports=["websocket"], wait_timeout=REPLY_TIMEOUT_S)
            client.emit("session_request", {"session_id": session_id})
            confirmed.get(timeout=REPLY_TIMEOUT_S)
        except Exception as error:  # refused, timed out, or the origin was turned away
            self.record("socket.io connect", started, time.perf_counter(), error)
            self.wait()  # as a visitor would before trying again
            return None
        self.record("socket.io connect", started, time.perf_counter())
        return client

    def websocket_options(self) -> dict:
        # websocket-client sends its own Origin header unless given one, and a browser sends the page's.
        options = {"origin": os.environ.get("LOAD_ORIGIN", self.host)}
        address = urlparse(self.host)
        if address.hostname.startswith("127."):  # only here can a visitor come from an address of its own
            source = (f"127.0.{next(_source_networks) % 250 + 1}.1", 0)
            options["socket"] = socket.create_connection((address.hostname, address.port), REPLY_TIMEOUT_S, source)
        return options

    def send(self, client, session_id: str, message: str, replies: Queue) -> None:
        while not replies.empty():  # anything late from the turn before is not this turn's reply
            replies.get_nowait()
        started = time.perf_counter()
        try:
            client.emit("user_uttered", {"message": message, "session_id": session_id})
            texts, last_at = self.whole_turn(replies)
            check_replies(texts, self.apologies)
        except Exception as error:  # no reply, the apology, or the connection went
            self.record("socket.io message", started, time.perf_counter(), error)
            return
        self.record("socket.io message", started, last_at)

    @staticmethod
    def whole_turn(replies: Queue) -> tuple:
        """The texts of one turn's messages, and when the last one came."""
        try:
            last_at, first = replies.get(timeout=REPLY_TIMEOUT_S)
        except Empty:
            raise BadReply(f"no reply within {REPLY_TIMEOUT_S} s") from None
        texts = [first.get("text", "")]
        while True:
            try:
                last_at, more = replies.get(timeout=QUIET_S)
            except Empty:
                return texts, last_at
            texts.append(more.get("text", ""))

    def record(self, name: str, started: float, finished: float, error: Exception = None) -> None:
        self.environment.events.request.fire(
            request_type="socket.io", name=name, response_time=(finished - started) * 1000, response_length=0,
            exception=error, context={},
        )
