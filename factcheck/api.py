"""The API router: every /api/v1/ resource is registered here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from claims.api import ArticleClaimsViewSet, ArticleViewSet

router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="article")

article_claims = ArticleClaimsViewSet.as_view({"get": "list"})

urlpatterns = [
    path("articles/<int:article_pk>/claims/", article_claims, name="article-claims"),
    path("", include(router.urls)),
]
app_name = "api"
