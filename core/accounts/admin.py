"""Staff accounts in the Django admin, split between two administrators (三员分立):

- the system administrator opens accounts (with no role), edits names and contact details, resets passwords and
  switches accounts off and on;
- the security administrator gives accounts their role and region (`account_role_assign`, audited) and nothing else.

Neither sees job seekers' accounts (personal data; a worker's own pages and the console serve those), and neither
changes an administrator's account: those are made once, on the server (`manage.py create_administrator`).
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.accounts.models import ADMINISTRATOR_ROLES, Role, User
from core.accounts.services import ASSIGNABLE_ROLES, account_create, account_role_assign, account_role_check
from core.errors import ApplicationError
from core.privacy.masking import mask_phone


class RoleAssignmentForm(forms.ModelForm):
    """The security administrator's form: role and region, checked by the same rule the service applies."""

    class Meta:
        model = User
        fields = ["role", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in ASSIGNABLE_ROLES]

    def clean(self):
        cleaned = super().clean()
        try:
            account_role_check(user=self.instance, role=cleaned.get("role"), region=cleaned.get("region"))
        except ApplicationError as error:
            error.show_on(self)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "region", "masked_phone", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name"]
    raw_id_fields = ["region"]
    add_fieldsets = ((None, {"fields": ("username", "password1", "password2", "first_name", "phone")}),)
    _DETAILS = ("first_name", "last_name", "email", "phone")
    _DATES = ("last_login", "date_joined")

    @admin.display(description=_("手机号"))
    def masked_phone(self, user):
        return mask_phone(user.phone)

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(role=Role.JOB_SEEKER).select_related("region")

    def _is_security_admin(self, request):
        return request.user.role == Role.SECURITY_ADMIN

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.role in ADMINISTRATOR_ROLES and obj != request.user:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        if self._is_security_admin(request):
            return (
                (None, {"fields": ("username", *self._DETAILS, "is_active")}),
                (_("角色与区划"), {"fields": ("role", "region")}),
            )
        return (
            (None, {"fields": ("username", "password")}),
            (_("个人信息"), {"fields": self._DETAILS}),
            (_("状态"), {"fields": ("is_active", *self._DATES)}),
            (_("角色与区划"), {"fields": ("role", "region")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if self._is_security_admin(request):
            return ("username", *self._DETAILS, "is_active")
        # An administrator's own account: the password only (the form's link), never their own role or status.
        own_account = obj.role in ADMINISTRATOR_ROLES
        return ("role", "region", *self._DATES, *(("username", *self._DETAILS, "is_active") if own_account else ()))

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and self._is_security_admin(request):
            kwargs["form"] = RoleAssignmentForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            created = account_create(
                username=obj.username,
                password=form.cleaned_data["password1"],
                full_name=obj.first_name,
                phone=obj.phone,
            )
            obj.pk = created.pk
        elif self._is_security_admin(request):
            account_role_assign(user=obj, role=obj.role, region=obj.region, by=request.user)
        else:
            super().save_model(request, obj, form, change)
