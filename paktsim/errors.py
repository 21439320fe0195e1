"""Error types shared by every boundary of paktsim (files, CLI, Python API).

Every problem with user input is reported as a :class:`Problem` naming the field
(a dotted path or a column), what is wrong, and the offending value.  An
:class:`InputError` carries one or more problems; the CLI prints one line per
problem in the form ``SOURCE: path.to.field: what is wrong (got VALUE)`` and exits
with code 2.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable

__all__ = ["Problem", "InputError", "NO_VALUE"]


class _NoValue:
    """Marker for a problem that has no single offending value (e.g. a missing field)."""

    def __repr__(self) -> str:  # pragma: no cover - trivial
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()


def _short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, without ever building the full repr.

    A hostile input (a YAML alias bomb, a megabyte cell) must not cost time or
    memory just to be quoted in an error line: containers are shortened before
    they are formatted, long strings are sliced first.
    """
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str) and len(value) > limit:
        # keep both ends: of a long path, the file name at the end is what the user knows
        half = max(1, (limit - 5) // 2)
        text = f"{_short_repr(value[:half], limit)[:-1]}...{_short_repr(value[-half:], limit)[1:]}"
        return text.replace("\n", "\\n").replace("\r", "\\r")
    text = _bounded_repr(value, limit, depth=0)
    text = text.replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _bounded_repr(value: Any, limit: int, depth: int) -> str:
    if depth > 3:
        return "..."
    if isinstance(value, str):
        return repr(value[: limit + 1])
    if isinstance(value, (bytes, bytearray)):
        return repr(bytes(value[: limit + 1]))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return f"<ganze Zahl mit {value.bit_length()} Bit>"
    if isinstance(value, dict):
        parts, size = [], 0
        for key, item in value.items():
            if size > limit:
                parts.append("...")
                break
            part = (
                f"{_bounded_repr(key, limit, depth + 1)}: {_bounded_repr(item, limit, depth + 1)}"
            )
            parts.append(part)
            size += len(part) + 2
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        parts, size = [], 0
        for item in value:
            if size > limit:
                parts.append("...")
                break
            part = _bounded_repr(item, limit, depth + 1)
            parts.append(part)
            size += len(part) + 2
        open_, close = {list: "[]", tuple: "()"}.get(type(value), "{}")
        return open_ + ", ".join(parts) + close
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real problem
        return f"<{type(value).__name__}>"
    return text[: limit + 1]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with user input.

    Parameters
    ----------
    location : str
        Dotted path of the field (``allocation.budget_eur``) or the column/row
        (``counts.csv:persons``) that is wrong.
    message : str
        What is wrong and what was expected, in plain words.
    value : Any, optional
        The offending value; omitted when there is none (missing field).
    """

    location: str
    message: str
    value: Any = field(default=NO_VALUE)

    def format(self, source: str | None = None) -> str:
        """Return the one-line form ``SOURCE: location: message (got VALUE)``."""
        parts = [p for p in (source, self.location) if p]
        # one line whatever a library put into the message (pandas parser errors end in "\n")
        text = " ".join(": ".join(parts + [self.message]).split())
        if self.value is not NO_VALUE:
            text += f" (got {_short_repr(self.value)})"
        return text


class InputError(ValueError):
    """Bad user input: one or more :class:`Problem` s, nothing was written.

    Parameters
    ----------
    problems : Problem or iterable of Problem
        What is wrong.
    source : str, optional
        The file or argument the problems come from, printed before each line.
    """

    def __init__(self, problems: Problem | Iterable[Problem], source: str | None = None):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one Problem")
        self.source = source
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """One formatted line per problem."""
        return [p.format(self.source) for p in self.problems]

    def with_source(self, source: str) -> "InputError":
        """Return a copy that names ``source`` (e.g. the file path) on every line."""
        return InputError(self.problems, source=source)

    @classmethod
    def single(
        cls, location: str, message: str, value: Any = NO_VALUE, source: str | None = None
    ) -> "InputError":
        """Shortcut for an error with exactly one problem."""
        return cls(Problem(location, message, value), source=source)
