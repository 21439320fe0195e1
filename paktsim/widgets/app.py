"""The dashboards as apps: ``paktsim app werkstatt|vergleich`` serves one with Voilà.

Why Voilà (not Solara): the dashboards are ipywidgets views already tested in
JupyterLab; Voilà serves exactly those widgets with a kernel per page and no code
shown, and it is installed with the notebook tools.  Solara would need the views
rewritten as Solara components.

The app pages run :func:`werkstatt` / :func:`vergleich` (one cell each, notebooks
in this package); exports are offered as downloads only, so a page load or a
click never writes to the server's disk.  The Voilà template ``paktsim`` (in
``apps/share``, found through ``JUPYTER_PATH``) drops Voilà's links to font
style sheets on a CDN: the page makes no request beyond 127.0.0.1.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

__all__ = ["APPS", "app_notebook", "free_port", "vergleich", "voila_command", "werkstatt"]

#: App name → (notebook in this package, German title).
APPS: dict[str, tuple[str, str]] = {
    "werkstatt": ("werkstatt.ipynb", "Szenario-Werkstatt"),
    "vergleich": ("vergleich.ipynb", "Verteilregeln im Vergleich"),
}
_HERE = Path(__file__).resolve().parent / "apps"


def werkstatt() -> Any:
    """The scenario workshop as shown by the app (download export, no folder)."""
    from paktsim.widgets.views import WorkshopView
    from paktsim.widgets.workshop import WorkshopController

    return WorkshopView(WorkshopController(), export_folder=None)


def vergleich() -> Any:
    """The allocation comparer as shown by the app (download export, no folder)."""
    from paktsim.widgets.comparer import ComparerController
    from paktsim.widgets.views import ComparerView

    return ComparerView(ComparerController(), export_folder=None)


def app_notebook(name: str) -> Path:
    """Path of the app notebook ``name`` (a key of :data:`APPS`)."""
    from paktsim.errors import InputError

    if name not in APPS:
        raise InputError.single("app", f"erwartet {' oder '.join(APPS)}", name)
    return _HERE / APPS[name][0]


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (asked from the operating system)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def voila_command(name: str, port: int, open_browser: bool = False) -> tuple[list[str],
                                                                             dict[str, str]]:
    """Command line and environment that serve app ``name`` with Voilà on 127.0.0.1:``port``.

    Returns
    -------
    (argv, env)
        ``env`` is the current environment with this package's Voilà template
        on ``JUPYTER_PATH`` and the package importable in the kernel.
    """
    notebook = app_notebook(name)
    argv = [sys.executable, "-m", "voila", str(notebook), f"--port={int(port)}",
            "--Voila.ip=127.0.0.1", "--template=paktsim", "--theme=light",
            "--VoilaConfiguration.show_tracebacks=False",
            "--ServerApp.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    env = dict(os.environ)
    share = str(_HERE / "share")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return argv, env
