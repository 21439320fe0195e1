"""One home per number: no numeric literal of model meaning outside ``paktsim/parameters``.

An AST scan of the model modules of ``paktsim/``.  A numeric literal is *suspicious*
when it takes part in arithmetic or a comparison, is a default argument, or is
assigned/returned — the places where a number of model meaning hides (a ratio, a
rate, a threshold, a year).  Literals passed as call arguments or used as
subscripts (``round(x, 3)``, ``axis=1``, ``a[..., 0]``) are formatting or
indexing and are not scanned.

Not flagged (each with its reason):

* the structural values in :data:`STRUCTURAL` (identities, months per year,
  per cent, numerical tolerances, the Unix epoch of numpy datetimes);
* exponents of ``2 ** k`` (integer limits);
* comparisons with ``len(...)``, ``ord(...)`` or ``.ndim`` (AGS key lengths, character
  codes, array ranks);
* assignments/defaults to the names in :data:`SETTINGS` (run settings without
  model meaning: results do not depend on them, or they choose data, not a model
  value);
* a line carrying ``# structural`` (read them: ``grep -rn "# structural" paktsim``);
* the body of a drawing function (name ending in ``_chart``): layout.

Modules not scanned are listed in :data:`NOT_SCANNED` with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import paktsim

ROOT = Path(paktsim.__file__).resolve().parent

STRUCTURAL = {0, 1, -1, 2, 3, 12, 100, 0.5, 1e-9, -1e-9, 1e-12, 1970}
SETTINGS = {
    "vintage": "data vintage (one of regions.VINTAGES), a data choice",
    "DEFAULT_VINTAGE": "latest data vintage",
    "seed": "label of the random streams",
    "chunk_size": "memory chunking; results do not depend on it (tested)",
    "chunk": "memory chunking; results do not depend on it",
    "MAX_CELLS": "memory cap of an ensemble chunk; results do not depend on it (tested)",
    "BLOCK": "random-number block size; results do not depend on it",
    "STAFFING_STREAM": "spawn key separating random streams",
    "_INT_LIMIT": "int64 safety limit",
    "_MAX_PROBLEMS": "how many bad cells one error message lists",
    "limit": "length of a value shown in an error message",
    "n": "rows shown in a table",
    "n_base": "sample size of a sensitivity analysis (a method setting)",
    "num_resamples": "bootstrap resamples of a confidence interval",
    "alpha": "share peeled per PRIM step (a method setting)",
    "min_mass": "smallest PRIM box (a method setting)",
    "min_density": "PRIM box choice (a method setting)",
    "min_total_effect": "which factors PRIM peels (a method setting)",
}
NOT_SCANNED = {
    "report": "layout of charts, maps, Excel (sizes, colours, dpi, digits)",
    "widgets": "view layer (layout; owned by the dashboard; model values come via scenarios)",
    "cli.py": "exit codes",
    "io.py": "file modes",
    "errors.py": "message formatting",
    "runrecord.py": "hashing buffers and JSON integer limits",
    "testing.py": "conformance-check tooling for rule authors (test inputs)",
    "limits.py": "validation bounds of inputs (what a run can compute), not model values",
    "safeload.py": "file size and nesting limits of safe loading",
}


def _skipped(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return rel.parts[0] in NOT_SCANNED or rel.parts[0] == "parameters"


def _target_names(node: ast.AST) -> set[str]:
    names: set[str] = set()
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for t in targets:
        for sub in ast.walk(t):
            if isinstance(sub, ast.Name):
                names.add(sub.id)
            elif isinstance(sub, ast.Attribute):
                names.add(sub.attr)
    return names


def _default_names(args: ast.arguments) -> dict[int, str]:
    """id(default node) → parameter name."""
    out = {}
    positional = args.posonlyargs + args.args
    for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults):
        out[id(default)] = arg.arg
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        if default is not None:
            out[id(default)] = arg.arg
    return out


def _is_len_or_ndim(node: ast.AST) -> bool:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("len", "ord")
    ):  # key lengths, character codes
        return True
    return isinstance(node, ast.Attribute) and node.attr == "ndim"


def literals_of_model_meaning(path: Path) -> list[tuple[int, float, str]]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    parent: dict[int, ast.AST] = {}
    defaults: dict[int, str] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent[id(child)] = node
        if isinstance(node, ast.arguments):
            defaults.update(_default_names(node))
    layout: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.endswith(
            "_chart"
        ):
            layout.update(id(sub) for sub in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in layout:
            continue
        if not (isinstance(node, ast.Constant) and type(node.value) in (int, float)):
            continue
        value, here = node.value, node
        up = parent.get(id(node))
        if isinstance(up, ast.UnaryOp) and isinstance(up.op, ast.USub):
            value, here, up = -value, up, parent.get(id(up))
        if value in STRUCTURAL or "# structural" in lines[node.lineno - 1]:
            continue
        if (
            isinstance(up, ast.BinOp)
            and isinstance(up.op, ast.Pow)
            and isinstance(up.left, ast.Constant)
            and up.left.value == 2
        ):
            continue
        if isinstance(up, ast.Compare) and any(
            _is_len_or_ndim(x) for x in [up.left, *up.comparators]
        ):
            continue
        if id(here) in defaults:
            if defaults[id(here)] in SETTINGS:
                continue
        elif isinstance(up, (ast.Assign, ast.AnnAssign)):
            if _target_names(up) & set(SETTINGS):
                continue
        elif not isinstance(up, (ast.BinOp, ast.Compare, ast.AugAssign, ast.Return)):
            continue  # call argument, subscript, container element: formatting/indexing
        found.append((node.lineno, value, lines[node.lineno - 1].strip()))
    return found


def test_no_number_of_model_meaning_outside_the_parameters():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if _skipped(path):
            continue
        for line, value, text in literals_of_model_meaning(path):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {value!r}  {text}")
    assert not offenders, "numbers of model meaning belong in paktsim/parameters:\n" + "\n".join(
        offenders
    )


def test_the_scan_finds_what_it_should(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "RATIO = 88\n"
        "def f(x, threshold=120.0, vintage=2023):\n"
        "    if len(x) == 5:\n"
        "        return x * 0.6\n"
        "    y = round(x, 4) + 2 ** 53\n"
        "    return 1.3  # structural\n"
    )
    got = [(line, value) for line, value, _ in literals_of_model_meaning(sample)]
    assert got == [(1, 88), (2, 120.0), (4, 0.6)] or sorted(got) == [(1, 88), (2, 120.0), (4, 0.6)]


def test_need_ratio_has_one_home():
    from paktsim import params
    from paktsim.scenario import StaffingSpec, builtin_scenario

    bedarf = params.at("2025-01-01")["betreuungsschluessel.bedarf"]
    assert StaffingSpec().target_ratio == bedarf
    assert builtin_scenario("status_quo").staffing.target_ratio == bedarf
    assert bedarf == params.at("2025-01-01")["betreuungsschluessel.im_2017"]
