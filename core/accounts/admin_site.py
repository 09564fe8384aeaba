"""The Django admin, open to the three administrators (三员) only, each limited by role to their own models
(core.accounts.models.ADMINISTRATOR_PERMISSIONS). Listed in INSTALLED_APPS in place of django.contrib.admin."""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class AdministratorsAdminSite(admin.AdminSite):
    site_header = _("春风就业服务平台 · 系统管理")
    site_title = _("系统管理")
    index_title = _("系统管理")

    def has_permission(self, request):
        return request.user.is_authenticated and request.user.is_administrator

    def login(self, request, extra_context=None):
        """One sign-in page for everyone, with its lock-out and slow-down (core/accounts/views.py). Someone signed
        in who is no administrator is refused, not sent to sign in again (which would send them straight back)."""
        if request.user.is_authenticated:
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list an administrator may read and never change: evidence (the audit log) or people whose every change goes
    through the services on the console's pages (workers)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# What other apps register in the admin and no administrator's role may open (ADMINISTRATOR_PERMISSIONS): a page
# nobody can use, and a door for whoever is given a permission by mistake. Our own apps register only what a role
# may open (tests/core/test_administrators.py holds the registry against the roles).
_UNOPENABLE_THIRD_PARTY_MODELS = ("auth.Group", "axes.AccessLog", "axes.AccessFailureLog", "authtoken.TokenProxy")


class AdministratorsAdminConfig(AdminConfig):
    default_site = "core.accounts.admin_site.AdministratorsAdminSite"

    def ready(self):
        super().ready()  # autodiscover: every app's admin module registers its models
        for label in _UNOPENABLE_THIRD_PARTY_MODELS:
            admin.site.unregister(apps.get_model(label))
