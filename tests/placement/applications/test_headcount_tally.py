import pytest

from placement.applications.models import Application, ApplicationSource, ApplicationState
from placement.applications.selectors import HeadcountTally, employer_headcount_tally, headcount_tallies
from tests.factories import JobPostingFactory


def _apply(worker, posting, state):
    return Application.objects.create(
        worker=worker, posting=posting, state=state, source=ApplicationSource.SELF_APPLIED
    )


@pytest.mark.django_db
def test_the_tally_counts_each_application_in_its_current_state(make_worker, posting):
    for state in ["applied", "applied", "recommended", "intention", "signed", "onboarded", "withdrawn", "declined"]:
        _apply(make_worker(), posting, state)

    tally = headcount_tallies([posting.id])[posting.id]

    assert tally == HeadcountTally(posted=3, applied=2, recommended=1, intention=1, signed=1, onboarded=1)
    assert tally.open == 1


@pytest.mark.django_db
def test_open_places_never_go_below_zero(make_worker, posting):
    for _ in range(4):
        _apply(make_worker(), posting, ApplicationState.SIGNED)

    tally = headcount_tallies([posting.id])[posting.id]

    assert tally.signed == 4
    assert tally.open == 0
    assert tally.is_full


@pytest.mark.django_db
def test_tallies_for_many_postings_take_one_query(make_worker, regions, django_assert_num_queries):
    postings = [JobPostingFactory(headcount=5) for _ in range(4)]
    for posting in postings:
        _apply(make_worker(), posting, ApplicationState.SIGNED)
    empty = JobPostingFactory(headcount=2)

    with django_assert_num_queries(1):
        tallies = headcount_tallies([p.id for p in postings] + [empty.id])

    assert all(tallies[p.id].open == 4 for p in postings)
    assert tallies[empty.id] == HeadcountTally(posted=2)


@pytest.mark.django_db
def test_the_employer_tally_adds_up_its_postings_but_not_its_drafts(make_worker, regions, django_assert_num_queries):
    first = JobPostingFactory(headcount=5)
    second = JobPostingFactory(headcount=3, employer=first.employer)
    JobPostingFactory(headcount=100, employer=first.employer, status="draft", published_at=None)
    JobPostingFactory(headcount=7)  # another employer
    _apply(make_worker(), first, ApplicationState.SIGNED)
    _apply(make_worker(), second, ApplicationState.ONBOARDED)
    _apply(make_worker(), second, ApplicationState.INTENTION)

    with django_assert_num_queries(2):
        tally = employer_headcount_tally(first.employer)

    assert tally == HeadcountTally(posted=8, signed=1, onboarded=1, intention=1)
    assert tally.open == 6
