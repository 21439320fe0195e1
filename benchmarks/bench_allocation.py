"""Benchmark: one envelope over the 1,101 Gemeinden incl. neighbour grouping and FTE rounding.

``run(size)`` returns a dict of medians in milliseconds (plus the setting), so a
benchmark runner can print or store it.  Tables and adjacency are loaded once
before timing; the timed call is :func:`paktsim.allocation.allocate_table`
(weights → whole-euro split → applications → positions).
"""

from __future__ import annotations

from typing import Any

from benchmarks.timing import Timer

REPEATS = {"quick": 1, "full": 25}


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Median times (ms) of the allocation engine on the bundled data.

    Parameters
    ----------
    size : {"quick", "full"}
        Number of repeats per case (1 without warm-up, or 25); the data is always
        the full Land.
    repeats : int, optional
        Override the number of repeats.
    """
    from paktsim import regions
    from paktsim.allocation import (
        CountRule,
        PopulationRule,
        UrbanFactor,
        allocate_table,
        programme_rules,
    )
    from paktsim.allocation.historic import proxy_counts_2017

    if size not in REPEATS:
        raise ValueError(f"size must be one of {sorted(REPEATS)}, got {size!r}")
    repeats = repeats or REPEATS[size]
    timer = Timer(repeats, warmup=0 if size == "quick" else 1)
    muni = regions.municipalities(2021)
    kreise = regions.kreise(2021)
    adjacency = regions.neighbours()
    programme, _ = programme_rules("2022-01-01")
    urban = PopulationRule(UrbanFactor("degurba", {1: 1.3, 2: 1.1, 3: 1.0}))
    counts = CountRule(proxy_counts_2017())
    cases = {
        "population_urban_neighbours_ms": lambda: allocate_table(
            urban, 58_000_000, muni, programme=programme, join="neighbours", adjacency=adjacency
        ),
        "counts_landkreis_ms": lambda: allocate_table(
            counts, 58_000_000, muni, programme=programme, join="landkreis"
        ),
        "counts_none_ms": lambda: allocate_table(
            counts, 58_000_000, muni, programme=programme, join="none"
        ),
        "kreis_population_ms": lambda: allocate_table(
            PopulationRule(level="kreis"), 8_000_000, kreise, programme=programme, join="none"
        ),
    }
    out: dict[str, Any] = {
        "benchmark": "allocation",
        "size": size,
        "repeats": repeats,
        "gemeinden": len(muni),
        "adjacency_pairs": len(adjacency),
    }
    for name, fn in cases.items():
        out[name] = timer(name, fn)
    out["samples_ms"] = timer.samples
    return out


if __name__ == "__main__":  # pragma: no cover
    import json

    print(json.dumps(run(), indent=2))
