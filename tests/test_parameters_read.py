"""Every parameter drives the code: a reader outside ``paktsim/parameters``, or a stated reason.

Static part (all parameters): the dotted path occurs in model code as a string literal,
or matches an f-string such as ``f"inflow.chain.{group}.{name}"``.  A prefix test like
``k.startswith("fluag.vu")`` does not count: it copies values, it applies none.
Behavioural part (the rule parameters of the allocation): overriding the parameter
changes the outputs it describes.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from paktsim import params

PACKAGE = Path(__file__).resolve().parents[1] / "paktsim"


def _patterns() -> tuple[set[str], list[re.Pattern[str]]]:
    literals: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for file in PACKAGE.rglob("*.py"):
        if "parameters" in file.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(file.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                head = node.values[0] if node.values else None
                # only f-strings that name a parameter domain, f"inflow.chain.{g}.{n}"
                if not (
                    isinstance(head, ast.Constant)
                    and isinstance(head.value, str)
                    and re.match(r"[a-z][a-z0-9_]*\.", head.value)
                ):
                    continue
                parts = []
                for value in node.values:
                    if isinstance(value, ast.Constant):
                        parts.append(re.escape(str(value.value)))
                    else:
                        parts.append(r"[a-z0-9_]+")
                patterns.append(re.compile("".join(parts)))
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                literals.add(node.value)
    return literals, patterns


def _unread() -> list[str]:
    literals, patterns = _patterns()
    tree = params.load()
    out = []
    for path, param in tree.items():
        if param.documentation_only:
            continue
        if path in literals or any(p.fullmatch(path) for p in patterns):
            continue
        out.append(path)
    return out


def test_every_parameter_has_a_reader_or_a_reason():
    unread = _unread()
    assert not unread, (
        "parameters no code reads (read them where they apply, or mark them "
        f"documentation_only with a reason): {unread}"
    )


def test_documentation_only_parameters_are_really_unread():
    """A parameter marked documentation-only that code reads should lose the mark."""
    literals, patterns = _patterns()
    marked = [p for p, spec in params.load().items() if spec.documentation_only]
    read = [p for p in marked if p in literals or any(x.fullmatch(p) for x in patterns)]
    assert not read, f"marked documentation_only but read by code: {read}"


def test_docstrings_and_comments_do_not_count_as_readers(tmp_path):
    """The static check itself: a path only named in a docstring is not read."""
    literals, _ = _patterns()
    assert "integrationsmanagement.verteilung_2017.anteil_vorerhebung" in literals
    assert "pakt.integrationslastenausgleich.zuzug_von" not in literals


def test_overriding_a_documentation_only_parameter_is_refused():
    """It would change nothing: say so instead of silently ignoring the reform."""
    from paktsim.errors import InputError

    with pytest.raises(InputError, match="documentation only"):
        params.at(
            "2025-01-01", {"fluag.vu_schluessel": {"2025-01-01": "bevoelkerungsanteil_kreis"}}
        )


def test_cli_params_shows_documentation_only():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "paktsim", "params", "integrationsmanagement.stellen"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0 and "Nur zur Dokumentation" in out.stdout


def test_ila_count_date_drives_the_cohort_split():
    """pakt.integrationslastenausgleich.stichtag: the cohort is spread like the AU stock
    on that date; another date, another split (same 80,000 and 90 Mio €)."""
    import datetime as dt

    from paktsim import history

    base = history.ila_cohort_2017()
    moved = history.ila_cohort_2017(
        overrides={
            "pakt.integrationslastenausgleich.stichtag": {"2017-01-01": dt.date(2016, 3, 15)}
        }
    )
    assert int(base.sum()) == int(moved.sum()) == 80_000
    assert not base.equals(moved)
