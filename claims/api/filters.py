"""django-filter FilterSets for the API lists. Each narrows a queryset already scoped by claims/access.py."""

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from claims import selectors
from claims.models import Article, Claim, Rating, Verdict, Webhook, WebhookDelivery


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time, compared in UTC: PostgreSQL refuses offsets beyond ±15:59 that
    Python accepts (e.g. +20:06), and a date near year 1 or 9999 may not fit once converted."""

    @property
    def parent_name(self) -> str:
        """The query parameter this filter reads (its name in the FilterSet)."""
        return next((name for name, item in self.parent.filters.items() if item is self), self.field_name)

    def filter(self, qs: QuerySet[Any], value: datetime | None) -> QuerySet[Any]:
        if value is None:
            return qs
        try:
            value = value.astimezone(UTC)
        except OverflowError as error:
            raise ValidationError({self.parent_name: ["Date-time out of range."]}) from error
        return super().filter(qs, value)


def _contains_any(queryset: QuerySet[Any], fields: list[str], value: str) -> QuerySet[Any]:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": value.strip()})
    return queryset.filter(condition) if value.strip() else queryset


class ArticleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Article.Status.choices)
    publisher = django_filters.CharFilter(lookup_expr="iexact", help_text="Exact publisher name, any case.")
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lt")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = django_filters.CharFilter(method="search", help_text="Words in the title or text.")

    class Meta:
        model = Article
        fields = ["status", "publisher"]

    def search(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        return _contains_any(queryset, ["title", "body"], value)


def _with_current_rating(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return selectors.with_current_verdict(claims, prefix="current")


class ClaimFilter(django_filters.FilterSet):
    article = django_filters.NumberFilter(field_name="article_id")
    status = django_filters.ChoiceFilter(choices=Claim.Status.choices)
    min_checkworthiness = django_filters.NumberFilter(
        method="checkworthiness_at_least",
        help_text="Hide claims scoring below this (0..1). Default: the threshold setting; 0 shows all.",
    )
    has_verdict = django_filters.BooleanFilter(method="verdict_exists")
    rating = django_filters.ChoiceFilter(
        choices=Rating.choices, method="rating_is", help_text="Rating of the current verdict revision."
    )
    assigned_to = django_filters.NumberFilter(field_name="assigned_to_id")
    needs_context = django_filters.BooleanFilter(
        help_text="true: only claims that kept a reference they could not resolve (or had a rewrite "
        "dropped); false: only the others."
    )
    q = django_filters.CharFilter(method="search", help_text="Words in the claim text or quote.")

    class Meta:
        model = Claim
        fields = ["article", "status"]

    @property
    def qs(self) -> QuerySet[Claim]:
        claims = super().qs
        if self.form.cleaned_data.get("min_checkworthiness") is None:
            claims = claims.filter(checkworthiness__gte=settings.FACTCHECK_CHECKWORTHINESS_THRESHOLD)
        return claims

    def checkworthiness_at_least(self, queryset: QuerySet[Claim], name: str, value: Any) -> QuerySet[Claim]:
        return queryset.filter(checkworthiness__gte=value)

    def verdict_exists(self, queryset: QuerySet[Claim], name: str, value: bool | None) -> QuerySet[Claim]:
        if value is None:
            return queryset
        return _with_current_rating(queryset).filter(**{"current_rating__isnull": not value})

    def rating_is(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return _with_current_rating(queryset).filter(**{"current_rating": value}) if value else queryset

    def search(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return _contains_any(queryset, ["text", "quote"], value)


class VerdictFilter(django_filters.FilterSet):
    claim = django_filters.NumberFilter(field_name="claim_id")
    article = django_filters.NumberFilter(field_name="claim__article_id")
    state = django_filters.ChoiceFilter(choices=Verdict.State.choices)
    rating = django_filters.ChoiceFilter(choices=Rating.choices)

    class Meta:
        model = Verdict
        fields = ["claim", "state", "rating"]


class PublicVerdictFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", help_text="Words in the claim, summary or explanation.")
    language = django_filters.CharFilter(field_name="claim__article__language", lookup_expr="iexact")
    publisher = django_filters.CharFilter(field_name="claim__article__publisher", lookup_expr="icontains")
    rating = django_filters.ChoiceFilter(choices=Rating.choices)
    published_after = UtcDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = UtcDateTimeFilter(field_name="published_at", lookup_expr="lt")

    class Meta:
        model = Verdict
        fields = ["rating"]

    def search(self, queryset: QuerySet[Verdict], name: str, value: str) -> QuerySet[Verdict]:
        return _contains_any(queryset, ["claim__text", "summary", "explanation"], value)


class WebhookDeliveryFilter(django_filters.FilterSet):
    succeeded = django_filters.BooleanFilter()
    event = django_filters.CharFilter()

    class Meta:
        model = WebhookDelivery
        fields = ["succeeded", "event"]


class WebhookFilter(django_filters.FilterSet):
    team = django_filters.NumberFilter(field_name="team_id")

    class Meta:
        model = Webhook
        fields = ["team", "is_active"]
