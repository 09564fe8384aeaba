"""三员分立: three administrators, each with one power and no personal data, alone in the Django admin
(docs/operations.md, "Administrator roles")."""

import io
import sys

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from core.accounts.models import ADMINISTRATOR_PERMISSIONS, Role, User
from core.accounts.services import account_role_assign, administrator_create
from core.errors import ApplicationError
from core.privacy.models import AuditAction, AuditLog
from core.privacy.services import audit_record
from tests.factories import DEMO_PASSWORD, JobSeekerFactory, UserFactory, WorkerFactory


def administrator(role, username=None):
    return administrator_create(username=username or role, password=DEMO_PASSWORD, role=role, full_name="管理员")


@pytest.fixture
def system_admin(db):
    return administrator(Role.SYSTEM_ADMIN)


@pytest.fixture
def security_admin(db):
    return administrator(Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db):
    return administrator(Role.AUDIT_ADMIN)


# --- one account, one power --------------------------------------------------------------------------------------


def test_an_administrator_can_never_be_a_superuser(system_admin):
    system_admin.is_superuser = True
    with pytest.raises(IntegrityError, match="user_administrators_are_not_superusers"), transaction.atomic():
        system_admin.save()


def test_an_administrator_has_no_region_to_see_data_in(audit_admin, regions):
    audit_admin.region = regions.get(code="430181")
    with pytest.raises(IntegrityError, match="user_administrators_have_no_region"), transaction.atomic():
        audit_admin.save()


def test_an_administrators_role_never_changes_so_one_account_never_gathers_two_powers(
    system_admin, security_admin, audit_admin
):
    for account in (system_admin, audit_admin):
        with pytest.raises(ApplicationError, match="管理员账号的角色不能更改"):
            account_role_assign(user=account, role=Role.SECURITY_ADMIN, region=None, by=security_admin)
    assert User.objects.get(pk=audit_admin.pk).role == Role.AUDIT_ADMIN


def test_the_security_administrator_cannot_hand_out_an_administrator_role(security_admin):
    account = UserFactory(role=Role.UNASSIGNED, region=None)
    with pytest.raises(ApplicationError, match="只能在服务器上用命令创建"):
        account_role_assign(user=account, role=Role.AUDIT_ADMIN, region=None, by=security_admin)


def test_only_the_security_administrator_hands_out_roles(system_admin, regions):
    account = UserFactory(role=Role.UNASSIGNED, region=None)
    with pytest.raises(ApplicationError, match="只有安全管理员"):
        account_role_assign(user=account, role=Role.COUNTY_STAFF, region=regions.get(code="430181"), by=system_admin)


def test_a_role_given_is_checked_against_the_region_and_written_to_the_audit_log(security_admin, regions):
    account = UserFactory(role=Role.UNASSIGNED, region=None)
    with pytest.raises(ApplicationError, match="只能设在这些级别的区划"):
        account_role_assign(
            user=account, role=Role.COUNTY_STAFF, region=regions.get(code="430181102"), by=security_admin
        )

    account_role_assign(user=account, role=Role.COUNTY_STAFF, region=regions.get(code="430181"), by=security_admin)

    entry = AuditLog.objects.get(action=AuditAction.ROLE_CHANGE)
    assert (entry.actor, entry.subject) == (security_admin, f"user:{account.pk}")
    assert entry.detail == {
        "before": {"role": "unassigned", "region": None},
        "after": {"role": "county_staff", "region": "430181"},
    }


