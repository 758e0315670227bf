"""The day of an editor and a reviewer, in a real browser."""

import re
import time

import pytest
from playwright.sync_api import expect

from claims.models import Article, Claim, Verdict
from tests.browser.conftest import log_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "City council approves 14 new bus lines\n\n"
    "The city council voted 31 to 9 on Monday to approve 14 new bus lines, the transport office said. "
    "The plan will cost $42 million over five years, according to the budget office. "
    "Ridership fell by 12 percent in 2025 compared with 2019. "
    "Mayor Ana Ruiz, who took office in 2021, called the vote historic. "
    "I think the new lines look lovely."
)


def _submit_article(page, live_server, screenshot):
    page.goto(f"{live_server.url}/articles/new/")
    page.get_by_label("Title").fill("Council approves bus lines")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_label("URL").fill("https://news.example.org/bus-lines")
    page.get_by_label("Publisher").fill("Example News")
    page.get_by_label("Publication date").fill("2026-03-03")
    screenshot("submit-article")
    # Hold the request a moment so the progress message can be seen.
    page.route("**/articles/new/", lambda route: (time.sleep(0.5), route.continue_()))
    page.get_by_role("button", name="Submit and find claims").click()
    expect(page.locator("#progress")).to_be_visible()
    expect(page.get_by_role("button", name="Submit and find claims")).to_be_disabled()
    page.wait_for_url(re.compile(r"/articles/\d+/$"), timeout=60_000)
    return Article.objects.get()


def test_it_takes_a_claim_from_article_to_published_verdict(
    page, live_server, log_in, log_out, screenshot, alice, bob
):
    log_in("alice")
    expect(page.locator("header.site")).to_contain_text("Signed in as alice (editor)")
    article = _submit_article(page, live_server, screenshot)

    highlights = page.locator("#article-body span.hl[data-claim-id]")
    expect(highlights.first).to_be_visible()
    claim_ids = {int(i) for i in highlights.evaluate_all("els => els.map(e => e.dataset.claimId)")}
    assert claim_ids == set(article.claims.filter(checkworthiness__gte=0.5).values_list("pk", flat=True))
    screenshot("article-desktop")

    # Click a highlighted claim: the panel loads beside the article.
    first = article.claims.filter(pk__in=claim_ids).order_by("start").first()
    page.locator(f'#article-body span.hl[data-claim-id="{first.pk}"]').first.click()
    expect(page.locator("#claim-panel h2")).to_contain_text(f"Claim #{first.pk}")
    assert page.url.endswith(f"/articles/{article.pk}/")

    # Keyboard: from the clicked claim, j, j, k and Enter open the next one in reading order.
    in_order = page.locator("#article-body a.tag").evaluate_all("els => els.map(e => +e.dataset.claimId)")
    assert in_order[0] == first.pk
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    claim = article.claims.get(pk=in_order[1])
    expect(page.locator("#claim-panel h2")).to_contain_text(f"Claim #{claim.pk}")
    expect(page.locator(f'#article-body span.hl[data-claim-id="{claim.pk}"]').first).to_have_class(
        re.compile("current")
    )

    # Evidence, then a draft verdict, then submit: all inside the panel.
    panel = page.locator("#claim-panel")
    panel.get_by_label("Source URL").fill("https://records.example.org/budget-2026")
    panel.get_by_label("Quote from the source").fill("Capital plan: $42m for bus lines, 2026-2030.")
    panel.get_by_label("Stance").select_option("supports")
    panel.get_by_label("Note").fill("Budget office PDF, page 12.")
    panel.get_by_role("button", name="Add evidence").click()
    expect(panel).to_contain_text("Evidence added.")
    expect(panel).to_contain_text("Capital plan: $42m for bus lines")

    panel.get_by_label("Rating").select_option("mostly_true")
    panel.get_by_label("Summary").fill("The budget confirms $42 million, spread over five years.")
    panel.get_by_role("button", name="Save draft").click()
    expect(panel).to_contain_text("Verdict draft saved.")
    panel.get_by_role("button", name="Submit for review").click()
    expect(panel).to_contain_text("Submitted for review.")
    expect(panel).to_contain_text("Waiting for a reviewer")
    # The highlight beside the panel follows without a reload.
    expect(page.locator(f'#article-body a.tag[data-claim-id="{claim.pk}"]')).to_contain_text(
        "In review · verdict in review"
    )
    screenshot("claim-panel-submitted")
    assert Verdict.objects.get(claim=claim).state == "in_review"

    log_out()
    log_in("bob")
    expect(page.locator("header.site")).to_contain_text("Signed in as bob (reviewer)")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    screenshot("claim-review")
    page.get_by_role("button", name="Publish verdict").click()
    expect(page.locator("#claim-panel")).to_contain_text("Verdict published.")
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.state, verdict.reviewer_id) == ("published", bob.pk)

    # The article shows the rating in colour and in words.
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    highlight = page.locator(f'#article-body span.hl[data-claim-id="{claim.pk}"]').first
    expect(highlight).to_have_class(re.compile("rating-mostly_true"))
    background = highlight.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(225, 245, 196)"
    expect(page.locator(f'#article-body a.tag[data-claim-id="{claim.pk}"]')).to_have_text(
        re.compile(r"Checked · Mostly true")
    )
    screenshot("article-after-publish")

    # The public verdict page, reachable from the claim panel.
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.get_by_role("link", name="Public verdict page").click()
    page.wait_for_url(f"**/verdicts/{verdict.pk}/")
    expect(page.locator("body")).to_contain_text("The budget confirms $42 million")
    screenshot("public-verdict")


def test_it_keeps_publishing_to_someone_other_than_the_author(page, live_server, log_in, dave):
    from tests.factories import ArticleFactory, ClaimFactory

    claim = ClaimFactory(article=ArticleFactory(team=dave.teams.get()))
    log_in("dave")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    page.get_by_label("Rating").select_option("false")
    page.get_by_label("Summary").fill("No such vote.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#claim-panel")).to_contain_text("someone other than the author publishes it")
    expect(page.get_by_role("button", name="Publish verdict")).to_have_count(0)
    assert Claim.objects.get(pk=claim.pk).verdicts.get().state == "in_review"


def test_it_works_without_javascript(browser, live_server, alice):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in_page(page, live_server)
    page.goto(f"{live_server.url}/articles/new/")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_role("button", name="Submit and find claims").click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"), timeout=60_000)
    page.locator("#article-body a.tag").first.click()
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    page.get_by_label("Source URL").fill("https://records.example.org/x")
    page.get_by_label("Stance").select_option("context")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.locator("body")).to_contain_text("Evidence added.")
    page.get_by_label("Rating").select_option("mixed")
    page.get_by_label("Summary").fill("Partly right.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("body")).to_contain_text("Verdict draft saved.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("body")).to_contain_text("Submitted for review.")
    assert re.search(r"/claims/\d+/$", page.url)
    context.close()


def test_it_shows_form_errors_in_place_over_htmx(page, live_server, log_in, alice):
    log_in("alice")
    page.goto(f"{live_server.url}/articles/new/")
    page.get_by_label("URL").fill("javascript:alert(1)")
    page.get_by_role("button", name="Submit and find claims").click()
    expect(page.locator("#article-form")).to_contain_text("Paste the article text or upload a file.")
    expect(page.locator("#article-form")).to_contain_text("Enter a valid URL.")
    assert page.url == f"{live_server.url}/articles/new/"
    assert Article.objects.count() == 0
