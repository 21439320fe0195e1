"""Safe writing of result files.

Every file paktsim writes goes through this module so that

* an existing file is never overwritten unless the user said ``--force``;
* all targets of one command are checked *before* anything is written;
* a file is written to a temporary sibling and renamed into place, so a crash or
  a bad value half-way never leaves a half-written file behind;
* a whole output *set* (``paktsim run``) is written into a fresh sibling folder
  and swapped in only when every file is complete (:func:`output_set`), under a
  lock, so an interrupted, failed or concurrent run never leaves a folder that
  mixes two runs;
* text cells that a spreadsheet would read as a formula are neutralised
  (:func:`csv_safe`; Excel: :func:`paktsim.report.excel.safe_cell`).

Tables go to CSV (UTF-8, ``,`` separator, ``.`` decimal: machine-readable) or
Excel (real numbers with number formats, a ``Herkunft`` provenance sheet), chosen
by the file extension.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
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
    "csv_safe",
    "output_set",
    "write_long_csv",
    "write_table",
    "write_text",
]

TABLE_SUFFIXES = (".csv", ".xlsx")


def ensure_writable(
    paths: Iterable[str | os.PathLike[str]],
    force: bool = False,
    suffixes: Iterable[str] | None = None,
    location: str = "--out",
) -> list[Path]:
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
            problems.append(
                Problem(
                    location,
                    f"unsupported file type, expected one of {', '.join(allowed)}",
                    str(path),
                )
            )
        elif path.is_dir():
            problems.append(Problem(location, "is a directory, expected a file path", str(path)))
        elif path.exists() and not force:
            existing_files.append(path)
        else:
            parent = path.parent
            existing = next((p for p in (parent, *parent.parents) if p.exists()), None)
            if existing is not None and not existing.is_dir():
                problems.append(
                    Problem(location, "parent path is a file, not a folder", str(existing))
                )
            elif existing is not None and not os.access(existing, os.W_OK):
                problems.append(Problem(location, "folder is not writable", str(existing)))
    if len(existing_files) > 3:  # one line, not one per file of a whole output folder
        folders = sorted({str(p.parent) for p in existing_files})
        names = ", ".join(p.name for p in existing_files[:3])
        problems.append(
            Problem(
                location,
                f"{len(existing_files)} files exist already in "
                f"{', '.join(folders)} ({names}, …); use --force to "
                "overwrite them",
            )
        )
    else:
        problems += [
            Problem(location, "file exists; use --force to overwrite it", str(p))
            for p in existing_files
        ]
    if problems:
        raise InputError(problems)
    return result


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str], mode: str = "wb", overwrite: bool = True
) -> Iterator[Any]:
    """Open a temporary sibling of ``path`` and rename it into place on success.

    On any exception the temporary file is removed and ``path`` is untouched.
    With ``overwrite=False`` the file is linked into place only if ``path`` does
    not exist at that moment (no race with a concurrent writer); otherwise an
    :class:`~paktsim.errors.InputError` is raised.
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
        if overwrite:
            os.replace(tmp_name, target)
        else:
            try:
                os.link(tmp_name, target)
            except FileExistsError:
                raise InputError.single(
                    "--out",
                    "Datei existiert inzwischen (von einem anderen "
                    "Lauf geschrieben); --force überschreibt sie",
                    str(target),
                ) from None
            os.unlink(tmp_name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_text(path: str | os.PathLike[str], text: str, overwrite: bool = True) -> Path:
    """Write ``text`` (UTF-8) atomically and return the path."""
    with atomic_write(path, "w", overwrite=overwrite) as handle:
        handle.write(text)
    return Path(path)


def write_bytes_with(
    path: str | os.PathLike[str], writer: Callable[[Any], None], overwrite: bool = True
) -> Path:
    """Call ``writer(binary_handle)`` on a temporary file and rename it into place."""
    with atomic_write(path, "wb", overwrite=overwrite) as handle:
        writer(handle)
    return Path(path)


_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_guard(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith(_CSV_TRIGGERS) or "\r" in value)


def _guard_text(value: Any) -> Any:
    if not _needs_guard(value):
        return value
    # a bare CR is not quoted by the writer ("\n" line ends) and would split the row
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return f"'{value}" if value.startswith(_CSV_TRIGGERS) or value.startswith("\n") else value


def csv_safe(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Return ``frame`` with text that a spreadsheet would run as a formula made inert.

    Text cells (and index values and column names) starting with ``= + - @``,
    tab or CR get a leading ``'`` (the OWASP recommendation for CSV): Excel and
    LibreOffice then show the text instead of evaluating it.  Numbers are never
    touched, so negative amounts stay numbers.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame
        ``frame`` itself when nothing needed changing, else a guarded copy.
    """
    import pandas as pd

    def is_text(dtype: Any) -> bool:
        # numpy dtype equality, not a type check
        return dtype == object or pd.api.types.is_string_dtype(dtype)  # noqa: E721

    def guard_index(index: "pd.Index") -> "pd.Index":
        if isinstance(index, pd.MultiIndex):
            return index.set_levels([guard_index(level) for level in index.levels])
        if is_text(index.dtype) and index.map(_needs_guard).any():
            return pd.Index([_guard_text(v) for v in index], name=index.name)
        return index

    out = frame
    for j in range(frame.shape[1]):
        col = frame.iloc[:, j]
        if isinstance(col.dtype, pd.CategoricalDtype):  # guard the few categories
            categories = col.cat.categories
            if is_text(categories.dtype) and categories.map(_needs_guard).any():
                if out is frame:
                    out = frame.copy()
                guarded = pd.Index([_guard_text(v) for v in categories])
                values = (
                    col.cat.rename_categories(guarded)
                    if guarded.is_unique
                    else col.astype(object).map(_guard_text)
                )
                out.isetitem(j, values.to_numpy() if not guarded.is_unique else values.array)
            continue
        if not is_text(col.dtype):
            continue
        # long tables repeat few distinct texts (names, months): test those only
        uniques = pd.unique(col.dropna())
        if not any(_needs_guard(v) for v in uniques):
            continue
        if pd.api.types.is_string_dtype(col.dtype) and col.dtype != object:
            hit = (
                (col.str.startswith(_CSV_TRIGGERS) | col.str.contains("\r", regex=False))
                .fillna(False)
                .astype(bool)
            )
        else:
            hit = col.map(_needs_guard)
        if hit.any():
            if out is frame:
                out = frame.copy()
            out.isetitem(j, col.map(_guard_text))
    index = guard_index(frame.index)
    columns = guard_index(frame.columns)
    if index is not frame.index or columns is not frame.columns:
        if out is frame:
            out = frame.copy()
        out.index = index
        out.columns = columns
    return out


# --------------------------------------------------------------------------- output sets

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _siblings(out_dir: Path, kind: str) -> list[Path]:
    prefix = f".{out_dir.name}.{kind}-"
    try:
        return [p for p in out_dir.parent.iterdir() if p.name.startswith(prefix)]
    except FileNotFoundError:
        return []


def _recover(out_dir: Path) -> None:
    """Finish or undo what a killed run left behind (the caller holds the lock)."""
    olds = _siblings(out_dir, "alt")
    if olds and not out_dir.exists():
        # killed between the two renames of the fallback swap: the old set comes back
        os.rename(max(olds, key=lambda p: p.stat().st_mtime), out_dir)
        olds = _siblings(out_dir, "alt")
    for stale in (*olds, *_siblings(out_dir, "neu")):
        shutil.rmtree(stale, ignore_errors=True)


def _previous_outputs(out_dir: Path, record_name: str | None) -> set[str]:
    """Names of the files the previous run listed in its run record."""
    import json

    if record_name is None:
        return set()
    try:
        data = json.loads((out_dir / record_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    outputs = data.get("outputs") if isinstance(data, dict) else None
    names = {str(k) for k in outputs} if isinstance(outputs, dict) else set()
    return names | {record_name}


@contextlib.contextmanager
def output_set(
    out_dir: str | os.PathLike[str],
    names: Iterable[str],
    force: bool = False,
    record_name: str | None = None,
) -> Iterator[Path]:
    """Write a set of files into ``out_dir`` all at once, or not at all.

    Yields a fresh, empty folder next to ``out_dir`` (``.NAME.neu-XXXX``) to
    write into.  When the ``with`` block completes, files in ``out_dir`` that
    belong neither to the old set (the previous run record's outputs) nor to
    the new one (the user's own files and folders) are hard-linked into it, and it is swapped
    with ``out_dir`` in one atomic step (``renameat2`` exchange; elsewhere two
    renames, completed or undone by the next run).  The previous set stays
    untouched until that moment.  On any failure (also Ctrl+C, or SIGTERM in
    the CLI) the temporary folder is removed; after a SIGKILL the next run
    removes it.  A lock file ``.NAME.lock`` next to ``out_dir``
    (``fcntl.flock``) stops two runs from writing one folder at once.

    Parameters
    ----------
    out_dir : path-like
        The result folder.
    names : iterable of str
        File names the run will write (checked against existing files first).
    force : bool
        Allow replacing existing result files.
    record_name : str, optional
        Name of the run record inside the set.

    Raises
    ------
    InputError
        A file exists (without ``force``), ``out_dir`` is not a folder,
        contains the current working folder, or another run holds the lock.
    """
    out_dir = Path(out_dir)
    names = list(names)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError.single("--out", "ist eine Datei; erwartet einen Ordner", str(out_dir))
    absolute = Path(os.path.abspath(out_dir))
    if absolute == Path(absolute.anchor) or Path.cwd().resolve().is_relative_to(absolute.resolve()):
        raise InputError.single(
            "--out",
            "der Ausgabeordner darf nicht der aktuelle Ordner "
            "(oder einer darüber) sein; bitte einen eigenen "
            "Ergebnisordner angeben",
            str(out_dir),
        )
    ensure_writable([absolute / n for n in names], force=force, location="--out")
    parent = absolute.parent
    parent.mkdir(parents=True, exist_ok=True)
    lock = open(parent / f".{absolute.name}.lock", "a+b")
    try:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError.single(
                "--out",
                "ein anderer paktsim-Lauf schreibt gerade in "
                "diesen Ordner; bitte warten oder einen anderen "
                "Ordner wählen",
                str(out_dir),
            ) from None
        _recover(absolute)
        if absolute.is_dir():
            # check again under the lock: a concurrent run may have finished meanwhile
            ensure_writable([absolute / n for n in names], force=force, location="--out")
        new = Path(tempfile.mkdtemp(prefix=f".{absolute.name}.neu-", dir=parent))
        try:
            os.chmod(
                new, (absolute.stat().st_mode & 0o7777) if absolute.is_dir() else 0o777 & ~_umask()
            )
            yield new
            if absolute.is_dir():
                old_set = _previous_outputs(absolute, record_name) | set(names)
                for entry in absolute.iterdir():
                    if entry.name not in old_set and not (new / entry.name).exists():
                        _carry(entry, new / entry.name)
                _swap(new, absolute)
            else:
                os.rename(new, absolute)
        finally:
            shutil.rmtree(new, ignore_errors=True)  # after a swap: the old set
    finally:
        lock.close()


def _carry(entry: Path, target: Path) -> None:
    """Take a user's file or folder into the new set: hard links (no copy, no move, so
    the old set stays complete until the swap), a copy where linking is impossible."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    if entry.is_dir() and not entry.is_symlink():
        shutil.copytree(entry, target, symlinks=True, copy_function=link)
    elif entry.is_symlink():
        os.symlink(os.readlink(entry), target)
    else:
        link(str(entry), str(target))


def _swap(new: Path, out_dir: Path) -> None:
    """Put ``new`` in place of ``out_dir``; afterwards ``new`` holds the old set."""
    if _exchange(new, out_dir):
        return
    old = out_dir.with_name(f".{out_dir.name}.alt-{new.name.rsplit('-', 1)[-1]}")
    os.rename(out_dir, old)
    os.rename(new, out_dir)  # a kill between the two renames is undone by _recover
    os.rename(old, new)


def write_table(
    path: str | os.PathLike[str],
    tables: "pd.DataFrame | Mapping[str, pd.DataFrame]",
    provenance: Mapping[str, Any] | None = None,
    number_formats: Mapping[str, str] | None = None,
    overwrite: bool = True,
) -> Path:
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
    overwrite : bool, default True
        ``False``: refuse (``InputError``) if the file appeared since the
        up-front check (another process wrote it); the check and the rename
        are one atomic step.

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
            raise InputError.single(
                "--out", "a CSV file holds one table; use .xlsx for several", str(target)
            )
        (frame,) = tables.values()
        text = csv_safe(frame).to_csv(lineterminator="\n")
        return write_text(target, text, overwrite=overwrite)
    if suffix == ".xlsx":
        from paktsim.report.excel import write_workbook

        return write_bytes_with(
            target,
            lambda handle: write_workbook(handle, tables, provenance or {}, number_formats or {}),
            overwrite=overwrite,
        )
    raise InputError.single("--out", "unsupported file type, expected .csv or .xlsx", str(target))


def write_long_csv(
    path: str | os.PathLike[str], frame: "pd.DataFrame", overwrite: bool = True
) -> Path:
    """Write a long machine table (e.g. every place × month × stage) to CSV, fast.

    Same contract as :func:`write_table` for CSV (formula-like text neutralised,
    atomic), written by pyarrow's CSV writer: about 15 times faster than
    ``DataFrame.to_csv`` on the 264,000 Gemeinde-month rows of ``paktsim run``.
    Text fields are always quoted; whole numbers in float columns are written
    without ``.0`` (``30`` for 30.0); the index is not written (pass it as
    columns).

    Parameters
    ----------
    path : path-like
        The ``.csv`` file.
    frame : DataFrame
        The table; its index is dropped.
    overwrite : bool, default True
        As in :func:`write_table`.

    Returns
    -------
    Path
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    table = pa.Table.from_pandas(csv_safe(frame), preserve_index=False)

    def write(handle: Any) -> None:
        pa_csv.write_csv(table, handle, pa_csv.WriteOptions(quoting_style="needed"))

    return write_bytes_with(path, write, overwrite=overwrite)
