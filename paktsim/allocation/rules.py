"""Allocation rules: how an envelope is weighted over Gemeinden or Kreise.

Every rule is a small immutable object behind the :class:`AllocationRule`
protocol: it has a ``level`` (``"gemeinde"`` or ``"kreis"``), turns a regions
table into non-negative weights (:meth:`AllocationRule.weights`), and describes
itself for provenance.  The engine (:func:`paktsim.allocation.allocate`) turns
weights into whole-euro amounts; rules never touch money, so every rule gets
exact sums, order independence and the threshold logic for free.

An *open-ended* rule (:class:`PerCapitaPayment`) additionally fixes the
envelope itself (rate × count): the budget is its result, not its input.

Rules
-----
- :class:`CountRule` — proportional to a count per region supplied by the
  user (``"Geld folgt Flüchtling"``, the final 2017/18 Planungsrahmen).
- :class:`PopulationRule` — proportional to population of the table's vintage,
  optionally times an :class:`UrbanFactor` (Städtetag proposal).
- :class:`MixRule` — a weighted mix of the *shares* of other rules; the
  two-survey tranche (:func:`two_survey_rule`) and the hybrid
  (:func:`hybrid_rule`) are mixes.
- :class:`PerCapitaPayment` — a rate per counted person (Integrationslastenausgleich).
- :class:`KreisKey` — the IM Kreis key in force in a funding year
  (``integrationsmanagement.verteilschluessel``): from 2025 the modelled
  assignments out of Erstaufnahme over a reference window, in 2017–2024 persons
  in Anschlussunterbringung on the 2017 count date, or population.  It says what
  to count; the caller (the pipeline) counts it in the inflow model.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem
from paktsim.limits import MAX_ENVELOPE_EUR
from paktsim.regions import check_level

__all__ = [
    "LEVEL_DE",
    "FACTOR_BY_DE",
    "Level",
    "AllocationRule",
    "OpenEndedRule",
    "CountRule",
    "PopulationRule",
    "UrbanFactor",
    "MixRule",
    "PerCapitaPayment",
    "KreisKey",
    "KREIS_KEYS",
    "two_survey_rule",
    "hybrid_rule",
    "validate_counts",
]

Level = Literal["gemeinde", "kreis"]
_AGS_LENGTH = {"gemeinde": 8, "kreis": 5}
#: German words for what people read in ``describe()`` (the rule names stay English).
LEVEL_DE: dict[str, str] = {"gemeinde": "Gemeinden", "kreis": "Kreise"}
FACTOR_BY_DE: dict[str, str] = {
    "degurba": "DEGURBA-Klasse",
    "kreis_typ": "Kreistyp",
    "size_class": "Größenklasse",
}


@runtime_checkable
class AllocationRule(Protocol):
    """Common interface of every allocation rule.

    Attributes
    ----------
    level : {"gemeinde", "kreis"}
        Which table the rule weights: the 1,101 Gemeinden or the 44 Kreise.
    """

    # a read-only member, so frozen dataclasses satisfy the protocol (checked by mypy in
    # tests/typecheck/allocation_rules.py via tests/test_tooling.py)
    @property
    def level(self) -> Level:
        """``"gemeinde"`` or ``"kreis"``."""
        ...

    def weights(self, table: pd.DataFrame) -> pd.Series:
        """Non-negative float weights indexed like ``table`` (AGS), name ``"weight"``."""
        ...

    def describe(self) -> str:
        """One-line German description for tables and the provenance sheet."""
        ...

    def parameters(self) -> dict[str, Any]:
        """Plain-data parameters of the rule (for provenance and run records)."""
        ...


@runtime_checkable
class OpenEndedRule(AllocationRule, Protocol):
    """A rule whose envelope is its result (a rate per counted unit)."""

    def envelope_eur(self, table: pd.DataFrame) -> int:
        """Total payment in whole euros for ``table``."""
        ...


def validate_counts(
    counts: pd.Series, location: str = "counts", level: str = "gemeinde"
) -> pd.Series:
    """Validate a count per region and return it as float indexed by string AGS.

    Parameters
    ----------
    counts : Series
        Count per AGS (index).
    location : str
        Name used in error messages (e.g. the file name).
    level : {"gemeinde", "kreis"}
        Expected key length (8 or 5 digits).

    Raises
    ------
    InputError
        Duplicate or malformed AGS, non-numeric, non-finite or negative counts.
    """
    problems: list[Problem] = []
    index = pd.Index(counts.index.astype(str), name="ags")
    dup = index[index.duplicated()]
    if len(dup):
        problems.append(
            Problem(f"{location}:ags", "duplicate AGS, each region once", sorted(set(dup))[:5])
        )
    n = _AGS_LENGTH[level]
    bad = index[~index.str.fullmatch(rf"08\d{{{n - 2}}}")]
    if len(bad):
        problems.append(
            Problem(f"{location}:ags", f"expected {n}-digit AGS starting with 08", list(bad[:5]))
        )
    values = pd.to_numeric(pd.Series(counts.to_numpy(), index=index), errors="coerce")
    nonnum = index[
        values.isna().to_numpy() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
    ]
    if len(nonnum):
        problems.append(
            Problem(
                f"{location}:{counts.name or 'value'}", "expected a finite number", list(nonnum[:5])
            )
        )
    neg = index[(values < 0).to_numpy(dtype=bool, na_value=False)]
    if len(neg):
        problems.append(
            Problem(
                f"{location}:{counts.name or 'value'}",
                "negative count, expected >= 0",
                list(neg[:5]),
            )
        )
    if problems:
        raise InputError(problems)
    return values.astype(float).rename(counts.name)


def _align_counts(counts: pd.Series, table: pd.DataFrame, location: str) -> pd.Series:
    """Counts on the table's index; regions missing from ``counts`` count zero."""
    unknown = counts.index.difference(table.index)
    if len(unknown):
        raise InputError.single(
            f"{location}:ags", "unknown AGS, not in the regions table", list(unknown[:5])
        )
    return counts.reindex(table.index, fill_value=0.0).astype(float)


