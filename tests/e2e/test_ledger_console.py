import pytest

from core.accounts.models import Role
from core.privacy.models import AuditLog
from tests.e2e.steps import staff_signs_in
from tests.factories import ServiceRecordFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def page_fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_county_staff_find_a_worker_and_reveal_the_number_with_a_reason(phone, regions):
    staff = UserFactory(
        username="liuyang", first_name="李春花", role=Role.COUNTY_STAFF, region=regions.get(code="430181")
    )
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), full_name="谭小梅", secretary=staff)
    ServiceRecordFactory(worker=worker, kind="guidance")

    staff_signs_in(phone, "liuyang")
    phone.get_by_role("link", name="实名制台账").click()
    phone.wait_for_url("**/console/workers/")
    assert worker.id_number_masked in phone.locator("table").inner_text()
    assert page_fits_the_screen(phone)

    phone.get_by_role("link", name="谭小梅").click()
    facts = phone.locator(".facts").inner_text()
    assert worker.id_number_masked in facts
    assert worker.age_band in facts
    assert worker.birth_date.isoformat() not in facts
    phone.get_by_label("查看理由").fill("核对社保补贴")
    phone.get_by_role("button", name="查看（将记录）").click()
    assert phone.locator("#revealed").inner_text() == worker.id_number
    assert worker.birth_date.isoformat() in phone.locator(".facts").inner_text()
    assert page_fits_the_screen(phone)
    assert AuditLog.objects.get().reason == "核对社保补贴"

    phone.get_by_role("link", name="就业秘书").click()
    assert "谭小梅" in phone.locator("table").inner_text()
    assert page_fits_the_screen(phone)
