"""Script and attribute payloads in articles and claims render as text everywhere."""

import pytest

from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = (
    "<script>window.__xss = 'script'</script>"
    "<img src=x onerror=\"window.__xss = 'img'\">"
    '" onmouseover="window.__xss = \'attr\'" autofocus onfocus="window.__xss = \'focus\'" x="'
    "<svg onload=alert(1)>"
)


def test_it_never_runs_script_from_article_or_claim_text(page, live_server, log_in, screenshot, alice, team):
    body = f"The mayor said {PAYLOADS} the plan costs $4 million. Ridership fell by 12 percent."
    article = ArticleFactory(team=team, title=PAYLOADS, body=body, publisher=PAYLOADS)
    claim = ClaimFactory(
        article=article,
        start=0,
        end=len(body),
        text=f"Claim {PAYLOADS}",
        reason=PAYLOADS,
        flags=[{"message": PAYLOADS}],
        quantities=[{"text": PAYLOADS}],
    )
    EvidenceFactory(claim=claim, source=SourceFactory(title=PAYLOADS), quote=PAYLOADS, note=PAYLOADS)
    VerdictFactory(claim=claim, summary=PAYLOADS, explanation=PAYLOADS, author=alice)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in("alice")
    for path in [
        "/",
        f"/articles/{article.pk}/",
        f"/claims/{claim.pk}/",
        "/sources/",
        f"/sources/{claim.evidence.get().source_id}/",
        "/search/?q=mayor",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.mouse.move(200, 300)
        page.locator("body").hover()
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("#main script, #main img, #main svg").count() == 0, path
    # The panel loaded over htmx is escaped too.
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    page.locator("#article-body a.tag").first.click()
    page.locator("#claim-panel").get_by_text("Claim <script>", exact=False).first.wait_for()
    assert page.evaluate("window.__xss") is None
    assert page.locator("#claim-panel script").count() == 0
    expect_text = page.locator("#claim-panel .claim-text").inner_text()
    assert "<script>window.__xss = 'script'</script>" in expect_text
    screenshot("xss-escaped")
    assert dialogs == []
