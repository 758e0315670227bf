"""`manage.py import_reference_table PATH`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims.similarity import embeddings
from sources.models import FigureCheck, ReferenceTable
from tests.sources.tables import POPULATION_CSV, article_for, claim_saying

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="session", autouse=True)
def embedding_model():
    return embeddings.get_model()


def run(path, *args: str) -> str:
    out = StringIO()
    call_command(
        "import_reference_table", str(path), "--publisher", "Statistics office",
        "--source-url", "https://stats.example.org/population", *args, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_it_imports_a_shared_table_and_rechecks_existing_claims(
    tmp_path, team, django_capture_on_commit_callbacks
):
    claim = claim_saying(article_for(team), "France had a population of 80 million in 2022.")
    path = tmp_path / "population-by-country.csv"
    path.write_text(POPULATION_CSV)
    with django_capture_on_commit_callbacks(execute=True):
        output = run(path, "--retrieved-at", "2024-05-01")
    table = ReferenceTable.objects.get()
    assert (table.name, table.team, str(table.retrieved_at)) == ("Population by country", None, "2024-05-01")
    assert "Stored table #" in output and "for all teams: 4 rows." in output
    assert FigureCheck.objects.get(claim=claim, rank=1).hint == "differs"


def test_it_imports_for_a_team_with_a_mapping(tmp_path, team):
    path = tmp_path / "rates.csv"
    path.write_text("Country,Year,Rate,Unit\nGermany,2023,3.0,%\n")
    output = run(
        path, "--team", team.name, "--name", "Unemployment", "--tolerance", "0.02",
        "--label-column", "Country", "--period-column", "Year",
        "--value-column", "Rate", "--unit-column", "Unit",
    )  # fmt: skip
    table = ReferenceTable.objects.get()
    assert (table.team, table.name, table.tolerance, table.row_count) == (team, "Unemployment", 0.02, 1)
    assert f"for team {team.name}: 1 rows." in output


def test_it_lists_the_bad_rows_and_stores_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("label,period,value,unit\nGermany,2023,n/a,%\nFrance,2023,7.3,furlongs\n")
    with pytest.raises(CommandError) as refused:
        run(path)
    message = str(refused.value)
    assert (
        "2 row(s) cannot be read, so nothing was stored: Row 2: the value “n/a” is not a number." in message
    )
    assert "\n  Row 3: unknown unit “furlongs”" in message
    assert not ReferenceTable.objects.exists()


def test_it_refuses_an_unknown_team_and_a_bad_date(tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(POPULATION_CSV)
    with pytest.raises(CommandError, match="No team named 'Nobody'"):
        run(path, "--team", "Nobody")
    with pytest.raises(CommandError, match="is not a date"):
        run(path, "--retrieved-at", "May 2024")
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")
