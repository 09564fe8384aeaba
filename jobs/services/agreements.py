from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.models import User
from core.errors import ApplicationError
from jobs.models import CooperationAgreement
from jobs.services.access import check_may_edit, with_history_user

AGREEMENT_FIELDS = (
    "title",
    "sending_region",
    "receiving_region",
    "receiving_park",
    "signed_on",
    "term_start",
    "term_end",
    "target_people",
    "contacts",
    "document_links",
    "notes",
)
_url = URLValidator(schemes=["http", "https"])


def agreement_problems(
    *,
    term_start: date | None = None,
    term_end: date | None = None,
    target_people: int | None = None,
    document_links: str = "",
    **_ignored: Any,
) -> list[tuple[str, str]]:
    """Every rule an agreement breaks, as (field, message) pairs, for the form and the services alike."""
    problems = []
    if term_start and term_end and term_start > term_end:
        problems.append(("term_end", _("协议结束日期不能早于开始日期。")))
    if target_people is not None and target_people <= 0:
        problems.append(("target_people", _("目标人数至少为1人。")))
    for number, line in enumerate((document_links or "").splitlines(), start=1):
        try:
            if line.strip():
                _url(line.strip())
        except ValidationError:
            problems.append(
                ("document_links", _("第%(n)d行不是有效的网址（应以 http:// 或 https:// 开头）。") % {"n": number})
            )
    return problems


def _check(fields: dict[str, Any], actor: User | None) -> None:
    problems = agreement_problems(**fields)
    if problems:
        field_name, message = problems[0]
        raise ApplicationError(message, field=field_name)
    if fields["sending_region"].pk == fields["receiving_region"].pk:
        raise ApplicationError(_("输出地和输入地不能是同一个地区。"), field="receiving_region")
    # Either party's staff may record it: a sending county signs with a park, and the park's city with the county.
    check_may_edit(actor, fields["sending_region"].pk, fields["receiving_region"].pk)


@transaction.atomic
def agreement_create(*, actor: User | None, **fields: Any) -> CooperationAgreement:
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"agreement_create() does not take {sorted(unknown)}")
    _check(fields, actor)
    agreement = CooperationAgreement(created_by=actor, **fields)
    with_history_user(agreement, actor).save()
    return agreement


@transaction.atomic
def agreement_update(*, agreement: CooperationAgreement, actor: User | None, **fields: Any) -> CooperationAgreement:
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"agreement_update() does not change {sorted(unknown)}")
    agreement = CooperationAgreement.objects.select_for_update().get(pk=agreement.pk)
    check_may_edit(actor, agreement.sending_region_id, agreement.receiving_region_id)
    for name, value in fields.items():
        setattr(agreement, name, value)
    _check({name: getattr(agreement, name) for name in AGREEMENT_FIELDS}, actor)
    with_history_user(agreement, actor).save()
    return agreement
