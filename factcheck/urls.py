from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from factcheck.health import HealthView


@require_safe
@cache_control(max_age=86400, public=True)
def no_favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask every site for /favicon.ico: answer "nothing here" instead of a logged 404."""
    return HttpResponse(status=204)


urlpatterns = [
    path("favicon.ico", no_favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", include("factcheck.api", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP forbids inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="factcheck/swagger_ui.html"),
        name="swagger-ui",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("health/", HealthView.as_view(), name="health"),
    path("", include("claims.web.urls")),
    path("", include("sources.urls")),
]

# JSON errors under /api/ for URLs no route matches, and for crashes.
handler404 = "factcheck.exceptions.page_not_found"
handler500 = "factcheck.exceptions.server_error"
