"""Fixtures for the real-browser tests: servers and one Chromium per module.

Chromium is Debian's (``/usr/bin/chromium``; ``.ci/run`` installs it).  Without it
the tests are skipped on a developer machine, but fail under CI (``CI`` set), so a
missing browser can never pass silently there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("ipywidgets")


def _require_browser() -> None:
    from paktsim.widgets.browser import chromium_available

    reason = chromium_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    _require_browser()
    from paktsim.widgets.browser import browser

    with browser(1366, 768) as p:
        yield p


@pytest.fixture(scope="module")
def werkstatt_url() -> Iterator[str]:
    _require_browser()
    from paktsim.widgets.browser import serve_app

    with serve_app("werkstatt") as url:
        yield url


@pytest.fixture(scope="module")
def vergleich_url() -> Iterator[str]:
    _require_browser()
    from paktsim.widgets.browser import serve_app

    with serve_app("vergleich") as url:
        yield url


@pytest.fixture(scope="module")
def lab() -> Iterator[tuple[str, Any]]:
    _require_browser()
    from paktsim.widgets.browser import serve_lab

    with serve_lab() as served:
        yield served
