"""A database migrated before the API keys left ``core`` keeps its keys: the state-only
move leaves the rows in their table (core_apikey) and they still authenticate."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from apikeys.models import ApiKey
from apikeys.services import hash_key

# The last migrations of main before the move (and no apikeys app yet).
OLD_LEAVES = [("core", "0002_audit_entry"), ("orders", "0002_carriers")]
BEFORE = [*OLD_LEAVES, ("apikeys", None)]


@pytest.mark.django_db(transaction=True)
def test_keys_made_before_the_move_survive_it_and_authenticate():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(OLD_LEAVES).apps
    OldApiKey = old_apps.get_model("core", "ApiKey")
    raw_key = "mk_0ld0ld00_" + "s" * 43
    OldApiKey.objects.create(
        name="ERP from before", prefix="0ld0ld00", hashed_key=hash_key(raw_key), scope="seller"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    api_key = ApiKey.objects.get()
    assert (api_key.name, api_key.prefix, api_key.revoked_at) == (
        "ERP from before",
        "0ld0ld00",
        None,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
    assert client.get("/api/v1/customers/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Api-Key mk_0ld0ld00_wrong")
    assert client.get("/api/v1/customers/").status_code == 401
