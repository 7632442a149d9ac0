"""Commands in a bubblewrap sandbox: what a live command can see, touch and spend.

Every command of a live run starts as ``bwrap … -- prlimit … -- /bin/sh -c COMMAND``:

* **namespaces**: new user, PID, IPC, network, UTS and cgroup namespaces. The command
  sees only its own processes (the server's ``/proc/<pid>/mem`` and ``environ`` do not
  exist for it), has only a loopback network of its own (it cannot reach, or serve, the
  app's port), and cannot make further user namespaces;
* **files**: a read-only view of the system directories (``/usr`` and the ``/bin``,
  ``/lib`` links), a few files of ``/etc`` that programs read, the Python that runs the
  app (read-only, so ``python -m pytest`` works as on the host), a private ``/tmp`` and
  ``/dev/shm`` of bounded size, and the run's work directory, the only writable place.
  The app's own files, the host's ``/tmp``, home directories and other browser
  sessions' work directories are not there at all;
* **privileges**: every capability dropped, no new privileges; when the server runs as
  root, bubblewrap itself is started as an unprivileged user (``SANDBOX_UID``, by default
  ``nobody``), which owns the work directory;
* **limits** per task (``Limits``): processes, address space, file size, CPU time and
  open files, set with ``prlimit`` inside the new user namespace, so a fork bomb in one
  task does not take slots from another;
* **lifetime**: ``--die-with-parent``, and the sandbox's first process is its PID 1: when
  it ends, or the server dies, the kernel ends every process left in it, ``setsid`` and
  double-forked ones included. Killing the ``bwrap`` process a task started is how a
  timeout, ``kill``, Stop or shutdown ends the task's whole sandbox.

``find_sandbox()`` builds one and checks, once per process, that it starts; any problem
is a ``SandboxUnavailable`` whose text is one line.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from ..errors import SimulatorError
from ..i18n import _

BWRAP_ENV = "S08_BWRAP"  # path of the bwrap binary (default: found on PATH)
UID_ENV = "S08_SANDBOX_UID"  # the unprivileged user a root server runs sandboxes as
EXTRA_RO_ENV = "S08_SANDBOX_RO"  # more read-only directories, separated by ':'
SANDBOX_UID = 65534  # nobody
INNER_UID = 1000  # the user the command sees itself as
PRLIMIT = "/usr/bin/prlimit"
SYSTEM_DIRS = ("/usr",)
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
#: Files and folders of /etc that ordinary programs read (none holds a secret).
ETC_ENTRIES = ("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone",
               "nsswitch.conf", "mime.types", "os-release", "debian_version", "protocols", "services",
               "python3", "python3.11", "python3.12", "python3.13", "gitconfig", "inputrc", "magic")
#: Environment variables a command keeps; everything else is left outside.
KEEP_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "VIRTUAL_ENV")
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
_APP_ROOT = Path(__file__).resolve().parents[2]


class SandboxUnavailable(SimulatorError):
    """bubblewrap is missing or cannot start here; ``str()`` is one line saying why."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one task (each process of it, except ``processes``: the whole sandbox)."""

    processes: int = 256
    address_space_bytes: int = 4 << 30
    file_size_bytes: int = 1 << 30
    cpu_seconds: int = 900
    open_files: int = 1024
    tmp_bytes: int = 256 << 20  # the private /tmp (memory-backed)
    shm_bytes: int = 64 << 20  # the private /dev/shm

    def prlimit_args(self) -> list[str]:
        """The ``prlimit`` options that set these limits (soft and hard alike, so no command raises them)."""
        return [f"--nproc={self.processes}", f"--as={self.address_space_bytes}", f"--fsize={self.file_size_bytes}",
                f"--cpu={self.cpu_seconds}", f"--nofile={self.open_files}", "--core=0"]


def _reachable_by_others(path: Path) -> bool:
    """Whether a user who owns nothing can read ``path`` (every folder above it searchable by all)."""
    try:
        mode = path.stat().st_mode
        if not (mode & stat.S_IROTH and mode & stat.S_IXOTH):
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in path.parents)
    except OSError:
        return False


def interpreter_dirs() -> list[str]:
    """The folders of the Python that runs the app (a virtualenv and its base), outside the system ones."""
    found: list[str] = []
    for raw in dict.fromkeys((sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)):
        path = Path(raw).resolve()
        if str(path) == "/" or any(path == Path(d) or Path(d) in path.parents for d in SYSTEM_DIRS):
            continue
        found.append(str(path))
    return found


