"""The file tools' confinement: no link followed, only regular files with one link, never blocking, capped."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from simulator.errors import UnsafeCommandError
from simulator.real.files import READ_LIMIT, WRITE_LIMIT, WorkDir

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def box(tmp_path: Path) -> tuple[WorkDir, Path, Path]:
    work, outside = tmp_path / "work", tmp_path / "outside"
    work.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("outside secret\n")
    return WorkDir(work), work, outside


def test_reads_writes_and_edits_inside(box):
    files, work, _ = box
    assert files.write_text("a/b/c.txt", "one\ntwo\nthree\n") == "Wrote 14 bytes to a/b/c.txt"
    assert files.read_text("a/b/c.txt") == "one\ntwo\nthree"
    assert files.read_text("a/b/c.txt", 1) == "one\n... (2 more lines)"
    assert files.edit_text("a/b/c.txt", "two", "2") == "Edited a/b/c.txt"
    assert (work / "a/b/c.txt").read_text() == "one\n2\nthree\n"
    assert files.read_text(str(work / "a/b/c.txt")).startswith("one")  # an absolute path inside is fine
    assert files.read_text("a/./b/../b/c.txt").startswith("one")
    assert files.read_text("nope.txt") == "Error: No such file: nope.txt"
    assert files.edit_text("a/b/c.txt", "zzz", "y") == "Error: Text not found in a/b/c.txt"
    assert files.read_text("a") == "Error: a: is a directory"


@pytest.mark.parametrize("path", ["../outside/secret.txt", "/etc/hostname", "a/../../outside/secret.txt", "", "a\0b"])
def test_paths_that_leave_are_refused(box, path):
    files, _, _ = box
    with pytest.raises(UnsafeCommandError):
        files.read_text(path)


def test_no_symbolic_link_is_followed_on_the_way_or_at_the_end(box):
    files, work, outside = box
    (work / "out").symlink_to(outside)
    (work / "s.txt").symlink_to(outside / "secret.txt")
    (work / "inside.txt").write_text("in\n")
    (work / "alias.txt").symlink_to("inside.txt")  # even a link that stays inside
    for path in ("out/secret.txt", "s.txt", "alias.txt"):
        with pytest.raises(UnsafeCommandError, match="symbolic link"):
            files.read_text(path)
    with pytest.raises(UnsafeCommandError, match="symbolic link"):
        files.write_text("out/new.txt", "x")
    with pytest.raises(UnsafeCommandError, match="symbolic link"):
        files.edit_text("s.txt", "outside", "changed")
    assert files.write_text("s.txt", "replaced") == "Wrote 8 bytes to s.txt"  # the link itself is replaced
    assert not (work / "s.txt").is_symlink() and (outside / "secret.txt").read_text() == "outside secret\n"
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_a_hard_link_is_refused_and_never_written_through(box):
    files, work, outside = box
    os.link(outside / "secret.txt", work / "h.txt")
    with pytest.raises(UnsafeCommandError, match="2 hard links"):
        files.read_text("h.txt")
    with pytest.raises(UnsafeCommandError, match="2 hard links"):
        files.edit_text("h.txt", "outside", "changed")
    files.write_text("h.txt", "new")  # a new file under that name; the other name keeps its content
    assert (outside / "secret.txt").read_text() == "outside secret\n" and (work / "h.txt").read_text() == "new"


def test_fifos_never_block_and_are_refused(box):
    files, work, _ = box
    os.mkfifo(work / "p")
    done = threading.Event()
    outcome: list[str] = []

    def read() -> None:
        try:
            files.read_text("p")
        except UnsafeCommandError as exc:
            outcome.append(str(exc))
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(5), "read_file blocked on a FIFO"
    assert outcome == ["Error: p is a FIFO, not a regular file"]
    with pytest.raises(UnsafeCommandError, match="FIFO"):
        files.edit_text("p", "a", "b")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_devices_are_refused(box):
    files, work, _ = box
    os.mknod(work / "zero", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    with pytest.raises(UnsafeCommandError, match="character device"):
        files.read_text("zero")


def test_a_huge_sparse_file_costs_at_most_the_read_limit(box):
    files, work, _ = box
    with open(work / "sparse", "wb") as fh:
        fh.truncate(400 << 20)
    started = time.monotonic()
    out = files.read_text("sparse", 1)
    assert time.monotonic() - started < 5
    assert "419430400 bytes in all; read_file reads the first 1 MB" in out and len(out) < READ_LIMIT + 200
    assert files.edit_text("sparse", "a", "b").startswith("Error: sparse is 419430400 bytes")


def test_writes_are_capped_and_keep_the_mode_of_the_file_they_replace(box):
    files, work, _ = box
    assert files.write_text("big", "x" * (WRITE_LIMIT + 1)).startswith("Error: the content is 10485761 bytes")
    assert not (work / "big").exists()
    files.write_text("run.sh", "echo 1\n")
    (work / "run.sh").chmod(0o755)
    files.write_text("run.sh", "echo 2\n")
    assert stat.S_IMODE((work / "run.sh").stat().st_mode) == 0o755
    assert files.write_text("bad", "\ud800").startswith("Error: the content for bad is not valid Unicode")
    assert not [p for p in work.iterdir() if p.name.endswith(".s08-tmp")]  # no temporary file left behind


@pytest.mark.skipif(os.geteuid() != 0, reason="giving files away needs root")
def test_what_the_server_creates_belongs_to_the_work_directorys_owner(tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    files = WorkDir(work, owner=(65534, 65534))
    files.write_text("d/e/f.txt", "x")
    for p in (work / "d", work / "d/e", work / "d/e/f.txt"):
        assert (p.stat().st_uid, p.stat().st_gid) == (65534, 65534), p
