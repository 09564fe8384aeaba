"""The SMS rate (NOTIFICATIONS_SMS_RATE_LIMIT) is shared by every worker through Redis; a broadcast sending as fast
as it may still leaves a share of each second to the messages a person waits for (docs/notifications.md, "Queues"):
on their own queue they would otherwise wait at the rate limit behind the broadcast instead."""

import time
import uuid

import pytest

from core.notifications.ratelimit import messages_per_second, rate_limit_acquire
from core.notifications.services.sending import _call_size


@pytest.fixture
def rate(settings):
    if not settings.REDIS_URL:
        pytest.skip("the shared rate lives in Redis")
    settings.NOTIFICATIONS_SMS_RATE_LIMIT = 10
    settings.NOTIFICATIONS_SMS_RATE_RESERVED_SHARE = 0.2
    return f"test-{uuid.uuid4().hex}"  # a gateway name of this test's own: its own window in Redis


def seconds_to_acquire(gateway, count, *, bulk):
    started = time.monotonic()
    rate_limit_acquire(gateway=gateway, count=count, bulk=bulk)
    return time.monotonic() - started


def test_a_broadcast_sending_at_full_speed_leaves_room_in_each_second_for_a_sign_in_code(rate):
    assert seconds_to_acquire(rate, 8, bulk=True) < 0.2
    # The broadcast has used its share of this second: the code still goes at once...
    assert seconds_to_acquire(rate, 1, bulk=False) < 0.2
    # ... and the broadcast's next call waits for the next second rather than take what is left.
    assert seconds_to_acquire(rate, 1, bulk=True) > 0.5


def test_a_sign_in_code_may_use_the_whole_rate_when_nothing_else_is_sending(rate):
    assert messages_per_second() == 10
    assert seconds_to_acquire(rate, 10, bulk=False) < 0.2


def test_a_broadcasts_provider_calls_are_cut_to_its_share_of_the_rate(rate):
    assert messages_per_second(bulk=True) == 8
    assert _call_size(bulk=True) == 8
    assert _call_size(bulk=False) == 10


def test_a_rate_too_small_to_share_still_lets_the_broadcast_send(rate, settings):
    settings.NOTIFICATIONS_SMS_RATE_LIMIT = 1
    assert messages_per_second(bulk=True) == 1
