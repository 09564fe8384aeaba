import pytest
from django.urls import reverse

from placement.applications.models import Application
from tests.factories import WorkerFactory
from tests.placement.matching.conftest import years_ago

pytestmark = pytest.mark.django_db


def test_a_worker_sees_jobs_for_them_with_reasons(client, seeker, make_posting):
    make_posting(title="大瑶镇包装普工", provides_meals=True, provides_housing=True)
    make_posting(title="厨师长", occupation="cook")
    client.force_login(seeker.user)
    page = client.get("/me/jobs-for-you/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "大瑶镇包装普工" in text
    assert "厨师长" not in text
    assert "同县岗位，离家近" in text
    assert "包吃包住" in text


def test_the_worker_home_page_links_to_jobs_for_them(client, seeker):
    client.force_login(seeker.user)
    assert reverse("me_matching:jobs_for_you") in client.get("/me/").content.decode()


def test_staff_see_a_postings_candidates_masked_with_a_recommend_button(client, seeker, make_posting, liuyang_staff):
    posting = make_posting()
    client.force_login(liuyang_staff)
    page = client.get(f"/console/matching/postings/{posting.pk}/candidates/")
    assert page.status_code == 200
    text = page.content.decode()
    assert seeker.full_name in text
    assert seeker.id_number_masked in text
    assert seeker.id_number_masked == seeker.id_number[:2] + "*" * 15 + seeker.id_number[-1]
    assert seeker.id_number not in text
    assert seeker.user.phone not in text
    assert seeker.user.phone[-4:] in text
    assert reverse("applications_console:recommend") in text
    assert f'name="worker" value="{seeker.pk}"' in text


def test_a_candidate_from_another_county_is_shown_without_a_recommend_button(
    client, regions, make_posting, liuyang_staff
):
    from tests.placement.matching.conftest import years_ago as age

    outsider = WorkerFactory(
        home_region=regions.get(code="431322"),
        full_name="欧阳远山",
        birth_date=age(30),
        wanted_occupations="普工",
        wanted_area="anywhere",
        expected_wage=5000,
    )
    posting = make_posting()
    client.force_login(liuyang_staff)
    text = client.get(f"/console/matching/postings/{posting.pk}/candidates/").content.decode()
    assert "欧阳远山" in text
    assert f'name="worker" value="{outsider.pk}"' not in text
    assert "请联系其户籍地人社部门推荐" in text


def test_staff_of_another_county_cannot_see_the_candidates(client, seeker, make_posting, xinhua_staff):
    posting = make_posting()
    client.force_login(xinhua_staff)
    assert client.get(f"/console/matching/postings/{posting.pk}/candidates/").status_code == 404


def test_job_seekers_cannot_open_the_candidates_page(client, seeker, make_posting):
    posting = make_posting()
    client.force_login(seeker.user)
    assert client.get(f"/console/matching/postings/{posting.pk}/candidates/").status_code == 403


def test_a_secretary_sees_their_workers_best_jobs(client, dayao, make_posting, liuyang_staff):
    mine = WorkerFactory(
        home_region=dayao, wanted_occupations="普工", secretary=liuyang_staff, birth_date=years_ago(30)
    )
    WorkerFactory(home_region=dayao, wanted_occupations="普工", birth_date=years_ago(30), full_name="别人的人")
    make_posting(title="长白班普工")
    client.force_login(liuyang_staff)
    page = client.get("/console/matching/my-workers/")
    text = page.content.decode()
    assert mine.full_name in text
    assert "别人的人" not in text
    assert "长白班普工" in text


def test_the_recommend_button_recommends_the_candidate(client, seeker, make_posting, liuyang_staff):
    posting = make_posting()
    client.force_login(liuyang_staff)
    page_url = f"/console/matching/postings/{posting.pk}/candidates/"
    response = client.post(
        reverse("applications_console:recommend"), {"posting": posting.pk, "worker": seeker.pk, "next": page_url}
    )
    assert response.status_code == 302
    assert response.url == page_url
    assert Application.objects.get(worker=seeker, posting=posting).state == "recommended"


def test_jobs_for_you_names_the_township_and_its_county(client, seeker, make_posting):
    make_posting(title="大瑶镇包装普工", work_region_id="430181102")
    client.force_login(seeker.user)

    page = client.get("/me/jobs-for-you/").content.decode()

    assert '<p class="job-card__place">浏阳市 · 大瑶镇</p>' in page
