"""Allocation comparer: two rules side by side, winners and losers (pure controller).

Both allocations are made over the 1,101 Gemeinden with the programme rules in
force on 1 January of the chosen year (threshold, joint applications, Fördersätze,
0.25-FTE steps).  Kreis-level rules (the rule from 2025: the status quo's modelled
assignments out of Erstaufnahme, ``integrationsmanagement.verteilschluessel``) are
passed down to the Gemeinden by population so both sides cover the same regions;
:func:`paktsim.compare.compare` then gives Δ € and Δ € per inhabitant per
Gemeinde, roll-ups by Kreis, size class and DEGURBA, eligibility transitions and
the reference towns.  Allocations are cached per (rule, factor, envelope, year,
vintage), comparisons per controller state.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError

__all__ = [
    "COMPARER_RULES",
    "EXPORT_FIGURES",
    "REFERENCE_TOWNS",
    "ComparerController",
    "rule_periods",
]

#: Rules the comparer offers: key → German label.
COMPARER_RULES: dict[str, str] = {
    "heute": "Regel ab 2025: Kreise nach Zuweisungen aus der Erstaufnahme (Modell)",
    "kreise_einwohner": "Kreise nach Einwohnern",
    "schutzsuchende": "Kreise nach Schutzsuchenden 2018",
    "einwohner": "Gemeinden nach Einwohnern",
    "stadtfaktor": "Gemeinden nach Einwohnern mit Stadtfaktor",
}

#: Default reference towns: the large cities, university and mid-size towns, rural centres.
REFERENCE_TOWNS: tuple[str, ...] = (
    "08111000",  # Stuttgart
    "08222000",  # Mannheim
    "08311000",  # Freiburg im Breisgau
    "08121000",  # Heilbronn
    "08421000",  # Ulm
    "08118048",  # Ludwigsburg
    "08416041",  # Tübingen
    "08127076",  # Schwäbisch Hall
    "08426021",  # Biberach an der Riß
    "08325049",  # Rottweil
    "08437100",  # Bad Saulgau
)

#: Figures written by :meth:`ComparerController.export` (file stem → what it shows).
EXPORT_FIGURES: dict[str, str] = {
    "karte_kreise": "Δ € je Einwohner nach Kreisen",
    "karte_gemeinden": "Δ € je Einwohner nach Gemeinden",
    "gewinner_verlierer_kreise": "größte Gewinne und Verluste der Kreise",
}
_KREIS_RULES = ("heute", "kreise_einwohner", "schutzsuchende")


def rule_periods(first: int = 2017, last: int = 2035) -> list[tuple[str, int]]:
    """Years from which the programme rules or the planned envelope change: (label, year).

    Consecutive years with the same IM parameters and planned envelope give the
    same comparison, so a year control offers one entry per period
    (``("2017–2021", 2017)``, …, ``("ab 2025", 2025)``).
    """
    from paktsim import params
    from paktsim.budget import planned_envelope

    envelopes = planned_envelope(list(range(first, last + 1)))
    starts: list[int] = []
    previous: Any = None
    for year, envelope in zip(range(first, last + 1), envelopes):
        snap = params.at(f"{year}-01-01")
        key = (
            repr(
                sorted((k, repr(snap[k])) for k in snap if k.startswith("integrationsmanagement."))
            ),
            float(envelope),
        )
        if key != previous:
            starts.append(year)
            previous = key
    # from the last change of the programme rules on, the Kreis key follows the modelled
    # assignments of each year: every year there is a comparison of its own
    starts = sorted(set(starts) | set(range(starts[-1], last + 1)))
    out = []
    for i, year in enumerate(starts):
        end = starts[i + 1] - 1 if i + 1 < len(starts) else None
        label = f"ab {year}" if end is None else str(year) if end == year else f"{year}–{end}"
        out.append((label, year))
    return out


@functools.lru_cache(maxsize=64)
def _allocation(
    rule: str, urban: tuple[float, float] | None, budget_eur: int, year: int, vintage: int
) -> pd.DataFrame:
    """Gemeinde-level allocation of one rule (cached; treat as read-only)."""
    from paktsim import regions
    from paktsim.allocation import allocate
    from paktsim.allocation.factory import build_rule, urban_factor

    date = f"{year}-01-01"
    if rule in _KREIS_RULES:
        if rule == "heute":  # the key in force: the status quo's modelled assignments
            from paktsim.allocation.rules import KreisKey
            from paktsim.pipeline import run_scenario
            from paktsim.scenario import builtin_scenario

            inflow = run_scenario(builtin_scenario("status_quo"), ensemble=False).inflow
            kreis_rule: Any = build_rule(
                "kreis",
                kreis_key="verteilschluessel",
                year=year,
                model_counts=KreisKey.in_force(year).count(inflow),
            )
        elif rule == "kreise_einwohner":
            kreis_rule = build_rule("kreis", kreis_key="population")
        else:
            counts = regions.kreise(vintage)["schutzsuchende_2018"].astype(float)
            kreis_rule = build_rule(
                "kreis",
                kreis_key="counts",
                counts=[counts],
                counts_label="Schutzsuchende 31.12.2018",
            )
        return allocate(
            kreis_rule,
            budget_eur,
            vintage=vintage,
            join="none",
            params_date=date,
            pass_to_gemeinden=True,
        )
    factor = None
    if rule == "stadtfaktor" and urban is not None:
        factor = urban_factor("degurba", {1: urban[0], 2: urban[1], 3: 1.0})
    return allocate(
        build_rule("population", level="gemeinde", urban=factor),
        budget_eur,
        vintage=vintage,
        join="landkreis",
        params_date=date,
    )


class ComparerController:
    """View-model of the allocation comparer (pure, testable without a kernel).

    Parameters
    ----------
    base, alt : str
        Keys of :data:`COMPARER_RULES` (Δ = alt − base).
    urban_factor : (float, float)
        Factors for DEGURBA 1 (cities) and 2 (towns, suburbs) of the
        ``stadtfaktor`` rule; rural areas have 1.  The Städtetag names no value:
        this is an assumption to vary; default ``verteilung.stadtfaktor.degurba_1/2``.
    budget_eur : int, optional
        Envelope; default the planned IM envelope of ``year``.
    year : int
        Year whose programme rules (and planned envelope) apply.
    vintage : int
        Population vintage.
    reference : sequence of str
        AGS of the reference towns.
    """

    def __init__(
        self,
        base: str = "heute",
        alt: str = "stadtfaktor",
        *,
        urban_factor: tuple[float, float] | None = None,
        budget_eur: int | None = None,
        year: int = 2026,
        vintage: int = 2023,
        reference: tuple[str, ...] | list[str] = REFERENCE_TOWNS,
    ) -> None:
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._vintage = int(vintage)
        self._year = 2026
        self._base = self._alt = "heute"
        self._urban = (1.0, 1.0)
        self._budget: int | None = None
        self._reference: tuple[str, ...] = ()
        self.set_year(year)
        self.set_base(base)
        self.set_alt(alt)
        if urban_factor is None:  # the Städtetag factor's default values (assumptions)
            from paktsim import params

            snap = params.at(f"{self._year}-01-01")
            urban_factor = (
                float(snap["verteilung.stadtfaktor.degurba_1"]),
                float(snap["verteilung.stadtfaktor.degurba_2"]),
            )
        self.set_urban_factor(*urban_factor)
        self.set_budget(budget_eur)
        self.set_reference(reference)

    # ------------------------------------------------------------------ setters
    def set_base(self, rule: str) -> None:
        """Base rule (key of :data:`COMPARER_RULES`)."""
        self._base = self._check_rule(rule, "base")

    def set_alt(self, rule: str) -> None:
        """Alternative rule (key of :data:`COMPARER_RULES`)."""
        self._alt = self._check_rule(rule, "alt")

    @staticmethod
    def _check_rule(rule: str, location: str) -> str:
        if rule not in COMPARER_RULES:
            raise InputError.single(location, f"expected one of {', '.join(COMPARER_RULES)}", rule)
        return rule

    def set_urban_factor(self, city: float, town: float = 1.0) -> None:
        """Stadtfaktor for DEGURBA 1 (``city``) and 2 (``town``); rural areas 1."""
        values = []
        for name, v in (("urban_factor.1", city), ("urban_factor.2", town)):
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float, np.integer, np.floating))
                or not np.isfinite(v)
                or v <= 0
            ):
                raise InputError.single(name, "expected a number > 0", v)
            values.append(float(v))
        self._urban = (values[0], values[1])

    def set_budget(self, budget_eur: int | None) -> None:
        """Envelope in whole euros (> 0); ``None`` = the planned IM envelope of the year."""
        if budget_eur is not None:
            if (
                isinstance(budget_eur, bool)
                or not isinstance(budget_eur, (int, float, np.integer, np.floating))
                or not np.isfinite(budget_eur)
                or budget_eur <= 0
            ):
                raise InputError.single("budget_eur", "expected whole euros > 0", budget_eur)
            budget_eur = int(round(float(budget_eur)))
        self._budget = budget_eur

    def set_year(self, year: int) -> None:
        """Year whose programme rules and planned envelope apply (2017 or later)."""
        if (
            isinstance(year, bool)
            or not isinstance(year, (int, np.integer))
            or not 2017 <= int(year) <= 2100
        ):
            raise InputError.single("year", "expected a year from 2017", year)
        self._year = int(year)

    def set_reference(self, ags: tuple[str, ...] | list[str]) -> None:
        """Reference towns (8-digit AGS)."""
        from paktsim import regions

        refs = tuple(str(a) for a in ags)
        known = regions.municipalities(self._vintage).index
        unknown = [a for a in refs if a not in known]
        if unknown:
            raise InputError.single("reference", "unknown Gemeinde AGS", unknown[:5])
        self._reference = refs

    # ------------------------------------------------------------------ state
    @property
    def base(self) -> str:
        """Key of the base rule."""
        return self._base

    @property
    def alt(self) -> str:
        """Key of the alternative rule."""
        return self._alt

    @property
    def year(self) -> int:
        """Year whose programme rules apply."""
        return self._year

    @property
    def urban_factor(self) -> tuple[float, float]:
        """(city, town) Stadtfaktor."""
        return self._urban

    def _label(self, rule: str) -> str:
        from paktsim.report import format as fmt

        if rule == "stadtfaktor":
            return (
                f"Gemeinden nach Einwohnern mit Stadtfaktor {fmt.number(self._urban[0], 2)}"
                f" / {fmt.number(self._urban[1], 2)}"
            )
        return COMPARER_RULES[rule]

    @property
    def base_label(self) -> str:
        """German label of the base rule (with its factor)."""
        return self._label(self._base)

    @property
    def alt_label(self) -> str:
        """German label of the alternative rule (with its factor)."""
        return self._label(self._alt)

    @property
    def budget_eur(self) -> int:
        """The envelope compared (given, or the planned IM envelope of the year)."""
        if self._budget is not None:
            return self._budget
        from paktsim.budget import planned_envelope

        return int(planned_envelope([self._year]).iloc[0])

    def describe(self) -> str:
        """One German line: envelope, year, vintage."""
        from paktsim.report import format as fmt

        return (
            f"Δ = Alternative − Basis; Mittel {fmt.compact_eur(self.budget_eur, 1)}, "
            f"Förderregeln {self._year}, Einwohner 31.12.{self._vintage}; "
            "Kreisregeln an die Gemeinden nach Einwohnern weitergegeben"
        )

    def _key(self, rule: str) -> tuple[Any, ...]:
        urban = self._urban if rule == "stadtfaktor" else None
        return (rule, urban, self.budget_eur, self._year, self._vintage)

    # ------------------------------------------------------------------ hints
    def hints(self) -> dict[str, str | None]:
        """Controls without effect in the current state: key → one German line why (else None).

        Keys: ``urban_factor`` (neither side uses the Stadtfaktor), ``alt``
        (both sides are the same rule).
        """
        out: dict[str, str | None] = {"urban_factor": None, "alt": None}
        if "stadtfaktor" not in (self._base, self._alt):
            out["urban_factor"] = (
                "ohne Wirkung: weder Basis noch Alternative verteilt mit Stadtfaktor"
            )
        if self._base == self._alt and self._base != "stadtfaktor":
            out["alt"] = "Basis und Alternative sind dieselbe Regel: alle Δ sind 0"
        return out

    # ------------------------------------------------------------------ results
    @property
    def base_table(self) -> pd.DataFrame:
        """Allocation table of the base rule (Gemeinden)."""
        return _allocation(*self._key(self._base)).copy()

    @property
    def alt_table(self) -> pd.DataFrame:
        """Allocation table of the alternative rule (Gemeinden)."""
        return _allocation(*self._key(self._alt)).copy()

    @property
    def comparison(self) -> Any:
        """:class:`paktsim.compare.Comparison` of the current state (cached; read-only)."""
        from paktsim.compare import compare

        key = (self._key(self._base), self._key(self._alt), self._reference)
        if key not in self._memo:
            self._memo[key] = compare(
                _allocation(*key[0]), _allocation(*key[1]), reference=list(self._reference)
            )
            while len(self._memo) > 16:
                self._memo.popitem(last=False)
        self._memo.move_to_end(key)
        return self._memo[key]

    @property
    def summary(self) -> pd.DataFrame:
        """Key figures of both allocations (German)."""
        return self.comparison.summary_de()

    def tables(self) -> dict[str, pd.DataFrame]:
        """All German tables (Übersicht, Gemeinden, Kreise, RB, size classes, DEGURBA, …)."""
        return self.comparison.tables_de()

    @property
    def kreis_values(self) -> pd.Series:
        """Δ € per inhabitant per Kreis (5-digit AGS) for the map."""
        k = self.comparison.kreise
        values = k["delta_eur_per_inhabitant"].astype(float)
        values.index = [str(i[0]) if isinstance(i, tuple) else str(i) for i in k.index]
        values.index.name = "ags"
        return values.rename("Δ € je Einwohner")

    @property
    def gemeinde_values(self) -> pd.Series:
        """Δ € per inhabitant per Gemeinde (8-digit AGS) for the map (NaN without inhabitants)."""
        r = self.comparison.regions
        return r["delta_eur_per_inhabitant"].astype(float).rename("Δ € je Einwohner")

    @property
    def kreis_delta_eur(self) -> pd.Series:
        """Δ € per Kreis, indexed by Kreis name (for the bar chart)."""
        k = self.comparison.kreise
        names = [str(i[1]) if isinstance(i, tuple) else str(i) for i in k.index]
        return pd.Series(k["delta_eur"].to_numpy(float), index=names, name="Δ €")

    def winners_losers(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` Gemeinden gaining and the ``n`` losing most (Δ €), German columns."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InputError.single("n", "expected a whole number >= 1", n)
        r = self.comparison.regions
        order = r.sort_values(["delta_eur", "name"], ascending=[False, True])
        top = pd.concat([order.head(n), order.tail(n)])
        top = top[~top.index.duplicated()]
        cols = {
            "name": "Gemeinde",
            "kreis_name": "Kreis",
            "population": "Einwohner",
            "base_eur": "Basis (€)",
            "alt_eur": "Alternative (€)",
            "delta_eur": "Δ €",
            "delta_eur_per_inhabitant": "Δ € je Einwohner",
        }
        out = top[list(cols)].rename(columns=cols)
        out.index.name = "AGS"
        return out

    def strata(self, by: str) -> pd.DataFrame:
        """Roll-up by ``"kreis"``, ``"size_class"`` or ``"degurba"`` (German, compact columns)."""
        c = self.comparison
        tables = {"kreis": c.kreise, "size_class": c.size_classes, "degurba": c.degurba}
        if by not in tables or tables[by] is None:
            raise InputError.single("by", "expected kreis, size_class or degurba", by)
        cols = {
            "regions": "Gemeinden",
            "population": "Einwohner",
            "base_eur": "Basis (€)",
            "alt_eur": "Alternative (€)",
            "delta_eur": "Δ €",
            "delta_pct": "Δ %",
            "base_eur_per_inhabitant": "Basis € je Einwohner",
            "alt_eur_per_inhabitant": "Alternative € je Einwohner",
            "delta_eur_per_inhabitant": "Δ € je Einwohner",
        }
        out = tables[by][list(cols)].rename(columns=cols)
        if by == "kreis":
            out.index = pd.Index(
                [i[1] if isinstance(i, tuple) else i for i in out.index], name="Kreis"
            )
        elif by == "degurba":
            names = {1: "1 Städte", 2: "2 Kleinstädte und Vororte", 3: "3 ländlich"}
            out.index = pd.Index(
                [names.get(int(i), str(i)) for i in out.index], name="Verstädterungsgrad (DEGURBA)"
            )
        else:
            out.index = pd.Index([str(i) for i in out.index], name="Größenklasse (Einwohner)")
        return out

    @property
    def reference_table(self) -> pd.DataFrame:
        """The reference towns: amounts under both rules and the change."""
        ref = self.comparison.reference
        cols = {
            "name": "Gemeinde",
            "population": "Einwohner",
            "degurba": "DEGURBA",
            "base_eur": "Basis (€)",
            "alt_eur": "Alternative (€)",
            "delta_eur": "Δ €",
            "delta_pct": "Δ %",
            "base_eur_per_inhabitant": "Basis € je Einwohner",
            "alt_eur_per_inhabitant": "Alternative € je Einwohner",
        }
        out = ref[list(cols)].rename(columns=cols)
        out.index.name = "AGS"
        return out

    # ------------------------------------------------------------------ export
    def export_files(
        self, dpi: int = 300, formats: tuple[str, ...] = ("png", "svg")
    ) -> dict[str, bytes]:
        """The export in memory: file name → bytes; nothing is written.

        ``vergleich.xlsx`` (Übersicht, Gemeinden, Kreise, Regierungsbezirke,
        Größenklassen, DEGURBA, Antragsberechtigung, Referenzgemeinden, Herkunft)
        and, per entry of :data:`EXPORT_FIGURES`, one file per format at ``dpi``.
        """
        import io

        from paktsim.compare import provenance
        from paktsim.report.charts import render_figure
        from paktsim.report.excel import write_workbook

        bad = [f for f in formats if f not in ("png", "svg", "pdf")]
        if bad or not formats:
            raise InputError.single("formats", "expected png, svg or pdf", list(formats))
        prov = dict(provenance(self.comparison))
        prov.update(
            {
                "Basis": self.base_label,
                "Alternative": self.alt_label,
                "Mittel (€)": self.budget_eur,
                "Förderregeln (Jahr)": self._year,
                "Einwohner (Stand)": f"31.12.{self._vintage}",
                "Hinweis": "Kreisregeln an die Gemeinden nach Einwohnern weitergegeben",
                "Datum": dt.date.today().isoformat(),
            }
        )
        excel = io.BytesIO()
        write_workbook(excel, self.tables(), prov, {})
        out = {"vergleich.xlsx": excel.getvalue()}
        # as paktsim run draws its charts: a source line on each, SVG text kept as text
        for stem, fig in self.figures().items():
            for kind, data in render_figure(fig, formats, dpi=dpi).items():
                out[f"{stem}.{kind}"] = data
        return out

    def export(
        self,
        folder: str | Path,
        force: bool = False,
        dpi: int = 300,
        formats: tuple[str, ...] = ("png", "svg"),
    ) -> list[Path]:
        """Write every table (Excel with ``Herkunft`` sheet) and figure (PNG + SVG).

        Files as :meth:`export_files`.

        Raises
        ------
        InputError
            ``folder`` is a file, a target exists (without ``force``), a bad
            format (German message).  All targets are checked before anything
            is written.
        """
        from paktsim.widgets.export import write_export

        return write_export(folder, self.export_files(dpi, formats), force)

    def figures(self) -> dict[str, Any]:
        """Print figures (matplotlib, pyplot-free): the two maps and the Kreis bar chart."""
        from paktsim.report.comparison_maps import delta_classes
        from paktsim.report.maps import choropleth

        label = "Δ € je Einwohner"

        def delta_map(values: pd.Series, level: str, places: str) -> Any:
            return choropleth(
                values,
                level=level,
                title=f"{places}: {label}",
                legend_title=label,
                classes=delta_classes(values),
                diverging=True,
                value_format="eur",
                decimals=2,
            )

        return {
            "karte_kreise": delta_map(self.kreis_values, "kreis", "Kreise"),
            "karte_gemeinden": delta_map(self.gemeinde_values, "gemeinde", "Gemeinden"),
            "gewinner_verlierer_kreise": self.bar_chart(
                title=f"{self.alt_label} statt {self.base_label}"
            ),
        }

    def bar_chart(self, title: str | None = None, n: int = 10, ax: Any = None) -> Any:
        """Bars of the Kreise gaining and losing most (a note when nothing changes)."""
        from paktsim.report.charts import new_axes, winners_losers

        delta = self.kreis_delta_eur
        if (delta != 0).any():
            from matplotlib.ticker import MaxNLocator

            fig = winners_losers(
                delta, n=n, title=title, xlabel="Δ € im Jahr", value_format="compact_eur", ax=ax
            )
            fig.axes[-1 if ax is None else fig.axes.index(ax)].xaxis.set_major_locator(
                MaxNLocator(4)
            )  # whole-euro tick labels are wide
            return fig
        ax = new_axes(ax)
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "Keine Veränderung: beide Regeln verteilen gleich.",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        if title:
            ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
        return ax.figure
