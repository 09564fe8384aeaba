from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.regions.models import RegionLevel


class Role(models.TextChoices):
    JOB_SEEKER = "job_seeker", _("务工人员")
    VILLAGE_AGENT = "village_agent", _("劳务经纪人")
    COUNTY_STAFF = "county_staff", _("县人社局工作人员")
    DISPATCHER = "dispatcher", _("调度员")
    SUPERVISOR = "supervisor", _("市/省级督导")
    # The business administrator: the whole country in the console, whole ID numbers; no Django admin.
    ADMIN = "admin", _("业务管理员")
    # 三员分立 (MLPS 2.0 level 3, docs/operations.md "Administrator roles"): three administrators, each with one
    # power, none with personal data, and all three only in the Django admin. An account holds one role (a column),
    # is never a superuser (a constraint), and an administrator's role is given once and never changed (services).
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    # An account the system administrator made and the security administrator has not given a role yet.
    UNASSIGNED = "unassigned", _("待分配角色")


STAFF_ROLES = frozenset({Role.VILLAGE_AGENT, Role.COUNTY_STAFF, Role.DISPATCHER, Role.SUPERVISOR})
ADMINISTRATOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# What each administrator may do in the Django admin: the only source of Django permissions (`User.has_perm`), so
# no group, per-user permission or superuser flag adds to it. Everything with personal data is absent; the worker
# list the system administrator sees is masked and read-only (workers/admin.py).
_SYSTEM_ADMIN_PERMISSIONS = frozenset({
    "accounts.view_user", "accounts.add_user", "accounts.change_user",
    "regions.view_region", "regions.add_region", "regions.change_region",
    "campaigns.view_campaign", "campaigns.add_campaign", "campaigns.change_campaign",
    "axes.view_accessattempt", "axes.delete_accessattempt",
    "matching.view_matchrun",
    "workers.view_worker",
})  # fmt: skip
ADMINISTRATOR_PERMISSIONS = {
    Role.SYSTEM_ADMIN: _SYSTEM_ADMIN_PERMISSIONS,
    Role.SECURITY_ADMIN: frozenset({"accounts.view_user", "accounts.change_user", "regions.view_region"}),
    Role.AUDIT_ADMIN: frozenset({"privacy.view_auditlog"}),
}

# The levels a staff account of each role may be scoped to (DESIGN.md, "Who uses it").
ROLE_REGION_LEVELS = {
    Role.VILLAGE_AGENT: (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP),
    Role.COUNTY_STAFF: (RegionLevel.COUNTY,),
    Role.DISPATCHER: (RegionLevel.COUNTY, RegionLevel.CITY),
    Role.SUPERVISOR: (RegionLevel.CITY, RegionLevel.PROVINCE),
}


class User(AbstractUser):
    """Staff sign in with username and password; job seekers (phone + SMS code) have no usable password."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.JOB_SEEKER)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("工作人员只能查看和修改本区划及下级区划的数据。"),
    )
    phone = models.CharField(_("手机号"), max_length=11, null=True, blank=True, unique=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_staff_roles_have_a_region",
                condition=~Q(role__in=sorted(STAFF_ROLES)) | Q(region__isnull=False),
            ),
            models.CheckConstraint(name="user_phone_is_eleven_digits", condition=Q(phone__regex=r"^1[0-9]{10}$")),
            # A superuser holds every permission, so an administrator who were one would hold all three powers.
            models.CheckConstraint(
                name="user_administrators_are_not_superusers",
                condition=~Q(role__in=sorted(ADMINISTRATOR_ROLES)) | Q(is_superuser=False),
            ),
            # Administrators see no personal data, so they have no region to see it in.
            models.CheckConstraint(
                name="user_administrators_have_no_region",
                condition=~Q(role__in=sorted(ADMINISTRATOR_ROLES)) | Q(region__isnull=True),
            ),
        ]

    @property
    def is_console_user(self):
        """Whether the staff console is for this user: staff roles and system admins."""
        return self.is_active and (self.role in STAFF_ROLES or self.has_full_scope)

    @property
    def has_full_scope(self):
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_administrator(self):
        """One of the three administrators (三员): the Django admin is theirs alone."""
        return self.is_active and self.role in ADMINISTRATOR_ROLES

    def has_perm(self, perm, obj=None):
        """Django permissions come from the administrator's role only (ADMINISTRATOR_PERMISSIONS)."""
        return self.is_active and perm in ADMINISTRATOR_PERMISSIONS.get(self.role, ())

    def has_module_perms(self, app_label):
        return self.is_active and any(
            perm.startswith(f"{app_label}.") for perm in ADMINISTRATOR_PERMISSIONS.get(self.role, ())
        )


class SignInCode(models.Model):
    """A 6-digit code sent by SMS to a job seeker's phone. Only a keyed hash of the code is kept."""

    phone = models.CharField(_("手机号"), max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        constraints = [
            models.CheckConstraint(name="signincode_phone_is_eleven_digits", condition=Q(phone__regex=r"^1[0-9]{10}$")),
            models.CheckConstraint(
                name="signincode_expires_after_creation", condition=Q(expires_at__gt=F("created_at"))
            ),
        ]

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"
