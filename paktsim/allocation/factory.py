"""One factory from a rule choice to an allocation rule.

Scenarios (``allocation:`` section), ``paktsim allocate`` and the dashboards all
name rules and urban factors with the same vocabulary (:data:`RULES`,
:data:`URBAN_BY`) and build them here, so a rule means the same everywhere.
Older spellings of the command line (``two-survey``, ``per-capita``,
``kreistyp``, ``groesse``) are accepted as aliases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from paktsim.allocation.rules import (
    CountRule,
    KreisKey,
    PerCapitaPayment,
    PopulationRule,
    UrbanFactor,
    hybrid_rule,
    two_survey_rule,
)
from paktsim.errors import InputError, Problem

__all__ = [
    "RULES",
    "RULE_ALIASES",
    "URBAN_BY",
    "URBAN_BY_ALIASES",
    "ENVELOPE_RULES",
    "canonical_rule",
    "urban_factor",
    "build_rule",
    "rule_from_spec",
    "read_counts",
    "two_survey_weights",
]

#: Rule names (the scenario vocabulary).
RULES: tuple[str, ...] = (
    "population",
    "counts",
    "two_surveys",
    "hybrid",
    "kreis",
    "au_model",
    "per_capita",
)
RULE_ALIASES: dict[str, str] = {"two-survey": "two_surveys", "per-capita": "per_capita"}
#: Rules that split an envelope (all but the per-capita payment).
ENVELOPE_RULES: tuple[str, ...] = tuple(r for r in RULES if r != "per_capita")
URBAN_BY: tuple[str, ...] = ("degurba", "kreis_typ", "size_class")
URBAN_BY_ALIASES: dict[str, str] = {"kreistyp": "kreis_typ", "groesse": "size_class"}


def canonical_rule(name: str, location: str = "allocation.rule") -> str:
    """The rule's name in the scenario vocabulary (aliases resolved)."""
    rule = RULE_ALIASES.get(str(name), str(name))
    if rule not in RULES:
        raise InputError(Problem(location, f"expected one of {', '.join(RULES)}", name))
    return rule


def urban_factor(
    by: str, factors: Mapping[Any, Any], location: str = "allocation.urban_factor"
) -> UrbanFactor:
    """An :class:`UrbanFactor` from plain keys (``"1"``, ``"Stadtkreis"``, ``"20000"``)."""
    by = URBAN_BY_ALIASES.get(by, by)
    if by not in URBAN_BY:
        raise InputError(Problem(f"{location}.by", f"expected one of {', '.join(URBAN_BY)}", by))
    keyed: dict[Any, Any] = {}
    problems: list[Problem] = []
    for key, value in factors.items():
        text = str(key).strip()
        if by == "kreis_typ":
            keyed[text.lower()] = value
            continue
        try:
            keyed[int(text)] = value
        except ValueError:
            problems.append(Problem(f"{location}.{text}", "class must be a whole number", key))
    if problems:
        raise InputError(problems)
    return UrbanFactor(by, keyed)


def read_counts(path: str | Path, level: str, base_dir: str | Path | None = None) -> pd.Series:
    """A user's ``ags,persons`` table (relative paths from ``base_dir``)."""
    from paktsim import regions

    p = Path(path)
    if not p.is_absolute() and base_dir is not None:
        p = Path(base_dir) / p
    return regions.read_user_table(p, columns=["persons"], level=level)["persons"].rename("persons")


def two_survey_weights(weights: Sequence[float] | None) -> tuple[float, float]:
    """Weights of the two surveys; default the 2017 distribution's parameters."""
    if weights is not None:
        return float(weights[0]), float(weights[1])
    from paktsim import params

    snap = params.at("2017-09-15")
    return (
        float(snap["integrationsmanagement.verteilung_2017.anteil_vorerhebung"]),
        float(snap["integrationsmanagement.verteilung_2017.anteil_fag_erhebung"]),
    )


