import secrets
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.accounts.models import ROLE_REGION_LEVELS, STAFF_ROLES, Role, SignInCode, User
from core.errors import ApplicationError
from core.notifications.models import Channel
from core.notifications.services import notify
from core.regions.models import Region
from core.typed_input import normalize_phone


@transaction.atomic
def staff_user_create(
    *, username: str, password: str, role: Role, region: Region, full_name: str = "", phone: str | None = None
) -> User:
    """Create a staff account scoped to `region`, checking that the region's level suits the role."""
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
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("用户名“%(username)s”已被使用。") % {"username": username}, field="username")
    user = User(username=username, role=role, region=region, first_name=full_name, phone=phone, is_staff=False)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password") from error
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def admin_user_create(*, username: str, password: str) -> User:
    """A system administrator: full scope in the console and the Django admin."""
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("用户名“%(username)s”已被使用。") % {"username": username}, field="username")
    return User.objects.create_superuser(username=username, password=password, role=Role.ADMIN)


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


def sign_in_codes_purge(*, now: datetime | None = None) -> int:
    """Delete sign-in codes that lapsed more than a day ago; returns how many went.

    A lapsed code can never sign anyone in; the day of grace keeps recent ones for looking into abuse of a number.
    """
    cutoff = (now or timezone.now()) - timedelta(days=1)
    deleted, _by_model = SignInCode.objects.filter(expires_at__lt=cutoff).delete()
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
