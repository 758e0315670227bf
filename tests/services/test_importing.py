import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims import services
from claims.extraction.pipeline import extract_claims
from claims.models import Article, Team
from claims.services import importing
from tests.factories import rewrite_of

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TEXTS = {
    "bridge.txt": "The Harbour Bridge opened in 1932 after six years of work, the city archive says.",
    "budget.html": "<html><body><h1>Budget</h1><p>The council cut the transit budget by 12% in 2024, "
    "the finance office said.</p></body></html>",
    "clinic.txt": "Dr. Amina Diallo has run the Westside clinic for 12 years. The clinic treated 3,100 "
    "patients last year, according to its annual report.",
}


@pytest.fixture
def folder(tmp_path):
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "notes.md").write_text("not an article")
    return tmp_path


def test_it_imports_a_folder_with_claims_and_embeddings(folder, capsys):
    call_command("import_articles", str(folder), team="Wire desk", batch_size=2)
    articles = Article.objects.filter(team__name="Wire desk")
    assert articles.count() == 3
    assert set(articles.values_list("status", flat=True)) == {"done"}
    budget = articles.get(title="Budget")
    assert "<p>" not in budget.body
    for article in articles:
        claims = list(article.claims.all())
        assert claims
        for claim in claims:
            assert article.body[claim.start : claim.end] == claim.quote
            assert claim.embedding is not None
    assert "Imported 3 articles" in capsys.readouterr().out


def test_it_leaves_the_planner_statistics_of_the_tables_it_filled_fresh(folder):
    def row_estimates():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
                [["claims_article", "claims_claim", "claims_team_members"]],
            )
            return dict(cursor.fetchall())

    call_command("import_articles", str(folder), team="Wire desk", batch_size=2)

    # ANALYZE sets the planner's row estimates (-1 or 0 for a table never analysed) to the counts.
    estimates = row_estimates()
    assert estimates["claims_article"] == Article.objects.count()
    assert estimates["claims_claim"] == sum(article.claims.count() for article in Article.objects.all())


def test_it_stores_the_same_claims_and_vectors_as_a_single_ingest(folder):
    call_command("import_articles", str(folder), team="Wire desk", batch_size=3)
    single, _ = services.article_submit(
        team=Team.objects.create(name="Other desk"), submitted_by=None, title="", body=TEXTS["clinic.txt"]
    )
    imported = Article.objects.get(team__name="Wire desk", body=TEXTS["clinic.txt"])
    order = ("start", "id")
    pairs = list(zip(imported.claims.order_by(*order), single.claims.order_by(*order), strict=True))
    assert pairs
    for batched, alone in pairs:
        assert batched.text == alone.text
        assert np.allclose(batched.embedding, alone.embedding, atol=1e-4)


def test_it_skips_done_articles_and_finishes_pending_ones_on_a_second_run(folder, capsys):
    team = Team.objects.create(name="Wire desk")
    # An interrupted run leaves an article stored but not processed.
    pending, _ = services.article_submit(
        team=team, submitted_by=None, title="", body=TEXTS["bridge.txt"], process=False
    )
    call_command("import_articles", str(folder), team="Wire desk")
    pending.refresh_from_db()
    assert pending.status == "done" and pending.claims.exists()
    claim_ids = set(Article.objects.filter(team=team).values_list("claims", flat=True))
    capsys.readouterr()
    call_command("import_articles", str(folder), team="Wire desk")
    assert "Imported 0 articles" in capsys.readouterr().out
    assert Article.objects.filter(team=team).count() == 3
    assert set(Article.objects.filter(team=team).values_list("claims", flat=True)) == claim_ids


def test_it_reports_bad_jsonl_lines_and_imports_the_rest(tmp_path, capsys):
    path = tmp_path / "wire.jsonl"
    records = [
        json.dumps({"title": "Bridge", "body": TEXTS["bridge.txt"], "published_at": "2026-03-01"}),
        "{not json",
        json.dumps({"title": "Empty", "body": "   "}),
        json.dumps({"title": "No date", "body": TEXTS["clinic.txt"], "published_at": "sometime"}),
        json.dumps({"title": "Clinic", "body": TEXTS["clinic.txt"], "publisher": "City Press"}),
    ]
    path.write_text("\n".join(records) + "\n")
    call_command("import_articles", jsonl=str(path), team="Wire desk")
    output = capsys.readouterr().out
    assert "Imported 2 articles" in output and "3 failed" in output
    assert f"{path}:2" in output and f"{path}:3" in output and f"{path}:4" in output
    bridge = Article.objects.get(title="Bridge")
    assert bridge.published_at.year == 2026
    assert Article.objects.get(title="Clinic").publisher == "City Press"


