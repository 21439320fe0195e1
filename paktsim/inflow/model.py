"""``simulate``: a scenario's arrivals through the stage chain, to Land, Kreise and Gemeinden.

The chain always runs from the start of the historic path (January 2014), so a
forward scenario starts from the stocks the historic arrivals left behind
rather than from assumed initial stocks; the tables show the scenario horizon.

Levels and the stages that exist there:

* Land: Erstaufnahme (``ea``), vorläufige Unterbringung (``vu``),
  Anschlussunterbringung (``au``), own housing (``own``);
* Kreis: ``vu``, ``au``, ``own`` (Erstaufnahme is a Land facility);
* Gemeinde: ``au``, ``own`` (vU is run by the Kreis).

So Land = Σ Kreise for ``vu``, ``au``, ``own`` and Kreis = Σ its Gemeinden for
``au`` and ``own``, exactly (up to float rounding).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem
from paktsim.inflow import arrivals as arrivals_mod
from paktsim.inflow import rates as rates_mod
from paktsim.inflow.arrivals import GROUPS, HISTORIC_START
from paktsim.inflow.distribute import Keys, month_keys
from paktsim.inflow.kernel import ChainRates, ChainResult, run_chain

if TYPE_CHECKING:  # pragma: no cover
    from paktsim.scenario import Scenario

__all__ = ["simulate", "InflowResult", "STAGES", "STAGE_LABELS", "LEVEL_STAGES"]

STAGES: tuple[str, ...] = ("ea", "vu", "au", "own")
STAGE_LABELS: dict[str, str] = {
    "ea": "Erstaufnahme",
    "vu": "Vorläufige Unterbringung",
    "au": "Anschlussunterbringung",
    "own": "Eigener Wohnraum",
}
LEVEL_STAGES: dict[str, tuple[str, ...]] = {
    "land": ("ea", "vu", "au", "own"),
    "kreis": ("vu", "au", "own"),
    "gemeinde": ("au", "own"),
}
_EXITS = {
    "land": ("ea_left", "vu_left", "au_left", "own_left"),
    "kreis": ("vu_left", "au_left", "own_left"),
    "gemeinde": ("au_left", "own_left"),
}
_INFLOWS = {
    "kreis": ("ea_to_vu", "direct", "own_moved"),
    "gemeinde": ("vu_to_au", "direct", "own_moved"),
}


@dataclass(frozen=True)
class InflowResult:
    """Stocks by stage, month and place for one deterministic run or an ensemble.

    Tables (``land``, ``kreise``, ``gemeinden``) give the mean over draws (the
    run itself when deterministic); :meth:`quantiles` and :meth:`draws` give the
    spread.  Months are those of the scenario horizon.
    """

    months: pd.PeriodIndex
    all_months: pd.PeriodIndex
    arrivals: pd.DataFrame
    chain: ChainResult
    keys: Keys
    rates: ChainRates
    initial_own: np.ndarray
    n_draws: int
    seed: int | None
    drawn: dict[str, np.ndarray] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)

    # -- raw arrays -------------------------------------------------------------------
    @property
    def _window(self) -> slice:
        first = self.all_months.get_loc(self.months[0])
        return slice(first, first + len(self.months))

    def _land(self, name: str, flow: bool = False) -> np.ndarray:
        """(D, G, T_horizon) Land array of a stock or flow."""
        arr = (self.chain.flows if flow else self.chain.stocks)[name]
        if arr.ndim == 4:
            arr = arr.sum(axis=2)
        return arr[..., self._window]

    def _place(
        self, name: str, level: str, flow: bool = False, places: np.ndarray | None = None
    ) -> np.ndarray:
        """(D, G, N, T_horizon) array for Kreise or Gemeinden (optionally a subset)."""
        arr = (self.chain.flows if flow else self.chain.stocks)[name][..., self._window]
        key = self.keys.kreis if level == "kreis" else self.keys.gemeinde
        if places is not None:
            key = key[:, places]
        return np.einsum("dgst,sn->dgnt", arr, key, optimize=True)

    def _index(self, level: str) -> pd.Index:
        return self.keys.kreis_ags if level == "kreis" else self.keys.gemeinde_ags

    def _reception(self, level: str) -> np.ndarray:
        """(D, G, N, T_horizon) Erstaufnahme stock on its sites, by Kreis or Gemeinde.

        No per-site occupancy series is published, so the Land stock is placed by
        capacity: the permanent sites (LEA, AZ, EA) fill first, in proportion to
        their regular capacity; what exceeds it goes to the stand-by sites open
        that month (BEA, Notunterkunft — "bedarfsorientiert"), by their capacity.
        """
        ea = self.chain.stocks["ea"][..., self._window]  # (D, G, T)
        cap = self.keys.site_capacity[self._window]  # (T, N_sites)
        perm = self.keys.site_permanent
        c_perm = (cap * perm).sum(axis=1)  # (T,)
        c_temp = (cap * ~perm).sum(axis=1)
        total = ea.sum(axis=1)  # (D, T)
        overflow = np.clip(total - c_perm, 0.0, None)
        if np.any(c_temp == 0):  # no stand-by site open: the permanent ones hold all
            overflow = np.where(c_temp[None, :] > 0, overflow, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            f_temp = np.where(total > 0, overflow / total, 0.0)  # (D, T)
        w_perm = np.divide(
            cap * perm, c_perm[:, None], out=np.zeros_like(cap), where=c_perm[:, None] > 0
        )
        w_temp = np.divide(
            cap * ~perm, c_temp[:, None], out=np.zeros_like(cap), where=c_temp[:, None] > 0
        )
        weights = (1 - f_temp)[:, :, None] * w_perm[None] + f_temp[:, :, None] * w_temp[None]
        n_places = len(self._index(level))
        pos = (
            self.keys.site_gemeinde
            if level == "gemeinde"
            else self.keys.kreis_of[self.keys.site_gemeinde]
        )
        onto = np.zeros((cap.shape[1], n_places))
        onto[np.arange(cap.shape[1]), pos] = 1.0
        return np.einsum("dgt,dts,sn->dgnt", ea, weights, onto, optimize=True)

    def array(
        self,
        name: str,
        level: str = "land",
        groups: tuple[str, ...] | None = None,
        flow: bool = False,
        places: np.ndarray | None = None,
    ) -> np.ndarray:
        """Mean over draws of one stock (or flow) as an array ``(N, T_horizon)``.

        Parameters
        ----------
        name : str
            A stage (``ea, vu, au, own``), ``ea_site`` (Erstaufnahme on its sites;
            Kreis/Gemeinde level) or, with ``flow``, a flow name
            (:data:`~paktsim.inflow.kernel.FLOWS`).
        level : {"land", "kreis", "gemeinde"}
            ``N`` is 1 for the Land, else the places in ``keys.kreis_ags`` /
            ``keys.gemeinde_ags`` order (or ``places``, positions in that order).
        groups : tuple of str, optional
            Sum over these arrival groups only (default all).

        Returns
        -------
        ndarray
        """
        gi = [GROUPS.index(g) for g in (groups or GROUPS)]
        if level == "land":
            if name == "ea_site":
                raise InputError(Problem("name", "ea_site exists at kreis/gemeinde level", name))
            return self._land(name, flow=flow).mean(axis=0)[gi].sum(axis=0)[None, :]
        if level not in ("kreis", "gemeinde"):
            raise InputError(Problem("level", "expected land, kreis or gemeinde", level))
        if name == "ea_site":
            arr = self._reception(level)
            return (arr if places is None else arr[:, :, places]).mean(axis=0)[gi].sum(axis=0)
        return self._place(name, level, flow=flow, places=places).mean(axis=0)[gi].sum(axis=0)

    def reception(self, level: str = "kreis", by_group: bool = False) -> pd.DataFrame:
        """Persons in Erstaufnahme by the place of the site (mean over draws).

        Erstaufnahme is a Land facility, so it is not in :meth:`kreise` /
        :meth:`gemeinden`; the population register counts these people where the
        site is, so comparisons with it add this table.

        Returns
        -------
        DataFrame
            Columns ``ags, month, stage ("ea"), [group,] persons``.
        """
        if level not in ("kreis", "gemeinde"):
            raise InputError(Problem("level", "expected kreis or gemeinde", level))
        arr = self._reception(level).mean(axis=0)
        return _tidy(arr, "ea", self.months, self._index(level), by_group)

    def assignments(
        self, level: str = "kreis", by_group: bool = False, whole_run: bool = False
    ) -> pd.DataFrame:
        """Modelled assignments out of Erstaufnahme per month (mean over draws).

        Persons leaving Erstaufnahme into vorläufige Unterbringung in a Kreis
        (``ea_to_vu``), plus — with ``by_group`` — per arrival group; the direct
        path (Ukrainians in private housing) is not an assignment and not counted.
        With ``level="gemeinde"`` the persons are placed by the Gemeinde key of
        the month of assignment (where they will go into Anschlussunterbringung).

        ``whole_run=True`` gives every month from January 2014 (the run always
        starts there), e.g. for a reference window before the horizon.

        Returns
        -------
        DataFrame
            Columns ``ags, month, [group,] persons`` (horizon months, or all months).
        """
        if level not in ("kreis", "gemeinde"):
            raise InputError(Problem("level", "expected kreis or gemeinde", level))
        flows = self.chain.flows["ea_to_vu"]
        key = self.keys.kreis if level == "kreis" else self.keys.gemeinde
        months = self.all_months if whole_run else self.months
        if not whole_run:
            flows = flows[..., self._window]
        arr = np.einsum("dgst,sn->dgnt", flows, key, optimize=True).mean(axis=0)
        out = _tidy(arr, "vu", pd.PeriodIndex(months, freq="M"), self._index(level), by_group)
        return out.drop(columns="stage")

    # -- tables -----------------------------------------------------------------------
    def land(self, by_group: bool = False) -> pd.DataFrame:
        """Land stocks: columns ``month, stage, [group,] persons`` (mean over draws)."""
        frames = []
        for stage in LEVEL_STAGES["land"]:
            arr = self._land(stage).mean(axis=0)  # (G, T)
            frames.append(_tidy(arr, stage, self.months, None, by_group))
        return pd.concat(frames, ignore_index=True)

    def kreise(self, by_group: bool = False) -> pd.DataFrame:
        """Kreis stocks: columns ``ags, month, stage, [group,] persons``."""
        return self._level_table("kreis", by_group)

    def gemeinden(self, by_group: bool = False) -> pd.DataFrame:
        """Gemeinde stocks: columns ``ags, month, stage, [group,] persons``."""
        return self._level_table("gemeinde", by_group)

    def _level_table(self, level: str, by_group: bool) -> pd.DataFrame:
        frames = []
        for stage in LEVEL_STAGES[level]:
            arr = self._place(stage, level).mean(axis=0)  # (G, N, T)
            frames.append(_tidy(arr, stage, self.months, self._index(level), by_group))
        return pd.concat(frames, ignore_index=True)

    def flows(self, by_group: bool = False) -> pd.DataFrame:
        """Land flows per month (mean over draws).

        Parameters
        ----------
        by_group : bool
            One row per month and group (column ``group``) instead of the sum
            over groups, e.g. to see which share of Ukrainian arrivals went
            straight to private housing (``direct / arrivals``).

        Returns
        -------
        DataFrame
            Columns ``month``, [``group``,] and one per flow
            (:data:`~paktsim.inflow.kernel.FLOWS`).
        """
        means = {name: self._land(name, flow=True).mean(axis=0) for name in self.chain.flows}
        if not by_group:
            data = {name: arr.sum(axis=0) for name, arr in means.items()}
            return pd.DataFrame(data, index=self.months).rename_axis("month").reset_index()
        n_t = len(self.months)
        out = pd.DataFrame(
            {
                "month": pd.PeriodIndex.from_ordinals(
                    np.tile(self.months.asi8, len(GROUPS)), freq="M"
                ),
                "group": pd.Categorical.from_codes(
                    np.repeat(np.arange(len(GROUPS)), n_t), categories=list(GROUPS)
                ),
            }
        )
        for name, arr in means.items():
            out[name] = arr.reshape(-1)  # (G, T) group-major, as the index above
        return out

    def series(self, ags: str, by_group: bool = False) -> pd.DataFrame:
        """Monthly stocks of one Kreis (5-digit AGS) or Gemeinde (8-digit AGS).

        Returns
        -------
        DataFrame
            Indexed by month, one column per stage of that level (mean over
            draws); with ``by_group`` columns are ``(stage, group)``.
        """
        level, pos = self._locate(ags)
        cols = {}
        for stage in LEVEL_STAGES[level]:
            arr = self._place(stage, level, places=np.array([pos])).mean(axis=0)[:, 0, :]
            if by_group:
                for gi, group in enumerate(GROUPS):
                    cols[(stage, group)] = arr[gi]
            else:
                cols[stage] = arr.sum(axis=0)
        frame = pd.DataFrame(cols, index=self.months)
        frame.attrs["ags"] = ags
        return frame

    def draws(self, stage: str, ags: str | None = None) -> np.ndarray:
        """Per-draw monthly stock (all groups) of the Land or one place, shape (D, T)."""
        if ags is None:
            return self._land(stage).sum(axis=1)
        level, pos = self._locate(ags)
        if stage not in LEVEL_STAGES[level]:
            raise InputError(
                Problem(
                    "stage",
                    f"not a stage at {level} level, expected one of "
                    f"{', '.join(LEVEL_STAGES[level])}",
                    stage,
                )
            )
        return self._place(stage, level, places=np.array([pos]))[:, :, 0, :].sum(axis=1)

    def quantiles(
        self,
        stage: str,
        level: str = "land",
        q: tuple[float, ...] = (0.1, 0.5, 0.9),
        chunk: int = 128,
    ) -> np.ndarray:
        """Quantiles over draws of a stage's stock (all groups).

        Returns
        -------
        ndarray
            ``(Q, T)`` for the Land, ``(Q, N, T)`` for Kreise/Gemeinden (places in
            the order of ``keys.kreis_ags`` / ``keys.gemeinde_ags``). Places are
            processed in chunks so memory stays ``D × chunk × T``.
        """
        if level == "land":
            return np.quantile(self.draws(stage), q, axis=0)
        if stage not in LEVEL_STAGES.get(level, ()):
            raise InputError(Problem("stage", f"not a stage at {level} level", stage))
        arr = self.chain.stocks[stage][..., self._window].sum(axis=1)  # (D, S, T)
        key = self.keys.kreis if level == "kreis" else self.keys.gemeinde
        out = np.empty((len(q), key.shape[1], len(self.months)))
        if key.shape[0] == 1:  # one segment: place = key × Land, quantiles scale exactly
            land_q = np.quantile(arr[:, 0, :], q, axis=0)
            return land_q[:, None, :] * key[0][None, :, None]
        for lo in range(0, key.shape[1], chunk):
            # draws on the last (contiguous) axis: partitioning is much faster there
            part = np.einsum("dst,sn->ntd", arr, key[:, lo : lo + chunk], optimize=True)
            out[:, lo : lo + chunk, :] = np.quantile(part, q, axis=-1)
        return out

    def _locate(self, ags: str) -> tuple[str, int]:
        ags = str(ags)
        level = "kreis" if len(ags) == 5 else "gemeinde" if len(ags) == 8 else None
        if level is None:
            raise InputError(
                Problem("ags", "expected a 5-digit Kreis or 8-digit Gemeinde AGS", ags)
            )
        index = self._index(level)
        pos = index.get_indexer([ags])[0]
        if pos < 0:
            raise InputError(Problem("ags", f"unknown {level} AGS", ags))
        return level, int(pos)

    # -- whole run (from January 2014, not only the horizon) ----------------------------
    def flow_total(self, flow: str, first: Any, last: Any, level: str = "gemeinde") -> pd.Series:
        """One flow per Kreis or Gemeinde summed over the months ``first`` to ``last``.

        E.g. ``flow_total("vu_to_au", "2015-01", "2016-12")``: persons assigned to
        Anschlussunterbringung in 2015 and 2016 per Gemeinde (mean over draws).
        Only the assigned flows exist per place (``direct``, ``ea_to_vu`` for Kreise;
        ``vu_to_au`` and the later ones also for Gemeinden).
        """
        arr = self.chain.flows.get(flow)
        if arr is None or arr.ndim != 4 or level not in ("kreis", "gemeinde"):
            raise InputError(Problem("flow", f"not a flow per place ({level})", flow))
        lo = self.all_months.get_indexer([pd.Period(first, freq="M")])[0]
        hi = self.all_months.get_indexer([pd.Period(last, freq="M")])[0]
        if lo < 0 or hi < lo:
            raise InputError(
                Problem(
                    "month",
                    f"expected months from {self.all_months[0]} to {self.all_months[-1]}",
                    (str(first), str(last)),
                )
            )
        total = arr[..., lo : hi + 1].sum(axis=(1, 3)).mean(axis=0)  # (S,)
        key = self.keys.kreis if level == "kreis" else self.keys.gemeinde
        return pd.Series(total @ key, index=self._index(level), name=flow)

    def stock_on(self, stage: str, month: Any, level: str = "gemeinde") -> pd.Series:
        """Stock of one stage per Kreis or Gemeinde in one month of the run (mean over draws).

        Parameters
        ----------
        stage : str
            A stage of that level (:data:`LEVEL_STAGES`).
        month : Period or str
            Any month from January 2014 to the horizon end (also before the horizon).
        level : {"kreis", "gemeinde"}

        Returns
        -------
        Series
            Persons per AGS (index ``ags``), name ``stage``.
        """
        if level not in ("kreis", "gemeinde") or stage not in LEVEL_STAGES[level]:
            raise InputError(Problem("stage", f"not a stage at {level} level", stage))
        period = pd.Period(month, freq="M")
        if period not in self.all_months:
            raise InputError(
                Problem(
                    "month",
                    f"outside the run ({self.all_months[0]} to {self.all_months[-1]})",
                    str(period),
                )
            )
        t = self.all_months.get_loc(period)
        arr = self.chain.stocks[stage][..., t].sum(axis=1).mean(axis=0)  # (S,)
        key = self.keys.kreis if level == "kreis" else self.keys.gemeinde
        return pd.Series(arr @ key, index=self._index(level), name=stage)

    # -- checks -----------------------------------------------------------------------
    def balance(self) -> dict[str, float]:
        """Largest absolute residual of ``in = Σ stocks + Σ cumulative exits`` per level.

        Over all draws, groups, places and months of the full run (from 2014).
        """
        stocks, flows = self.chain.stocks, self.chain.flows
        land_in = np.cumsum(flows["arrivals"], axis=-1) + self.initial_own[..., None]
        land_st = stocks["ea"] + sum(stocks[s].sum(axis=2) for s in ("vu", "au", "own"))
        land_out = sum(
            np.cumsum(flows[f].sum(axis=2) if flows[f].ndim == 4 else flows[f], axis=-1)
            for f in _EXITS["land"]
        )
        out = {"land": float(np.abs(land_in - land_st - land_out).max())}
        for level in ("kreis", "gemeinde"):
            key = self.keys.kreis if level == "kreis" else self.keys.gemeinde
            seg_in = sum(np.cumsum(flows[f], axis=-1) for f in _INFLOWS[level])
            seg_st = sum(stocks[s] for s in LEVEL_STAGES[level])
            seg_out = sum(np.cumsum(flows[f], axis=-1) for f in _EXITS[level])
            seg_init = np.zeros(stocks["own"].shape[:3])
            g_idx = np.arange(seg_init.shape[1])
            init_seg = (
                self.keys.segment[:, 0]
                if self.keys.initial_segment is None
                else self.keys.initial_segment
            )
            seg_init[:, g_idx, init_seg] = self.initial_own
            resid = seg_in + seg_init[..., None] - seg_st - seg_out  # (D, G, S, T)
            out[level] = float(np.abs(np.einsum("dgst,sn->dgnt", resid, key)).max())
        return out


def _tidy(
    arr: np.ndarray, stage: str, months: pd.PeriodIndex, places: pd.Index | None, by_group: bool
) -> pd.DataFrame:
    """(G, [N,] T) → long table."""
    if not by_group:
        arr = arr.sum(axis=0, keepdims=True)
        groups = ["alle"]
    else:
        groups = list(GROUPS)
    if places is None:
        arr = arr[:, None, :]
    g_n, n_n, t_n = arr.shape
    data: dict[str, Any] = {}
    if places is not None:
        codes = np.tile(np.repeat(np.arange(n_n), t_n), g_n)
        data["ags"] = pd.Categorical.from_codes(codes, categories=places.astype(str))
    data["month"] = pd.PeriodIndex.from_ordinals(np.tile(months.asi8, g_n * n_n), freq="M")
    data["stage"] = pd.Categorical.from_codes(
        np.full(arr.size, STAGES.index(stage), dtype=np.int8), categories=list(STAGES)
    )
    if by_group:
        data["group"] = pd.Categorical.from_codes(
            np.repeat(np.arange(g_n), n_n * t_n), categories=groups
        )
    data["persons"] = arr.reshape(-1)
    return pd.DataFrame(data)


def _horizon(scenario: "Scenario") -> tuple[pd.Period, pd.Period]:
    start = pd.Period(scenario.horizon.start, freq="M")
    end = pd.Period(scenario.horizon.end, freq="M")
    if start < HISTORIC_START:
        raise InputError(
            Problem(
                "horizon.start",
                f"the model starts in {HISTORIC_START} (historic arrivals)",
                scenario.horizon.start,
            )
        )
    return start, end


def simulate(
    scenario: "Scenario | None" = None,
    *,
    n_draws: int | None = None,
    arrivals: pd.DataFrame | None = None,
    base_dir: str | Path | None = None,
    kreis_key: pd.Series | None = None,
    gemeinde_key: pd.Series | None = None,
    credits: Mapping[str, float] | None = None,
    keep_age: bool = False,
    tree: Any = None,
) -> InflowResult:
    """Run the inflow model for a scenario.

    Parameters
    ----------
    scenario : Scenario, optional
        Default: the built-in status-quo scenario.
    n_draws : int, optional
        Monte Carlo draws; default ``scenario.uncertainty.n_draws`` (0 = one
        deterministic run with every assumption at its default).
    arrivals : DataFrame, optional
        A monthly path (columns :data:`~paktsim.inflow.arrivals.GROUPS`,
        ``PeriodIndex`` from January 2014) replacing ``scenario.arrivals``.
    base_dir : path, optional
        Folder for relative CSV paths in arrival blocks (the scenario file's folder).
    kreis_key, gemeinde_key : Series, optional
        User weights replacing the population keys (see :func:`build_keys`).
    credits : mapping Kreis AGS → share, optional
        Reception-facility credits.
    keep_age : bool
        Keep the vU months-in-stage distribution (``chain.vu_age``).
    tree : ParameterTree, optional
        Parameters; default the bundled ones.

    Returns
    -------
    InflowResult
    """
    from paktsim.scenario import builtin_scenario

    scenario = scenario if scenario is not None else builtin_scenario("status_quo")
    start, end = _horizon(scenario)
    overrides = scenario.overrides or None
    if arrivals is None:
        path = arrivals_mod.build(
            scenario.arrivals, end, base_dir=base_dir, overrides=overrides, tree=tree
        )
    else:
        path = _check_path(arrivals, end)
    path = path.loc[:end]
    all_months = path.index
    keys = month_keys(
        all_months,
        scenario.data.vintage,
        groups=GROUPS,
        kreis_key=kreis_key,
        gemeinde_key=gemeinde_key,
        credits=credits,
        overrides=overrides,
        tree=tree,
    )
    first_day = start.start_time.date()
    n = scenario.uncertainty.n_draws if n_draws is None else int(n_draws)
    if n < 0:
        raise InputError(Problem("n_draws", "expected 0 (deterministic) or more draws", n))
    from paktsim import params

    snap = params.at(first_day, overrides, tree=tree)
    init_total = float(
        params.at(HISTORIC_START.start_time.date(), overrides, tree=tree)["inflow.initial.own"]
        or 0.0
    )
    base = path[list(GROUPS)].to_numpy().T[None, :, :]  # (1, G, T)
    drawn: dict[str, np.ndarray] = {}
    # rates month by month over the whole run: a dated change acts from its month
    # on, so a month's stocks never depend on the horizon a run reports
    if n == 0:
        rates = rates_mod.monthly(all_months, overrides, tree=tree)
        arr = base
        d = 1
    else:
        rates, factor, drawn = rates_mod.sample(
            n,
            scenario.seed,
            first_day,
            overrides,
            # staffing distributions belong to the staffing step, not to the inflow rates
            distributions={
                k: v
                for k, v in scenario.uncertainty.distributions.items()
                if k.startswith("inflow.")
            },
            arrivals_sigma=scenario.uncertainty.arrivals_sigma,
            tree=tree,
            months=all_months,
        )
        forward = np.asarray(all_months > arrivals_mod.HISTORIC_END)
        arr = np.where(forward, base * factor[:, None, None], base)
        d = n
    initial = np.zeros((d, len(GROUPS)))
    # pre-2014 protection seekers, counted with asylum seekers (drawn when calibrated)
    initial[:, 0] = drawn.get("inflow.initial.own", init_total)
    try:
        chain = run_chain(
            arr,
            rates,
            keys.segment,
            n_segments=keys.kreis.shape[0],
            keep_age=keep_age,
            initial_own=initial,
            initial_segment=keys.initial_segment,
            move_segment=keys.initial_segment,
        )
    except ValueError as exc:
        raise InputError(Problem("inflow", str(exc))) from None
    used = {
        k: v
        for k, v in snap.items()
        if k.startswith(("inflow.chain", "fluag.vu", "fluag.privileg"))
    }
    used["inflow.initial.own"] = init_total
    return InflowResult(
        months=pd.period_range(start, end, freq="M", name="month"),
        all_months=all_months,
        arrivals=path,
        chain=chain,
        keys=keys,
        rates=rates,
        initial_own=initial,
        n_draws=n,
        seed=scenario.seed if n else None,
        drawn=drawn,
        parameters=used,
    )


def _check_path(frame: pd.DataFrame, end: pd.Period) -> pd.DataFrame:
    if not isinstance(frame.index, pd.PeriodIndex) or frame.index.freqstr not in ("M",):
        raise InputError(Problem("arrivals", "expected a monthly PeriodIndex"))
    missing = [g for g in GROUPS if g not in frame.columns]
    if missing:
        raise InputError(
            Problem(
                "arrivals", f"missing group column(s) {', '.join(missing)}", list(frame.columns)
            )
        )
    if frame.index[0] != HISTORIC_START or frame.index[-1] < end:
        raise InputError(
            Problem(
                "arrivals",
                f"expected months {HISTORIC_START}..{end}",
                f"{frame.index[0]}..{frame.index[-1]}",
            )
        )
    values = frame[list(GROUPS)].to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InputError(Problem("arrivals", "expected finite numbers >= 0"))
    expected = pd.period_range(frame.index[0], frame.index[-1], freq="M")
    if not frame.index.equals(expected):
        raise InputError(Problem("arrivals", "months must be contiguous and sorted"))
    return frame[list(GROUPS)].astype(float)
