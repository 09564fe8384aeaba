"""What differs between exports: each app describes its own as an `ExportKind` and registers it from its
`AppConfig.ready()` (as data it owns, like the message templates of core.notifications.catalog), so that the one
task and the one download page in core can run and name it without importing any app."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class ExportRows:
    """What a kind's `rows` gives the runner: the header, the rows (a generator, read once), and the audit line's
    reason and any detail beyond the row count and the filter."""

    header: list[Any]
    rows: Iterable[list[Any]]
    reason: str | Promise
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportKind:
    """`name` is stored on each export ("jobs.postings"); `label` names it on its page ("岗位列表");
    `file_prefix` starts the file's name; `subject` is the audit log's; `list_url` the URL name of the list it is
    made from. `rows(export)` reads the export's rows again, scoped to `export.requested_by`, from `export.query` and
    `export.options`. `check(user, options)`, when given, refuses with an ApplicationError what the person may not
    export: when they ask, and again when the worker writes it (a role may change in between)."""

    name: str
    label: str | Promise
    sheet_title: str | Promise
    file_prefix: str
    subject: str
    list_url: str
    rows: Callable[[Any], ExportRows]
    check: Callable[[Any, dict[str, Any]], None] | None = None


_kinds: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> None:
    _kinds[kind.name] = kind


def kind_named(name: str) -> ExportKind | None:
    return _kinds.get(name)
