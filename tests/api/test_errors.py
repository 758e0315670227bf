import pytest

from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db


def test_it_answers_unmatched_api_urls_with_the_json_error_shape(alice):
    response = api_client_for(alice).get("/api/v1/articles/-1/claims/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_keeps_html_404_pages_outside_the_api(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("offset", ["+20:06", "-23:59"])
def test_it_compares_date_filters_in_utc_whatever_the_offset(alice, offset):
    response = api_client_for(alice).get(
        "/api/v1/articles/", {"created_after": f"2026-01-01T00:00:00{offset}"}
    )
    assert response.status_code == 200


def test_it_refuses_a_date_filter_that_overflows(alice):
    response = api_client_for(alice).get("/api/v1/articles/", {"created_after": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 400
    assert "created_after" in response.json()["error"]["fields"]
