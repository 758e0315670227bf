"""A claim's rewrites in a real browser: pointing at or focusing one highlights the mention it names
in the article, beside the claim highlights, and one button drops it."""

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from tests.factories import ArticleFactory, ClaimFactory, rewrite_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The emoji counts one character in the stored offsets but two in the browser's strings.
BODY = (
    "North Korea's leader Kim Jong Un visited a missile factory on Monday 🚀, state media said. "
    "He said the country would build more rockets this year. "
    "Analysts doubt the factory can do so."
)
HIGHLIGHTED = """name => {
    const highlight = CSS.highlights.get(name);
    return highlight ? [...highlight].map(range => range.toString()) : [];
}"""


@pytest.fixture
def claim(team):
    article = ArticleFactory(team=team, title="Kim visits a missile factory", body=BODY)
    he = BODY.index("He said")
    ClaimFactory(article=article, start=0, end=he - 1, checkworthiness=0.9)
    ClaimFactory(article=article, start=BODY.index("Analysts"), end=len(BODY), checkworthiness=0.7)
    return ClaimFactory(
        article=article,
        start=he,
        end=BODY.index(" Analysts"),
        checkworthiness=0.8,
        text="Kim Jong Un said North Korea would build more rockets this year.",
        rewrites=[
            rewrite_of(BODY, "He", "Kim Jong Un", "Kim Jong Un", after=he),
            rewrite_of(BODY, "the country", "North Korea", "North Korea", after=he),
        ],
    )


def test_it_highlights_the_mention_a_rewrite_names_on_hover_and_focus(
    page, live_server, log_in, screenshot, claim, alice
):
    log_in("alice")
    page.goto(f"{live_server.url}/articles/{claim.article_id}/")
    claim_spans = page.locator("#article-body span.hl[data-claim-id]")
    spans_before = claim_spans.count()
    page.locator(f'#article-body span.hl[data-claim-id="{claim.pk}"]').first.click()
    panel = page.locator("#claim-panel")
    expect(panel.locator("h2")).to_contain_text(f"Claim #{claim.pk}")
    rewrites = panel.locator(".rewrite")
    expect(rewrites).to_have_count(2)

    rewrites.first.hover()
    assert page.evaluate(HIGHLIGHTED, "rewrite-antecedent") == ["Kim Jong Un"]
    assert page.evaluate(HIGHLIGHTED, "rewrite-words") == ["He"]
    screenshot("claim-panel-rewrite-hover")

    page.locator("h1").hover()
    assert page.evaluate(HIGHLIGHTED, "rewrite-antecedent") == []

    rewrites.nth(1).focus()
    assert page.evaluate(HIGHLIGHTED, "rewrite-antecedent") == ["North Korea"]
    assert page.evaluate(HIGHLIGHTED, "rewrite-words") == ["the country"]
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(HIGHLIGHTED, "rewrite-antecedent") != ["North Korea"]
    # The claim highlights are markup of their own; the rewrite highlight leaves them as they were.
    expect(claim_spans).to_have_count(spans_before)

    panel.get_by_role("button", name="Use the article's words: “He” instead of “Kim Jong Un”").click()
    # The first new wording loads the embedding model: allow for it.
    expect(panel.locator(".claim-text")).to_have_text(
        "He said North Korea would build more rockets this year.", timeout=60_000
    )
    expect(panel.locator(".rewrite")).to_have_count(1)
    expect(panel.locator("h2 .needs-context")).to_be_visible()
    screenshot("claim-panel-rewrite-dropped")
    assert Claim.objects.get(pk=claim.pk).version == 2
    expect(claim_spans).to_have_count(spans_before)
