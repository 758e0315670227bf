"""Source pages of the editor web UI."""

from django.urls import path

from sources import views

urlpatterns = [
    path("sources/", views.source_list, name="source-list"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
]
