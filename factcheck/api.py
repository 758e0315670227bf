"""The API router: every /api/v1/ resource is registered here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from claims.api import similarity as similarity_api
from claims.api.articles import ArticleClaimsViewSet, ArticleViewSet
from claims.api.claims import ClaimViewSet
from claims.api.public import PublicVerdictViewSet
from claims.api.reports import article_report, claimreview_feed, period_report, verdict_claimreview
from claims.api.verdicts import VerdictViewSet
from claims.api.webhooks import WebhookViewSet
from sources.api import EvidenceViewSet, SourceViewSet
from sources.reference_api import ReferenceTableViewSet, claim_figures_view

router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("claims", ClaimViewSet, basename="claim")
router.register("verdicts", VerdictViewSet, basename="verdict")
router.register("public/verdicts", PublicVerdictViewSet, basename="public-verdict")
router.register("sources", SourceViewSet, basename="source")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("reference-tables", ReferenceTableViewSet, basename="reference-table")

article_claims = ArticleClaimsViewSet.as_view({"get": "list"})
claim_evidence = EvidenceViewSet.as_view({"get": "list", "post": "create"})
claim_evidence_detail = EvidenceViewSet.as_view({"get": "retrieve", "delete": "destroy"})

urlpatterns = [
    path("articles/<int:article_pk>/claims/", article_claims, name="article-claims"),
    # Reports and ClaimReview: explicit paths, before the router's verdicts routes.
    path("verdicts/<int:pk>/claimreview/", verdict_claimreview, name="verdict-claimreview"),
    path("claimreviews/", claimreview_feed, name="claimreview-feed"),
    path("articles/<int:article_pk>/reports/<str:name>/", article_report, name="article-report"),
    path("reports/<str:name>/", period_report, name="period-report"),
    # Similar claims: explicit paths, before the router's claims routes.
    path("claims/<int:pk>/similar/", similarity_api.claim_similar, name="claim-similar"),
    path("claims/match/", similarity_api.claim_match, name="claim-match"),
    path("claims/<int:pk>/suggestions/", similarity_api.claim_suggestions, name="claim-suggestions"),
    path("suggestions/<int:pk>/confirm/", similarity_api.suggestion_confirm, name="suggestion-confirm"),
    path("suggestions/<int:pk>/reject/", similarity_api.suggestion_reject, name="suggestion-reject"),
    path("claims/<int:pk>/figures/", claim_figures_view, name="claim-figures"),
    path("claims/<int:claim_pk>/evidence/", claim_evidence, name="claim-evidence"),
    path("claims/<int:claim_pk>/evidence/<int:pk>/", claim_evidence_detail, name="claim-evidence-detail"),
    path("", include(router.urls)),
]
app_name = "api"
