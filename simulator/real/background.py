"""The real BackgroundManager: shell commands in their own process groups, in wall time.

Threads stay bounded whatever the number of tasks:

* the caller's thread (``run``) only records a task and hands it over;
* a small fixed pool of launcher threads starts processes (``Popen``) and
  writes records to disk;
* ONE watcher thread waits on every running process and every output pipe at
  once with ``os.pidfd_open`` + ``select.epoll`` (an eventfd wakes it when it
  must look at a new deadline), sleeping until the nearest timeout. Only where
  ``os.pidfd_open`` is missing does each process get a small waiter thread of
  its own.

A command's output comes back through a pipe. The first ``SPILL_BYTES`` stay in
memory; a longer output goes on to ``<task_id>.log`` on disk (all of it, from the
first byte), so memory stays bounded whatever a command prints and short
commands never create a file. Without pidfd, the shell writes straight to the
log file instead.

A running command holds two descriptors here (pidfd and pipe); where the open-file
limit is low, ``raise_open_file_limit()`` lifts it, and past it a task ends as an
error that says so.

A task may print at most ``max_output_bytes`` (default 100 MB): past it the watcher
kills it, and its record, notification and ``finish`` event carry ``reason:
"output_limit"`` (its status is ``killed``, its result starts by saying why).

Given a ``Sandbox`` (``sandbox.py``), every command starts in a bubblewrap sandbox of
its own and the process the manager watches and kills is bubblewrap: ending it ends
every process of the task, ``setsid`` ones included. Without one (plain library use)
each command is a process group of its own, started with ``close_fds=True``, and
orphans that left the group are out of reach.

A task may also be a sub-agent (``run_agent``): it takes a concurrency slot like a
command, and its loop runs on a thread of its own (``agents.py``, through
``agent_host``). A command started with a ``progress`` pattern reports matching
output lines while it runs (``progress.py``). Retries may follow a non-zero exit as
well as a timeout (``retry_on``).
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import os
import queue
import select
import shlex
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from .. import notifications as nt
from ..progress import PROGRESS_LINES, Batch
from ..safety import dangerous_reason
from ..storage import atomic_write_text
from ..trace import TraceRecorder, task_lane
from .output import DEFAULT_MAX_OUTPUT_BYTES, OUTPUT_LIMIT, output_limit_note
from .processes import kill_group, proc_start_time
from .records import interrupt, kill_leftover, number, read_records
from .sandbox import Sandbox

_HAVE_PIDFD = hasattr(os, "pidfd_open") and hasattr(select, "epoll")
_LIVE = ("queued", "running")
_KILL_WAIT_S = 10.0
_LAUNCHERS = 4  # a small fixed pool: forks overlap, thread count stays bounded
SPILL_BYTES = nt.SPILL_BYTES
_READ_CHUNK = 65536
_READS_PER_WAKE = 16  # then let other tasks' pipes and exits have a turn
_FINAL_READS = 32  # after the leader exits: 2 MiB, more than a pipe holds, and an orphan that keeps writing is cut off


class _Task:
    """Book-keeping the public record does not show."""

    __slots__ = ("tid", "rec", "log", "attempt", "phase", "end_reason", "proc", "spawning",
                 "exited", "finalized", "holds_slot", "seq", "out_fd", "buf", "size", "spill", "spilled", "loaded")

    def __init__(self, tid: str, rec: dict[str, Any], log: Path, seq: int) -> None:
        self.tid = tid
        self.rec = rec
        self.log = log
        self.attempt = 1
        self.phase = "new"  # waiting | launching | running | done
        self.end_reason: str | None = None  # "killed" or "timeout" once asked to stop
        self.proc: subprocess.Popen[bytes] | None = None
        self.spawning = False
        self.exited = False
        self.finalized = False
        self.holds_slot = False
        self.seq = seq
        self.out_fd = -1  # read end of the output pipe (watcher thread only)
        self.buf = bytearray()  # output while it is short
        self.size = 0  # bytes of output read so far
        self.spill: Any = None  # the open log file once the output outgrew the buffer
        self.spilled = False  # this attempt's output is in the log file
        self.loaded = False  # read back from the state directory after a restart


class BackgroundManager:
    """Runs shell commands in the background and queues a notification as each one ends.

    ``env`` replaces the environment of the commands (default: inherit ours).
    ``max_concurrent``, ``priority`` and ``retries`` are off unless asked for.
    With ``state_dir``, records survive a restart: tasks that were live become
    ``interrupted`` and undelivered notifications are queued again. ``sandbox``
    runs each command in a sandbox of its own; ``max_output_bytes`` caps what a
    task may print (``None``: no cap).
    """

    def __init__(self, workdir: str | Path, *, state_dir: str | Path | None = None, timeout_s: float = 300.0,
                 max_concurrent: int | None = None, retries: int = 0, recorder: TraceRecorder | None = None,
                 reap_orphans: bool = True, env: dict[str, str] | None = None, sandbox: Sandbox | None = None,
                 max_output_bytes: int | None = DEFAULT_MAX_OUTPUT_BYTES) -> None:
        if max_concurrent is not None and max_concurrent < 1:
            raise ValueError("max_concurrent must be at least 1")
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        if max_output_bytes is not None and max_output_bytes < 1:
            raise ValueError("max_output_bytes must be at least 1, or None")
        self.sandbox = sandbox
        self.max_output_bytes = max_output_bytes
        self.workdir = Path(workdir)
        self.timeout_s = float(timeout_s)
        self.max_concurrent = max_concurrent
        self.retries = retries
        self.recorder = recorder
        self.reap_orphans = reap_orphans
        self.env = dict(env) if env is not None else None
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self._own_dir: Path | None = None
        if self.state_dir is not None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self._log_dir = self.state_dir
        else:
            self._own_dir = Path(tempfile.mkdtemp(prefix="s08-bg-"))
            self._log_dir = self._own_dir

        self._cond = threading.Condition(threading.RLock())
        self._tasks: dict[str, _Task] = {}
        self._queue: list[dict[str, Any]] = []
        self._waiting: list[tuple[int, int, str]] = []  # (priority, seq, task id)
        self._deadlines: list[tuple[float, int, str, int]] = []  # (monotonic, seq, task id, attempt)
        self._seq = itertools.count()
        self._active = 0  # tasks holding a concurrency slot (launching or running)
        self._live = 0  # tasks queued or running
        self._closed = False
        self._stopping = False
        self._persist_locks: dict[str, threading.Lock] = {}
        self._task_extras: dict[str, dict[str, Any]] = {}  # per task: progress monitor, retry policy, agent
        self.retry_on: tuple[str, ...] = ("timeout",)  # what a retry may follow: "timeout", "error"
        self.progress_interval_s = 5.0
        self.agent_host: Any = None  # starts sub-agents (agents.AgentHost); None: run_agent refuses
        self._blocking_runners: dict[str, Any] = {}  # the serial harness's sub-agent running now

        if self.state_dir is not None:
            self._load_state()

        self._use_pidfd = _HAVE_PIDFD
        self._by_fd: dict[int, _Task] = {}  # pidfd -> task
        self._out_fds: dict[int, _Task] = {}  # output pipe -> task
        self._closing: list[int] = []  # descriptors the watcher closes after its current batch
        self._wake_event = threading.Event()
        self._watch_until = 0.0  # when the watcher will next wake by itself (monotonic)
        self._epoll: Any = None
        self._efd = -1
        if self._use_pidfd:
            self._epoll = select.epoll()
            self._efd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
            self._epoll.register(self._efd, select.EPOLLIN)
        self._jobs: queue.Queue[tuple[str, _Task] | None] = queue.Queue()
        self._launchers = [threading.Thread(target=self._launch_loop, name=f"bg-launcher-{i}", daemon=True)
                           for i in range(_LAUNCHERS)]
        self._watcher = threading.Thread(target=self._watch_loop, name="bg-watcher", daemon=True)
        for thread in self._launchers:
            thread.start()
        self._watcher.start()

    # -- public interface -----------------------------------------------------
    def run(self, command: str, priority: int = 0, *, progress: str | None = None, retries: int | None = None,
            retry_on: tuple[str, ...] | None = None) -> str:
        """Start ``command`` in the background; returns at once.

        ``progress``: report output lines containing it (``|`` separates alternatives);
        ``retries`` and ``retry_on`` override the manager's for this command.
        """
        reason = dangerous_reason(command)
        if reason is not None:
            return f"Error: Dangerous command blocked ({reason})"
        tid = uuid.uuid4().hex[:8]
        rec = self._new_record(tid, command, priority,
                               output_file=None if self._use_pidfd else str(self._log_dir / f"{tid}.log"))
        admitted = self._admit(rec, dict(progress=progress, retries=retries, retry_on=retry_on),
                               dict(label=command[:60], command=command))
        return nt.started_text(tid, command) if admitted else "Error: Background manager is shut down"

    @staticmethod
    def _new_record(tid: str, command: str, priority: int, **more: Any) -> dict[str, Any]:
        """A new task's record, as it is persisted and as ``tasks`` shows it."""
        return {"task_id": tid, "command": command, "status": "running", "exit_code": None, "result": None,
                "output_file": None, "output_bytes": 0, "priority": priority, "attempt": 1, "created_at": time.time(),
                "started_at": None, "finished_at": None, "delivered": False, **more}

    def _admit(self, rec: dict[str, Any], extras: dict[str, Any], lane: dict[str, Any]) -> bool:
        """Register a new task and give it a slot, or queue it by priority; False once the manager is shut down."""
        tid, priority = rec["task_id"], rec["priority"]
        with self._cond:
            if self._closed:
                return False
            t = _Task(tid, rec, self._log_dir / f"{tid}.log", next(self._seq))
            self._tasks[tid] = t
            self._live += 1
            self._set_extras(tid, **extras)
            if self.recorder is not None:
                self.recorder.add_lane(task_lane(tid), **lane)
            if self.max_concurrent is not None and self._active >= self.max_concurrent:
                rec["status"] = "queued"
                t.phase = "waiting"
                heapq.heappush(self._waiting, (priority, t.seq, tid))
                if self.recorder is not None:
                    self.recorder.emit("task_queued", lane=task_lane(tid), task_id=tid, priority=priority)
                self._jobs.put(("persist", t))
            else:
                self._take_slot_locked(t)
        return True

    def check(self, task_id: str | None = None) -> str:
        """One task with its full result, or a line per task."""
        return nt.check_text(self.tasks, task_id)

    def drain_notifications(self) -> list[dict[str, Any]]:
        """Take every queued notification (each finished task is returned exactly once)."""
        with self._cond:
            items, self._queue = self._queue, []
            drained = [self._tasks[n["task_id"]] for n in items if n["task_id"] in self._tasks]
            for t in drained:
                t.rec["delivered"] = True
        for t in drained:
            self._persist(t)
        return items

    def queue_snapshot(self) -> list[dict[str, Any]]:
        """A copy of the notification queue, left in place."""
        with self._cond:
            return [dict(n) for n in self._queue]

    def kill(self, task_id: str) -> str:
        """Kill a task's whole process group (or drop it if it has not started yet)."""
        with self._cond:
            t = self._tasks.get(task_id)
            if t is None:
                return f"Error: Unknown task {task_id}"
            if t.finalized:
                return f"Task {task_id} already finished ({t.rec['status']})"
            finish_now = self._request_kill_locked(t)
        self._stop_agent(t)  # a sub-agent: its loop stops and its own tasks are killed first
        if finish_now:
            self._finish(t, "killed", None)
        with self._cond:
            self._cond.wait_for(lambda: t.finalized, _KILL_WAIT_S)
            status = t.rec["status"]
        if status != "killed":
            return f"Task {task_id} already finished ({status})"
        return f"Killed task {task_id}: {t.rec['command'][:60]}"

    def kill_all(self) -> None:
        """Kill every queued or running task and wait until each is finalized."""
        with self._cond:
            live = [t for t in self._tasks.values() if not t.finalized]
            # Drop the waiting ones first so a freed slot cannot start one of them.
            live.sort(key=lambda t: t.phase != "waiting")
            finish_now = [t for t in live if self._request_kill_locked(t)]
        for t in live:
            self._stop_agent(t)
        for t in finish_now:
            self._finish(t, "killed", None)
        with self._cond:
            self._cond.wait_for(lambda: all(t.finalized for t in self._tasks.values()), _KILL_WAIT_S)

    def pending(self) -> int:
        """How many tasks are queued or running."""
        with self._cond:
            return self._live

    def wait_for_notification(self, timeout: float) -> bool:
        """Block until a notification is queued (True), or timeout / nothing left to wait for (False)."""
        with self._cond:
            self._cond.wait_for(lambda: bool(self._queue) or self._live == 0 or self._closed, timeout)
            return bool(self._queue)

    def task(self, task_id: str) -> dict[str, Any] | None:
        """A copy of one task's record, or None."""
        with self._cond:
            t = self._tasks.get(task_id)
            return dict(t.rec) if t is not None else None

    def output(self, task_id: str) -> str | None:
        """The first ``RESULT_LIMIT`` characters a finished task printed, exactly; None if unknown or live."""
        with self._cond:
            t = self._tasks.get(task_id)
            if t is None or not t.finalized or (t.loaded and t.rec["output_file"] is None):
                return None  # a record from before a restart keeps only its result
        return self._output_of(t)[0]

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        """Copies of every record, in creation order."""
        with self._cond:
            return {tid: dict(t.rec) for tid, t in self._tasks.items()}

    def shutdown(self) -> None:
        """Kill every task and stop the helper threads; safe to call twice."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._cond.notify_all()
        self.kill_all()
        for _ in self._launchers:
            self._jobs.put(None)
        for thread in self._launchers:
            thread.join(timeout=_KILL_WAIT_S)
        self.kill_all()  # anything a launcher started while stopping
        with self._cond:
            self._stopping = True
        self._wake()
        self._watcher.join(timeout=_KILL_WAIT_S)
        if self._use_pidfd:
            for t in list(self._out_fds.values()):
                self._close_output(t)
            for fd in [*self._by_fd, *self._closing]:
                os.close(fd)
            self._by_fd.clear()
            self._closing.clear()
            self._epoll.close()
            os.close(self._efd)
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)

    def __enter__(self) -> BackgroundManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- starting -------------------------------------------------------------
    def _take_slot_locked(self, t: _Task) -> None:
        """Give ``t`` a concurrency slot and hand it to the launcher."""
        t.holds_slot = True
        self._active += 1
        t.phase = "launching"
        t.rec["status"] = "running"
        self._jobs.put(("launch", t))

    def _start_waiting_locked(self) -> None:
        while self._waiting and (self.max_concurrent is None or self._active < self.max_concurrent):
            _, _, tid = heapq.heappop(self._waiting)
            t = self._tasks[tid]
            if t.finalized or t.end_reason is not None or self._closed:
                continue
            self._take_slot_locked(t)

    def _launch_loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            kind, t = job
            if kind == "persist":
                self._persist(t)
                continue
            try:
                if "agent" in self._task_extras.get(t.tid, {}):
                    self._start_agent(t)
                else:
                    self._launch(t)
            except Exception as exc:  # never let one task stop the launcher
                self._finish(t, "error", None, note=f"Error: could not start ({exc})")

    def _launch(self, t: _Task) -> None:
        with self._cond:
            if t.finalized:
                return
            if t.end_reason is not None or self._closed:
                stop = True
            else:
                stop = False
                t.spawning = True
        if stop:
            self._finish(t, "killed", None)
            return
        self._persist(t)
        out_r = out_w = -1
        try:
            if self._use_pidfd:
                # stdout and stderr share one pipe, read by the watcher; no file unless the output is long
                out_r, out_w = os.pipe()  # both ends close on exec (PEP 446); Popen dup2s the write end
                os.set_blocking(out_r, False)
                proc = self._spawn(t.rec["command"], out_w)
            elif self.sandbox is not None:  # the log is not in the sandbox: the server opens it
                out_w = os.open(t.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
                proc = self._spawn(t.rec["command"], out_w)
                os.close(out_w)
                out_w = -1
            else:
                # the shell opens the log itself, so creating the file happens in the child
                proc = self._spawn(f"exec >{shlex.quote(str(t.log))} 2>&1\n{t.rec['command']}", subprocess.DEVNULL)
        except OSError as exc:
            for fd in (out_r, out_w):
                if fd >= 0:
                    os.close(fd)
            with self._cond:
                t.spawning = False
            self._finish(t, "error", None, note=f"Error: could not start ({exc.strerror or exc})")
            return
        pidfd = -1
        if self._use_pidfd:
            os.close(out_w)
            try:
                pidfd = os.pidfd_open(proc.pid)
            except OSError as exc:  # no descriptor left to watch it with: stop it rather than lose it
                kill_group(proc.pid)
                proc.wait()
                os.close(out_r)
                with self._cond:
                    t.spawning = False
                self._finish(t, "error", None, note=f"Error: could not watch the command ({exc.strerror or exc})")
                return
        pid_start = proc_start_time(proc.pid) if self.state_dir is not None else None
        with self._cond:
            t.spawning = False
            t.proc = proc
            t.phase = "running"
            if t.rec["started_at"] is None:
                t.rec["started_at"] = time.time()
            t.rec["attempt"] = t.attempt
            t.rec["pid"] = proc.pid  # also its process group (a new session per command)
            if pid_start is not None:
                t.rec["pid_start"] = pid_start  # tells the group from a later one after a restart
            if self.recorder is not None:
                self.recorder.emit("task_start", lane=task_lane(t.tid), task_id=t.tid,
                                   command=t.rec["command"], attempt=t.attempt)
            if t.end_reason is not None:  # killed while Popen ran
                kill_group(proc.pid)
            deadline = time.monotonic() + self.timeout_s
            heapq.heappush(self._deadlines, (deadline, next(self._seq), t.tid, t.attempt))
            # epoll reports a newly registered pidfd without being woken; wake the watcher only
            # when it would otherwise sleep past this task's deadline
            must_wake = pidfd < 0 or deadline < self._watch_until
            if pidfd >= 0:
                t.out_fd = out_r
                self._out_fds[out_r] = t
                self._epoll.register(out_r, select.EPOLLIN)
                self._by_fd[pidfd] = t
                self._epoll.register(pidfd, select.EPOLLIN)
        if pidfd < 0:
            threading.Thread(target=self._wait_one, args=(t, proc), name=f"bg-wait-{t.tid}", daemon=True).start()
        if must_wake:
            self._wake()
        self._persist(t)

    def _spawn(self, command: str, out: int) -> subprocess.Popen[bytes]:
        """Start ``command`` (in the sandbox, if any) writing to ``out``, as the leader of a new session."""
        if self.sandbox is not None:
            return self.sandbox.popen(command, self.workdir, env=self.env, stdout=out)
        return subprocess.Popen(["/bin/sh", "-c", command], cwd=self.workdir, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)

    # -- watching -------------------------------------------------------------
    def _wake(self) -> None:
        if self._use_pidfd:
            try:
                os.eventfd_write(self._efd, 1)
            except OSError:
                pass
        else:
            self._wake_event.set()

    def _watch_loop(self) -> None:
        while True:
            with self._cond:
                if self._stopping:
                    return
                delay = self._expire_deadlines_locked()
                self._watch_until = math.inf if delay is None else time.monotonic() + max(delay, 0.0)
            if not self._use_pidfd:
                self._wake_event.wait(delay)
                self._wake_event.clear()
                continue
            try:
                events = self._epoll.poll(-1 if delay is None else max(delay, 0.0))
            except InterruptedError:
                continue
            for fd, _ in events:
                if fd == self._efd:
                    try:
                        os.eventfd_read(self._efd)
                    except BlockingIOError:
                        pass
                    continue
                with self._cond:
                    reader = self._out_fds.get(fd)
                    t = self._by_fd.pop(fd, None) if reader is None else None
                if reader is not None:
                    self._pump(reader, _READS_PER_WAKE)
                    continue
                if t is None:
                    continue  # closed earlier in this batch: its number cannot be reused yet
                self._epoll.unregister(fd)
                self._closing.append(fd)
                if t.proc is not None:
                    try:
                        self._on_exit(t, t.proc)
                    except Exception as exc:  # keep watching the others
                        self._close_output(t)
                        self._finish(t, "error", None, note=f"Error: {exc}")
            # Closed only now, so no descriptor number is reused while this batch still names it.
            for fd in self._closing:
                os.close(fd)
            self._closing.clear()

    def _expire_deadlines_locked(self) -> float | None:
        """Kill the process groups whose time is up; seconds until the next deadline (None: none)."""
        now = time.monotonic()
        while self._deadlines and self._deadlines[0][0] <= now:
            _, _, tid, attempt = heapq.heappop(self._deadlines)
            t = self._tasks.get(tid)
            if (t is None or t.attempt != attempt or t.proc is None or t.exited or t.finalized
                    or t.end_reason is not None):
                continue
            t.end_reason = "timeout"
            kill_group(t.proc.pid)
        return self._deadlines[0][0] - now if self._deadlines else None

    def _wait_one(self, t: _Task, proc: subprocess.Popen[bytes]) -> None:
        """Fallback waiter: wait without reaping, so the group id stays ours until ``_on_exit``."""
        try:
            os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass
        self._on_exit(t, proc)

    def _on_exit(self, t: _Task, proc: subprocess.Popen[bytes]) -> None:
        """The group leader has exited (not yet reaped): clean the group, reap, finalize or retry."""
        with self._cond:
            t.exited = True
            reason = t.end_reason
        if self.reap_orphans or reason is not None:
            kill_group(proc.pid)  # safe: the unreaped leader still owns this group id
        code = proc.wait()
        # All the leader wrote is in the pipe by now; what is left of the group is killed or,
        # without reap_orphans, no longer listened to.
        self._pump(t, _FINAL_READS)
        self._close_output(t)
        with self._cond:
            if reason == "timeout" and t.end_reason == "killed":
                reason = "killed"  # kill() came while the timeout was being handled
            if self._retry_wanted(t, reason, code):
                why = self._retry_fields(reason, code, t)
                self._forget_output(t)
                t.attempt += 1
                t.rec["attempt"] = t.attempt
                t.exited = False
                t.proc = None
                t.end_reason = None
                t.phase = "launching"
                if self.recorder is not None:
                    self.recorder.emit("retry", lane=task_lane(t.tid), task_id=t.tid, attempt=t.attempt, **why)
                self._jobs.put(("launch", t))
                return
        if reason == OUTPUT_LIMIT:
            self._finish(t, "killed", None, reason=OUTPUT_LIMIT)
        elif reason is not None:
            self._finish(t, reason, None)
        else:
            self._finish(t, nt.status_for_exit(code), code)

    # -- output -----------------------------------------------------------------
    def _pump(self, t: _Task, max_reads: int) -> None:
        """Move what ``t``'s pipe holds into its buffer or log file (watcher thread only).

        Reads until the pipe is empty or ``max_reads`` chunks are read; closes the
        pipe at end of output.
        """
        reads = 0
        while t.out_fd >= 0 and reads < max_reads:
            try:
                chunk = os.read(t.out_fd, _READ_CHUNK)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            reads += 1
            if not chunk:
                self._close_output(t)
                return
            kept = t.size
            t.size += len(chunk)
            cap = self.max_output_bytes
            if cap is not None and t.size > cap:
                chunk = chunk[:max(0, cap - kept)]  # the log holds no more than the cap
                self._over_limit(t)
            monitor = self._task_extras.get(t.tid, {}).get("monitor")
            if monitor is not None:
                monitor.feed(chunk)
            if not t.spilled and len(t.buf) + len(chunk) <= SPILL_BYTES:
                t.buf += chunk
            elif chunk or t.spilled:
                self._spill(t, chunk)
            if cap is not None and t.size > cap:
                self._close_output(t)  # nothing more is read from a task past its cap
                return

    def _over_limit(self, t: _Task) -> None:
        """The task printed more than its cap: kill it, and say why when it ends."""
        with self._cond:
            if t.end_reason is None:
                t.end_reason = OUTPUT_LIMIT
            if t.proc is not None and not t.exited:
                kill_group(t.proc.pid)

    def _spill(self, t: _Task, chunk: bytes) -> None:
        """Append ``chunk`` to the task's log file, opening it (and writing the buffer) the first time."""
        if not t.spilled:
            t.spilled = True
            try:
                # unbuffered: chunks are large, and what is written survives a crash of this process
                t.spill = open(t.log, "wb", buffering=0)  # noqa: SIM115 - stays open while the command prints
                t.spill.write(t.buf)
            except OSError:
                self._close_spill(t)
                return
            with self._cond:
                t.rec["output_file"] = str(t.log)
        if t.spill is None:
            return  # the disk refused: the head in memory is all there is, the size still counts
        try:
            t.spill.write(chunk)
        except OSError:
            self._close_spill(t)

    @staticmethod
    def _close_spill(t: _Task) -> None:
        if t.spill is not None:
            try:
                t.spill.close()
            except OSError:
                pass
            t.spill = None

    def _close_output(self, t: _Task) -> None:
        """Stop reading ``t``'s pipe and close its log file (the pipe itself closes after the batch)."""
        fd, t.out_fd = t.out_fd, -1
        if fd >= 0:
            with self._cond:
                self._out_fds.pop(fd, None)
            try:
                self._epoll.unregister(fd)
            except OSError:
                pass
            self._closing.append(fd)
        self._close_spill(t)

    def _forget_output(self, t: _Task) -> None:
        """Start a new attempt with no output (its log file, if any, is removed)."""
        if t.spilled:
            try:
                t.log.unlink()
            except OSError:
                pass
        t.buf = bytearray()
        t.size = 0
        t.spilled = False
        if self._use_pidfd:
            t.rec["output_file"] = None

    def _output_of(self, t: _Task) -> tuple[str, int]:
        """The first ``RESULT_LIMIT`` characters of the task's output, and its size in bytes."""
        if self._use_pidfd and not t.spilled and not t.loaded:
            return t.buf.decode("utf-8", "replace")[:nt.RESULT_LIMIT], t.size
        output, size = self._read_head(t.log)
        if t.spilled:
            if not output and t.buf:  # the log file could not be written
                output = t.buf.decode("utf-8", "replace")[:nt.RESULT_LIMIT]
            size = t.size
        return output, size

    # -- stopping -------------------------------------------------------------
    def _request_kill_locked(self, t: _Task) -> bool:
        """Ask ``t`` to stop; True if the caller must finalize it (it has no process)."""
        if t.finalized:
            return False
        t.end_reason = "killed"  # also overrides a timeout, so no retry follows
        if t.exited:
            return False  # _on_exit is finalizing it right now
        if t.proc is not None:
            kill_group(t.proc.pid)
            return False
        return not t.spawning


    # -- finishing ------------------------------------------------------------
    @staticmethod
    def _read_head(path: Path) -> tuple[str, int]:
        """The first ``RESULT_LIMIT`` characters of a log file, and its size in bytes."""
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                size = os.fstat(fh.fileno()).st_size
                return fh.read(nt.RESULT_LIMIT), size
        except OSError:
            return "", 0

    def _finish(self, t: _Task, status: str, exit_code: int | None, note: str | None = None,
                reason: str | None = None) -> None:
        """Record the end of a task, queue its notification, free its slot (once only)."""
        output, size = self._output_of(t)
        if note is not None:
            output = f"{note}\n{output}" if output else note
        if reason == OUTPUT_LIMIT:
            result = f"Killed ({output_limit_note(self.max_output_bytes or 0)})\n{output.strip() or '(no output)'}"
        else:
            result = nt.result_text(output, status, exit_code, self.timeout_s)
        if t.attempt > 1:
            retries = self._task_extras.get(t.tid, {}).get("retries", self.retries)
            result = f"[attempt {t.attempt} of {retries + 1}]\n{result}"
        with self._cond:
            if t.finalized:
                return
            t.finalized = True
            t.phase = "done"
            t.proc = None
            self._close_monitor(t.tid)
            now = time.time()
            rec = t.rec
            rec.update(status=status, exit_code=exit_code, result=result, output_bytes=size, finished_at=now)
            if reason is not None:
                rec["reason"] = reason
            self._live -= 1
            if t.holds_slot:
                t.holds_slot = False
                self._active -= 1
                self._start_waiting_locked()
            lane = task_lane(t.tid)
            if self.recorder is not None:
                started = rec["started_at"]
                self.recorder.emit("finish", lane=lane, task_id=t.tid, status=status, exit_code=exit_code,
                                   preview=result[:nt.PREVIEW_LIMIT], output_bytes=size,
                                   duration_s=round(now - started, 6) if started else 0.0, reason=reason)
            notification = nt.make_notification(t.tid, status, rec["command"], result, exit_code, rec["output_file"])
            if reason is not None:
                notification["reason"] = reason
            self._queue.append(notification)
            if self.recorder is not None:
                self.recorder.emit("enqueue", lane=lane, task_id=t.tid, queue_depth=len(self._queue))
            self._cond.notify_all()
        self._persist(t)

    # -- persistence ----------------------------------------------------------
    def _persist(self, t: _Task) -> None:
        """Write the task's current record to ``<state_dir>/<id>.json`` (no-op without a state dir)."""
        if self.state_dir is None:
            return
        with self._cond:
            lock = self._persist_locks.setdefault(t.tid, threading.Lock())
        with lock:  # the last writer always writes the newest state
            with self._cond:
                text = json.dumps(t.rec, indent=1, ensure_ascii=False)
            try:
                atomic_write_text(self.state_dir / f"{t.tid}.json", text + "\n")
            except OSError:
                pass  # a full or vanished disk must not stop the helper threads; memory stays right

    def _load_state(self) -> None:
        """Read records left by an earlier run; live ones become interrupted, undelivered ones requeue."""
        assert self.state_dir is not None
        for rec in read_records(self.state_dir):
            tid = rec["task_id"]
            t = _Task(tid, rec, self.state_dir / f"{tid}.log", next(self._seq))
            t.phase = "done"
            t.finalized = True
            t.loaded = True
            self._tasks[tid] = t
            if rec["status"] in _LIVE:
                kill_leftover(rec.get("pid"), rec.get("pid_start"))
                interrupt(rec, t.log)
                self._persist(t)
        undelivered = [t.rec for t in self._tasks.values() if not t.rec["delivered"]]
        undelivered.sort(key=lambda r: number(r["finished_at"]))
        for rec in undelivered:
            self._queue.append(nt.make_notification(rec["task_id"], rec["status"], rec["command"],
                                                    str(rec["result"] or ""), rec["exit_code"],
                                                    rec["output_file"]))


    # -- progress, retry policy and sub-agents --------------------------------------------------
    def _set_extras(self, tid: str, *, progress: str | None = None, retries: int | None = None,
                    retry_on: tuple[str, ...] | None = None, agent: tuple[str, str] | None = None) -> None:
        """Record a task's own options (called with the lock held, before it can start)."""
        extras: dict[str, Any] = {}
        if progress:
            from .progress import ProgressMonitor

            if self._use_pidfd:
                extras["monitor"] = ProgressMonitor(progress, self.progress_interval_s,
                                                    lambda batch, tid=tid: self.report_progress(tid, batch))
            self._tasks[tid].rec["progress"] = progress
        if retries is not None:
            extras["retries"] = retries
        if retry_on is not None:
            extras["retry_on"] = tuple(retry_on)
        if agent is not None:
            extras["agent"] = agent
        if extras:
            self._task_extras[tid] = extras

    def report_progress(self, tid: str, batch: Batch) -> None:
        """A batch of a running task's progress lines: into its queued progress item, or a new one."""
        with self._cond:
            t = self._tasks.get(tid)
            if t is None or t.finalized:
                return
            item = next((n for n in self._queue if n["task_id"] == tid and nt.is_progress(n)), None)
            if item is not None:
                nt.merge_progress(item, batch.lines, batch.more, PROGRESS_LINES)
            else:
                self._queue.append(nt.make_progress_note(tid, t.rec["command"], batch.lines, batch.more))
            if self.recorder is not None:
                self.recorder.emit("progress", lane=task_lane(tid), task_id=tid,
                                   text=nt.progress_preview(batch.lines, batch.more), lines=batch.lines,
                                   more=batch.more or None, queue_depth=len(self._queue))
            self._cond.notify_all()

    def _close_monitor(self, tid: str) -> None:
        monitor = self._task_extras.get(tid, {}).get("monitor")
        if monitor is not None:
            monitor.close()

    def _retry_wanted(self, t: _Task, reason: str | None, code: int | None) -> bool:
        """Whether attempt ``t.attempt`` that ended this way is run again (lock held)."""
        extras = self._task_extras.get(t.tid, {})
        retries = extras.get("retries", self.retries)
        retry_on = extras.get("retry_on", self.retry_on)
        if self._closed or t.attempt > retries:
            return False
        if reason == "timeout":
            return "timeout" in retry_on
        return reason is None and code not in (0, None) and "error" in retry_on

    def _retry_fields(self, reason: str | None, code: int | None, t: _Task) -> dict[str, Any]:
        """What a ``retry`` event says about the attempt that failed."""
        if reason == "timeout":
            return {"reason": "timeout"}
        output, _size = self._output_of(t)
        return {"reason": "error", "exit_code": code,
                "preview": nt.result_text(output, "error", code)[:nt.PREVIEW_LIMIT]}

    def wait_idle(self, timeout: float) -> bool:
        """Block until no task is queued or running (True), or ``timeout`` seconds (False)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._live == 0, timeout)

    def run_agent(self, name: str, task: str, priority: int = 0) -> str:
        """Start sub-agent ``name`` on ``task`` in the background: it takes a slot, or queues, like a command."""
        if self.agent_host is None:
            return "Error: sub-agents are not available in this run"
        tid = uuid.uuid4().hex[:8]
        rec = self._new_record(tid, nt.agent_label(name, task), priority, kind=nt.AGENT, name=name, task=task)
        admitted = self._admit(rec, dict(agent=(name, task)), dict(kind=nt.AGENT, parent="main", name=name, task=task,
                                                                   label=nt.agent_label(name, task, 40)))
        return nt.agent_started_text(tid, name) if admitted else "Error: Background manager is shut down"

    def _start_agent(self, t: _Task) -> None:
        """A launcher thread gives a sub-agent its slot: its loop starts on a thread of its own."""
        name, task = self._task_extras[t.tid]["agent"]
        with self._cond:
            if t.finalized:
                return
            stop = t.end_reason is not None or self._closed
            if not stop:
                t.phase = "running"
                t.rec["started_at"] = time.time()
                runner = self.agent_host.runner(t.tid, name, task, done=lambda status, answer: self._finish_agent(
                    t, status, answer))
                self._task_extras[t.tid]["runner"] = runner
                if self.recorder is not None:
                    self.recorder.emit("task_start", lane=task_lane(t.tid), task_id=t.tid, command=t.rec["command"],
                                       attempt=1, msg=runner.first_message())
        if stop:
            self._finish(t, "killed", None)
            return
        self._persist(t)
        runner.start()

    def _finish_agent(self, t: _Task, status: str, answer: str) -> None:
        """A sub-agent's loop has ended: its answer is its result."""
        self._finish(t, status, None, note=answer.strip() or None)

    def _stop_agent(self, t: _Task) -> None:
        """Stop a sub-agent's loop (its own tasks are killed); nothing for a command."""
        runner = self._task_extras.get(t.tid, {}).get("runner")
        if runner is not None:
            runner.stop()

    def run_agent_blocking(self, name: str, task: str) -> tuple[str, bool]:
        """The serial harness: sub-agent ``name`` runs to its end on the caller's thread; (result, is_error)."""
        if self.agent_host is None:
            return "Error: sub-agents are not available in this run", True
        tid = uuid.uuid4().hex[:8]
        lane = task_lane(tid)
        if self.recorder is not None:
            self.recorder.add_lane(lane, kind=nt.AGENT, parent="main", label=nt.agent_label(name, task, 40),
                                   name=name, task=task)
        result: dict[str, Any] = {}
        runner = self.agent_host.runner(tid, name, task, done=lambda status, answer: result.update(
            status=status, answer=answer))
        with self._cond:
            self._blocking_runners[tid] = runner
        started = time.time()
        if self.recorder is not None:
            self.recorder.emit("task_start", lane=lane, task_id=tid, command=nt.agent_label(name, task), attempt=1,
                               msg=runner.first_message())
        try:
            runner.run()
        finally:
            with self._cond:
                self._blocking_runners.pop(tid, None)
        status = result.get("status", "error")
        text = nt.result_text(str(result.get("answer") or ""), status, None, self.timeout_s)
        if self.recorder is not None:
            self.recorder.emit("finish", lane=lane, task_id=tid, status=status, exit_code=None,
                               preview=text[:nt.PREVIEW_LIMIT], output_bytes=len(text.encode()),
                               duration_s=round(time.time() - started, 6))
        return text, status != "completed"

    def stop_blocking_agents(self) -> None:
        """Stop the sub-agent the serial harness is waiting for, if any (from any thread)."""
        with self._cond:
            runners = list(self._blocking_runners.values())
        for runner in runners:
            runner.stop()


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
