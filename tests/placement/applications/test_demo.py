import pytest
from django.core.management import call_command

from placement.applications.models import Application, JobFair
from placement.applications.selectors import fair_figures

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_fairs_of_each_kind_and_applications_in_several_states(regions, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")

    fairs = JobFair.objects.all()
    assert {fair.kind for fair in fairs} == {"offline", "online", "livestream"}
    states = set(Application.objects.values_list("state", flat=True))
    assert {"applied", "recommended", "intention", "signed", "onboarded", "withdrawn", "declined"} <= states
    finished = fairs.get(kind="offline")
    figures = fair_figures(finished)
    assert (figures.visitors, figures.intentions) == (6, 4)
