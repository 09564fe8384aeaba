"""Each row of a ledger file checked field by field, then the duplicates across the file and against the ledger and
the accounts; every problem reported with its row number, column and a Chinese message."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.accounts.models import User
from core.batching import chunked
from core.errors import ApplicationError
from core.typed_input import normalize_phone, parse_whole_number
from workers.imports.columns import (
    ID_NUMBER,
    KEY_GROUPS,
    NAME,
    OCCUPATIONS,
    PHONE,
    SKILLS,
    STATUS,
    VILLAGE,
    WAGE,
    villages_of,
)
from workers.models import (
    MAX_EXPECTED_WAGE,
    KeyGroup,
    Worker,
    WorkerStatus,
)
from workers.services import (
    Identity,
    already_registered_message,
    identity_from_id_number,
)

# Rows looked up (and, by services, written) per query.
BATCH_SIZE = 5000


@dataclass
class ParsedRow:
    row: int
    full_name: str
    identity: Identity
    phone: str
    village_code: str
    status: str
    skills: str
    wanted_occupations: str
    expected_wage: int | None
    key_groups: list = field(default_factory=list)


def row_parser(ledger_import, problems, warnings):
    """`parse(number, cells)` for one file, with the lookups built once: the uploader's villages, the statuses and
    key groups by their labels in the active language."""
    villages = set(villages_of(ledger_import.uploaded_by).values_list("code", flat=True))
    statuses_by_label, key_groups_by_label = _statuses_by_label(), _key_groups_by_label()

    def parse(number, cells):
        return _parse_row(
            number,
            cells,
            villages=villages,
            statuses_by_label=statuses_by_label,
            key_groups_by_label=key_groups_by_label,
            problems=problems,
        )

    return parse


def _parse_row(number, cells, *, villages, statuses_by_label, key_groups_by_label, problems):
    """One row checked field by field; every problem is recorded, and None returned when there was one."""
    found = problems.count
    full_name = cells[str(NAME)]
    if not full_name:
        problems.add(number, NAME, _("姓名不能为空。"))
    identity = None
    try:
        identity = identity_from_id_number(cells[str(ID_NUMBER)])
    except ApplicationError as error:
        problems.add(number, ID_NUMBER, error.message)
    phone = ""
    try:
        phone = normalize_phone(cells[str(PHONE)])
    except ApplicationError as error:
        problems.add(number, PHONE, error.message)
    village_code = cells[str(VILLAGE)]
    if village_code not in villages:
        problems.add(number, VILLAGE, _("“%(code)s”不是您辖区内的村（社区）代码。") % {"code": village_code})
    status = statuses_by_label.get(cells[str(STATUS)])
    if status is None:
        problems.add(number, STATUS, _("就业状态应填：%(statuses)s。") % {"statuses": "、".join(statuses_by_label)})
    wage = None
    wage_text = cells.get(str(WAGE), "")
    if wage_text:
        try:
            wage = parse_whole_number(wage_text.removesuffix("元"), lowest=0, highest=MAX_EXPECTED_WAGE)
        except ApplicationError:
            problems.add(number, WAGE, _("期望月薪应是整数（元）。"))
    groups = []
    for label in _split_list(cells.get(str(KEY_GROUPS), "")):
        group = key_groups_by_label.get(label)
        if group is None:
            problems.add(number, KEY_GROUPS, _("“%(label)s”不是重点群体。") % {"label": label})
        else:
            groups.append(group)
    if problems.count > found:
        return None
    return ParsedRow(
        row=number,
        full_name=full_name[:50],
        identity=identity,
        phone=phone,
        village_code=village_code,
        status=status,
        skills=cells.get(str(SKILLS), "")[:200],
        wanted_occupations=cells.get(str(OCCUPATIONS), "")[:200],
        expected_wage=wage,
        key_groups=groups,
    )


def _split_list(text):
    for separator in "，,;；/ ":
        text = text.replace(separator, "、")
    return [part for part in (piece.strip() for piece in text.split("、")) if part]


def _statuses_by_label():
    """Built per file rather than at import time: the labels follow the language that is active."""
    return {str(label): value for value, label in WorkerStatus.choices}


def _key_groups_by_label():
    return {str(label): value for value, label in KeyGroup.choices}


def duplicates_check(parsed, problems, *, uploader):
    """Duplicates inside the file and against the ledger and the accounts, each reported on its row."""
    first_row_of = {}
    first_row_of_phone = {}
    for row in parsed:
        if row.identity.hash in first_row_of:
            problems.add(
                row.row, ID_NUMBER, _("与第%(row)d行的身份证号重复。") % {"row": first_row_of[row.identity.hash]}
            )
        else:
            first_row_of[row.identity.hash] = row.row
        if row.phone in first_row_of_phone:
            problems.add(row.row, PHONE, _("与第%(row)d行的手机号重复。") % {"row": first_row_of_phone[row.phone]})
        else:
            first_row_of_phone[row.phone] = row.row
    # While PII keys rotate, a registered person's row holds the hash under an old key or the newest one.
    row_of_lookup_hash = {
        lookup_hash: row.row
        for row in parsed
        if first_row_of[row.identity.hash] == row.row
        for lookup_hash in row.identity.lookup_hashes
    }
    for chunk in chunked(row_of_lookup_hash, BATCH_SIZE):
        for worker in Worker.objects.filter(id_number_hash__in=chunk).select_related("registered_by__region", "user"):
            message = already_registered_message(worker, viewer=uploader)
            problems.add(row_of_lookup_hash[worker.id_number_hash], ID_NUMBER, message)
    for chunk in chunked(first_row_of_phone, BATCH_SIZE):
        for phone in User.objects.filter(phone__in=chunk).values_list("phone", flat=True):
            problems.add(first_row_of_phone[phone], PHONE, _("手机号 %(phone)s 已被其他人使用。") % {"phone": phone})
