"""The one place that decides who may see or change what.

Roles are Django groups: `editor` (submits articles, edits claims, adds evidence, drafts
verdicts) and `reviewer` (publishes or rejects verdicts someone else wrote). Superusers
are admins. Everyone sees only the articles of the teams they belong to; admins see all.
Every view and API queryset goes through these functions, so the web pages and the API
show the same objects to the same user.

Objects that are not in one article follow the same rule, so a team never learns what
another team is researching:
- a source is a page in a library shared by the newsroom (one row per normalised URL, with
  no record of who added it). A team member sees the sources cited by evidence on claims
  they may see, and the uncited ones, which are nobody's research yet and which editors
  add and fix through the API before citing them. A source that only other teams cite is
  hidden: its existence would tell what they are checking.
- a suggested duplicate links two claims: only someone who may see both sees it.
"""

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet

from claims.errors import NotAllowed
from claims.models import Article, AuditRecord, Claim, ClaimSuggestion, Team, Verdict

if TYPE_CHECKING:
    from claims.models import Webhook
    from sources.models import Evidence, ReferenceTable, Source

EDITOR = "editor"
REVIEWER = "reviewer"
ROLES = (EDITOR, REVIEWER)

AnyUser = User | AnonymousUser


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))


def has_role(user: AnyUser, role: str) -> bool:
    if not user.is_authenticated:
        return False
    if is_admin(user):
        return True
    return user.groups.filter(name=role).exists()


def roles_of(user: AnyUser) -> list[str]:
    if is_admin(user):
        return ["admin", *ROLES]
    if not user.is_authenticated:
        return []
    return sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def teams_of(user: AnyUser) -> QuerySet[Team]:
    if is_admin(user):
        return Team.objects.all()
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(members=user)


# --- what a user may see ---


def visible_articles(user: AnyUser) -> QuerySet[Article]:
    if is_admin(user):
        return Article.objects.all()
    if not user.is_authenticated:
        return Article.objects.none()
    return Article.objects.filter(team__members=user)


def visible_claims(user: AnyUser) -> QuerySet[Claim]:
    return Claim.objects.filter(article__in=visible_articles(user))


def visible_verdicts(user: AnyUser) -> QuerySet[Verdict]:
    return Verdict.objects.filter(claim__article__in=visible_articles(user))


def visible_suggestions(user: AnyUser) -> QuerySet[ClaimSuggestion]:
    """A suggestion shows one claim next to another: both must be visible."""
    claims = visible_claims(user)
    return ClaimSuggestion.objects.filter(claim__in=claims, candidate__in=claims)


def can_decide_suggestion(user: AnyUser, suggestion: ClaimSuggestion) -> bool:
    """Confirming merges two claims, rejecting keeps them apart: an editor of the claim's team who
    may see both claims."""
    return (
        can_edit_claim(user, suggestion.claim) and visible_suggestions(user).filter(pk=suggestion.pk).exists()
    )


def visible_audit_records(user: AnyUser) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(article__in=visible_articles(user))


def public_verdicts() -> QuerySet[Verdict]:
    """What anyone, signed in or not, may read: published verdicts only."""
    return Verdict.objects.filter(state=Verdict.State.PUBLISHED)


# --- what a user may change ---


def is_member(user: AnyUser, article: Article) -> bool:
    return is_admin(user) or (user.is_authenticated and article.team.members.filter(pk=user.pk).exists())


def can_submit_articles(user: AnyUser) -> bool:
    return has_role(user, EDITOR) and teams_of(user).exists()


def can_edit_claim(user: AnyUser, claim: Claim) -> bool:
    return has_role(user, EDITOR) and is_member(user, claim.article)


def can_delete_article(user: AnyUser, article: Article) -> bool:
    return is_admin(user) or (article.submitted_by_id == user.pk and is_member(user, article))


def can_review_verdict(user: AnyUser, verdict: Verdict) -> bool:
    """Four eyes: a reviewer of the claim's team who did not write the verdict."""
    return (
        has_role(user, REVIEWER) and is_member(user, verdict.claim.article) and verdict.author_id != user.pk
    )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


# --- sources, evidence and webhooks ---


def visible_evidence(user: AnyUser) -> "QuerySet[Evidence]":
    from sources.models import Evidence

    return Evidence.objects.filter(claim__article__in=visible_articles(user))


def visible_sources(user: AnyUser) -> "QuerySet[Source]":
    """Sources cited on claims the user may see, and uncited ones (see the module docstring)."""
    from sources.models import Evidence, Source

    if is_admin(user):
        return Source.objects.all()
    if not teams_of(user).exists():
        return Source.objects.none()
    citations = Evidence.objects.filter(source=OuterRef("pk"))
    cited_here = citations.filter(claim__in=visible_claims(user))
    return Source.objects.filter(Exists(cited_here) | ~Exists(citations))


def can_add_sources(user: AnyUser) -> bool:
    return has_role(user, EDITOR) and teams_of(user).exists()


def can_change_source(user: AnyUser, source: "Source") -> bool:
    """Editors may fix a source unless evidence of a team they are not in cites it.

    Such a source is always one they may see: uncited, or cited by their teams alone.
    """
    if is_admin(user):
        return True
    if not can_add_sources(user):
        return False
    return not source.evidence.exclude(claim__article__team__in=teams_of(user)).exists()


def visible_reference_tables(user: AnyUser) -> "QuerySet[ReferenceTable]":
    """Tables of figures: a team's own, and those shared with all teams (no team)."""
    from sources.models import ReferenceTable

    if is_admin(user):
        return ReferenceTable.objects.all()
    if not teams_of(user).exists():
        return ReferenceTable.objects.none()
    return ReferenceTable.objects.filter(Q(team__in=teams_of(user)) | Q(team__isnull=True))


def reference_tables_for_claim(claim: Claim) -> "QuerySet[ReferenceTable]":
    """The tables a claim is compared with: its team's and the shared ones, whoever looks, so that
    everyone who may see the claim sees the same comparison."""
    from sources.models import ReferenceTable

    return ReferenceTable.objects.filter(Q(team_id=claim.article.team_id) | Q(team__isnull=True))


def can_upload_reference_table(user: AnyUser, team: Team | None) -> bool:
    """Editors upload for a team of theirs; only admins share a table with all teams."""
    if team is None:
        return is_admin(user)
    return is_admin(user) or (has_role(user, EDITOR) and teams_of(user).filter(pk=team.pk).exists())


def can_delete_reference_table(user: AnyUser, table: "ReferenceTable") -> bool:
    return can_upload_reference_table(user, table.team)


def visible_webhooks(user: AnyUser) -> "QuerySet[Webhook]":
    from claims.models import Webhook

    if is_admin(user):
        return Webhook.objects.all()
    if not has_role(user, EDITOR):
        return Webhook.objects.none()
    return Webhook.objects.filter(team__in=teams_of(user))


def can_manage_webhooks(user: AnyUser, team: Team) -> bool:
    return is_admin(user) or (has_role(user, EDITOR) and teams_of(user).filter(pk=team.pk).exists())
