"""Reference tables and quantity claims for the statistics tests: small tables uploaded through the
service (rows embedded by the real model), and claims whose quantities and dates are read by the
same normaliser extraction uses."""

from datetime import UTC, date, datetime

from claims.extraction import normalisation
from claims.models import Article, Claim
from claims.similarity import embeddings
from sources import reference_tables
from sources.models import ReferenceTable
from tests.factories import ArticleFactory, ClaimFactory

POPULATION_CSV = """label,period,value,unit
Germany,2022,83.8,million people
Germany,2023,84.5,million people
France,2022,68.0,million people
France,2023,68.2,million people
"""
UNEMPLOYMENT_CSV = """label,period,value,unit
Germany,2022,3.1,%
Germany,2023,3.0,%
France,2023,7.3,%
"""


def upload(
    *,
    team,
    content: str | bytes = POPULATION_CSV,
    name: str = "Population by country",
    by=None,
    filename: str = "table.csv",
    mapping: dict[str, str] | None = None,
    tolerance: float | None = None,
) -> ReferenceTable:
    return reference_tables.reference_table_create(
        by=by,
        team=team,
        name=name,
        publisher="Statistics office",
        source_url="https://stats.example.org/tables/1",
        retrieved_at=date(2024, 5, 1),
        content=content.encode() if isinstance(content, str) else content,
        filename=filename,
        mapping=mapping,
        tolerance=tolerance,
    )


def article_for(team, published: str = "2024-03-01") -> Article:
    return ArticleFactory(team=team, published_at=datetime.fromisoformat(published).replace(tzinfo=UTC))


def claim_saying(article: Article, text: str, *, embedded: bool = True) -> Claim:
    """A claim with the quantities and years of its text, resolved as extraction resolves them."""
    years = normalisation.bare_years(text)
    claim = ClaimFactory(
        article=article,
        text=text,
        quantities=normalisation.parse_quantities(text, skip=years),
        dates=[normalisation.parse_year(text[start:end], int(text[start:end])) for start, end in years],
    )
    if embedded:
        claim.embedding = embeddings.embed_text(text)
        claim.save(update_fields=["embedding"])
    return claim
