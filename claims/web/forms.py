"""Web UI forms: they parse and validate input; the services decide what is allowed."""

from datetime import datetime, time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from claims import selectors
from claims.access import AnyUser
from claims.extraction import cleaning
from claims.models import Article, Claim, Rating, Team
from sources.models import Evidence

UPLOAD_EXTENSIONS = (".txt", ".html", ".htm")


class ArticleForm(forms.Form):
    title = forms.CharField(max_length=500, required=False, help_text="Leave empty to use the first line.")
    body = forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Paste the text, or upload a file below.",
    )
    file = forms.FileField(
        label="…or upload a .txt or .html file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_EXTENSIONS)}),
    )
    url = forms.URLField(label="URL", max_length=2000, required=False, assume_scheme="https")
    publisher = forms.CharField(max_length=300, required=False)
    published_on = forms.DateField(
        label="Publication date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label=None)

    def __init__(self, *args: Any, teams: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team_field: Any = self.fields["team"]
        team_field.queryset = teams.order_by("name")
        if teams.count() < 2:
            # One team: nothing to choose.
            del self.fields["team"]

    def clean_file(self) -> str | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if upload is None:
            return None
        name = (upload.name or "").lower()
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError("Upload a .txt or .html file.")
        limit = settings.FACTCHECK_MAX_ARTICLE_BYTES
        if upload.size is not None and upload.size > limit * 4:
            raise forms.ValidationError(f"The file is too large (limit {limit:,} bytes of text).")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file is not UTF-8 text.") from error
        if name.endswith((".html", ".htm")):
            text = _html_to_text(text)
        return text

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        body = data.get("file") or data.get("body") or ""
        if not body.strip() and "file" not in self.errors:
            self.add_error("body", "Paste the article text or upload a file.")
        data["text"] = body
        return data

    def published_at(self) -> datetime | None:
        day = self.cleaned_data.get("published_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _html_to_text(raw: str) -> str:
    return cleaning.html_to_text(raw)


class EvidenceForm(forms.Form):
    url = forms.URLField(label="Source URL", max_length=2000, assume_scheme="https")
    quote = forms.CharField(
        label="Quote from the source", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    stance = forms.ChoiceField(choices=[("", "Choose…"), *Evidence.Stance.choices])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VerdictForm(forms.Form):
    rating = forms.ChoiceField(choices=[("", "Choose…"), *Rating.choices])
    summary = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))


class ReviewRejectForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ClaimStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Claim.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ClaimTextForm(forms.Form):
    text = forms.CharField(
        label="Self-contained wording",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readable without the article: names instead of pronouns, dates instead of “last year”.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RewriteDropForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class QueueFilterForm(forms.Form):
    NEEDS_WORK = "needs_work"
    ANY = "any"

    status = forms.ChoiceField(
        required=False,
        choices=[(NEEDS_WORK, "Needs work (new or in review)"), *Claim.Status.choices, (ANY, "Any status")],
    )
    article = forms.ModelChoiceField(queryset=Article.objects.none(), required=False, empty_label="All")
    mine = forms.BooleanField(label="Assigned to me", required=False)
    has_flags = forms.BooleanField(label="Has consistency flags", required=False)
    needs_context = forms.BooleanField(label="Needs context", required=False)
    has_suggestions = forms.BooleanField(label="Has suggested duplicates", required=False)
    differs = forms.BooleanField(label="Differs from a reference figure", required=False)

    def __init__(self, *args: Any, articles: QuerySet[Article], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        article_field: Any = self.fields["article"]
        article_field.queryset = articles

    def queue_filters(self) -> dict[str, Any]:
        """What was chosen, as selectors.queue_claims takes it; nothing valid shows what needs work."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or self.NEEDS_WORK
        statuses = {self.NEEDS_WORK: selectors.NEEDS_WORK, self.ANY: None}.get(status, [status])
        return {
            "statuses": statuses,
            "article": data.get("article"),
            "assigned_to_me": bool(data.get("mine")),
            "flagged": bool(data.get("has_flags")),
            "needs_context": bool(data.get("needs_context")),
            "with_pending_suggestions": bool(data.get("has_suggestions")),
            "differs_from_reference": bool(data.get("differs")),
        }


class AssignForm(forms.Form):
    claims = forms.ModelMultipleChoiceField(queryset=Claim.objects.none(), required=False)
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody (unassign)"
    )
    # "Assign to me" buttons carry the claim id as their value.
    mine = forms.ModelChoiceField(queryset=Claim.objects.none(), required=False)

    def __init__(self, *args: Any, claims: QuerySet[Claim], editors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        claims_field: Any = self.fields["claims"]
        claims_field.queryset = claims
        mine_field: Any = self.fields["mine"]
        mine_field.queryset = claims
        assignee_field: Any = self.fields["assignee"]
        assignee_field.queryset = editors
        assignee_field.label_from_instance = lambda user: user.get_full_name() or user.username

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("mine") is None and not data.get("claims"):
            raise forms.ValidationError("Select at least one claim.")
        return data

    def assignment(self, *, me: AnyUser) -> tuple[list[Claim], AnyUser | None]:
        """The claims chosen and whom to assign them to (None unassigns)."""
        if self.cleaned_data["mine"] is not None:
            return [self.cleaned_data["mine"]], me
        return list(self.cleaned_data["claims"]), self.cleaned_data["assignee"]


class SearchForm(forms.Form):
    KEYWORD = "keyword"
    MEANING = "meaning"

    q = forms.CharField(label="Claim or keywords", max_length=1000, required=False)
    mode = forms.ChoiceField(
        choices=[(KEYWORD, "Keywords"), (MEANING, "Meaning (similar claims)")],
        required=False,
        widget=forms.RadioSelect,
        initial=KEYWORD,
    )
