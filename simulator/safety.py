"""The dangerous-command check: a teaching aid, not the safety boundary.

The lesson's harness refuses a few kinds of command before running them (``sudo``,
``rm -rf /``, a download piped into a shell…). This module keeps that idea, but reads a
command roughly as the shell would: it splits it into simple commands at ``;``, ``&&``,
``|`` and the like, removes quotes and backslashes (so ``r''m`` is ``rm``), looks inside
``$(…)``, backticks, ``sh -c``, ``eval`` and ``find -exec``, skips wrappers such as
``env`` or ``nohup``, and judges each command by its name in command position and its
arguments. So ``grep -r sudo docs`` passes (``sudo`` is only a word to search for), and
``$(echo rm) -rf /`` does not.

No such check can be complete: a command can always compute what it runs (a Python
one-liner, a script written to a file first). What keeps a live run from harming the
server is the sandbox (``simulator/real/sandbox.py``, ``docs/sandbox.md``); this check only
shows, in the trace, the kind of guard the lesson talks about. Its reasons are read by
the model, so they are not translated.
"""

from __future__ import annotations

import codecs
import fnmatch
import posixpath
import re

from .errors import UnsafeCommandError

#: Words that only say how to run the command after them.
_WRAPPERS = {"env", "command", "builtin", "exec", "nohup", "nice", "time", "timeout", "stdbuf", "setsid", "ionice",
             "chrt", "xargs", "unbuffer", "busybox", "caffeinate", "doas_wrapper"}
