import pytest

from placement.applications.models import Application, ApplicationSource, ApplicationState
from placement.applications.selectors import HeadcountLedger, employer_headcount_ledger, headcount_ledgers
from tests.factories import JobPostingFactory


def _apply(worker, posting, state):
    return Application.objects.create(
        worker=worker, posting=posting, state=state, source=ApplicationSource.SELF_APPLIED
    )


@pytest.mark.django_db
def test_the_ledger_counts_each_application_in_its_current_state(make_worker, posting):
    for state in ["applied", "applied", "recommended", "intention", "signed", "onboarded", "withdrawn", "declined"]:
        _apply(make_worker(), posting, state)

    ledger = headcount_ledgers([posting.id])[posting.id]

    assert ledger == HeadcountLedger(posted=3, applied=2, recommended=1, intention=1, signed=1, onboarded=1)
    assert ledger.open == 1


@pytest.mark.django_db
def test_open_places_never_go_below_zero(make_worker, posting):
    for _ in range(4):
        _apply(make_worker(), posting, ApplicationState.SIGNED)

    ledger = headcount_ledgers([posting.id])[posting.id]

    assert ledger.signed == 4
    assert ledger.open == 0
    assert ledger.is_full


@pytest.mark.django_db
def test_ledgers_for_many_postings_take_one_query(make_worker, regions, django_assert_num_queries):
    postings = [JobPostingFactory(headcount=5) for _ in range(4)]
    for posting in postings:
        _apply(make_worker(), posting, ApplicationState.SIGNED)
    empty = JobPostingFactory(headcount=2)

    with django_assert_num_queries(1):
        ledgers = headcount_ledgers([p.id for p in postings] + [empty.id])

    assert all(ledgers[p.id].open == 4 for p in postings)
    assert ledgers[empty.id] == HeadcountLedger(posted=2)


@pytest.mark.django_db
def test_the_employer_ledger_adds_up_its_postings_but_not_its_drafts(make_worker, regions, django_assert_num_queries):
    first = JobPostingFactory(headcount=5)
    second = JobPostingFactory(headcount=3, employer=first.employer)
    JobPostingFactory(headcount=100, employer=first.employer, status="draft", published_at=None)
    JobPostingFactory(headcount=7)  # another employer
    _apply(make_worker(), first, ApplicationState.SIGNED)
    _apply(make_worker(), second, ApplicationState.ONBOARDED)
    _apply(make_worker(), second, ApplicationState.INTENTION)

    with django_assert_num_queries(2):
        ledger = employer_headcount_ledger(first.employer)

    assert ledger == HeadcountLedger(posted=8, signed=1, onboarded=1, intention=1)
    assert ledger.open == 6
