"""The README's four commands: today's rule vs the Städtetag proposal, maps and a brief."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_readme_four_commands(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"in four commands\n\n```\n(.*?)```", readme, re.S).group(1)
    commands = [shlex.split(line) for line in block.strip().splitlines()]
    assert len(commands) <= 4 and all(c[0] == "paktsim" for c in commands)
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    for command in commands:
        r = subprocess.run(
            [sys.executable, "-m", "paktsim", *command[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(tmp_path / "vergleich.xlsx", read_only=True)
    rows = {r[0]: r[1:] for r in wb["Antragsberechtigung"].iter_rows(values_only=True) if r[0]}
    assert rows["weiterhin antragsberechtigt"][0] == 9  # the 9 Stadtkreise, not "neu"
    summary = {r[0]: r[1:] for r in wb["Übersicht"].iter_rows(values_only=True) if r[0]}
    assert summary["Anträge (Anzahl)"][0] == 44
    for stem in ("vergleich_karte_kreise", "vergleich_karte_gemeinden"):
        assert (tmp_path / f"{stem}.png").stat().st_size > 10_000
    brief = docx.Document(str(tmp_path / "bericht.docx"))
    assert "Gewinner und Verlierer" in [p.text for p in brief.paragraphs]
