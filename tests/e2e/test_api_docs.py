"""The API documentation page works under the same strict Content-Security-Policy as every other page (the
fixture fails the test on any violation Chromium reports)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_documentation_lists_the_operations_under_the_strict_policy(desk):
    response = desk.goto("/api/docs/")

    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    desk.get_by_text("/api/v1/trips/{trip_id}/bookings/").first.wait_for()
    assert desk.get_by_text("/api/v1/workers/", exact=True).first.is_visible()
