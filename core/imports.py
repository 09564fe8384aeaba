"""The one runner of the spreadsheet imports (the worker ledger's, the employer demand's).

Every import takes the same steps, in this order, and only what differs is the app's (an `ImportKind`):

1. an import already finished is left as it is (a task redelivered after a crash does nothing);
2. the file's rows are read (`core.spreadsheets.read_rows`) and each is parsed by the kind's row parser, every
   problem recorded with its row, column and message, the progress stored as it goes;
3. the kind's check looks across the rows (duplicates, the same employer written two ways);
4. any problem, or no row at all: the import ends "failed" with the list, and nothing is written;
5. otherwise the kind writes every row and the import is marked "succeeded" in one transaction, so a crash writes
   nothing; a row the database refuses because someone entered it meanwhile fails the import with the kind's
   message;
6. whatever else goes wrong, the import ends "failed" with a message people can act on and the traceback in the log:
   an import is never left "running" by a bug or an outage.

The uploaded file is dropped when the import ends, either way.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheets import Problems, read_rows

logger = logging.getLogger(__name__)


class ImportStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("排队中")
    RUNNING = "running", gettext_lazy("处理中")
    SUCCEEDED = "succeeded", gettext_lazy("已导入")
    FAILED = "failed", gettext_lazy("有错误，未导入")


FINISHED_STATUSES = (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

# The import record of one kind (LedgerImport, DemandImport): what `import_run` returns.
ImportRecord = TypeVar("ImportRecord", bound=models.Model)


@dataclass(frozen=True)
class ImportKind(Generic[ImportRecord]):
    """What one kind of import does at each step; the runner does the rest.

    `model`: the import record (fields status, total_rows, processed_rows, problems, content, finished_at, and
    warnings when `keeps_warnings`). `row_parser(record, problems, warnings)` returns `parse(number, cells)`, which
    gives a parsed row or None. `check(record, parsed, problems, warnings)` returns what `write` needs besides the
    rows. `write(record, parsed, checked)` writes them and returns the counts to store on the record.
    """

    model: type[ImportRecord]
    required_columns: tuple
    optional_columns: tuple
    row_parser: Callable[[ImportRecord, Problems, Problems], Callable[[int, dict[str, str]], Any]]
    check: Callable[[ImportRecord, list[Any], Problems, Problems], Any]
    write: Callable[[ImportRecord, list[Any], Any], dict[str, int]]
    changed_meanwhile: str | Promise
    progress_every_rows: int
    related: tuple = ()
    keeps_warnings: bool = False


def import_run(kind: ImportKind[ImportRecord], *, import_id: int) -> ImportRecord:
    """Check and import one uploaded file of this kind (the steps above); returns the import record."""
    try:
        return _checked_and_written(kind, import_id=import_id)
    except Exception:
        logger.exception("Import %s broke off", import_id)
        problems = Problems()
        problems.add(None, "", _("导入中途出错，未导入任何数据。请稍后重新上传；如仍出错，请联系管理员。"))
        return _finish(kind, import_id, ImportStatus.FAILED, total=None, problems=problems, warnings=Problems())


def _checked_and_written(kind: ImportKind[ImportRecord], *, import_id: int) -> ImportRecord:
    record = kind.model.objects.select_related(*kind.related).get(pk=import_id)
    if record.status in FINISHED_STATUSES:
        return record
    imports = kind.model.objects.filter(pk=import_id)
    imports.update(status=ImportStatus.RUNNING)
    problems, warnings = Problems(), Problems()
    rows = read_rows(record.content, required=kind.required_columns, optional=kind.optional_columns, problems=problems)
    imports.update(total_rows=len(rows))
    parse = kind.row_parser(record, problems, warnings)
    parsed = []
    for index, (number, cells) in enumerate(rows, start=1):
        row = parse(number, cells)
        if row is not None:
            parsed.append(row)
        if index % kind.progress_every_rows == 0:
            imports.update(processed_rows=index)
    checked = kind.check(record, parsed, problems, warnings)
    if not problems.count and not parsed:
        problems.add(2, "", _("文件中没有数据行。"))
    finish = partial(_finish, kind, import_id, total=len(rows), problems=problems, warnings=warnings)
    if problems.count:
        return finish(ImportStatus.FAILED)
    try:
        # The rows and the "succeeded" mark commit together: a task redelivered after a crash either finds the
        # import finished or finds nothing written.
        with transaction.atomic():
            counts = kind.write(record, parsed, checked)
            return finish(ImportStatus.SUCCEEDED, counts=counts)
    except IntegrityError:
        problems.add(None, "", kind.changed_meanwhile)
        return finish(ImportStatus.FAILED)


def _finish(
    kind: ImportKind[ImportRecord],
    import_id: int,
    status: ImportStatus,
    *,
    total: int | None,
    problems: Problems,
    warnings: Problems,
    counts: dict[str, int] | None = None,
) -> ImportRecord:
    """`total` None leaves the count of rows checked as it stood."""
    fields = {
        "status": status,
        "problems": problems.report(),
        "content": b"",
        "finished_at": timezone.now(),
        **(counts or {}),
    }
    if total is not None:
        fields["processed_rows"] = total
    if kind.keeps_warnings:
        fields["warnings"] = warnings.report()
    kind.model.objects.filter(pk=import_id).update(**fields)
    return kind.model.objects.get(pk=import_id)
