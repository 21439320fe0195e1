"""``allocate``: envelope + rule → who gets how much, who applies with whom, how many FTE.

Steps (each in its own module):

1. the rule weights the regions table (:mod:`paktsim.allocation.rules`);
2. the envelope is split into whole euros by largest remainder
   (:mod:`paktsim.allocation.rounding`) — the parts sum to the envelope exactly;
3. applications are formed under the threshold
   (:mod:`paktsim.allocation.applications`);
4. each application's frame buys positions in 0.25-FTE steps
   (:mod:`paktsim.allocation.positions`); an application's FTE and funded money
   are attributed to its members by largest remainder (in quarter positions and
   whole euros), so per-row ``funded_eur + unused_eur = amount_eur`` and
   per-row FTE are multiples of 0.25 that add up to the application's FTE.

:func:`allocate_table` is the pure core (explicit table, adjacency and
programme rules); :func:`allocate` loads the bundled regions of a vintage and
the programme rules in force at a date from :mod:`paktsim.params`.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from paktsim.allocation.applications import JOIN_MODES, Join, form_applications
from paktsim.allocation.positions import QualificationMix, funded_positions
from paktsim.allocation.rounding import largest_remainder, largest_remainder_grouped
from paktsim.allocation.rules import AllocationRule, OpenEndedRule
from paktsim.errors import InputError
from paktsim.limits import MAX_ENVELOPE_EUR

__all__ = [
    "ProgrammeRules",
    "allocate",
    "allocate_table",
    "pass_down",
    "programme_rules",
    "RESULT_COLUMNS",
]

RESULT_COLUMNS: tuple[str, ...] = (
    "ags",
    "name",
    "kreis_ags",
    "weight",
    "share",
    "amount_eur",
    "eligible_alone",
    "group_id",
    "fte_funded",
)

_CONTEXT_GEMEINDE = (
    "name",
    "kreis_ags",
    "kreis_name",
    "rb",
    "rb_name",
    "is_stadtkreis",
    "degurba",
    "population",
)
_CONTEXT_KREIS = ("name", "kreis_typ", "is_stadtkreis", "rb", "rb_name", "population")


@dataclass(frozen=True)
class ProgrammeRules:
    """Rules applied after the split (threshold, FTE rates and steps).

    Parameters
    ----------
    threshold_eur : int
        Minimum frame of an application (``integrationsmanagement.antragsschwelle``).
    mix : QualificationMix
        Share of positions at the Hochschul rate and both Fördersätze.
    step_fte : float
        ``integrationsmanagement.vze_schritt``.
    min_fte : float
        ``integrationsmanagement.mindest_vze``.
    below_minimum : {"top_up", "drop"}
        See :mod:`paktsim.allocation.positions`.
    fte_reading : {"anteil", "viertelstellen"}
        ``integrationsmanagement.vze_lesart`` (see :mod:`paktsim.allocation.positions`).
    """

    threshold_eur: int
    mix: QualificationMix
    step_fte: float = field(default_factory=lambda: _latest("integrationsmanagement.vze_schritt"))
    min_fte: float = field(default_factory=lambda: _latest("integrationsmanagement.mindest_vze"))
    below_minimum: Literal["top_up", "drop"] = "top_up"
    fte_reading: Literal["anteil", "viertelstellen"] = "anteil"

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold_eur": int(self.threshold_eur),
            "hochschule_share": float(self.mix.hochschule_share),
            "rate_hochschule_eur": float(self.mix.rate_hochschule_eur),
            "rate_other_eur": float(self.mix.rate_other_eur),
            "rate_mix_eur": float(self.mix.rate_eur),
            "step_fte": float(self.step_fte),
            "min_fte": float(self.min_fte),
            "below_minimum": self.below_minimum,
            "fte_reading": self.fte_reading,
        }


def _latest(path: str) -> float:
    """Latest value of a programme rule (default of :class:`ProgrammeRules`)."""
    from paktsim import params

    return float(params.series(path)["value"].iloc[-1])


_PARAM_PATHS = {
    "threshold_eur": "integrationsmanagement.antragsschwelle",
    "rate_hochschule_eur": "integrationsmanagement.foerdersatz.hochschule",
    "rate_other_eur": "integrationsmanagement.foerdersatz.berufsausbildung",
    "step_fte": "integrationsmanagement.vze_schritt",
    "min_fte": "integrationsmanagement.mindest_vze",
    "hochschule_share": "verteilung.anteil_hochschule",
    "fte_reading": "integrationsmanagement.vze_lesart",
}


def programme_parameters(date: Any, overrides: Any = None) -> dict[str, Any]:
    """Values of the parameters an allocation reads, in force at ``date``.

    Two dates with equal values give identical allocations (for the same rule,
    envelope and data), which lets callers reuse one allocation across years.
    """
    from paktsim import params

    snap = params.at(date, overrides)
    return {path: snap[path] for path in _PARAM_PATHS.values()}


def programme_rules(
    date: Any,
    *,
    hochschule_share: float | None = None,
    threshold_eur: int | None = None,
    below_minimum: Literal["top_up", "drop"] = "top_up",
    overrides: Any = None,
) -> tuple[ProgrammeRules, dict[str, Any]]:
    """Programme rules in force at ``date`` from :mod:`paktsim.params`.

    Returns the rules and a provenance mapping ``parameter path → value``.
    Explicit arguments replace the parameter values (and are recorded as such).
    """
    from paktsim import params

    snap = params.at(date, overrides)
    values = {key: snap[path] for key, path in _PARAM_PATHS.items()}
    used = {path: snap[path] for path in _PARAM_PATHS.values()}
    if hochschule_share is not None:
        values["hochschule_share"] = hochschule_share
        used[_PARAM_PATHS["hochschule_share"]] = f"{hochschule_share} (vorgegeben)"
    if threshold_eur is not None:
        values["threshold_eur"] = threshold_eur
        used[_PARAM_PATHS["threshold_eur"]] = f"{threshold_eur} (vorgegeben)"
    missing = [path for key, path in _PARAM_PATHS.items() if values[key] is None]
    if missing:
        raise InputError.single(
            "params_date", f"no value in force for {', '.join(missing)}", str(date)
        )
    if not (isinstance(values["threshold_eur"], (int, float)) and values["threshold_eur"] >= 0):
        raise InputError.single(
            "allocation.threshold_eur", "expected a number >= 0", values["threshold_eur"]
        )
    mix = QualificationMix(
        values["hochschule_share"], values["rate_hochschule_eur"], values["rate_other_eur"]
    )
    rules = ProgrammeRules(
        int(values["threshold_eur"]),
        mix,
        float(values["step_fte"]),
        float(values["min_fte"]),
        below_minimum,
        values["fte_reading"],
    )
    return rules, used


def _check_budget(budget_eur: Any) -> int:
    ok = (
        isinstance(budget_eur, (int, float, np.integer, np.floating))
        and not isinstance(budget_eur, bool)
        and math.isfinite(budget_eur)
        and budget_eur > 0
    )
    if not ok or float(budget_eur) != math.floor(float(budget_eur)):
        raise InputError.single("allocation.budget_eur", "expected whole euros > 0", budget_eur)
    if budget_eur > MAX_ENVELOPE_EUR:
        raise InputError.single(
            "allocation.budget_eur",
            f"Budget zu groß; höchstens {MAX_ENVELOPE_EUR:,} €".replace(",", "."),
            budget_eur,
        )
    return int(budget_eur)


def allocate_table(
    rule: AllocationRule,
    budget_eur: int | None,
    table: pd.DataFrame,
    *,
    programme: ProgrammeRules | None,
    join: Join = "landkreis",
    adjacency: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Allocate ``budget_eur`` over ``table`` with ``rule`` (pure core of :func:`allocate`).

    Parameters
    ----------
    rule : AllocationRule
        Its ``level`` must match ``table`` (8-digit or 5-digit AGS index).
    budget_eur : int or None
        Envelope in whole euros (> 0). Must be ``None`` for an open-ended rule
        (:class:`~paktsim.allocation.rules.PerCapitaPayment`): its envelope is
        the result.
    table : DataFrame
        Regions indexed by AGS with at least ``population`` (and the columns
        the rule needs: ``degurba``, ``is_stadtkreis``, ``kreis_ags`` …).
    programme : ProgrammeRules or None
        Threshold and position rules; ``None`` for a plain payment that funds no
        positions (e.g. the Integrationslastenausgleich): every region with
        money is paid directly (``group_kind="payment"``), ``fte_funded`` is NaN
        and nothing is unused.
    join : {"none", "landkreis", "neighbours"}
        How sub-threshold Gemeinden apply (Gemeinde level only; Kreise apply alone).
    adjacency : DataFrame, optional
        ``ags_a, ags_b`` pairs, required for ``join="neighbours"``.

    Returns
    -------
    DataFrame
        Indexed by AGS, sorted; see :func:`allocate` for the columns.
    """
    if join not in JOIN_MODES:
        raise InputError.single("allocation.join", f"expected one of {', '.join(JOIN_MODES)}", join)
    level = rule.level
    if level == "kreis" and join != "none":
        raise InputError.single(
            "allocation.join",
            "Kreise apply alone; joint applications exist only for "
            "Gemeinden (use join='none' at Kreis level)",
            join,
        )
    table = table.sort_index()
    open_ended = isinstance(rule, OpenEndedRule) and hasattr(rule, "envelope_eur")
    if open_ended:
        if budget_eur is not None:
            raise InputError.single(
                "allocation.budget_eur",
                "a per-capita payment has no budget: the envelope is its result (rate × count)",
                budget_eur,
            )
        envelope = int(rule.envelope_eur(table))
    else:
        envelope = _check_budget(budget_eur)
    weights = rule.weights(table).reindex(table.index).astype(float)
    if weights.isna().any() or (weights < 0).any() or not np.isfinite(weights).all():
        raise InputError.single(
            "allocation.rule", "rule produced missing or negative weights", rule.describe()
        )
    wsum = math.fsum(weights.tolist())
    if wsum <= 0 and envelope > 0:
        raise InputError.single(
            "allocation.rule", "all weights are zero: nothing to split by", rule.describe()
        )
    amount = (
        largest_remainder(weights, envelope)
        if envelope > 0
        else pd.Series(0, index=table.index, dtype="int64")
    )

    context = _CONTEXT_GEMEINDE if level == "gemeinde" else _CONTEXT_KREIS
    # columns gathered in order and framed once: inserting ~25 columns one by one into a
    # DataFrame was most of an allocation's time (a run allocates 10–30 times)
    index = table.index
    cols: dict[str, Any] = {"ags": index.astype(str)}
    for i, name in enumerate(c for c in context if c in table.columns):
        cols[name] = table[name]
        if level == "kreis" and i == 0:
            cols["kreis_ags"] = index.astype(str)
    persons = rule.persons(table) if hasattr(rule, "persons") else None
    if persons is not None:
        cols["persons"] = persons.reindex(index).astype(float)
    cols["weight"] = weights
    cols["share"] = weights / wsum if wsum > 0 else 0.0
    amount_eur = pd.Series(amount, index=index, dtype="int64")
    cols["amount_eur"] = amount_eur
    if "population" in cols:
        pop = cols["population"].astype(float)
        cols["eur_per_inhabitant"] = np.where(pop > 0, amount_eur / pop.where(pop > 0, 1), np.nan)
    if persons is not None:
        p = cols["persons"]
        cols["eur_per_person"] = np.where(p > 0, amount_eur / p.where(p > 0, 1), np.nan)

    if programme is None:
        _add_payment(cols, amount_eur)
        join = "none"
    else:
        apps = form_applications(
            amount_eur,
            pd.Series(cols["kreis_ags"], index=index),
            programme.threshold_eur,
            join if level == "gemeinde" else "none",
            adjacency,
            cols["is_stadtkreis"] if "is_stadtkreis" in cols else None,
        )
        for name in apps.columns:
            cols[name] = apps[name]
        _add_positions(cols, amount_eur, programme)
    out = pd.DataFrame(cols, index=index)
    if programme is None:  # a payment keeps the regions' Gebietsstand and series break
        out.attrs = copy.deepcopy(table.attrs)
    out.attrs.update(
        {
            "level": level,
            "rule": rule.describe(),
            "rule_parameters": rule.parameters(),
            "budget_eur": envelope,
            "open_ended": bool(open_ended),
            "join": join if level == "gemeinde" else "none",
            "programme": programme.as_dict() if programme is not None else None,
            "unused_eur": int(out["unused_eur"].sum()),
            "fte_funded": float(out["fte_funded"].sum()) if programme is not None else None,
            "applications": int(out["group_id"].dropna().nunique()),
            "vintage": table.attrs.get("vintage"),
            "stand": table.attrs.get("stand"),
        }
    )
    return out