@dataclass(frozen=True, eq=False)
class CountRule:
    """Envelope proportional to a count per region ("Geld folgt Flüchtling").

    Parameters
    ----------
    counts : Series
        Count per AGS (e.g. persons in Anschlussunterbringung from the § 29d FAG
        survey). Regions not listed count zero.
    label : str
        What was counted, for descriptions (``"Personen in AU 15.09.2017"``).
    level : {"gemeinde", "kreis"}
    """

    counts: pd.Series
    label: str = "gezählte Personen"
    level: Level = "gemeinde"

    def __post_init__(self) -> None:
        check_level(self.level, "allocation.level")
        object.__setattr__(self, "counts", validate_counts(self.counts, "counts", self.level))

    def weights(self, table: pd.DataFrame) -> pd.Series:
        return _align_counts(self.counts, table, "counts").rename("weight")

    def persons(self, table: pd.DataFrame) -> pd.Series:
        """The count itself on the table's index (for € per counted person)."""
        return _align_counts(self.counts, table, "counts").rename("persons")

    def describe(self) -> str:
        return f"proportional zu {self.label} ({LEVEL_DE[self.level]})"

    def parameters(self) -> dict[str, Any]:
        return {
            "rule": "counts",
            "label": self.label,
            "level": self.level,
            "total_count": float(math.fsum(self.counts.tolist())),
            "regions_counted": int((self.counts > 0).sum()),
        }


SIZE_CLASS_DEFAULT_BOUNDS: tuple[int, ...] = (0, 5_000, 10_000, 20_000, 50_000, 100_000)
"""Lower bounds of the population size classes (Destatis-style Gemeindegrößenklassen)."""


