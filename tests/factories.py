import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import Article, Claim, Team, Verdict, content_hash
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


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = "mostly_true"
    summary = "Council minutes confirm the figure."
    author = factory.SubFactory(UserFactory)


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
