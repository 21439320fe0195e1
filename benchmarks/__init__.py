"""paktsim benchmarks: ``python -m benchmarks`` (see :mod:`benchmarks.run`).

Each ``bench_*.py`` module exposes ``run(size="full") -> dict`` of medians in
milliseconds (keys ending ``_ms``) plus context; ``size="quick"`` is a tiny
setting for the smoke test.  The runner prints one table and writes
``benchmarks/results.md``.  Benchmarks are never part of the test suite's
pass/fail; ``tests/test_benchmarks.py`` only runs each once at tiny size.
"""