def _add_payment(cols: dict[str, Any], amount: pd.Series) -> None:
    """Columns of a plain payment: paid directly, no applications, no positions."""
    index = amount.index
    paid = amount > 0
    cols["eligible_alone"] = paid.to_numpy()
    cols["group_id"] = pd.Series(
        np.where(paid.to_numpy(), index.astype(str).to_numpy(), None), index=index, dtype="str"
    )
    cols["group_kind"] = pd.Series(np.where(paid, "payment", "none"), index=index, dtype="str")
    cols["group_size"] = paid.astype("int64")
    cols["group_frame_eur"] = amount
    cols["fallback"] = False
    cols["group_fte_funded"] = np.nan
    cols["group_funded_eur"] = amount
    cols["group_unused_eur"] = pd.Series(0, index=index, dtype="int64")
    cols["topped_up"] = False
    cols["fte_funded"] = np.nan
    cols["funded_eur"] = amount
    cols["unused_eur"] = pd.Series(0, index=index, dtype="int64")


def _add_positions(cols: dict[str, Any], amount: pd.Series, programme: ProgrammeRules) -> None:
    """Add application FTE/funded/unused and their attribution to members (to ``cols``)."""
    gid = cols["group_id"]
    member = gid.notna()
    frames = amount[member].groupby(gid[member]).sum()
    pos = funded_positions(
        frames,
        programme.mix,
        step=programme.step_fte,
        min_fte=programme.min_fte,
        below_minimum=programme.below_minimum,
        reading=programme.fte_reading,
    )
    # each member's application, looked up once (-1: in none)
    at = pos.index.get_indexer(gid)
    found = at >= 0

    def per_member(values: Any, fill: Any) -> np.ndarray:
        values = np.asarray(values)
        if not len(values):
            return np.full(len(at), fill)
        return np.where(found, values[np.where(found, at, 0)], fill)

    cols["group_fte_funded"] = per_member(pos["fte_funded"].to_numpy(float), 0.0)
    for col in ("funded_eur", "unused_eur"):
        cols[f"group_{col}"] = per_member(pos[col].to_numpy(float), 0.0).astype("int64")
    cols["topped_up"] = per_member(pos["topped_up"].to_numpy(bool), False).astype(bool)
    funded = pd.Series(0, index=amount.index, dtype="int64")
    quarters = pd.Series(0, index=amount.index, dtype="int64")
    if member.any():
        w = amount[member].astype(float)
        g = gid[member]
        funded[member] = largest_remainder_grouped(w, g, pos["funded_eur"])
        if programme.fte_reading == "viertelstellen":
            q_tot = np.rint(pos["fte_funded"] / programme.step_fte).astype(np.int64)
            quarters[member] = largest_remainder_grouped(w, g, q_tot)
    if programme.fte_reading == "viertelstellen":
        cols["fte_funded"] = quarters.to_numpy() * programme.step_fte
    else:  # members share their application's FTE like its money
        frame = per_member(frames.reindex(pos.index).to_numpy(float), np.nan)
        share = amount.to_numpy(float) / frame
        cols["fte_funded"] = np.where(
            found, share * per_member(pos["fte_funded"].to_numpy(float), 0.0), 0.0
        )
    cols["funded_eur"] = funded.to_numpy()
    cols["unused_eur"] = (amount - cols["funded_eur"]).astype("int64")


