"""No formula in the jobs app's Excel files: text an employer or a staff member typed stays text, and wages and
headcounts stay numbers."""

import pytest

from core.accounts.models import Role
from core.regions.models import Region
from tests.cells import FORMULA_LIKE, assert_no_formula
from tests.exports import exported
from tests.factories import EmployerFactory, JobPostingFactory, UserFactory

pytestmark = pytest.mark.django_db

EMPLOYER, CONTACT, PHONE, ADDRESS, PAY_NOTES, REQUIREMENTS = FORMULA_LIKE


@pytest.fixture
def liuyang_staff(regions):
    return UserFactory(role=Role.COUNTY_STAFF, region=regions.get(code="430181"))


@pytest.fixture
def formula_posting(regions):
    employer = EmployerFactory(name=EMPLOYER, contact_name=CONTACT, contact_phone=PHONE, address=ADDRESS)
    return JobPostingFactory(
        employer=employer, title=EMPLOYER, pay_notes=PAY_NOTES, requirements=REQUIREMENTS, headcount=7, wage_min=3100
    )


def test_the_postings_export_writes_formula_like_text_as_text(client, liuyang_staff, formula_posting):
    client.force_login(liuyang_staff)
    cells = assert_no_formula(exported(client, "/console/jobs/export/postings.xlsx").content)
    numbers = {cell.value: cell.data_type for cell in cells if cell.value in (7, 3100)}
    assert numbers == {7: "n", 3100: "n"}


def test_the_employers_export_writes_formula_like_text_as_text(client, liuyang_staff, formula_posting):
    client.force_login(liuyang_staff)
    response = exported(client, "/console/jobs/export/employers.xlsx")
    assert_no_formula(response.content, written=(EMPLOYER, CONTACT, PHONE, ADDRESS))


def test_the_demand_template_writes_region_names_as_text(client, liuyang_staff):
    Region.objects.filter(code="430182").update(name=EMPLOYER)
    client.force_login(liuyang_staff)
    response = client.get("/console/jobs/import/template.xlsx")
    assert response.status_code == 200
    assert_no_formula(response.content, written=(EMPLOYER,))
