"""Reading user files without trusting them: regular files only, size caps, safe YAML.

Every file a user hands to paktsim (scenario YAML, CSV tables, allocation
tables) is read through this module, so that

* only regular files are read (``/dev/zero``, a FIFO or a folder is refused
  before it is opened);
* a file larger than its cap is refused before it is read into memory;
* YAML is parsed by a safe loader (no Python objects) with a cap on nesting
  depth and on the size of the document *after* alias expansion, so a
  "billion laughs" alias bomb or a 20,000-deep nesting is refused in
  milliseconds instead of exhausting memory or the stack.

Every refusal is an :class:`~paktsim.errors.InputError` (exit code 2 in the CLI).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from paktsim.errors import InputError

__all__ = [
    "MAX_TABLE_BYTES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "LimitedSafeLoader",
    "check_regular_file",
    "load_yaml",
    "read_text",
]

#: Largest scenario/parameter YAML accepted (bytes); shipped scenarios are < 5 kB.
MAX_YAML_BYTES = 1_000_000
#: Deepest nesting of YAML collections accepted; a scenario needs fewer than 10 levels.
MAX_YAML_DEPTH = 64
#: Most YAML nodes accepted after alias expansion (each alias counts its whole subtree).
MAX_YAML_NODES = 100_000
#: Largest user table accepted (bytes): ~15 million rows of ``ags;persons``.
MAX_TABLE_BYTES = 256_000_000


def _size_text(n: int) -> str:
    return f"{n / 1e6:.1f} MB".replace(".", ",") if n >= 100_000 else f"{n} Bytes"


def check_regular_file(
    path: str | os.PathLike[str], limit: int, location: str = "(file)", source: str | None = None
) -> int:
    """Refuse anything that is not an existing regular file of at most ``limit`` bytes.

    The check uses ``stat`` only, so a device (``/dev/zero``), a FIFO or a socket
    is refused without being opened (opening a FIFO could block forever).

    Parameters
    ----------
    path : path-like
    limit : int
        Largest accepted size in bytes.
    location : str
        Location named in the error (a field path or ``(file)``).
    source : str, optional
        Source named in the error (default: the path).

    Returns
    -------
    int
        The file size in bytes.

    Raises
    ------
    InputError
        Missing, not a regular file, unreadable, or larger than ``limit``.
    """
    src = str(path) if source is None else source
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError.single(location, "Datei nicht gefunden", str(path), source=src) from None
    except OSError as exc:
        raise InputError.single(
            location, f"Datei nicht lesbar ({exc.strerror})", str(path), source=src
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError.single(
            location, "ist ein Ordner; erwartet eine Datei", str(path), source=src
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError.single(
            location,
            "keine gewöhnliche Datei (Gerät, Pipe oder Socket); erwartet eine Datei",
            str(path),
            source=src,
        )
    if info.st_size > limit:
        raise InputError.single(
            location,
            f"Datei zu groß: {_size_text(info.st_size)}, höchstens {_size_text(limit)}",
            str(path),
            source=src,
        )
    return int(info.st_size)


def read_text(
    path: str | os.PathLike[str],
    limit: int,
    location: str = "(file)",
    source: str | None = None,
    encoding: str = "utf-8",
) -> str:
    """Read a user's text file: regular file, at most ``limit`` bytes, decoded.

    Parameters
    ----------
    path : path-like
    limit : int
        Largest accepted size in bytes (checked before and while reading).
    location, source : str
        Named in errors, as in :func:`check_regular_file`.
    encoding : str
        ``utf-8`` or ``utf-8-sig`` (a BOM is dropped).

    Raises
    ------
    InputError
        As :func:`check_regular_file`, or the bytes are not valid text.
    """
    src = str(path) if source is None else source
    check_regular_file(path, limit, location, src)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError.single(
            location, f"Datei nicht lesbar ({exc.strerror})", str(path), source=src
        ) from None
    if len(data) > limit:  # grew since stat
        raise InputError.single(
            location, f"Datei zu groß, höchstens {_size_text(limit)}", str(path), source=src
        )
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError.single(
            location, "kein UTF-8-Text; bitte als UTF-8 speichern", f"Byte {exc.start}", source=src
        ) from None


class _LimitExceeded(yaml.YAMLError):
    def __init__(self, message: str, mark: Any):
        super().__init__(message)
        self.problem = message
        self.problem_mark = mark


class LimitedSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with caps on nesting depth and on the expanded node count.

    The count is taken while composing: each node weighs 1 plus its children,
    an alias weighs as much as the subtree it points to.  Aliases are shared
    objects in memory, but anything walking the result (validation, hashing,
    JSON) sees the full expansion, so that is what is capped.
    """

    max_depth = MAX_YAML_DEPTH
    max_nodes = MAX_YAML_NODES

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._depth = 0
        self._weights: dict[int, int] = {}

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise _LimitExceeded(
                    f"zu tief verschachtelt (mehr als {self.max_depth} Ebenen)",
                    self.peek_event().start_mark,
                )
            is_alias = self.check_event(yaml.AliasEvent)
            node = super().compose_node(parent, index)
            if not is_alias:
                if isinstance(node, yaml.SequenceNode):
                    weight = 1 + sum(self._weights.get(id(c), 1) for c in node.value)
                elif isinstance(node, yaml.MappingNode):
                    weight = 1 + sum(
                        self._weights.get(id(k), 1) + self._weights.get(id(v), 1)
                        for k, v in node.value
                    )
                else:
                    weight = 1
                if weight > self.max_nodes:
                    raise _LimitExceeded(
                        f"Dokument zu groß nach Auflösen der Verweise (Anker/Aliase): mehr als "
                        f"{self.max_nodes:,} Einträge".replace(",", "."),
                        node.start_mark,
                    )
                self._weights[id(node)] = weight
            return node
        finally:
            self._depth -= 1

    def construct_yaml_timestamp(self, node: Any) -> Any:
        # "2025-13-01" looks like a date but is none: keep the text, so the field that
        # holds it reports the problem (with its path) instead of the whole file failing
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        # a repeated key silently wins in plain YAML ("target_ratio: 88" then "… 200"):
        # refuse it, naming the key and line (merge keys "<<" may override on purpose)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                if isinstance(key_node, yaml.ScalarNode):
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"Schlüssel '{str(key_node.value)[:40]}' kommt doppelt vor",
                            key_node.start_mark,
                        )
                    seen.add(key)
        return super().construct_mapping(node, deep=deep)


LimitedSafeLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", LimitedSafeLoader.construct_yaml_timestamp
)


def load_yaml(text: str, source: str | None = None) -> Any:
    """Parse YAML text safely (plain data only, capped depth and expansion).

    Parameters
    ----------
    text : str
    source : str, optional
        File name for error lines.

    Returns
    -------
    Any
        Plain data (dict, list, str, int, float, bool, None, date).

    Raises
    ------
    InputError
        Invalid YAML (with line and column), too deep, too large after alias
        expansion, or a value the safe loader cannot build.
    """
    if len(text) > MAX_YAML_BYTES:
        raise InputError.single(
            "(yaml)",
            f"Text zu lang: {len(text):,} Zeichen, höchstens {MAX_YAML_BYTES:,}".replace(",", "."),
            source=source,
        )
    loader = None
    try:
        loader = LimitedSafeLoader(text)
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"Zeile {mark.line + 1}, Spalte {mark.column + 1}" if mark else "(yaml)"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError.single(where, f"ungültiges YAML: {reason}", source=source) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        # e.g. an integer literal with 10,000 digits, a date like 2025-02-30
        raise InputError.single(
            "(yaml)", f"ungültiger Wert im YAML: {str(exc)[:80]}", source=source
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


def load_yaml_file(path: str | os.PathLike[str], limit: int = MAX_YAML_BYTES) -> Any:
    """Read and parse a user's YAML file (:func:`read_text` + :func:`load_yaml`)."""
    source = str(Path(path))
    return load_yaml(read_text(path, limit, source=source), source=source)
