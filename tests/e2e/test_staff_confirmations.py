"""未录用 on a phone: the menu, the page that says what will happen, the way back, then the confirmed move. The
confirmation page must pass axe like every journey page."""

import pytest

from core.accounts.models import Role
from placement.applications.services import application_recommend
from tests.e2e.seen import accessibility_violations
from tests.e2e.steps import page_fits_the_screen, staff_signs_in
from tests.factories import JobPostingFactory, UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_declining_asks_first_and_going_back_changes_nothing(phone, regions):
    staff = UserFactory(username="liuyang", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    worker = WorkerFactory(home_region=regions.get(code="430181102201"), full_name="谭小梅")
    posting = JobPostingFactory(title="锂电池厂普工")
    application, _created = application_recommend(actor=staff, worker=worker, posting_id=posting.pk)
    pipeline = f"/console/applications/postings/{posting.pk}/"

    staff_signs_in(phone, "liuyang")
    phone.goto(pipeline)
    row = phone.locator(f"#application-{application.pk}")
    row.locator("summary").click()
    assert page_fits_the_screen(phone)
    row.get_by_role("button", name="未录用").click()

    assert "谭小梅 报名的“锂电池厂普工”将标为“未录用”" in phone.locator(".confirm").inner_text()
    assert page_fits_the_screen(phone)
    assert accessibility_violations(phone) == []
    phone.get_by_role("link", name="返回，不做更改").click()
    phone.wait_for_url(f"**{pipeline}")
    application.refresh_from_db()
    assert application.state == "recommended"

    row.locator("summary").click()
    row.get_by_role("button", name="未录用").click()
    phone.locator(".confirm").get_by_role("button", name="未录用").click()
    phone.wait_for_url(f"**{pipeline}")
    assert "谭小梅：未录用。" in phone.locator(".messages").inner_text()
    application.refresh_from_db()
    assert application.state == "declined"
