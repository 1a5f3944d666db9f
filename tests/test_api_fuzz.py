"""Schemathesis against the platform served by granian as in production, on the Hengyang demo, as an
enterprise, a bank and a unit official: generated calls to every operation of the OpenAPI document,
valid and not, must never answer 5xx and must answer as the document says. Runs in both passes of
`make test`: on SQLite, and in the PostgreSQL pass on a database of its own beside the suite's."""

import contextlib
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.server import demo_env, granian, own_postgres_database

# What each role's token may reach; the generated calls go to every operation, allowed or not.
ROLES = ["qiye", "yinhang", "danwei"]
CALLS_PER_OPERATION = 12  # ~45 operations: a few hundred calls a role, seconds each
SCHEMATHESIS = str(Path(sys.executable).parent / "st")

TOKENS = """
import json
from django.contrib.auth import get_user_model
from yancheng.core.actions import issue_api_token
users = get_user_model().objects.filter(username__in={roles!r})
print(json.dumps({{u.username: issue_api_token(owner=u, by=u, name="fuzz")[1] for u in users}}))
"""


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    var = tmp_path_factory.mktemp("fuzz")
    postgres = os.environ.get("YANCHENG_DATABASE_URL", "")
    with (
        own_postgres_database(postgres, "fuzz")
        if postgres.startswith("postgres")
        else contextlib.nullcontext()
    ) as database_url:
        env = demo_env(var, database_url)
        script = TOKENS.format(roles=ROLES)
        made = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
            env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        with granian(env, workers=1, threads=4) as url:
            yield url, json.loads(made.stdout)


@pytest.mark.parametrize("role", ROLES)
def test_generated_calls_find_no_server_error_and_no_answer_off_the_document(fuzzed, role, tmp_path):
    url, tokens = fuzzed
    result = subprocess.run(
        [
            SCHEMATHESIS, "run", f"{url}/api/v1/openapi.json",
            "--header", f"Authorization: Bearer {tokens[role]}",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--max-examples", str(CALLS_PER_OPERATION),
            "--phases", "examples,coverage,fuzzing",
            # Revoking its own token would leave the rest of the run unauthenticated (tested in core).
            "--exclude-path-regex", "/tokens/.+/revoke",
            "--generation-database", "none", "--no-color", "--workers", "2", "--request-timeout", "30",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,  # its cache stays out of the checkout
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    # The run was authenticated to its end (a 403 for another role's operation is a right answer).
    me = urllib.request.Request(f"{url}/api/v1/me", headers={"Authorization": f"Bearer {tokens[role]}"})
    with urllib.request.urlopen(me, timeout=10) as answer:  # noqa: S310
        assert json.load(answer)["username"] == role
