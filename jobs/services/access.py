"""Who may change demand data: county HR staff inside their county, and system admins. Everyone else in the
console (supervisors, dispatchers) reads what their region covers."""

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from core.accounts.models import Role, User
from core.accounts.scoping import user_can_access_region
from core.errors import ApplicationError

EDITOR_ROLES = frozenset({Role.COUNTY_STAFF})
Saved = TypeVar("Saved", bound=models.Model)


def user_may_edit_demand(user: User) -> bool:
    return user.is_active and (user.role in EDITOR_ROLES or user.has_full_scope)


def check_editor(actor: User) -> None:
    if not user_may_edit_demand(actor):
        raise ApplicationError(_("只有县人社局工作人员可以修改用工单位、岗位和协议。"), code="forbidden")


def check_may_edit(actor: User | None, *region_codes: str | None) -> None:
    """Refuse unless `actor` edits demand and at least one of `region_codes` lies in their scope.

    `actor` None is the system itself (demo data, tasks, tests of the rules below the console).
    """
    if actor is None:
        return
    check_editor(actor)
    if not any(user_can_access_region(actor, code) for code in region_codes if code):
        raise ApplicationError(_("这条记录不在您的管辖范围内。"), code="forbidden")


def with_history_user(instance: Saved, actor: User | None, reason: str | None = None) -> Saved:
    """Mark who is saving `instance`, for django-simple-history's entry of this save."""
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    return instance
