from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from tests.conftest import api_client_for
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/verdicts/"


def published(*, text, publisher="Example News", language="en", days_ago=0, **kwargs):
    article = ArticleFactory(publisher=publisher, language=language)
    claim = ClaimFactory(article=article, text=text)
    when = timezone.now() - timedelta(days=days_ago)
    return VerdictFactory(claim=claim, published=True, published_at=when, **kwargs)


def test_it_lists_published_verdicts_without_sign_in(team, alice):
    shown = published(text="Bus fares doubled.")
    VerdictFactory(claim=ClaimFactory(article=ArticleFactory(team=team)), author=alice)  # a draft
    data = api_client_for().get(URL).json()
    assert [row["id"] for row in data["results"]] == [shown.pk]
    assert data["results"][0]["claim"]["text"] == "Bus fares doubled."
    assert "author" not in data["results"][0]


def test_it_searches_by_text_language_publisher_and_date():
    old = published(text="Crime fell by 10%.", publisher="Daily Planet", days_ago=40)
    new = published(text="Rents rose by 8%.", language="de")
    client = api_client_for()

    def ids(**params):
        return [row["id"] for row in client.get(URL, params).json()["results"]]

    assert ids(q="crime") == [old.pk]
    assert ids(language="de") == [new.pk]
    assert ids(publisher="planet") == [old.pk]
    since = (timezone.now() - timedelta(days=7)).isoformat()
    assert ids(published_after=since) == [new.pk]
    assert client.get(URL, {"published_after": "last week"}).status_code == 400


def test_it_paginates_beyond_the_first_page():
    for number in range(3):
        published(text=f"Claim {number}")
    first = api_client_for().get(URL, {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2
    second = api_client_for().get(first["next"]).json()
    assert len(second["results"]) == 1


def test_it_is_read_only():
    assert api_client_for().post(URL, {}, format="json").status_code in {401, 405}


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "100/min"},
    }
)
def test_it_throttles_anonymous_readers():
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.clear()
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        statuses = [api_client_for().get(URL).status_code for _ in range(3)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert statuses == [200, 200, 429]
