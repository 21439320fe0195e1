"""``paktsim app [werkstatt|vergleich]``: serve a dashboard alone with Voilà on 127.0.0.1.

Why Voilà (not Solara): the dashboards are ipywidgets views already tested in
JupyterLab; Voilà serves exactly those widgets with a kernel per page and no code
shown, and it installs with the notebook tools.  Solara would need the views
rewritten as Solara components.

The app pages are notebooks in ``paktsim/apps`` with one cell each
(:func:`paktsim.widgets.app.werkstatt` / ``vergleich``).  The Voilà template
``paktsim`` (``paktsim/apps/share``, found through ``JUPYTER_PATH``) drops Voilà's
links to font style sheets on a CDN: the page makes no request beyond 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

#: App name → (notebook in ``paktsim/apps``, German title).
APPS: dict[str, tuple[str, str]] = {
    "werkstatt": ("werkstatt.ipynb", "Szenario-Werkstatt"),
    "vergleich": ("vergleich.ipynb", "Verteilregeln im Vergleich"),
}
APPS_DIR = Path(__file__).resolve().parent.parent / "apps"


def app_notebook(name: str) -> Path:
    """Path of the app notebook ``name`` (a key of :data:`APPS`)."""
    from paktsim.errors import InputError

    if name not in APPS:
        raise InputError.single("app", f"erwartet {' oder '.join(APPS)}", name)
    return APPS_DIR / APPS[name][0]


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (asked from the operating system)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def voila_command(
    name: str, port: int, open_browser: bool = False
) -> tuple[list[str], dict[str, str]]:
    """Command line and environment that serve app ``name`` with Voilà on 127.0.0.1:``port``.

    Returns
    -------
    (argv, env)
        ``env`` is the current environment with the ``paktsim`` Voilà template on
        ``JUPYTER_PATH`` and this package importable in the kernel.
    """
    notebook = app_notebook(name)
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={int(port)}",
        "--Voila.ip=127.0.0.1",
        "--template=paktsim",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--ServerApp.port_retries=0",
    ]
    if not open_browser:
        argv.append("--no-browser")
    env = dict(os.environ)
    share = str(APPS_DIR / "share")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (share, env.get("JUPYTER_PATH")) if p)
    package_root = str(APPS_DIR.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    return argv, env


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``app`` sub-command."""
    parser = sub.add_parser(
        "app",
        help="Dashboard als App im Browser (Voilà, nur auf diesem Rechner)",
        description="Startet die Szenario-Werkstatt oder den Regelvergleich als App (Voilà) "
        "auf http://127.0.0.1:PORT/ — nur das Dashboard, ohne Code. Exporte "
        "kommen als Download; auf dem Rechner wird nichts geschrieben. "
        "Beenden mit Strg+C.",
    )
    parser.add_argument(
        "name",
        nargs="?",
        default="werkstatt",
        choices=["werkstatt", "vergleich"],
        help="welches Dashboard (Standard: werkstatt)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8866,
        help="Port auf 127.0.0.1 (Standard 8866; 0 = ein freier Port)",
    )
    parser.add_argument(
        "--browser", action="store_true", help="den Browser öffnen (sonst nur die Adresse ausgeben)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start Voilà in the foreground until it ends or Strg+C."""
    import importlib.util
    import subprocess

    from paktsim.errors import InputError

    if importlib.util.find_spec("voila") is None:
        raise InputError.single(
            "app", 'Voilà ist nicht installiert: python -m pip install -e ".[notebook]"'
        )
    port = args.port
    if port == 0:
        port = free_port()
    elif not 1 <= port <= 65535:  # structural: TCP port range
        raise InputError.single("--port", "erwartet 1 bis 65535 (0 = ein freier Port)", port)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise InputError.single(
                "--port", "ist belegt; --port 0 wählt einen freien", port
            ) from None
    argv, env = voila_command(args.name, port, open_browser=args.browser)
    print(f"{APPS[args.name][1]}: http://127.0.0.1:{port}/  (Beenden mit Strg+C)", flush=True)
    process = subprocess.Popen(argv, env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        print("App beendet.", file=sys.stderr)
        return 0