def test_it_explains_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="not both"):
        call_command("import_articles")
    with pytest.raises(CommandError, match="Not found"):
        call_command("import_articles", str(tmp_path / "missing"))
    assert not Article.objects.exists()


def test_it_reports_an_article_in_a_language_it_cannot_extract(tmp_path, capsys):
    (tmp_path / "german.txt").write_text(
        "Der Stadtrat hat am Dienstag ein Budget von 4,2 Millionen Euro für neue Busspuren beschlossen, "
        "sagte die Bürgermeisterin. Die Bauarbeiten sollen im März beginnen und 18 Monate dauern."
    )
    (tmp_path / "bridge.txt").write_text(TEXTS["bridge.txt"])
    call_command("import_articles", str(tmp_path), team="Wire desk")
    output = capsys.readouterr().out
    assert "Imported 1 articles" in output and "1 failed" in output and "german.txt" in output
    german = Article.objects.get(title="German")
    assert german.language == "de" and german.status == "done" and not german.claims.exists()
    assert german.error


def claims_by_body(team):
    return {
        article.body: [
            (claim.text, claim.start, claim.end, claim.checkworthiness, claim.quantities)
            for claim in article.claims.order_by("start", "id")
        ]
        for article in Article.objects.filter(team=team)
    }


def test_it_extracts_in_a_second_process_with_the_same_claims_as_on_a_thread(folder):
    items = list(importing.items_from_paths([folder]))
    on_thread, in_process = Team.objects.create(name="Thread desk"), Team.objects.create(name="Process desk")

    # One article a batch: the first is extracted on a thread while the process starts, the
    # other two in the process.
    first = importing.articles_import(team=on_thread, items=items, batch_size=1, extract_in_process=False)
    second = importing.articles_import(team=in_process, items=items, batch_size=1, extract_in_process=True)

    assert first.imported == second.imported == 3 and not second.failed
    assert claims_by_body(in_process) == claims_by_body(on_thread)
    assert all(claims for claims in claims_by_body(in_process).values())


def test_it_marks_an_article_failed_when_extraction_breaks_and_imports_the_rest(folder, monkeypatch):
    real = extract_claims

    def breaks_on_the_bridge(body, **options):
        if "Harbour Bridge" in body:
            raise ValueError("parser broke")
        return real(body, **options)

    monkeypatch.setattr("claims.extraction.pipeline.extract_claims", breaks_on_the_bridge)
    team = Team.objects.create(name="Wire desk")

    summary = importing.articles_import(
        team=team, items=list(importing.items_from_paths([folder])), extract_in_process=False
    )

    assert summary.imported == 2 and [message for _, message in summary.failed] == ["parser broke"]
    bridge = Article.objects.get(team=team, body=TEXTS["bridge.txt"])
    assert bridge.status == "failed" and bridge.error == "parser broke" and not bridge.claims.exists()


CLINIC_REWRITE = ("The clinic", "The Westside clinic", "Westside clinic")


def test_it_stores_the_rewrites_and_needs_context_extraction_records(folder, monkeypatch):
    real = extract_claims

    def with_a_rewrite(body, **options):
        claims = real(body, **options)
        if "Westside clinic" in body:
            clinic = next(claim for claim in claims if claim.quote.startswith("The clinic"))
            clinic.text = clinic.text.replace("The clinic", "The Westside clinic", 1)
            clinic.rewrites = [rewrite_of(body, *CLINIC_REWRITE)]
            clinic.needs_context = True
        return claims

    monkeypatch.setattr("claims.extraction.pipeline.extract_claims", with_a_rewrite)
    team = Team.objects.create(name="Wire desk")
    importing.articles_import(
        team=team, items=list(importing.items_from_paths([folder])), extract_in_process=False
    )
    article = Article.objects.get(team=team, body=TEXTS["clinic.txt"])
    clinic = article.claims.get(quote__startswith="The clinic")
    assert clinic.needs_context
    assert clinic.text.startswith("The Westside clinic treated")
    assert clinic.rewrites == [rewrite_of(article.body, *CLINIC_REWRITE)]
