"""Fit the free parameters of the inflow chain to the bundled evidence (deterministic).

Usage (from the repository root)::

    python tools/calibrate.py                       # fit, write calibration.json + YAML entries
    python tools/calibrate.py --until 2019-12-31 --out backtest.json --no-params
                                                    # backtest fit on evidence up to a date

Method: weighted non-linear least squares (``scipy.optimize.least_squares``, trust-region
reflective, which handles the bounds directly).  The residual of an observation is
``sqrt(weight) × ln(model / published) / σ`` with ``σ`` half its stated tolerance (ln of the
factor for factor tolerances), so the tolerance in ``evidence.csv`` acts as a 2-σ band; Kreis
shares are compared as shares.  Every free parameter also contributes a prior residual
``(θ − default) / (half its range)`` and is bounded by its range.  The covariance is
``σ̂² (JᵀJ)⁻¹`` from the Jacobian at the optimum (σ̂² the reduced chi-square, at least 1).
Fixed start, fixed finite-difference steps and no randomness: the same inputs give the same
result.

Writes ``paktsim/data/calibration.json`` (paths, mean, covariance, bounds, residuals) and,
unless ``--no-params``, replaces each fitted parameter's 2014-01-01 entry in
``paktsim/parameters/*.yaml`` by a ``calibrated`` entry (value, range = bounds, se).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

ROOT = Path(__file__).resolve().parents[1]

#: The free parameters: path → prior reference (default and range come from the files).
FREE: tuple[str, ...] = (
    "inflow.initial.own",
    "inflow.initial.auslaender_exponent",
    "inflow.chain.asyl.own_relocate_share",
    "fluag.privileg.vu_landkreis",
    "fluag.privileg.vu_landkreis_lea",
    "inflow.chain.asyl.ea_exit",
    "inflow.chain.asyl.vu_exit",
    "inflow.chain.asyl.vu_left_share",
    "inflow.chain.asyl.au_to_own",
    "inflow.chain.asyl.own_left",
    "inflow.chain.ukraine.direct_share",
    "inflow.chain.ukraine.own_left",
)
DATE = dt.date(2014, 1, 1)


def priors(tree) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Default, lower and upper bound of each free parameter (its 2014-01-01 entry)."""
    mid, lo, hi = [], [], []
    for path in FREE:
        entry = next(e for e in tree[path].entries if e.date == DATE)
        if entry.range is None:
            raise SystemExit(f"{path}: no range to bound the fit")
        prior = entry.value
        if entry.tag == "calibrated":  # refit: the prior default is kept in the note
            m = re.search(r"prior default ([0-9.eE+-]+)", entry.note or "")
            prior = float(m.group(1)) if m else entry.value
        mid.append(float(prior))
        lo.append(float(entry.range[0]))
        hi.append(float(entry.range[1]))
    return np.array(mid), np.array(lo), np.array(hi)


def _sigma(obs) -> np.ndarray:
    tol = obs["tolerance"].to_numpy(float)
    return np.where(obs["tolerance_kind"] == "factor", np.log(tol) / 2, np.log1p(tol) / 2)


class Problem:
    """Residuals of the evidence and the priors for a parameter vector."""

    def __init__(
        self, until: dt.date | None, scale: np.ndarray, prior: np.ndarray, half: np.ndarray
    ):
        from paktsim import evidence

        obs = evidence.observations()
        obs = obs[(obs["weight"] > 0) & (obs["quantity"] != "im_eur_jahr")]
        if until is not None:
            obs = obs[obs["date"] <= np.datetime64(until)]
        self.obs = obs.reset_index(drop=True)
        self.sigma = _sigma(self.obs)
        self.w = np.sqrt(self.obs["weight"].to_numpy(float))
        self.scale, self.prior, self.half = scale, prior, half
        self.evals = 0
        import pandas as pd

        from paktsim import evidence
        from paktsim.inflow import arrivals
        from paktsim.scenario import builtin_scenario

        # the arrival path does not depend on the fitted parameters: build it once
        self.path = arrivals.build(
            builtin_scenario("status_quo").arrivals, pd.Period(evidence.EVIDENCE_END, freq="M")
        )

    def overrides(self, x: np.ndarray) -> dict:
        theta = x * self.scale
        return {p: {DATE.isoformat(): float(v)} for p, v in zip(FREE, theta)}

    def compare(self, x: np.ndarray):
        from paktsim import evidence
        from paktsim.scenario import builtin_scenario

        scen = builtin_scenario("status_quo").with_changes(overrides=self.overrides(x))
        return evidence.compare(
            result=evidence.evidence_run(scen, arrivals=self.path), obs=self.obs
        )

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.evals += 1
        table = self.compare(x)
        ratio = np.clip(table["ratio"].to_numpy(float), 1e-6, None)
        r_obs = self.w * np.log(ratio) / self.sigma
        r_prior = (x * self.scale - self.prior) / self.half
        return np.concatenate([r_obs, r_prior])


