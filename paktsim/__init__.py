"""paktsim — planning and allocation model for Baden-Württemberg's Pakt für Integration.

Public API (imported lazily so ``import paktsim`` stays light):

- :mod:`paktsim.regions` — bundled Gemeinde and Kreis tables, boundaries
- :mod:`paktsim.params` — dated, sourced parameters
- :class:`paktsim.scenario.Scenario` — validated scenario spec
- :class:`paktsim.errors.InputError` — every bad-input error
"""

from __future__ import annotations

import importlib
from typing import Any

from paktsim._version import __version__
from paktsim.errors import InputError, Problem

__all__ = ["__version__", "InputError", "Problem", "Scenario", "regions", "params"]

_LAZY = {
    "regions": ("paktsim.regions", None),
    "params": ("paktsim.params", None),
    "Scenario": ("paktsim.scenario", "Scenario"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        return getattr(module, attr) if attr else module
    raise AttributeError(f"module 'paktsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
