"""REST API for reference tables (official figures a newsroom uploads) and a claim's figures.

`POST /api/v1/reference-tables/` is a contract newsroom tools script: multipart `file`, `name`,
`publisher`, `source_url`, `retrieved_at`, optional `tolerance` and the column mapping, answered
201 `{id, name, rows}`.
"""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from claims import access
from factcheck.schema import ErrorSerializer
from sources import figures, reference_tables, table_files
from sources.matching import Figure, claim_figures
from sources.models import ReferenceTable


class RecheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReferenceTable.Recheck.choices, source="recheck_status")
    done = serializers.IntegerField(source="recheck_done", help_text="Claims compared so far.")
    total = serializers.IntegerField(source="recheck_total", help_text="Claims the table may concern.")
    error = serializers.CharField(source="recheck_error")


class ReferenceTableSerializer(serializers.ModelSerializer):
    rows = serializers.IntegerField(source="row_count", help_text="Rows stored.")
    shared = serializers.SerializerMethodField(help_text="Shared with all teams (no team).")
    recheck = RecheckSerializer(source="*", help_text="Progress of the re-check of existing claims.")

    class Meta:
        model = ReferenceTable
        fields = [
            "id",
            "name",
            "publisher",
            "source_url",
            "retrieved_at",
            "tolerance",
            "team",
            "shared",
            "filename",
            "rows",
            "created_at",
            "recheck",
        ]

    def get_shared(self, table: ReferenceTable) -> bool:
        return table.team_id is None


class ReferenceTableUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV (UTF-8) or XLSX file, header in the first row.")
    name = serializers.CharField(max_length=300)
    publisher = serializers.CharField(max_length=300)
    source_url = serializers.CharField(max_length=2000, help_text="Where the figures come from.")
    retrieved_at = serializers.DateField(help_text="When they were taken from there (YYYY-MM-DD).")
    tolerance = serializers.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        default=reference_tables.DEFAULT_TOLERANCE,
        help_text="Relative difference still `consistent`: 0.05 is ±5%.",
    )
    label_column = serializers.CharField(required=False, allow_blank=True, help_text="Default `label`.")
    period_column = serializers.CharField(required=False, allow_blank=True, help_text="Default `period`.")
    value_column = serializers.CharField(required=False, allow_blank=True, help_text="Default `value`.")
    unit_column = serializers.CharField(required=False, allow_blank=True, help_text="Default `unit`.")
    team = serializers.IntegerField(
        required=False, min_value=1, help_text="Your team it belongs to; default your first team."
    )
    shared = serializers.BooleanField(
        required=False, default=False, help_text="Admins only: shared with all teams."
    )


class UploadedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    rows = serializers.IntegerField(help_text="Rows stored.")


TABLE_EXAMPLE = {
    "id": 3,
    "name": "Unemployment rate by country",
    "publisher": "Eurostat",
    "source_url": "https://ec.europa.eu/eurostat/databrowser/view/une_rt_a",
    "retrieved_at": "2026-03-02",
    "tolerance": 0.05,
    "team": 1,
    "shared": False,
    "filename": "unemployment.csv",
    "rows": 120,
    "created_at": "2026-03-02T09:15:00Z",
    "recheck": {"status": "done", "done": 412, "total": 412, "error": ""},
}


