from datetime import UTC, datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import (
    Article,
    AuditRecord,
    Claim,
    ClaimSuggestion,
    Team,
    Verdict,
    Webhook,
    content_hash,
)
from claims.similarity.duplicates import facts_to_store
from sources.models import Evidence, Source


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Desk {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def teams(self, create: bool, extracted: list[Team] | None, **kwargs: object) -> None:
        for team in extracted or []:
            team.members.add(self)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    team = factory.SubFactory(TeamFactory)
    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(
        lambda n: f"The council approved {n} new bus lines on Monday. It will cost $4 million."
    )
    content_hash = factory.LazyAttribute(lambda article: content_hash(article.body))
    status = Article.Status.DONE


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda claim: claim.article.body.index(".") + 1)
    quote = factory.LazyAttribute(lambda claim: claim.article.body[claim.start : claim.end])
    text = factory.LazyAttribute(lambda claim: claim.quote)
    checkworthiness = 0.8
    quantities = factory.LazyFunction(list)
    dates = factory.LazyFunction(list)
    # As the pipeline stores them, so that a search reads them rather than parsing.
    facts = factory.LazyAttribute(
        lambda claim: facts_to_store(text=claim.text, quantities=claim.quantities, dates=claim.dates)
    )

    class Params:
        # ClaimFactory(rewritten=True): the default article's second sentence, its "It" named as
        # the bus lines of the first, with the rewrite recorded as extraction records it.
        rewritten = factory.Trait(
            start=factory.LazyAttribute(lambda claim: claim.article.body.index("It will")),
            end=factory.LazyAttribute(lambda claim: len(claim.article.body)),
            text=factory.LazyAttribute(lambda claim: "The new bus lines" + claim.quote.removeprefix("It")),
            rewrites=factory.LazyAttribute(
                lambda claim: [
                    rewrite_of(
                        claim.article.body, "It", "The new bus lines", "new bus lines", after=claim.start
                    )
                ]
            ),
        )


def rewrite_of(body: str, original: str, replacement: str, antecedent: str, *, after: int = 0) -> dict:
    """A rewrite as extraction records it: `original` (found from `after` on) became `replacement`,
    because of the first mention `antecedent` in `body`."""
    start = body.index(original, after)
    antecedent_start = body.index(antecedent)
    return {
        "start": start,
        "end": start + len(original),
        "original": original,
        "replacement": replacement,
        "antecedent_start": antecedent_start,
        "antecedent_end": antecedent_start + len(antecedent),
    }


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = "mostly_true"
    summary = "Council minutes confirm the figure."
    author = factory.SubFactory(UserFactory)

    class Params:
        # VerdictFactory(published=True): reviewed and published, as verdict_publish leaves it.
        published = factory.Trait(
            state=Verdict.State.PUBLISHED,
            reviewer=factory.SubFactory(UserFactory),
            published_at=datetime(2026, 3, 4, tzinfo=UTC),
        )


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://records.example.org/minutes/{n}")
    title = "Council minutes"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = Evidence.Stance.SUPPORTS


class ClaimSuggestionFactory(factory.django.DjangoModelFactory):
    """A suggested duplicate: `candidate` is an earlier claim, in another article of the same team."""

    class Meta:
        model = ClaimSuggestion

    claim = factory.SubFactory(ClaimFactory)
    candidate = factory.SubFactory(
        ClaimFactory,
        article=factory.SubFactory(ArticleFactory, team=factory.SelfAttribute("...claim.article.team")),
    )
    score = 0.93
    relation = ClaimSuggestion.Relation.DUPLICATE


class WebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Webhook

    team = factory.SubFactory(TeamFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example.org/factcheck/{n}")
    secret = "a-shared-secret-of-some-length"


class AuditRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditRecord

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SelfAttribute("claim.article")
    actor = factory.SubFactory(UserFactory)
    action = "claim_updated"
    target_type = "claim"
    target_id = factory.SelfAttribute("claim.pk")
    before = factory.LazyFunction(lambda: {"status": "new"})
    after = factory.LazyFunction(lambda: {"status": "checking"})
