"""Scenario workshop: a pure controller (view-model) for the planners' dashboard.

State is a frozen :class:`~paktsim.scenario.Scenario` plus three display
choices (the year shown in the headline table and the map, the selected
Kreis/Gemeinde, the map quantity).  Every setter validates its input (bad input
→ :class:`~paktsim.errors.InputError`, state unchanged) and replaces the scenario
with a validated copy; the model runs lazily in :attr:`WorkshopController.result`
through :func:`paktsim.pipeline.run_scenario`, which caches the inflow per
arrival assumptions, allocations per rule/envelope/year and whole results per
scenario — so moving the caseload slider never reruns the inflow model, and
moving a slider back is a cache hit.  Derived tables are memoised per state.

No widgets and no matplotlib here: :mod:`paktsim.widgets.views` wires
ipywidgets to these methods and :mod:`paktsim.widgets.figures` draws.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError
from paktsim.target_groups import SHORT_LABELS_DE

__all__ = [
    "ARRIVAL_PATHS",
    "EXPORT_FILES",
    "HEADLINE_ROWS",
    "MAP_METRICS",
    "RULE_CHOICES",
    "WorkshopController",
]

#: Allocation rules offered in the workshop: key → (German label, allocation section).
RULE_CHOICES: dict[str, tuple[str, dict[str, Any]]] = {
    "kreis": (
        "Regel ab 2025: Stadt- und Landkreise nach Zuweisungen aus der Erstaufnahme",
        {
            "rule": "kreis",
            "level": "kreis",
            "kreis_key": "verteilschluessel",
            "join": "none",
            "pass_down": False,
        },
    ),
    "kreis_einwohner": (
        "Stadt- und Landkreise nach Einwohnern",
        {
            "rule": "kreis",
            "level": "kreis",
            "kreis_key": "population",
            "join": "none",
            "pass_down": False,
        },
    ),
    "population": (
        "Gemeinden nach Einwohnern (mit Stadtfaktor)",
        {"rule": "population", "level": "gemeinde", "join": "landkreis", "pass_down": False},
    ),
    "au_model": (
        "Gemeinden nach Personen in Anschlussunterbringung (Modell)",
        {"rule": "au_model", "level": "gemeinde", "join": "landkreis", "pass_down": False},
    ),
}

#: Arrival paths offered (forward paths of :mod:`paktsim.inflow.arrivals`).
ARRIVAL_PATHS: dict[str, str] = {
    "baseline": "Basis (Niveau der letzten Jahre)",
    "low": "niedrig",
    "wave_2015": "Welle wie 2015/16",
    "ukraine_surge": "Zugang wie Ukraine 2022",
}

#: Quantities the Kreis map can show: key → (German legend title, value format).
MAP_METRICS: dict[str, tuple[str, str]] = {
    "ratio_actual": ("Personen je besetzte Stelle", "number"),
    "gap_fte": ("Fehlende Stellen (VZÄ)", "number"),
    "fte_funded": ("Geförderte Stellen (VZÄ)", "number"),
    "eur_per_inhabitant": ("Fördermittel je Einwohner (€)", "eur"),
}

#: Rows of the headline table: summary key → kind for German formatting.
HEADLINE_ROWS: dict[str, str] = {
    "target_group": "persons",
    "fte_needed": "fte",
    "fte_funded": "fte",
    "fte_staffed": "fte",
    "ratio_actual": "ratio",
    "gap_fte": "fte",
    "planned_eur": "eur",
    "needed_eur": "eur",
    "envelope_gap_eur": "eur",
    "cofunding_eur": "eur",
    "places_over_alert": "count",
}

#: Files written by :meth:`WorkshopController.export` (inside the target folder).
EXPORT_FILES: dict[str, str] = {
    "excel": "werkstatt.xlsx",
    "png": "werkstatt.png",
    "yaml": "szenario.yaml",
}

_TIMESERIES = {
    "fte_needed": "Stellen benötigt (VZÄ)",
    "fte_funded": "Stellen gefördert (VZÄ)",
    "fte_staffed": "Stellen besetzt (VZÄ)",
    "target_group": "Personen in der Zielgruppe",
}
_PLACE_COLUMNS = {
    "target_group": "Personen in der Zielgruppe",
    "fte_needed": "Stellen benötigt (VZÄ)",
    "fte_funded": "Stellen gefördert (VZÄ)",
    "fte_staffed": "Stellen besetzt (VZÄ)",
    "ratio_actual": "Personen je besetzte Stelle",
    "gap_fte": "Fehlende Stellen (VZÄ)",
    "frame_eur": "Fördermittel (€)",
    "cofunding_eur": "Kommunaler Eigenanteil (€)",
}
_MEMO_SIZE = 64
_NAME_LENGTH = 200  # structural: longest scenario name the schema takes


class WorkshopController:
    """View-model of the scenario workshop (pure, testable without a kernel).

    Parameters
    ----------
    scenario : Scenario, optional
        Starting point; default the built-in status-quo scenario.  Its Monte
        Carlo settings are kept (they go into the exported YAML) but the
        workshop shows the central run.
    year : int, optional
        Year shown in the headline table, map and place table; default the
        first projected year (after the last historic arrival month) inside
        the horizon, so every arrival control changes what is shown.
    place : str, optional
        AGS of the selected Kreis (5 digits) or Gemeinde (8 digits); default
        Stuttgart (``08111``).
    map_metric : str
        Key of :data:`MAP_METRICS`.
    """

    def __init__(
        self,
        scenario: Any = None,
        *,
        year: int | None = None,
        place: str = "08111",
        map_metric: str = "ratio_actual",
    ) -> None:
        from paktsim.scenario import builtin_scenario

        self._scenario = scenario if scenario is not None else builtin_scenario("status_quo")
        spec = self._scenario.allocation.urban_factor
        self._urban = (1.0, 1.0)
        if spec is not None and spec.by == "degurba":
            self._urban = (float(spec.factors.get("1", 1.0)), float(spec.factors.get("2", 1.0)))
        self._origin = self._scenario
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._year = self.first_projected_year
        self._place = "08111"
        self._map_metric = "ratio_actual"
        if year is not None:
            self.set_year(year)
        self.select_place(place)
        self.set_map_metric(map_metric)

    # ------------------------------------------------------------------ state
    @property
    def scenario(self) -> Any:
        """The current (frozen, validated) scenario."""
        return self._scenario

    @property
    def years(self) -> list[int]:
        """Calendar years of the horizon."""
        h = self._scenario.horizon
        return list(range(int(h.start[:4]), int(h.end[:4]) + 1))

    @property
    def first_projected_year(self) -> int:
        """First year after the historic arrival path (within the horizon)."""
        from paktsim.inflow.arrivals import HISTORIC_END

        return min(max(HISTORIC_END.year + 1, self.years[0]), self.years[-1])

    @property
    def year(self) -> int:
        """Year shown in the headline table, the map and the place table."""
        return self._year

    @property
    def place(self) -> str:
        """AGS of the selected Kreis or Gemeinde."""
        return self._place

    @property
    def map_metric(self) -> str:
        """Key of :data:`MAP_METRICS` shown on the map."""
        return self._map_metric

    @property
    def rule(self) -> str:
        """Key of :data:`RULE_CHOICES` matching the scenario's allocation (or its rule name)."""
        spec = self._scenario.allocation
        for key, (_label, section) in RULE_CHOICES.items():
            if spec.rule == section["rule"] and spec.level == section["level"]:
                return key
        return spec.rule

    @property
    def urban_factor(self) -> tuple[float, float]:
        """Factors for DEGURBA 1 (cities) and 2 (towns, suburbs); rural areas have 1."""
        return self._urban

    def _change(self, **sections: Any) -> None:
        self._scenario = self._scenario.with_changes(**sections)
        if self._year not in self.years:
            self._year = min(max(self._year, self.years[0]), self.years[-1])

    # ------------------------------------------------------------------ setters
    def set_arrival_path(self, path: str) -> None:
        """Arrival path by name (a key of :data:`ARRIVAL_PATHS`)."""
        if path not in ARRIVAL_PATHS:
            raise InputError.single(
                "arrivals.path", f"expected one of {', '.join(ARRIVAL_PATHS)}", path
            )
        self._change(arrivals={"path": path})

    def set_arrival_scale(self, scale: float) -> None:
        """Multiply the arrival path (1 = as published/assumed)."""
        self._change(arrivals={"scale": _number(scale, "arrivals.scale", low=0.0)})

    def set_target_group(self, definition: str) -> None:
        """Who counts for the caseload: a key of :data:`paktsim.target_groups.TARGET_GROUPS`."""
        from paktsim.target_groups import TARGET_GROUPS

        if definition not in TARGET_GROUPS:
            raise InputError.single(
                "staffing.target_group", f"expected one of {', '.join(TARGET_GROUPS)}", definition
            )
        self._change(staffing={"target_group": definition})

    @property
    def target_group(self) -> str:
        """The scenario's target-group definition (``staffing.target_group``)."""
        return str(self._scenario.staffing.target_group)

    def set_ratio(self, persons_per_fte: float) -> None:
        """Target caseload ratio: persons per full-time IM position."""
        self._change(
            staffing={
                "target_ratio": _number(
                    persons_per_fte, "staffing.target_ratio", low=0.0, strict=True
                )
            }
        )

    def set_budget(self, budget_eur: float | None) -> None:
        """Yearly IM envelope in euros; ``None`` = the planned envelope in force each year."""
        value = (
            None
            if budget_eur is None
            else _number(budget_eur, "allocation.budget_eur", low=0.0, strict=True)
        )
        self._change(allocation={"budget_eur": value})

    def set_mix(self, hochschule_share: float) -> None:
        """Share of positions at the Hochschul Fördersatz (the rest: Berufsausbildung)."""
        share = _number(
            hochschule_share, "allocation.qualification_mix.hochschule", low=0.0, high=1.0
        )
        mix = (
            {"hochschule": 1.0}
            if share == 1.0
            else {"hochschule": share, "berufsausbildung": round(1.0 - share, 12)}
        )
        self._change(allocation={"qualification_mix": mix})

    def set_rule(self, rule: str) -> None:
        """Allocation rule by key of :data:`RULE_CHOICES` (keeps the urban factor)."""
        if rule not in RULE_CHOICES:
            raise InputError.single(
                "allocation.rule", f"expected one of {', '.join(RULE_CHOICES)}", rule
            )
        section = dict(RULE_CHOICES[rule][1])
        section["urban_factor"] = self._urban_section(rule)
        self._change(allocation=section)

    def set_urban_factor(self, city: float, town: float = 1.0) -> None:
        """Urban factor on population weights: DEGURBA 1 ``city``, 2 ``town``, 3 ``1``.

        Only the population rule uses it; for other rules the value is kept
        and applies when the population rule is chosen.
        """
        c = _number(city, "allocation.urban_factor.1", low=0.0, strict=True)
        t = _number(town, "allocation.urban_factor.2", low=0.0, strict=True)
        previous = self._urban
        self._urban = (c, t)
        try:
            self._change(allocation={"urban_factor": self._urban_section(self.rule)})
        except InputError:
            self._urban = previous
            raise

    def _urban_section(self, rule: str) -> dict[str, Any] | None:
        if rule != "population" or self._urban == (1.0, 1.0):
            return None
        return {"by": "degurba", "factors": {"1": self._urban[0], "2": self._urban[1], "3": 1.0}}

    def set_horizon(self, start_year: int, end_year: int) -> None:
        """Simulated years, January of ``start_year`` to December of ``end_year``."""
        for name, value in (("horizon.start", start_year), ("horizon.end", end_year)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise InputError.single(name, "expected a year (whole number)", value)
        if end_year < start_year:
            raise InputError.single(
                "horizon.end", f"expected a year not before {start_year}", end_year
            )
        self._change(
            horizon={"start": f"{int(start_year):04d}-01", "end": f"{int(end_year):04d}-12"}
        )

    def set_year(self, year: int) -> None:
        """Year shown in the headline table, map and place table (within the horizon)."""
        if (
            isinstance(year, bool)
            or not isinstance(year, (int, np.integer))
            or int(year) not in self.years
        ):
            raise InputError.single(
                "year", f"expected a year of the horizon {self.years[0]}–{self.years[-1]}", year
            )
        self._year = int(year)

    def select_place(self, ags: str) -> None:
        """Select a Kreis (5-digit AGS) or Gemeinde (8-digit AGS) for the place table."""
        from paktsim import regions

        key = str(ags)
        known = (
            regions.kreise(self._scenario.data.vintage).index
            if len(key) == 5
            else regions.municipalities(self._scenario.data.vintage).index
        )
        if key not in known:
            raise InputError.single(
                "place", "unknown AGS (expected a Kreis with 5 or a Gemeinde with 8 digits)", ags
            )
        self._place = key

    def set_map_metric(self, metric: str) -> None:
        """Quantity shown on the Kreis map (a key of :data:`MAP_METRICS`)."""
        if metric not in MAP_METRICS:
            raise InputError.single(
                "map_metric", f"expected one of {', '.join(MAP_METRICS)}", metric
            )
        self._map_metric = metric

    # ------------------------------------------------------------------ hints
    def hints(self) -> dict[str, str | None]:
        """Controls without effect in the current state: key → one German line why (else None).

        Keys: ``mix`` (Anteil Hochschule), ``urban_factor`` (Stadtfaktor and
        Faktor Vororte), ``gemeinde`` (Gemeinde choice), ``arrivals`` (arrival
        path and factor, with respect to the year shown), ``target_group``
        (Zielgruppe: "ohne Wirkung" when every definition counts the same persons
        in the year shown; a note when another definition counts the same).
        """
        from paktsim.inflow.arrivals import HISTORIC_END
        from paktsim.report import format as fmt

        out: dict[str, str | None] = dict.fromkeys(
            ("mix", "urban_factor", "gemeinde", "arrivals", "target_group")
        )
        counts = self.target_group_persons()
        same = [
            SHORT_LABELS_DE[k]
            for k, v in counts.items()
            if k != self.target_group and abs(v - counts[self.target_group]) < 0.5
        ]
        if len(same) == len(counts) - 1:
            out["target_group"] = (
                f"ohne Wirkung: {self._year} zählen alle Abgrenzungen gleich "
                f"viele Personen ({fmt.number(counts[self.target_group], 0)})"
            )
        elif same:
            out["target_group"] = (
                f"{self._year} dieselben Personen wie „{same[0]}“ "
                f"({fmt.number(counts[self.target_group], 0)})"
            )
        rates = _rates(tuple(self.years))
        if all(h == b for h, b in rates):
            from paktsim.report import format as fmt

            amounts = " bzw. ".join(sorted({fmt.eur(h) for h, _b in rates}))
            out["mix"] = (
                f"ohne Wirkung: beide Fördersätze sind im Zeitraum gleich ({amounts} je Stelle)"
            )
        if self.rule != "population":
            out["urban_factor"] = (
                "ohne Wirkung: der Stadtfaktor gilt nur bei der Verteilung an "
                "Gemeinden nach Einwohnern"
            )
        if self.rule == "kreis":
            out["gemeinde"] = (
                "die Regel verteilt an Kreise: die Tabelle zeigt den Kreis, nicht die Gemeinde"
            )
        if self._year <= HISTORIC_END.year:
            out["arrivals"] = (
                f"Zugänge bis {HISTORIC_END.year} sind beobachtet: für "
                f"{self._year} ändern Pfad und Faktor die Kennzahlen nicht, "
                "nur die Jahre danach"
            )
        return out

    def target_group_persons(self) -> dict[str, float]:
        """Persons in each target-group definition in the Land, mean of :attr:`year`.

        From the inflow run the current result uses (the same for every
        definition), so offering the choice costs no model run.
        """
        from paktsim.pipeline import inflow_key

        def build() -> dict[str, float]:
            from paktsim import ensemble, staffing
            from paktsim.target_groups import TARGET_GROUPS

            inflow = self.result.inflow
            in_year = np.asarray(inflow.months.year == self._year)
            window = ensemble.horizon_window(inflow)
            out = {}
            for definition in TARGET_GROUPS:
                parts = staffing.target_group_parts(
                    self._scenario.staffing.include_vu, definition=definition
                )
                segs = staffing.target_group(inflow.chain.stocks, definition=parts, window=window)
                out[definition] = float(segs[0].sum(axis=0)[in_year].mean())
            return out

        key = (
            "target_groups",
            inflow_key(self._scenario),
            self._year,
            self._scenario.staffing.include_vu,
        )
        if key not in self._memo:
            self._memo[key] = build()
        return dict(self._memo[key])

    @property
    def map_metric_info(self) -> tuple[str, str]:
        """``(German title, number kind)`` of the map's quantity (:data:`MAP_METRICS`)."""
        return MAP_METRICS[self._map_metric]

    # ------------------------------------------------------------------ results
    def _memoised(self, name: str, build: Callable[[], Any], *extra: Any) -> Any:
        key = (name, self._scenario, *extra)
        if key in self._memo:
            self._memo.move_to_end(key)
            return self._memo[key]
        value = build()
        self._memo[key] = value
        while len(self._memo) > _MEMO_SIZE:
            self._memo.popitem(last=False)
        return value

    @property
    def result(self) -> Any:
        """The central run of the current scenario (:class:`~paktsim.pipeline.ScenarioResult`)."""
        from paktsim.pipeline import run_scenario

        return run_scenario(self._scenario, ensemble=False)

    @property
    def headline(self) -> pd.DataFrame:
        """Headline figures of :attr:`year`: German row labels, one numeric column."""

        def build() -> pd.DataFrame:
            from paktsim.pipeline import SUMMARY_LABELS

            summary = self.result.summary([self._year])
            labels = [SUMMARY_LABELS[k] for k in HEADLINE_ROWS]
            table = summary.loc[labels, [str(self._year)]]
            table.index.name = "Kennzahl"
            return table

        return self._memoised("headline", build, self._year).copy()

    @property
    def headline_de(self) -> pd.DataFrame:
        """:attr:`headline` as German text (``Wert`` column), for the view and figure."""
        from paktsim.report import format as fmt

        table = self.headline
        values = table.iloc[:, 0].to_numpy(float)
        text = []
        for kind, value in zip(HEADLINE_ROWS.values(), values):
            if not np.isfinite(value):
                text.append(fmt.MISSING)
            elif kind == "eur":
                text.append(fmt.compact_eur(value, 1))
            elif kind == "fte":
                text.append(fmt.number(value, 1))
            elif kind == "ratio":
                text.append("1:" + fmt.number(value, 0))
            else:
                text.append(fmt.number(value, 0))
        return pd.DataFrame({"Wert": text}, index=table.index)

    @property
    def timeseries(self) -> pd.DataFrame:
        """Per year: FTE needed, funded and staffed and persons in the target group (Land)."""

        def build() -> pd.DataFrame:
            land = self.result.land
            table = land[list(_TIMESERIES)].rename(columns=_TIMESERIES).astype(float)
            table.index = pd.Index([int(y) for y in land.index], name="Jahr")
            return table

        return self._memoised("timeseries", build).copy()

    @property
    def stocks(self) -> pd.DataFrame:
        """Monthly Land stocks by reception stage (persons), German column names."""

        def build() -> pd.DataFrame:
            from paktsim.inflow.model import STAGE_LABELS

            land = self.result.inflow.land()
            table = land.pivot(index="month", columns="stage", values="persons")
            table = table[[s for s in STAGE_LABELS if s in table.columns]]
            table.columns = [STAGE_LABELS[s] for s in table.columns]
            table.index = pd.PeriodIndex(table.index.astype(str), freq="M", name="Monat")
            return table.astype(float)

        # the inflow depends on horizon, data, arrivals and overrides only
        from paktsim.pipeline import inflow_key

        key = inflow_key(self._scenario)
        if ("stocks", key) not in self._memo:
            self._memo[("stocks", key)] = build()
        return self._memo[("stocks", key)].copy()

    def _kreis_year(self) -> pd.DataFrame:
        def build() -> pd.DataFrame:

            kreise = self.result.kreise.xs(self._year, level="year")
            kreise.index = kreise.index.astype(str)
            pop = _kreis_population(self._scenario.data.vintage)
            kreise["eur_per_inhabitant"] = kreise["frame_eur"] / pop.reindex(kreise.index)
            return kreise

        return self._memoised("kreis_year", build, self._year)

    @property
    def kreis_values(self) -> pd.Series:
        """Map values: :attr:`map_metric` per Kreis (5-digit AGS) in :attr:`year`."""
        values = self._kreis_year()[self._map_metric].astype(float)
        values = values.replace([np.inf, -np.inf], np.nan)
        return values.rename(MAP_METRICS[self._map_metric][0])

    @property
    def kreis_values_all_years(self) -> pd.Series:
        """:attr:`map_metric` per Kreis and year (for class breaks that hold across years)."""

        def build() -> pd.Series:

            kreise = self.result.kreise
            if self._map_metric == "eur_per_inhabitant":
                pop = _kreis_population(self._scenario.data.vintage)
                ags = kreise.index.get_level_values(0).astype(str)
                values = kreise["frame_eur"].to_numpy(float) / pop.reindex(ags).to_numpy()
            else:
                values = kreise[self._map_metric].to_numpy(float)
            return pd.Series(values).replace([np.inf, -np.inf], np.nan)

        return self._memoised("kreis_all_years", build, self._map_metric)

    @property
    def kreis_table(self) -> pd.DataFrame:
        """All Kreise in :attr:`year` with German column names (for export)."""
        cols = {
            "name": "Kreis",
            **_PLACE_COLUMNS,
            "eur_per_inhabitant": "Fördermittel je Einwohner (€)",
        }
        table = self._kreis_year()[list(cols)].rename(columns=cols)
        table.index.name = "AGS"
        return table

    @property
    def place_label(self) -> str:
        """Name of the place the :attr:`place_table` shows (and at which level)."""
        ags = self._shown_place()
        name = self._place_rows(ags)["name"].iloc[0]
        if ags != self._place:
            return (
                f"{name} (Kreis; Gemeindewerte gibt es nur, wenn die Regel an Gemeinden verteilt)"
            )
        return str(name)

    def _shown_place(self) -> str:
        """The selected AGS, or its Kreis when the result has no Gemeinde rows."""
        if len(self._place) == 8 and self.result.level == "kreis":
            return self._place[:5]
        return self._place

    def _place_rows(self, ags: str) -> pd.DataFrame:
        table = self.result.kreise if len(ags) == 5 else self.result.places
        return table.xs(ags, level=0)

    @property
    def place_table(self) -> pd.DataFrame:
        """The selected Kreis/Gemeinde by year (German columns)."""

        def build() -> pd.DataFrame:
            rows = self._place_rows(self._shown_place())
            table = rows[list(_PLACE_COLUMNS)].rename(columns=_PLACE_COLUMNS)
            table.index = pd.Index([int(y) for y in rows.index], name="Jahr")
            return table

        return self._memoised("place_table", build, self._place).copy()

    def kreis_options(self) -> list[tuple[str, str]]:
        """(label, AGS) of the Kreise, by name, for a dropdown."""
        from paktsim import regions

        k = regions.kreise(self._scenario.data.vintage)["name"].sort_values()
        return [(str(n), str(a)) for a, n in k.items()]

    def gemeinde_options(self, kreis_ags: str) -> list[tuple[str, str]]:
        """(label, AGS) of the Gemeinden in a Kreis, by name, for a dropdown."""
        from paktsim import regions

        g = regions.municipalities(self._scenario.data.vintage)
        g = g[g["kreis_ags"] == str(kreis_ags)]["name"].sort_values()
        return [(str(n), str(a)) for a, n in g.items()]

    def describe(self) -> str:
        """One German line: rule, arrivals, ratio, envelope, horizon."""
        from paktsim.report import format as fmt

        s = self._scenario
        rule = RULE_CHOICES.get(self.rule, (s.allocation.rule,))[0]
        if self.rule == "population" and s.allocation.urban_factor is not None:
            rule = (
                f"Gemeinden nach Einwohnern, Stadtfaktor {fmt.number(self._urban[0], 2)} "
                f"(Städte) / {fmt.number(self._urban[1], 2)} (Vororte, Kleinstädte)"
            )
        budget = (
            "Plan"
            if s.allocation.budget_eur is None
            else fmt.compact_eur(s.allocation.budget_eur, 1)
        )
        path = ARRIVAL_PATHS.get(s.arrivals.path, s.arrivals.path)
        return (
            f"{rule}; Zugang {path} × {fmt.number(s.arrivals.scale, 2)}; Zielgruppe "
            f"{SHORT_LABELS_DE[self.target_group]}; Schlüssel "
            f"1:{fmt.number(s.staffing.target_ratio, 0)}; Mittel {budget} je Jahr; "
            f"{s.horizon.start[:4]}–{s.horizon.end[:4]}"
        )

    # ------------------------------------------------------------------ export
    def changes(self) -> list[str]:
        """What differs from the starting scenario, one short German phrase each."""
        from paktsim.report import format as fmt

        a, b = self._origin, self._scenario
        out = []
        if (a.arrivals.path, a.arrivals.scale) != (b.arrivals.path, b.arrivals.scale):
            path = ARRIVAL_PATHS.get(b.arrivals.path, b.arrivals.path)
            out.append(f"Zugang {path} × {fmt.number(b.arrivals.scale, 2)}")
        if a.staffing.target_group != b.staffing.target_group:
            out.append(f"Zielgruppe {SHORT_LABELS_DE[self.target_group]}")
        if a.staffing.target_ratio != b.staffing.target_ratio:
            out.append(f"Schlüssel 1:{fmt.number(b.staffing.target_ratio, 0)}")
        if a.allocation.budget_eur != b.allocation.budget_eur:
            out.append(
                "Mittel laut Planung"
                if b.allocation.budget_eur is None
                else f"Mittel {fmt.compact_eur(b.allocation.budget_eur, 1)} je Jahr"
            )
        if dict(a.allocation.qualification_mix) != dict(b.allocation.qualification_mix):
            share = b.allocation.qualification_mix.get("hochschule", 0.0)
            out.append(f"Anteil Hochschule {fmt.percent(share, 1)}")
        if (a.allocation.rule, a.allocation.level) != (
            b.allocation.rule,
            b.allocation.level,
        ) or a.allocation.urban_factor != b.allocation.urban_factor:
            rule = RULE_CHOICES.get(self.rule, (b.allocation.rule,))[0]
            if b.allocation.urban_factor is not None:
                rule += (
                    f", Stadtfaktor {fmt.number(self._urban[0], 2)} / "
                    f"{fmt.number(self._urban[1], 2)}"
                )
            out.append(rule)
        if a.horizon != b.horizon:
            out.append(f"Zeitraum {b.horizon.start[:4]}–{b.horizon.end[:4]}")
        return out

    def export_scenario(self) -> Any:
        """The current scenario, named and described after what changed (for the YAML)."""
        changes = self.changes()
        if not changes:
            return self._scenario
        # the name must fit the scenario schema's length; the description lists everything
        shown, name = len(changes), f"{self._origin.name}, geändert: {'; '.join(changes)}"
        while len(name) > _NAME_LENGTH and shown > 1:
            shown -= 1
            name = (
                f"{self._origin.name}, geändert: {'; '.join(changes[:shown])} "
                f"und {len(changes) - shown} weitere"
            )
        name = name[:_NAME_LENGTH]
        description = (
            f"Aus der Szenario-Werkstatt. Grundlage: {self._origin.name}. "
            f"Geändert: {'; '.join(changes)}. Stand: {self.describe()}."
        )
        return self._scenario.with_changes(name=name, description=description)

    def export_files(self, dpi: int = 150) -> dict[str, bytes]:
        """The export in memory: file name → bytes (Excel, PNG, YAML); nothing is written.

        The views offer these as a download; :meth:`export` writes them to a folder.
        """
        import io

        from paktsim._version import __version__
        from paktsim.report.excel import write_workbook
        from paktsim.widgets.figures import WorkshopFigure

        scenario = self.export_scenario()
        tables = {
            "Kennzahlen": self.result.summary(),
            "Zeitreihe": self.timeseries,
            f"Kreise {self._year}": self.kreis_table,
            "Auswahl": self.place_table,
        }
        provenance = {
            "Szenario": scenario.name,
            "Szenario-Datei": EXPORT_FILES["yaml"],
            "Szenario-SHA-256": scenario.sha256,
            "Einstellungen": self.describe(),
            "Jahr (Kennzahlen, Karte, Kreise)": self._year,
            "Auswahl": f"{self.place_label} ({self._shown_place()})",
            "Karte": MAP_METRICS[self._map_metric][0],
            "Datum": dt.date.today().isoformat(),
            "paktsim-Version": __version__,
        }
        excel = io.BytesIO()
        write_workbook(excel, tables, provenance, {str(y): "#,##0.0" for y in self.years})
        png = WorkshopFigure().update(self).to_png(dpi=dpi)
        header = (
            "# Exportiert aus der Szenario-Werkstatt (paktsim "
            f"{__version__}).\n# Neu rechnen: paktsim run {EXPORT_FILES['yaml']}\n"
        )
        return {
            EXPORT_FILES["excel"]: excel.getvalue(),
            EXPORT_FILES["png"]: png,
            EXPORT_FILES["yaml"]: (header + scenario.to_yaml()).encode("utf-8"),
        }

    def export(self, folder: str | Path, force: bool = False, dpi: int = 150) -> list[Path]:
        """Write the current state: Excel tables, the dashboard figure (PNG), the scenario (YAML).

        The YAML validates back to the current scenario (named after what
        changed, see :meth:`export_scenario`) and runs with
        ``paktsim run FOLDER/szenario.yaml``.

        Parameters
        ----------
        folder : path-like
            Output folder (created if missing).
        force : bool
            Replace existing files (the view's "überschreiben").
        dpi : int
            Resolution of the PNG.

        Returns
        -------
        list of Path
            Excel, PNG and YAML paths.

        Raises
        ------
        InputError
            ``folder`` is a file, a target exists (without ``force``) or is not
            writable (German message).  All targets are checked before anything
            is written.
        """
        from paktsim.widgets.export import write_export

        return write_export(folder, self.export_files(dpi), force)


@functools.lru_cache(maxsize=8)
def _kreis_population(vintage: int) -> pd.Series:
    """Population per Kreis (5-digit AGS) of a vintage (cached; treat as read-only)."""
    from paktsim import regions

    return regions.kreise(vintage)["population"].astype(float)


@functools.lru_cache(maxsize=32)
def _rates(years: tuple[int, ...]) -> frozenset[tuple[float, float]]:
    """The (Hochschule, Berufsausbildung) Fördersätze in force on 1 January of ``years``."""
    from paktsim import params

    out = set()
    for y in years:
        snap = params.at(f"{y}-01-01")
        out.add(
            (
                float(snap["integrationsmanagement.foerdersatz.hochschule"]),
                float(snap["integrationsmanagement.foerdersatz.berufsausbildung"]),
            )
        )
    return frozenset(out)


def _number(
    value: Any,
    location: str,
    low: float | None = None,
    high: float | None = None,
    strict: bool = False,
) -> float:
    """Validate a finite number in a range (``strict``: above ``low``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.integer, np.floating))
        or not np.isfinite(value)
    ):
        raise InputError.single(location, "expected a finite number", value)
    v = float(value)
    if low is not None and (v <= low if strict else v < low):
        raise InputError.single(
            location, f"expected a number {'>' if strict else '>='} {low:g}", value
        )
    if high is not None and v > high:
        raise InputError.single(location, f"expected a number <= {high:g}", value)
    return v
