"""What the clerk reads on a posting's console page: what they entered, the history in local time, only the
actions that fit the posting's state."""

import re

import pytest

from jobs.services import posting_publish
from tests.factories import JobPostingFactory

pytest_plugins = ["tests.jobs.console_fixtures"]
pytestmark = pytest.mark.django_db


def test_the_posting_page_shows_the_working_hours_and_requirements_entered(client, staff, employer):
    posting = JobPostingFactory(
        employer=employer, created_by=staff, working_hours="两班倒 8:00-20:00", requirements="能适应夜班"
    )
    client.force_login(staff)

    page = client.get(f"/console/jobs/postings/{posting.pk}/").content.decode()

    assert "两班倒 8:00-20:00" in page
    assert "能适应夜班" in page


def test_a_draft_offers_publishing_but_no_extension_or_closing(client, staff, draft):
    client.force_login(staff)

    page = client.get(f"/console/jobs/postings/{draft.pk}/").content.decode()

    assert "发布" in page
    assert "延期天数" not in page
    assert "关闭岗位" not in page


def test_a_published_posting_offers_a_short_extension_box_and_closing_apart(client, staff, posting):
    client.force_login(staff)

    page = client.get(f"/console/jobs/postings/{posting.pk}/").content.decode()

    assert re.search(r'<input type="number" name="days" value="30" class="short"', page)
    assert "关闭岗位" in page[page.index('class="danger-zone"') :]


def test_the_change_history_shows_local_time_to_the_minute(client, staff, draft):
    posting_publish(posting=draft, actor=staff)
    client.force_login(staff)

    page = client.get(f"/console/jobs/postings/{draft.pk}/").content.decode()

    history = page[page.index('id="history"') :]
    published = re.search(r"发布时间：— → (\S+ \S+)</li>", history)
    assert published, history
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", published.group(1))
    assert "+00:00" not in history


def test_the_export_button_is_readable_on_the_page_background(client, staff, posting):
    client.force_login(staff)

    page = client.get("/console/jobs/").content.decode()

    assert '<button type="submit" class="export-button">导出 Excel</button>' in page
