from django.contrib import admin

from sources.models import Evidence, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = ["url", "title", "publisher", "published_at"]
    search_fields = ["url", "title", "publisher"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin[Evidence]):
    list_display = ["claim", "source", "stance", "added_by", "created_at"]
    list_filter = ["stance"]
    raw_id_fields = ["claim", "source"]
