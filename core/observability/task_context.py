"""The request id across Celery: written into a task's message headers when it is published, taken back while the
task runs, so that the worker's log lines and the outbox rows the task writes name the request that caused it.
Connected to Celery's signals in portal/celery.py."""

from core.observability.request_id import current_request_id, request_id_enter, request_id_leave

HEADER = "request_id"

# The context tokens of the tasks running in this process, to put back what was there before each (an eager task
# runs inside the web request that called it and must leave the request's id in place).
_tokens = {}


def request_id_publish(headers=None, **_signal):
    """before_task_publish: the publishing request's id travels in the message's headers."""
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault(HEADER, request_id)


def request_id_resume(task_id=None, task=None, **_signal):
    """task_prerun: the task runs as part of the request that published it (an eager task inherits the caller's)."""
    carried = getattr(task.request, HEADER, None) if task is not None else None
    _tokens[task_id] = request_id_enter(carried or current_request_id())


def request_id_release(task_id=None, **_signal):
    """task_postrun: whatever the task was, the process goes back to the id it had before."""
    token = _tokens.pop(task_id, None)
    if token is not None:
        request_id_leave(token)
