"""A Claude Code transcript opened in the viewer: the picker takes the .jsonl as it is and shows it as a trace."""

from __future__ import annotations

from apptest_pages import open_script, page_path, plain, player_doc
from claude_code_transcripts import SESSION, agents_session, current_session
from streamlit.testing.v1 import AppTest

from simulator.importers import transcript_trace


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="upload").set_value((name, data, "application/jsonl")).run()


VIEWER = page_path("viewer")


def test_an_uploaded_transcript_opens_as_a_trace_and_every_step_shows():
    data = current_session().text().encode()
    trace = transcript_trace(f"{SESSION}.jsonl", data)
    at = upload(open_script(VIEWER), f"{SESSION}.jsonl", data)
    assert not at.exception and not at.error
    assert plain(at.title[0].value) == "Claude Code session: Run the tests in the background and build the docs"
    doc = player_doc(at)
    assert len(doc["runs"]) == 1  # a trace has one run
    steps = next(iter(doc["runs"].values()))["steps"]
    assert len(steps) == len(trace.events)
    drain = next(ev["seq"] for ev in trace.events if ev["kind"] == "drain")
    assert "<task-notification>" in str(steps[drain + 1]) or "<background-results>" in str(steps[drain + 1])


def test_a_transcript_with_sub_agent_lanes_opens_too():
    main, _agent = agents_session()
    at = upload(open_script(VIEWER), "agents.jsonl", main.text().encode())
    assert not at.exception and not at.error
    assert plain(at.title[0].value).startswith("Claude Code session: Review the auth module")


def test_a_bad_transcript_is_one_line_and_the_previous_session_stays():
    at = open_script(VIEWER, scenario="multi-agent")
    before = plain(at.title[0].value)
    upload(at, "notes.jsonl", b"these are my notes\n")
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [
        'notes.jsonl: is not a Claude Code transcript (no line is a record with a "type" and a "sessionId")']
    assert plain(at.title[0].value) == before


def test_an_imported_session_says_where_its_time_went_and_whose_code_is_shown():
    data = current_session().text().encode()
    at = upload(open_script(VIEWER), f"{SESSION}.jsonl", data)
    text = "\n".join(t.value for t in at.text)
    assert "Time in model calls:" in text and "Idle while background work ran:" in text
    run = next(iter(player_doc(at)["runs"].values()))
    assert run["code_note"].startswith("This project's engine doing the same step")
