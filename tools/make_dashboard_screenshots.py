"""Screenshots of both dashboards as users see them, at 1366×768 (a common office laptop).

    python tools/make_dashboard_screenshots.py [--out docs/images]

Writes ``werkstatt_app.png`` and ``vergleich_app.png`` (``paktsim app …`` in
Debian's headless Chromium) and ``werkstatt_jupyterlab.png`` (JupyterLab with the
file browser open).  Needs ``/usr/bin/chromium`` and the ``playwright`` package;
servers run on 127.0.0.1 on free ports and are stopped afterwards.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _settle(page, root: str) -> None:
    page.wait_for_selector(
        f"{root} .paktsim-results img[src^='blob:']", state="attached", timeout=180_000
    )
    page.wait_for_timeout(2000)


def main(argv: list[str] | None = None) -> int:
    from paktsim.widgets.browser import (
        browser,
        chromium_available,
        serve_app,
        serve_lab,
        wait_until,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args(argv)
    reason = chromium_available()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("werkstatt", "vergleich"):
        with serve_app(name) as url, browser(1366, 768) as page:
            page.goto(url)
            _settle(page, f".paktsim-{name}")
            target = args.out / f"{name}_app.png"
            page.screenshot(path=str(target))
            print(f"geschrieben: {target}")
    with serve_lab() as (url, _folder), browser(1366, 768) as page:
        page.goto(url)
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=180_000)
        wait_until(
            lambda: "Idle" in str(page.locator(".jp-StatusBar-Widget").all_inner_texts()),
            180,
            "kernel idle",
        )
        page.locator(".jp-NotebookPanel .jp-Cell").first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        _settle(page, ".paktsim-werkstatt")
        page.evaluate(
            "document.querySelector('.paktsim-werkstatt').scrollIntoView({block: 'start'})"
        )
        no_news = page.get_by_role("button", name="No", exact=True)
        if no_news.count():  # JupyterLab asks once whether to fetch news; answer no
            no_news.first.click()
        page.wait_for_timeout(800)
        target = args.out / "werkstatt_jupyterlab.png"
        page.screenshot(path=str(target))
        print(f"geschrieben: {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
