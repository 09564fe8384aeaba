from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from placement.applications.models import JobFair
from placement.applications.selectors import fair_figures
from placement.applications.services import (
    application_apply,
    fair_attendance_record,
    fair_create,
    fair_intention_record,
)
from tests.factories import JobPostingFactory


@pytest.fixture
def fair(regions, liuyang_staff, posting):
    start = timezone.now()
    fair = fair_create(
        actor=liuyang_staff,
        fields={
            "title": "2026年春风行动浏阳专场招聘会",
            "kind": "offline",
            "starts_at": start,
            "ends_at": start + timedelta(hours=4),
            "place": "浏阳市人力资源市场",
            "county": regions.get(code="430181"),
        },
        postings=[posting, JobPostingFactory(headcount=20)],
    )
    return fair


@pytest.mark.django_db
def test_the_employers_of_the_chosen_postings_take_part(fair, posting):
    assert posting.employer in fair.employers.all()
    assert fair.employers.count() == 2


@pytest.mark.django_db
def test_an_offline_fair_needs_a_place_and_a_livestream_a_link(regions, liuyang_staff):
    start = timezone.now()
    fields = {"title": "直播带岗", "starts_at": start, "ends_at": start, "county": regions.get(code="430181")}

    with pytest.raises(ApplicationError, match="地点"):
        fair_create(actor=liuyang_staff, fields={**fields, "kind": "offline"})
    with pytest.raises(ApplicationError, match="链接"):
        fair_create(actor=liuyang_staff, fields={**fields, "kind": "livestream"})
    fair_create(actor=liuyang_staff, fields={**fields, "kind": "livestream", "stream_url": "https://live.example.cn/1"})


@pytest.mark.django_db
def test_staff_cannot_hold_a_fair_in_another_county(regions, other_county_staff):
    start = timezone.now()
    with pytest.raises(ApplicationError, match="本辖区"):
        fair_create(
            actor=other_county_staff,
            fields={"title": "x", "kind": "offline", "place": "广场", "starts_at": start, "ends_at": start,
                    "county": regions.get(code="430181")},
        )  # fmt: skip


@pytest.mark.django_db
def test_intentions_at_the_fair_are_counted_with_visitors_places_and_views(
    fair, posting, make_worker, liuyang_staff, client
):
    first, second, visitor, earlier = (make_worker() for _ in range(4))
    application, created = fair_intention_record(actor=liuyang_staff, fair=fair, worker=first, posting_id=posting.id)
    fair_intention_record(actor=liuyang_staff, fair=fair, worker=first, posting_id=posting.id)  # the same again
    fair_intention_record(actor=liuyang_staff, fair=fair, worker=second, posting_id=posting.id)
    fair_attendance_record(actor=liuyang_staff, fair=fair, worker=visitor)
    applied, _ = application_apply(worker=earlier, posting_id=posting.id)
    moved, moved_created = fair_intention_record(actor=liuyang_staff, fair=fair, worker=earlier, posting_id=posting.id)
    client.get(reverse("fairs:detail", args=[fair.id]))
    client.get(reverse("fairs:detail", args=[fair.id]))

    assert created
    assert (application.state, application.source, application.fair) == ("intention", "job_fair", fair)
    assert (moved.pk, moved.state, moved.fair, moved_created) == (applied.pk, "intention", fair, False)
    figures = fair_figures(JobFair.objects.get(pk=fair.pk))
    assert (figures.employers, figures.places, figures.visitors, figures.views, figures.intentions) == (2, 23, 4, 2, 3)


@pytest.mark.django_db
def test_an_intention_must_be_for_a_posting_of_the_fair(fair, worker, liuyang_staff, regions):
    with pytest.raises(ApplicationError, match="本场招聘会"):
        fair_intention_record(actor=liuyang_staff, fair=fair, worker=worker, posting_id=JobPostingFactory().id)


