import pytest


@pytest.fixture(autouse=True)
def _every_jobs_test_starts_with_no_cached_job_list(fresh_job_list_cache):
    pass
