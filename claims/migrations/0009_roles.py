"""The `editor` and `reviewer` roles, so `migrate` plus `createsuperuser` gives a working newsroom.

claims/access.py decides what each role may do to which team's objects; the Django model
permissions given here say the same in Django's terms (for `user.has_perm`, the admin and any tool
that reads them): editors write articles, claims, evidence, sources, verdict drafts and webhooks;
reviewers read and decide on verdicts. The table is frozen here, as a migration must be: a later
change of roles is a later migration.

Permissions are normally created after all migrations (post_migrate); on a fresh database they do
not exist yet, so they are created here the same way (same codename and name), and post_migrate
then finds them in place.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "editor": {
        "claims": {
            "article": ["add", "change", "delete", "view"],
            "claim": ["change", "view"],
            "claimsuggestion": ["change", "view"],
            "verdict": ["add", "change", "view"],
            "webhook": ["add", "change", "delete", "view"],
            "webhookdelivery": ["view"],
        },
        "sources": {
            "source": ["add", "change", "delete", "view"],
            "evidence": ["add", "change", "delete", "view"],
        },
    },
    "reviewer": {
        "claims": {
            "article": ["view"],
            "claim": ["view"],
            "claimsuggestion": ["view"],
            "verdict": ["change", "view"],
        },
        "sources": {"source": ["view"], "evidence": ["view"]},
    },
}


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for role, apps_models in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, models in apps_models.items():
            for model_name, actions in models.items():
                model = apps.get_model(app_label, model_name)
                content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
                for action in actions:
                    permission, _ = Permission.objects.get_or_create(
                        content_type=content_type,
                        codename=f"{action}_{model_name}",
                        defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
                    )
                    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("claims", "0008_claim_checkworthiness_source_reasons"),
        ("sources", "0001_initial"),
    ]

    # Going back leaves the groups: people are members of them.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
