"""Error pages in Chinese inside the site frame (pytest-django runs with DEBUG off, as production does)."""

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from core.accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_chinese_404_inside_the_site_frame(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到这个页面" in page
    assert "Not Found" not in page
    assert 'class="site-header"' in page
    assert "返回首页" in page


def test_a_dispatcher_opening_the_demand_import_sees_a_chinese_403_that_names_the_role(client, regions):
    client.force_login(UserFactory(role=Role.DISPATCHER, first_name="罗调度", region=regions.get(code="430181")))

    response = client.get("/console/jobs/import/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "您没有打开这个页面的权限" in page
    assert "这个页面不对“调度员”角色开放" in page
    assert "Forbidden" not in page
    assert 'href="/console/"' in page  # back to the console


def test_a_job_seeker_opening_the_console_sees_the_chinese_403(client, regions):
    client.force_login(UserFactory(role=Role.JOB_SEEKER, phone="13712345678"))

    response = client.get("/console/")

    assert response.status_code == 403
    assert "这个页面只对工作人员开放" in response.content.decode()


def test_the_500_page_renders_in_chinese_without_a_request_context_or_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出了点问题" in page
    assert 'class="site-header"' in page


def test_a_form_posted_without_its_csrf_token_gets_a_chinese_page(regions):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/phone/", {"phone": "13712345678"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期，没有提交" in page
    assert "CSRF" not in page


def test_a_malformed_request_gets_a_chinese_400(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]

    response = client.get("/", headers={"host": "bad host name"})

    assert response.status_code == 400
    assert "请求有误，没有做任何更改" in response.content.decode()
