import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from claims.models import Article
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = (
    "The mayor, who took office in 2019, cut the transit budget by 12%. "
    "Ridership fell to 3.1 million trips in March, the agency said.\n"
    "I hope things get better."
)
XSS = '<script>window.__xss = 1</script><img src=x onerror="alert(1)">'


@pytest.fixture
def article(team):
    return ArticleFactory(team=team, title="Transit cuts", body=BODY)


def test_it_sends_anonymous_visitors_to_the_login_page(client, article):
    for url in ["/", "/articles/new/", f"/articles/{article.pk}/", "/search/", "/sources/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_it_logs_in_and_shows_the_user_and_roles_in_the_header(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Signed in as <strong>alice</strong>" in response.text
    assert "(editor)" in response.text


def test_it_shows_a_login_error_for_a_wrong_password(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_it_logs_out_with_a_post(client, alice):
    client.force_login(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_submits_a_pasted_article_without_javascript(client, alice):
    client.force_login(alice)
    response = client.post(
        "/articles/new/",
        {"title": "Transit", "body": BODY, "url": "https://news.example.org/t", "published_on": "2026-03-03"},
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert (article.title, article.submitted_by, article.url) == (
        "Transit",
        alice,
        "https://news.example.org/t",
    )
    assert article.published_at.date().isoformat() == "2026-03-03"
    assert article.claims.exists()


def test_it_answers_htmx_with_a_client_redirect(client, alice):
    client.force_login(alice)
    response = client.post("/articles/new/", {"body": BODY}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/articles/{Article.objects.get().pk}/"


def test_it_stores_an_uploaded_html_file_as_text(client, alice):
    client.force_login(alice)
    html = f"<html><head><style>p{{}}</style></head><body><h1>Cuts</h1><p>{BODY}</p></body></html>"
    upload = SimpleUploadedFile("story.html", html.encode(), content_type="text/html")
    response = client.post("/articles/new/", {"title": "Upload", "file": upload})
    assert response.status_code == 302
    article = Article.objects.get()
    assert "<p>" not in article.body and "p{}" not in article.body
    assert "Ridership fell to 3.1 million trips" in article.body


def test_it_stores_an_uploaded_text_file(client, alice):
    client.force_login(alice)
    upload = SimpleUploadedFile("story.txt", BODY.encode(), content_type="text/plain")
    assert client.post("/articles/new/", {"file": upload}).status_code == 302
    assert Article.objects.get().body == BODY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "  "}, "Paste the article text or upload a file."),
        ({"body": BODY, "url": "not a url"}, "Enter a valid URL."),
        ({"body": BODY, "published_on": "yesterday"}, "Enter a valid date."),
        ({"file": ("story.pdf", b"%PDF")}, "Upload a .txt or .html file."),
        ({"file": ("story.txt", b"\xff\xfe\xfa")}, "The file is not UTF-8 text."),
    ],
)
def test_it_shows_validation_errors_on_the_form(client, alice, data, message):
    client.force_login(alice)
    if "file" in data:
        name, content = data["file"]
        data = {"file": SimpleUploadedFile(name, content)}
    response = client.post("/articles/new/", data)
    assert response.status_code == 422
    assert message in response.text
    assert Article.objects.count() == 0


@override_settings(FACTCHECK_MAX_ARTICLE_BYTES=100)
def test_it_shows_the_size_limit_on_the_form(client, alice):
    client.force_login(alice)
    response = client.post("/articles/new/", {"body": BODY})
    assert response.status_code == 422
    assert "the limit is 100 bytes" in response.text
    assert Article.objects.count() == 0


def test_it_refuses_submission_to_a_reviewer_without_the_editor_role(client, bob):
    client.force_login(bob)
    assert "Only editors who belong to a team" in client.get("/articles/new/").text
    assert client.post("/articles/new/", {"body": BODY}).status_code == 422
    assert Article.objects.count() == 0


def test_it_hides_another_teams_article_from_an_outsider(client, charlie, article):
    ClaimFactory(article=article)
    client.force_login(charlie)
    assert client.get(f"/articles/{article.pk}/").status_code == 404
    assert client.get(f"/articles/{article.pk}/status/").status_code == 404
    assert "Transit cuts" not in client.get("/").text


def test_it_highlights_every_claim_at_its_offsets_with_a_text_label(client, alice, article):
    first = ClaimFactory(article=article, start=0, end=66, checkworthiness=0.9)
    second = ClaimFactory(article=article, start=67, end=129, checkworthiness=0.8, status="in_review")
    client.force_login(alice)
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    html = response.text
    assert f'<span class="hl status-new" data-claim-id="{first.pk}">{BODY[0:66]}</span>' in html
    assert f'data-claim-id="{second.pk}">{BODY[67:129]}</span>' in html
    assert "1 · New</a>" in html and "2 · In review</a>" in html


def test_it_gives_overlapping_claims_each_their_own_elements(client, alice, article):
    outer = ClaimFactory(article=article, start=0, end=66)
    inner = ClaimFactory(article=article, start=11, end=34)
    crossing = ClaimFactory(article=article, start=40, end=90)
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").text
    for claim in (outer, inner, crossing):
        assert f'<a class="tag status-new" data-claim-id="{claim.pk}"' in html
    # The inner claim's text sits inside the outer claim's element.
    assert (
        f'<span class="hl status-new" data-claim-id="{outer.pk}"><span class="hl status-new" '
        f'data-claim-id="{inner.pk}">{BODY[11:34]}</span></span>'
    ) in html
    # The crossing claim's overlap with the outer one is wrapped by both.
    assert f'data-claim-id="{crossing.pk}">{BODY[40:66]}</span></span>' in html


def test_it_hides_low_checkworthiness_claims_until_asked(client, alice, article):
    ClaimFactory(article=article, start=0, end=66, checkworthiness=0.9)
    low = ClaimFactory(article=article, start=130, end=len(BODY), checkworthiness=0.1)
    client.force_login(alice)
    assert f'data-claim-id="{low.pk}"' not in client.get(f"/articles/{article.pk}/").text
    shown = client.get(f"/articles/{article.pk}/?low=1").text
    assert f'<span class="hl status-new low" data-claim-id="{low.pk}">' in shown


def test_it_escapes_script_and_attribute_payloads_in_articles_and_claims(client, alice, team):
    body = f'Mayor said {XSS} cost $4 million. " onmouseover="alert(2)" x=".'
    article = ArticleFactory(team=team, title=XSS, body=body, publisher=XSS)
    ClaimFactory(article=article, start=0, end=len(body), text=XSS)
    client.force_login(alice)
    for url in [f"/articles/{article.pk}/", "/", f"/claims/{article.claims.get().pk}/"]:
        html = client.get(url).text
        assert "<script>window.__xss" not in html
        assert "<img src=x" not in html
        assert 'onmouseover="alert(2)"' not in html
        assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html


def test_it_polls_while_the_article_is_processing(client, alice, team):
    article = ArticleFactory(team=team, status=Article.Status.PROCESSING)
    client.force_login(alice)
    assert f'hx-get="/articles/{article.pk}/status/"' in client.get(f"/articles/{article.pk}/").text
    assert "extracting claims" in client.get(f"/articles/{article.pk}/status/").text
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DONE)
    assert client.get(f"/articles/{article.pk}/status/")["HX-Refresh"] == "true"


