"""Writes with rules: every change to articles, claims, verdicts, suggestions and webhooks goes
through a function here, under a transaction, and leaves an audit record.

Callers use `services.<function>`; each module holds one kind of object.
"""

from claims.services.articles import (
    article_body_validate,
    article_delete,
    article_reprocess,
    article_submit,
    team_for_submission,
)
from claims.services.claims import (
    UNCHANGED,
    claim_merge,
    claim_rewrite_drop,
    claim_unmerge,
    claim_update,
    claims_assign,
)
from claims.services.suggestions import suggestion_confirm, suggestion_reject
from claims.services.verdicts import (
    verdict_create,
    verdict_publish,
    verdict_reject,
    verdict_save,
    verdict_submit,
    verdict_update,
)
from claims.services.webhooks import (
    verdict_payload,
    webhook_create,
    webhook_delete,
    webhook_update,
    webhooks_notify_published,
)

__all__ = [
    "UNCHANGED",
    "article_body_validate",
    "article_delete",
    "article_reprocess",
    "article_submit",
    "claim_merge",
    "claim_rewrite_drop",
    "claim_unmerge",
    "claim_update",
    "claims_assign",
    "suggestion_confirm",
    "suggestion_reject",
    "team_for_submission",
    "verdict_create",
    "verdict_payload",
    "verdict_publish",
    "verdict_reject",
    "verdict_save",
    "verdict_submit",
    "verdict_update",
    "webhook_create",
    "webhook_delete",
    "webhook_update",
    "webhooks_notify_published",
]
