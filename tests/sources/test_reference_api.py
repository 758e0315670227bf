"""`POST /api/v1/reference-tables/` (multipart, the contract newsroom tools script), the list and
detail, and `GET /api/v1/claims/{id}/figures/`."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from claims.similarity import embeddings
from sources.models import ReferenceRow, ReferenceTable
from tests.conftest import api_client_for
from tests.factories import TeamFactory, UserFactory
from tests.sources.tables import POPULATION_CSV, article_for, claim_saying, upload
from tests.sources.test_table_files import xlsx

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

URL = "/api/v1/reference-tables/"


@pytest.fixture(scope="session", autouse=True)
def embedding_model():
    return embeddings.get_model()


def fields(content: str | bytes = POPULATION_CSV, filename: str = "population.csv", **extra):
    data = content.encode() if isinstance(content, str) else content
    return {
        "file": SimpleUploadedFile(filename, data, content_type="text/csv"),
        "name": "Population by country",
        "publisher": "Statistics office",
        "source_url": "https://stats.example.org/population",
        "retrieved_at": "2024-05-01",
        **extra,
    }


def test_it_stores_a_table_and_answers_id_name_and_rows(alice, team):
    response = api_client_for(alice).post(URL, fields(), format="multipart")
    assert response.status_code == 201
    table = ReferenceTable.objects.get()
    assert response.json() == {"id": table.pk, "name": "Population by country", "rows": 4}
    assert (table.team, table.tolerance, table.uploaded_by, table.filename) == (
        team,
        0.05,
        alice,
        "population.csv",
    )


def test_it_stores_an_xlsx_workbook(alice):
    content = xlsx([["label", "period", "value", "unit"], ["Germany", 2023, 84.5, "million people"]])
    response = api_client_for(alice).post(
        URL, fields(content, filename="population.xlsx"), format="multipart"
    )
    assert response.status_code == 201 and response.json()["rows"] == 1
    assert ReferenceRow.objects.get().si_value == pytest.approx(84_500_000)


def test_it_takes_the_column_mapping_and_the_tolerance(alice):
    content = "Country;Year;Rate;Unit\nGermany;2023;3.0;%\n"
    mapping = {
        "label_column": "Country",
        "period_column": "Year",
        "value_column": "Rate",
        "unit_column": "Unit",
    }
    response = api_client_for(alice).post(
        URL, fields(content, tolerance="0.1", **mapping), format="multipart"
    )
    assert response.status_code == 201 and response.json()["rows"] == 1
    assert ReferenceTable.objects.get().tolerance == 0.1
    assert ReferenceRow.objects.get().label == "Germany"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "label,period,value,unit\nK\u00f6ln,2023,1.1,million people\n".encode("latin-1"),
            "Row 2: not UTF-8.",
        ),
        ("label,year,value,unit\nGermany,2023,1,%\n", "Row 1: missing column period"),
        (
            "label,period,value,unit\nGermany,2023,1,%\nFrance,2023,lots,%\n",
            "Row 3: the value “lots” is not a number.",
        ),
        ("label,period,value,unit\nGermany,2023,1,furlongs\n", "Row 2: unknown unit “furlongs”"),
    ],
)
def test_it_answers_a_bad_file_with_422_naming_the_row_and_stores_nothing(alice, content, problem):
    response = api_client_for(alice).post(URL, fields(content), format="multipart")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unprocessable"
    assert error["fields"]["file"][0].startswith(problem)
    assert not ReferenceTable.objects.exists() and not ReferenceRow.objects.exists()


@override_settings(FACTCHECK_MAX_REFERENCE_TABLE_BYTES=50)
def test_it_answers_an_oversize_file_with_413(alice):
    response = api_client_for(alice).post(URL, fields(), format="multipart")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not ReferenceTable.objects.exists()


def test_it_answers_missing_fields_and_bad_values_with_400(alice):
    data = fields(tolerance="2", retrieved_at="yesterday", source_url="not a url")
    del data["name"]
    response = api_client_for(alice).post(URL, data, format="multipart")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"name", "retrieved_at", "tolerance"}
    response = api_client_for(alice).post(URL, fields(source_url="not a url"), format="multipart")
    assert response.status_code == 400 and "url" in response.json()["error"]["fields"]
    response = api_client_for(alice).post(URL, fields(filename="figures.pdf"), format="multipart")
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]


def test_it_refuses_uploads_from_reviewers_outsiders_and_anonymous_callers(bob, team):
    assert api_client_for(bob).post(URL, fields(), format="multipart").status_code == 403
    loner = UserFactory(username="loner", roles=["editor"])
    assert api_client_for(loner).post(URL, fields(), format="multipart").status_code == 403
    assert api_client_for().post(URL, fields(), format="multipart").status_code in {401, 403}
    assert not ReferenceTable.objects.exists()


def test_it_uploads_for_a_named_team_of_the_editors_only(alice, team):
    other = TeamFactory(name="Sports desk")
    response = api_client_for(alice).post(URL, fields(team=str(other.pk)), format="multipart")
    assert response.status_code == 403
    second = TeamFactory(name="Politics desk")
    second.members.add(alice)
    response = api_client_for(alice).post(URL, fields(team=str(second.pk)), format="multipart")
    assert response.status_code == 201 and ReferenceTable.objects.get().team == second


def test_it_lets_admins_alone_share_a_table_with_all_teams(alice, admin_user):
    assert api_client_for(alice).post(URL, fields(shared="true"), format="multipart").status_code == 403
    response = api_client_for(admin_user).post(URL, fields(shared="true"), format="multipart")
    assert response.status_code == 201
    assert ReferenceTable.objects.get().team is None


def test_it_lists_and_shows_tables_to_their_team_and_shared_ones_to_all(alice, charlie, team):
    mine = upload(team=team)
    shared = upload(team=None, name="Shared population")
    mine_seen = api_client_for(alice).get(URL).json()["results"]
    theirs_seen = api_client_for(charlie).get(URL).json()["results"]
    assert {table["id"] for table in mine_seen} == {mine.pk, shared.pk}
    assert [table["id"] for table in theirs_seen] == [shared.pk]
    assert api_client_for(charlie).get(f"{URL}{mine.pk}/").status_code == 404
    detail = api_client_for(alice).get(f"{URL}{mine.pk}/").json()
    assert detail["rows"] == 4 and detail["shared"] is False
    assert detail["recheck"]["status"] in {"pending", "running", "done"}


def test_it_lets_the_team_delete_its_table(alice, charlie, team):
    table = upload(team=team)
    assert api_client_for(charlie).delete(f"{URL}{table.pk}/").status_code == 404
    assert api_client_for(alice).delete(f"{URL}{table.pk}/").status_code == 204
    assert not ReferenceTable.objects.exists()


def test_it_gives_a_claims_figures_best_first(alice, charlie, team):
    upload(team=team)
    claim = claim_saying(article_for(team), "France had a population of 80 million in 2022.")
    response = api_client_for(alice).get(f"/api/v1/claims/{claim.pk}/figures/")
    assert response.status_code == 200
    best = response.json()["results"][0]
    table = ReferenceTable.objects.get()
    assert best == {
        "table": {
            "id": table.pk,
            "name": "Population by country",
            "source_url": "https://stats.example.org/tables/1",
        },
        "row": table.rows.get(label="France", period="2022").pk,
        "label": "France",
        "period": "2022",
        "value": 68.0,
        "unit": "million people",
        "claim_value": 80.0,
        "difference": 12.0,
        "relative_difference": pytest.approx(12 / 68, abs=1e-6),
        "hint": "differs",
    }
    assert api_client_for(charlie).get(f"/api/v1/claims/{claim.pk}/figures/").status_code == 404


def test_it_answers_an_empty_list_for_a_claim_without_figures(alice, team):
    upload(team=team)
    claim = claim_saying(article_for(team), "The mayor opened the new library.")
    assert api_client_for(alice).get(f"/api/v1/claims/{claim.pk}/figures/").json() == {"results": []}


def test_it_documents_the_upload_contract_in_the_schema(alice):
    schema = api_client_for(alice).get("/api/schema/?format=json").json()
    upload_operation = schema["paths"]["/api/v1/reference-tables/"]["post"]
    body = upload_operation["requestBody"]["content"]["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[
        1
    ]
    properties = schema["components"]["schemas"][body]["properties"]
    assert {"file", "name", "publisher", "source_url", "retrieved_at", "tolerance", "label_column",
            "period_column", "value_column", "unit_column"} <= set(properties)  # fmt: skip
    assert {"201", "413", "422"} <= set(upload_operation["responses"])
    figures = schema["paths"]["/api/v1/claims/{id}/figures/"]["get"]["responses"]["200"]
    assert figures["content"]["application/json"]["schema"]["$ref"].endswith("/Figures")
