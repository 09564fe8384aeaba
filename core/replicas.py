"""Heavy reads on PostgreSQL streaming replicas, everything else on the primary (docs/operations.md, "Read replicas").

Nothing reads from a replica unless it says so: a view decorated with `replica_reads` (the job supermarket's
search and posting pages, statistics, exports, matching lists), or code inside `with replica_reads():`. A blanket
rule ("every GET reads from a replica") would send the page a person opens right after saving something to a copy
that may not have it yet, and would put every future page's correctness on the router; a declaration puts it on the
one page that chose it, in one visible word.

Even inside such a scope the primary serves:
- everything inside a transaction (`transaction.atomic`, so a service's reads see its own writes and its locks),
  and `select_for_update`, `get_or_create` and every write (Django routes those as writes);
- the rest of the scope once anything was written or locked in it;
- a person who wrote within the last REPLICA_PIN_SECONDS: every unsafe request (POST, PUT, PATCH, DELETE) pins its
  browser with a cookie, and its signed-in user with a cache key (an API client with a token keeps no cookies),
  so that what they just saved is what they see next, on whichever web host;
- when no replica is within REPLICA_MAX_LAG_SECONDS of the primary, or none answers.

The router sits in core, the lowest floor, because every floor above declares its read-only pages with it and a
floor may only import downwards; settings name it by its dotted path (DATABASE_ROUTERS).
"""

import functools
import logging
import random
import time
from collections.abc import Callable
from contextlib import ContextDecorator
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA_ALIAS_PREFIX = "replica_"
PIN_COOKIE = "chunfeng_primary"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class _ReplicaScope:
    # Chosen at the scope's first read and kept: the statements of one page read one copy, at one moment (two
    # replicas may lag differently, and a search reads ids in one statement and their rows in the next).
    alias: str | None = None
    wrote: bool = False


_scope: ContextVar[_ReplicaScope | None] = ContextVar("replica_scope", default=None)
# alias -> (monotonic time of the check, whether it may serve); per process, refreshed every REPLICA_CHECK_SECONDS.
_replica_states: dict[str, tuple[float, bool]] = {}

# How far behind the primary a replica is: nothing (it replayed all it received), or the age of the last
# transaction it replayed. On an idle primary that age grows while nothing is missing, hence the first case.
LAG_SQL = """
SELECT CASE
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_ALIAS_PREFIX)]


def _pin_key(user_id: int) -> str:
    return f"primary-pin:{user_id}"


def primary_pinned(request: HttpRequest) -> bool:
    """Whether this person wrote within the last REPLICA_PIN_SECONDS (and must read from the primary)."""
    if PIN_COOKIE in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and cache.get(_pin_key(user.pk)))


def replica_lag_seconds(alias: str) -> float:
    """How far the replica `alias` is behind the primary (LAG_SQL; infinite when it never replayed anything).
    Raises DatabaseError when it does not answer."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def _replica_is_usable(alias: str) -> bool:
    checked_at, usable = _replica_states.get(alias, (float("-inf"), False))
    if time.monotonic() - checked_at < settings.REPLICA_CHECK_SECONDS:
        return usable
    try:
        lag_seconds = replica_lag_seconds(alias)
        usable = lag_seconds <= settings.REPLICA_MAX_LAG_SECONDS
        if not usable:
            logger.warning("Replica %s is %.1f s behind the primary: reading from the primary", alias, lag_seconds)
    except DatabaseError:
        logger.warning("Replica %s does not answer: reading from the primary", alias, exc_info=True)
        usable = False
    _replica_states[alias] = (time.monotonic(), usable)
    return usable


def replica_states_forget() -> None:
    """Check every replica again at its next use (after a test stops or starts one)."""
    _replica_states.clear()


class replica_reads(ContextDecorator):
    """Reads in this scope may come from a replica (the rules in the module's docstring).

    On a view, `@replica_reads` first asks whether the person is pinned to the primary; as a context manager
    (`with replica_reads():`, in a task or a command) there is no person to ask.
    """

    def __init__(self, view: Callable | None = None):
        self._tokens: list = []
        if view is not None:
            functools.update_wrapper(self, view)
        self._view = view

    def __call__(self, *args, **kwargs):
        if self._view is None:  # `@replica_reads()` with parentheses: decorate the function given
            return super().__call__(*args, **kwargs)
        request = args[0]
        if not replica_aliases() or primary_pinned(request):
            return self._view(*args, **kwargs)
        token = _scope.set(_ReplicaScope())
        try:
            return self._view(*args, **kwargs)
        finally:
            _scope.reset(token)

    def __enter__(self):
        self._tokens.append(_scope.set(_ReplicaScope()))
        return self

    def __exit__(self, *exc_info):
        _scope.reset(self._tokens.pop())
        return False


def _replica_choose() -> str:
    usable = [alias for alias in replica_aliases() if _replica_is_usable(alias)]
    return random.choice(usable) if usable else DEFAULT_DB_ALIAS


def primary_wal_position() -> str | None:
    """Where the primary's write-ahead log stands (past all this process committed), or None without replicas.

    A cache entry that depends on a write keeps it (`replica_reads_include`), so that whoever renders the entry
    again does so from data that has the write. Called after the commit; before it, the write is not in the log.
    """
    if not replica_aliases():
        return None
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        # The insert position, not the write position: with synchronous_commit off a commit returns before its
        # record is written out, so the write position may still be short of it.
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def replica_reads_include(position: str | None) -> None:
    """The rest of this scope must see what the primary had at `position` (from `primary_wal_position`): its
    replica serves it only if it has replayed that far, else the primary does.

    A page cached for everyone must not be rendered from a replica a moment behind the write that refreshed the
    cache: it would show the past to every visitor until the entry expires, not just to one.
    """
    scope = _scope.get()
    if scope is None or position is None or scope.wrote:
        return
    if scope.alias is None:
        scope.alias = _replica_choose()
    if scope.alias == DEFAULT_DB_ALIAS:
        return
    try:
        with connections[scope.alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            replayed = cursor.fetchone()[0]
    except DatabaseError:
        replayed = False
    if not replayed:
        scope.alias = DEFAULT_DB_ALIAS


class ReplicaRouter:
    """DATABASE_ROUTERS: reads declared replica-safe go to a usable replica; all else to the primary.

    Raw SQL in a read path takes its connection where the ORM would read (`connections[queryset.db]`), never
    `django.db.connection`, which is always the primary.
    """

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None or scope.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        if scope.alias is None:
            scope.alias = _replica_choose()
        return scope.alias

    def db_for_write(self, model, **hints):
        # What this scope reads next may be what it just wrote (or locked): the primary serves the rest of it.
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return not db.startswith(REPLICA_ALIAS_PREFIX)


class PrimaryPinMiddleware:
    """Pins whoever sends an unsafe request to the primary for REPLICA_PIN_SECONDS (only when replicas exist)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS and replica_aliases():
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                cache.set(_pin_key(user.pk), 1, timeout=seconds)
        return response
