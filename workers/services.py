"""Every change to the ledger: registration, corrections, status, secretaries, service records, personal-data
rights. Staff callers have already fetched the worker through a scoped selector; these check what that cannot
(the region a new worker is put in, the secretary chosen)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.accounts.models import Role, User
from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError
from core.identity import parse_id_number
from core.notifications.services import recipient_messages_erase
from core.privacy.crypto import encrypt_text, keyed_hash, keyed_hashes
from core.privacy.masking import mask_id_number, mask_phone
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.regions.models import Region, RegionLevel
from core.typed_input import normalize_phone
from workers.consent import CONSENT_TEXT, CONSENT_VERSION
from workers.models import (
    ID_NUMBER_PURPOSE,
    RETENTION_KINDS,
    Consent,
    KeyGroup,
    ServiceRecord,
    StatusChange,
    WantedArea,
    Worker,
    WorkerKeyGroup,
    WorkerStatus,
)
from workers.notifications import worker_notify_registered_by_staff

# Roles that register workers on their behalf.
REGISTRAR_ROLES = frozenset({Role.VILLAGE_AGENT, Role.COUNTY_STAFF})
# Roles whose work needs whole ID numbers (subsidy claims, social-insurance checks); others see them masked.
UNMASK_ROLES = frozenset({Role.COUNTY_STAFF, Role.ADMIN})


@dataclass(frozen=True)
class Identity:
    """An ID number checked and prepared for storage."""

    number: str
    hash: str
    # The hash under every configured PII key (newest first): what finds the person while keys are being rotated.
    lookup_hashes: tuple
    masked: str
    encrypted: str
    birth_date: date
    sex: str


def identity_from_id_number(value: str, *, encrypt: bool = True) -> Identity:
    """Validate an ID number (ApplicationError with the Chinese reason) and compute what the ledger stores."""
    try:
        parsed = parse_id_number(value)
    except ValidationError as error:
        raise ApplicationError(error.messages[0], field="id_number") from error
    return Identity(
        number=parsed.number,
        hash=keyed_hash(parsed.number, purpose=ID_NUMBER_PURPOSE),
        lookup_hashes=tuple(keyed_hashes(parsed.number, purpose=ID_NUMBER_PURPOSE)),
        masked=mask_id_number(parsed.number),
        encrypted=encrypt_text(parsed.number, purpose=ID_NUMBER_PURPOSE) if encrypt else "",
        birth_date=parsed.birth_date,
        sex=parsed.sex,
    )


def worker_build(*, user: User, identity: Identity, **fields: Any) -> Worker:
    """An unsaved Worker holding `identity` (see `identity_from_id_number`) the way the ledger stores it."""
    return Worker(
        user=user,
        id_number_encrypted=identity.encrypted,
        id_number_hash=identity.hash,
        id_number_masked=identity.masked,
        sex=identity.sex,
        birth_date=identity.birth_date,
        **fields,
    )


def already_registered_message(worker: Worker, *, viewer: User | None = None) -> str:
    """What to say when a person is already in the ledger.

    Staff whose region holds the worker learn who registered them, to ask that colleague; anyone else (the person
    registering themselves, staff of another county) only that the number is taken, so that typing ID numbers
    never tells who registered someone, where, or with which phone.
    """
    may_know = viewer is not None and viewer.is_console_user and user_can_access_region(viewer, worker.home_region_id)
    if not may_know:
        return _("此身份证号已登记。请用登记时的手机号登录，或联系县人社局。")
    registered_on = date_format(timezone.localtime(worker.registered_at).date(), "Y年n月j日")
    if worker.registered_by is None:
        return _("此身份证号已于%(date)s由本人自助登记（手机号 %(phone)s）。") % {
            "date": registered_on,
            "phone": mask_phone(worker.user.phone),
        }
    staff = worker.registered_by
    return _("此身份证号已于%(date)s由%(name)s（%(role)s，%(region)s）登记，如需更正请联系登记人。") % {
        "date": registered_on,
        "name": staff.get_full_name() or staff.username,
        "role": staff.get_role_display(),
        "region": staff.region.name if staff.region else "",
    }


def _check_home_region(home_region: Region, registered_by: User | None) -> None:
    if home_region.level != RegionLevel.VILLAGE:
        raise ApplicationError(_("请把户籍地选到村（社区）。"), field="home_region")
    if registered_by is not None and not user_can_access_region(registered_by, home_region.code):
        raise ApplicationError(_("只能登记本辖区的务工人员。"), field="home_region")


def _check_intention(*, wanted_area: str, wanted_cities: str) -> None:
    if wanted_area == WantedArea.NAMED_CITIES and not wanted_cities.strip():
        raise ApplicationError(_("选择“指定城市”时请填写城市名称。"), field="wanted_cities")


@transaction.atomic
def worker_register(
    *,
    phone: str | None,  # refused unless it is a mainland mobile number
    full_name: str,
    id_number: str,
    home_region: Region,
    status: str,
    consent_given: bool,
    status_since: date | None = None,
    skills: str = "",
    wanted_occupations: str = "",
    wanted_area: str = WantedArea.ANYWHERE,
    wanted_cities: str = "",
    expected_wage: int | None = None,
    available_from: date | None = None,
    key_groups: Iterable[str] = (),
    registered_by: User | None = None,
) -> Worker:
    """Register a person in the ledger, by themselves (`registered_by` None) or by a village agent or county staff.

    Creates the job seeker account that carries the phone (or adopts one the phone already has without a worker),
    the worker, the first status, the key groups and the consent record. An assisted registration sends the
    worker an SMS saying who registered them.
    """
    if not consent_given:
        raise ApplicationError(_("需要同意个人信息处理规则才能登记。"), field="consent")
    if registered_by is not None and not user_may_register_workers(registered_by):
        raise ApplicationError(_("只有劳务经纪人和县人社局工作人员可以代为登记。"), code="permission_denied")
    full_name = full_name.strip()
    if not full_name:
        raise ApplicationError(_("请填写姓名。"), field="full_name")
    phone = normalize_phone(phone)
    identity = identity_from_id_number(id_number)
    _check_home_region(home_region, registered_by)
    _check_intention(wanted_area=wanted_area, wanted_cities=wanted_cities)

    existing = (
        Worker.objects.select_related("registered_by__region", "user")
        .filter(id_number_hash__in=identity.lookup_hashes)
        .first()
    )
    if existing is not None:
        raise ApplicationError(
            already_registered_message(existing, viewer=registered_by),
            code="duplicate",
            field="id_number",
            details={"worker_id": existing.pk},
        )
    user = User.objects.filter(phone=phone).first()
    if user is not None and (user.role != Role.JOB_SEEKER or hasattr(user, "worker")):
        raise ApplicationError(_("手机号 %(phone)s 已被其他人登记使用。") % {"phone": phone}, field="phone")
    if user is None:
        user = User(username=phone, phone=phone, role=Role.JOB_SEEKER, password=make_password(None))
    # The account carries the home village too, so that staff reach the person wherever users are scoped by
    # region (broadcasts: core.notifications.selectors.broadcast_recipients).
    user.first_name, user.region = full_name, home_region
    user.save()

    today = timezone.localdate()
    worker = worker_build(
        user=user,
        identity=identity,
        full_name=full_name,
        home_region=home_region,
        status=status,
        status_since=status_since or today,
        skills=skills,
        wanted_occupations=wanted_occupations,
        wanted_area=wanted_area,
        wanted_cities=wanted_cities,
        expected_wage=expected_wage,
        available_from=available_from,
        registered_by=registered_by,
    )
    try:
        # A savepoint, so that two registrations of one person racing each other end in the same clear message.
        with transaction.atomic():
            worker.save()
    except IntegrityError:
        raise ApplicationError(
            _("此身份证号刚刚已被登记，请刷新后查看。"), code="duplicate", field="id_number"
        ) from None
    StatusChange.objects.create(
        worker=worker, status=status, effective_on=worker.status_since, changed_by=registered_by
    )
    WorkerKeyGroup.objects.bulk_create(WorkerKeyGroup(worker=worker, group=group) for group in set(key_groups))
    Consent.objects.create(
        worker=worker,
        version=CONSENT_VERSION,
        text=str(CONSENT_TEXT),
        given_at=timezone.now(),
        recorded_by=registered_by,
    )
    if registered_by is not None:
        worker_notify_registered_by_staff(worker=worker)
    return worker


def worker_self_register(*, user: User, address: str | None, **arguments: Any) -> Worker:
    """A signed-in job seeker registers themselves with the phone they signed in with (web form and API alike).

    An ID number that is already registered is answered as `already_registered_message` says, and the attempt is
    written to the audit log (in its own transaction: the registration's own is rolled back by the error).
    """
    try:
        return worker_register(phone=user.phone, **arguments)
    except ApplicationError as error:
        if error.code == "duplicate" and "worker_id" in error.details:
            audit_record(
                actor=user,
                action=AuditAction.DUPLICATE_REGISTRATION,
                subject=f"worker:{error.details['worker_id']}",
                reason=_("自助登记时填写了已登记的身份证号"),
                detail={"address": address},
            )
        raise


# The fields a worker (or staff) may correct. Not the ID number, which is the person's identity (a wrong one is
# registered anew after the record is deleted), nor the phone, which the SMS sign-in proves.
CORRECTABLE_FIELDS = (
    "full_name",
    "home_region",
    "skills",
    "wanted_occupations",
    "wanted_area",
    "wanted_cities",
    "expected_wage",
    "available_from",
)


@transaction.atomic
def worker_update(*, worker: Worker, actor: User, key_groups: Iterable[str] | None = None, **changes: Any) -> Worker:
    """Correct the worker's own data. A correction by the worker is written to the audit log (PIPL art. 46)."""
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ApplicationError(_("不能修改这些信息: %(fields)s。") % {"fields": "、".join(sorted(unknown))})
    if "home_region" in changes:
        staff = actor if actor.role != Role.JOB_SEEKER else None
        _check_home_region(changes["home_region"], staff)
    if "full_name" in changes and not changes["full_name"].strip():
        raise ApplicationError(_("请填写姓名。"), field="full_name")
    _check_intention(
        wanted_area=changes.get("wanted_area", worker.wanted_area),
        wanted_cities=changes.get("wanted_cities", worker.wanted_cities),
    )
    changed = sorted(field for field, value in changes.items() if getattr(worker, field) != value)
    for field, value in changes.items():
        setattr(worker, field, value)
    worker.save()
    if {"home_region", "full_name"} & set(changed):
        worker.user.region, worker.user.first_name = worker.home_region, worker.full_name
        worker.user.save(update_fields=["region", "first_name"])
    if key_groups is not None:
        key_groups = set(key_groups)
        worker.key_groups.exclude(group__in=key_groups).delete()
        have = set(worker.key_groups.values_list("group", flat=True))
        WorkerKeyGroup.objects.bulk_create(WorkerKeyGroup(worker=worker, group=group) for group in key_groups - have)
    if actor.pk == worker.user_id and changed:
        audit_record(
            actor=actor,
            action=AuditAction.CORRECTION,
            subject=f"worker:{worker.pk}",
            reason=_("本人更正个人信息"),
            detail={"fields": changed},
        )
    return worker


@transaction.atomic
def worker_status_update(*, worker: Worker, status: str, effective_on: date, actor: User, note: str = "") -> Worker:
    """Record a change of status (left for work on, employed locally at) in the history and on the worker."""
    if status not in WorkerStatus.values:
        raise ApplicationError(_("未知的就业状态。"), field="status")
    if effective_on > timezone.localdate() + timedelta(days=366):
        raise ApplicationError(_("日期太远了，请核对。"), field="effective_on")
    if effective_on < worker.status_since:
        raise ApplicationError(
            _("日期不能早于当前状态的开始日期（%(date)s）。") % {"date": worker.status_since.isoformat()},
            field="effective_on",
        )
    StatusChange.objects.create(worker=worker, status=status, effective_on=effective_on, note=note, changed_by=actor)
    worker.status, worker.status_since = status, effective_on
    worker.save(update_fields=["status", "status_since", "updated_at"])
    return worker


def _check_secretary(*, actor: User, secretary: User) -> None:
    if secretary.role != Role.COUNTY_STAFF or not secretary.is_active:
        raise ApplicationError(_("就业秘书必须是县人社局工作人员。"), field="secretary")
    if not user_can_access_region(actor, secretary.region.code):
        raise ApplicationError(_("只能指派本辖区的工作人员担任就业秘书。"), field="secretary")


@transaction.atomic
def workers_assign_secretary(*, actor: User, workers: QuerySet[Worker], secretary: User) -> int:
    """Make `secretary` the employment secretary of `workers` (a scoped queryset), of those in their county.

    Returns how many workers were assigned; workers outside the secretary's county are left as they were.
    """
    _check_secretary(actor=actor, secretary=secretary)
    return workers.filter(home_region__code__startswith=secretary.region.prefix, anonymised_at__isnull=True).update(
        secretary=secretary, updated_at=timezone.now()
    )


@transaction.atomic
def service_record_create(
    *,
    worker: Worker,
    secretary: User,
    kind: str,
    served_on: date,
    notes: str = "",
    outcome: str = "",
    still_employed: bool | None = None,
) -> ServiceRecord:
    """`still_employed` is the answer of a 稳岗回访 (RETENTION_KINDS), required there and nowhere else."""
    if secretary.role not in (Role.COUNTY_STAFF, Role.VILLAGE_AGENT) and not secretary.has_full_scope:
        raise ApplicationError(_("只有工作人员可以填写服务记录。"))
    if served_on > timezone.localdate():
        raise ApplicationError(_("服务日期不能晚于今天。"), field="served_on")
    if kind in RETENTION_KINDS and still_employed is None:
        raise ApplicationError(_("稳岗回访请选择是否仍在岗。"), field="still_employed")
    if kind not in RETENTION_KINDS:
        still_employed = None
    return ServiceRecord.objects.create(
        worker=worker,
        secretary=secretary,
        kind=kind,
        served_on=served_on,
        notes=notes,
        outcome=outcome,
        still_employed=still_employed,
    )


@transaction.atomic
def key_group_verify(*, worker: Worker, group: str, actor: User) -> None:
    if actor.role != Role.COUNTY_STAFF and not actor.has_full_scope:
        raise ApplicationError(_("重点群体身份由县人社局工作人员核实。"))
    if group not in KeyGroup.values:
        raise ApplicationError(_("未知的重点群体。"), field="group")
    WorkerKeyGroup.objects.update_or_create(
        worker=worker, group=group, defaults={"verified_by": actor, "verified_at": timezone.now()}
    )


def user_may_register_workers(user: User) -> bool:
    return user.role in REGISTRAR_ROLES or user.has_full_scope


def viewer_may_unmask(user: User) -> bool:
    return user.role in UNMASK_ROLES or user.has_full_scope


@transaction.atomic
def worker_id_number_reveal(*, worker: Worker, viewer: User, reason: str) -> str:
    """The whole ID number for a staff member whose role needs it, written to the audit log with the reason."""
    if not viewer_may_unmask(viewer):
        raise ApplicationError(_("您的角色不能查看完整身份证号。"), code="permission_denied")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写查看完整身份证号的理由。"), field="reason")
    audit_record(
        actor=viewer,
        action=AuditAction.UNMASKED_VIEW,
        subject=f"worker:{worker.pk}",
        reason=reason[:200],
        detail={"field": "id_number"},
    )
    return worker.id_number


@transaction.atomic
def worker_deletion_request(*, worker: Worker) -> Worker:
    """The worker asks to be deleted; the record is anonymised after WORKER_DELETION_RETENTION_DAYS."""
    if worker.deletion_requested_at is None:
        worker.deletion_requested_at = timezone.now()
        worker.save(update_fields=["deletion_requested_at", "updated_at"])
        audit_record(
            actor=worker.user,
            action=AuditAction.DELETION_REQUEST,
            subject=f"worker:{worker.pk}",
            reason=_("本人申请删除个人信息"),
        )
    return worker


@transaction.atomic
def worker_deletion_withdraw(*, worker: Worker) -> Worker:
    worker.deletion_requested_at = None
    worker.save(update_fields=["deletion_requested_at", "updated_at"])
    return worker


@transaction.atomic
def worker_anonymise(*, worker_id: int) -> Worker:
    """Blank every personal field of a worker whose deletion request is due, and close their account. Idempotent."""
    worker = Worker.objects.select_for_update().select_related("user").get(pk=worker_id)
    due_before = timezone.now() - timedelta(days=settings.WORKER_DELETION_RETENTION_DAYS)
    if (
        worker.anonymised_at is not None
        or worker.deletion_requested_at is None
        or worker.deletion_requested_at > due_before
    ):
        return worker
    _personal_data_erase(worker)
    audit_record(
        actor=None,
        action=AuditAction.ANONYMISED,
        subject=f"worker:{worker.pk}",
        reason=_("本人申请删除，保留期满后匿名化"),
        detail={"requested_at": worker.deletion_requested_at.isoformat()},
    )
    return worker


@transaction.atomic
def worker_anonymise_inactive(*, worker_id: int, inactive_since: datetime) -> bool:
    """Anonymise a worker nobody has touched since `inactive_since` (the end of a campaign whose retention is over,
    core.privacy retention table), unless something changed meanwhile. Idempotent; True if it was done."""
    worker = Worker.objects.select_for_update().select_related("user").get(pk=worker_id)
    last_login = worker.user.last_login
    if (
        worker.anonymised_at is not None
        or worker.updated_at >= inactive_since
        or (last_login is not None and last_login >= inactive_since)
    ):
        return False
    _personal_data_erase(worker)
    audit_record(
        actor=None,
        action=AuditAction.ANONYMISED,
        subject=f"worker:{worker.pk}",
        reason=_("春风行动结束后保留期满，匿名化"),
        detail={"inactive_since": inactive_since.isoformat()},
    )
    return True


def _personal_data_erase(worker: Worker) -> None:
    """What anonymisation removes (name, ID number, birth date, phone, free text, messages) and what it keeps so
    that the statistics still count the person: home region, sex, status and its dates, key groups, registration."""
    worker.full_name = _("已注销")
    worker.id_number_encrypted = ""
    worker.id_number_hash = None
    worker.id_number_masked = ""
    worker.birth_date = None
    worker.skills = worker.wanted_occupations = worker.wanted_cities = ""
    worker.expected_wage = None
    worker.available_from = None
    worker.anonymised_at = timezone.now()
    worker.save()
    worker.service_records.update(notes="", outcome="")
    worker.status_changes.update(note="")
    worker.consents.update(text="")
    user = worker.user
    recipient_messages_erase(user=user)
    user.phone = None
    user.first_name = user.last_name = user.email = ""
    user.username = f"anonymised-{worker.pk}"
    user.is_active = False
    user.save()
