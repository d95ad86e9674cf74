"""Every command a newcomer types with --help explains itself (no traceback), and the demo analyst
can use the README's ACLED example (the ACLED API checks a key against its owner's e-mail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from incidents.services.tokens import api_token_create

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(
    p.stem for p in (ROOT / "incidents/management/commands").glob("*.py") if p.stem != "__init__"
)


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "INCIDENTS_VAR_DIR": os.environ.get("INCIDENTS_VAR_DIR", str(ROOT / "var"))}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_every_command_is_listed():
    assert {"create_api_token", "create_demo_user", "ingest", "reextract", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_management_command_help(command):
    done = _run("manage.py", command, "--help")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"manage.py {command}" in done.stdout and "--help" in done.stdout


def test_extraction_help_ends_without_a_traceback():
    done = _run("-m", "incidents.extraction", "--help")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "--build-gazetteer" in done.stdout and "INPUT" in done.stdout.upper()


def test_extraction_without_arguments_says_what_it_needs():
    done = _run("-m", "incidents.extraction")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "usage: python -m incidents.extraction" in done.stderr


def test_extraction_refuses_an_input_with_a_build_flag():
    done = _run("-m", "incidents.extraction", "x.jsonl", "--build-typeahead")
    assert done.returncode == 2 and "take no input file" in done.stderr


@pytest.mark.django_db
def test_demo_analyst_answers_the_acled_example(capsys):
    call_command("create_demo_user", "--password", "pw-for-test-only")
    assert "analyst@example.org" in capsys.readouterr().out
    user = get_user_model().objects.get(username="analyst")
    raw = api_token_create(user)[1]
    answer = APIClient().get(
        "/api/acled/read",
        {
            "key": raw,
            "email": user.email,
            "country": "Syria",
            "event_date": "2022-01-01|2022-01-31",
            "event_date_where": "BETWEEN",
            "limit": "100",
        },
    )
    assert answer.status_code == 200
    assert b'"success": true' in b"".join(answer.streaming_content)


@pytest.mark.django_db
def test_demo_analyst_email_can_be_chosen(capsys):
    call_command("create_demo_user", "--username", "bea", "--password", "x", "--email", "bea@example.net")
    assert get_user_model().objects.get(username="bea").email == "bea@example.net"
