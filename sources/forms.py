"""Forms of the sources pages: uploading a reference table."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from claims.models import Team
from sources import reference_tables


class ReferenceTableForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="Header in the first row. Columns named label, period, value and unit need no mapping.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    name = forms.CharField(max_length=300, help_text="e.g. Unemployment rate by country")
    publisher = forms.CharField(max_length=300, help_text="e.g. Eurostat")
    source_url = forms.URLField(label="Source URL", max_length=2000, assume_scheme="https")
    retrieved_at = forms.DateField(
        label="Retrieved on", widget=forms.DateInput(attrs={"type": "date"}), help_text="YYYY-MM-DD"
    )
    tolerance = forms.FloatField(
        label="Tolerance (%)",
        min_value=0,
        max_value=100,
        initial=5,
        help_text="A claim within this many per cent of the table's figure is consistent.",
    )
    label_column = forms.CharField(required=False, help_text="Column of the label, if not “label”.")
    period_column = forms.CharField(required=False, help_text="Column of the period, if not “period”.")
    value_column = forms.CharField(required=False, help_text="Column of the value, if not “value”.")
    unit_column = forms.CharField(required=False, help_text="Column of the unit, if not “unit”.")
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label=None, help_text="Who sees it."
    )
    shared = forms.BooleanField(label="Share with all teams", required=False)

    def __init__(self, *args: Any, teams: QuerySet[Team], is_admin: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field: Any = self.fields["team"]
        team_field.queryset = teams.order_by("name")
        if teams.count() < 2:
            del self.fields["team"]
        if not is_admin:
            del self.fields["shared"]

    def tolerance_fraction(self) -> float:
        return float(self.cleaned_data.get("tolerance") or reference_tables.DEFAULT_TOLERANCE * 100) / 100
