"""The Land-level stage chain as a system-dynamics model run by PySD.

``stage_chain.mdl`` (Vensim) holds the model; PySD translates it to Python.  How
it maps to :mod:`paktsim.inflow.kernel`:

* ``Erstaufnahme``, ``Anschlussunterbringung``, ``Eigener Wohnraum`` are stocks
  subscripted by ``group``; every outflow is ``stock × monthly hazard``, exactly
  as the kernel's ``exits from last month's stock``.
* The vU is an *aging chain*: ``vU cohort[slot, group]`` with 24 monthly slots
  (the largest cap).  With ``TIME STEP = 1`` month each slot drains completely
  every step (``vu slot outflow = vU cohort / TIME STEP``): the share
  ``vu hazard`` exits, the rest moves to the next slot via the subscript
  mapping ``earlier → later``; new entrants fill slot ``s1``.  ``vu hazard`` is
  1 in the last slot the cap allows, so nobody stays longer than the cap — the
  kernel's months-in-stage conveyor with its hard cap, slot for slot.
* Euler integration with ``TIME STEP = 1``: the stock at time ``t + 1`` is the
  kernel's end-of-month stock of month ``t``, and the arrival time series is
  read at integer times only (no interpolation between months).  Both
  implementations therefore do the same arithmetic; differences are float
  rounding only (summation order).

PySD is optional (``pip install -e ".[bench]"``); :func:`available` says
whether it can be imported.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.peers import STAGES, LandInputs

__all__ = ["MODEL_FILE", "STOCK_NAMES", "available", "load", "run"]

MODEL_FILE = Path(__file__).with_name("stage_chain.mdl")
#: Vensim stock (or stock total) for each paktsim stage.
STOCK_NAMES: dict[str, str] = {
    "ea": "Erstaufnahme",
    "vu": "vorlaeufige Unterbringung",
    "au": "Anschlussunterbringung",
    "own": "Eigener Wohnraum",
}
SLOTS = 24


def available() -> str | None:
    """``None`` if PySD can be imported, else the reason it cannot."""
    try:
        import pysd  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - ImportError, or a broken install of its deps
        return f"{type(exc).__name__}: {exc}"
    return None


def load() -> Any:
    """Translate ``stage_chain.mdl`` and load it (PySD writes the translated
    Python file next to the model, so this happens in a temporary folder)."""
    import pysd

    folder = Path(tempfile.mkdtemp(prefix="paktsim-pysd-"))
    try:
        target = folder / MODEL_FILE.name
        shutil.copyfile(MODEL_FILE, target)
        model = pysd.read_vensim(str(target))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return model


def _params(inputs: LandInputs) -> dict[str, Any]:
    # checked before the PySD-only imports, so the refusal does not depend on the bench extra
    if int(inputs.vu_cap.max()) > SLOTS:
        raise ValueError(
            f"vu_cap {int(inputs.vu_cap.max())} exceeds the {SLOTS} slots of {MODEL_FILE.name}"
        )
    import pandas as pd
    import xarray as xr

    def per_group(values: np.ndarray) -> Any:
        return xr.DataArray(
            np.asarray(values, dtype=float), {"group": list(inputs.groups)}, ["group"]
        )

    times = np.arange(inputs.months, dtype=float)
    params: dict[str, Any] = {
        f"arrivals {g}": pd.Series(inputs.arrivals[gi], index=times)
        for gi, g in enumerate(inputs.groups)
    }
    names = {
        "direct_share": "direct share",
        "ea_exit": "ea exit hazard",
        "ea_left_share": "ea left share",
        "vu_exit": "vu exit hazard",
        "vu_left_share": "vu left share",
        "au_to_own": "au to own hazard",
        "au_left": "au left hazard",
        "own_left": "own left hazard",
    }
    for key, name in names.items():
        params[name] = per_group(inputs.rates[key])
    params["vu cap"] = per_group(inputs.vu_cap)
    params["initial own"] = per_group(inputs.initial_own)
    return params


def run(model: Any, inputs: LandInputs) -> dict[str, np.ndarray]:
    """Run the loaded model on ``inputs``; end-of-month stocks ``{stage: (G, T)}``."""
    with warnings.catch_warnings():
        # PySD warns that a constant becomes a time series: that is the intent
        warnings.filterwarnings("ignore", message="Replacing a constant value")
        out = model.run(
            params=_params(inputs),
            final_time=float(inputs.months),
            return_columns=list(STOCK_NAMES.values()),
        )
    result = {}
    for stage in STAGES:
        cols = [f"{STOCK_NAMES[stage]}[{g}]" for g in inputs.groups]
        # row 0 is the initial state (time 0); row t + 1 = end of month t
        result[stage] = out[cols].to_numpy(dtype=float)[1 : inputs.months + 1].T
    return result
