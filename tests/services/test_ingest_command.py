import pytest
from django.core.management import CommandError, call_command

from claims.models import Article
from tests.conftest import SEED_ARTICLE

pytestmark = pytest.mark.django_db


def test_it_ingests_the_seed_article_with_exact_offsets(capsys):
    call_command("ingest", str(SEED_ARTICLE), published_at="2023-11-20", publisher="Example")
    article = Article.objects.get()
    assert article.status == Article.Status.DONE
    assert article.published_at.year == 2023
    claims = list(article.claims.all())
    assert len(claims) > 20
    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(article.body)
        assert article.body[claim.start : claim.end] == claim.quote
    assert "Stored article" in capsys.readouterr().out


def test_it_is_a_no_op_for_the_same_text_again(capsys):
    call_command("ingest", str(SEED_ARTICLE))
    claim_ids = set(Article.objects.get().claims.values_list("id", flat=True))
    call_command("ingest", str(SEED_ARTICLE))
    assert Article.objects.count() == 1
    assert set(Article.objects.get().claims.values_list("id", flat=True)) == claim_ids
    assert "Already stored" in capsys.readouterr().out


def test_it_links_a_repeated_sentence_to_its_first_occurrence(tmp_path):
    path = tmp_path / "caption.txt"
    path.write_text(
        "The bridge opened in 1932 after six years of work.\nCrowds cheered.\n"
        "The bridge opened in 1932 after six years of work.\n"
    )
    call_command("ingest", str(path))
    first, _, repeat = Article.objects.get().claims.order_by("start")
    assert repeat.duplicate_of == first
    assert first.duplicate_of is None


def test_it_explains_a_bad_date_or_missing_file(tmp_path):
    with pytest.raises(CommandError, match="not a date"):
        call_command("ingest", str(SEED_ARTICLE), published_at="last week")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("ingest", str(tmp_path / "missing.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(CommandError, match="empty"):
        call_command("ingest", str(empty))
    assert Article.objects.count() == 0


def test_it_processes_a_failed_article_again_when_the_same_text_comes_again(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bridge.txt"
    path.write_text(
        "The bridge opened in 1932 after six years of work. It cost $4 million.", encoding="utf-8"
    )

    def broken(body, **options):
        raise ValueError("parser broke")

    with monkeypatch.context() as patched:
        patched.setattr("claims.extraction.pipeline.extract_claims", broken)
        with pytest.raises(CommandError):
            call_command("ingest", str(path))
    assert Article.objects.get().status == Article.Status.FAILED

    call_command("ingest", str(path))

    article = Article.objects.get()
    assert (article.status, article.error) == (Article.Status.DONE, "")
    assert article.claims.count() >= 2
    assert article.audit_records.filter(action="article_retried").exists()
    assert "Processed again after a failure" in capsys.readouterr().out
