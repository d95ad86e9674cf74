"""`python -m incidents.linking`: articles in, predictions with an event id out (the eval format)."""

from __future__ import annotations

import json
import subprocess
import sys

ARTICLES = [
    {"id": "w1", "published": "2023-04-02", "publisher": "Wire One",
     "text": "MOGADISHU, April 2 - A suicide bomber killed nine people at a cafe in Mogadishu on Sunday, police said."},
    {"id": "w2", "published": "2023-04-03", "publisher": "Daily Two",
     "text": "The death toll from Sunday's suicide bombing at a cafe in Mogadishu has risen to 21, police said on Monday."},
    {"id": "w3", "published": "2023-04-03", "publisher": "Wire One",
     "text": "LAGOS, April 3 - Gunmen killed five villagers in Zamfara state in northwestern Nigeria on Monday, police said."},
]  # fmt: skip


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n")
    return subprocess.run(
        [sys.executable, "-m", "incidents.linking", str(path), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_line_files_two_reports_of_one_attack_under_one_event(tmp_path):
    done = _run(tmp_path, "--explain")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["w1", "w2", "w3"]
    events = {line["id"]: {i["event"] for i in line["incidents"]} for line in lines}
    assert events["w1"] == events["w2"] and events["w1"].isdisjoint(events["w3"])
    assert "w2#0 -> " in done.stderr and "link" in done.stderr


def test_help_works(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "incidents.linking", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "--one-a-day" in done.stdout
