"""The API router: every /api/v1/ resource is registered here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from claims import report_views
from claims.api import ArticleClaimsViewSet, ArticleViewSet

router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="article")

article_claims = ArticleClaimsViewSet.as_view({"get": "list"})

urlpatterns = [
    path("articles/<int:article_pk>/claims/", article_claims, name="article-claims"),
    # Reports and ClaimReview: explicit paths, before the router's verdicts routes.
    path("verdicts/<int:pk>/claimreview/", report_views.verdict_claimreview, name="verdict-claimreview"),
    path("claimreviews/", report_views.claimreview_feed, name="claimreview-feed"),
    path("articles/<int:article_pk>/reports/<str:name>/", report_views.article_report, name="article-report"),
    path("reports/<str:name>/", report_views.period_report, name="period-report"),
    path("", include(router.urls)),
]
app_name = "api"
