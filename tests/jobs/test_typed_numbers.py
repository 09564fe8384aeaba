"""Credit codes, phones, headcounts and wages typed into the demand console go through the one normaliser: full-width
digits, spaces and dashes are forgiven, and no number (10**30, ①, an emoji) reaches the database or answers 500."""

import pytest
from django.urls import reverse

from jobs.models import Employer, JobPosting
from tests.factories import credit_code
from tests.jobs.test_console_pages import employer_data, posting_data

pytest_plugins = ["tests.jobs.console_fixtures"]

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_an_employer_typed_in_full_width_lower_case_with_spaces_is_stored_in_one_form(client, staff):
    client.force_login(staff)
    code = credit_code(556)
    typed = f"{code[:2]} {code[2:8]} {code[8:]}".lower().translate(FULL_WIDTH)

    response = client.post(
        reverse("jobs_console:employer_new"),
        employer_data(
            **{
                "credit_code": typed,
                "contact_phone": "（０７３１）８３６１－２３４５",
                "contact-0-phone": "138 0000 2222",
            }
        ),
    )

    assert response.status_code == 302, response.content.decode()
    employer = Employer.objects.get(credit_code=code)
    assert employer.contact_phone == "0731-83612345"
    assert [contact.phone for contact in employer.contacts.all()] == ["13800002222"]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("credit_code", "91430181①", "统一社会信用代码应为18位"),
        ("credit_code", "😀" * 18, "统一社会信用代码格式不对"),
        ("contact_phone", "²", "带区号的固定电话"),
        ("contact_phone", "9" * 30, "带区号的固定电话"),
    ],
)
def test_a_strange_credit_code_or_phone_is_shown_on_its_field(client, staff, field, typed, message):
    client.force_login(staff)

    response = client.post(reverse("jobs_console:employer_new"), employer_data(**{field: typed}))

    assert message in response.content.decode()
    assert not Employer.objects.filter(name="浏阳恒达烟花有限公司").exists()


def test_a_posting_typed_in_full_width_digits_with_thousands_separators_is_saved(client, staff, employer):
    client.force_login(staff)

    response = client.post(
        reverse("jobs_console:posting_new"),
        posting_data(employer, headcount="２０", wage_min="４，５００", wage_max="6,500", age_max="５０"),
    )

    assert response.status_code == 302, response.content.decode()
    posting = JobPosting.objects.get(title="包装工")
    assert (posting.headcount, posting.wage_min, posting.wage_max, posting.age_max) == (20, 4500, 6500, 50)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("headcount", "9" * 30, "应在0到100000之间"),
        ("wage_max", "9" * 30, "应在0到1000000之间"),
        ("wage_min", "😀", "请填整数"),
        ("age_max", "10" * 15, "应在0到100之间"),
        ("headcount", "0", "招聘人数至少为1人"),
        ("headcount", "-5", "应在0到100000之间"),
    ],
)
def test_a_strange_number_on_the_posting_form_is_shown_on_its_field(client, staff, employer, field, typed, message):
    client.force_login(staff)

    response = client.post(reverse("jobs_console:posting_new"), posting_data(employer, **{field: typed}))

    assert response.status_code in (200, 400)
    assert message in response.content.decode()
    assert not JobPosting.objects.exists()
