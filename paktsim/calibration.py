"""The fitted parameters of the inflow chain: mean, covariance and draws.

``tools/calibrate.py`` fits the free parameters of the stage chain (exit and
leave rates, the pre-2014 stock, the reception credit) to the published
evidence by weighted least squares and writes

* the fitted values into the parameter files as dated entries tagged
  ``calibrated`` (value, bounds as ``range``, standard error ``se``), and
* the joint result (paths, mean, covariance from the Jacobian, residuals) to
  ``paktsim/data/calibration.json``.

This module only reads that result; it does not fit anything (fitting needs
the inflow model, which depends on the parameters, not the other way round).
The Monte Carlo (:func:`paktsim.inflow.rates.sample`) draws calibrated
parameters jointly from :meth:`Fit.sample`, so parameters the evidence ties
together (e.g. a faster exit and a larger pre-2014 stock) move together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Fit", "FIT_FILE", "fitted"]

FIT_FILE = Path(__file__).resolve().parent / "data" / "calibration.json"


@dataclass(frozen=True)
class Fit:
    """Fitted parameter vector with its uncertainty.

    Attributes
    ----------
    paths : tuple of str
        Parameter paths, in the order of ``mean``.
    mean : ndarray, shape (K,)
        Fitted values.
    cov : ndarray, shape (K, K)
        Covariance of the estimate (from the Jacobian at the optimum).
    lower, upper : ndarray, shape (K,)
        Bounds (the assumption ranges); draws are clipped to them.
    info : dict
        Date, evidence used, cost, residuals (as written by ``tools/calibrate.py``).
    """

    paths: tuple[str, ...]
    mean: np.ndarray
    cov: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def se(self) -> np.ndarray:
        """Standard errors (square roots of the covariance diagonal)."""
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` joint draws, shape ``(n, K)``, multivariate normal clipped to the bounds.

        Uses exactly ``n × K`` standard normals from ``rng`` (reproducible).
        """
        z = rng.standard_normal((n, len(self.paths)))
        w, v = np.linalg.eigh((self.cov + self.cov.T) / 2)
        root = v * np.sqrt(np.clip(w, 0.0, None))
        return np.clip(self.mean + z @ root.T, self.lower, self.upper)


def _from_entries(tree: Any) -> Fit:
    """Independent normals from the calibrated entries (when no joint file exists)."""
    paths, mean, se, lo, hi = [], [], [], [], []
    for path, param in tree.items():
        for e in param.entries:
            if e.tag == "calibrated":
                paths.append(path)
                mean.append(float(e.value))
                se.append(float(getattr(e, "se", 0.0) or 0.0))
                lo.append(float(e.range[0]) if e.range else -np.inf)
                hi.append(float(e.range[1]) if e.range else np.inf)
                break
    return Fit(tuple(paths), np.array(mean), np.diag(np.square(se)), np.array(lo), np.array(hi))


def fitted(tree: Any = None, path: str | Path | None = None) -> Fit:
    """The calibration result: fitted mean vector, covariance and bounds.

    Parameters
    ----------
    tree : ParameterTree, optional
        Parameters (default: the bundled ones); the values in force there win
        over the file's means (so a user's override of one path is respected by
        leaving it out of the calibrated set).
    path : path, optional
        The JSON written by ``tools/calibrate.py`` (default :data:`FIT_FILE`).

    Returns
    -------
    Fit
    """
    from paktsim import params

    tree = tree if tree is not None else params.load()
    file = Path(path) if path is not None else FIT_FILE
    if not file.exists():
        return _from_entries(tree)
    raw = json.loads(file.read_text(encoding="utf-8"))
    names = tuple(raw["paths"])
    keep = [
        i
        for i, p in enumerate(names)
        if p in tree and any(e.tag == "calibrated" for e in tree[p].entries)
    ]
    idx = np.array(keep, dtype=int)
    cov = np.asarray(raw["cov"], dtype=float)[np.ix_(idx, idx)]
    return Fit(
        tuple(names[i] for i in keep),
        np.asarray(raw["mean"], dtype=float)[idx],
        cov,
        np.asarray(raw["lower"], dtype=float)[idx],
        np.asarray(raw["upper"], dtype=float)[idx],
        {k: v for k, v in raw.items() if k not in ("paths", "mean", "cov", "lower", "upper")},
    )
