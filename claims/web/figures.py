"""Reference figures in the claim panel: one click adds a row as evidence."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from claims import access
from claims.web.claims import after_write, panel_invalid, visible_claim_or_404
from claims.web.shortcuts import domain_errors
from sources.models import ReferenceRow
from sources.reference_tables import evidence_from_row


@login_required
@require_POST
def figure_evidence_add(request: HttpRequest, pk: int, row_pk: int) -> HttpResponse:
    claim = visible_claim_or_404(request, pk)
    rows = ReferenceRow.objects.filter(table__in=access.reference_tables_for_claim(claim))
    row = get_object_or_404(rows.select_related("table"), pk=row_pk)
    with domain_errors() as refused:
        evidence_from_row(claim=claim, row=row, by=request.user)
        return after_write(request, claim, f"Added “{row.label}” ({row.period}) as evidence.")
    return panel_invalid(request, claim, refused.message)
