"""Write the hostile-input corpus: one file per case plus ``cases.yaml`` (the manifest).

Run ``python tests/hostile/make_corpus.py`` after changing a case; the files are
committed so a reviewer can open each one.  Every expected outcome below is
written by hand from what the input *means* (a German ``1.000`` is one thousand),
never recorded from paktsim's output.

Manifest entry keys: ``id``, ``kind`` (``scenario`` | ``table`` | ``allocation``
| ``cli``), ``file`` (relative to ``corpus/``; absolute for devices), ``expect``
(``refused`` | ``accepted``), ``field`` (substring of the error location),
``message`` (substring of the message, optional), ``values`` (accepted tables:
AGS → number; scenarios: dotted path → value), ``level`` (tables), ``args`` and
``exit`` (CLI; ``{corpus}`` and ``{tmp}`` are replaced).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
CASES: list[dict] = []


def _file(name: str, content: str | bytes) -> str:
    path = CORPUS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return name


def scenario(
    case_id: str,
    text: str | bytes,
    expect: str,
    field: str = "",
    message: str = "",
    values: dict | None = None,
) -> None:
    name = _file(f"scenario/{case_id}.yaml", text)
    entry = {"id": f"scenario-{case_id}", "kind": "scenario", "file": name, "expect": expect}
    if field:
        entry["field"] = field
    if message:
        entry["message"] = message
    if values:
        entry["values"] = values
    CASES.append(entry)


def table(
    case_id: str,
    text: str | bytes,
    expect: str,
    field: str = "",
    message: str = "",
    values: dict | None = None,
    level: str = "gemeinde",
) -> None:
    name = _file(f"table/{case_id}.csv", text)
    entry = {
        "id": f"table-{case_id}",
        "kind": "table",
        "file": name,
        "expect": expect,
        "level": level,
    }
    if field:
        entry["field"] = field
    if message:
        entry["message"] = message
    if values is not None:
        entry["values"] = values
    CASES.append(entry)


def allocation(
    case_id: str, text: str, expect: str, field: str = "", values: dict | None = None
) -> None:
    name = _file(f"allocation/{case_id}.csv", text)
    entry = {"id": f"allocation-{case_id}", "kind": "allocation", "file": name, "expect": expect}
    if field:
        entry["field"] = field
    if values is not None:
        entry["values"] = values
    CASES.append(entry)


def cli(
    case_id: str,
    args: list[str],
    exit_code: int,
    message: str = "",
    files: dict[str, str] | None = None,
) -> None:
    for name, content in (files or {}).items():
        _file(f"cli/{name}", content)
    entry = {"id": f"cli-{case_id}", "kind": "cli", "args": args, "exit": exit_code}
    if message:
        entry["message"] = message
    CASES.append(entry)


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    prev = "a"
    for i in range(1, levels):
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join(f"*{prev}" for _ in range(width)) + "]")
        prev = name
    lines.append("name: bombe")
    lines.append(f"overrides: {{x: *{prev}}}")
    return "\n".join(lines) + "\n"


def build() -> None:
    # ------------------------------------------------------------------ scenarios
    ok = "name: ok\nhorizon: {start: 2025-01, end: 2025-12}\n"
    scenario("minimal", "name: x\n", "accepted", values={"horizon.start": "2025-01"})
    scenario("small-horizon", ok, "accepted", values={"horizon.end": "2025-12"})
    scenario("alias-bomb", alias_bomb(), "refused", "Zeile", "Verweise")
    scenario("alias-bomb-small-doc", alias_bomb(6, 10), "refused", "Zeile", "Verweise")
    scenario(
        "deep-flow-20000",
        "name: x\ndescription: " + "[" * 20000 + "]" * 20000 + "\n",
        "refused",
        "Zeile",
        "verschachtelt",
    )
    scenario(
        "deep-map-20000",
        "name: x\noverrides: " + "{a: " * 20000 + "1" + "}" * 20000 + "\n",
        "refused",
        "Zeile",
        "verschachtelt",
    )
    scenario(
        "deep-block-100",
        "name: x\noverrides:\n"
        + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(100))
        + " " * 101
        + "1\n",
        "refused",
        "Zeile",
        "verschachtelt",
    )
    scenario(
        "python-object-tag",
        'name: !!python/object/apply:os.system ["echo hi"]\n',
        "refused",
        "Zeile",
        "YAML",
    )
    scenario(
        "python-name-tag",
        "name: x\ndescription: !!python/name:os.system\n",
        "refused",
        "Zeile",
        "YAML",
    )
    scenario(
        "duplicate-key",
        "name: x\nstaffing: {target_ratio: 88, target_ratio: 200}\n",
        "refused",
        "Zeile",
        "doppelt",
    )
    scenario("duplicate-top-key", "name: x\nname: y\n", "refused", "Zeile", "doppelt")
    scenario("huge-int-literal", "name: x\nseed: " + "9" * 5000 + "\n", "refused", "")
    scenario("not-utf8", b"name: \xff\xfe\xfa\n", "refused", "(file)", "UTF-8")
    scenario("nul-bytes", "name: x\x00\n", "refused", "")
    scenario("empty", "", "refused", "(scenario)")
    scenario("only-comment", "# nichts\n", "refused", "(scenario)")
    scenario("top-level-list", "- name: x\n", "refused", "(scenario)")
    scenario("top-level-scalar", "hallo\n", "refused", "(scenario)")
    scenario("unknown-field", "name: x\ncolour: red\n", "refused", "colour")
    scenario("name-missing", "description: x\n", "refused", "name")
    scenario("name-empty", "name: '   '\n", "refused", "name")
    scenario("name-control-char", 'name: "a\\x07b"\n', "refused", "name", "Steuerzeichen")
    scenario("name-newline", 'name: "a\\nb"\n', "refused", "name", "Steuerzeichen")
    scenario("name-too-long", "name: " + "x" * 300 + "\n", "refused", "name")
    scenario(
        "name-formula",
        'name: \'=HYPERLINK("http://example.org","Klick")\'\n',
        "accepted",
        values={"name": '=HYPERLINK("http://example.org","Klick")'},
    )
    scenario(
        "name-dollar",
        "name: 'Kosten $x^2$ und $'\n",
        "accepted",
        values={"name": "Kosten $x^2$ und $"},
    )
    for value, expect, field in [
        (".inf", "refused", "allocation.budget_eur"),
        ("-.inf", "refused", "allocation.budget_eur"),
        (".nan", "refused", "allocation.budget_eur"),
        ("1e308", "refused", "allocation.budget_eur"),
        ("4e18", "refused", "allocation.budget_eur"),
        ("1e13", "refused", "allocation.budget_eur"),
        ("0", "refused", "allocation.budget_eur"),
        ("-5", "refused", "allocation.budget_eur"),
        ("1000.5", "refused", "allocation.budget_eur"),
        ("'viel'", "refused", "allocation.budget_eur"),
        ("[1, 2]", "refused", "allocation.budget_eur"),
        ("58000000", "accepted", ""),
        ("1000000000000", "accepted", ""),
    ]:
        slug = value.strip("'[]").replace(".", "p").replace("-", "m").replace(", ", "_")
        scenario(
            f"budget-{slug}",
            f"name: x\nallocation: {{budget_eur: {value}}}\n",
            expect,
            field,
            values={"allocation.budget_eur": float(value)} if expect == "accepted" else None,
        )
    for value, expect in [
        ("1e-300", "refused"),
        ("0", "refused"),
        ("-3", "refused"),
        (".inf", "refused"),
        ("0.5", "refused"),
        ("1e6", "refused"),
        ("1", "accepted"),
        ("88", "accepted"),
        ("100000", "accepted"),
    ]:
        slug = value.replace(".", "p").replace("-", "m")
        scenario(
            f"ratio-{slug}",
            f"name: x\nstaffing: {{target_ratio: {value}}}\n",
            expect,
            "staffing.target_ratio" if expect == "refused" else "",
            values={"staffing.target_ratio": float(value)} if expect == "accepted" else None,
        )
    for start, end, expect, field in [
        ("0000-01", "2025-12", "refused", "horizon.start"),
        ("2025-01", "9999-12", "refused", "horizon.end"),
        ("2013-12", "2014-12", "refused", "horizon.start"),
        ("2101-01", "2101-12", "refused", "horizon"),
        ("2025-13", "2025-12", "refused", "horizon.start"),
        ("2025-00", "2025-12", "refused", "horizon.start"),
        ("2025-1", "2025-12", "refused", "horizon.start"),
        ("2026-01", "2025-12", "refused", "horizon"),
        ("2025-01", "2070-12", "refused", "horizon"),
        ("2014-01", "2014-01", "accepted", ""),
        ("2060-01", "2099-12", "accepted", ""),
    ]:
        scenario(
            f"horizon-{start}-{end}",
            f"name: x\nhorizon: {{start: '{start}', end: '{end}'}}\n",
            expect,
            field,
        )
    scenario(
        "horizon-as-date", "name: x\nhorizon: {start: 2025-01-01}\n", "refused", "horizon.start"
    )
    dist = "name: x\nuncertainty:\n  n_draws: 5\n  distributions:\n    {key}: {spec}\n"
    for case_id, key, spec, expect in [
        (
            "norm-negative-scale",
            "staffing.target_ratio",
            "{dist: norm, args: {loc: 88, scale: -5}}",
            "refused",
        ),
        (
            "uniform-negative-scale",
            "staffing.counselling_share",
            "{dist: uniform, args: {loc: 0.5, scale: -0.1}}",
            "refused",
        ),
        (
            "lognorm-negative-s",
            "staffing.target_ratio",
            "{dist: lognorm, args: {s: -1, scale: 88}}",
            "refused",
        ),
        (
            "beta-negative-a",
            "staffing.vacancy_rate",
            "{dist: beta, args: {a: -1, b: 2}}",
            "refused",
        ),
        (
            "triang-c-2",
            "staffing.vacancy_rate",
            "{dist: triang, args: {c: 2, loc: 0, scale: 0.1}}",
            "refused",
        ),
        (
            "scale-inf",
            "staffing.target_ratio",
            "{dist: norm, args: {loc: 88, scale: .inf}}",
            "refused",
        ),
        (
            "loc-nan",
            "staffing.target_ratio",
            "{dist: norm, args: {loc: .nan, scale: 1}}",
            "refused",
        ),
        (
            "huge-loc",
            "staffing.target_ratio",
            "{dist: norm, args: {loc: 1e300, scale: 1}}",
            "refused",
        ),
        ("unknown-dist", "staffing.target_ratio", "{dist: cauchy, args: {}}", "refused"),
        ("unknown-arg", "staffing.target_ratio", "{dist: norm, args: {mu: 1}}", "refused"),
        ("unknown-key", "staffing.colour", "{dist: uniform}", "refused"),
        (
            "uniform-ok",
            "staffing.target_ratio",
            "{dist: uniform, args: {loc: 80, scale: 20}}",
            "accepted",
        ),
        (
            "triang-ok",
            "staffing.vacancy_rate",
            "{dist: triang, args: {c: 0.5, loc: 0, scale: 0.1}}",
            "accepted",
        ),
    ]:
        scenario(
            f"dist-{case_id}",
            dist.format(key=key, spec=spec),
            expect,
            f"uncertainty.distributions.{key}" if expect == "refused" else "",
        )
    for value, expect in [
        ("-1", "refused"),
        ("1e9", "refused"),
        ("100001", "refused"),
        ("1.5", "refused"),
        ("'zehn'", "refused"),
        ("0", "accepted"),
        ("100", "accepted"),
    ]:
        slug = value.strip("'").replace(".", "p").replace("-", "m")
        scenario(
            f"draws-{slug}",
            f"name: x\nuncertainty: {{n_draws: {value}}}\n",
            expect,
            "uncertainty.n_draws" if expect == "refused" else "",
        )
    for value, expect in [
        ("-1", "refused"),
        ("18446744073709551616", "refused"),
        ("0", "accepted"),
        ("9223372036854775807", "accepted"),
    ]:
        scenario(
            f"seed-{value.replace('-', 'm')}",
            f"name: x\nseed: {value}\n",
            expect,
            "seed" if expect == "refused" else "",
        )
    scenario(
        "persons-csv",
        "name: x\ndata: {persons_csv: negativ.csv}\n",
        "refused",
        "data",
        "persons_csv",
    )
    _file("scenario/negativ.csv", "ags,persons\n08111000,-5\n")
    scenario("vintage-1999", "name: x\ndata: {vintage: 1999}\n", "refused", "data.vintage")
    for case_id, spec, expect, field in [
        (
            "zero",
            "{by: degurba, factors: {1: 0, 2: 1, 3: 1}}",
            "refused",
            "allocation.urban_factor.factors.1",
        ),
        (
            "negative",
            "{by: degurba, factors: {1: -1}}",
            "refused",
            "allocation.urban_factor.factors.1",
        ),
        (
            "huge",
            "{by: degurba, factors: {1: 1e6}}",
            "refused",
            "allocation.urban_factor.factors.1",
        ),
        (
            "inf",
            "{by: degurba, factors: {1: .inf}}",
            "refused",
            "allocation.urban_factor.factors.1",
        ),
        ("bad-class", "{by: degurba, factors: {7: 1.2}}", "refused", "allocation.urban_factor"),
        ("empty", "{by: degurba, factors: {}}", "refused", "allocation.urban_factor"),
        ("ok", "{by: degurba, factors: {1: 1.3, 2: 1.1, 3: 1.0}}", "accepted", ""),
        ("class-missing", "{by: degurba, factors: {1: 1.3}}", "refused", "allocation.urban_factor"),
        (
            "size-no-zero",
            "{by: size_class, factors: {20000: 1.2}}",
            "refused",
            "allocation.urban_factor",
        ),
        ("size-ok", "{by: size_class, factors: {0: 1, 20000: 1.2}}", "accepted", ""),
        (
            "kreistyp-ok",
            "{by: kreis_typ, factors: {Stadtkreis: 1.2, Landkreis: 1}}",
            "accepted",
            "",
        ),
    ]:
        scenario(
            f"urban-{case_id}", f"name: x\nallocation: {{urban_factor: {spec}}}\n", expect, field
        )
    for case_id, spec, expect, field in [
        ("scale-1e308", "{scale: 1e308}", "refused", "arrivals.scale"),
        ("scale-inf", "{scale: .inf}", "refused", "arrivals.scale"),
        ("scale-negative", "{scale: -1}", "refused", "arrivals.scale"),
        (
            "level-negative",
            "{blocks: [{kind: level, per_month: -1}]}",
            "refused",
            "arrivals.blocks.0.per_month",
        ),
        (
            "level-1e12",
            "{blocks: [{kind: level, per_month: 1e12}]}",
            "refused",
            "arrivals.blocks.0.per_month",
        ),
        (
            "pulse-1e300",
            "{blocks: [{kind: pulse, total: 1e300, start: 2025-01, end: 2025-03}]}",
            "refused",
            "arrivals.blocks.0.total",
        ),
        (
            "pulse-year-0",
            "{blocks: [{kind: pulse, total: 10, start: '0000-01', end: '2025-03'}]}",
            "refused",
            "arrivals.blocks.0.start",
        ),
        (
            "seasonal-11",
            "{blocks: [{kind: seasonal, factors: [1,1,1,1,1,1,1,1,1,1,1]}]}",
            "refused",
            "arrivals.blocks.0",
        ),
        (
            "seasonal-zero",
            "{blocks: [{kind: seasonal, factors: [0,1,1,1,1,1,1,1,1,1,1,1]}]}",
            "refused",
            "arrivals.blocks.0.factors.0",
        ),
        ("custom-no-blocks", "{path: custom}", "refused", "arrivals"),
        ("unknown-kind", "{blocks: [{kind: welle}]}", "refused", "arrivals.blocks.0.kind"),
        ("level-ok", "{blocks: [{kind: level, per_month: 500, start: 2025-01}]}", "accepted", ""),
    ]:
        scenario(f"arrivals-{case_id}", f"name: x\narrivals: {spec}\n", expect, field)
    for case_id, spec, expect, field in [
        ("unknown-path", "{nicht.da: {2025-01-01: 1}}", "refused", "overrides"),
        ("bad-date", "{staffing.zielschluessel: {2025-13-01: 1}}", "refused", "overrides"),
        ("not-a-mapping", "[1, 2]", "refused", "overrides"),
    ]:
        scenario(f"overrides-{case_id}", f"name: x\noverrides: {spec}\n", expect, field)
    scenario(
        "vacancy-1", "name: x\nstaffing: {vacancy_rate: 1}\n", "refused", "staffing.vacancy_rate"
    )
    scenario(
        "lag-1000",
        "name: x\nstaffing: {hiring_lag_months: 1000}\n",
        "refused",
        "staffing.hiring_lag_months",
    )
    scenario(
        "share-1p5",
        "name: x\nstaffing: {counselling_share: 1.5}\n",
        "refused",
        "staffing.counselling_share",
    )
    scenario(
        "qualification-sum",
        "name: x\nallocation: {qualification_mix: {hochschule: 0.5}}\n",
        "refused",
        "allocation",
    )
    scenario(
        "budget-before-programme",
        "name: x\nhorizon: {start: 2014-01, end: 2014-12}\nallocation: {budget_eur: 1000000}\n",
        "refused",
        "allocation.budget_eur",
        "2014",
    )
    scenario(
        "counts-rule-no-file", "name: x\nallocation: {rule: counts}\n", "refused", "allocation"
    )

    # ------------------------------------------------------------------ user tables
    table("de-thousands", "ags;persons\n08111000;1.000\n", "accepted", values={"08111000": 1000.0})
    table(
        "de-thousands-decimal",
        "ags;persons\n08111000;1.234,5\n",
        "accepted",
        values={"08111000": 1234.5},
    )
    table(
        "de-million",
        "ags;persons\n08111000;1.000.000\n",
        "accepted",
        values={"08111000": 1_000_000.0},
    )
    table("de-decimal-comma", "ags;persons\n08111000;1,5\n", "accepted", values={"08111000": 1.5})
    table("de-plain", "ags;persons\n08111000;1234\n", "accepted", values={"08111000": 1234.0})
    table(
        "de-exponent", "ags;persons\n08111000;1,2E+05\n", "accepted", values={"08111000": 120_000.0}
    )
    table("de-leading-comma", "ags;persons\n08111000;,5\n", "accepted", values={"08111000": 0.5})
    table(
        "de-ambiguous-dot", "ags;persons\n08111000;1.5\n", "refused", "row 2:persons", "mehrdeutig"
    )
    table(
        "de-ambiguous-dot2",
        "ags;persons\n08111000;12.34\n",
        "refused",
        "row 2:persons",
        "mehrdeutig",
    )
    table("de-bad-grouping", "ags;persons\n08111000;1.00.000\n", "refused", "row 2:persons")
    table("de-mixed-english", "ags;persons\n08111000;1,000.5\n", "refused", "row 2:persons")
    table("de-two-commas", "ags;persons\n08111000;1,2,3\n", "refused", "row 2:persons")
    table("en-plain", "ags,persons\n08111000,1000.5\n", "accepted", values={"08111000": 1000.5})
    table(
        "en-thousands-quoted",
        'ags,persons\n08111000,"1,000.5"\n',
        "accepted",
        values={"08111000": 1000.5},
    )
    table(
        "en-thousands-int",
        'ags,persons\n08111000,"1,000"\n',
        "accepted",
        values={"08111000": 1000.0},
    )
    table("en-exponent", "ags,persons\n08111000,1e3\n", "accepted", values={"08111000": 1000.0})
    table(
        "en-ambiguous-comma",
        'ags,persons\n08111000,"1,5"\n',
        "refused",
        "row 2:persons",
        "mehrdeutig",
    )
    table("en-german-quoted", 'ags,persons\n08111000,"1.234,5"\n', "refused", "row 2:persons")
    table("en-unquoted-comma", "ags,persons\n08111000,1,5\n", "refused", "row 2")
    for case_id, value in [
        ("nan", "nan"),
        ("inf", "inf"),
        ("minus-inf", "-inf"),
        ("1e400", "1e400"),
        ("text", "viele"),
        ("formula", "=1+1"),
        ("hex", "0x10"),
        ("space-group", "1 000"),
        ("nbsp", "1\u00a0000"),
        ("percent", "50%"),
        ("euro", "5 €"),
        ("empty", ""),
        ("negative", "-3"),
        ("huge", "1e13"),
        ("underscore", "1_000"),
    ]:
        table(f"en-{case_id}", f"ags,persons\n08111000,{value}\n", "refused", "row 2:persons")
    table("de-negative", "ags;persons\n08111000;-1.000\n", "refused", "row 2:persons", "negative")
    table(
        "de-huge",
        "ags;persons\n08111000;5.000.000.000.000\n",
        "refused",
        "row 2:persons",
        "zu groß",
    )
    table("max-ok", "ags,persons\n08111000,1000000000000\n", "accepted", values={"08111000": 1e12})
    table("seven-digit-ags", "ags,persons\n8111000,5\n", "accepted", values={"08111000": 5.0})
    table("ags-float", "ags,persons\n8111000.0,5\n", "refused", "row 2:ags")
    table("ags-unknown", "ags,persons\n08999999,5\n", "refused", "row 2:ags", "unknown")
    table("ags-short", "ags,persons\n0811,5\n", "refused", "row 2:ags")
    table("ags-formula", 'ags,persons\n=HYPERLINK("x"),5\n', "refused", "row 2:ags")
    table("ags-duplicate", "ags,persons\n08111000,5\n08111000,6\n", "refused", "row 3:ags", "row 2")
    table(
        "ags-duplicate-padded",
        "ags,persons\n08111000,5\n8111000,6\n",
        "refused",
        "row 3:ags",
        "duplicate",
    )
    table("bom", "\ufeffags,persons\n08111000,5\n", "accepted", values={"08111000": 5.0})
    table("crlf", "ags,persons\r\n08111000,5\r\n", "accepted", values={"08111000": 5.0})
    table("spaces", "ags , persons\n 08111000 , 5 \n", "accepted", values={"08111000": 5.0})
    table(
        "extra-columns",
        "ags,name,persons\n08111000,Stuttgart,5\n",
        "accepted",
        values={"08111000": 5.0},
    )
    table(
        "latin1",
        "ags,persons,name\n08111000,5,Göppingen\n".encode("latin-1"),
        "refused",
        "",
        "UTF-8",
    )
    table("nul", "ags,persons\n08111000,5\x00\n", "refused", "")
    table("missing-column", "ags,personen\n08111000,5\n", "refused", "persons", "missing")
    table("missing-ags", "gemeinde,persons\n08111000,5\n", "refused", "ags", "missing")
    table("duplicate-column", "ags,persons,persons\n08111000,5,6\n", "refused", "persons")
    table("header-only", "ags,persons\n", "accepted", values={})
    table("empty", "", "refused", "", "empty")
    table("blank-lines", "\n\n\n", "refused", "", "empty")
    table("tab-separated", "ags\tpersons\n08111000\t5\n", "refused", "", "missing")
    table(
        "many-columns",
        "ags,"
        + ",".join(f"c{i}" for i in range(5000))
        + ",persons\n08111000,"
        + ",".join("1" for _ in range(5000))
        + ",7\n",
        "accepted",
        values={"08111000": 7.0},
    )
    table("too-many-fields", "ags,persons\n08111000,5,6\n", "refused", "row 2")
    table(
        "kreis-ok",
        "ags;persons\n08111;1.000\n",
        "accepted",
        values={"08111": 1000.0},
        level="kreis",
    )
    table(
        "kreis-four-digit",
        "ags,persons\n8111,5\n",
        "accepted",
        values={"08111": 5.0},
        level="kreis",
    )
    table("kreis-gemeinde-key", "ags,persons\n08111000,5\n", "refused", "row 2:ags", level="kreis")
    many = "ags,persons\n" + "08111000,1\n" * 3000
    table("duplicates-3000", many, "refused", "row 3:ags", "duplicate")

    # ------------------------------------------------------------------ allocation tables
    allocation(
        "ok",
        "ags,amount_eur\n08111000,5\n08115001,7\n",
        "accepted",
        values={"08111000": 5, "08115001": 7},
    )
    allocation("amount-1e20", "ags,amount_eur\n08111000,1e20\n", "refused", "amount_eur")
    allocation(
        "amount-2p63", "ags,amount_eur\n08111000,9223372036854775808\n", "refused", "amount_eur"
    )
    allocation("amount-negative", "ags,amount_eur\n08111000,-5\n", "refused", "amount_eur")
    allocation("amount-fraction", "ags,amount_eur\n08111000,5.5\n", "refused", "amount_eur")
    allocation("amount-inf", "ags,amount_eur\n08111000,inf\n", "refused", "amount_eur")
    allocation("amount-text", "ags,amount_eur\n08111000,viel\n", "refused", "amount_eur")
    allocation(
        "amount-max",
        "ags,amount_eur\n08111000,1000000000000\n",
        "accepted",
        values={"08111000": 10**12},
    )
    allocation("duplicate", "ags,amount_eur\n08111000,5\n08111000,5\n", "refused", "ags")
    allocation("missing-amount", "ags,betrag\n08111000,5\n", "refused", "amount_eur")

    # ------------------------------------------------------------------ CLI
    counts = "ags,persons\n08111000,100\n08115001,50\n"
    kcounts = "ags,persons\n08111,100\n08115,50\n"
    files = {
        "counts.csv": counts,
        "kcounts.csv": kcounts,
        "de.csv": "ags;persons\n08111000;1.000\n08115001;50\n",
        "ok.yaml": "name: ok\nhorizon: {start: 2025-01, end: 2025-12}\n",
        "bomb.yaml": alias_bomb(),
        "alloc_big.csv": "ags,name,amount_eur\n08111000,Stuttgart,1e20\n",
        "alloc_ok.csv": "ags,name,amount_eur\n08111000,Stuttgart,5\n",
    }
    c = "{corpus}/cli"
    cli(
        "per-capita-kreis-pass-down",
        [
            "allocate",
            "--rule",
            "per-capita",
            "--level",
            "kreis",
            "--pass-down",
            "--counts",
            f"{c}/kcounts.csv",
            "--out",
            "{tmp}/pc.csv",
        ],
        2,
        files=files,
    )
    cli(
        "per-capita-rate-1e308",
        [
            "allocate",
            "--rule",
            "per-capita",
            "--rate",
            "1e308",
            "--counts",
            f"{c}/counts.csv",
            "--out",
            "{tmp}/pc.csv",
        ],
        2,
    )
    cli(
        "per-capita-rate-inf",
        [
            "allocate",
            "--rule",
            "per-capita",
            "--rate",
            "inf",
            "--counts",
            f"{c}/counts.csv",
            "--out",
            "{tmp}/pc.csv",
        ],
        2,
    )
    cli(
        "per-capita-rate-negative",
        [
            "allocate",
            "--rule",
            "per-capita",
            "--rate",
            "-1",
            "--counts",
            f"{c}/counts.csv",
            "--out",
            "{tmp}/pc.csv",
        ],
        2,
    )
    for slug, budget in [
        ("inf", "inf"),
        ("nan", "nan"),
        ("negative", "-1"),
        ("zero", "0"),
        ("1e20", "1e20"),
        ("4e18", "4e18"),
        ("fraction", "10.5"),
        ("text", "viel"),
    ]:
        cli(
            f"budget-{slug}",
            ["allocate", "--rule", "population", "--budget", budget, "--out", "{tmp}/a.csv"],
            2,
            "budget",
        )
    cli(
        "out-too-long",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--out",
            "{tmp}/" + "x" * 300 + "/a.csv",
        ],
        2,
        "Pfad zu lang",
    )
    cli(
        "out-name-too-long",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--out",
            "{tmp}/" + "x" * 300 + ".csv",
        ],
        2,
        "Pfad zu lang",
    )
    cli(
        "out-bad-suffix",
        ["allocate", "--rule", "population", "--budget", "1000", "--out", "{tmp}/a.txt"],
        2,
        "--out",
    )
    cli(
        "out-dev-null",
        ["allocate", "--rule", "population", "--budget", "1000", "--out", "/dev/null", "--force"],
        2,
        "--out",
    )
    cli(
        "out-is-dir",
        ["allocate", "--rule", "population", "--budget", "1000", "--out", "{tmp}"],
        2,
        "--out",
    )
    cli(
        "vintage-1",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--vintage",
            "1",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "vintage",
    )
    cli(
        "alpha-2",
        [
            "allocate",
            "--rule",
            "hybrid",
            "--alpha",
            "2",
            "--counts",
            f"{c}/counts.csv",
            "--budget",
            "1000",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
    )
    cli(
        "alpha-nan",
        [
            "allocate",
            "--rule",
            "hybrid",
            "--alpha",
            "nan",
            "--counts",
            f"{c}/counts.csv",
            "--budget",
            "1000",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
    )
    cli(
        "weights-bad",
        [
            "allocate",
            "--rule",
            "two-survey",
            "--counts",
            f"{c}/counts.csv",
            "--counts",
            f"{c}/counts.csv",
            "--weights",
            "a,b",
            "--budget",
            "1000",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "--weights",
    )
    cli(
        "weights-inf",
        [
            "allocate",
            "--rule",
            "two-survey",
            "--counts",
            f"{c}/counts.csv",
            "--counts",
            f"{c}/counts.csv",
            "--weights",
            "inf,-inf",
            "--budget",
            "1000",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "--weights",
    )
    cli(
        "urban-garbage",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--urban-factor",
            "1=x,=,2",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "--urban-factor",
    )
    cli(
        "urban-inf",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--urban-factor",
            "1=inf",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "--urban-factor",
    )
    cli(
        "threshold-inf",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--threshold",
            "inf",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "--threshold",
    )
    cli(
        "threshold-1e300",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--threshold",
            "1e300",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "--threshold",
    )
    cli(
        "params-date-0",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--params-date",
            "0000-01-01",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "--params-date",
    )
    cli(
        "hochschule-nan",
        [
            "allocate",
            "--rule",
            "population",
            "--budget",
            "1000",
            "--hochschule-share",
            "nan",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
    )
    cli(
        "counts-dev-zero",
        [
            "allocate",
            "--rule",
            "counts",
            "--counts",
            "/dev/zero",
            "--budget",
            "1000",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "gewöhnliche",
    )
    cli(
        "counts-dir",
        [
            "allocate",
            "--rule",
            "counts",
            "--counts",
            "{tmp}",
            "--budget",
            "1000",
            "--out",
            "{tmp}/a.csv",
        ],
        2,
        "Ordner",
    )
    cli(
        "counts-german-ok",
        [
            "allocate",
            "--rule",
            "counts",
            "--counts",
            f"{c}/de.csv",
            "--budget",
            "1050000",
            "--out",
            "{tmp}/a.csv",
        ],
        0,
    )
    cli("validate-bomb", ["validate", f"{c}/bomb.yaml"], 2, "Verweise")
    cli("validate-dev-zero", ["validate", "/dev/zero"], 2, "gewöhnliche")
    cli("validate-dir", ["validate", "{tmp}"], 2, "Ordner")
    cli("validate-ok", ["validate", f"{c}/ok.yaml"], 0)
    cli("run-dev-zero", ["run", "/dev/zero", "--out", "{tmp}/run"], 2, "gewöhnliche")
    cli("run-bomb", ["run", f"{c}/bomb.yaml", "--out", "{tmp}/run"], 2, "Verweise")
    cli("run-out-is-file", ["run", f"{c}/bomb.yaml", "--out", f"{c}/ok.yaml"], 2)
    cli(
        "compare-1e20",
        ["compare", f"{c}/alloc_ok.csv", f"{c}/alloc_big.csv", "--out", "{tmp}/d.csv"],
        2,
        "amount_eur",
    )
    cli(
        "compare-dev-zero",
        ["compare", "/dev/zero", f"{c}/alloc_ok.csv", "--out", "{tmp}/d.csv"],
        2,
        "gewöhnliche",
    )


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    build()
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    (HERE / "cases.yaml").write_text(
        "# generated by tests/hostile/make_corpus.py: edit the script, not this file\n"
        + yaml.safe_dump(CASES, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()
