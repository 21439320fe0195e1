"""``paktsim app`` as a user runs it: bad input gives one German line and exit code 2.

Serving the apps themselves is tested in a real browser (tests/browser).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest


def paktsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paktsim", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_names_both_apps() -> None:
    done = paktsim("app", "--help")
    assert done.returncode == 0
    assert "werkstatt" in done.stdout and "vergleich" in done.stdout and "127.0.0.1" in done.stdout


def test_busy_port_is_refused_in_german() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = paktsim("app", "werkstatt", "--port", str(port))
    assert done.returncode == 2
    assert "ist belegt" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("port", ["70000", "-3"])
def test_bad_port_is_refused(port: str) -> None:
    done = paktsim("app", "--port", port)
    assert done.returncode == 2 and "--port" in done.stderr and "Traceback" not in done.stderr


def test_unknown_app_is_refused() -> None:
    done = paktsim("app", "karte")
    assert done.returncode == 2 and "karte" in done.stderr


def test_app_notebooks_only_build_the_dashboard() -> None:
    """The app pages run one cell that builds the dashboard: nothing else, no file writes."""
    from paktsim.commands.app import APPS, app_notebook, voila_command

    for name in APPS:
        cells = json.loads(app_notebook(name).read_text(encoding="utf-8"))["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert len(code) == 1 and f"{name}()" in "".join(code[0]["source"])
        argv, env = voila_command(name, 8866)
        assert "--Voila.ip=127.0.0.1" in argv and "--template=paktsim" in argv
        template = app_notebook(name).parent / "share/voila/templates/paktsim/index.html.j2"
        assert template.exists() and str(template.parents[3]) in env["JUPYTER_PATH"]


def test_app_views_offer_downloads_only() -> None:
    pytest.importorskip("ipywidgets")
    from paktsim.widgets.app import vergleich

    view = vergleich()
    assert view.folder is None and view.write_button is None and view.export() == []
