import pytest

from jobs.demo import seed_demo_postings
from jobs.models import Employer, JobPosting
from jobs.selectors import PostingFilters, posting_search

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_a_few_hundred_postings_across_the_demo_counties_once(regions):
    count = seed_demo_postings()
    assert count >= 200
    assert JobPosting.objects.filter(status="published").count() == count
    assert {"430181", "430182", "431322", "433126"} <= set(JobPosting.objects.values_list("work_region_id", flat=True))
    employers = Employer.objects.count()
    assert seed_demo_postings() == count
    assert Employer.objects.count() == employers


def test_the_demo_has_a_cleaning_job_in_liuyang(regions):
    seed_demo_postings()
    page = posting_search(filters=PostingFilters(q="保洁", region=regions.get(code="430181")))
    assert page.postings
    assert all(posting.work_region_id == "430181" for posting in page.postings)