def test_the_command_creates_an_administrator_with_the_password_from_standard_input(db, monkeypatch, capsys):
    from django.core.management import call_command

    monkeypatch.setattr(sys, "stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    call_command("create_administrator", "audit_admin", "shenji", "--full-name", "审计员")

    auditor = User.objects.get(username="shenji")
    assert (auditor.role, auditor.is_superuser, auditor.region, auditor.check_password(DEMO_PASSWORD)) == (
        Role.AUDIT_ADMIN,
        False,
        None,
        True,
    )
    assert "审计管理员" in capsys.readouterr().out


# --- the Django admin ----------------------------------------------------------------------------------------------


def test_the_admin_registers_exactly_the_models_some_administrator_role_may_open():
    """A registered model no role may view is a page nobody can open, and a door left for whoever gets a permission
    by mistake: the registry and the three roles' permissions name the same models."""
    registered = {model._meta.label_lower for model in admin.site._registry}
    openable = {
        permission.replace(".view_", ".")
        for permissions in ADMINISTRATOR_PERMISSIONS.values()
        for permission in permissions
        if ".view_" in permission
    }
    assert registered == openable


def test_the_admin_is_closed_to_the_business_admin_and_to_superusers(client, db):
    client.force_login(User.objects.create_superuser(username="root", password=DEMO_PASSWORD, role=Role.ADMIN))
    assert client.get("/admin/", follow=True).status_code == 403


def test_an_administrator_signing_in_lands_in_the_admin(client, system_admin):
    response = client.post("/accounts/login/", {"username": "system_admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.SYSTEM_ADMIN, ["用户", "行政区划", "春风行动", "务工人员"], ["个人信息访问记录", "消息", "报名"]),
        (Role.SECURITY_ADMIN, ["用户"], ["个人信息访问记录", "务工人员", "春风行动"]),
        (Role.AUDIT_ADMIN, ["个人信息访问记录"], ["用户", "务工人员", "行政区划"]),
    ],
)
def test_each_administrator_sees_only_their_own_part_of_the_admin(client, db, role, shown, hidden):
    client.force_login(administrator(role))
    page = client.get("/admin/").content.decode()
    for label in shown:
        assert f">{label}<" in page
    for label in hidden:
        assert f">{label}<" not in page


def test_the_system_administrator_sees_workers_masked_without_names_and_cannot_change_them(
    client, system_admin, regions
):
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), full_name="欧阳春")
    client.force_login(system_admin)

    page = client.get("/admin/workers/worker/").content.decode()
    assert worker.id_number_masked in page
    assert "欧阳春" not in page
    assert worker.user.phone not in page
    assert client.get(f"/admin/workers/worker/{worker.pk}/change/").status_code == 403
    response = client.post(f"/admin/workers/worker/{worker.pk}/change/", {"status": "seeking"})
    assert response.status_code == 403