@dataclass(frozen=True)
class UrbanFactor:
    """A multiplier on population per class of region (Städtetag's urban factor).

    The Städtetag proposes "a factor for urban areas" but publishes no value:
    every factor is a user assumption.

    Parameters
    ----------
    by : {"degurba", "kreis_typ", "size_class"}
        ``degurba``: keys 1 (cities), 2 (towns and suburbs), 3 (rural areas).
        ``kreis_typ``: keys ``"stadtkreis"``, ``"landkreis"``.
        ``size_class``: keys are lower population bounds (the smallest must be 0);
        a region gets the factor of the largest bound not above its population.
    factors : mapping
        Class → factor > 0. Every class present in the table needs a factor.
    """

    by: Literal["degurba", "kreis_typ", "size_class"]
    factors: Mapping[Any, float]

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if self.by not in ("degurba", "kreis_typ", "size_class"):
            problems.append(
                Problem(
                    "allocation.urban_factor.by",
                    "expected degurba, kreis_typ or size_class",
                    self.by,
                )
            )
        if not self.factors:
            problems.append(
                Problem(
                    "allocation.urban_factor", "expected at least one factor", dict(self.factors)
                )
            )
        for key, value in self.factors.items():
            ok = isinstance(value, (int, float)) and math.isfinite(value) and value > 0
            if not ok:
                problems.append(
                    Problem(f"allocation.urban_factor.{key}", "factor must be a number > 0", value)
                )
        if self.by == "degurba":
            bad = [k for k in self.factors if k not in (1, 2, 3)]
            if bad:
                problems.append(
                    Problem("allocation.urban_factor", "DEGURBA classes are 1, 2, 3", bad)
                )
        if self.by == "kreis_typ":
            bad = [k for k in self.factors if k not in ("stadtkreis", "landkreis")]
            if bad:
                problems.append(
                    Problem("allocation.urban_factor", "Kreis types are stadtkreis, landkreis", bad)
                )
        if self.by == "size_class":
            keys = list(self.factors)
            if not all(isinstance(k, (int, np.integer)) and k >= 0 for k in keys):
                problems.append(
                    Problem(
                        "allocation.urban_factor",
                        "size-class keys are population lower bounds >= 0",
                        keys,
                    )
                )
            elif 0 not in keys:
                problems.append(
                    Problem("allocation.urban_factor", "size classes must start at 0", sorted(keys))
                )
        if problems:
            raise InputError(problems)

    def multiplier(self, table: pd.DataFrame) -> pd.Series:
        """Factor per row of ``table``.

        DEGURBA classifies Gemeinden; for a Kreis table (no ``degurba`` column) a
        Kreis's factor is the population-weighted mean of its Gemeinden's factors
        (same population vintage), so that Kreis population × factor equals the sum
        of its Gemeinden's population × factor.
        """
        if self.by == "degurba" and "degurba" not in table.columns:
            return self._kreis_degurba(table)
        if self.by == "degurba":
            cls = table["degurba"].astype("Int64")
            keys = cls
        elif self.by == "kreis_typ":
            keys = pd.Series(
                np.where(table["is_stadtkreis"].astype(bool), "stadtkreis", "landkreis"),
                index=table.index,
            )
        else:
            bounds = np.array(sorted(self.factors))
            pos = np.searchsorted(bounds, table["population"].to_numpy(), side="right") - 1
            keys = pd.Series(bounds[pos], index=table.index)
        mult = keys.map({k: float(v) for k, v in self.factors.items()})
        missing = sorted(set(keys[mult.isna()].astype(str)))
        if missing:
            raise InputError.single(
                "allocation.urban_factor",
                f"no factor for class(es) present in the data ({self.by})",
                missing,
            )
        return mult.astype(float)

    def _kreis_degurba(self, table: pd.DataFrame) -> pd.Series:
        from paktsim import regions

        vintage = table.attrs.get("vintage")
        if vintage is None:
            raise InputError.single(
                "allocation.urban_factor",
                "DEGURBA classes Gemeinden; a "
                "Kreis factor needs the bundled Kreis table (its vintage)",
                self.by,
            )
        gem = regions.municipalities(int(vintage))
        weighted = (gem["population"] * self.multiplier(gem)).groupby(gem["kreis_ags"]).sum()
        population = gem["population"].groupby(gem["kreis_ags"]).sum()
        factor = (weighted / population).reindex(table.index)
        if factor.isna().any():
            raise InputError.single(
                "allocation.urban_factor",
                "no Gemeinden with population for Kreis(e)",
                table.index[factor.isna()].tolist()[:3],
            )
        return factor.astype(float)

    def describe(self) -> str:
        pairs = ", ".join(f"{k}={v:g}".replace(".", ",") for k, v in self.factors.items())
        return f"Faktor nach {FACTOR_BY_DE.get(self.by, self.by)}: {pairs}"


