"""The statistics check with the real model and real Postgres: upload, matching, the re-check of
existing claims, a row as evidence, and who sees which tables."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from claims import access, services
from claims.errors import NotAllowed, Unprocessable
from claims.models import AuditRecord
from claims.similarity import embeddings
from sources import figures, reference_tables
from sources.figure_checks import claim_figures_store, new_claims_check
from sources.matching import claim_figures, claim_hint
from sources.models import Evidence, FigureCheck, ReferenceLabel, ReferenceRow, ReferenceTable
from tests.factories import TeamFactory
from tests.sources.tables import UNEMPLOYMENT_CSV, article_for, claim_saying, upload

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="session")
def embedding_model():
    return embeddings.get_model()


@pytest.fixture
def population(team, embedding_model):
    return upload(team=team)


@pytest.fixture
def unemployment(team, embedding_model):
    return upload(team=team, content=UNEMPLOYMENT_CSV, name="Unemployment rate by country")


@pytest.fixture
def article(team):
    return article_for(team, "2024-03-01")


def test_it_stores_every_row_normalised_and_embedded(population):
    rows = list(population.rows.order_by("row_number"))
    assert population.row_count == len(rows) == 4
    assert rows[0].si_value == pytest.approx(83_800_000) and rows[0].dimension == "count"
    # One vector per label, however many periods it has.
    labels = list(population.labels.order_by("id"))
    assert [label.text for label in labels] == [
        "Population by country: Germany",
        "Population by country: France",
    ]
    assert all(label.embedding is not None and len(label.embedding) == 384 for label in labels)
    assert [row.series.label for row in rows] == ["Germany", "Germany", "France", "France"]


def test_it_stores_nothing_when_a_row_is_wrong(team, embedding_model):
    with pytest.raises(Unprocessable):
        upload(
            team=team, content="label,period,value,unit\nGermany,2023,84.5,people\nFrance,2023,lots,people\n"
        )
    assert not ReferenceTable.objects.exists() and not ReferenceRow.objects.exists()
    assert not ReferenceLabel.objects.exists()


def test_it_calls_a_figure_within_the_tolerance_consistent(population, article):
    found = claim_figures(claim_saying(article, "Germany had a population of 84 million in 2023."))
    assert found[0].row.label == "Germany" and found[0].row.period == "2023"
    assert found[0].hint == figures.CONSISTENT
    assert found[0].claim_value == pytest.approx(84.0)
    assert found[0].difference == pytest.approx(-0.5)


def test_it_calls_a_figure_off_by_a_lot_different(population, article):
    found = claim_figures(claim_saying(article, "France had a population of 80 million in 2022."))
    assert (found[0].row.label, found[0].row.period, found[0].hint) == ("France", "2022", figures.DIFFERS)
    assert found[0].relative_difference == pytest.approx((80 - 68.0) / 68.0, abs=1e-6)


def test_it_respects_the_tolerance_of_the_table(team, embedding_model, article):
    upload(team=team, tolerance=0.01)
    found = claim_figures(claim_saying(article, "Germany had a population of 84 million in 2023."))
    assert found[0].hint == figures.CONSISTENT  # 0.6% off
    found = claim_figures(claim_saying(article, "Germany had a population of 83 million in 2023."))
    assert found[0].hint == figures.DIFFERS  # 1.8% off


def test_it_compares_an_undated_claim_with_the_latest_figure_before_its_article(population, team):
    claim = claim_saying(article_for(team, "2024-02-01"), "Germany has a population of 84.5 million people.")
    found = claim_figures(claim)
    assert (found[0].row.period, found[0].hint) == ("2023", figures.CONSISTENT)


def test_it_finds_no_comparable_figure_for_another_period(population, article):
    claim = claim_saying(article, "Germany had a population of 81 million in 2010.")
    found = claim_figures(claim)
    assert claim_hint(found) == figures.NO_COMPARABLE_FIGURE
    assert all(figure.claim_value is None for figure in found)


def test_it_converts_units_of_the_same_dimension(team, embedding_model, article):
    upload(
        team=team,
        name="Heaviest hospital patients",
        content="label,period,value,unit\nPatient weight on admission,2023,140,kg\n",
    )
    found = claim_figures(claim_saying(article, "The patient weight on admission was 22 stone in 2023."))
    assert found[0].hint == figures.CONSISTENT
    assert found[0].claim_value == pytest.approx(22 * 6.35029, rel=1e-4)


def test_it_never_compares_a_percentage_with_percentage_points(unemployment, team, embedding_model, article):
    rate = claim_figures(claim_saying(article, "Germany's unemployment rate was 3.1% in 2022."))
    assert (rate[0].row.period, rate[0].hint) == ("2022", figures.CONSISTENT)
    change = claim_figures(
        claim_saying(article, "Germany's unemployment rate rose 0.4 percentage points in 2023.")
    )
    assert claim_hint(change) == figures.NO_COMPARABLE_FIGURE
    upload(
        team=team,
        name="Change in the unemployment rate",
        content="label,period,value,unit\nGermany,2023,-0.1,percentage points\n",
    )
    change = claim_figures(
        claim_saying(article, "Germany's unemployment rate rose 0.4 percentage points in 2023.")
    )
    assert change[0].row.table.name == "Change in the unemployment rate"
    assert change[0].hint == figures.DIFFERS


def test_it_never_compares_a_count_with_a_percentage(unemployment, article):
    found = claim_figures(claim_saying(article, "Germany had 3 million unemployed people in 2023."))
    assert claim_hint(found) == figures.NO_COMPARABLE_FIGURE


def test_it_needs_the_names_of_the_row_in_the_claim(population, article):
    found = claim_figures(claim_saying(article, "Portugal had a population of 10.4 million in 2023."))
    assert found == []


def test_it_embeds_a_claim_that_has_no_vector_yet(population, article):
    claim = claim_saying(article, "France had a population of 68.2 million in 2023.", embedded=False)
    assert claim_figures(claim)[0].hint == figures.CONSISTENT


def test_it_compares_a_claim_only_with_its_teams_and_the_shared_tables(team, embedding_model, admin_user):
    other = TeamFactory(name="Sports desk")
    upload(team=other)
    claim = claim_saying(article_for(team), "Germany had a population of 84.5 million in 2023.")
    assert claim_figures(claim) == []
    shared = upload(team=None, name="Population (shared)")
    assert {figure.row.table_id for figure in claim_figures(claim)} == {shared.pk}


def test_it_lets_only_a_teams_editors_upload_and_only_admins_share(team, alice, bob, charlie, admin_user):
    assert access.can_upload_reference_table(alice, team)
    assert not access.can_upload_reference_table(bob, team)  # a reviewer
    assert not access.can_upload_reference_table(charlie, team)  # another team's editor
    assert not access.can_upload_reference_table(alice, None)
    assert access.can_upload_reference_table(admin_user, None)
    with pytest.raises(NotAllowed):
        upload(team=team, by=charlie)
    with pytest.raises(NotAllowed):
        reference_tables.team_for_upload(user=alice, team_id=None, shared=True)


def test_it_shows_team_tables_to_their_team_only(team, alice, charlie, admin_user, embedding_model):
    mine = upload(team=team)
    shared = upload(team=None, name="Shared")
    assert set(access.visible_reference_tables(alice)) == {mine, shared}
    assert set(access.visible_reference_tables(charlie)) == {shared}
    assert set(access.visible_reference_tables(admin_user)) == {mine, shared}
    assert not access.visible_reference_tables(AnonymousUser()).exists()


def test_it_rechecks_existing_claims_after_an_upload(
    team, embedding_model, django_capture_on_commit_callbacks
):
    article = article_for(team)
    wrong = claim_saying(article, "France had a population of 80 million in 2022.")
    right = claim_saying(article, "Germany had a population of 84.5 million in 2023.")
    claim_saying(article_for(TeamFactory(name="Sports desk")), "France had 90 million people in 2022.")
    with django_capture_on_commit_callbacks(execute=True):
        table = upload(team=team)
    table.refresh_from_db()
    assert (table.recheck_status, table.recheck_done, table.recheck_total) == ("done", 2, 2)
    assert table.recheck_percent == 100
    checks = {check.claim_id: check for check in FigureCheck.objects.filter(rank=1)}
    assert set(checks) == {wrong.pk, right.pk}
    assert checks[wrong.pk].hint == "differs" and checks[right.pk].hint == "consistent"
    assert checks[wrong.pk].row.label == "France"


def test_it_records_a_failed_recheck_on_the_table(population, article, monkeypatch):
    claim_saying(article, "France had a population of 80 million in 2022.")

    def broken(claim):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(reference_tables, "claim_figures_store", broken)
    reference_tables.reference_table_recheck(table_id=population.pk)
    population.refresh_from_db()
    assert population.recheck_status == "failed"
    assert "went away" in population.recheck_error


def test_it_checks_new_claims_when_they_are_stored(population, article):
    claim = claim_saying(article, "France had a population of 80 million in 2022.")
    new_claims_check(claims=[claim])
    assert FigureCheck.objects.get(claim=claim, rank=1).hint == "differs"


def test_it_forgets_the_comparisons_of_a_deleted_table(population, article, alice):
    claim = claim_saying(article, "France had a population of 80 million in 2022.")
    claim_figures_store(claim)
    reference_tables.reference_table_delete(table=population, by=alice)
    assert not FigureCheck.objects.filter(claim=claim).exists()


def test_it_adds_a_row_as_evidence_with_the_table_as_source(population, article, alice):
    claim = claim_saying(article, "France had a population of 80 million in 2022.")
    row = population.rows.get(label="France", period="2022")
    evidence = reference_tables.evidence_from_row(claim=claim, row=row, by=alice)
    assert evidence.source.url == "https://stats.example.org/tables/1"
    assert evidence.source.title == "Population by country"
    assert evidence.quote == "France (2022): 68 million people, row 4 of “Population by country”"
    assert evidence.stance == Evidence.Stance.CONTEXT
    assert "The claim says 80, the table 68 (+17.6%): differs." in evidence.note
    assert AuditRecord.objects.filter(claim=claim, action="evidence_added").exists()


def test_it_refuses_evidence_from_another_teams_table(team, article, alice, embedding_model):
    other = upload(team=TeamFactory(name="Sports desk"))
    claim = claim_saying(article, "France had a population of 80 million in 2022.")
    with pytest.raises(Exception, match="not in a table"):
        reference_tables.evidence_from_row(claim=claim, row=other.rows.first(), by=alice)
    with pytest.raises(NotAllowed):
        reference_tables.evidence_from_row(claim=claim, row=other.rows.first(), by=AnonymousUser())


def test_it_checks_the_claims_of_a_new_article_against_existing_tables(population, team, alice):
    article, _ = services.article_submit(
        team=team,
        submitted_by=alice,
        title="Census",
        body="France had a population of 80 million in 2022, the minister said.",
        published_at=datetime(2023, 3, 1, tzinfo=UTC),
    )
    check = FigureCheck.objects.get(claim__article=article, rank=1)
    assert (check.hint, check.row.label, check.row.period) == ("differs", "France", "2022")
