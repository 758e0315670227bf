"""Every page fits a 360 px wide phone and keeps focus visible."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, log_in_page
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "The council approved 14 new bus lines on Monday, the transport office said. "
    "The plan will cost $42 million over five years. Ridership fell by 12 percent in 2025."
)


@pytest.fixture
def claim(team, alice):
    article = ArticleFactory(team=team, title="Council approves a very long list of new bus lines", body=BODY)
    ClaimFactory(article=article, start=0, end=75, checkworthiness=0.9)
    claim = ClaimFactory(
        article=article,
        start=76,
        end=123,
        checkworthiness=0.8,
        assigned_to=alice,
        quantities=[{"text": "$42 million", "value": 42e6, "unit": "USD"}],
    )
    ClaimFactory(
        article=article,
        start=124,
        end=len(BODY),
        checkworthiness=0.7,
        flags=[{"kind": "number", "message": "The caption says 10 percent."}],
    )
    EvidenceFactory(claim=claim, quote="Capital plan 2026-2030: $42m.")
    return claim


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 800, "desktop"), (360, 740, "phone")])
def test_it_fits_the_screen_on_every_page(browser, live_server, claim, width, height, name):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    log_in_page(page, live_server)
    pages = {
        "queue": "/",
        "article": f"/articles/{claim.article_id}/",
        "claim": f"/claims/{claim.pk}/",
        "submit": "/articles/new/",
        "search": "/search/?q=bus",
        "sources": "/sources/",
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{label} is {overflow}px wider than the {width}px screen"
        page.screenshot(path=str(SCREENSHOTS / f"{label}-{name}.png"), full_page=True)
    context.close()


def test_it_shows_where_the_keyboard_focus_is(page, live_server, log_in, claim):
    log_in("alice")
    page.goto(f"{live_server.url}/articles/{claim.article_id}/")
    page.keyboard.press("j")
    focused = page.locator("#article-body a.tag:focus")
    expect(focused).to_have_count(1)
    outline = focused.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


def test_it_labels_every_form_field(page, live_server, log_in, claim):
    log_in("alice")
    for path in ["/", "/articles/new/", f"/claims/{claim.pk}/", "/search/"]:
        page.goto(f"{live_server.url}{path}")
        unlabeled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name)"""
        )
        assert unlabeled == [], f"{path}: {unlabeled}"


def test_it_brings_the_claim_panel_into_view_on_a_phone(browser, live_server, claim):
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    log_in_page(page, live_server)
    page.goto(f"{live_server.url}/articles/{claim.article_id}/")
    page.locator(f'#article-body span.hl[data-claim-id="{claim.pk}"]').first.click()
    expect(page.locator("#claim-panel h2")).to_contain_text(f"Claim #{claim.pk}")
    page.wait_for_function("Math.abs(document.getElementById('claim-panel').getBoundingClientRect().top) < 5")
    context.close()
