from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from claims import report_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("factcheck.api", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    # --- public: published verdicts, no sign-in ---
    path("verdicts/<int:pk>/", report_views.verdict_public, name="verdict-public"),
]
