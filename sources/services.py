"""Writes for sources and evidence. Every change to a claim's evidence leaves an audit record."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from claims import access
from claims.audit import audit_record_create
from claims.errors import Conflict, InvalidInput
from claims.models import Claim, snapshot
from sources.models import Evidence, Source, normalise_url

EVIDENCE_AUDIT_FIELDS = ["source", "stance", "quote", "note"]
URL_MAX_LENGTH = 2000


def source_url_validate(url: str | None) -> str:
    """The normalised URL, or a domain error a user can act on."""
    if url is None or not url.strip():
        raise InvalidInput("The source URL is empty.", fields={"url": ["This field may not be blank."]})
    try:
        URLValidator(schemes=["http", "https"])(url.strip())
    except ValidationError as error:
        raise InvalidInput(
            f"{url.strip()[:200]!r} is not a web address.", fields={"url": ["Enter a valid http(s) URL."]}
        ) from error
    normalised = normalise_url(url)
    if len(normalised) > URL_MAX_LENGTH:
        raise InvalidInput(
            "The source URL is too long.", fields={"url": [f"At most {URL_MAX_LENGTH} characters."]}
        )
    return normalised


def source_get_or_create(
    *, url: str, title: str = "", publisher: str = "", published_at: datetime | None = None
) -> Source:
    """One source per normalised URL; details fill in blanks of an existing source, never overwrite."""
    normalised = source_url_validate(url)
    details = {"title": title.strip(), "publisher": publisher.strip(), "published_at": published_at}
    try:
        with transaction.atomic():
            source, created = Source.objects.get_or_create(url=normalised, defaults=details)
    except IntegrityError:
        # Another request stored the same URL a moment ago.
        source, created = Source.objects.get(url=normalised), False
    if not created:
        blanks = [name for name, value in details.items() if value and not getattr(source, name)]
        for name in blanks:
            setattr(source, name, details[name])
        if blanks:
            source.save(update_fields=blanks)
    return source


def source_update(
    *,
    source: Source,
    by: User | AnonymousUser,
    url: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    published_at: datetime | None = None,
) -> Source:
    access.require(
        access.can_change_source(by, source),
        "Only editors whose evidence alone cites this source may edit it.",
    )
    if url is not None:
        normalised = source_url_validate(url)
        if Source.objects.filter(url=normalised).exclude(pk=source.pk).exists():
            raise Conflict("Another source already has that URL.", fields={"url": ["Already a source."]})
        source.url = normalised
    for name, value in (("title", title), ("publisher", publisher)):
        if value is not None:
            setattr(source, name, value.strip())
    if published_at is not None:
        source.published_at = published_at
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError as error:
        raise Conflict(
            "Another source already has that URL.", fields={"url": ["Already a source."]}
        ) from error
    return source


def source_delete(*, source: Source, by: User | AnonymousUser) -> None:
    access.require(access.can_change_source(by, source), "You may not delete this source.")
    if source.evidence.exists():
        raise Conflict("Evidence cites this source; remove that evidence first.")
    source.delete()


def evidence_add(
    *,
    claim: Claim,
    by: User | AnonymousUser,
    stance: str,
    source: Source | None = None,
    url: str | None = None,
    quote: str = "",
    note: str = "",
) -> Evidence:
    """Attach a source to a claim, given either the source or its URL."""
    access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may add evidence.")
    assert isinstance(by, User)  # an editor is signed in
    if stance not in Evidence.Stance.values:
        raise InvalidInput(
            f"Unknown stance {stance!r}.", fields={"stance": [f"One of {', '.join(Evidence.Stance.values)}."]}
        )
    if (source is None) == (url is None):
        raise InvalidInput(
            "Give either a source or a URL.", fields={"source": ["Send exactly one of source and url."]}
        )
    with transaction.atomic():
        if source is None:
            source = source_get_or_create(url=url or "")
        evidence = Evidence.objects.create(
            claim=claim, source=source, stance=stance, quote=quote, note=note, added_by=by
        )
        audit_record_create(
            actor=by,
            action="evidence_added",
            target=evidence,
            claim=claim,
            after=snapshot(evidence, EVIDENCE_AUDIT_FIELDS),
        )
    return evidence


def evidence_remove(*, evidence: Evidence, by: User | AnonymousUser) -> None:
    claim = evidence.claim
    access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may remove evidence.")
    with transaction.atomic():
        audit_record_create(
            actor=by,
            action="evidence_removed",
            target=evidence,
            claim=claim,
            before=snapshot(evidence, EVIDENCE_AUDIT_FIELDS),
        )
        evidence.delete()
