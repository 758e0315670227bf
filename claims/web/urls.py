"""The editor web UI's pages, and the public verdict page."""

from django.urls import path

from claims.web import articles, figures, public, queue, search, verdicts
from claims.web import claims as panel

urlpatterns = [
    # --- public: published verdicts, no sign-in ---
    path("verdicts/<int:pk>/", public.verdict_public, name="verdict-public"),
    # --- editor web UI ---
    path("", queue.queue, name="queue"),
    path("claims/assign/", queue.queue_assign, name="queue-assign"),
    path("articles/new/", articles.article_new, name="article-new"),
    path("articles/<int:pk>/", articles.article_detail, name="article-detail"),
    path("articles/<int:pk>/status/", articles.article_status, name="article-status"),
    path("claims/<int:pk>/", panel.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/status/", panel.claim_status, name="claim-status"),
    path("claims/<int:pk>/text/", panel.claim_text, name="claim-text"),
    path(
        "claims/<int:pk>/rewrites/<int:index>/drop/",
        panel.claim_rewrite_drop,
        name="claim-rewrite-drop",
    ),
    path("claims/<int:pk>/assign-me/", panel.claim_assign_me, name="claim-assign-me"),
    path("claims/<int:pk>/evidence/", panel.evidence_add, name="evidence-add"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/remove/",
        panel.evidence_remove,
        name="evidence-remove",
    ),
    path(
        "claims/<int:pk>/figures/<int:row_pk>/evidence/",
        figures.figure_evidence_add,
        name="figure-evidence-add",
    ),
    path("claims/<int:pk>/verdict/", verdicts.verdict_save, name="verdict-save"),
    path("claims/<int:pk>/verdict/submit/", verdicts.verdict_submit, name="verdict-submit"),
    path("claims/<int:pk>/verdict/publish/", verdicts.verdict_publish, name="verdict-publish"),
    path("claims/<int:pk>/verdict/reject/", verdicts.verdict_reject, name="verdict-reject"),
    path(
        "claims/<int:pk>/suggestions/<int:suggestion_pk>/<str:decision>/",
        panel.suggestion_decide,
        name="suggestion-decide",
    ),
    path("search/", search.search, name="search"),
]
