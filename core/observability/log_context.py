"""Log records carry the request id (core/observability/request_id.py), so that the JSON log of a web process and
of a Celery worker can be searched for one request."""

import logging

from core.observability.request_id import current_request_id


class RequestIdLogFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request or a task it caused); never drops one."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True