def test_it_lets_an_editor_of_two_teams_choose_the_team(client, alice, team):
    other = UserFactory(username="dora", roles=["editor"], teams=[team])
    from tests.factories import TeamFactory

    second = TeamFactory(name="Night desk")
    second.members.add(other)
    client.force_login(other)
    assert 'name="team"' in client.get("/articles/new/").text
    client.post("/articles/new/", {"body": BODY, "team": second.pk})
    assert Article.objects.get().team == second


def test_it_links_the_articles_reports(client, alice, article):
    client.force_login(alice)
    html = client.get(f"/articles/{article.pk}/").text
    for name in ["html", "pdf", "csv", "json", "claimreview"]:
        assert f'href="/api/v1/articles/{article.pk}/reports/{name}/"' in html


def test_it_lists_recent_articles_of_my_teams_on_the_queue(client, alice, charlie, article):
    ArticleFactory(title="Sports secret", team=charlie.teams.get())
    client.force_login(alice)
    html = client.get("/").text
    assert f'href="/articles/{article.pk}/">Transit cuts</a>' in html
    assert "Sports secret" not in html


def test_it_says_when_the_same_text_was_submitted_before(client, alice):
    client.force_login(alice)
    first = client.post("/articles/new/", {"body": BODY})
    again = client.post("/articles/new/", {"body": BODY + "\n"}, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "This text was submitted before" in again.text
    assert Article.objects.count() == 1
