"""What any visitor meets on the public pages: link checkers' HEAD requests, the header and the tab bar."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jobs.applications.models import JobFair
from tests.factories import JobPostingFactory, PickupPointFactory, TripFactory

pytestmark = pytest.mark.django_db


def test_every_public_page_answers_a_head_request(client, regions):
    posting = JobPostingFactory()
    starts = timezone.now() + timedelta(days=2)
    fair = JobFair.objects.create(
        title="浏阳专场招聘会", starts_at=starts, ends_at=starts, place="浏阳市人力资源市场", county_id="430181"
    )
    trip = PickupPointFactory(trip=TripFactory()).trip
    pages = [
        "/",
        "/jobs/",
        f"/jobs/{posting.pk}/",
        "/trips/",
        f"/trips/{trip.pk}/",
        "/fairs/",
        f"/fairs/{fair.pk}/",
        "/accounts/phone/",
        "/accounts/login/",
        "/healthz",
    ]
    answers = {page: client.head(page).status_code for page in pages}
    assert answers == dict.fromkeys(pages, 200)


def test_a_head_request_does_not_count_as_a_view_of_a_fair(client, regions):
    starts = timezone.now()
    fair = JobFair.objects.create(
        title="浏阳专场", starts_at=starts, ends_at=starts, place="人力资源市场", county_id="430181"
    )
    client.head(f"/fairs/{fair.pk}/")
    fair.refresh_from_db()
    assert fair.views == 0
