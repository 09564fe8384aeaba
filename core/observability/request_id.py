"""The request id: one name for everything a request causes, so that an operator can follow a booking from the API
call through the Celery tasks it enqueued and the outbox rows it wrote to the SMS provider's answer.

It lives in a context variable: set by `RequestIdMiddleware` for a web request, carried to a Celery task in the
message's headers (portal/celery.py) and set again while the task runs, written into each outbox row
(`OutboxMessage.request_id`), and added to every log line (`RequestIdLogFilter`).
"""

import contextlib
import contextvars
import re
import uuid

# What a caller (a load balancer, a partner system) may send as X-Request-ID: 8 to 64 ASCII letters, digits, dots,
# dashes and underscores (what a UUID, a hex digest or nginx's $request_id is made of), so that it is safe in a log
# line, a header and a file name. No colon: it splits a key from its value. Anything else is replaced by one of
# ours, never echoed.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
MAX_LENGTH = 64

_current = contextvars.ContextVar("request_id", default="")


def new_request_id():
    return uuid.uuid4().hex


def well_formed_request_id(value):
    """`value` if a caller's X-Request-ID can be used as it is, else ""."""
    return value if value and _WELL_FORMED.fullmatch(value) else ""


def current_request_id():
    """The id of the request (or of the request that caused the task) being served here, "" outside of any."""
    return _current.get()


def request_id_enter(value):
    """From now on this context runs as part of request `value`; returns the token `request_id_leave` takes."""
    return _current.set(value or "")


def request_id_leave(token):
    _current.reset(token)


@contextlib.contextmanager
def request_id_bound(value):
    """Everything inside runs, and logs, as part of request `value`."""
    token = request_id_enter(value)
    try:
        yield value
    finally:
        request_id_leave(token)
