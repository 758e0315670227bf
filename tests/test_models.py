import numpy as np
import pytest
from django.db import IntegrityError, transaction

from claims import selectors
from claims.models import Article, Claim, Rating, Verdict
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, VerdictFactory

pytestmark = pytest.mark.django_db


def _fails_integrity(**fields) -> bool:
    try:
        with transaction.atomic():
            ClaimFactory(**fields)
    except IntegrityError:
        return True
    return False


def test_it_rejects_a_claim_that_ends_before_it_starts():
    assert _fails_integrity(start=10, end=10)
    assert _fails_integrity(start=10, end=4)


def test_it_rejects_checkworthiness_outside_0_to_1():
    assert _fails_integrity(checkworthiness=1.5)
    assert _fails_integrity(checkworthiness=-0.1)
    assert not _fails_integrity(checkworthiness=1.0)


def test_it_rejects_a_negative_start():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.bulk_create([Claim(article=article, text="x", quote="x", start=-1, end=3)])


def test_it_keeps_one_article_per_text_per_team():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(team=article.team, body=article.body)
    assert ArticleFactory(body=article.body).team != article.team


def test_it_refuses_a_published_verdict_without_reviewer():
    with pytest.raises(IntegrityError), transaction.atomic():
        VerdictFactory(state=Verdict.State.PUBLISHED)


def test_it_refuses_a_verdict_reviewed_by_its_author():
    author = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        VerdictFactory(author=author, reviewer=author)


def test_it_maps_the_rating_scale_to_claimreview_values():
    values = {rating.value: rating.rating_value for rating in Rating}
    assert values == {
        "true": 5,
        "mostly_true": 4,
        "mixed": 3,
        "mostly_false": 2,
        "false": 1,
        "unverifiable": None,
    }
    assert Rating("mostly_false").label == "Mostly false"


def test_it_shows_the_canonical_claims_verdict_on_a_duplicate():
    original = ClaimFactory()
    repeat = ClaimFactory(article=original.article, duplicate_of=original)
    verdict = VerdictFactory(claim=original)
    assert selectors.current_verdict(repeat) == verdict
    assert Article.objects.get(pk=original.article_id).claims.count() == 2


@pytest.mark.parametrize("kind", ["float32", "float64", "list"])
def test_it_stores_an_embedding_exactly_however_it_is_given(kind):
    vector = np.random.default_rng(3).standard_normal(384).astype(np.float32)
    vector[:3] = [1e-12, -3.4028235e38, 0.1]  # tiny, huge, not exact in binary
    given = {"float32": vector, "float64": vector.astype(np.float64), "list": vector.tolist()}[kind]
    claim = ClaimFactory()
    claim.embedding = given

    claim.save(update_fields=["embedding"])

    stored = Claim.objects.get(pk=claim.pk).embedding
    assert np.array_equal(np.asarray(stored, dtype=np.float32), vector)


def test_it_stores_no_embedding_as_null():
    claim = ClaimFactory()
    claim.embedding = None

    claim.save(update_fields=["embedding"])

    assert Claim.objects.filter(pk=claim.pk, embedding__isnull=True).exists()