@dataclass(frozen=True)
class PopulationRule:
    """Envelope proportional to population (× an optional urban factor).

    The population is the ``population`` column of the regions table the engine
    loads, i.e. of the chosen data vintage.
    """

    urban_factor: UrbanFactor | None = None
    level: Level = "gemeinde"

    def __post_init__(self) -> None:
        check_level(self.level, "allocation.level")

    def weights(self, table: pd.DataFrame) -> pd.Series:
        pop = table["population"].astype(float)
        if self.urban_factor is not None:
            pop = pop * self.urban_factor.multiplier(table)
        return pop.rename("weight")

    def describe(self) -> str:
        text = f"nach Einwohnerzahl ({LEVEL_DE[self.level]})"
        if self.urban_factor is not None:
            text += f", {self.urban_factor.describe()}"
        return text

    def parameters(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": "population", "level": self.level}
        if self.urban_factor is not None:
            out["urban_factor_by"] = self.urban_factor.by
            out["urban_factor"] = {str(k): float(v) for k, v in self.urban_factor.factors.items()}
        return out


@dataclass(frozen=True, eq=False)
class MixRule:
    """A weighted mix of the *shares* of other rules.

    weight_i = Σ_k w_k × share_k,i with share_k = rule_k.weights / Σ rule_k.weights.

    Parameters
    ----------
    parts : mapping of name → (rule, weight)
        Component weights must be ≥ 0 and sum to 1 (within 1e-9).
    """

    parts: Mapping[str, tuple[AllocationRule, float]]
    level: Level = field(init=False)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if len(self.parts) < 1:
            problems.append(Problem("allocation.parts", "expected at least one part", {}))
        for name, (_, w) in self.parts.items():
            if not (isinstance(w, (int, float)) and math.isfinite(w) and 0 <= w <= 1):
                problems.append(
                    Problem(f"allocation.parts.{name}", "weight must be a number in [0, 1]", w)
                )
        levels = {rule.level for rule, _ in self.parts.values()}
        if len(levels) > 1:
            problems.append(
                Problem("allocation.parts", "all parts must have the same level", sorted(levels))
            )
        if not problems:
            total = math.fsum(w for _, w in self.parts.values())
            if abs(total - 1) > 1e-9:
                problems.append(
                    Problem("allocation.parts", "weights must sum to 1", round(total, 12))
                )
        if problems:
            raise InputError(problems)
        object.__setattr__(self, "level", next(iter(levels)))

    def weights(self, table: pd.DataFrame) -> pd.Series:
        out = pd.Series(0.0, index=table.index)
        for name, (rule, w) in self.parts.items():
            part = rule.weights(table)
            total = math.fsum(part.sort_index().tolist())
            if total <= 0:
                if w > 0:
                    raise InputError.single(
                        f"allocation.parts.{name}", "component has no positive weight", total
                    )
                continue
            out = out + w * part / total
        return out.rename("weight")

    def persons(self, table: pd.DataFrame) -> pd.Series | None:
        """The count of the first counting component with positive weight, if any."""
        for rule, w in self.parts.values():
            if w > 0 and hasattr(rule, "persons"):
                return rule.persons(table)
        return None

    def describe(self) -> str:
        return "Mischung: " + "; ".join(
            f"{w:.0%} {rule.describe()}" for rule, w in self.parts.values()
        )

    def parameters(self) -> dict[str, Any]:
        return {
            "rule": "mix",
            "level": self.level,
            "parts": {
                name: {"weight": float(w), **rule.parameters()}
                for name, (rule, w) in self.parts.items()
            },
        }


def two_survey_rule(
    first: pd.Series,
    second: pd.Series,
    first_weight: float | None = None,
    *,
    first_label: str = "Vorerhebung 2015/16",
    second_label: str = "FAG-Erhebung",
) -> MixRule:
    """Two-survey weighting, e.g. 60 % pre-survey and 40 % § 29d FAG survey (2017 tranche).

    ``first_weight`` must lie in [0, 1]; the second survey gets ``1 - first_weight``.
    Default: the 2017 share of the pre-survey
    (``integrationsmanagement.verteilung_2017.anteil_vorerhebung``).
    """
    if first_weight is None:
        from paktsim import params

        first_weight = float(
            params.series("integrationsmanagement.verteilung_2017.anteil_vorerhebung")[
                "value"
            ].iloc[-1]
        )
    if not (isinstance(first_weight, (int, float)) and 0 <= first_weight <= 1):
        raise InputError.single(
            "allocation.first_weight", "expected a number in [0, 1]", first_weight
        )
    return MixRule(
        {
            "first": (CountRule(first, first_label), float(first_weight)),
            "second": (CountRule(second, second_label), 1.0 - float(first_weight)),
        }
    )


def hybrid_rule(
    refugee_rule: AllocationRule, alpha: float, population_rule: PopulationRule | None = None
) -> MixRule:
    """α × refugee-based share + (1 − α) × population share."""
    if not (isinstance(alpha, (int, float)) and 0 <= alpha <= 1):
        raise InputError.single("allocation.alpha", "expected a number in [0, 1]", alpha)
    pop = population_rule or PopulationRule(level=refugee_rule.level)
    return MixRule(
        {"refugees": (refugee_rule, float(alpha)), "population": (pop, 1.0 - float(alpha))}
    )


@dataclass(frozen=True, eq=False)
class PerCapitaPayment:
    """A payment at a rate per counted person (Integrationslastenausgleich).

    Open-ended: the envelope is ``rate_eur × Σ counts`` (rounded to whole euros),
    and each region gets its share of it by largest remainder, i.e. exactly
    ``rate × count`` whenever that is a whole number of euros.

    Parameters
    ----------
    counts : Series
        Counted persons per AGS.
    rate_eur : float
        Euros per person and year (> 0), e.g. 1,125 € (2017/18).
    """

    counts: pd.Series
    rate_eur: float
    label: str = "gezählte Personen"
    level: Level = "gemeinde"

    def __post_init__(self) -> None:
        check_level(self.level, "allocation.level")
        if not (
            isinstance(self.rate_eur, (int, float))
            and math.isfinite(self.rate_eur)
            and self.rate_eur > 0
        ):
            raise InputError.single(
                "allocation.rate_eur", "rate must be a number > 0", self.rate_eur
            )
        object.__setattr__(self, "counts", validate_counts(self.counts, "counts", self.level))

    def weights(self, table: pd.DataFrame) -> pd.Series:
        return _align_counts(self.counts, table, "counts").rename("weight")

    def persons(self, table: pd.DataFrame) -> pd.Series:
        return _align_counts(self.counts, table, "counts").rename("persons")

    def envelope_eur(self, table: pd.DataFrame) -> int:
        total = math.fsum(self.weights(table).sort_index().tolist())
        envelope = total * self.rate_eur
        if not envelope <= MAX_ENVELOPE_EUR:  # checked before int(): no overflow, no wrap
            raise InputError.single(
                "allocation.rate_eur",
                f"Satz × Personen ergibt mehr als {MAX_ENVELOPE_EUR:,} €".replace(",", "."),
                self.rate_eur,
            )
        return int(math.floor(envelope + 0.5))

    def describe(self) -> str:
        rate = f"{self.rate_eur:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return f"{rate} € je {self.label} ({LEVEL_DE[self.level]})"

    def parameters(self) -> dict[str, Any]:
        return {
            "rule": "per_capita",
            "level": self.level,
            "rate_eur": float(self.rate_eur),
            "label": self.label,
            "total_count": float(math.fsum(self.counts.tolist())),
        }


#: Values of ``integrationsmanagement.verteilschluessel`` (the IM Kreis key).
KREIS_KEYS: tuple[str, ...] = ("zuweisungen_erstaufnahme", "au_personen_2017", "bevoelkerung")


@dataclass(frozen=True)
class KreisKey:
    """The IM Kreis key in force for one funding year, read from the parameters.

    Use :meth:`in_force`.  :attr:`counts` says which model quantity the key
    follows; the caller counts it (per Kreis) and passes it to :meth:`rule`.

    Attributes
    ----------
    key : str
        One of :data:`KREIS_KEYS`.
    year : int
        Funding year.
    first_month, last_month : Period or None
        ``zuweisungen_erstaufnahme``: the reference window, the
        ``integrationsmanagement.zuweisungen_referenzjahre`` calendar years before
        ``year`` (3: 2022-01 to 2024-12 for 2025).
    count_date : date or None
        ``au_personen_2017``: the count date
        (``integrationsmanagement.verteilung_2017.fag_stichtag``, 15.09.2017).
    """

    key: str
    year: int
    first_month: pd.Period | None = None
    last_month: pd.Period | None = None
    count_date: dt.date | None = None

    @classmethod
    def in_force(cls, year: int, overrides: Mapping[str, Any] | None = None) -> KreisKey:
        """The key of ``integrationsmanagement.verteilschluessel`` on 1 January of ``year``.

        Raises
        ------
        InputError
            No key in force that year (before 2017), or a window/count date missing.
        """
        from paktsim import params

        snap = params.at(dt.date(int(year), 1, 1), overrides)
        key = snap["integrationsmanagement.verteilschluessel"]
        if key is None:
            raise InputError.single(
                "integrationsmanagement.verteilschluessel",
                f"no IM key in force in {year}; use kreis_key: population "
                "or give the parameter by an override",
            )
        if key == "zuweisungen_erstaufnahme":
            n_years = snap["integrationsmanagement.zuweisungen_referenzjahre"]
            if n_years is None or int(n_years) < 1:
                raise InputError.single(
                    "integrationsmanagement.zuweisungen_referenzjahre",
                    f"expected a window of at least one year in {year}",
                    n_years,
                )
            first = pd.Period(year=int(year) - int(n_years), month=1, freq="M")
            last = pd.Period(year=int(year) - 1, month=12, freq="M")
            return cls(key, int(year), first_month=first, last_month=last)
        if key == "au_personen_2017":
            day = snap["integrationsmanagement.verteilung_2017.fag_stichtag"]
            if day is None:
                raise InputError.single(
                    "integrationsmanagement.verteilung_2017.fag_stichtag",
                    f"no count date in force in {year}",
                )
            return cls(key, int(year), count_date=day)
        return cls(key, int(year))

    @property
    def counts(self) -> str | None:
        """What the caller must count per Kreis: ``"assignments"``, ``"au_stock"`` or ``None``."""
        return {"zuweisungen_erstaufnahme": "assignments", "au_personen_2017": "au_stock"}.get(
            self.key
        )

    def count(self, inflow: Any) -> pd.Series | None:
        """The model counts per Kreis this key follows, from an inflow result.

        Parameters
        ----------
        inflow : InflowResult
            A run of :func:`paktsim.inflow.simulate` covering the window or count
            date (runs start in January 2014).

        Returns
        -------
        Series or None
            Persons per 5-digit Kreis AGS (name ``"persons"``); ``None`` for the
            population key.
        """
        if self.counts == "assignments":
            run = inflow.all_months
            first, last = max(self.first_month, run[0]), min(self.last_month, run[-1])
            if first > last:
                raise InputError.single(
                    "integrationsmanagement.zuweisungen_referenzjahre",
                    f"the reference window of {self.year} lies outside the model run",
                    str(self.first_month),
                )
            counts = inflow.flow_total("ea_to_vu", first, last, "kreis")
        elif self.counts == "au_stock":
            counts = inflow.stock_on("au", pd.Period(self.count_date, freq="M"), "kreis")
        else:
            return None
        counts = counts.astype(float).rename("persons")
        counts.index = pd.Index(counts.index.astype(str), name="ags")
        return counts

    def label(self) -> str:
        """German label of the counted quantity (for tables and provenance)."""
        if self.key == "zuweisungen_erstaufnahme":
            return (
                f"Zuweisungen aus der Erstaufnahme {self.first_month.strftime('%m/%Y')}–"
                f"{self.last_month.strftime('%m/%Y')} (Modell)"
            )
        if self.key == "au_personen_2017":
            return f"Personen in AU am {self.count_date.strftime('%d.%m.%Y')} (Modell)"
        return "Einwohner"

    def rule(self, counts: pd.Series | None = None) -> AllocationRule:
        """The Kreis-level rule: population, or proportional to ``counts`` per Kreis AGS."""
        if self.counts is None:
            return PopulationRule(level="kreis")
        if counts is None:
            raise InputError.single(
                "allocation.kreis_key",
                f"the key {self.key} needs the model's counts per Kreis",
                self.key,
            )
        return CountRule(counts, self.label(), "kreis")
