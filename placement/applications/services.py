"""Every change to applications and job fairs.

An application moves along `TRANSITIONS`; `_ACTOR_MAY` says which side may make each move. Seats are counted
under a lock on the posting row, so two staff signing the last place at once cannot both succeed.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.accounts.models import Role, User
from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from jobs.models import Employer, JobPosting, PostingStatus
from placement.applications.models import (
    CLOSED_STATES,
    HIRED_STATES,
    Application,
    ApplicationSource,
    ApplicationState,
    ApplicationStateChange,
    FairAttendance,
    JobFair,
    JobFairKind,
)
from placement.applications.selectors import headcount_tally, scope_applications
from placement.applications.signals import application_signed
from workers.models import ServiceKind, Worker
from workers.services import service_record_create

S = ApplicationState

# From each state, the states it may move to. Withdrawn and declined are closed, except that the worker may apply
# again (withdrawn -> applied) and staff may recommend them again (-> recommended).
TRANSITIONS = {
    S.APPLIED: {S.RECOMMENDED, S.INTENTION, S.SIGNED, S.DECLINED, S.WITHDRAWN},
    S.RECOMMENDED: {S.INTENTION, S.SIGNED, S.DECLINED, S.WITHDRAWN},
    S.INTENTION: {S.SIGNED, S.DECLINED, S.WITHDRAWN},
    S.SIGNED: {S.ONBOARDED, S.DECLINED, S.WITHDRAWN},
    S.ONBOARDED: set(),
    S.DECLINED: {S.RECOMMENDED},
    S.WITHDRAWN: {S.APPLIED, S.RECOMMENDED},
}

WORKER = "worker"
STAFF = "staff"

# Which side may move an application into each state. The worker only applies and withdraws; staff do the rest
# (and may withdraw for a worker who phoned in).
_ACTOR_MAY = {
    S.APPLIED: {WORKER},
    S.RECOMMENDED: {STAFF},
    S.INTENTION: {STAFF},
    S.SIGNED: {STAFF},
    S.ONBOARDED: {STAFF},
    S.DECLINED: {STAFF},
    S.WITHDRAWN: {WORKER, STAFF},
}

# Staff roles that move applications: those who serve workers and employers. Dispatchers run buses and
# supervisors read dashboards.
_MOVING_ROLES = frozenset({Role.COUNTY_STAFF, Role.VILLAGE_AGENT})


def staff_may_move(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and (user.role in _MOVING_ROLES or user.has_full_scope)


def next_states(application: Application, *, side: str) -> list[ApplicationState]:
    """The states this side may move the application to from where it is, in pipeline order."""
    return [
        state for state in ApplicationState if state in TRANSITIONS[application.state] and side in _ACTOR_MAY[state]
    ]


def _locked_posting(posting_id: int) -> JobPosting:
    posting = (
        JobPosting.objects.select_for_update(of=("self",)).select_related("employer").filter(pk=posting_id).first()
    )
    if posting is None:
        raise ApplicationError(_("找不到这个岗位。"), code="not_found")
    return posting


def _check_posting_open(posting: JobPosting) -> None:
    """Refuse a posting that no longer takes people: not published, past its date, or every place filled."""
    if posting.status != PostingStatus.PUBLISHED:
        raise ApplicationError(
            _("该岗位目前不接受报名（%(status)s）。") % {"status": posting.get_status_display()}, code="posting_closed"
        )
    if posting.valid_until < timezone.localdate():
        raise ApplicationError(_("该岗位已过有效期，不再接受报名。"), code="posting_expired")
    if headcount_tally(posting).is_full:
        raise ApplicationError(_("该岗位已招满。"), code="posting_full")


def _log(application: Application, *, from_state: str, to_state: str, actor: User | None, note: str = "") -> None:
    ApplicationStateChange.objects.create(
        application=application, from_state=from_state, to_state=to_state, changed_by=actor, note=note
    )


def _signing_announcement(application_id: int) -> Callable[[], None]:
    def announce_application_signed() -> None:
        application_signed.send(sender=Application, application_id=application_id)

    return announce_application_signed


def _move(
    application: Application,
    *,
    to_state: str,
    actor: User | None,
    side: str,
    note: str = "",
    fair: JobFair | None = None,
) -> Application:
    """Move an application (whose posting row the caller has locked) after checking the table and the seats."""
    from_state = application.state
    if to_state == from_state:
        return application
    if to_state not in TRANSITIONS[from_state]:
        raise ApplicationError(
            _("报名不能从“%(from)s”改为“%(to)s”。")
            % {"from": ApplicationState(from_state).label, "to": ApplicationState(to_state).label},
            code="bad_transition",
        )
    if side not in _ACTOR_MAY[to_state]:
        label = ApplicationState(to_state).label
        raise ApplicationError(_("您不能把报名改为“%(to)s”。") % {"to": label}, code="forbidden")
    if to_state in HIRED_STATES and from_state not in HIRED_STATES and headcount_tally(application.posting).is_full:
        raise ApplicationError(_("该岗位已招满，不能再签约。"), code="posting_full")
    application.state = to_state
    fields = ["state", "updated_at"]
    if fair is not None and application.fair_id is None:
        application.fair = fair
        fields.append("fair")
    application.save(update_fields=fields)
    _log(application, from_state=from_state, to_state=to_state, actor=actor, note=note)
    if to_state == S.SIGNED:
        # After commit, and robust: what follows a signing (portal/flows.py: the trip offer) can neither roll the
        # signature back nor fail the staff member's request.
        transaction.on_commit(_signing_announcement(application.pk), robust=True)
    return application


def _create(
    *,
    worker: Worker,
    posting: JobPosting,
    state: str,
    source: str,
    actor: User | None,
    fair: JobFair | None = None,
) -> Application | None:
    """A new application in its first state, or None when one already exists for this worker and posting."""
    try:
        with transaction.atomic():
            application = Application.objects.create(
                worker=worker, posting=posting, state=state, source=source, created_by=actor, fair=fair
            )
    except IntegrityError:
        return None
    _log(application, from_state="", to_state=state, actor=actor)
    return application


def _existing(*, worker: Worker, posting: JobPosting) -> Application:
    return Application.objects.select_for_update().select_related("posting").get(worker=worker, posting=posting)


@transaction.atomic
def application_apply(*, worker: Worker, posting_id: int) -> tuple[Application, bool]:
    """The worker applies to a posting. Applying again returns the same application (re-opened if withdrawn).

    Returns (application, created).
    """
    if worker.anonymised_at is not None:
        raise ApplicationError(_("该务工人员信息已删除。"))
    posting = _locked_posting(posting_id)
    if posting.status == PostingStatus.DRAFT:
        # A draft is not public: to a worker it is as missing as a posting that does not exist.
        raise ApplicationError(_("找不到这个岗位。"), code="not_found")
    existing = Application.objects.filter(worker=worker, posting=posting).first()
    if existing is not None and existing.state != S.WITHDRAWN:
        return existing, False
    _check_posting_open(posting)
    if existing is not None:
        existing = _existing(worker=worker, posting=posting)
        return _move(existing, to_state=S.APPLIED, actor=worker.user, side=WORKER), False
    application = _create(
        worker=worker, posting=posting, state=S.APPLIED, source=ApplicationSource.SELF_APPLIED, actor=worker.user
    )
    assert application is not None, "the posting's row lock lets no other application in"
    return application, True


@transaction.atomic
def application_withdraw(*, worker: Worker, application_id: int) -> Application:
    """The worker withdraws their own application."""
    application = Application.objects.filter(worker=worker, id=application_id).first()
    if application is None:
        raise ApplicationError(_("找不到这条报名。"), code="not_found")
    _locked_posting(application.posting_id)
    application = _existing(worker=worker, posting=application.posting)
    return _move(application, to_state=S.WITHDRAWN, actor=worker.user, side=WORKER)


def _staff_check(actor: User) -> None:
    if not staff_may_move(actor):
        raise ApplicationError(_("只有县、村工作人员可以办理报名。"), code="forbidden")


@transaction.atomic
def application_move(*, actor: User, application_id: int, to_state: str, note: str = "") -> Application:
    """Staff move an application in their scope one step along the pipeline."""
    _staff_check(actor)
    application = scope_applications(actor, Application.objects.all()).filter(id=application_id).first()
    if application is None:
        raise ApplicationError(_("找不到这条报名，或不在您的管辖范围内。"), code="not_found")
    if to_state not in ApplicationState.values:
        raise ApplicationError(_("未知的报名状态。"), field="state")
    _locked_posting(application.posting_id)
    application = _existing(worker=application.worker, posting=application.posting)
    return _move(application, to_state=to_state, actor=actor, side=STAFF, note=note)


def _staff_reach(actor: User, *, worker: Worker, posting: JobPosting) -> None:
    """Staff recommend workers of their own region, to a posting of their region or to any published one.

    A worker or a posting the actor may not see answers as a missing one does: the same words, nothing changed.
    """
    if not user_can_access_region(actor, worker.home_region_id):
        raise ApplicationError(_("找不到这位务工人员。"), code="not_found", field="worker")
    if posting.status != PostingStatus.PUBLISHED and not user_can_access_region(actor, posting.county_id):
        raise ApplicationError(_("找不到这个岗位。"), code="not_found", field="posting")


@transaction.atomic
def application_recommend(*, actor: User, worker: Worker, posting_id: int, note: str = "") -> tuple[Application, bool]:
    """Staff recommend a worker to a posting; this also records a 岗位推荐 service record for the worker.

    Returns (application, created). A worker who already applied moves on to recommended; one further along is
    left where they are (and no second service record is written).
    """
    _staff_check(actor)
    posting = _locked_posting(posting_id)
    _staff_reach(actor, worker=worker, posting=posting)
    existing = Application.objects.filter(worker=worker, posting=posting).first()
    if existing is not None and S.RECOMMENDED not in TRANSITIONS[existing.state]:
        return existing, False
    _check_posting_open(posting)
    if existing is None:
        application = _create(
            worker=worker,
            posting=posting,
            state=S.RECOMMENDED,
            source=ApplicationSource.STAFF_RECOMMENDED,
            actor=actor,
        )
        assert application is not None, "the posting's row lock lets no other application in"
        created = True
    else:
        application = _move(
            _existing(worker=worker, posting=posting), to_state=S.RECOMMENDED, actor=actor, side=STAFF, note=note
        )
        created = False
    service_record_create(
        worker=worker,
        secretary=actor,
        kind=ServiceKind.RECOMMENDATION,
        served_on=timezone.localdate(),
        notes=f"{posting.employer.name} {posting.title}",
        outcome=note,
    )
    return application, created


# --- Job fairs ----------------------------------------------------------------------------------------------------


def fair_view_count(*, fair_id: int) -> None:
    """One page view of the public fair page: a single UPDATE, no read."""
    JobFair.objects.filter(id=fair_id).update(views=F("views") + 1)


@transaction.atomic
def fair_attendance_record(*, actor: User, fair: JobFair, worker: Worker) -> FairAttendance:
    """The worker came to the fair (or joined it online). Recording them twice counts them once."""
    _staff_check(actor)
    attendance, _created = FairAttendance.objects.get_or_create(
        fair=fair, worker=worker, defaults={"recorded_by": actor}
    )
    return attendance


@transaction.atomic
def fair_intention_record(*, actor: User, fair: JobFair, worker: Worker, posting_id: int) -> tuple[Application, bool]:
    """At the fair the worker and the employer agree: the worker is counted as a visitor and their application to
    the posting is created, or moved on, to intention (达成就业意向), credited to this fair.
    """
    _staff_check(actor)
    if not fair.postings.filter(id=posting_id).exists():
        raise ApplicationError(_("请选择本场招聘会的岗位。"), field="posting")
    fair_attendance_record(actor=actor, fair=fair, worker=worker)
    posting = _locked_posting(posting_id)
    existing = Application.objects.filter(worker=worker, posting=posting).first()
    if existing is None:
        _check_posting_open(posting)
        application = _create(
            worker=worker, posting=posting, state=S.INTENTION, source=ApplicationSource.JOB_FAIR, actor=actor, fair=fair
        )
        assert application is not None, "the posting's row lock lets no other application in"
        return application, True
    if existing.state not in CLOSED_STATES and S.INTENTION not in TRANSITIONS[existing.state]:
        return existing, False
    application = _existing(worker=worker, posting=posting)
    if application.state in CLOSED_STATES:
        # Closed applications re-open through recommended, the way staff would bring them back by hand.
        _check_posting_open(posting)
        application = _move(application, to_state=S.RECOMMENDED, actor=actor, side=STAFF)
    return _move(application, to_state=S.INTENTION, actor=actor, side=STAFF, fair=fair), False


def _check_fair_scope(*, actor: User, county_id: str) -> None:
    _staff_check(actor)
    if not user_can_access_region(actor, county_id):
        raise ApplicationError(_("只能举办本辖区的招聘会。"), field="county", code="forbidden")


def _check_fair_kind(fields: dict[str, Any]) -> None:
    if fields["kind"] == JobFairKind.OFFLINE and not fields.get("place"):
        raise ApplicationError(_("线下招聘会请填写地点。"), field="place")
    if fields["kind"] != JobFairKind.OFFLINE and not fields.get("stream_url"):
        raise ApplicationError(_("线上招聘会和直播带岗请填写链接。"), field="stream_url")
    if fields["ends_at"] < fields["starts_at"]:
        raise ApplicationError(_("结束时间应晚于开始时间。"), field="ends_at")


@transaction.atomic
def fair_create(
    *,
    actor: User,
    fields: dict[str, Any],
    employers: Iterable[Employer] = (),
    postings: Iterable[JobPosting] = (),
) -> JobFair:
    """A new job fair. `fields`: JobFair field values; the employers of the chosen postings take part too."""
    _check_fair_scope(actor=actor, county_id=fields["county"].pk)
    _check_fair_kind(fields)
    fair = JobFair.objects.create(created_by=actor, **fields)
    _fair_participants_set(fair, employers=employers, postings=postings)
    return fair


@transaction.atomic
def fair_update(
    *,
    actor: User,
    fair_id: int,
    fields: dict[str, Any],
    employers: Iterable[Employer] = (),
    postings: Iterable[JobPosting] = (),
) -> JobFair:
    fair = JobFair.objects.select_for_update().get(pk=fair_id)
    _check_fair_scope(actor=actor, county_id=fair.county_id)
    _check_fair_scope(actor=actor, county_id=fields["county"].pk)
    _check_fair_kind(fields)
    for name, value in fields.items():
        setattr(fair, name, value)
    fair.save()
    _fair_participants_set(fair, employers=employers, postings=postings)
    return fair


def _fair_participants_set(fair: JobFair, *, employers: Iterable[Employer], postings: Iterable[JobPosting]) -> None:
    postings = list(postings)
    fair.postings.set(postings)
    fair.employers.set({*employers, *(posting.employer for posting in postings)})
