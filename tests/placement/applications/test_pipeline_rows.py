"""Each row of 报名进度: the next step as one button, the rest in a menu, and the worker's phone to call."""

import pytest

from core.accounts.models import Role
from core.privacy.masking import mask_phone
from placement.applications.services import application_recommend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_row_shows_one_next_step_a_menu_for_the_rest_and_the_phone_as_a_link(client, liuyang_staff, worker, posting):
    application, _created = application_recommend(actor=liuyang_staff, worker=worker, posting_id=posting.pk)
    client.force_login(liuyang_staff)

    page = client.get(f"/console/applications/postings/{posting.pk}/").content.decode()

    row = page[page.index(f'id="application-{application.pk}"') : page.index("</tr>", page.index("application-"))]
    assert row.count("small-button--primary") == 1
    assert ">达成意向</button>" in row
    menu = row[row.index('class="row-menu"') :]
    assert ">签约</button>" in menu
    assert 'class="row-menu__item row-menu__item--ends">未录用</button>' in menu
    assert f'href="tel:{worker.user.phone}"' in row
    assert ">已推荐</button>" not in row  # buttons say what the clerk does, not a state


def test_a_message_is_announced_without_breaking_the_list_semantics(client, liuyang_staff, worker, posting):
    client.force_login(liuyang_staff)

    response = client.post(
        "/console/applications/recommend/", {"posting": posting.pk, "worker": worker.pk}, follow=True
    )

    page = response.content.decode()
    assert '<div role="status"><ul class="messages">' in page
    assert '<ul class="messages" role="status">' not in page
    assert "张春生：已推荐。" in page


def test_a_reader_who_does_not_call_the_worker_sees_the_phone_masked_and_not_as_a_link(
    client, regions, liuyang_staff, worker, posting
):
    application_recommend(actor=liuyang_staff, worker=worker, posting_id=posting.pk)
    client.force_login(UserFactory(role=Role.SUPERVISOR, region=regions.get(code="430100")))

    page = client.get(f"/console/applications/postings/{posting.pk}/").content.decode()

    assert mask_phone(worker.user.phone) in page
    assert worker.user.phone not in page
    assert "tel:" not in page
