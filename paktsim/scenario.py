"""Scenario specification: what a run assumes, as declarative, validated, hashable data.

A scenario file (YAML, see ``scenarios/``) names its horizon, data vintage,
parameter overrides, arrival assumptions, allocation rule, staffing assumptions,
uncertainty and seed.  :meth:`Scenario.from_yaml` and ``paktsim validate`` share
one validator (:func:`load_scenario`); every problem is reported as
``FILE: path.to.field: what is wrong (got VALUE)``.  Unknown keys are errors.

The scenario is frozen; :attr:`Scenario.sha256` hashes its canonical JSON so a
result can cite exactly what it assumed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from paktsim import limits
from paktsim.errors import NO_VALUE, InputError, Problem

__all__ = [
    "Scenario",
    "Horizon",
    "DataSpec",
    "ArrivalsSpec",
    "ArrivalBlock",
    "AllocationSpec",
    "UrbanFactorSpec",
    "StaffingSpec",
    "UncertaintySpec",
    "DistributionSpec",
    "load_scenario",
    "builtin_scenario",
    "BUILTIN_SCENARIOS",
]

_YEAR_MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
YearMonth = Annotated[
    str,
    StringConstraints(pattern=_YEAR_MONTH_PATTERN),
    Field(description="Month as YYYY-MM"),
]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
NonNegativeFloat = Annotated[float, Field(ge=0.0)]
# bounded ranges (paktsim.limits): validate refuses what a run cannot compute
Factor = Annotated[float, Field(gt=0.0, le=limits.MAX_FACTOR)]
Arrivals = Annotated[float, Field(ge=0.0, le=limits.MAX_ARRIVALS_PER_MONTH)]
Envelope = Annotated[float, Field(gt=0.0, le=limits.MAX_ENVELOPE_EUR)]


class _Spec(BaseModel):
    """Base for every scenario section: frozen, unknown keys forbidden."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


def _month_index(value: str) -> int:
    year, month = value.split("-")
    return int(year) * 12 + int(month) - 1


def _check_year(value: str | None) -> str | None:
    if value is not None and not limits.FIRST_YEAR <= int(value[:4]) <= limits.LAST_YEAR:
        raise ValueError(
            f"Jahr außerhalb des Modells; erwartet {limits.FIRST_YEAR} bis {limits.LAST_YEAR}"
        )
    return value


class Horizon(_Spec):
    """Months simulated, inclusive of both ends (``YYYY-MM``)."""

    start: YearMonth = "2025-01"
    end: YearMonth = "2034-12"

    _years = field_validator("start", "end")(_check_year)

    @model_validator(mode="after")
    def _ordered(self) -> "Horizon":
        months = _month_index(self.end) - _month_index(self.start) + 1
        if months < 1:
            raise ValueError(f"end {self.end} lies before start {self.start}")
        if months > 12 * 40:  # structural: validation limit of a horizon, 40 years
            raise ValueError(f"horizon of {months} months is longer than 40 years")
        return self

    @property
    def n_months(self) -> int:
        """Number of months in the horizon."""
        return _month_index(self.end) - _month_index(self.start) + 1


class DataSpec(_Spec):
    """Which bundled data vintage (population reference year) to use."""

    vintage: int = 2023

    @model_validator(mode="before")
    @classmethod
    def _no_persons_csv(cls, value: Any) -> Any:
        # the field existed but nothing read it: refuse it instead of ignoring counts silently
        if isinstance(value, dict) and "persons_csv" in value:
            raise ValueError(
                "data.persons_csv wird nicht mehr unterstützt (es wurde nie "
                "gelesen); gezählte Personen gehören nach allocation.counts_csv "
                "(mit rule: counts oder hybrid)"
            )
        return value

    @field_validator("vintage")
    @classmethod
    def _known_vintage(cls, value: int) -> int:
        from paktsim.regions import VINTAGES

        if value not in VINTAGES:
            raise ValueError(
                f"unknown data vintage, available: {', '.join(str(v) for v in VINTAGES)}"
            )
        return value