def fit(until: dt.date | None = None, max_nfev: int = 60) -> dict:
    from paktsim import params

    tree = params.load()
    prior, lo, hi = priors(tree)
    scale = np.where(prior > 0, prior, (hi - lo))  # work in units of the prior (≈ 1)
    half = (hi - lo) / 2
    prob = Problem(until, scale, prior, half)
    x0 = np.clip(prior, lo, hi) / scale
    res = least_squares(
        prob,
        x0,
        bounds=(lo / scale, hi / scale),
        method="trf",
        x_scale=1.0,
        diff_step=1e-3,
        max_nfev=max_nfev,
        verbose=0,
    )
    n_res, n_par = len(res.fun), len(res.x)
    chi2 = float(2 * res.cost / max(n_res - n_par, 1))
    # covariance in the scaled coordinates (well conditioned), then back to θ = x · scale
    cov_x = np.linalg.pinv(res.jac.T @ res.jac) * max(chi2, 1.0)
    cov = cov_x * np.outer(scale, scale)
    theta = res.x * scale
    table = prob.compare(res.x)
    residuals = [
        {"id": i, "published": float(v), "model": float(m), "ratio": float(r)}
        for i, v, m, r in zip(table["id"], table["value"], table["model"], table["ratio"])
    ]
    return {
        "fitted_on": "paktsim/data/evidence.csv"
        + (f" (observations up to {until.isoformat()})" if until else ""),
        "until": until.isoformat() if until else None,
        "method": "scipy.optimize.least_squares (trf, bounds = assumption ranges, "
        "priors = defaults ± half range, residual = sqrt(weight) ln(model/published)"
        " / (tolerance/2))",
        "paths": list(FREE),
        "prior": prior.tolist(),
        "mean": theta.tolist(),
        "se": np.sqrt(np.clip(np.diag(cov), 0, None)).tolist(),
        "cov": cov.tolist(),
        "lower": lo.tolist(),
        "upper": hi.tolist(),
        "cost": float(res.cost),
        "reduced_chi2": chi2,
        "n_residuals": n_res,
        "n_evaluations": prob.evals,
        "status": int(res.status),
        "message": str(res.message),
        "residuals": residuals,
    }


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def write_params(result: dict, directory: Path) -> list[str]:
    """Replace each fitted path's 2014-01-01 entry by a calibrated entry (text edit)."""
    changed = []
    for path, mean, se, lo, hi, prior in zip(
        result["paths"],
        result["mean"],
        result["se"],
        result["lower"],
        result["upper"],
        result["prior"],
    ):
        file = directory / f"{path.split('.')[0]}.yaml"
        text = file.read_text(encoding="utf-8")
        start = text.index(f"\n{path}:\n") + 1
        nxt = re.search(r"\n[a-z][a-z0-9_.]*:\n", text[start + len(path) + 2 :])
        end = start + len(path) + 2 + (nxt.start() if nxt else len(text))
        block = text[start:end]
        m = re.search(r"^    2014-01-01: \{.*?\}\n(?=    \d|\Z|\n)", block, re.S | re.M)
        if m is None:
            raise SystemExit(f"{path}: no 2014-01-01 entry found in {file.name}")
        old = m.group(0)
        ref = re.search(r'reference: "([^"]*)"', old)
        old_ref = ref.group(1) if ref else "assumption (paktsim)"
        old_ref = re.sub(r"^tools/calibrate\.py fit [^;]*; prior: ", "", old_ref)
        note = re.search(r'note: "([^"]*)"', old)
        old_note = note.group(1) if note else ""
        old_note = re.sub(r"^prior default [^;]*; ", "", old_note)
        new = (
            f"    2014-01-01: {{value: {_fmt(mean)}, range: [{_fmt(lo)}, {_fmt(hi)}], "
            f'se: {_fmt(se)}, reference: "tools/calibrate.py fit to paktsim/data/'
            f"evidence.csv (joint covariance: paktsim/data/calibration.json); prior: "
            f'{old_ref}", tag: calibrated, note: "prior default {_fmt(prior)}; '
            f'{old_note}"}}\n'
        )
        file.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--until",
        type=dt.date.fromisoformat,
        default=None,
        help="use only observations up to this date (backtest)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "paktsim/data/calibration.json")
    parser.add_argument(
        "--no-params",
        action="store_true",
        help="do not write the calibrated entries into the parameter files",
    )
    parser.add_argument("--max-nfev", type=int, default=60)
    args = parser.parse_args(argv)
    result = fit(args.until, args.max_nfev)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for p, m, s, pr in zip(result["paths"], result["mean"], result["se"], result["prior"]):
        print(f"{p:45s} {m:12.6g} ± {s:10.3g}   (prior {pr:g})")
    print(
        f"cost {result['cost']:.4g}, reduced chi2 {result['reduced_chi2']:.3g}, "
        f"{result['n_evaluations']} evaluations: {result['message']}"
    )
    if not args.no_params:
        write_params(result, ROOT / "paktsim/parameters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
