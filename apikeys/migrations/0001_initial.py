# The ApiKey model moved here from ``core``. Its table keeps its name (core_apikey) and
# its rows: on a new database ``core.0001_initial`` creates the table, on an existing
# one it is already there; this migration only adds the model to this app's state
# (``core.0004_move_apikey_to_apikeys`` removes it from core's) and moves the content
# type, so permissions granted on API keys follow the model.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="apikeys", model="apikey").exists():
        ContentType.objects.using(db).filter(app_label="core", model="apikey").update(
            app_label="apikeys"
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="core", model="apikey").exists():
        ContentType.objects.using(db).filter(app_label="apikeys", model="apikey").update(
            app_label="core"
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("customers", "0002_staff_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("prefix", models.CharField(editable=False, max_length=16, unique=True, verbose_name="prefix")),
                        ("hashed_key", models.CharField(editable=False, max_length=64, unique=True)),
                        ("scope", models.CharField(choices=[("seller", "Seller (everything)"), ("company", "One customer company")], max_length=10, verbose_name="scope")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="last used")),
                        ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked at")),
                        ("company", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="api_keys", to="customers.company", verbose_name="company")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="created by")),
                    ],
                    options={
                        "verbose_name": "API key",
                        "verbose_name_plural": "API keys",
                        "db_table": "core_apikey",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("company__isnull", True), ("scope", "seller")), models.Q(("company__isnull", False), ("scope", "company")), _connector="OR"), name="apikey_scope_company_consistent")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type, elidable=True),
    ]
