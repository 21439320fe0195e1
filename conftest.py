"""Test order for the pytest-xdist workers: the long files first.

``--dist loadfile`` hands whole files to the workers in collection order; a long file
handed out last (a notebook, the shipped scenarios) keeps one worker busy while the other
has nothing left.  Notebooks and files with a test marked ``slow`` therefore go first,
each file's tests staying in their order; the many short files fill in at the end.
"""

from __future__ import annotations

import pytest


def _is_long(item: pytest.Item) -> bool:
    return item.path.suffix == ".ipynb" or item.get_closest_marker("slow") is not None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    long_files = {item.path for item in items if _is_long(item)}
    items.sort(key=lambda item: item.path not in long_files)  # stable: order kept within
