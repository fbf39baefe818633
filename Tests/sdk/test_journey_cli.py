"""`pond journey` against the database a running `pond serve` uses: definitions saved and versioned from a file,
started, profiles entered (a repeated request key enters nobody twice), the server running the runs, statistics
and refusals printed as their code and message with a non-zero exit.
"""

from __future__ import annotations

import json
import subprocess

from pondtest import (NOTICE_TEMPLATE, care_journey, journey_totals, ok, pond_binary, seed_customers, unique,
                      wait_until)


def cli(pond, *args, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(pond_binary()), "journey", *args, "--database", pond.server.database, "--workspace", pond.id],
        capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    return proc


def refused(pond, *args) -> str:
    proc = cli(pond, *args, check=False)
    assert proc.returncode != 0, (args, proc.stdout)
    return proc.stderr


def test_journeys_are_run_from_the_command_line(pond, tmp_path):
    profiles = seed_customers(pond, unique("cli"), 3)  # first: the template's {{name}} must be a known trait
    ok(pond.admin("POST", "/api/v1/templates", NOTICE_TEMPLATE), 201)
    ok(pond.admin("POST", "/api/v1/tags", {"name": "cared"}), 201)
    definition = tmp_path / "care.json"
    definition.write_text(json.dumps(care_journey("care", delay_seconds=1)), encoding="utf-8")

    assert "no journeys" in cli(pond, "list").stdout
    assert "saved journey care" in cli(pond, "save", "--file", str(definition)).stdout
    listed = cli(pond, "list").stdout
    assert "care" in listed and "draft" in listed and "v1" in listed
    assert "journey_not_active" in refused(pond, "enter", "care", "--profile", str(profiles[0]))
    assert "active, active version v1" in cli(pond, "start", "care").stdout
    # The server sees what the command saved.
    assert ok(pond.admin_get("/api/v1/journeys/care"))["status"] == "active"

    entered = cli(pond, "enter", "care", "--profile", str(profiles[0]), "--profile", str(profiles[1])).stdout
    assert "entered 2," in entered, entered
    key = entered.split("request key ")[1].split()[0]
    ids = tmp_path / "profiles.txt"
    ids.write_text("# every customer\n" + "\n".join(map(str, profiles)) + "\n\n", encoding="utf-8")
    again = cli(pond, "enter", "care", "--profiles-file", str(ids), "--request-key", key).stdout
    assert "entered 1, already entered 2," in again, again

    def finished():
        totals = journey_totals(pond, "care")
        return totals if totals["exited"] == 3 and totals["messagesBy"].get(("delivered", None)) == 6 else None

    wait_until(finished, 60, "the server running every run the command entered", interval=0.25)
    stats = cli(pond, "stats", "care").stdout
    lines = [line.split() for line in stats.splitlines()]
    assert ["entered", "3"] in lines and ["completed", "3"] in lines and ["in", "progress", "0"] in lines, stats
    assert ["delivered", "—", "6"] in lines, stats

    shown = cli(pond, "show", "care").stdout
    assert "v1  created" in shown
    body = json.loads(shown.split("definition (v1):\n", 1)[1])
    assert [n["id"] for n in body["nodes"]] == ["first", "pause", "second", "tag", "done"]

    edited = care_journey("care", delay_seconds=1)
    edited["name"] = "会员关怀 v2"
    definition.write_text(json.dumps(edited), encoding="utf-8")
    assert "latest v2" in cli(pond, "save", "--file", str(definition), "--replacing", "care").stdout
    shown = cli(pond, "show", "care").stdout
    assert "v2  created" in shown and "会员关怀 v2" in shown
    first = cli(pond, "show", "care", "--version", "1").stdout.split("definition (v1):\n", 1)[1]
    assert json.loads(first)["name"] == "会员关怀"

    broken = care_journey("other")
    broken["nodes"][0]["action"]["template"] = "notic"
    broken["nodes"][3]["action"]["tag"] = "nobody"
    definition.write_text(json.dumps(broken), encoding="utf-8")
    error = refused(pond, "save", "--file", str(definition))
    # Every problem, each with its code and path; the first one's with the closest template name.
    assert "journey_unknown_template (nodes.first.action.template)" in error and '"notice"' in error, error
    assert "also " in error and "nodes.tag.action.tag" in error, error
    assert "other" not in cli(pond, "list").stdout, "a refused definition is not saved"

    assert "paused" in cli(pond, "pause", "care").stdout
    assert "journey_not_active" in refused(pond, "enter", "care", "--profile", str(profiles[2]))
    assert "not_found" in refused(pond, "show", "nope")
    assert refused(pond, "enter", "care")  # neither --profile nor --profiles-file