class Sandbox:
    """How to start one command in a bubblewrap sandbox (see the module docstring).

    ``limits`` apply to each task; ``extra_ro`` are more folders shown read-only (by default
    the app's Python, and ``$S08_SANDBOX_RO``). A folder that holds the app itself is never
    shown, nor one the sandbox's user could not read anyway.
    """

    def __init__(self, limits: Limits | None = None, *, bwrap: str | None = None, uid: int | None = None,
                 extra_ro: Sequence[str] | None = None) -> None:
        self.limits = limits or Limits()
        found = bwrap or os.environ.get(BWRAP_ENV) or shutil.which("bwrap") or ""
        if not found or not os.access(found, os.X_OK):
            raise SandboxUnavailable(_("bubblewrap (bwrap) is not installed: install the Debian package "
                                       "'bubblewrap'"))
        if not os.access(PRLIMIT, os.X_OK):
            raise SandboxUnavailable(_("{path} (util-linux) is missing, so the sandbox cannot set its "
                                       "limits").format(path=PRLIMIT))
        self.bwrap = found
        self.as_root = os.geteuid() == 0
        self.uid = (uid if uid is not None else _uid_from_env()) if self.as_root else os.geteuid()
        self.gid = self.uid if self.as_root else os.getegid()
        if extra_ro is None:
            python = interpreter_dirs()  # a virtualenv is no use without its base: all of them or none
            python = python if all(self._may_show(Path(d)) for d in python) else []
            extra_ro = python + _extra_from_env()
        self.extra_ro = [str(Path(d).resolve()) for d in dict.fromkeys(extra_ro) if self._may_show(Path(d))]

    def __repr__(self) -> str:
        return f"Sandbox(bwrap={self.bwrap!r}, uid={self.uid}, limits={self.limits})"

    # -- what the sandbox shows ------------------------------------------------------------
    def _may_show(self, path: Path) -> bool:
        """A read-only extra folder is shown if it exists, holds no part of the app, and the sandbox may read it."""
        try:
            path = path.resolve()
        except OSError:
            return False
        if not path.is_dir() or path == _APP_ROOT or path in _APP_ROOT.parents:
            return False
        return _reachable_by_others(path) if self.as_root else os.access(path, os.R_OK | os.X_OK)

    @property
    def owner(self) -> tuple[int, int] | None:
        """Who must own the work directory and the files the server writes into it (None: the server's user)."""
        return (self.uid, self.gid) if self.as_root else None

    def environment(self, env: dict[str, str] | None, workdir: Path) -> dict[str, str]:
        """A command's environment: the few variables of ``env`` a program needs, and a home in the work directory."""
        base = dict(os.environ if env is None else env)
        out = {k: v for k, v in base.items() if k in KEEP_ENV or k.startswith("LC_")}
        out.setdefault("PATH", DEFAULT_PATH)
        out.update(HOME=str(workdir), TMPDIR="/tmp", USER="agent", LOGNAME="agent", SHELL="/bin/sh")
        return out

    def argv(self, command: str, workdir: Path, passwd_fd: int, group_fd: int) -> list[str]:
        """The full command line: bubblewrap, then ``prlimit``, then ``/bin/sh -c command``."""
        lim = self.limits
        args = [self.bwrap, "--die-with-parent", "--new-session", "--unshare-all", "--unshare-user",
                "--disable-userns", "--cap-drop", "ALL", "--uid", str(INNER_UID), "--gid", str(INNER_UID),
                "--hostname", "sandbox"]
        for d in SYSTEM_DIRS:
            args += ["--ro-bind", d, d]
        for link in SYSTEM_LINKS:
            if os.path.islink(link):
                args += ["--symlink", os.readlink(link), link]
            elif os.path.isdir(link):
                args += ["--ro-bind", link, link]
        for name in ETC_ENTRIES:
            args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        args += ["--ro-bind-data", str(passwd_fd), "/etc/passwd", "--ro-bind-data", str(group_fd), "/etc/group"]
        for d in self.extra_ro:
            args += ["--ro-bind", d, d]
        args += ["--proc", "/proc", "--dev", "/dev", "--size", str(lim.shm_bytes), "--tmpfs", "/dev/shm",
                 "--remount-ro", "/dev", "--size", str(lim.tmp_bytes), "--tmpfs", "/tmp",
                 "--bind", str(workdir), str(workdir), "--remount-ro", "/", "--chdir", str(workdir),
                 "--", PRLIMIT, *lim.prlimit_args(), "--", "/bin/sh", "-c", command]
        return args

    # -- starting a command ----------------------------------------------------------------------
    def popen(self, command: str, workdir: str | Path, *, env: dict[str, str] | None,
              stdout: int | IO[Any] | None, stderr: int | IO[Any] | None = subprocess.STDOUT,
              stdin: int | IO[Any] | None = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
        """Start ``command`` in a new sandbox on ``workdir``; the process is bubblewrap, leader of a new session."""
        workdir = Path(workdir)
        fds = [_data_fd(f"root:x:0:0::/:/usr/sbin/nologin\nagent:x:{INNER_UID}:{INNER_UID}:agent:{workdir}:/bin/sh\n"
                        "nobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n"),
               _data_fd(f"root:x:0:\nagent:x:{INNER_UID}:\nnogroup:x:65534:\n")]
        try:
            extra: dict[str, Any] = {"user": self.uid, "group": self.gid, "extra_groups": []} if self.as_root else {}
            return subprocess.Popen(self.argv(command, workdir, *fds), cwd="/", env=self.environment(env, workdir),
                                    stdin=stdin, stdout=stdout, stderr=stderr, start_new_session=True,
                                    close_fds=True, pass_fds=fds, **extra)
        finally:
            for fd in fds:
                os.close(fd)

    def prepare(self, workdir: str | Path) -> None:
        """Hand the work directory (and what is in it) to the sandbox's user, when the server runs as root."""
        owner = self.owner
        if owner is None:
            return
        root = Path(workdir)
        os.chown(root, *owner, follow_symlinks=False)
        for top, dirs, files in os.walk(root):
            for name in (*dirs, *files):
                try:
                    os.chown(os.path.join(top, name), *owner, follow_symlinks=False)
                except OSError:
                    pass

    def check(self, workdir: str | Path) -> None:
        """Start ``true`` in a sandbox on ``workdir``; raise ``SandboxUnavailable`` with bubblewrap's words if it fails."""
        try:
            proc = self.popen("true", workdir, env={}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _out, err = proc.communicate(timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            raise SandboxUnavailable(_("bubblewrap could not start: {why}").format(why=_first_line(exc))) from None
        if proc.returncode != 0:
            why = _first_line(err.decode("utf-8", "replace")) or _("exit code {code}").format(code=proc.returncode)
            if self.as_root and "Permission denied" in why:
                why += " " + _("(as root, the sandbox runs as user {uid}, who must be able to reach the "
                               "folder)").format(uid=self.uid)
            raise SandboxUnavailable(_("bubblewrap could not start a sandbox: {why}").format(why=why))


def _data_fd(text: str) -> int:
    """A pipe's read end holding ``text`` (bubblewrap copies it into a file of the sandbox)."""
    r, w = os.pipe()
    try:
        os.write(w, text.encode())
    finally:
        os.close(w)
    return r


def _first_line(value: object) -> str:
    lines = [line.strip() for line in str(value).splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def _uid_from_env() -> int:
    raw = os.environ.get(UID_ENV, "").strip()
    try:
        uid = int(raw) if raw else SANDBOX_UID
    except ValueError:
        raise SandboxUnavailable(_("{name} must be a user id, not {value!r}").format(name=UID_ENV, value=raw)) from None
    if not 0 < uid < 2**32 - 1:
        raise SandboxUnavailable(_("{name} must be an unprivileged user id").format(name=UID_ENV))
    return uid


def _extra_from_env() -> list[str]:
    return [p for p in os.environ.get(EXTRA_RO_ENV, "").split(":") if p.strip()]


@lru_cache(maxsize=8)
def _checked(bwrap: str, uid: int, extra_ro: tuple[str, ...]) -> Sandbox:
    sandbox = Sandbox(bwrap=bwrap, uid=uid, extra_ro=list(extra_ro))
    probe_dir = Path(tempfile.mkdtemp(prefix="s08-sandbox-check-"))
    try:
        sandbox.prepare(probe_dir)
        sandbox.check(probe_dir)
    finally:
        shutil.rmtree(probe_dir, ignore_errors=True)
    return sandbox


def find_sandbox(limits: Limits | None = None) -> Sandbox:
    """A sandbox that was seen to start on this machine (checked once per configuration); else ``SandboxUnavailable``."""
    plain = Sandbox()
    checked = _checked(plain.bwrap, plain.uid, tuple(plain.extra_ro))
    if limits is None or limits == checked.limits:
        return checked
    return Sandbox(limits, bwrap=checked.bwrap, uid=checked.uid, extra_ro=checked.extra_ro)


def forget_checks() -> None:
    """Check again next time (after the operator installed bubblewrap, say)."""
    _checked.cache_clear()