#: Shell words that stand before a command (``then rm …``) or make the rest not a command (``for x in …``).
_LEADING = {"then", "do", "else", "elif", "if", "while", "until", "!", "{", "}", "(", ")", "fi", "done"}
_NOT_COMMANDS = {"for", "case", "select", "function"}
_SHELLS = {"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "fish", "csh", "tcsh"}
_ROOT_DIRS = {"/", "~", "$HOME", "${HOME}", "/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/var",
              "/home", "/root", "/sys", "/proc", "/dev", "/opt", "/srv", "/run", "/mnt", "/media", "/snap"}
_RAW_DEVICE = re.compile(r"^/dev/(sd|nvme|hd|vd|xvd|mmcblk|disk|mapper/|mem$|kmem$|port$)")
_FORK_BOMB = re.compile(r"([\w:]+)\s*\(\s*\)\s*\{[^}]*\1\s*\|\s*\1[^}]*&[^}]*\}")
_PRIVILEGE = {"sudo", "su", "doas", "pkexec", "runuser", "sudoedit"}
_POWER = {"shutdown", "reboot", "halt", "poweroff"}
_DISK = {"mkfs", "mke2fs", "mkswap", "fdisk", "sfdisk", "cfdisk", "parted", "wipefs", "sgdisk"}
_NAMED_KILL = {"pkill", "killall", "killall5"}
_KNOWN = sorted(_PRIVILEGE | _POWER | _DISK | _NAMED_KILL | {"rm", "dd", "chmod", "chown", "find", "kill", "mv"})
_OPERATORS = ("&&", "||", ";;", "|&", ";", "&", "|", "\n", "(", ")")
_MAX_DEPTH = 4


class _Command:
    """One simple command: its words (quotes removed), which of them were computed, and what fed it."""

    def __init__(self, piped: bool) -> None:
        self.words: list[str] = []
        self.computed: list[bool] = []
        self.redirects: list[str] = []
        self.piped = piped


def _ansi_c(text: str) -> str:
    try:
        return codecs.decode(text.encode("latin-1", "backslashreplace"), "unicode_escape")
    except (UnicodeDecodeError, ValueError):
        return text


def _scan(command: str) -> tuple[list[_Command], list[str]]:
    """Split ``command`` into simple commands; also return the texts of every ``$(…)`` and backtick inside."""
    cmds: list[_Command] = [_Command(False)]
    inner: list[str] = []
    word: list[str] = []
    computed = False
    in_word = False
    redirect_next = False
    i, n = 0, len(command)

    def end_word() -> None:
        nonlocal word, computed, in_word, redirect_next
        if in_word:
            text = "".join(word)
            if redirect_next:
                cmds[-1].redirects.append(text)
                redirect_next = False
            else:
                cmds[-1].words.append(text)
                cmds[-1].computed.append(computed)
        word, computed, in_word = [], False, False

    def substitution(start: int, opener: str) -> int:
        """Collect a ``$(…)`` (or ``<(…)``) or backtick body starting at ``start``; return the index after it."""
        if opener == "`":
            end = command.find("`", start)
            end = n if end < 0 else end
            inner.append(command[start:end])
            return end + 1
        depth, j = 1, start
        while j < n and depth:
            depth += {"(": 1, ")": -1}.get(command[j], 0)
            j += 1
        inner.append(command[start:j - 1 if depth == 0 else j])
        return j

    while i < n:
        ch = command[i]
        if ch == "\\" and i + 1 < n:
            if command[i + 1] != "\n":
                word.append(command[i + 1])
                in_word = True
            i += 2
        elif ch == "'":
            end = command.find("'", i + 1)
            end = n if end < 0 else end
            word.append(command[i + 1:end])
            in_word = True
            i = end + 1
        elif ch == "$" and command.startswith("$'", i):
            end = command.find("'", i + 2)
            end = n if end < 0 else end
            word.append(_ansi_c(command[i + 2:end]))
            in_word = True
            i = end + 1
        elif ch == '"':
            j = i + 1
            while j < n and command[j] != '"':
                if command[j] == "\\" and j + 1 < n:
                    word.append(command[j + 1])
                    j += 2
                    continue
                if command.startswith("$(", j) or command[j] == "`":
                    computed = True
                    j = substitution(j + 2 if command[j] == "$" else j + 1, "(" if command[j] == "$" else "`")
                    continue
                if command[j] == "$":
                    computed = True
                word.append(command[j])
                j += 1
            in_word = True
            i = j + 1
        elif command.startswith("$(", i) or command.startswith("<(", i) or command.startswith(">(", i) or ch == "`":
            if ch == "<" or ch == ">":
                end_word()
            computed = in_word = True
            word.append("$(…)")
            i = substitution(i + 1 if ch == "`" else i + 2, "`" if ch == "`" else "(")
        elif ch == "$":
            computed = in_word = True
            word.append(ch)
            i += 1
        elif ch in " \t":
            end_word()
            i += 1
        elif ch == "#" and not in_word:
            nl = command.find("\n", i)
            i = n if nl < 0 else nl
        elif ch in "<>":
            end_word()
            j = i
            while j < n and command[j] in "<>&|":
                j += 1
            if ">" in command[i:j]:
                redirect_next = True
            elif command[i:j] in ("<", "<<", "<<<"):
                redirect_next = False
            i = j
        else:
            op = next((o for o in _OPERATORS if command.startswith(o, i)), None)
            if op is None:
                if ch.isdigit() and not in_word and i + 1 < n and command[i + 1] in "<>":
                    i += 1  # a descriptor number before a redirection
                    continue
                word.append(ch)
                in_word = True
                i += 1
                continue
            end_word()
            redirect_next = False
            cmds.append(_Command(op in ("|", "|&")))
            i += len(op)
    end_word()
    return [c for c in cmds if c.words or c.redirects], inner


def _strip(words: list[str], computed: list[bool]) -> tuple[list[str], list[bool]]:
    """Drop assignments, shell keywords and wrappers before the command's name."""
    i = 0
    while i < len(words):
        w = words[i]
        if w in _LEADING or (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w) and not computed[i]):
            i += 1
            continue
        if posixpath.basename(w) in _WRAPPERS:
            i += 1
            while i < len(words) and (words[i].startswith("-") or re.match(r"^[\d.]+[smhd]?$", words[i])
                                      or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[i])):
                if words[i] in ("-n", "-s", "-k", "-o", "-e", "-i", "-u", "-c") and words[i - 1] != "--":
                    i += 1  # an option that takes a value (nice -n 10, timeout -s KILL)
                i += 1
            continue
        break
    return words[i:], computed[i:]


def _rootish(arg: str) -> bool:
    """The root directory, a home directory or a top-level system folder (``/``, ``~/``, ``/usr/*``…)."""
    a = re.sub(r"/+", "/", arg.strip())
    while len(a) > 1 and (a.endswith("/") or a.endswith("/*") or a.endswith("/.")):
        a = a[:-1] if a.endswith("/") else a[:-2]
    return (a or "/") in _ROOT_DIRS


def _recursive(args: list[str]) -> bool:
    for a in args:
        if a in ("--recursive", "-R", "-r") or (re.match(r"^-[a-zA-Z]+$", a) and ("r" in a or "R" in a)):
            return True
    return False


