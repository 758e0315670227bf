"""Webhook signing secrets encrypted at rest (claims/encryption.py).

The column becomes text (a Fernet token is longer than the secret), then every stored plain
secret is encrypted in place. The rows are read and written with SQL, since the field itself
would try to decrypt the plain values it reads.
"""

from django.db import migrations

import claims.encryption


def encrypt_secrets(apps, schema_editor):
    _rewrite_secrets(schema_editor, claims.encryption.encrypt)


def decrypt_secrets(apps, schema_editor):
    _rewrite_secrets(schema_editor, claims.encryption.decrypt)


def _rewrite_secrets(schema_editor, change):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, secret FROM claims_webhook")
        for webhook_id, secret in cursor.fetchall():
            cursor.execute(
                "UPDATE claims_webhook SET secret = %s WHERE id = %s", [change(secret), webhook_id]
            )


class Migration(migrations.Migration):
    dependencies = [("claims", "0009_roles")]

    operations = [
        migrations.AlterField(
            model_name="webhook",
            name="secret",
            field=claims.encryption.EncryptedTextField(help_text="Signs each payload with HMAC-SHA256."),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
