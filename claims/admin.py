from collections.abc import Sequence
from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from claims import services
from claims.models import Article, AuditRecord, Claim, Team, Verdict
from claims.similarity.duplicates import facts_to_store

_ModelT = TypeVar("_ModelT", bound=models.Model)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name"]
    filter_horizontal = ["members"]


class ClaimInline(admin.TabularInline[Claim, Article]):
    model = Claim
    fields = ["start", "end", "text", "checkworthiness", "status"]
    readonly_fields = ["start", "end", "text", "checkworthiness", "status"]
    extra = 0
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["title", "team", "publisher", "published_at", "status", "created_at"]
    list_filter = ["status", "team", "publisher"]
    search_fields = ["title", "body", "url"]
    readonly_fields = ["content_hash", "created_at", "updated_at"]
    inlines = [ClaimInline]

    def get_deleted_objects(self, objs: Sequence[Article] | QuerySet[Article], request: HttpRequest) -> Any:
        # The article's claims and draft verdicts go with it through `services.article_delete`, so the
        # verdict admin's missing delete permission must not block it; published verdicts must.
        deleted, counts, _verdict_permission, protected = super().get_deleted_objects(objs, request)
        published = Verdict.objects.filter(claim__article__in=list(objs), state=Verdict.State.PUBLISHED)
        return deleted, counts, set(), [*protected, *published]

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        services.article_delete(article=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        for article in queryset:
            services.article_delete(article=article, by=request.user)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = ["text", "article", "checkworthiness", "status", "duplicate_of"]
    list_filter = ["status", "needs_context"]
    search_fields = ["text", "quote"]
    raw_id_fields = ["article", "duplicate_of"]
    exclude = ["embedding"]

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        # Searches read the facts stored with the claim: new wording, quantities or dates need new ones.
        if {"text", "quantities", "dates"} & set(form.changed_data):
            obj.facts = facts_to_store(text=obj.text, quantities=obj.quantities, dates=obj.dates)
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin[_ModelT]):
    """Nobody, not even a superuser, may add, change or delete here; viewing is as usual.

    Verdicts change only through their services (drafts, four-eyes review), and audit
    records only by being written, so the admin must not offer a way around either.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin[Verdict]):
    list_display = ["claim", "revision", "rating", "state", "author", "reviewer", "published_at"]
    list_filter = ["state", "rating"]
    raw_id_fields = ["claim"]


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin[AuditRecord]):
    list_display = ["created_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    readonly_fields = ["claim", "article", "actor", "action", "target_type", "target_id", "before", "after"]
