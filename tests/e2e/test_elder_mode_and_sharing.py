"""长辈模式 on a 360 px phone (20 px text, 60 px tap targets, simpler cards, fewer filters, no serious axe
violation), sharing a posting, reading it aloud, and reporting it into the county's queue (issue 16)."""

import re

import pytest
from playwright.sync_api import expect

from core.accounts.models import Role
from jobs.pagecache import list_cache_invalidate
from tests.e2e.large_text import signed_in_as
from tests.e2e.seen import accessibility_violations
from tests.e2e.steps import staff_signs_in
from tests.factories import EmployerFactory, JobPostingFactory, JobSeekerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

_SMALL_TARGETS = """
() => [...document.querySelectorAll("button, input, select, textarea, summary, a, label:has(input)")]
  .filter((element) => {
    const style = getComputedStyle(element);
    // A tick box or a round choice is tapped through its label, which is measured instead.
    if (element.matches("label input")) return false;
    // A link inside a sentence is exempt, as in WCAG's target-size rule; everything on its own is measured.
    if (element.tagName === "A" && style.display === "inline") return false;
    return element.offsetParent !== null && !element.closest(".skip-link, .visually-hidden");
  })
  .map((element) => [element, element.getBoundingClientRect()])
  .filter(([element, box]) => box.height < 59.5 || box.width < 59.5)
  .map(([element, box]) => {
    const name = (element.innerText || element.name || element.id || "").trim();
    return `${element.tagName} "${name}" ${Math.round(box.width)}x${Math.round(box.height)}`;
  })
"""


def _posting():
    list_cache_invalidate()
    return JobPostingFactory(
        title="电子厂普工",
        employer=EmployerFactory(name="浏阳蓝思精密电子有限公司"),
        wage_min=4500,
        wage_max=6000,
        provides_meals=True,
        provides_housing=True,
        social_insurance=True,
        work_region_id="430181",
    )


def test_an_elder_turns_on_elder_mode_from_the_header_and_the_pages_grow_and_simplify(phone, regions):
    posting = _posting()
    phone.goto("/jobs/")
    body_size = float(phone.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px"))
    assert body_size >= 18

    phone.locator(".site-header").get_by_role("button", name="长辈模式").click()
    phone.wait_for_load_state("load")
    assert phone.url.endswith("/jobs/")
    assert phone.locator(".site-header").get_by_role("button", name="长辈模式", pressed=True).is_visible()
    assert float(phone.evaluate("getComputedStyle(document.body).fontSize").removesuffix("px")) >= 20
    # Simpler cards: title, wage, the marks, place, 包吃 包住; the employer and the other tags are left out.
    card = phone.locator(".job-card").first
    assert card.locator(".job-card__employer").is_hidden()
    assert card.locator(".tag:visible").all_inner_texts() == ["包吃", "包住"]
    # Fewer filters at once.
    phone.get_by_text("筛选和排序").click()
    assert phone.get_by_label("只看重点企业").is_hidden()
    assert phone.get_by_label("工种").is_visible()
    assert phone.evaluate(_SMALL_TARGETS) == []
    assert accessibility_violations(phone) == []

    phone.goto(f"/jobs/{posting.pk}/")
    assert phone.evaluate(_SMALL_TARGETS) == []
    assert accessibility_violations(phone) == []

    # Remembered on the next visit, without an account.
    phone.goto("/")
    assert phone.locator("html.elder").count() == 1
    assert accessibility_violations(phone) == []


def test_the_posting_page_keeps_its_bottom_bar_in_view_and_shares_its_link(phone, regions):
    posting = _posting()
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone.goto(f"/jobs/{posting.pk}/")

    bar = phone.locator(".action-bar")
    for position in (0, 600, 10_000):
        phone.evaluate(f"window.scrollTo(0, {position})")
        box = bar.bounding_box()
        assert box["y"] + box["height"] <= 740 + 1, position
        assert box["y"] >= 0
    assert bar.get_by_role("link", name="电话联系").get_attribute("href") == "tel:0731-83612345"
    assert bar.get_by_role("button", name="登录后在线报名").is_visible()

    phone.get_by_role("button", name="分享", exact=True).click()
    # The page writes the feedback once the clipboard has taken the link, which takes its time on a busy machine.
    expect(phone.locator(".share__feedback")).to_have_text("链接已复制，可以粘贴到微信群里")
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(r"http://[^/]+/jobs/\d+/", copied)
    assert phone.title() == "电子厂普工 4500-6000元/月 · 浏阳市"


def test_the_read_aloud_button_shows_only_where_the_browser_can_speak(phone, regions):
    posting = _posting()
    phone.goto(f"/jobs/{posting.pk}/")
    speaks = phone.evaluate("'speechSynthesis' in window")
    assert phone.get_by_role("button", name="朗读").is_visible() == speaks
    assert "电子厂普工，4500-6000元/月，工作地点浏阳市" in phone.locator("[data-speak]").get_attribute("data-speak")

    phone.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    phone.goto(f"/jobs/{posting.pk}/")
    assert phone.get_by_role("button", name="朗读").is_hidden()


def test_three_reports_hold_a_posting_and_the_county_clerk_takes_it_down_from_the_queue(
    browser_page, regions, live_server
):
    posting = _posting()
    for reason in ("虚假招聘", "收费", "工资不符"):
        phone = browser_page(360, 740)
        signed_in_as(phone, JobSeekerFactory(), site=live_server.url)
        phone.goto(f"/jobs/{posting.pk}/")
        phone.get_by_text("举报这个岗位").click()
        phone.get_by_label(reason).check()
        phone.get_by_role("button", name="提交举报").click()
        assert "已收到您的举报" in phone.locator(".messages").inner_text()
    phone.goto("/jobs/")
    assert phone.locator(".job-card").count() == 0

    desk = browser_page(1366, 768)
    UserFactory(username="liuyang_clerk", role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    staff_signs_in(desk, "liuyang_clerk")
    desk.get_by_role("link", name="招聘岗位").first.click()
    desk.get_by_role("link", name="举报处理").click()
    row = desk.locator("tr", has_text="电子厂普工")
    assert "3 条" in row.inner_text()
    assert "已暂停展示" in row.inner_text()
    row.get_by_role("link", name="电子厂普工").click()
    assert "3 条未处理的举报" in desk.locator("main").inner_text()
    assert accessibility_violations(desk) == []
    desk.get_by_role("button", name="举报属实，下架岗位").click()
    assert "已下架这个岗位。" in desk.locator(".messages").inner_text()
    assert "没有待处理的举报。" in desk.locator("main").inner_text()
