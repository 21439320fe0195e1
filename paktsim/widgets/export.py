"""Writing a dashboard export (file name → bytes) into a folder, safely and in German."""

from __future__ import annotations

from pathlib import Path

from paktsim.errors import InputError

__all__ = ["write_export"]


def write_export(folder: str | Path, files: dict[str, bytes], force: bool) -> list[Path]:
    """Write ``files`` (name → bytes) into ``folder``: all checked first, each atomically.

    Raises
    ------
    InputError
        German message: the folder is a file, files exist (without ``force``),
        or the folder is not writable.
    """
    import os

    from paktsim.io import write_bytes_with

    base = Path(folder)
    if str(folder).strip() == "":
        raise InputError.single("Ordner", "bitte einen Ordner angeben", str(folder))
    if base.exists() and not base.is_dir():
        raise InputError.single("Ordner", "ist eine Datei, kein Ordner", str(base))
    targets = [base / name for name in files]
    folders = [t.name for t in targets if t.is_dir()]
    if folders:
        raise InputError.single(
            "Ordner", f"{', '.join(folders)} ist dort ein Ordner, keine Datei", str(base)
        )
    existing = [t.name for t in targets if t.exists()]
    if existing and not force:
        raise InputError.single(
            "Ordner",
            f"{', '.join(existing)} gibt es dort schon; zum Ersetzen „überschreiben“ anhaken",
            str(base),
        )
    parent = next((q for q in (base, *base.parents) if q.exists()), None)
    if parent is not None and (not parent.is_dir() or not os.access(parent, os.W_OK)):
        raise InputError.single("Ordner", "kann nicht geschrieben werden", str(parent))
    written = []
    for target, data in zip(targets, files.values()):
        written.append(write_bytes_with(target, lambda handle, d=data: handle.write(d)))
    return written
