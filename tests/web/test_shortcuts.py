import pytest
from django import forms
from django.test import override_settings

from claims.errors import Conflict, InvalidInput, ServiceUnavailable
from claims.models import Article
from claims.similarity import matching
from claims.web.shortcuts import domain_errors
from sources.models import Evidence
from tests.factories import ArticleFactory, ClaimFactory

HTMX = {"HX-Request": "true"}
PLAIN: dict[str, str] = {}


class NoteForm(forms.Form):
    url = forms.CharField()
    note = forms.CharField(required=False)


def _bound_form() -> NoteForm:
    form = NoteForm({"url": "https://example.org", "note": ""})
    assert form.is_valid()
    return form


def test_it_puts_the_errors_field_messages_on_the_fields_the_form_has():
    form = _bound_form()
    with domain_errors(form) as refused:
        raise InvalidInput("Not a web address.", fields={"url": ["Use http(s)."], "source": ["Unknown."]})
    assert refused and refused.message == "Not a web address."
    assert form.errors == {"url": ["Use http(s)."]}


def test_it_puts_the_message_on_top_of_the_form_when_asked():
    form = _bound_form()
    with domain_errors(form, message_on_form=True):
        raise Conflict("Another source already has that URL.", fields={"url": ["Already a source."]})
    assert form.non_field_errors() == ["Another source already has that URL."]
    assert form.errors["url"] == ["Already a source."]


def test_it_is_falsy_and_silent_when_the_service_succeeds():
    form = _bound_form()
    with domain_errors(form) as refused:
        pass
    assert not refused and refused.message == ""
    assert form.is_valid()


def test_it_lets_other_exceptions_through():
    with pytest.raises(KeyError), domain_errors():
        raise KeyError("not a domain error")


@pytest.fixture
def claim(team):
    return ClaimFactory(article=ArticleFactory(team=team))


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [PLAIN, HTMX], ids=["plain", "htmx"])
def test_it_answers_a_refused_panel_write_with_422_and_the_message_on_the_form(client, alice, claim, headers):
    client.force_login(alice)
    # The form takes ftp:// addresses; the evidence service does not.
    data = {"url": "ftp://files.example.org/minutes", "stance": "supports"}
    response = client.post(f"/claims/{claim.pk}/evidence/", data, headers=headers)
    assert response.status_code == 422
    html = response.text
    assert "&#x27;ftp://files.example.org/minutes&#x27; is not a web address." in html
    assert '<p class="error-text" role="alert">Enter a valid http(s) URL.</p>' in html
    assert 'value="ftp://files.example.org/minutes"' in html
    assert ("<html" in html) is (headers is PLAIN)
    assert html.lstrip().startswith('<section id="claim-panel"') is (headers is HTMX)
    assert not Evidence.objects.exists()


@pytest.mark.django_db
@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=100)
@pytest.mark.parametrize("headers", [PLAIN, HTMX], ids=["plain", "htmx"])
def test_it_answers_a_refused_article_with_422_and_the_message_on_the_form(client, alice, headers):
    client.force_login(alice)
    response = client.post("/articles/new/", {"body": "Council approved 4 bus lines. " * 10}, headers=headers)
    assert response.status_code == 422
    html = response.text
    assert '<div class="alert error" role="alert"><p>The article is 300 bytes; the limit is 100 bytes' in html
    assert '<p class="error-text" role="alert">At most 100 bytes.</p>' in html
    assert ("<html" in html) is (headers is PLAIN)
    assert html.lstrip().startswith('<div id="article-form">') is (headers is HTMX)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_it_shows_a_refused_search_as_a_message(client, alice, monkeypatch):
    def unavailable(**kwargs):
        raise ServiceUnavailable("The similarity model is not loaded yet.")

    monkeypatch.setattr(matching, "match_text", unavailable)
    client.force_login(alice)
    response = client.get("/search/", {"q": "bus lines", "mode": "meaning"}, headers=HTMX)
    assert response.status_code == 200
    assert '<p class="alert error" role="alert">The similarity model is not loaded yet.</p>' in response.text