class ArrivalBlock(_Spec):
    """One building block of a custom arrival path (monthly persons arriving in BW).

    ``kind``:

    * ``level``: ``per_month`` persons every month from ``start`` to ``end``;
    * ``pulse``: ``total`` persons spread evenly over ``start``..``end``;
    * ``ramp``: linear from ``per_month`` at ``start`` to ``per_month_end`` at ``end``;
    * ``seasonal``: multiplies the path by twelve monthly ``factors`` (Jan..Dec);
    * ``csv``: monthly values from a CSV with columns ``month,persons``.
    """

    kind: Literal["level", "pulse", "ramp", "seasonal", "csv"]
    group: Literal["asyl", "ukraine", "humanitaer"] = "asyl"
    start: YearMonth | None = None
    end: YearMonth | None = None
    per_month: Arrivals | None = None
    per_month_end: Arrivals | None = None
    total: Annotated[float, Field(ge=0.0, le=limits.MAX_ARRIVALS_TOTAL)] | None = None
    factors: list[Factor] | None = None
    file: str | None = None

    _years = field_validator("start", "end")(_check_year)

    @model_validator(mode="after")
    def _fields_for_kind(self) -> "ArrivalBlock":
        needed = {
            "level": ("per_month",),
            "pulse": ("total", "start", "end"),
            "ramp": ("per_month", "per_month_end", "start", "end"),
            "seasonal": ("factors",),
            "csv": ("file",),
        }[self.kind]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a '{self.kind}' block needs {', '.join(missing)}")
        if self.kind == "seasonal" and len(self.factors or []) != 12:
            raise ValueError("a 'seasonal' block needs exactly 12 factors (Jan..Dec)")
        if self.start and self.end and _month_index(self.end) < _month_index(self.start):
            raise ValueError(f"end {self.end} lies before start {self.start}")
        return self


class ArrivalsSpec(_Spec):
    """Arrival assumptions: a named path from the library, scaled, plus custom blocks."""

    path: str = Field(
        default="baseline",
        description="Named path from paktsim.inflow.arrivals (e.g. historic, baseline, "
        "wave_2015, ukraine_surge, low) or 'custom' (blocks only).",
    )
    scale: Annotated[float, Field(ge=0.0, le=limits.MAX_FACTOR)] = 1.0
    blocks: tuple[ArrivalBlock, ...] = ()

    @model_validator(mode="after")
    def _custom_has_blocks(self) -> "ArrivalsSpec":
        if self.path == "custom" and not self.blocks:
            raise ValueError("path 'custom' needs at least one block")
        return self


class UrbanFactorSpec(_Spec):
    """Multiplier on population weights (the Städtetag's urban factor).

    ``by``: ``degurba`` (keys 1, 2, 3), ``kreis_typ`` (``Stadtkreis``,
    ``Landkreis``) or ``size_class`` (keys are lower population bounds, e.g.
    ``0``, ``20000``, ``100000``).
    """

    by: Literal["degurba", "kreis_typ", "size_class"] = "degurba"
    factors: dict[str, Factor]

    @field_validator("factors", mode="before")
    @classmethod
    def _keys_as_str(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): v for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _keys_fit(self) -> "UrbanFactorSpec":
        if not self.factors:
            raise ValueError("factors must not be empty")
        if self.by == "degurba":
            unknown = sorted(set(self.factors) - {"1", "2", "3"})
            if unknown:
                raise ValueError(f"degurba classes are 1, 2, 3; unknown: {', '.join(unknown)}")
            needed = {"1", "2", "3"}
        elif self.by == "kreis_typ":
            unknown = sorted(set(self.factors) - {"Stadtkreis", "Landkreis"})
            if unknown:
                raise ValueError(
                    f"kreis_typ keys are Stadtkreis, Landkreis; unknown: {', '.join(unknown)}"
                )
            needed = {"Stadtkreis", "Landkreis"}
        else:
            bad = [k for k in self.factors if not k.isdigit()]
            if bad:
                raise ValueError(
                    f"size_class keys must be whole numbers (lower bounds); got {', '.join(bad)}"
                )
            needed = {"0"} if "0" not in {str(int(k)) for k in self.factors} else set()
        # every region needs a factor, else the run fails after validate said "ok"
        absent = sorted(needed - set(self.factors))
        if absent:
            raise ValueError(
                f"Faktor fehlt für {', '.join(absent)}: jede Klasse braucht einen "
                "Faktor (size_class: die Untergrenze 0)"
            )
        return self


