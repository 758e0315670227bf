"""Writes for reference tables: upload (all rows or none), delete, the background re-check of
existing claims, and a row added to a claim as evidence."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import QuerySet

from claims import access
from claims.errors import InvalidInput
from claims.models import Claim, Team
from claims.pipeline.queueing import processing_is_asynchronous
from claims.services.articles import team_for_submission
from claims.similarity.embeddings import embed_texts
from factcheck.celery import app
from sources import matching, services, table_files
from sources.figure_checks import claim_figures_store
from sources.models import Evidence, FigureCheck, ReferenceLabel, ReferenceRow, ReferenceTable

logger = logging.getLogger(__name__)

RECHECK_TASK = "sources.tasks.recheck_reference_table"
DEFAULT_TOLERANCE = 0.05
# Claims re-checked between two progress writes.
PROGRESS_EVERY = 25


def reference_table_create(
    *,
    by: User | AnonymousUser | None,
    team: Team | None,
    name: str,
    publisher: str,
    source_url: str,
    retrieved_at: date,
    content: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    tolerance: float | None = None,
) -> ReferenceTable:
    """Read the file, store the table and its rows in one transaction, then re-check the claims it
    may concern. `by` None: the management command, which answers to whoever runs it."""
    if by is not None:
        access.require(
            access.can_upload_reference_table(by, team),
            "Only editors of the team may upload its tables; only admins share a table with all teams.",
        )
    tolerance = DEFAULT_TOLERANCE if tolerance is None else tolerance
    if not 0 <= tolerance <= 1:
        raise InvalidInput(
            "The tolerance is relative: between 0 and 1 (0.05 is ±5%).",
            fields={"tolerance": ["Between 0 and 1."]},
        )
    if not name.strip():
        raise InvalidInput("The table needs a name.", fields={"name": ["This field may not be blank."]})
    url = services.source_url_validate(source_url)
    rows = table_files.read_table(content=content, filename=filename, mapping=mapping)
    labels = list(dict.fromkeys(row.label for row in rows))
    texts = [row_text(name.strip(), label) for label in labels]
    vectors = embed_texts(texts)
    with transaction.atomic():
        table = ReferenceTable.objects.create(
            team=team,
            name=name.strip()[:300],
            publisher=publisher.strip()[:300],
            source_url=url,
            retrieved_at=retrieved_at,
            tolerance=tolerance,
            filename=filename[:300],
            row_count=len(rows),
            uploaded_by=by if isinstance(by, User) else None,
        )
        series = ReferenceLabel.objects.bulk_create(
            [
                ReferenceLabel(table=table, label=label, text=text, embedding=vector)
                for label, text, vector in zip(labels, texts, vectors, strict=True)
            ],
            batch_size=1000,
        )
        series_of = {item.label: item for item in series}
        ReferenceRow.objects.bulk_create(
            [
                ReferenceRow(
                    table=table,
                    series=series_of[row.label],
                    row_number=row.row_number,
                    label=row.label,
                    period=row.period,
                    period_start=row.period_start,
                    period_end=row.period_end,
                    value=row.value,
                    unit=row.unit,
                    si_value=row.si_value,
                    dimension=row.dimension,
                )
                for row in rows
            ],
            batch_size=1000,
        )
        recheck_enqueue(table)
    return table


def reference_table_upload(
    *,
    by: User | AnonymousUser,
    upload: Any,
    team_id: int | None,
    shared: bool,
    name: str,
    publisher: str,
    source_url: str,
    retrieved_at: date,
    mapping: dict[str, str] | None,
    tolerance: float | None,
) -> ReferenceTable:
    """A table uploaded through the API or the form (`upload`, Django's uploaded file): its file
    name checked, the team it goes to chosen, and at most one byte past the size limit read, enough
    to refuse it with 413 without holding a huge file."""
    filename = upload.name or ""
    table_files.require_filename(filename)
    return reference_table_create(
        by=by,
        team=team_for_upload(user=by, team_id=team_id, shared=shared),
        name=name,
        publisher=publisher,
        source_url=source_url,
        retrieved_at=retrieved_at,
        content=bytes(upload.read(table_files.max_bytes() + 1)),
        filename=filename,
        mapping=mapping,
        tolerance=tolerance,
    )


def team_for_upload(*, user: User | AnonymousUser, team_id: int | None, shared: bool) -> Team | None:
    """The team a table is uploaded for: none when shared (admins only), the one named, or the
    uploader's first team, as articles are."""
    if shared:
        access.require(access.is_admin(user), "Only admins share a table with all teams.")
        return None
    return team_for_submission(user=user, team_id=team_id)


def row_text(table_name: str, label: str) -> str:
    """What a label is embedded and searched as: the table's name gives a bare label its subject."""
    return f"{table_name}: {label}"


def reference_table_delete(*, table: ReferenceTable, by: User | AnonymousUser) -> None:
    access.require(access.can_delete_reference_table(by, table), "You may not delete this table.")
    with transaction.atomic():
        affected = list(FigureCheck.objects.filter(row__table=table).values_list("claim_id", flat=True))
        table.delete()
        for claim in Claim.objects.filter(pk__in=affected).select_related("article"):
            claim_figures_store(claim)


# --- the re-check of existing claims ---


def claims_concerned(table: ReferenceTable) -> QuerySet[Claim]:
    """The claims with a figure that a table may concern: its team's, or every team's if shared."""
    claims = Claim.objects.exclude(quantities=[]).filter(duplicate_of__isnull=True)
    if table.team_id is not None:
        claims = claims.filter(article__team_id=table.team_id)
    return claims.order_by("id")


def recheck_enqueue(table: ReferenceTable) -> None:
    """With a broker, a worker re-checks once this transaction commits; without one, here and now
    after the commit (the table's rows must be visible to the matching query)."""
    ReferenceTable.objects.filter(pk=table.pk).update(
        recheck_status=ReferenceTable.Recheck.PENDING,
        recheck_total=claims_concerned(table).count(),
        recheck_done=0,
        recheck_error="",
    )
    if processing_is_asynchronous():
        transaction.on_commit(lambda: app.send_task(RECHECK_TASK, args=[table.pk]))
    else:
        transaction.on_commit(lambda: reference_table_recheck(table_id=table.pk))


def reference_table_recheck(*, table_id: int) -> None:
    """Compare every claim the table concerns again, writing progress as it goes; a failure is
    recorded on the table, not raised into the upload that started it."""
    table = ReferenceTable.objects.filter(pk=table_id).first()
    if table is None:
        return  # deleted meanwhile
    claims = claims_concerned(table).select_related("article")
    ReferenceTable.objects.filter(pk=table_id).update(
        recheck_status=ReferenceTable.Recheck.RUNNING, recheck_total=claims.count(), recheck_done=0
    )
    done = 0
    try:
        for claim in claims.iterator(chunk_size=200):
            claim_figures_store(claim)
            done += 1
            if done % PROGRESS_EVERY == 0:
                ReferenceTable.objects.filter(pk=table_id).update(recheck_done=done)
    except Exception as error:
        logger.exception("Re-check of reference table %s failed", table_id)
        ReferenceTable.objects.filter(pk=table_id).update(
            recheck_status=ReferenceTable.Recheck.FAILED, recheck_done=done, recheck_error=str(error)[:500]
        )
        return
    ReferenceTable.objects.filter(pk=table_id).update(
        recheck_status=ReferenceTable.Recheck.DONE, recheck_done=done
    )


# --- a row as evidence ---


def evidence_from_row(*, claim: Claim, row: ReferenceRow, by: User | AnonymousUser) -> Evidence:
    """One click: the table's URL becomes the source, the row the quote, the comparison the note.
    The stance is `context`: the comparison is a hint, the editor decides what it means."""
    access.require(access.can_edit_claim(by, claim), "Only editors of the claim's team may add evidence.")
    if not access.reference_tables_for_claim(claim).filter(pk=row.table_id).exists():
        raise InvalidInput("That figure is not in a table this claim is compared with.")
    table = row.table
    source = services.source_get_or_create(url=table.source_url, title=table.name, publisher=table.publisher)
    note = (
        f"Reference figure from “{table.name}” ({table.publisher}, retrieved {table.retrieved_at:%d %b %Y})."
    )
    figure = next((found for found in matching.claim_figures(claim) if found.row.pk == row.pk), None)
    if figure is not None and figure.claim_value is not None:
        relative = "" if figure.relative_difference is None else f" ({figure.relative_difference:+.1%})"
        note += f" The claim says {figure.claim_value:g}, the table {row.value:g}{relative}: {figure.hint}."
    return services.evidence_add(
        claim=claim, by=by, stance=Evidence.Stance.CONTEXT, source=source, quote=row.quote(), note=note
    )
