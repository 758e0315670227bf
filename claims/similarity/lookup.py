""" "Has this been checked?": find claims by keywords or by meaning, within what a user may see."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Q

from claims import access
from claims.models import Claim
from claims.similarity.search import search_claims

RESULT_LIMIT = 50


def claims_by_keywords(*, user: access.AnyUser, text: str, limit: int = RESULT_LIMIT) -> list[Claim]:
    """Full-text match on the claim text (the indexed expression), best first; a substring match on
    text and quote as fallback for what the English dictionary does not stem (numbers, partial words)."""
    visible = access.visible_claims(user).select_related("article")
    vector = SearchVector("text", config="english")
    query = SearchQuery(text, search_type="websearch", config="english")
    ranked: list[Claim] = list(
        visible.annotate(search=vector, rank=SearchRank(vector, query))
        .filter(search=query)
        .order_by("-rank", "-checkworthiness", "id")[:limit]
    )
    if ranked:
        return ranked
    return list(
        visible.filter(Q(text__icontains=text) | Q(quote__icontains=text)).order_by("-checkworthiness", "id")[
            :limit
        ]
    )


def claims_by_meaning(*, user: access.AnyUser, text: str, limit: int = 20) -> list[Claim]:
    """Claims closest in meaning to `text`, using the similarity module's sentence embeddings."""
    return search_claims(user=user, text=text, limit=limit)