def build_rule(
    rule: str,
    *,
    level: str = "gemeinde",
    urban: UrbanFactor | None = None,
    counts: Sequence[pd.Series] = (),
    weights: Sequence[float] | None = None,
    alpha: float | None = None,
    rate: float | None = None,
    kreis_key: str = "population",
    model_counts: pd.Series | None = None,
    counts_label: str = "gezählte Personen",
    location: str = "allocation",
    year: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Any:
    """The allocation rule for a rule name and its inputs.

    Parameters
    ----------
    rule : str
        One of :data:`RULES` (or an alias).
    level : {"gemeinde", "kreis"}
        Level the weights are computed at (``kreis`` for ``rule="kreis"``).
    urban : UrbanFactor, optional
        For ``population``, ``hybrid`` and ``kreis`` with ``kreis_key="population"``.
    counts : sequence of Series
        Counted persons: one table (``counts``, ``hybrid``, ``per_capita``, ``kreis``
        with ``kreis_key="counts"``) or two (``two_surveys``).
    weights : (float, float), optional
        ``two_surveys`` weights (default: parameters of 2017).
    alpha : float, optional
        ``hybrid``: weight of the counted persons.
    rate : float, optional
        ``per_capita``: euros per person (default: Integrationslastenausgleich).
    model_counts : Series, optional
        ``au_model`` / ``hybrid`` in a scenario: modelled persons in AU per place;
        ``kreis`` with ``kreis_key="verteilschluessel"``: the model counts per Kreis the
        key in force follows (:meth:`~paktsim.allocation.rules.KreisKey.count`).
    year : int, optional
        ``kreis_key="verteilschluessel"``: funding year whose key is in force.
    overrides : mapping, optional
        Parameter overrides (for the key in force).
    counts_label : str
        What the counts are (German, shown in the rule's description).
    location : str
        Field path prefix for error messages.
    """
    rule = canonical_rule(rule, f"{location}.rule")
    rule_level = "kreis" if rule == "kreis" else level
    need = {"counts": 1, "two_surveys": 2, "per_capita": 1}.get(rule, 0)
    if rule == "kreis" and kreis_key == "counts":
        need = 1
    if rule == "hybrid" and model_counts is None:
        need = 1
    if len(counts) != need:
        raise InputError(
            Problem(
                f"{location}.counts",
                f"rule {rule} needs {need} table(s) of counted persons",
                len(counts),
            )
        )
    if rule == "population" or (rule == "kreis" and kreis_key == "population"):
        return PopulationRule(urban_factor=urban, level=rule_level)
    if rule == "kreis" and kreis_key == "verteilschluessel":
        if year is None:
            raise InputError(
                Problem(f"{location}.kreis_key", "the key in force needs a funding year", kreis_key)
            )
        return KreisKey.in_force(int(year), overrides).rule(model_counts)
    if rule == "kreis":
        return CountRule(counts[0], counts_label, "kreis")
    if rule == "counts":
        return CountRule(counts[0], counts_label, rule_level)
    if rule == "two_surveys":
        if rule_level != "gemeinde":
            raise InputError(
                Problem(f"{location}.level", "two_surveys is a Gemeinde rule", rule_level)
            )
        w = two_survey_weights(weights)
        return two_survey_rule(counts[0], counts[1], w[0])
    if rule == "per_capita":
        if rate is None:
            from paktsim import params

            rate = params.at("2017-09-15")["pakt.integrationslastenausgleich.satz"]
        return PerCapitaPayment(counts[0], rate, level=rule_level)
    if alpha is None and rule == "hybrid":
        raise InputError(
            Problem(f"{location}.alpha", "missing; hybrid needs the share by counted persons")
        )
    if rule == "au_model" and model_counts is None:
        raise InputError(Problem(f"{location}.rule", "needs the inflow model's counts", rule))
    if model_counts is not None:
        count_rule = CountRule(model_counts, "Personen in AU (Modell)", rule_level)
    else:
        count_rule = CountRule(counts[0], counts_label, rule_level)
    if rule == "au_model":
        return count_rule
    return hybrid_rule(
        count_rule, float(alpha), PopulationRule(urban_factor=urban, level=rule_level)
    )


def rule_from_spec(
    spec: Any,
    *,
    base_dir: str | Path | None = None,
    model_counts: pd.Series | None = None,
    location: str = "allocation",
    check_only: bool = False,
    year: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Any:
    """The rule of a scenario's ``allocation`` (or ``comparison``) section.

    With ``check_only`` the rules that need the inflow model's counts
    (``au_model``, ``hybrid``, ``kreis`` with the key in force) are checked without
    them and ``None`` is returned for them; every other problem (unknown rule,
    missing or bad CSV, a per-capita payment where an envelope rule is needed)
    raises as in a run.  ``year`` and ``overrides`` select the Kreis key in force
    (``kreis_key: verteilschluessel``).
    """
    if spec.rule not in ENVELOPE_RULES:
        raise InputError(
            Problem(
                f"{location}.rule",
                "not supported by run_scenario (an "
                "envelope rule is needed, not a per-capita payment)",
                spec.rule,
            )
        )
    rule_level = "kreis" if spec.rule == "kreis" else spec.level
    urban = None
    if spec.urban_factor is not None:
        urban = urban_factor(
            spec.urban_factor.by, spec.urban_factor.factors, f"{location}.urban_factor"
        )
    counts: list[pd.Series] = []
    files = [(spec.counts_csv, "counts_csv")]
    if spec.rule == "two_surveys":
        files.append((spec.second_counts_csv, "second_counts_csv"))
    uses_counts = spec.rule in ("counts", "two_surveys") or (
        spec.rule == "kreis" and spec.kreis_key == "counts"
    )
    if uses_counts:
        problems = []
        for path, field in files:
            if path is None:
                problems.append(
                    Problem(f"{location}.{field}", "a CSV file is needed for this rule")
                )
                continue
            try:
                counts.append(
                    read_counts(
                        path, "gemeinde" if spec.rule == "two_surveys" else rule_level, base_dir
                    )
                )
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
    if spec.rule == "kreis" and spec.kreis_key == "verteilschluessel" and year is None:
        if check_only:
            return None
    if spec.rule in ("au_model", "hybrid") and model_counts is None:
        if check_only:
            return None
        raise InputError(Problem(f"{location}.rule", "needs the inflow model's counts", spec.rule))
    return build_rule(
        spec.rule,
        level=rule_level,
        urban=urban,
        counts=counts,
        weights=spec.survey_weights,
        alpha=spec.alpha,
        kreis_key=spec.kreis_key,
        model_counts=model_counts,
        location=location,
        year=year,
        overrides=overrides,
    )
