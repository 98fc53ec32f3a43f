"""A Redis lock store that really keeps two Rasa servers off one conversation at the same time.

Rasa Open Source's RedisLockStore reads a conversation's ticket list, changes it and writes it back, so two
servers taking a ticket at the same moment can both go ahead (RasaHQ/rasa#9213; the fix went only into
Rasa Pro). Two messages of one conversation then interleave and events are lost — our concurrency test saw
exactly that. This store takes the lock with one atomic Redis command (SET NX PX, through redis-py's Lock)
and releases it only if it still owns it. It uses redis-py's asyncio client, so waiting for a lock or for
Redis never blocks the Rasa server's event loop (other conversations go on meanwhile).
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Optional, Text

import redis.asyncio
import redis.exceptions
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

import settings as project_settings

POLL_SECONDS = 0.02
LEASE_SECONDS = 6
logger = logging.getLogger(__name__)


class AtomicRedisLockStore(LockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        settings = endpoint_config.kwargs
        # The client connects on first use, inside the server's running event loop.
        self.red = redis.asyncio.Redis(
            host=endpoint_config.url or "127.0.0.1",
            port=int(settings.get("port", 6379)),
            db=int(settings.get("db", 0)),
            password=settings.get("password"),
            ssl=bool(settings.get("use_ssl", False)),
            socket_timeout=10,
        )
        prefix = settings.get("key_prefix") or project_settings.value("REDIS_KEY_PREFIX")
        self.key_prefix = f"{prefix}:conversation-lock:"
        super().__init__()

    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncGenerator[None, None]:
        # A message waits up to lock_lifetime for the conversation's lock; the lock itself is a short lease
        # that its server renews while the turn runs. A server that dies mid-turn then holds up that
        # conversation for at most one lease, not for Rasa's whole lock lifetime (60 s).
        mutex = self.red.lock(
            self.key_prefix + conversation_id, timeout=LEASE_SECONDS, sleep=POLL_SECONDS, blocking_timeout=lock_lifetime,
        )
        if not await mutex.acquire():
            raise LockError(f"Could not acquire the lock for conversation '{conversation_id}'.")
        renewal = asyncio.create_task(renew_while_held(mutex))
        try:
            yield
        finally:
            renewal.cancel()
            try:
                await mutex.release()
            except redis.exceptions.LockError:
                pass  # it expired while held; another server may own it now
            except redis.exceptions.RedisError:
                # Redis went away after the turn was stored: the lock expires by itself, and the turn's
                # replies must still be sent (a visitor told to send it again would store it twice).
                logger.warning("Could not release the lock of conversation %r; it will expire.", conversation_id, exc_info=True)

    # The ticket bookkeeping of Rasa's LockStore is not used: lock() above replaces it.
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: Text) -> None:
        pass  # never called: Rasa calls it only from the ticket bookkeeping replaced above

    def save_lock(self, lock: TicketLock) -> None:
        pass


async def renew_while_held(mutex: redis.asyncio.lock.Lock) -> None:
    """Renews the lease every third of its length, until the turn ends (the task is cancelled)."""
    while True:
        await asyncio.sleep(LEASE_SECONDS / 3)
        try:
            await mutex.reacquire()
        except redis.exceptions.RedisError:
            # Redis is gone or the lease was lost: there is nothing left to renew.
            logger.warning("Could not renew a conversation lock.", exc_info=True)
            return
