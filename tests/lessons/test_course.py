"""The course: every lesson builds from its traces, asks before it tells, and gives each answer its own feedback."""

from __future__ import annotations

import json

import pytest

from lessons import BUILDERS, LESSON_IDS, course_document, lesson
from lessons.model import scenario_trace
from simulator.race import interleavings


@pytest.fixture(scope="module")
def chapters():
    return {lid: lesson(lid) for lid in LESSON_IDS}


def test_lessons_come_in_teaching_order_with_unique_ids():
    assert LESSON_IDS[:4] == ("blocking", "fire-and-forget", "queue", "lock")
    assert len(set(LESSON_IDS)) == len(LESSON_IDS) == len(BUILDERS)


@pytest.mark.parametrize("lid", LESSON_IDS)
def test_every_question_is_asked_before_what_answers_it(chapters, lid):
    c = chapters[lid]
    assert c.title and c.body and c.takeaway
    for q in c.questions:
        trace = c.runs[q.run]
        assert 0 <= q.ask < q.reveal < len(trace.events), (q.key, q.ask, q.reveal)
        assert q.answer in {ch.value for ch in q.choices}
        assert len(q.choices) >= 2
        feedback = [ch.feedback for ch in q.choices]
        assert all(feedback) and len(set(feedback)) == len(feedback), "each answer gets its own feedback"
        assert "{" not in q.text + q.explain + "".join(feedback), "every placeholder is filled"


def test_the_right_answers_come_from_the_runs(chapters):
    answers = {lid: {q.key: q.answer for q in chapters[lid].questions} for lid in LESSON_IDS}
    assert answers["blocking"] == {"serial-main": "blocked"}
    assert answers["fire-and-forget"] == {"returns": "id"}
    assert answers["queue"]["when"] == "next"
    assert answers["faq-lost"] == {"lost": "waits"}
    three = scenario_trace("try-three-sleeps", "parallel")
    sleep2 = next(ev["task_id"] for ev in three.events if ev["kind"] == "spawn" and ev["command"] == "sleep 2")
    assert answers["faq-order"] == {"three": sleep2}


def test_the_blocking_question_pauses_inside_the_blocking_call(chapters):
    q = chapters["blocking"].questions[0]
    trace = chapters["blocking"].runs[q.run]
    assert trace.events[q.ask]["kind"] == "tool_start" and trace.events[q.ask]["blocking"]
    assert trace.events[q.reveal]["kind"] == "tool_end"


def test_the_order_lesson_says_the_operating_system_decides(chapters):
    assert "operating system" in chapters["faq-order"].questions[0].explain


def test_without_the_lock_a_notification_can_be_lost_and_with_it_never():
    free, held = interleavings(locked=False), interleavings(locked=True)
    assert {n["outcome"] for n in free.values() if n["outcome"]} == {"now", "later", "lost"}
    assert {n["outcome"] for n in held.values() if n["outcome"]} <= {"now", "later"}
    assert free["lwll"]["outcome"] == "lost"  # copy, append, clear: the append is cleared unseen
    assert held["l"]["blocked"] == "worker" and held["l"]["moves"] == ["loop"]  # the worker waits for the lock


def test_the_lock_lesson_carries_the_lab(chapters):
    lab = chapters["lock"].lab
    assert lab and "Uwlll" in lab["nodes"] and "L" in lab["nodes"] and lab["words"]["outcome_lost"]


def test_the_course_document_holds_every_chapter_and_each_run_once(chapters):
    doc = course_document(list(chapters.values()), "queue")
    assert doc["view"] == {"kind": "course", "lesson": "queue"}
    assert [c["id"] for c in doc["course"]["chapters"]] == list(LESSON_IDS)
    assert {q["run"] for c in doc["course"]["chapters"] for q in c["questions"]} <= set(doc["runs"])
    assert len(json.dumps(doc)) < 2_000_000
