"""No formula in the ledger's Excel files: a worker who registers as =HYPERLINK(...) stays text, in the masked and
the unmasked export and in the import template."""

import pytest

from core.accounts.models import Role
from tests.cells import FORMULA_LIKE, assert_no_formula
from tests.exports import exported
from tests.factories import UserFactory, WorkerFactory

pytestmark = pytest.mark.django_db

NAME, SKILLS, OCCUPATIONS, SECRETARY, VILLAGE, CITIES = FORMULA_LIKE


@pytest.fixture
def formula_village(regions):
    return regions.create(code="430181102209", name=VILLAGE, level="village", parent=regions.get(code="430181102"))


@pytest.fixture
def formula_worker(regions, formula_village):
    secretary = UserFactory(first_name=SECRETARY, role=Role.COUNTY_STAFF, region=regions.get(code="430181"))
    return WorkerFactory(
        home_region=formula_village,
        full_name=NAME,
        skills=SKILLS,
        wanted_occupations=OCCUPATIONS,
        wanted_area="named_cities",
        wanted_cities=CITIES,
        expected_wage=6000,
        secretary=secretary,
    )


@pytest.mark.parametrize("form", [{}, {"unmasked": "on", "reason": "报送省厅"}], ids=["masked", "unmasked"])
def test_the_ledger_export_writes_formula_like_text_as_text(client, formula_worker, liuyang_staff, form):
    client.force_login(liuyang_staff)
    response = exported(client, "/console/workers/export/", form)

    cells = assert_no_formula(response.content, written=(NAME, SKILLS, OCCUPATIONS, SECRETARY, VILLAGE))
    wages = [cell for cell in cells if cell.value == 6000]
    assert [cell.data_type for cell in wages] == ["n"]


def test_the_ledger_import_template_writes_village_names_as_text(client, formula_village, liuyang_staff):
    client.force_login(liuyang_staff)
    response = client.get("/console/workers/import/template.xlsx")
    assert response.status_code == 200
    assert_no_formula(response.content, written=(VILLAGE,))
