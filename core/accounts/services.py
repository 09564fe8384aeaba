import secrets
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.accounts.models import ADMINISTRATOR_ROLES, ROLE_REGION_LEVELS, STAFF_ROLES, Role, SignInCode, User
from core.errors import ApplicationError
from core.notifications.models import Channel
from core.notifications.services import notify
from core.privacy.models import AuditAction
from core.privacy.services import audit_record
from core.regions.models import Region
from core.typed_input import normalize_phone


def _check_staff_role_region(role: Role, region: Region | None) -> None:
    if role not in STAFF_ROLES:
        raise ApplicationError(_("“%(role)s”不是工作人员角色。") % {"role": role}, field="role")
    allowed_levels = ROLE_REGION_LEVELS[role]
    if region is None or region.level not in allowed_levels:
        raise ApplicationError(
            _("%(role)s 的账号只能设在这些级别的区划: %(levels)s。")
            % {
                "role": Role(role).label,
                "levels": "、".join(str(region_level.label) for region_level in allowed_levels),
            },
            field="region",
        )


def _check_username_free(username: str) -> None:
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("用户名“%(username)s”已被使用。") % {"username": username}, field="username")


def _set_checked_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password") from error
    user.set_password(password)


@transaction.atomic
def staff_user_create(
    *, username: str, password: str, role: Role, region: Region, full_name: str = "", phone: str | None = None
) -> User:
    """Create a staff account scoped to `region`, checking that the region's level suits the role."""
    _check_staff_role_region(role, region)
    _check_username_free(username)
    user = User(username=username, role=role, region=region, first_name=full_name, phone=phone, is_staff=False)
    _set_checked_password(user, password)
    user.save()
    return user


@transaction.atomic
def admin_user_create(*, username: str, password: str) -> User:
    """A business administrator: full scope in the console. Not a superuser, and not in the Django admin, which
    belongs to the three administrators (`administrator_create`)."""
    _check_username_free(username)
    user = User(username=username, role=Role.ADMIN)
    _set_checked_password(user, password)
    user.save()
    return user


@transaction.atomic
def administrator_create(*, username: str, password: str, role: Role, full_name: str = "") -> User:
    """One of the three administrators (三员): given only here, from the server's command line
    (`manage.py create_administrator`), never in the web admin, so that no administrator can make another."""
    if role not in ADMINISTRATOR_ROLES:
        raise ApplicationError(_("“%(role)s”不是管理员角色。") % {"role": role}, field="role")
    _check_username_free(username)
    user = User(username=username, role=role, first_name=full_name, is_staff=True)
    _set_checked_password(user, password)
    user.save()
    return user


# The roles the security administrator hands out; the administrators' own come only from `administrator_create`.
ASSIGNABLE_ROLES = (*sorted(STAFF_ROLES), Role.ADMIN, Role.UNASSIGNED)


def account_role_check(*, user: User, role: Role, region: Region | None) -> None:
    """Why `user` may not be given `role` in `region` (ApplicationError), or nothing."""
    if user.role in ADMINISTRATOR_ROLES:
        raise ApplicationError(_("管理员账号的角色不能更改；如需调整，请另建账号。"), field="role")
    if user.role == Role.JOB_SEEKER:
        raise ApplicationError(_("务工人员的账号不能改为工作人员账号；请另建账号。"), field="role")
    if role not in ASSIGNABLE_ROLES:
        raise ApplicationError(_("“%(role)s”只能在服务器上用命令创建。") % {"role": role}, field="role")
    if role in STAFF_ROLES:
        _check_staff_role_region(role, region)
    elif region is not None:
        raise ApplicationError(_("%(role)s 的账号不设区划。") % {"role": Role(role).label}, field="region")


@transaction.atomic
def account_role_assign(*, user: User, role: Role, region: Region | None, by: User) -> User:
    """The security administrator gives a staff account its role and region; written to the audit log."""
    if by.role != Role.SECURITY_ADMIN:
        raise ApplicationError(_("只有安全管理员可以分配角色和区划。"), code="permission_denied")
    user = User.objects.select_for_update().get(pk=user.pk)
    account_role_check(user=user, role=role, region=region)
    before = {"role": user.role, "region": user.region_id}
    user.role, user.region = role, region
    user.save(update_fields=["role", "region"])
    audit_record(
        actor=by,
        action=AuditAction.ROLE_CHANGE,
        subject=f"user:{user.pk}",
        reason=_("分配角色与区划"),
        detail={"before": before, "after": {"role": role, "region": region.pk if region else None}},
    )
    return user


@transaction.atomic
def account_create(*, username: str, password: str, full_name: str = "", phone: str | None = None) -> User:
    """The system administrator opens an account; it has no role (and so no data) until the security
    administrator gives it one."""
    _check_username_free(username)
    user = User(username=username, role=Role.UNASSIGNED, first_name=full_name, phone=phone)
    _set_checked_password(user, password)
    user.save()
    return user


def _code_hash(phone: str, code: str) -> str:
    return salted_hmac("chunfeng.accounts.sign-in-code", f"{phone}:{code}", algorithm="sha256").hexdigest()


