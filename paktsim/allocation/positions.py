"""Funded positions (FTE) per application: frame ÷ Fördersatz.

Rules of the programme (VwV IM, see ``paktsim/parameters``):

- a position is funded at a fixed rate per full-time equivalent (Fördersatz)
  that depends on the qualification (Hochschulabschluss vs. Berufsausbildung);
- positions can be split down to 0.25 FTE; an application needs ≥ 1 FTE.

With a *qualification mix* (share ``h`` of positions at the Hochschul rate) an
application's average rate is ``h × rate_hochschule + (1 − h) × rate_other``.

Two readings of the 0.25-FTE rule (``integrationsmanagement.vze_lesart``):

``"anteil"`` (default, the rule as written)
    0.25 FTE is the smallest share of *one person's* position; an application's
    total may be any size: ``fte = frame / rate``, the whole frame is funded.
``"viertelstellen"`` (labelled option, the stricter reading)
    An application's total is floored to multiples of ``step``:
    ``fte = floor(frame / rate / step) × step``.

The money the FTE need (rounded to whole euros, never above the frame) is
*funded*, the rest of the frame is *unused*, so ``funded + unused = frame``
holds exactly.

An eligible application whose frame cannot pay the minimum position (e.g. a
frame of 51,000 € at a Hochschul rate of 64,000 €) is handled by
``below_minimum``:

``"top_up"`` (default)
    The application employs the minimum position and the state pays its whole
    frame (the Fördersatz is a ceiling, the rest is the applicant's own share):
    ``fte = min_fte``, ``funded = frame``, ``unused = 0``. Flagged ``topped_up``.
``"drop"``
    The application cannot fill a position: ``fte = 0``, the frame is unused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from paktsim.errors import InputError, Problem

__all__ = ["QualificationMix", "funded_positions", "BELOW_MINIMUM", "FTE_READINGS"]

BELOW_MINIMUM: tuple[str, ...] = ("top_up", "drop")
#: Readings of the 0.25-FTE rule (see the module docstring).
FTE_READINGS: tuple[str, ...] = ("anteil", "viertelstellen")


@dataclass(frozen=True)
class QualificationMix:
    """Share of funded positions at the Hochschul rate, and the two rates.

    Parameters
    ----------
    hochschule_share : float
        Share in [0, 1] of positions held by staff with a university degree.
    rate_hochschule_eur : float
        Fördersatz per FTE and year for that qualification (> 0).
    rate_other_eur : float
        Fördersatz per FTE and year for the other qualification (> 0).
    """

    hochschule_share: float
    rate_hochschule_eur: float
    rate_other_eur: float

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        h = self.hochschule_share
        if not (isinstance(h, (int, float)) and math.isfinite(h) and 0 <= h <= 1):
            problems.append(
                Problem("qualification_mix.hochschule_share", "expected a share in [0, 1]", h)
            )
        for name in ("rate_hochschule_eur", "rate_other_eur"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                problems.append(Problem(f"qualification_mix.{name}", "expected a rate > 0", v))
        if problems:
            raise InputError(problems)

    @property
    def rate_eur(self) -> float:
        """Average Fördersatz per FTE under this mix."""
        h = float(self.hochschule_share)
        return h * float(self.rate_hochschule_eur) + (1 - h) * float(self.rate_other_eur)


def funded_positions(
    frames: pd.Series,
    mix: QualificationMix,
    *,
    step: float | None = None,
    min_fte: float | None = None,
    below_minimum: Literal["top_up", "drop"] = "top_up",
    reading: Literal["anteil", "viertelstellen"] = "anteil",
) -> pd.DataFrame:
    """Funded FTE, funded and unused money per application.

    Parameters
    ----------
    frames : Series of int
        Frame of each application in whole euros (index: group id).
    mix : QualificationMix
    step : float, optional
        Smallest fraction of a position; default ``integrationsmanagement.vze_schritt``.
    min_fte : float, optional
        Minimum position per application; default ``integrationsmanagement.mindest_vze``.
    below_minimum : {"top_up", "drop"}
        Treatment of an application whose frame cannot pay ``min_fte`` (see the
        module docstring).
    reading : {"anteil", "viertelstellen"}
        Reading of the 0.25-FTE rule (module docstring).

    Returns
    -------
    DataFrame
        Indexed like ``frames``: ``fte_funded`` (a multiple of ``step`` under
        ``"viertelstellen"``),
        ``funded_eur`` and ``unused_eur`` (int64, ``funded + unused = frame``),
        ``topped_up`` (bool).
    """
    if below_minimum not in BELOW_MINIMUM:
        raise InputError.single(
            "positions.below_minimum", f"expected one of {', '.join(BELOW_MINIMUM)}", below_minimum
        )
    if reading not in FTE_READINGS:
        raise InputError.single(
            "integrationsmanagement.vze_lesart",
            f"expected one of {', '.join(FTE_READINGS)}",
            reading,
        )
    if step is None or min_fte is None:
        from paktsim import params

        latest = {
            p: float(params.series(p)["value"].iloc[-1])
            for p in ("integrationsmanagement.vze_schritt", "integrationsmanagement.mindest_vze")
        }
        step = latest["integrationsmanagement.vze_schritt"] if step is None else step
        min_fte = latest["integrationsmanagement.mindest_vze"] if min_fte is None else min_fte
    if not (step > 0 and min_fte >= 0):
        raise InputError.single(
            "positions.step", "expected step > 0 and min_fte >= 0", (step, min_fte)
        )
    frame = frames.to_numpy(dtype=np.int64)
    if np.any(frame < 0):
        raise ValueError("frames must be non-negative")
    rate = mix.rate_eur
    if reading == "anteil":
        fte = frame / rate
    else:
        # a tiny tolerance keeps frames that are an exact multiple of rate × step on the step
        fte = np.floor(frame / (rate * step) + 1e-9) * step
    funded = np.minimum(np.floor(fte * rate + 0.5).astype(np.int64), frame)
    short = (fte < min_fte) & (frame > 0)
    topped = short & (below_minimum == "top_up")
    fte = np.where(short, min_fte if below_minimum == "top_up" else 0.0, fte)
    funded = np.where(topped, frame, np.where(short, 0, funded)).astype(np.int64)
    return pd.DataFrame(
        {
            "fte_funded": fte.astype(float),
            "funded_eur": funded,
            "unused_eur": (frame - funded).astype(np.int64),
            "topped_up": topped,
        },
        index=frames.index,
    )