def test_neither_account_administrator_sees_job_seekers(client, system_admin, security_admin, regions):
    seeker = JobSeekerFactory(username="seeker-zhang", first_name="张三")
    staff = UserFactory(username="liuyang-staff", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    for admin_user in (system_admin, security_admin):
        client.force_login(admin_user)
        page = client.get("/admin/accounts/user/").content.decode()
        assert staff.username in page
        assert seeker.username not in page
        assert client.get(f"/admin/accounts/user/{seeker.pk}/change/").status_code == 302  # "not found", back to list


def test_the_system_administrator_opens_an_account_without_a_role(client, system_admin):
    client.force_login(system_admin)
    response = client.post(
        "/admin/accounts/user/add/",
        {"username": "new-staff", "password1": "a-long-new-password-42", "password2": "a-long-new-password-42",
         "first_name": "新同事", "phone": ""},
    )  # fmt: skip

    assert response.status_code == 302
    account = User.objects.get(username="new-staff")
    assert (account.role, account.region, account.first_name) == (Role.UNASSIGNED, None, "新同事")


def test_the_system_administrator_cannot_give_a_role_nor_touch_another_administrator(
    client, system_admin, audit_admin, regions
):
    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    client.force_login(system_admin)

    client.post(
        f"/admin/accounts/user/{staff.pk}/change/",
        {"username": staff.username, "first_name": "改名", "is_active": "on", "role": "admin", "region": ""},
    )
    staff.refresh_from_db()
    assert (staff.first_name, staff.role) == ("改名", Role.COUNTY_STAFF)
    assert client.get(f"/admin/accounts/user/{audit_admin.pk}/password/").status_code == 403
    assert client.post(f"/admin/accounts/user/{audit_admin.pk}/change/", {"is_active": ""}).status_code == 403


def test_the_security_administrator_gives_a_role_in_the_admin_and_is_told_why_a_wrong_one_is_refused(
    client, security_admin, regions
):
    account = UserFactory(role=Role.UNASSIGNED, region=None, first_name="新同事")
    client.force_login(security_admin)

    refused = client.post(f"/admin/accounts/user/{account.pk}/change/", {"role": "county_staff", "region": "430181102"})
    assert "只能设在这些级别的区划" in refused.content.decode()
    assert User.objects.get(pk=account.pk).role == Role.UNASSIGNED

    client.post(
        f"/admin/accounts/user/{account.pk}/change/", {"role": "county_staff", "region": "430181", "first_name": "改名"}
    )
    account.refresh_from_db()
    assert (account.role, account.region_id, account.first_name) == (Role.COUNTY_STAFF, "430181", "新同事")
    assert AuditLog.objects.filter(action=AuditAction.ROLE_CHANGE, actor=security_admin).count() == 1


# --- the audit log -------------------------------------------------------------------------------------------------


def test_the_audit_administrator_reading_the_log_is_written_to_the_log(client, audit_admin, regions):
    staff = UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    entry = audit_record(actor=staff, action=AuditAction.EXPORT, subject="workers:ledger", reason="月报")
    client.force_login(audit_admin)

    page = client.get("/admin/privacy/auditlog/?action=export").content.decode()
    assert "workers:ledger" in page
    client.get(f"/admin/privacy/auditlog/{entry.pk}/change/")

    reads = AuditLog.objects.filter(actor=audit_admin, action=AuditAction.AUDIT_READ).order_by("id")
    assert [(read.subject, read.detail) for read in reads] == [
        ("privacy:auditlog", {"rows": 1, "filters": {"action": ["export"]}}),
        (f"auditlog:{entry.pk}", {"rows": 1, "filters": {}}),
    ]


def test_the_audit_administrator_exports_the_filtered_log_and_the_export_is_logged(client, audit_admin, regions):
    staff = UserFactory(username="liuyang-staff", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    audit_record(actor=staff, action=AuditAction.EXPORT, subject="workers:ledger", reason="=HYPERLINK(1)")
    audit_record(actor=staff, action=AuditAction.UNMASKED_VIEW, subject="worker:1", reason="社保核对")
    client.force_login(audit_admin)

    response = client.get("/admin/privacy/auditlog/export/?action=export")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][2:6] == ("liuyang-staff", "导出", "workers:ledger", "=HYPERLINK(1)")
    assert sheet.cell(row=2, column=6).data_type == "s"
    export = AuditLog.objects.get(actor=audit_admin, action=AuditAction.EXPORT)
    assert export.detail == {"rows": 1, "filters": {"action": ["export"]}}


def test_an_audit_log_export_over_the_limit_says_to_narrow_the_filter_and_writes_nothing(
    client, audit_admin, monkeypatch
):
    # Built in the request: a filter matching millions of lines would outlast gunicorn's timeout (a 500).
    monkeypatch.setattr("core.privacy.services.AUDIT_LOG_EXPORT_MAX_ROWS", 2)
    for subject in ("worker:1", "worker:2", "worker:3"):
        audit_record(actor=audit_admin, action=AuditAction.UNMASKED_VIEW, subject=subject, reason="社保核对")
    client.force_login(audit_admin)

    response = client.get("/admin/privacy/auditlog/export/?action=unmasked_view", follow=True)

    assert response.redirect_chain[-1][0] == "/admin/privacy/auditlog/?action=unmasked_view"
    assert "符合条件的审计记录有 3 条，一次最多导出 2 条" in response.text
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_other_administrators_cannot_open_or_export_the_audit_log(client, system_admin, security_admin):
    for admin_user in (system_admin, security_admin):
        client.force_login(admin_user)
        assert client.get("/admin/privacy/auditlog/").status_code == 403
        assert client.get("/admin/privacy/auditlog/export/").status_code == 403


def test_the_admin_sends_whoever_is_not_signed_in_to_the_one_sign_in_page(client, db):
    response = client.get("/admin/privacy/auditlog/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2Fprivacy%2Fauditlog%2F"