def pass_down(kreis_result: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Pass Kreis amounts (and FTE) down to the Gemeinden by population within the Kreis.

    The Kreis remains the applicant: ``eligible_alone`` is False, ``group_id`` is
    the Kreis AGS, ``group_kind`` ``"kreis"``. Amounts (whole euros) and FTE
    (quarter positions) are split by largest remainder within each Kreis, so
    they add up to the Kreis figures exactly.
    """
    if kreis_result.attrs.get("level") != "kreis":
        raise InputError.single(
            "pass_down", "expects a Kreis-level allocation", kreis_result.attrs.get("level")
        )
    muni = municipalities.sort_index()
    pop = muni["population"].astype(float)
    step = kreis_result.attrs["programme"]["step_fte"]
    reading = kreis_result.attrs["programme"]["fte_reading"]
    kreis = muni["kreis_ags"].astype(str)
    amount = largest_remainder_grouped(pop, kreis, kreis_result["amount_eur"])
    funded = largest_remainder_grouped(pop, kreis, kreis_result["funded_eur"])
    if reading == "viertelstellen":
        fte = (
            largest_remainder_grouped(
                pop, kreis, np.rint(kreis_result["fte_funded"] / step).astype(np.int64)
            )
            * step
        )
    else:
        pop_kreis = pop.groupby(kreis).transform("sum")
        fte = (pop / pop_kreis.where(pop_kreis > 0, 1.0)).to_numpy() * kreis_result[
            "fte_funded"
        ].reindex(kreis).to_numpy(dtype=float)
    out = muni.loc[:, [c for c in _CONTEXT_GEMEINDE if c in muni.columns]].copy()
    out.insert(0, "ags", out.index.astype(str))
    out["weight"] = pop
    out["share"] = amount / int(kreis_result["amount_eur"].sum())
    out["amount_eur"] = amount
    out["eur_per_inhabitant"] = np.where(pop > 0, amount / pop.where(pop > 0, 1), np.nan)
    out["eligible_alone"] = False
    out["group_id"] = kreis.astype("str")
    out["group_kind"] = "kreis"
    out["group_size"] = kreis.map(kreis.value_counts()).astype("int64")
    out["group_frame_eur"] = kreis_result["amount_eur"].reindex(kreis).to_numpy()
    out["fallback"] = False
    out["fte_funded"] = np.asarray(fte, dtype=float)
    out["funded_eur"] = funded
    out["unused_eur"] = (amount - funded).astype("int64")
    out.attrs.update(kreis_result.attrs)
    out.attrs.update(
        {
            "level": "gemeinde",
            "passed_down_from": "kreis",
            "rule": kreis_result.attrs["rule"] + "; an die Gemeinden nach "
            "Einwohnerzahl weitergegeben",
            "vintage": municipalities.attrs.get("vintage"),
        }
    )
    return out


def allocate(
    rule: AllocationRule,
    budget_eur: int | None = None,
    *,
    vintage: int = 2023,
    join: Join | None = None,
    hochschule_share: float | None = None,
    params_date: Any = None,
    threshold_eur: int | None = None,
    below_minimum: Literal["top_up", "drop"] = "top_up",
    pass_to_gemeinden: bool = False,
    positions: bool | None = None,
    overrides: Any = None,
) -> pd.DataFrame:
    """Split an envelope with ``rule`` over the bundled regions of ``vintage``.

    Parameters
    ----------
    rule : AllocationRule
        E.g. :class:`~paktsim.allocation.rules.CountRule`,
        :class:`~paktsim.allocation.rules.PopulationRule`.
    budget_eur : int, optional
        Envelope in whole euros (> 0); ``None`` for an open-ended
        :class:`~paktsim.allocation.rules.PerCapitaPayment`.
    vintage : int
        Data vintage of the regions table (population Stand 31.12.``vintage``);
        see ``paktsim.regions.VINTAGES``.
    join : {"none", "landkreis", "neighbours"}, optional
        How sub-threshold Gemeinden apply; default ``"landkreis"`` at Gemeinde
        level and ``"none"`` at Kreis level.
    hochschule_share : float, optional
        Share of positions at the Hochschul rate; default the parameter
        ``verteilung.anteil_hochschule`` (an assumption).
    params_date : date-like, optional
        Date at which the programme rules (threshold, Fördersätze, FTE step)
        are read; default :data:`paktsim.params.DEFAULT_RULES_DATE` (the same
        default as ``paktsim run``'s first year, the CLI and the notebooks).
    threshold_eur : int, optional
        Replace the application threshold (``0`` disables it).
    below_minimum : {"top_up", "drop"}
        Application below the minimum position (see
        :mod:`paktsim.allocation.positions`).
    pass_to_gemeinden : bool
        For a Kreis-level rule: return the Gemeinden with the Kreis amounts
        passed down by population (:func:`pass_down`).
    positions : bool, optional
        Apply the IM programme rules (threshold, joint applications, funded
        FTE). Default True, except for an open-ended per-capita payment, which
        is paid directly (see :func:`allocate_table` with ``programme=None``).
    overrides : mapping, optional
        Parameter overrides (``{"path": {"YYYY-MM-DD": value}}``).

    Returns
    -------
    DataFrame
        Indexed by AGS (8-digit, or 5-digit at Kreis level), sorted, with
        ``ags, name, kreis_ags, kreis_name, rb, rb_name, is_stadtkreis,
        degurba, population, [persons], weight, share, amount_eur,
        eur_per_inhabitant, [eur_per_person], eligible_alone, group_id,
        group_kind, group_size, group_frame_eur, fallback, group_fte_funded,
        group_funded_eur, group_unused_eur, topped_up, fte_funded, funded_eur,
        unused_eur``. ``amount_eur`` sums to the envelope exactly;
        ``funded_eur + unused_eur = amount_eur`` per row. ``.attrs`` holds the
        provenance: rule, its parameters, envelope, join, programme rules with
        their parameter paths and values, data vintage and Stand.
    """
    from paktsim import regions

    if rule.level == "kreis":
        table = regions.kreise(vintage)
        adjacency = None
    else:
        table = regions.municipalities(vintage)
        adjacency = regions.neighbours() if join == "neighbours" else None
    if join is None:
        join = "landkreis" if rule.level == "gemeinde" else "none"
    if params_date is None:
        from paktsim.params import DEFAULT_RULES_DATE

        params_date = DEFAULT_RULES_DATE
    if positions is None:
        positions = not isinstance(rule, OpenEndedRule)
    if positions:
        programme, used = programme_rules(
            params_date,
            hochschule_share=hochschule_share,
            threshold_eur=threshold_eur,
            below_minimum=below_minimum,
            overrides=overrides,
        )
    else:
        programme, used = None, {}
    out = allocate_table(
        rule, budget_eur, table, programme=programme, join=join, adjacency=adjacency
    )
    out.attrs.update(
        {
            "params_date": str(params_date),
            "parameters": used,
            "vintage": table.attrs.get("vintage", vintage),
            "stand": table.attrs.get("stand"),
        }
    )
    if pass_to_gemeinden:
        if rule.level != "kreis":
            raise InputError.single(
                "pass_to_gemeinden",
                "only a Kreis-level rule can be passed down to Gemeinden",
                rule.level,
            )
        if programme is None:
            raise InputError.single(
                "pass_to_gemeinden",
                "eine Zahlung je Person ohne Budget "
                "wird nicht an Gemeinden weitergegeben; gezählte Personen "
                "je Gemeinde mit Ebene gemeinde verwenden",
                rule.describe(),
            )
        out = pass_down(out, regions.municipalities(vintage))
    return out
