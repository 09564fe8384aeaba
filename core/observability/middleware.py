"""One middleware, first in the chain: names the request, times it, counts its queries, logs and measures it."""

import contextlib
import logging
import time

from django.db import connections

from core.observability.http_metrics import request_observe, view_label
from core.observability.request_id import new_request_id, request_id_bound, well_formed_request_id

logger = logging.getLogger("chunfeng.requests")

HEADER = "X-Request-ID"


class _QueryCounter:
    """A database execute wrapper (Django's `execute_wrapper`) that only counts."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class RequestObservationMiddleware:
    """The request id comes from X-Request-ID when a proxy or a partner sent a well-formed one (so that their logs
    and ours share it), else it is made here; the answer carries it back. Every log line written while the request
    is served carries it (core/observability/log_context.py), and so do the tasks and outbox rows it causes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = well_formed_request_id(request.headers.get(HEADER, "")) or new_request_id()
        request.request_id = request_id
        queries = _QueryCounter()
        started = time.perf_counter()
        with request_id_bound(request_id), contextlib.ExitStack() as counting:
            for connection in connections.all():
                counting.enter_context(connection.execute_wrapper(queries))
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            view = view_label(request)
            request_observe(view=view, seconds=seconds, queries=queries.count, status=response.status_code)
            # The route, not the path: paths carry secrets (a manifest link's token, the receipt push's) and ids.
            route = request.resolver_match.route if request.resolver_match else ""
            logger.info(
                "%s %s %s",
                request.method,
                route or view,
                response.status_code,
                extra={
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                    "db_queries": queries.count,
                },
            )
        response[HEADER] = request_id
        return response
