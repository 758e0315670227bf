"""Web pages for reference tables: the list, the upload form, and one table with the progress of
its re-check (polled by htmx; without JavaScript, the page reloads itself on request)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from claims import access
from claims.errors import DomainError
from sources import reference_tables, table_files
from sources.forms import ReferenceTableForm
from sources.models import ReferenceTable

INVALID = 422
ROWS_SHOWN = 200


@login_required
@require_GET
def reference_table_list(request: HttpRequest) -> TemplateResponse:
    tables = access.visible_reference_tables(request.user).select_related("team").order_by("-created_at")
    can_upload = access.has_role(request.user, access.EDITOR) and access.teams_of(request.user).exists()
    context = {"tables": tables, "can_upload": can_upload or access.is_admin(request.user)}
    return TemplateResponse(request, "sources/reference_table_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def reference_table_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ReferenceTableForm(
        request.POST or None,
        request.FILES or None,
        teams=access.teams_of(user),
        is_admin=access.is_admin(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            table = _upload(request, form)
        except DomainError as error:
            _show_on_form(form, error)
        else:
            messages.success(request, f"Stored “{table.name}”: {table.row_count} rows.")
            return redirect("reference-table-detail", pk=table.pk)
    status = INVALID if request.method == "POST" else 200
    return TemplateResponse(request, "sources/reference_table_new.html", {"form": form}, status=status)


def _upload(request: HttpRequest, form: ReferenceTableForm) -> ReferenceTable:
    data = form.cleaned_data
    return reference_tables.reference_table_upload(
        by=request.user,
        upload=data["file"],
        team_id=data["team"].pk if data.get("team") else None,
        shared=bool(data.get("shared")),
        name=data["name"],
        publisher=data["publisher"],
        source_url=data["source_url"],
        retrieved_at=data["retrieved_at"],
        mapping=table_files.mapping_from(data),
        tolerance=form.tolerance_fraction(),
    )


def _show_on_form(form: ReferenceTableForm, error: DomainError) -> None:
    """The message on top; each row's problem under the field it concerns (the file, mostly)."""
    form.add_error(None, error.message)
    for name, problems in error.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, problem)


@login_required
@require_GET
def reference_table_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    table = get_object_or_404(access.visible_reference_tables(request.user).select_related("team"), pk=pk)
    context = {
        "table": table,
        "rows": table.rows.order_by("row_number")[:ROWS_SHOWN],
        "rows_shown": min(ROWS_SHOWN, table.row_count),
        "can_delete": access.can_delete_reference_table(request.user, table),
    }
    htmx = getattr(request, "htmx", None)
    template = "sources/reference_table_detail.html"
    if htmx and not htmx.history_restore_request:
        template += "#progress"
    return TemplateResponse(request, template, context)


@login_required
@require_http_methods(["POST"])
def reference_table_delete(request: HttpRequest, pk: int) -> HttpResponse:
    table = get_object_or_404(access.visible_reference_tables(request.user), pk=pk)
    try:
        reference_tables.reference_table_delete(table=table, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("reference-table-detail", pk=pk)
    messages.success(request, f"Deleted “{table.name}”.")
    return redirect("reference-table-list")
