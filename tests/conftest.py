"""Fixtures: a team with alice (editor), bob (reviewer), and charlie, an editor of another team."""

from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims import access
from claims.models import Team
from tests.factories import TeamFactory, UserFactory

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "seeds" / "beyond-utopia.txt"


@pytest.fixture
def team() -> Team:
    return TeamFactory(name="Metro desk")


@pytest.fixture
def alice(team):
    return UserFactory(username="alice", roles=[access.EDITOR], teams=[team])


@pytest.fixture
def bob(team):
    return UserFactory(username="bob", roles=[access.REVIEWER], teams=[team])


@pytest.fixture
def charlie():
    return UserFactory(username="charlie", roles=[access.EDITOR], teams=[TeamFactory(name="Sports desk")])


@pytest.fixture
def admin_user():
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


def api_client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_client():
    return api_client_for
