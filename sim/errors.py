"""User-facing errors: bad input is reported as one clear message and exit status 2."""

from __future__ import annotations

import difflib
import os
from pathlib import Path


class UserError(Exception):
    """An error caused by the user's input (a file, a key, a value), not by a bug.

    The command line prints ``str(error)`` and exits with status 2; it never shows a traceback.
    The message names the file, the key path, what was expected and what was found.
    """

    exit_status = 2

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None):
        self.file = file
        self.key = key
        self.detail = message
        where = ", ".join(part for part in (file and f"file {file}", key and f"key '{key}'") if part)
        super().__init__(f"{where}: {message}" if where else message)


class ScenarioError(UserError):
    """A scenario file or scenario dictionary that cannot be used."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a command, with what it means for the command's outputs: the command line prints
    ``interrupted: MESSAGE`` and exits with status 130 (a plain ``KeyboardInterrupt``: ``interrupted``)."""


class Terminated(KeyboardInterrupt):
    """SIGTERM during a command (a batch system's time limit, ``kill PID``): the command line stops as
    after Ctrl-C, keeping what Ctrl-C keeps, but says ``terminated`` and exits with status 143."""


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 ("1 design point", "3 replications")."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def did_you_mean(word: str, choices, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)``, naming the choice nearest ``word``, or ``""`` when none is near enough."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f" (did you mean '{close[0]}'?)" if close else ""


def file_in_the_way(folder: "str | Path") -> Path | None:
    """The file that stands where ``folder`` or one of the folders above it should be, or None.

    ``a`` for ``a/b`` when ``a`` is a file: creating ``a/b`` would fail with "File exists" or "Not a
    directory", which does not say which path is wrong.
    """
    for path in (Path(folder), *Path(folder).parents):
        if path.exists():
            return None if path.is_dir() else path
    return None


def as_path(value: object, key: str) -> Path:
    """A file or folder path given from Python (a ``str`` or ``os.PathLike``), as a ``Path``.

    Anything else (a number, None) is refused with one message naming ``key``: ``Path(3)`` would
    raise a TypeError that names neither the argument nor what was expected.
    """
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    raise UserError(f"expected a file or folder path (a str or pathlib.Path); found {type(value).__name__} {value!r}",
                    key=key)


def path_option(text: "str | Path | None", key: str = "--out") -> Path | None:
    """The path a command-line option such as ``--out`` names, or None where it is not given.

    An empty text (``--out ""``, or ``--out "$DIR"`` with ``DIR`` unset) is refused: ``Path("")`` is
    the current folder, so the command would quietly write there or to its default folder instead.
    """
    if text is None:
        return None
    if not str(text).strip():
        raise UserError(f"expected a file or folder name; found an empty text ({key} \"\")", key=key)
    return Path(text)