@pytest.mark.django_db
def test_the_desk_finds_the_worker_by_phone_and_records_the_intention(fair, posting, worker, liuyang_staff, client):
    client.force_login(liuyang_staff)

    response = client.post(
        reverse("applications_console:fair", args=[fair.id]), {"phone": worker.user.phone, "posting": posting.id}
    )

    assert response.status_code == 302
    assert worker.applications.get().state == "intention"
    page = client.get(reverse("applications_console:fair", args=[fair.id])).content.decode()
    assert worker.full_name in page


@pytest.mark.django_db
def test_the_desk_takes_a_pasted_phone_longer_than_twenty_characters_and_offers_room_for_it(
    fair, worker, liuyang_staff, client
):
    phone = worker.user.phone
    pasted = f"+86 {phone[:3]} - {phone[3:7]} - {phone[7:]}"  # 23 characters
    client.force_login(liuyang_staff)
    url = reverse("applications_console:fair", args=[fair.id])

    assert 'maxlength="40"' in client.get(url).content.decode()
    response = client.post(url, {"phone": pasted}, follow=True)

    assert "张**已登记到场" in response.content.decode()


@pytest.mark.django_db
def test_the_desk_answers_with_a_masked_name(fair, worker, liuyang_staff, client):
    client.force_login(liuyang_staff)

    url = reverse("applications_console:fair", args=[fair.id])
    response = client.post(url, {"phone": worker.user.phone}, follow=True)

    page = response.content.decode()
    assert "张**已登记到场" in page
    assert "张春生已登记到场" not in page


@pytest.mark.django_db
def test_the_desk_finds_no_one_from_outside_the_fairs_county(fair, make_worker, regions, liuyang_staff, client):
    from placement.applications.models import FairAttendance

    outsider = make_worker(full_name="欧阳远山", home_region=regions.get(code="431322"))
    client.force_login(liuyang_staff)

    response = client.post(reverse("applications_console:fair", args=[fair.id]), {"phone": outsider.user.phone})

    page = response.content.decode()
    assert response.status_code == 400
    assert f"没有手机号为 {outsider.user.phone} 的登记务工人员" in page
    assert "欧阳" not in page
    assert not FairAttendance.objects.exists()


@pytest.mark.django_db
def test_the_desk_says_so_when_nobody_has_that_phone(fair, liuyang_staff, client):
    client.force_login(liuyang_staff)

    response = client.post(reverse("applications_console:fair", args=[fair.id]), {"phone": "13900000000"})

    assert response.status_code == 400
    assert "没有手机号为 13900000000" in response.content.decode()


@pytest.mark.django_db
def test_the_public_fair_pages_list_the_fair_and_its_postings(fair, posting, client):
    assert fair.title in client.get(reverse("fairs:list")).content.decode()
    page = client.get(reverse("fairs:detail", args=[fair.id])).content.decode()
    assert posting.title in page
    assert fair.place in page


@pytest.mark.django_db
def test_staff_of_another_county_do_not_see_the_fair_in_the_console(fair, other_county_staff, client):
    client.force_login(other_county_staff)

    assert client.get(reverse("applications_console:fair", args=[fair.id])).status_code == 404
    assert fair.title not in client.get(reverse("applications_console:fairs")).content.decode()


@pytest.mark.django_db
def test_the_fair_form_offers_only_the_employers_and_postings_of_the_users_region(fair, posting, liuyang_staff, client):
    from tests.factories import EmployerFactory, credit_code

    stranger = EmployerFactory(
        name="新化远山实业有限公司", credit_code=credit_code(987654, "431322"), region_id="431322", county_id="431322"
    )
    JobPostingFactory(employer=stranger, title="远山岗位", county_id="431322", work_region_id="431322")
    client.force_login(liuyang_staff)

    for url in (reverse("applications_console:fair_new"), reverse("applications_console:fair_edit", args=[fair.id])):
        page = client.get(url).content.decode()
        assert posting.employer.name in page
        assert posting.title in page
        assert "新化远山实业有限公司" not in page
        assert "远山岗位" not in page
