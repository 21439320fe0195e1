"""Re-execute the notebooks in place so their stored outputs match the current model.

Usage (from the repository root)::

    python tools/execute_notebooks.py                 # all notebooks/*.ipynb
    python tools/execute_notebooks.py notebooks/01_schnellstart.ipynb

Each notebook runs top to bottom in a fresh kernel of the current environment,
with its own folder as working directory, no timing metadata, and widget state
stored, so the committed file is deterministic and what nbval checks in CI.
A notebook that fails is left unchanged and the script exits with code 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 600) -> None:
    """Execute one notebook and atomically replace it with the executed version."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    env_backup = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        client.execute()
    finally:
        if env_backup is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_backup
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.tmp")
    os.close(fd)
    try:
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv: list[str] | None = None) -> int:
    """Execute the given notebooks (default: all in notebooks/)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    failed = []
    for path in paths:
        print(f"executing {path} ...", flush=True)
        try:
            execute(path.resolve(), args.timeout)
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            print(f"  FAILED: {type(exc).__name__}: {str(exc)[:2000]}", file=sys.stderr)
            failed.append(path)
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(map(str, failed))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
