"""Reference tables in the editor web UI: the upload form and its errors, the table page with the
re-check's progress, the claim panel's figures with one-click evidence, the queue filter and the
article report's marking. Every form is posted as a browser without JavaScript posts it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.similarity import embeddings
from sources.figure_checks import claim_figures_store
from sources.models import Evidence, ReferenceTable
from tests.conftest import api_client_for
from tests.factories import VerdictFactory
from tests.sources.tables import POPULATION_CSV, article_for, claim_saying, upload

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="session", autouse=True)
def embedding_model():
    return embeddings.get_model()


def form(content: str = POPULATION_CSV, **extra):
    return {
        "file": SimpleUploadedFile("population.csv", content.encode("utf-8"), content_type="text/csv"),
        "name": "Population by country",
        "publisher": "Statistics office",
        "source_url": "https://stats.example.org/population",
        "retrieved_at": "2024-05-01",
        "tolerance": "5",
        **extra,
    }


def test_it_uploads_a_table_and_shows_its_rows_and_progress(client, alice, team):
    client.force_login(alice)
    assert "Upload a reference table" in client.get("/reference-tables/new/").text
    response = client.post("/reference-tables/new/", form(tolerance="2.5"))
    table = ReferenceTable.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reference-tables/{table.pk}/"
    assert (table.team, table.tolerance) == (team, 0.025)
    page = client.get(response["Location"]).text
    assert "Stored “Population by country”: 4 rows." in page
    assert "<td>France</td><td>2023</td>" in page
    assert 'id="recheck-progress"' in page
    assert "Population by country" in client.get("/reference-tables/").text


def test_it_shows_each_bad_row_on_the_form_and_stores_nothing(client, alice):
    client.force_login(alice)
    bad = "label,period,value,unit\nGermany,2023,n/a,people\nFrance,2023,68,furlongs\n"
    response = client.post("/reference-tables/new/", form(bad))
    assert response.status_code == 422
    page = response.text
    assert "2 row(s) cannot be read, so nothing was stored" in page
    assert "Row 2: the value “n/a” is not a number." in page
    assert "Row 3: unknown unit “furlongs”" in page
    assert not ReferenceTable.objects.exists()


def test_it_shows_a_missing_column_and_a_bad_field_on_the_form(client, alice):
    client.force_login(alice)
    response = client.post("/reference-tables/new/", form("country,year,value,unit\nGermany,2023,1,%\n"))
    assert response.status_code == 422 and "Row 1: missing column" in response.text
    response = client.post("/reference-tables/new/", form(tolerance="500", retrieved_at=""))
    assert response.status_code == 422 and response.text.count('class="error-text"') == 2


def test_it_refuses_a_reviewer_on_the_form(client, bob):
    client.force_login(bob)
    response = client.post("/reference-tables/new/", form())
    assert response.status_code == 422 and "Only editors of the team" in response.text
    assert not ReferenceTable.objects.exists()


def test_it_answers_htmx_with_the_progress_alone(client, alice, team):
    table = upload(team=team)
    client.force_login(alice)
    response = client.get(f"/reference-tables/{table.pk}/", HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="recheck-progress"')
    assert 'hx-trigger="every 2s"' in response.text  # still waiting: it polls


def test_it_hides_a_teams_table_from_other_teams(client, charlie, team):
    table = upload(team=team)
    client.force_login(charlie)
    assert client.get(f"/reference-tables/{table.pk}/").status_code == 404
    assert "Population by country" not in client.get("/reference-tables/").text


def test_it_shows_figures_in_the_claim_panel_and_adds_one_as_evidence(client, alice, team):
    table = upload(team=team)
    claim = claim_saying(article_for(team), "France had a population of 80 million in 2022.")
    client.force_login(alice)
    page = client.get(f"/claims/{claim.pk}/").text
    assert "Reference figures" in page and "figure-differs" in page
    assert "France</strong>, 2022: 68 million people" in page
    assert "the claim says 80 million people (+17.6%; tolerance ±5%)" in page
    assert 'href="https://stats.example.org/tables/1"' in page
    row = table.rows.get(label="France", period="2022")
    response = client.post(f"/claims/{claim.pk}/figures/{row.pk}/evidence/")
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    evidence = Evidence.objects.get(claim=claim)
    assert evidence.source.url == "https://stats.example.org/tables/1"
    assert evidence.quote.startswith("France (2022): 68 million people")


def test_it_offers_no_evidence_button_to_reviewers_and_refuses_their_post(client, bob, team):
    table = upload(team=team)
    claim = claim_saying(article_for(team), "France had a population of 80 million in 2022.")
    client.force_login(bob)
    assert "Add as evidence" not in client.get(f"/claims/{claim.pk}/").text
    response = client.post(f"/claims/{claim.pk}/figures/{table.rows.first().pk}/evidence/")
    assert response.status_code == 422 and not Evidence.objects.exists()


def test_it_filters_the_queue_by_figures_that_differ(client, alice, team):
    upload(team=team)
    article = article_for(team)
    wrong = claim_saying(article, "France had a population of 80 million in 2022.")
    right = claim_saying(article, "Germany had a population of 84.5 million in 2023.")
    claim_figures_store(wrong)
    claim_figures_store(right)
    client.force_login(alice)
    page = client.get("/?differs=on").text
    assert wrong.text in page and right.text not in page
    assert right.text in client.get("/").text


def test_it_marks_claims_that_differ_in_the_article_report(alice, bob, team):
    upload(team=team)
    article = article_for(team)
    wrong = claim_saying(article, "France had a population of 80 million in 2022.")
    claim_figures_store(wrong)
    VerdictFactory(claim=wrong, author=alice, reviewer=bob, published=True)
    page = api_client_for(alice).get(f"/api/v1/articles/{article.pk}/reports/html/").content.decode()
    assert page.count("Differs from a reference figure:") == 2  # under its verdict, and in the summary list
    assert "France (2022) is 68 million people (+18%), according to" in page
    assert "<cite>Population by country</cite>, Statistics office" in page
