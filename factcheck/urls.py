from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import report_views
from claims import views as claim_views
from sources import views as source_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("factcheck.api", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    # --- public: published verdicts, no sign-in ---
    path("verdicts/<int:pk>/", report_views.verdict_public, name="verdict-public"),
    # --- editor web UI ---
    path("accounts/", include("django.contrib.auth.urls")),
    path("", claim_views.queue, name="queue"),
    path("claims/assign/", claim_views.queue_assign, name="queue-assign"),
    path("articles/new/", claim_views.article_new, name="article-new"),
    path("articles/<int:pk>/", claim_views.article_detail, name="article-detail"),
    path("articles/<int:pk>/status/", claim_views.article_status, name="article-status"),
    path("claims/<int:pk>/", claim_views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/status/", claim_views.claim_status, name="claim-status"),
    path("claims/<int:pk>/text/", claim_views.claim_text, name="claim-text"),
    path("claims/<int:pk>/assign-me/", claim_views.claim_assign_me, name="claim-assign-me"),
    path("claims/<int:pk>/evidence/", claim_views.evidence_add, name="evidence-add"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/remove/",
        claim_views.evidence_remove,
        name="evidence-remove",
    ),
    path("claims/<int:pk>/verdict/", claim_views.verdict_save, name="verdict-save"),
    path("claims/<int:pk>/verdict/submit/", claim_views.verdict_submit, name="verdict-submit"),
    path("claims/<int:pk>/verdict/publish/", claim_views.verdict_publish, name="verdict-publish"),
    path("claims/<int:pk>/verdict/reject/", claim_views.verdict_reject, name="verdict-reject"),
    path(
        "claims/<int:pk>/suggestions/<int:suggestion_pk>/<str:decision>/",
        claim_views.suggestion_decide,
        name="suggestion-decide",
    ),
    path("search/", claim_views.search, name="search"),
    path("sources/", source_views.source_list, name="source-list"),
    path("sources/<int:pk>/", source_views.source_detail, name="source-detail"),
]

# JSON errors under /api/ for URLs no route matches, and for crashes.
handler404 = "factcheck.exceptions.page_not_found"
handler500 = "factcheck.exceptions.server_error"