def _judge(words: list[str], computed: list[bool], piped: bool, depth: int) -> str | None:
    """Why one simple command is refused, or None."""
    if any("$IFS" in w or "${IFS}" in w for w in words):
        return "hides spaces behind $IFS"
    words, computed = _strip(words, computed)
    if not words:
        return None
    first, args = words[0], words[1:]
    if first in _NOT_COMMANDS:
        return None
    if re.match(r"^\{[^{}]*,[^{}]*\}$", first):
        return "builds a command with brace expansion"
    name = posixpath.basename(first)
    if any(c in name for c in "*?["):  # a wildcard for a name: judge it as every command it matches
        for known in _KNOWN:
            if fnmatch.fnmatchcase(known, name):
                why = _judge([known, *args], [False, *computed[1:]], piped, depth)
                if why:
                    return why
        return None
    if computed[0] and any(_rootish(a) for a in args):
        return "runs a command whose name is only known at run time, aimed at the root or home directory"
    if name in _PRIVILEGE:  # what it would run as root may say more (sudo rm -rf /)
        at = 0
        while at < len(args) and args[at].startswith("-"):
            at += 2 if args[at] in ("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U") else 1
        rest = args[at:]
        worse = _judge(rest, [False] * len(rest), piped, depth) if rest else None
        return worse or "asks for root privileges (" + name + ")"
    if name in _POWER or (name == "systemctl" and set(args) & {"poweroff", "reboot", "halt", "kexec"}) or (
            name in ("init", "telinit") and args[:1] in (["0"], ["6"])):
        return "shuts down or restarts the machine"
    if name in _DISK or name.startswith("mkfs."):
        return "formats or repartitions a disk"
    if name == "dd" and any(a.startswith("of=/dev/") and not a.startswith(("of=/dev/null", "of=/dev/zero"))
                            for a in args):
        return "writes to a raw device"
    if name == "rm" and ("--no-preserve-root" in args or (_recursive(args) and any(_rootish(a) for a in args))):
        return "removes the root or home directory"
    if name in ("chmod", "chown", "chgrp") and any(_rootish(a) for a in args) and (
            _recursive(args) or "777" in args or "a+rwx" in args):
        return "changes the permissions of the whole system"
    if name == "mv" and any(_rootish(a) for a in args):
        return "moves the root or home directory"
    if name == "find":
        starts = []
        for a in args:
            if a.startswith("-") or a in ("(", "!", "\\("):
                break
            starts.append(a)
        actions = set(args)
        if any(_rootish(s) for s in starts) and ("-delete" in actions or actions & {"-exec", "-execdir", "-ok"}):
            return "deletes files across the whole system"
    if name == "kill":
        rest = args[1:] if args and args[0].startswith("-") and args[0] != "--" and args[0] != "-1" else args
        rest = rest[1:] if rest[:1] == ["-s"] or rest[:1] == ["-n"] else rest
        if "-1" in [a for a in rest if a != "--"] and len(args) > 1:
            return "kills every process"
    if name in _NAMED_KILL:
        return "kills processes by name"
    if name in _SHELLS:
        if "-c" in args:
            script = args[args.index("-c") + 1] if args.index("-c") + 1 < len(args) else ""
            return _check(script, depth + 1)
        scripts = [a for a in args if not a.startswith("-")]
        if piped and not scripts:
            return "pipes text into a shell"
        if any(a == "$(…)" or a.startswith("/dev/stdin") or a.startswith("/dev/fd/") for a in scripts):
            return "runs text from another command as a shell script"
    if name in (".", "source") and any(a.startswith(("/dev/stdin", "/dev/fd/")) or a == "$(…)" for a in args):
        return "runs text from another command as a shell script"
    if name == "eval" and args:
        return _check(" ".join(args), depth + 1)
    if name == "find" and "-exec" in args:
        at = args.index("-exec") + 1
        return _check(" ".join(a for a in args[at:] if a not in (";", "+", "{}")), depth + 1)
    return None


def _check(command: str, depth: int = 0) -> str | None:
    if depth > _MAX_DEPTH:
        return "nests shells too deeply to be read"
    if _FORK_BOMB.search(command):
        return "is a fork bomb"
    commands, inner = _scan(command)
    for cmd in commands:
        for target in cmd.redirects:
            if _RAW_DEVICE.match(target):
                return "writes to a raw device"
        why = _judge(cmd.words, cmd.computed, cmd.piped, depth)
        if why:
            return why
    for text in inner:
        why = _check(text, depth + 1)
        if why:
            return why
    return None


def dangerous_reason(command: str) -> str | None:
    """Why ``command`` is refused, or ``None`` if it may run (see the module docstring: a teaching aid)."""
    if "\x00" in command:
        return "contains a NUL byte"
    return _check(command)


def check_command(command: str) -> None:
    """Raise ``UnsafeCommandError`` if ``command`` must not run."""
    reason = dangerous_reason(command)
    if reason:
        raise UnsafeCommandError(f"Error: Dangerous command blocked ({reason})")
