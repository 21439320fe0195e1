"""Drive the dashboards in a real browser: servers, Chromium, an input-to-repaint probe.

Used by the real-browser tests (``tests/browser``), the latency benchmark
(``benchmarks/bench_browser.py``) and the screenshot script
(``tools/make_dashboard_screenshots.py``).  Needs the Python package
``playwright`` and Debian's Chromium at ``/usr/bin/chromium`` (``apt-get install
chromium``); Playwright's own browser download is never used.

Servers listen on 127.0.0.1 on a free port, are started in their own process
group and stopped (group-wide) when the ``with`` block ends; every wait has a
deadline.  Nothing here is imported by ``import paktsim``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "LatencyProbe",
    "browser",
    "chromium_available",
    "dashboard_notebook",
    "serve_app",
    "serve_lab",
    "wait_until",
]

CHROMIUM = os.environ.get("PAKTSIM_CHROMIUM", "/usr/bin/chromium")
#: Flags for a headless Chromium on a machine without network: no sandbox (root in
#: containers), no GPU, and none of Chromium's own background connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 120.0


def chromium_available() -> str | None:
    """None if Chromium and Playwright are usable, else the German reason why not."""
    if not Path(CHROMIUM).exists():
        return f"Chromium fehlt ({CHROMIUM}); apt-get install -y chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python-Paket playwright fehlt; python -m pip install playwright"
    return None


def wait_until(
    condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.05
) -> Any:
    """Poll ``condition`` until it returns something truthy; TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"nach {timeout:g} s nicht eingetreten: {what}")
        time.sleep(interval)


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return 200 <= response.status < 400
    except OSError:
        return False


@contextlib.contextmanager
def _server(argv: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[str]:
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            argv, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        try:
            wait_until(
                lambda: process.poll() is not None or _http_ok(url),
                SERVER_START_TIMEOUT,
                f"Server antwortet auf {url}",
                interval=0.25,
            )
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}\n{log.read_text(errors='replace')[-3000:]}") from None
        if process.poll() is not None:
            raise RuntimeError(
                f"Server beendet (Code {process.returncode}):\n"
                f"{log.read_text(errors='replace')[-3000:]}"
            )
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def _isolated_env(home: Path) -> dict[str, str]:
    """Environment with Jupyter's config, data and runtime in ``home`` (no local state)."""
    env = dict(os.environ)
    for name, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.pop("JUPYTER_PATH", None)
    return env


@contextlib.contextmanager
def serve_app(name: str) -> Iterator[str]:
    """Run ``paktsim app NAME`` on a free port (as a user would); yield its URL."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="paktsim-app-") as tmp:
        env = _isolated_env(Path(tmp))
        argv = [sys.executable, "-m", "paktsim", "app", name, "--port", str(port)]
        with _server(argv, env, f"http://127.0.0.1:{port}/", Path(tmp) / "server.log") as url:
            yield url


def dashboard_notebook(path: Path) -> Path:
    """Write a notebook with one cell per dashboard (werkstatt, then vergleich)."""
    cells = [
        (
            "from paktsim.widgets.views import WorkshopView\n"
            "from paktsim.widgets.workshop import WorkshopController\n"
            "WorkshopView(WorkshopController(), export_folder='ausgabe/werkstatt')"
        ),
        (
            "from paktsim.widgets.comparer import ComparerController\n"
            "from paktsim.widgets.views import ComparerView\n"
            "ComparerView(ComparerController(), export_folder='ausgabe/vergleich')"
        ),
    ]
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


@contextlib.contextmanager
def serve_lab() -> Iterator[tuple[str, Path]]:
    """JupyterLab on a free port over a fresh folder holding ``dashboards.ipynb``.

    Yields ``(url of the notebook, folder)``.  No token (127.0.0.1 only), no update
    check or news (no request leaves the machine), settings in the folder.
    """
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="paktsim-lab-") as tmp:
        root = Path(tmp) / "arbeit"
        root.mkdir()
        dashboard_notebook(root / "dashboards.ipynb")
        env = _isolated_env(Path(tmp))
        argv = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={root}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=",
            "--ServerApp.disable_check_xsrf=True",
        ]
        base = f"http://127.0.0.1:{port}"
        with _server(argv, env, f"{base}/api", Path(tmp) / "server.log"):
            yield f"{base}/lab/tree/dashboards.ipynb", root


@contextlib.contextmanager
def browser(width: int = 1366, height: int = 768) -> Iterator[Any]:
    """A fresh headless Chromium page (Debian's Chromium, own temporary profile)."""
    from playwright.sync_api import sync_playwright

    reason = chromium_available()
    if reason:
        raise RuntimeError(reason)
    profile = tempfile.mkdtemp(prefix="paktsim-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": width, "height": height},
                accept_downloads=True,
            )
            try:
                page = context.pages[0] if context.pages else context.new_page()
                page.set_default_timeout(60_000)
                yield page
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


_PROBE_JS = """
(root) => {
  const probe = {t0: null, last: null, paints: 0};
  window.__paktsimProbe = probe;
  const stamp = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    probe.last = performance.now(); probe.paints += 1; }));
  const start = () => { probe.t0 = performance.now(); probe.last = null; probe.paints = 0; };
  for (const kind of ['keydown', 'pointerdown', 'change']) {
    document.addEventListener(kind, e => {
      if (e.target.closest && e.target.closest('.paktsim-controls')) start();
    }, true);
  }
  const outputs = document.querySelector(root);
  new MutationObserver(muts => {
    for (const m of muts) {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      if (!el || !el.closest('.paktsim-results')) continue;
      if (el.tagName === 'IMG') { el.decode().then(stamp, stamp); } else { stamp(); }
    }
  }).observe(outputs, {subtree: true, childList: true, attributes: true,
                       characterData: true, attributeFilter: ['src']});
}
"""


class LatencyProbe:
    """Input event → last repaint of the results, measured inside the page.

    ``t0`` is the ``keydown``/``pointerdown``/``change`` event on a control (capture
    phase); a repaint is two animation frames after a change of the results area
    (after an image has decoded).  :meth:`measure` waits until the results have been
    quiet for ``quiet`` seconds and returns the time of the last repaint.
    """

    def __init__(self, page: Any, root: str = ".paktsim-results") -> None:
        self.page = page
        page.evaluate(_PROBE_JS, root)

    def measure(
        self, action: Callable[[], None], timeout: float = 30.0, quiet: float = 0.6
    ) -> float:
        """Run ``action`` (an input on a control); ms from its event to the last repaint."""
        self.page.evaluate("window.__paktsimProbe.last = null; window.__paktsimProbe.t0 = null")
        action()
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
            current = self.page.evaluate("window.__paktsimProbe.last")
            if current != last:
                last, since = current, time.monotonic()
            elif last is not None and time.monotonic() - since >= quiet:
                t0 = self.page.evaluate("window.__paktsimProbe.t0")
                return float(last - t0)
        raise TimeoutError(f"kein neues Bild nach {timeout:g} s")
