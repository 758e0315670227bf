import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from claims import access
from claims.models import Team

DEMO_USERS = {
    "editor": (access.EDITOR, os.environ.get("FACTCHECK_DEMO_EDITOR_PASSWORD", "editor-demo-2026")),
    "reviewer": (access.REVIEWER, os.environ.get("FACTCHECK_DEMO_REVIEWER_PASSWORD", "reviewer-demo-2026")),
}


class Command(BaseCommand):
    help = "Create a demo team with an editor and a reviewer, and ingest the seed articles."

    def handle(self, *args: Any, **options: Any) -> None:
        team, _ = Team.objects.get_or_create(name="Newsroom")
        user_model = get_user_model()
        # The roles themselves come from a migration (claims/migrations/0009_roles.py).
        for username, (role, password) in DEMO_USERS.items():
            user, _ = user_model.objects.get_or_create(username=username)
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            team.members.add(user)
            token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(f"User {username!r} ({role}): password {password!r}, API token {token.key}")
        for path in sorted(Path(settings.BASE_DIR / "seeds").glob("*.txt")):
            call_command("ingest", str(path), team=team.name, stdout=self.stdout)
