"""Which articles the recovery sweep sends again (claims/pipeline/recovery.py).

The sweep against a real broker and a killed worker is in test_worker.py.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.models import Article
from claims.pipeline.recovery import articles_resend, stale_articles, stale_articles_resend
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def untouched_for(article: Article, seconds: float) -> Article:
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))
    article.refresh_from_db()
    return article


def test_it_selects_unfinished_articles_untouched_for_longer_than_the_setting(settings):
    settings.FACTCHECK_PROCESSING_STALE_AFTER = 300
    pending = untouched_for(ArticleFactory(status=Article.Status.PENDING), 301)
    processing = untouched_for(ArticleFactory(status=Article.Status.PROCESSING), 3600)
    untouched_for(ArticleFactory(status=Article.Status.PENDING), 299)
    untouched_for(ArticleFactory(status=Article.Status.DONE), 3600)
    untouched_for(ArticleFactory(status=Article.Status.FAILED), 3600)
    assert set(stale_articles()) == {pending, processing}


def test_it_follows_the_setting(settings):
    article = untouched_for(ArticleFactory(status=Article.Status.PROCESSING), 60)
    settings.FACTCHECK_PROCESSING_STALE_AFTER = 300
    assert not stale_articles().exists()
    settings.FACTCHECK_PROCESSING_STALE_AFTER = 30
    assert list(stale_articles()) == [article]


def test_it_processes_stale_articles_no_task_holds_and_leaves_the_others(settings):
    settings.FACTCHECK_PROCESSING_STALE_AFTER = 300
    lost = untouched_for(ArticleFactory(status=Article.Status.PROCESSING), 600)
    held = untouched_for(ArticleFactory(status=Article.Status.PROCESSING), 600)
    fresh = untouched_for(ArticleFactory(status=Article.Status.PENDING), 10)
    # Without a broker the article is processed here and now, as a worker would.
    assert articles_resend(live={held.pk}) == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == Article.Status.DONE
    assert lost.claims.exists()
    assert Article.objects.get(pk=held.pk).updated_at == held.updated_at
    assert Article.objects.get(pk=fresh.pk).status == Article.Status.PENDING


def test_it_restarts_the_clock_of_an_article_it_sends_again(settings, django_capture_on_commit_callbacks):
    settings.FACTCHECK_PROCESSING_STALE_AFTER = 300
    settings.CELERY_TASK_ALWAYS_EAGER = False  # queued on commit: the callbacks are captured, not run
    lost = untouched_for(ArticleFactory(status=Article.Status.PENDING), 600)
    with django_capture_on_commit_callbacks() as sends:
        assert articles_resend(live=set()) == [lost.pk]
    assert len(sends) == 1
    assert not stale_articles().exists()  # the next sweep waits for it again
    assert Article.objects.get(pk=lost.pk).status == Article.Status.PENDING


def test_it_does_nothing_without_a_broker(settings):
    settings.FACTCHECK_PROCESSING_STALE_AFTER = 0
    untouched_for(ArticleFactory(status=Article.Status.PENDING), 600)
    assert stale_articles_resend() == []