@transaction.atomic
def sign_in_code_send(*, phone: str) -> str:
    """Send a new 6-digit code to `phone` by SMS (a critical message: at once); any earlier unused code is void.

    A phone seen for the first time gets a job seeker account without a password, so that the message has a
    recipient; registration fills in the person. A staff phone gets no code: staff sign in with a password, so a
    stolen SIM card never opens the console. It is answered as any phone all the same (a code row is kept whose
    code was never sent), so that asking for codes never tells who is staff. Returns the normalised phone.
    """
    phone = normalize_phone(phone)
    user = User.objects.filter(phone=phone).first()
    staff_phone = user is not None and user.role != Role.JOB_SEEKER
    if user is not None and not staff_phone and not user.is_active:
        raise ApplicationError(_("此手机号的账号已停用，请联系县人社局。"), field="phone")
    if user is None:
        user = User.objects.create(username=phone, phone=phone, role=Role.JOB_SEEKER, password=make_password(None))
    now = timezone.now()
    SignInCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    SignInCode.objects.create(
        phone=phone,
        code_hash=_code_hash(phone, code),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.SIGN_IN_CODE_TTL_SECONDS),
    )
    if not staff_phone:
        notify(recipients=[user], template="sign_in_code", context={"code": code}, channels=[Channel.SMS])
    return phone


def sign_in_codes_due(*, now: datetime) -> QuerySet[SignInCode]:
    """Sign-in codes that lapsed longer ago than their retention (RETENTION_DAYS["sign_in_codes"]).

    A lapsed code can never sign anyone in; the day of grace keeps recent ones for looking into abuse of a number.
    """
    return SignInCode.objects.filter(expires_at__lt=now - timedelta(days=settings.RETENTION_DAYS["sign_in_codes"]))


def sign_in_codes_purge(*, now: datetime | None = None) -> int:
    """Delete the sign-in codes past their retention; returns how many went."""
    deleted, _by_model = sign_in_codes_due(now=now or timezone.now()).delete()
    return deleted


def sign_in_code_check(*, phone: str, code: str) -> User:
    """Use up the phone's current code and return the phone's job seeker account (made when the code was sent).

    A wrong code counts as an attempt, and the count is kept even though the caller gets an error: the attempt
    is saved in its own transaction before the error is raised.
    """
    phone = normalize_phone(phone)
    code = str(code or "").strip()
    outcome = _sign_in_code_consume(phone=phone, code=code)
    if outcome == "ok":
        user = User.objects.filter(phone=phone, role=Role.JOB_SEEKER, is_active=True).first()
        if user is not None:
            return user
        # A staff phone's code was never sent: whoever got it right guessed, and is told what a wrong guess is told.
        outcome = "wrong"
    messages = {
        "missing": _("验证码已失效，请重新获取。"),
        "expired": _("验证码已过期（5分钟内有效），请重新获取。"),
        "exhausted": _("验证码输错次数过多，请重新获取。"),
        "wrong": _("验证码不正确，请重新输入。"),
    }
    raise ApplicationError(messages[outcome], code=f"code_{outcome}", field="code")


@transaction.atomic
def _sign_in_code_consume(*, phone: str, code: str) -> str:
    current = SignInCode.objects.select_for_update().filter(phone=phone, used_at__isnull=True).order_by("-id").first()
    if current is None:
        return "missing"
    if current.expires_at <= timezone.now():
        return "expired"
    if current.attempts >= settings.SIGN_IN_CODE_MAX_ATTEMPTS:
        return "exhausted"
    if not constant_time_compare(current.code_hash, _code_hash(phone, code)):
        current.attempts += 1
        current.save(update_fields=["attempts"])
        return "wrong"
    current.used_at = timezone.now()
    current.save(update_fields=["used_at"])
    return "ok"


# --- Unlocking a staff account by a code sent to its own phone ------------------------------------------------------


def _unlock_key(username: str) -> str:
    return f"accounts:staff-unlock:{salted_hmac('chunfeng.accounts.unlock-key', username).hexdigest()}"


def staff_unlock_code_send(*, username: str) -> None:
    """Text a 6-digit code to the phone of the active staff account `username`, to lift its lock-outs.

    Says nothing back: an unknown username, or an account without a phone, is answered by the caller exactly as
    one that got a code, so that the form never tells which usernames exist. The code (its keyed hash) and its
    attempts live in the cache for SIGN_IN_CODE_TTL_SECONDS.
    """
    user = User.objects.filter(username=username, is_active=True, role__in=sorted(STAFF_ROLES)).first()
    if user is None or not user.phone:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(
        _unlock_key(username),
        {"hash": _code_hash(user.phone, code), "attempts": 0},
        timeout=settings.SIGN_IN_CODE_TTL_SECONDS,
    )
    notify(recipients=[user], template="staff_unlock_code", context={"code": code}, channels=[Channel.SMS])


def staff_unlock(*, username: str, code: str) -> None:
    """Check the unlock code and lift every lock-out of `username` (all addresses). ApplicationError if wrong."""
    key = _unlock_key(username)
    pending = cache.get(key)
    user = User.objects.filter(username=username, is_active=True).first()
    wrong = ApplicationError(_("验证码不正确，请重新输入。"), code="code_wrong", field="code")
    if pending is None or user is None or not user.phone:
        raise wrong
    if pending["attempts"] >= settings.SIGN_IN_CODE_MAX_ATTEMPTS:
        cache.delete(key)
        raise ApplicationError(_("验证码输错次数过多，请重新获取。"), code="code_exhausted", field="code")
    if not constant_time_compare(pending["hash"], _code_hash(user.phone, str(code or "").strip())):
        pending["attempts"] += 1
        cache.set(key, pending, timeout=settings.SIGN_IN_CODE_TTL_SECONDS)
        raise wrong
    cache.delete(key)
    axes_reset(username=username)
