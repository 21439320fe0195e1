"""Safe writing of result files.

Every file paktsim writes goes through this module so that

* an existing file is never overwritten unless the user said ``--force``;
* all targets of one command are checked *before* anything is written;
* a file is written to a temporary sibling and renamed into place, so a crash or
  a bad value half-way never leaves a half-written file behind.

Tables go to CSV (UTF-8, ``,`` separator, ``.`` decimal: machine-readable) or
Excel (real numbers with number formats, a ``Herkunft`` provenance sheet), chosen
by the file extension.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paktsim.errors import InputError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "TABLE_SUFFIXES",
    "ensure_writable",
    "atomic_write",
    "write_table",
    "write_text",
]

TABLE_SUFFIXES = (".csv", ".xlsx")


def ensure_writable(paths: Iterable[str | os.PathLike[str]], force: bool = False,
                    suffixes: Iterable[str] | None = None, location: str = "--out") -> list[Path]:
    """Check every target before anything is written.

    Parameters
    ----------
    paths : iterable of path-like
        Files the command is about to write.
    force : bool
        Allow replacing existing files.
    suffixes : iterable of str, optional
        Allowed extensions (e.g. ``(".csv", ".xlsx")``).
    location : str
        Name of the argument, used in error messages.

    Returns
    -------
    list of Path

    Raises
    ------
    InputError
        A file exists (without ``force``), is a directory, has an unsupported
        extension, or its folder cannot be created.
    """
    problems: list[Problem] = []
    existing_files: list[Path] = []
    result = [Path(p) for p in paths]
    allowed = tuple(s.lower() for s in suffixes) if suffixes else None
    for path in result:
        if allowed and path.suffix.lower() not in allowed:
            problems.append(Problem(location, f"unsupported file type, expected one of "
                                              f"{', '.join(allowed)}", str(path)))
        elif path.is_dir():
            problems.append(Problem(location, "is a directory, expected a file path", str(path)))
        elif path.exists() and not force:
            existing_files.append(path)
        else:
            parent = path.parent
            existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
            if existing is not None and not existing.is_dir():
                problems.append(Problem(location, "parent path is a file, not a folder",
                                        str(existing)))
            elif existing is not None and not os.access(existing, os.W_OK):
                problems.append(Problem(location, "folder is not writable", str(existing)))
    if len(existing_files) > 3:  # one line, not one per file of a whole output folder
        folders = sorted({str(p.parent) for p in existing_files})
        names = ", ".join(p.name for p in existing_files[:3])
        problems.append(Problem(location, f"{len(existing_files)} files exist already in "
                                          f"{', '.join(folders)} ({names}, …); use --force to "
                                          "overwrite them"))
    else:
        problems += [Problem(location, "file exists; use --force to overwrite it", str(p))
                     for p in existing_files]
    if problems:
        raise InputError(problems)
    return result


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[Any]:
    """Open a temporary sibling of ``path`` and rename it into place on success.

    On any exception the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates the file private (0600); results are ordinary files (umask).
        os.chmod(tmp_name, 0o666 & ~_umask())
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else ""
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
            yield handle
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) atomically and return the path."""
    with atomic_write(path, "w") as handle:
        handle.write(text)
    return Path(path)


def write_bytes_with(path: str | os.PathLike[str], writer: Callable[[Any], None]) -> Path:
    """Call ``writer(binary_handle)`` on a temporary file and rename it into place."""
    with atomic_write(path, "wb") as handle:
        writer(handle)
    return Path(path)


def write_table(path: str | os.PathLike[str], tables: "pd.DataFrame | Mapping[str, pd.DataFrame]",
                provenance: Mapping[str, Any] | None = None,
                number_formats: Mapping[str, str] | None = None) -> Path:
    """Write one or several tables to CSV or Excel, by the extension of ``path``.

    Parameters
    ----------
    path : path-like
        ``.csv`` (one table only) or ``.xlsx`` (one sheet per table plus a
        ``Herkunft`` sheet).
    tables : DataFrame or mapping of sheet name to DataFrame
        The index is written as the first column(s).
    provenance : mapping, optional
        Key/value pairs for the provenance sheet (rule, parameters, data
        vintage, date, version …). Excel only; ignored for CSV.
    number_formats : mapping, optional
        Column name → Excel number format in US syntax (``'#,##0 "€"'``,
        ``'0.0%'``); Excel localises the display. Columns not listed get a
        format from :func:`paktsim.report.excel.default_number_format`.

    Returns
    -------
    Path
        The written file.
    """
    import pandas as pd

    target = Path(path)
    if isinstance(tables, pd.DataFrame):
        tables = {"Tabelle": tables}
    suffix = target.suffix.lower()
    if suffix == ".csv":
        if len(tables) != 1:
            raise InputError.single("--out", "a CSV file holds one table; use .xlsx for several",
                                    str(target))
        (frame,) = tables.values()
        text = frame.to_csv(lineterminator="\n")
        return write_text(target, text)
    if suffix == ".xlsx":
        from paktsim.report.excel import write_workbook

        return write_bytes_with(
            target, lambda handle: write_workbook(handle, tables, provenance or {},
                                                  number_formats or {}))
    raise InputError.single("--out", "unsupported file type, expected .csv or .xlsx", str(target))
