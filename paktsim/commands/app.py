"""``paktsim app [werkstatt|vergleich]``: serve a dashboard alone with Voilà on 127.0.0.1."""

from __future__ import annotations

import argparse
import sys


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
    parser.add_argument("name", nargs="?", default="werkstatt", choices=["werkstatt", "vergleich"],
                        help="welches Dashboard (Standard: werkstatt)")
    parser.add_argument("--port", type=int, default=8866,
                        help="Port auf 127.0.0.1 (Standard 8866; 0 = ein freier Port)")
    parser.add_argument("--browser", action="store_true",
                        help="den Browser öffnen (sonst nur die Adresse ausgeben)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Start Voilà in the foreground until it ends or Strg+C."""
    import importlib.util
    import socket
    import subprocess

    from paktsim.errors import InputError
    from paktsim.widgets.app import APPS, free_port, voila_command

    if importlib.util.find_spec("voila") is None:
        raise InputError.single("app", "Voilà ist nicht installiert: python -m pip install "
                                "-e \".[notebook]\"")
    port = args.port
    if port == 0:
        port = free_port()
    elif not 1 <= port <= 65535:
        raise InputError.single("--port", "erwartet 1 bis 65535 (0 = ein freier Port)", port)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            raise InputError.single("--port", "ist belegt; --port 0 wählt einen freien",
                                    port) from None
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
