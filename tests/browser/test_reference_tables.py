"""Reference tables in a real browser: uploading one (errors in place, without JavaScript too), and
adding a matched figure to a claim as evidence with one click."""

import re

import pytest
from playwright.sync_api import expect

from sources.models import Evidence, ReferenceTable
from tests.browser.conftest import log_in_page
from tests.sources.tables import POPULATION_CSV, article_for, claim_saying

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BAD = "label,period,value,unit\nFrance,2022,lots,million people\n"


def _upload(page, live_server, content: str) -> None:
    page.goto(f"{live_server.url}/reference-tables/new/")
    page.get_by_label("CSV or XLSX file").set_input_files(
        {"name": "population.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_label("Name:", exact=True).fill("Population by country")
    page.get_by_label("Publisher").fill("Statistics office")
    page.get_by_label("Source URL").fill("https://stats.example.org/tables/1")
    page.get_by_label("Retrieved on").fill("2024-05-01")
    page.get_by_role("button", name="Upload").click()


def test_it_uploads_a_table_and_adds_a_figure_as_evidence(page, live_server, log_in, alice, team, screenshot):
    claim = claim_saying(article_for(team), "France had a population of 80 million in 2022.")
    log_in("alice")
    _upload(page, live_server, BAD)
    expect(page.locator("form.stack")).to_contain_text("Row 2: the value “lots” is not a number.")
    assert not ReferenceTable.objects.exists()
    _upload(page, live_server, POPULATION_CSV)
    page.wait_for_url(re.compile(r"/reference-tables/\d+/$"))
    expect(page.locator("#recheck-progress")).to_contain_text("Existing claims re-checked: 1 claim")
    screenshot("reference-table")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    figures = page.locator("section.figures")
    expect(figures).to_contain_text("Differs")
    expect(figures).to_contain_text("France, 2022: 68 million people")
    screenshot("claim-reference-figures")
    figures.get_by_role("button", name="Add “France, 2022” as evidence").click()
    expect(page.locator("#claim-panel")).to_contain_text("Added “France” (2022) as evidence.")
    assert Evidence.objects.get(claim=claim).source.url == "https://stats.example.org/tables/1"


def test_it_uploads_without_javascript(browser, live_server, alice, team):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in_page(page, live_server)
    _upload(page, live_server, BAD)
    expect(page.locator("body")).to_contain_text("Row 2: the value “lots” is not a number.")
    _upload(page, live_server, POPULATION_CSV)
    page.wait_for_url(re.compile(r"/reference-tables/\d+/$"))
    expect(page.locator("body")).to_contain_text("Stored “Population by country”: 4 rows.")
    context.close()