class AllocationSpec(_Spec):
    """How the IM envelope is split (see :mod:`paktsim.allocation`)."""

    rule: Literal[
        "counts", "two_surveys", "population", "hybrid", "kreis", "per_capita", "au_model"
    ] = "population"
    level: Literal["gemeinde", "kreis"] = "gemeinde"
    budget_eur: Envelope | None = Field(
        default=None,
        description="Envelope in euros; default: integrationsmanagement.volumen in force.",
    )

    @field_validator("budget_eur")
    @classmethod
    def _whole_euros(cls, value: float | None) -> float | None:
        if value is not None and value != int(value):
            raise ValueError("erwartet ganze Euro")
        return value

    vintage: int | None = Field(
        default=None, description="Population vintage; default data.vintage"
    )
    urban_factor: UrbanFactorSpec | None = None
    alpha: Share | None = Field(
        default=None, description="hybrid: weight of the refugee-based share"
    )
    survey_weights: tuple[Share, Share] | None = Field(
        default=None, description="two_surveys: weights of the two counts, summing to 1"
    )
    counts_csv: str | None = None
    second_counts_csv: str | None = None
    kreis_key: Literal["verteilschluessel", "population", "counts"] = Field(
        default="verteilschluessel",
        description="kreis rule: the key in force (integrationsmanagement.verteilschluessel: "
        "from 2025 modelled assignments out of Erstaufnahme), population, or "
        "counts_csv",
    )
    pass_down: bool = Field(
        default=False, description="kreis level: pass Kreis amounts down to Gemeinden by population"
    )
    join: Literal["landkreis", "neighbours", "none"] = "landkreis"
    qualification_mix: dict[str, Share] = Field(
        default_factory=lambda: {"hochschule": 1.0},
        description="Share of positions per Fördersatz tier (sums to 1).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> "AllocationSpec":
        if self.survey_weights is not None and abs(sum(self.survey_weights) - 1.0) > 1e-9:
            raise ValueError(f"survey_weights must sum to 1, got {sum(self.survey_weights):g}")
        total = sum(self.qualification_mix.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"qualification_mix shares must sum to 1, got {total:g}")
        unknown = sorted(set(self.qualification_mix) - {"hochschule", "berufsausbildung"})
        if unknown:
            raise ValueError(
                f"qualification_mix tiers are hochschule, berufsausbildung; "
                f"unknown: {', '.join(unknown)}"
            )
        if self.rule == "hybrid" and self.alpha is None:
            raise ValueError("rule 'hybrid' needs alpha (weight of the refugee-based share)")
        if self.rule == "two_surveys" and (
            self.counts_csv is None or self.second_counts_csv is None
        ):
            raise ValueError("rule 'two_surveys' needs counts_csv and second_counts_csv")
        if self.rule == "counts" and self.counts_csv is None:
            raise ValueError("rule 'counts' needs counts_csv")
        return self


def _latest_default(path: str) -> Any:
    """Latest value/default of a parameter (scenario defaults live in the parameters)."""
    from paktsim import params

    return params.series(path)["value"].iloc[-1]


TargetGroup = Literal["au", "au_ukraine_private", "all_protection_seekers"]


class StaffingSpec(_Spec):
    """Assumptions turning people into positions needed (see :mod:`paktsim.staffing`).

    ``target_group`` names who counts (:mod:`paktsim.target_groups`); the former
    switch ``include_ukraine_private: true/false`` is still read and means
    ``au_ukraine_private`` / ``au``.  Defaults come from the parameters
    (``staffing.zielgruppe``, ``betreuungsschluessel.bedarf``, ``staffing.*``).
    """

    target_group: TargetGroup = Field(
        default_factory=lambda: _latest_default("staffing.zielgruppe"),
        description="Who counts: au | au_ukraine_private | all_protection_seekers",
    )
    target_ratio: Annotated[
        float, Field(ge=limits.MIN_TARGET_RATIO, le=limits.MAX_TARGET_RATIO)
    ] = Field(
        default_factory=lambda: float(_latest_default("betreuungsschluessel.bedarf")),
        description="Persons per full-time IM position (2017 design ≈ 1:88)",
    )
    include_vu: bool = False
    counselling_share: Share = Field(
        default_factory=lambda: float(_latest_default("staffing.beratungsbedarf_anteil")),
        description="Share of the target group needing counselling (assumption)",
    )
    group_offer_share: Share = Field(
        default_factory=lambda: float(_latest_default("staffing.gruppenangebote_anteil")),
        description="Share of caseload absorbed by group offers (assumption)",
    )
    hiring_lag_months: Annotated[int, Field(ge=0, le=36)] = Field(
        default_factory=lambda: int(_latest_default("staffing.einstellungsverzug_monate"))
    )
    vacancy_rate: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        default_factory=lambda: float(_latest_default("staffing.vakanzquote"))
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_switch(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "include_ukraine_private" not in data:
            return data
        data = dict(data)
        flag = data.pop("include_ukraine_private")
        if not isinstance(flag, bool):
            raise ValueError(
                "include_ukraine_private: expected true or false "
                "(better: target_group: au | au_ukraine_private | "
                "all_protection_seekers)"
            )
        implied = "au_ukraine_private" if flag else "au"
        if "target_group" in data and data["target_group"] != implied:
            raise ValueError(
                f"include_ukraine_private: {str(flag).lower()} contradicts "
                f"target_group: {data['target_group']} (give target_group only)"
            )
        data["target_group"] = implied
        return data

    @property
    def include_ukraine_private(self) -> bool:
        """True when privately housed § 24 persons count (definitions b and c)."""
        return self.target_group != "au"


class DistributionSpec(_Spec):
    """An uncertain quantity as a scipy.stats distribution (``dist`` + its arguments)."""

    dist: Literal["uniform", "triang", "norm", "lognorm", "truncnorm", "beta"]
    args: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _proper(self) -> "DistributionSpec":
        if self.args.get("scale", 1.0) < 0:
            raise ValueError(f"scale muss ≥ 0 sein, ist {self.args['scale']:g}")
        if self.args.get("scale", 1.0) == 0:
            return self  # a point mass at loc (used to switch a distribution off)
        if any(abs(v) > 1e12 for v in self.args.values()):  # structural: validation bound
            raise ValueError("Argumente außerhalb von ±10¹²")
        import numpy as np
        from scipy import stats

        try:
            frozen = getattr(stats, self.dist)(**self.args)
            with np.errstate(all="ignore"):
                quantiles = np.asarray(frozen.ppf([0.001, 0.5, 0.999]), dtype=float)
        except (TypeError, ValueError):
            return self  # unknown argument names: reported by validate_distributions
        if not np.all(np.isfinite(quantiles)):
            raise ValueError(
                f"{self.dist} mit diesen Argumenten ist keine gültige Verteilung "
                "(Parameter außerhalb ihres Bereichs)"
            )
        return self


class UncertaintySpec(_Spec):
    """Monte Carlo settings; ``n_draws: 0`` means a single deterministic run."""

    n_draws: Annotated[int, Field(ge=0, le=100_000)] = 0
    chunk_size: Annotated[int, Field(ge=1, le=100_000)] = 1000
    arrivals_sigma: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        default=0.0, description="Log-normal sigma of the arrival level (0 = none)"
    )
    distributions: dict[str, DistributionSpec] = Field(default_factory=dict)
    sobol_n_base: Annotated[int, Field(ge=0, le=limits.MAX_SOBOL_N_BASE)] = Field(
        default=0,
        description="Base sample N of the Sobol analysis in 'paktsim run' "
        "(a power of two; 0 = none; N × (factors + 2) model runs)",
    )

    @field_validator("sobol_n_base")
    @classmethod
    def _power_of_two(cls, value: int) -> int:
        if value and value & (value - 1):
            raise ValueError("expected 0 or a power of two (64, 128, 256, …)")
        return value


class SweepSpec(_Spec):
    """A grid of changes for ``paktsim sweep`` (:mod:`paktsim.sweep`).

    ``grid`` maps a dotted scenario path (``allocation.urban_factor.factors.1``,
    ``arrivals.path``, ``overrides.PARAM.PATH``) to the values to try; every
    combination is run.
    """

    grid: dict[
        Annotated[str, StringConstraints(min_length=1, max_length=300)],
        Annotated[list[Any], Field(min_length=1, max_length=1000)],
    ] = Field(min_length=1, max_length=20)


class Scenario(_Spec):
    """A complete, validated scenario.

    Build it with :meth:`from_yaml` (a file), :meth:`from_dict`, or
    :func:`builtin_scenario` (a shipped one by name).
    """

    name: Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
    description: str = ""
    horizon: Horizon = Field(default_factory=Horizon)
    data: DataSpec = Field(default_factory=DataSpec)
    overrides: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Parameter overrides {'path.to.param': {'YYYY-MM-DD': value}}.",
    )
    arrivals: ArrivalsSpec = Field(default_factory=ArrivalsSpec)
    allocation: AllocationSpec = Field(default_factory=AllocationSpec)
    comparison: AllocationSpec | None = Field(
        default=None, description="An alternative allocation to compare against (optional)."
    )
    staffing: StaffingSpec = Field(default_factory=StaffingSpec)
    uncertainty: UncertaintySpec = Field(default_factory=UncertaintySpec)
    seed: Annotated[int, Field(ge=0, lt=2**63)] = 20260101
    sweep: SweepSpec | None = Field(
        default=None, description="Grid of changes for paktsim sweep (optional)."
    )

    @field_validator("name", "description")
    @classmethod
    def _printable(cls, value: str, info: Any) -> str:
        # control characters break workbooks, chart titles and one-line messages; line
        # breaks and tabs are fine in a description only
        allowed = "\t\n\r" if info.field_name == "description" else ""
        bad = [c for c in value if (ord(c) < 32 and c not in allowed) or ord(c) == 127]
        if bad:
            raise ValueError(f"enthält Steuerzeichen ({', '.join(repr(c) for c in bad[:3])})")
        return value

    @field_validator("overrides", mode="before")
    @classmethod
    def _dates_as_iso(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for path, dated in value.items():
            if isinstance(dated, dict):
                dated = {
                    (k.isoformat() if isinstance(k, (dt.date, dt.datetime)) else str(k)): v
                    for k, v in dated.items()
                }
            out[str(path)] = dated
        return out

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, source: str | None = None) -> "Scenario":
        """Validate a mapping; raise :class:`InputError` listing every problem."""
        return _validate(data, source)

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Scenario":
        """Read and validate a scenario file."""
        return load_scenario(path)

    # -- identity ---------------------------------------------------------------------
    def canonical_json(self) -> str:
        """Canonical JSON (sorted keys, no whitespace) of the full, defaulted scenario."""
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def as_dict(self) -> dict[str, Any]:
        """The full, defaulted scenario as plain data (no `sweep` key when it has none)."""
        data = self.model_dump(mode="json")
        if data.get("sweep") is None:  # scenarios without a grid keep their identity
            data.pop("sweep", None)
        return data

    @property
    def sha256(self) -> str:
        """SHA-256 of :meth:`canonical_json`: equal scenarios have equal hashes."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def to_yaml(self) -> str:
        """The scenario as YAML that validates back to an equal scenario."""
        return yaml.safe_dump(self.as_dict(), allow_unicode=True, sort_keys=False)

    def with_changes(self, **sections: Any) -> "Scenario":
        """Return a validated copy with whole fields or nested dicts replaced.

        ``scenario.with_changes(staffing={"target_ratio": 100})`` merges into the
        staffing section; other sections stay as they are.
        """
        data = self.model_dump(mode="json")
        for key, value in sections.items():
            if (
                key == "staffing"
                and isinstance(value, dict)
                and "include_ukraine_private" in value
                and "target_group" not in value
            ):
                data[key].pop("target_group", None)  # the old switch replaces the definition
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        return _validate(data, source=None)

    def __hash__(self) -> int:
        return hash(self.sha256)


def _problems_from_validation(exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        location = ".".join(str(part) for part in err["loc"]) or "(scenario)"
        message = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            if message.startswith(prefix):
                message = message[len(prefix) :]
        if err["type"] == "extra_forbidden":
            message = "unknown field (not allowed here; check the spelling)"
        elif (
            err["type"] == "string_pattern_mismatch"
            and err.get("ctx", {}).get("pattern") == _YEAR_MONTH_PATTERN
        ):
            message = "expected a month as YYYY-MM, e.g. 2025-01"
        elif err["type"] in ("literal_error", "enum") and "expected" in err.get("ctx", {}):
            # pydantic says "'a', 'b' or 'c'": one list, so the catalogue translates it
            message = "expected one of " + str(err["ctx"]["expected"]).replace(" or ", ", ")
        value = err.get("input", NO_VALUE)
        if err["type"] == "missing":
            value = NO_VALUE
        elif isinstance(value, dict) and err["type"] not in ("dict_type", "model_type"):
            value = NO_VALUE  # a whole section is noise; the message says what is wrong
        problems.append(Problem(location, message, value))
    return problems


def _validate(data: Any, source: str | None) -> Scenario:
    if not isinstance(data, dict):
        raise InputError.single(
            "(scenario)",
            "expected a mapping of fields at the top level",
            type(data).__name__,
            source=source,
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(_problems_from_validation(exc), source=source) from None
    if scenario.overrides:
        _check_overrides(scenario.overrides, source)
    _check_programme_years(scenario, source)
    return scenario


def _check_programme_years(scenario: Scenario, source: str | None) -> None:
    """A fixed envelope is allocated under the IM rules: they must be in force every year."""
    specs = [("allocation", scenario.allocation)]
    if scenario.comparison is not None:
        specs.append(("comparison", scenario.comparison))
    fixed = [name for name, spec in specs if spec.budget_eur is not None]
    if not fixed:
        return
    from paktsim import params

    first, last = int(scenario.horizon.start[:4]), int(scenario.horizon.end[:4])
    for year in range(first, last + 1):
        snap = params.at(f"{year}-01-01", scenario.overrides or None)
        if snap.get("integrationsmanagement.antragsschwelle") is None:
            raise InputError(
                [
                    Problem(
                        f"{name}.budget_eur",
                        f"im Jahr {year} gelten keine "
                        "Förderregeln des Integrationsmanagements; einen späteren "
                        "Zeitraum wählen oder budget_eur weglassen",
                        year,
                    )
                    for name in fixed
                ],
                source=source,
            )


def _check_overrides(overrides: dict[str, dict[str, Any]], source: str | None) -> None:
    """Validate overrides against the parameter tree (unknown path, bad date or type)."""
    from paktsim import params

    try:
        params.apply_overrides(params.load(), overrides)
    except InputError as exc:
        problems = [
            Problem(
                p.location if p.location.startswith("overrides") else f"overrides.{p.location}",
                p.message,
                p.value,
            )
            for p in exc.problems
        ]
        raise InputError(problems, source=source) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file (the validator ``paktsim validate`` uses).

    Raises
    ------
    InputError
        File missing or unreadable, invalid YAML (with line number), or any
        field problem, each naming the field path and the bad value.
    """
    from paktsim.safeload import MAX_YAML_BYTES, load_yaml, read_text

    path = Path(path)
    source = str(path)
    data = load_yaml(read_text(path, MAX_YAML_BYTES, source=source), source=source)
    if data is None:
        raise InputError.single("(scenario)", "file is empty", source=source)
    return _validate(data, source)


BUILTIN_SCENARIOS: tuple[str, ...] = ("status_quo",)


def builtin_scenario(name: str = "status_quo") -> Scenario:
    """Load a scenario shipped inside the package (``paktsim/scenarios/NAME.yaml``)."""
    if name not in BUILTIN_SCENARIOS:
        raise InputError.single(
            "scenario",
            f"unknown built-in scenario, available: {', '.join(BUILTIN_SCENARIOS)}",
            name,
        )
    ref = resources.files("paktsim.scenarios") / f"{name}.yaml"
    with resources.as_file(ref) as path:
        return load_scenario(path)
