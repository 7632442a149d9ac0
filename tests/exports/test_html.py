"""The offline HTML file: one self-contained page, nothing fetched, every text kept as data, within its size."""

from __future__ import annotations

import json
import re

from cli import main
from exports import render
from exports.html import _script_json
from lessons import BUILDERS, course_document
from simulator import load_scenario, run_scenario
from simulator.i18n import use_language


def runs(name: str) -> dict:
    sc = load_scenario(name)
    return {m: run_scenario(sc, m) for m in ("serial", "parallel")}


def embedded_doc(page: str) -> dict:
    raw = re.search(r'<script type="application/json" id="s08-doc">(.*?)</script>', page, re.S).group(1)
    return json.loads(raw)


def test_a_session_file_holds_both_harnesses_and_asks_for_nothing():
    page = render("html", runs("multi-agent"), scenario=load_scenario("multi-agent"), step=12)
    assert page.startswith("<!doctype html>") and "default-src 'none'" in page
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)  # the page itself, without its code
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", markup), "nothing is loaded from elsewhere"
    assert page.count("<script") == 4  # the charts, the player, the document, the start
    doc = embedded_doc(page)
    assert set(doc["runs"]) == {"serial", "parallel"} and doc["view"] == {"kind": "viewer", "mode": "parallel",
                                                                         "step": 12}
    assert "window.vegaEmbed" in page and "S08Player" in page


def test_sizes_stay_within_the_budget():
    multi = render("html", runs("multi-agent"), scenario=load_scenario("multi-agent"))
    assert len(multi.encode()) <= 2 * 1024 * 1024
    course = course_document([b() for b in BUILDERS.values()])
    from exports.html import html_page

    assert len(html_page(course, "course").encode()) <= 8 * 1024 * 1024


def test_text_from_a_run_cannot_end_the_data_block_or_become_markup():
    trace = run_scenario(load_scenario("timeout"), "serial")
    first = next(ev for ev in trace.events if isinstance(ev.get("msg"), dict))
    first["msg"]["content"][0]["text"] = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    page = render("html", {"serial": trace})
    assert "</script><script>alert(1)" not in page and "<img src=x" not in page
    doc = embedded_doc(page)
    assert doc["runs"]["serial"]["parts"][0]["text"].startswith("</script><script>alert(1)")
    assert "<" not in _script_json({"a": "<"})


def test_the_file_speaks_the_chosen_language():
    with use_language("ja"):
        page = render("html", runs("tests-and-docs"))
    assert '<html lang="ja">' in page


def test_the_command_line_writes_a_session_a_lesson_and_the_course(tmp_path, capsys):
    out = tmp_path / "multi.html"
    assert main(["export", "multi-agent", "--format", "html", "--out", str(out)]) == 0
    assert embedded_doc(out.read_text())["view"]["kind"] == "viewer"
    lesson = tmp_path / "l3.html"
    assert main(["export", "--lesson", "3", "--format", "html", "--out", str(lesson)]) == 0
    doc = embedded_doc(lesson.read_text())
    assert [c["id"] for c in doc["course"]["chapters"]] == ["queue"]
    course = tmp_path / "course.html"
    assert main(["export", "--lesson", "all", "--format", "html", "--out", str(course), "--lang", "zh"]) == 0
    assert '<html lang="zh">' in course.read_text()
    assert main(["export", "--lesson", "99", "--format", "html", "--out", str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--lesson" in err
