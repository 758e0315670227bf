"""Source pages of the editor web UI."""

from django.urls import path

from sources import reference_views, views

urlpatterns = [
    path("sources/", views.source_list, name="source-list"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("reference-tables/", reference_views.reference_table_list, name="reference-table-list"),
    path("reference-tables/new/", reference_views.reference_table_new, name="reference-table-new"),
    path("reference-tables/<int:pk>/", reference_views.reference_table_detail, name="reference-table-detail"),
    path(
        "reference-tables/<int:pk>/delete/",
        reference_views.reference_table_delete,
        name="reference-table-delete",
    ),
]
