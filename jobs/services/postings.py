"""A posting's life: draft -> published -> filled or closed, expired when its date passes, and the bulk versions
of each step for the console's filtered list."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.accounts.models import User
from core.accounts.scoping import scope_to_user
from core.errors import ApplicationError
from core.regions.models import Region
from jobs.models import Benefit, CooperationAgreement, Employer, JobPosting, PostingStatus
from jobs.pagecache import list_cache_invalidate
from jobs.services.access import check_editor, check_may_edit, with_history_user
from jobs.services.employers import require_county
from jobs.services.indexing import posting_index

MAX_EXTEND_DAYS = 365
MIN_WORKING_AGE = 16
MAX_AGE = 100
# Upper bounds that no real posting reaches; past them a typo (or 10**30) would overflow the database's integers.
MAX_WAGE = 1_000_000
MAX_HEADCOUNT = 100_000
_EDITABLE_FIELDS = (
    "title",
    "occupation",
    "description",
    "headcount",
    "wage_min",
    "wage_max",
    "pay_notes",
    "working_hours",
    "work_region",
    "work_address",
    "age_min",
    "age_max",
    "requirements",
    "kind",
    "is_urgent",
    "valid_until",
    "agreement",
)


def posting_problems(
    *,
    wage_min: int | None = None,
    wage_max: int | None = None,
    headcount: int | None = None,
    valid_until: date | None = None,
    age_min: int | None = None,
    age_max: int | None = None,
) -> list[tuple[str, str]]:
    """Every rule a posting's numbers break, as (field, message) pairs: the form shows each next to its field,
    the services refuse on the first. Values that are None are not checked (the form reports them missing)."""
    problems = []
    if wage_min is not None and wage_min <= 0:
        problems.append(("wage_min", _("工资必须大于0元。")))
    if wage_max is not None and wage_max <= 0:
        problems.append(("wage_max", _("工资必须大于0元。")))
    for name, wage in (("wage_min", wage_min), ("wage_max", wage_max)):
        if wage is not None and wage > MAX_WAGE:
            problems.append((name, _("月薪不能超过%(most)d元。") % {"most": MAX_WAGE}))
    if wage_min and wage_max and wage_min > wage_max:
        problems.append(("wage_min", _("工资下限不能高于上限。")))
    if headcount is not None and headcount <= 0:
        problems.append(("headcount", _("招聘人数至少为1人。")))
    if headcount is not None and headcount > MAX_HEADCOUNT:
        problems.append(("headcount", _("招聘人数不能超过%(most)d人。") % {"most": MAX_HEADCOUNT}))
    if valid_until is not None and valid_until < timezone.localdate():
        problems.append(("valid_until", _("有效期不能早于今天。")))
    if age_min is not None and age_min < MIN_WORKING_AGE:
        problems.append(("age_min", _("最低年龄不能小于16岁。")))
    if age_max is not None and age_max > MAX_AGE:
        problems.append(("age_max", _("最高年龄不能超过%(most)d岁。") % {"most": MAX_AGE}))
    if age_min is not None and age_max is not None and age_min > age_max:
        problems.append(("age_max", _("最高年龄不能小于最低年龄。")))
    return problems


def _refuse_problems(**values: Any) -> None:
    problems = posting_problems(**values)
    if problems:
        field_name, message = problems[0]
        raise ApplicationError(message, field=field_name)


def _check_agreement(actor: User | None, agreement: CooperationAgreement | None) -> None:
    if agreement is not None:
        check_may_edit(actor, agreement.sending_region_id, agreement.receiving_region_id)


def _invalidate_list_on_commit() -> None:
    transaction.on_commit(list_cache_invalidate)


@transaction.atomic
def posting_create(
    *,
    employer: Employer,
    created_by: User | None,
    title: str,
    occupation: str,
    description: str,
    headcount: int,
    wage_min: int,
    wage_max: int,
    work_region: Region,
    valid_until: date,
    county: Region,
    benefits: Iterable[str] = (),
    **details: Any,
) -> JobPosting:
    """A draft posting, created by `created_by` (None: the system). `benefits` are Benefit values; `details` the
    optional fields (pay_notes, working_hours, work_address, age_min, age_max, requirements, kind, agreement)."""
    _refuse_problems(
        wage_min=wage_min,
        wage_max=wage_max,
        headcount=headcount,
        valid_until=valid_until,
        age_min=details.get("age_min"),
        age_max=details.get("age_max"),
    )
    require_county(county, "county")
    check_may_edit(created_by, county.code)
    check_may_edit(created_by, employer.county_id)
    _check_agreement(created_by, details.get("agreement"))
    posting = JobPosting(
        employer=employer,
        created_by=created_by,
        title=title,
        occupation=occupation,
        description=description,
        headcount=headcount,
        wage_min=wage_min,
        wage_max=wage_max,
        work_region=work_region,
        valid_until=valid_until,
        county=county,
        **{benefit.value: benefit.value in benefits for benefit in Benefit},
        **details,
    )
    posting_index(posting)
    with_history_user(posting, created_by).save()
    return posting


def _locked(posting: JobPosting) -> JobPosting:
    return JobPosting.objects.select_for_update().select_related("employer", "work_region").get(pk=posting.pk)


@transaction.atomic
def posting_update(
    *, posting: JobPosting, actor: User | None, benefits: Iterable[str] | None = None, **fields: Any
) -> JobPosting:
    """Change the fields given; `benefits`, when given, is the whole set of Benefit values that apply.

    A published posting stays published: the job supermarket shows the new text at once.
    """
    unknown = set(fields) - set(_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"posting_update() does not change {sorted(unknown)}")
    posting = _locked(posting)
    check_may_edit(actor, posting.county_id)
    if posting.status in (PostingStatus.CLOSED, PostingStatus.FILLED):
        raise ApplicationError(_("已结束招聘的岗位不能再修改。"), code="wrong_status")
    if "agreement" in fields and fields["agreement"] != posting.agreement:
        _check_agreement(actor, fields["agreement"])
    merged = {name: fields.get(name, getattr(posting, name)) for name in ("wage_min", "wage_max", "headcount")}
    merged |= {name: fields.get(name, getattr(posting, name)) for name in ("age_min", "age_max")}
    # An expired posting keeps its old date until someone changes it; only a new date has to lie ahead.
    new_date = fields.get("valid_until")
    _refuse_problems(valid_until=new_date if new_date != posting.valid_until else None, **merged)
    for name, value in fields.items():
        setattr(posting, name, value)
    if benefits is not None:
        for benefit in Benefit:
            setattr(posting, benefit.value, benefit.value in benefits)
    if posting.status == PostingStatus.EXPIRED and posting.valid_until >= timezone.localdate():
        posting.status = PostingStatus.PUBLISHED
    posting_index(posting)
    with_history_user(posting, actor).save()
    _invalidate_list_on_commit()
    return posting


def _publish(posting: JobPosting, actor: User | None) -> JobPosting:
    posting = _locked(posting)
    check_may_edit(actor, posting.county_id)
    if posting.status != PostingStatus.DRAFT:
        raise ApplicationError(_("只有草稿状态的岗位可以发布。"), code="wrong_status")
    if posting.valid_until < timezone.localdate():
        raise ApplicationError(_("岗位已过有效期，请先修改有效期再发布。"), field="valid_until")
    posting.status = PostingStatus.PUBLISHED
    posting.published_at = timezone.now()
    with_history_user(posting, actor).save(update_fields=["status", "published_at", "updated_at"])
    return posting


def _end(posting: JobPosting, actor: User | None, status: str) -> JobPosting:
    posting = _locked(posting)
    check_may_edit(actor, posting.county_id)
    if posting.status in (PostingStatus.CLOSED, PostingStatus.FILLED):
        raise ApplicationError(_("岗位已经结束招聘。"), code="wrong_status")
    if posting.status == PostingStatus.DRAFT:
        # A draft was never seen by anyone: it is edited or left, not ended.
        raise ApplicationError(_("草稿还没有发布，不需要关闭或标记为已招满。"), code="wrong_status")
    posting.status = status
    with_history_user(posting, actor).save(update_fields=["status", "updated_at"])
    return posting


def _extend(posting: JobPosting, actor: User | None, days: int) -> JobPosting:
    posting = _locked(posting)
    check_may_edit(actor, posting.county_id)
    if posting.status in (PostingStatus.CLOSED, PostingStatus.FILLED):
        raise ApplicationError(_("已结束招聘的岗位不能延期。"), code="wrong_status")
    new_date = posting.valid_until + timedelta(days=days)
    if new_date < timezone.localdate():
        raise ApplicationError(
            _("延期后有效期（%(date)s）仍早于今天，请延长更多天数。") % {"date": f"{new_date:%Y-%m-%d}"},
            field="days",
        )
    posting.valid_until = new_date
    if posting.status == PostingStatus.EXPIRED:
        posting.status = PostingStatus.PUBLISHED
    with_history_user(posting, actor).save(update_fields=["valid_until", "status", "updated_at"])
    return posting


def _check_days(days: int) -> None:
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTEND_DAYS:
        raise ApplicationError(_("延期天数应在1到365天之间。"), field="days")


@transaction.atomic
def posting_publish(*, posting: JobPosting, actor: User | None = None) -> JobPosting:
    posting = _publish(posting, actor)
    _invalidate_list_on_commit()
    return posting


@transaction.atomic
def posting_close(*, posting: JobPosting, actor: User | None = None, status: str = PostingStatus.CLOSED) -> JobPosting:
    """Stop recruiting a published (or expired) posting: closed, or filled when every place is taken."""
    if status not in (PostingStatus.CLOSED, PostingStatus.FILLED):
        raise ApplicationError(_("岗位只能关闭或标记为已招满。"), field="status")
    posting = _end(posting, actor, status)
    _invalidate_list_on_commit()
    return posting


def posting_mark_filled(*, posting: JobPosting, actor: User | None = None) -> JobPosting:
    return posting_close(posting=posting, actor=actor, status=PostingStatus.FILLED)


@transaction.atomic
def posting_extend(*, posting: JobPosting, actor: User | None = None, days: int) -> JobPosting:
    """Move the closing date `days` later; an expired posting whose new date lies ahead is published again."""
    _check_days(days)
    posting = _extend(posting, actor, days)
    _invalidate_list_on_commit()
    return posting


@dataclass
class BulkOutcome:
    """What a bulk action did: how many postings changed, and each one refused with the reason."""

    changed: int = 0
    refused: list[tuple[JobPosting, str]] = field(default_factory=list)


def _bulk(actor: User, postings: QuerySet[JobPosting], step: Callable[[JobPosting], object]) -> BulkOutcome:
    """Apply `step` to each posting of `postings` that lies in the actor's scope, each in its own savepoint, so
    that one refusal leaves the others done. A posting outside the scope is never touched, whatever was sent."""
    check_editor(actor)
    outcome = BulkOutcome()
    scoped = scope_to_user(actor, postings, region_field="county").order_by("pk")
    for posting in scoped.select_related("employer"):
        try:
            with transaction.atomic():
                step(posting)
        except ApplicationError as error:
            outcome.refused.append((posting, error.message))
        else:
            outcome.changed += 1
    if outcome.changed:
        _invalidate_list_on_commit()
    return outcome


@transaction.atomic
def postings_bulk_publish(*, actor: User, postings: QuerySet[JobPosting]) -> BulkOutcome:
    return _bulk(actor, postings, lambda posting: _publish(posting, actor))


@transaction.atomic
def postings_bulk_close(*, actor: User, postings: QuerySet[JobPosting]) -> BulkOutcome:
    return _bulk(actor, postings, lambda posting: _end(posting, actor, PostingStatus.CLOSED))


@transaction.atomic
def postings_bulk_extend(*, actor: User, postings: QuerySet[JobPosting], days: int) -> BulkOutcome:
    _check_days(days)
    return _bulk(actor, postings, lambda posting: _extend(posting, actor, days))


@transaction.atomic
def postings_expire_due(*, today: date | None = None) -> int:
    """Mark every published posting whose validity ended before `today` as expired; returns how many.

    Idempotent, and safe to run at any time: the public selectors never show an expired posting even before it
    runs, because they also filter on `valid_until`. Each expiry is written to the posting's history.
    """
    today = today or timezone.localdate()
    due = list(
        JobPosting.objects.select_for_update(skip_locked=True)
        .filter(status=PostingStatus.PUBLISHED, valid_until__lt=today)
        .defer("search_tokens")
    )
    now = timezone.now()
    for posting in due:
        posting.status = PostingStatus.EXPIRED
        posting.updated_at = now
    if due:
        bulk_update_with_history(
            due, JobPosting, ["status", "updated_at"], batch_size=500, default_change_reason=_("有效期已过，自动过期")
        )
        _invalidate_list_on_commit()
    return len(due)
