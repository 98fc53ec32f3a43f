"""The per-conversation rate limit, without Rasa."""
from __future__ import annotations

from safety.rate_limit import ConversationRateLimit, rate_limit_from_environment


def test_the_eleventh_message_within_ten_seconds_is_held_back_and_a_pause_lets_the_visitor_carry_on():
    limit = ConversationRateLimit(messages=10, seconds=10)
    assert all(limit.allows("a", now=t * 0.1) for t in range(10))
    assert not limit.allows("a", now=1.0)
    assert limit.allows("b", now=1.0), "another conversation is not held back"
    assert limit.allows("a", now=10.0), "the first message has left the window"


def test_held_back_messages_do_not_count_so_a_script_is_held_to_the_limit():
    limit = ConversationRateLimit(messages=2, seconds=10)
    accepted = [limit.allows("script", now=t * 0.5) for t in range(60)]  # 30 s of two messages a second
    assert sum(accepted) == 6


def test_a_visitor_at_a_persons_pace_is_never_held_back():
    limit = ConversationRateLimit()
    assert all(limit.allows("person", now=t * 2.0) for t in range(200))


def test_only_the_most_recently_seen_conversations_are_remembered():
    limit = ConversationRateLimit(messages=1, seconds=60, max_conversations=2)
    assert limit.allows("a", 0) and limit.allows("b", 0) and limit.allows("c", 0)
    assert limit.allows("a", 1), "a was forgotten when c came"
    assert not limit.allows("c", 1)


def test_limits_come_from_the_environment():
    limit = rate_limit_from_environment({"AHSCT_RATE_LIMIT_MESSAGES": "3", "AHSCT_RATE_LIMIT_SECONDS": "5"})
    assert (limit.messages, limit.seconds) == (3, 5.0)
    assert (rate_limit_from_environment({}).messages, rate_limit_from_environment({}).seconds) == (10, 10.0)
