"""Articles: submit, read with highlighted claims, processing status."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from claims import access, selectors, services
from claims.models import Article
from claims.web import highlights
from claims.web.forms import ArticleForm
from claims.web.shortcuts import INVALID, checkworthiness_threshold, domain_errors, is_htmx, reverse_or_none


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    teams = access.teams_of(request.user)
    allowed = access.can_submit_articles(request.user)
    form = ArticleForm(request.POST or None, request.FILES or None, teams=teams)
    if request.method == "POST" and allowed and form.is_valid():
        with domain_errors(form, message_on_form=True):
            url = reverse("article-detail", args=[_submit_article(request, form).pk])
            return HttpResponseClientRedirect(url) if is_htmx(request) else redirect(url)
    status = INVALID if request.method == "POST" else 200
    context = {"form": form, "allowed": allowed}
    template = "claims/article_new.html#form" if is_htmx(request) else "claims/article_new.html"
    return TemplateResponse(request, template, context, status=status)


def _submit_article(request: HttpRequest, form: ArticleForm) -> Article:
    data = form.cleaned_data
    team = services.team_for_submission(
        user=request.user, team_id=data["team"].pk if data.get("team") else None
    )
    article, created = services.article_submit(
        team=team,
        submitted_by=request.user,
        title=data["title"],
        body=data["text"],
        url=data["url"],
        publisher=data["publisher"],
        published_at=form.published_at(),
    )
    if not created:
        messages.info(request, "This text was submitted before; here is the existing article.")
    return article


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> TemplateResponse:
    article = get_object_or_404(access.visible_articles(request.user).select_related("team"), pk=pk)
    show_low = request.GET.get("low") == "1"
    claims = list(selectors.article_claims(article=article))
    verdicts = selectors.current_verdicts(claims)
    marks = highlights.marks_for(claims, verdicts, checkworthiness_threshold())
    shown = [mark for mark in marks if show_low or not mark.low]
    context = {
        "article": article,
        "segments": highlights.segments(article.body, shown),
        "marks": shown,
        "hidden_count": len(marks) - len(shown),
        "show_low": show_low,
        "threshold": checkworthiness_threshold(),
        "processing": article.status in {Article.Status.PENDING, Article.Status.PROCESSING},
        "reports": _report_links(article),
    }
    return TemplateResponse(request, "claims/article_detail.html", context)


REPORT_FORMATS = {"html": "HTML", "pdf": "PDF", "csv": "CSV", "json": "JSON", "claimreview": "ClaimReview"}


def _report_links(article: Article) -> list[tuple[str, str]]:
    links = [
        (label, reverse_or_none("api:article-report", article.pk, name))
        for name, label in REPORT_FORMATS.items()
    ]
    return [(label, url) for label, url in links if url is not None]


@login_required
@require_GET
def article_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the article page while claims are being extracted."""
    article = get_object_or_404(access.visible_articles(request.user), pk=pk)
    if article.status not in {Article.Status.PENDING, Article.Status.PROCESSING}:
        return HttpResponseClientRefresh()
    return TemplateResponse(
        request, "claims/article_detail.html#status", {"article": article, "processing": True}
    )
