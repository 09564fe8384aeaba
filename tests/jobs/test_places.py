"""How a posting's place reads: never a placeholder level of the code table (县, 市辖区), and the place of work."""

import re

import pytest

from tests.factories import EmployerFactory, JobPostingFactory

pytestmark = pytest.mark.django_db


def _card_places(page):
    return re.findall(r'<p class="job-card__place">([^<]*)</p>', page)


@pytest.mark.parametrize(
    ("code", "card", "detail"),
    [
        ("500235", "重庆市 · 云阳县", "重庆市 云阳县"),
        ("110105", "北京市 · 朝阳区", "北京市 朝阳区"),
        ("429004", "湖北省 · 仙桃市", "湖北省 仙桃市"),
        ("430181", "长沙市 · 浏阳市", "湖南省 长沙市 浏阳市"),
    ],
)
def test_a_posting_reads_its_place_without_the_placeholder_levels(client, regions, code, card, detail):
    posting = JobPostingFactory(title="面点师", work_region_id=code, work_address="")

    assert _card_places(client.get("/jobs/").content.decode()) == [card]
    page = client.get(f"/jobs/{posting.pk}/").content.decode()
    assert re.search(r"<dt>工作地点</dt><dd>([^<]*)</dd>", page)[1].strip() == detail


def test_a_posting_in_a_township_names_the_township_and_its_county(client, regions):
    JobPostingFactory(work_region_id="430181102")

    assert _card_places(client.get("/jobs/").content.decode()) == ["浏阳市 · 大瑶镇"]


def test_a_posting_whose_place_of_work_is_elsewhere_shows_that_place(client, regions):
    agency = EmployerFactory(name="云阳面工劳务服务有限公司", region_id="500235", county_id="500235")
    JobPostingFactory(employer=agency, work_region_id="310104", work_address="上海门店", county_id="500235")

    assert _card_places(client.get("/jobs/").content.decode()) == ["上海市 · 徐汇区"]
