"""The job seeker's bottom tab bar on a phone stays in view while the page scrolls, and never lies over the footer's
links and buttons (语言, 工作人员登录): Lighthouse's tap-target audit failed /trips/ when the footer's English button
sat half under the bar at the top of the page."""

import pytest

from tests.factories import JobPostingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _overlap(page):
    """How many CSS pixels of the footer lie under the tab bar as the page is scrolled now."""
    return page.evaluate(
        """() => {
          const bar = document.querySelector(".tab-bar").getBoundingClientRect();
          const footer = document.querySelector(".site-footer").getBoundingClientRect();
          return Math.max(0, Math.min(bar.bottom, footer.bottom) - Math.max(bar.top, footer.top));
        }"""
    )


def test_the_tab_bar_never_covers_the_footer_at_any_point_of_the_scroll(phone, regions, fresh_job_list_cache):
    for number in range(6):
        JobPostingFactory(title=f"电子厂普工{number}")
    phone.goto("/jobs/")
    height = phone.evaluate("document.documentElement.scrollHeight")
    screen = phone.evaluate("innerHeight")
    assert height > screen * 1.5, "the page must scroll for the test to mean anything"

    overlaps = {}
    for top in range(0, height - screen + 40, 40):
        phone.evaluate(f"scrollTo(0, {top})")
        overlaps[top] = _overlap(phone)
        bar = phone.locator(".tab-bar").bounding_box()
        assert bar["y"] + bar["height"] <= screen + 1, f"the tab bar left the screen at {top}"

    assert {top: pixels for top, pixels in overlaps.items() if pixels} == {}
