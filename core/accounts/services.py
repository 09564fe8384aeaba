from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.accounts.models import ROLE_REGION_LEVELS, STAFF_ROLES, Role, User
from core.errors import ApplicationError


@transaction.atomic
def staff_user_create(*, username, password, role, region, full_name="", phone=None):
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
def admin_user_create(*, username, password):
    """A system administrator: full scope in the console and the Django admin."""
    if User.objects.filter(username=username).exists():
        raise ApplicationError(_("用户名“%(username)s”已被使用。") % {"username": username}, field="username")
    return User.objects.create_superuser(username=username, password=password, role=Role.ADMIN)