@extend_schema_view(
    list=extend_schema(
        summary="Reference tables",
        description="Your teams' tables and the ones shared with all teams.",
        examples=[OpenApiExample("A page", value=[TABLE_EXAMPLE])],
    ),
    retrieve=extend_schema(
        summary="One reference table, with the progress of its re-check",
        examples=[OpenApiExample("Table", value=TABLE_EXAMPLE)],
    ),
)
class ReferenceTableViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReferenceTableSerializer
    filterset_class = None
    lookup_value_regex = r"\d+"
    parser_classes = [MultiPartParser, FormParser]
    queryset = ReferenceTable.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return access.visible_reference_tables(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        summary="Upload a reference table",
        description="A CSV or XLSX of official figures. A header with `label`, `period`, `value` and "
        "`unit` needs no mapping; otherwise `label_column`, `period_column`, `value_column` and "
        "`unit_column` name the columns. Every row is read before anything is stored: a wrong encoding, "
        "a missing column, a value that is not a number, an unknown unit or a period that is not one "
        "answers 422 with each problem and its row number in `error.fields.file`; a file over "
        "FACTCHECK_MAX_REFERENCE_TABLE_BYTES answers 413. The claims the table may concern are then "
        "compared with it in the background (progress in `recheck`).\n\n"
        f"Units: {figures.UNITS_HELP}.",
        request={"multipart/form-data": ReferenceTableUploadSerializer},
        responses={
            201: UploadedSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            413: ErrorSerializer,
            422: ErrorSerializer,
        },
        examples=[
            OpenApiExample(
                "Upload with a column mapping",
                value={
                    "file": "une_rt_a.csv (Country,Year,Rate,Unit / Germany,2023,3.0,%)",
                    "name": "Unemployment rate by country",
                    "publisher": "Eurostat",
                    "source_url": "https://ec.europa.eu/eurostat/databrowser/view/une_rt_a",
                    "retrieved_at": "2026-03-02",
                    "tolerance": 0.05,
                    "label_column": "Country",
                    "period_column": "Year",
                    "value_column": "Rate",
                    "unit_column": "Unit",
                },
                request_only=True,
                media_type="multipart/form-data",
            ),
            OpenApiExample(
                "Stored",
                value={"id": 3, "name": "Unemployment rate by country", "rows": 120},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "A row that is not a number",
                value={
                    "error": {
                        "code": "unprocessable",
                        "message": "1 row(s) cannot be read, so nothing was stored: "
                        "Row 7: the value “n/a” is not a number.",
                        "fields": {"file": ["Row 7: the value “n/a” is not a number."]},
                    }
                },
                response_only=True,
                status_codes=["422"],
            ),
        ],
    )
    def create(self, request: Request) -> Response:
        serializer = ReferenceTableUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        table = reference_tables.reference_table_upload(
            by=request.user,
            upload=data["file"],
            team_id=data.get("team"),
            shared=data["shared"],
            name=data["name"],
            publisher=data["publisher"],
            source_url=data["source_url"],
            retrieved_at=data["retrieved_at"],
            mapping=table_files.mapping_from(data),
            tolerance=data["tolerance"],
        )
        body = {"id": table.pk, "name": table.name, "rows": table.row_count}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Delete a reference table", responses={204: None, 403: ErrorSerializer})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reference_tables.reference_table_delete(table=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- a claim's figures ---


class FigureTableSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    source_url = serializers.URLField()


class FigureSerializer(serializers.Serializer):
    table = FigureTableSerializer()
    row = serializers.IntegerField(help_text="The row's id.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    period = serializers.CharField(help_text="As the table writes it.")
    value = serializers.FloatField(help_text="The table's figure, in its unit.")
    unit = serializers.CharField()
    claim_value = serializers.FloatField(allow_null=True, help_text="The claim's figure in the table's unit.")
    difference = serializers.FloatField(allow_null=True, help_text="claim_value - value.")
    relative_difference = serializers.FloatField(allow_null=True, help_text="difference / |value|.")
    hint = serializers.ChoiceField(
        choices=[figures.CONSISTENT, figures.DIFFERS, figures.NO_COMPARABLE_FIGURE],
        help_text="A hint for the editor, never a verdict: `consistent` within the table's tolerance, "
        "`differs`, or `no_comparable_figure` (close in meaning, another unit or period).",
    )


class FiguresSerializer(serializers.Serializer):
    results = FigureSerializer(many=True)


def figure_body(figure: Figure) -> dict[str, Any]:
    row, table = figure.row, figure.row.table
    return {
        "table": {"id": table.pk, "name": table.name, "source_url": table.source_url},
        "row": row.pk,
        "label": row.label,
        "period": row.period,
        "value": row.value,
        "unit": row.unit,
        "claim_value": figure.claim_value,
        "difference": figure.difference,
        "relative_difference": figure.relative_difference,
        "hint": figure.hint,
    }


@extend_schema(
    summary="Reference figures for a claim",
    description="Rows of your team's and the shared reference tables that speak of the claim's figure "
    "(close in meaning, same kind of unit, overlapping period), best first, each compared with the "
    "claim; rows close in meaning but in another unit or period come last as `no_comparable_figure`.",
    responses={200: FiguresSerializer, 404: ErrorSerializer},
    examples=[
        OpenApiExample(
            "Figures",
            value={
                "results": [
                    {
                        "table": {
                            "id": 3,
                            "name": "Unemployment rate by country",
                            "source_url": "https://ec.europa.eu/eurostat/databrowser/view/une_rt_a",
                        },
                        "row": 57,
                        "label": "Germany",
                        "period": "2023",
                        "value": 3.1,
                        "unit": "%",
                        "claim_value": 3.9,
                        "difference": 0.8,
                        "relative_difference": 0.258065,
                        "hint": "differs",
                    }
                ]
            },
            response_only=True,
        )
    ],
)
@api_view(["GET"])
def claim_figures_view(request: Request, pk: int) -> Response:
    claim = get_object_or_404(access.visible_claims(request.user).select_related("article"), pk=pk)
    return Response({"results": [figure_body(figure) for figure in claim_figures(claim)]})
