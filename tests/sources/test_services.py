import pytest

from claims.errors import Conflict, InvalidInput, NotAllowed
from claims.models import AuditRecord
from sources import services
from sources.models import Evidence, Source
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(team):
    return ClaimFactory(article=ArticleFactory(team=team))


def test_it_deduplicates_sources_by_normalised_url():
    first = services.source_get_or_create(url="https://WWW.Example.org/report/?utm_source=x&b=2&a=1#top")
    again = services.source_get_or_create(url="https://example.org/report?a=1&b=2", title="Report")
    assert first.pk == again.pk
    assert again.url == "https://example.org/report?a=1&b=2"
    assert Source.objects.get().title == "Report"  # fills a blank, never overwrites
    services.source_get_or_create(url="https://example.org/report", title="Other")
    assert Source.objects.get(pk=first.pk).title == "Report"


@pytest.mark.parametrize("url", ["", "   ", "not a url", "ftp://example.org/file", "javascript:alert(1)"])
def test_it_refuses_bad_urls(url):
    with pytest.raises(InvalidInput) as error:
        services.source_get_or_create(url=url)
    assert "url" in error.value.fields
    assert not Source.objects.exists()


def test_it_adds_evidence_by_url_or_source_with_audit(claim, alice):
    by_url = services.evidence_add(
        claim=claim, by=alice, stance="refutes", url="https://example.org/a", quote="q"
    )
    source = SourceFactory()
    by_source = services.evidence_add(claim=claim, by=alice, stance="context", source=source, note="n")
    assert by_url.source.url == "https://example.org/a"
    assert by_source.source == source
    assert AuditRecord.objects.filter(claim=claim, action="evidence_added").count() == 2


def test_it_refuses_bad_evidence(claim, alice, bob, charlie):
    with pytest.raises(InvalidInput):
        services.evidence_add(claim=claim, by=alice, stance="maybe", url="https://example.org/a")
    with pytest.raises(InvalidInput):
        services.evidence_add(claim=claim, by=alice, stance="supports")
    with pytest.raises(InvalidInput):
        services.evidence_add(
            claim=claim, by=alice, stance="supports", url="https://e.org", source=SourceFactory()
        )
    for user in (bob, charlie):
        with pytest.raises(NotAllowed):
            services.evidence_add(claim=claim, by=user, stance="supports", url="https://example.org/a")
    assert not Evidence.objects.exists()


def test_it_removes_evidence_with_audit(claim, alice, charlie):
    evidence = EvidenceFactory(claim=claim)
    with pytest.raises(NotAllowed):
        services.evidence_remove(evidence=evidence, by=charlie)
    services.evidence_remove(evidence=evidence, by=alice)
    assert not Evidence.objects.exists()
    record = AuditRecord.objects.get(action="evidence_removed")
    assert record.claim == claim and record.before["stance"] == "supports"


def test_it_protects_sources_cited_by_other_teams(claim, alice, charlie, admin_user):
    source = EvidenceFactory(claim=claim).source
    with pytest.raises(NotAllowed):
        services.source_update(source=source, by=charlie, title="Vandalised")
    with pytest.raises(Conflict):
        services.source_delete(source=source, by=admin_user)
    updated = services.source_update(source=source, by=alice, title="Council minutes 2026")
    assert updated.title == "Council minutes 2026"


def test_it_refuses_renaming_a_source_onto_another_url(alice):
    first, second = SourceFactory(), SourceFactory()
    with pytest.raises(Conflict):
        services.source_update(source=second, by=alice, url=first.url + "/")
