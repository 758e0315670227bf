from django.contrib import admin

from sources.models import Evidence, ReferenceTable, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    list_display = ["url", "title", "publisher", "published_at"]
    search_fields = ["url", "title", "publisher"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin[Evidence]):
    list_display = ["claim", "source", "stance", "added_by", "created_at"]
    list_filter = ["stance"]
    raw_id_fields = ["claim", "source"]


@admin.register(ReferenceTable)
class ReferenceTableAdmin(admin.ModelAdmin[ReferenceTable]):
    list_display = ["name", "publisher", "team", "row_count", "recheck_status", "created_at"]
    list_filter = ["recheck_status"]
    search_fields = ["name", "publisher", "source_url"]
    raw_id_fields = ["uploaded_by"]
    # Rows come from an uploaded file (all or none); they are not edited one by one here.
    readonly_fields = ["row_count", "recheck_status", "recheck_done", "recheck_total", "recheck_error"]
