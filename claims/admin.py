from django.contrib import admin

from claims.models import Article, AuditRecord, Claim, Team, Verdict


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


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin[Claim]):
    list_display = ["text", "article", "checkworthiness", "status", "duplicate_of"]
    list_filter = ["status"]
    search_fields = ["text", "quote"]
    raw_id_fields = ["article", "duplicate_of"]
    exclude = ["embedding"]


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin[Verdict]):
    list_display = ["claim", "revision", "rating", "state", "author", "reviewer", "published_at"]
    list_filter = ["state", "rating"]
    raw_id_fields = ["claim"]


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin[AuditRecord]):
    list_display = ["created_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    readonly_fields = ["claim", "article", "actor", "action", "target_type", "target_id", "before", "after"]
