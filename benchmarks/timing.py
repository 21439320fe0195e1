"""Timing helpers shared by the benchmark runner and the benchmark modules."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Stats", "Timer", "measure", "peak_memory", "fit_exponent"]


@dataclass(frozen=True)
class Stats:
    """Summary of repeated timings (milliseconds)."""

    samples: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def iqr(self) -> tuple[float, float]:
        """25th and 75th percentile (the sample itself when ``n < 4``: min and max)."""
        if self.n < 4:
            return self.min, self.max
        q = statistics.quantiles(self.samples, n=4, method="inclusive")
        return q[0], q[2]


def measure(fn: Callable[[], Any], repeats: int, warmup: int = 1) -> list[float]:
    """Wall-clock times (ms) of ``repeats`` calls of ``fn`` after ``warmup`` untimed calls.

    Garbage collection runs before each call and is disabled during it, so one
    call does not pay for the garbage of the previous one.
    """
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(max(1, int(repeats))):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000.0)
        finally:
            gc.enable()
    return times


class Timer:
    """Times named cases and keeps every sample, for a benchmark module's ``run``.

    Parameters
    ----------
    repeats : int
        Timed calls per case (a case may ask for fewer, e.g. a slow ensemble).
    warmup : int
        Untimed calls before timing (0 in quick smoke runs).
    """

    def __init__(self, repeats: int, warmup: int = 1):
        self.repeats = max(1, int(repeats))
        self.warmup = warmup
        self.samples: dict[str, list[float]] = {}

    def __call__(
        self, key: str, fn: Callable[[], Any], repeats: int | None = None, warm: bool = True
    ) -> float:
        """Time ``fn`` under ``key``; return the median in ms (rounded to 0.01)."""
        n = min(self.repeats, repeats) if repeats else self.repeats
        samples = measure(fn, n, warmup=self.warmup if warm else 0)
        self.samples[key] = samples
        return round(statistics.median(samples), 2)


def peak_memory(fn: Callable[[], Any]) -> float:
    """Peak traced memory (MB, 10^6 bytes) of one call of ``fn`` (tracemalloc;
    numpy reports its array buffers to tracemalloc, so arrays are included)."""
    import tracemalloc

    gc.collect()
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not already:
            tracemalloc.stop()
    return (peak - base) / 1e6


def fit_exponent(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Least-squares slope of log(time) on log(size): 1 means linear growth."""
    import numpy as np

    x = np.log(np.asarray(sizes, dtype=float))
    y = np.log(np.asarray(times, dtype=float))
    return float(np.polyfit(x, y, 1)[0])
