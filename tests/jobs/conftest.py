import pytest

from jobs.pagecache import list_cache_invalidate


@pytest.fixture(autouse=True)
def fresh_job_list_cache():
    """Each test starts with no cached job list: a page cached by an earlier test's data must not leak in."""
    list_cache_invalidate()
