"""Benchmark: the product as a user runs it — the ``paktsim`` CLI in a subprocess.

Cases (wall clock of the whole command, Python start-up and imports included):

* ``help`` — ``paktsim --help`` (target < 0.3 s);
* ``status_quo`` — ``paktsim run scenarios/status_quo.yaml --out TMP --force``
  (target < 2 s on 2 cores): the central run, its tables, charts and run record;
* ``mc_1000`` / ``mc_10000`` — ``paktsim run scenarios/zugang_unsicher.yaml
  --draws N`` (targets: peak RSS < 1 GB and < 1.5 GB), in-process (one core);
* ``mc_10000_w2`` (full size only) — the same 10,000 draws with ``--workers 2``.

Peak memory: the kernel's high-water mark of resident memory, ``VmHWM`` in
``/proc/PID/status``.  It is reset when a process starts a new program (exec), so
unlike ``ru_maxrss`` of ``wait4`` it does not count the benchmark process that
forked the child.  The CLI's own process reports its ``VmHWM`` when it exits
(exact: a tiny launcher registers an ``atexit`` hook and wraps ``os._exit``,
by which ``paktsim`` leaves, then runs ``python -m paktsim``); the process tree (worker processes of ``--workers``) is sampled
every 20 ms while the command runs.  Reported per case:

* ``*_peak_mb`` — the largest single process: the paktsim process itself, or a
  worker if one grew larger (this is the figure compared with the targets);
* ``*_main_peak_mb`` / ``*_worker_peak_mb`` — the paktsim process and its largest
  worker (pages a forked worker shares with its parent count in both);
* ``*_tree_peak_mb`` — the largest sum of current RSS over the whole tree seen in
  one sample (what the machine had to hold at once; sampled, so a lower bound).

The command runs with Python's bytecode caches, as on a user's machine
(``PYTHONDONTWRITEBYTECODE`` is removed from its environment; the first, untimed
run writes them).  Also the CPU time (user + system of the command and its children, from
``resource.getrusage(RUSAGE_CHILDREN)`` differences): on a shared machine the
steadier figure.  Every command runs under an address-space limit (``RLIMIT_AS``,
8 GB) so a run that would need more fails with a memory error instead of taking
the machine down; such a failure is reported, not hidden.

``run(size)`` returns medians (``*_ms``), per-repeat samples (``samples_ms``),
the memory and CPU figures above and, for a case that failed, ``*_error``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.timing import Timer

ROOT = Path(__file__).resolve().parent.parent
AS_LIMIT = 8_000_000_000  # bytes: never let a run take the shared machine down
MC_SCENARIO = ROOT / "scenarios" / "zugang_unsicher.yaml"
STATUS_QUO = ROOT / "scenarios" / "status_quo.yaml"
SIZES: dict[str, dict[str, Any]] = {
    "quick": {
        "repeats": 1,
        "help_repeats": 1,
        "status_quo": False,
        "draws": (("mc_10", 10, None),),
    },
    "full": {
        "repeats": 3,
        "help_repeats": 7,
        "status_quo": True,
        "draws": (("mc_1000", 1000, None), ("mc_10000", 10_000, None), ("mc_10000_w2", 10_000, 2)),
    },
}
#: Targets of issue 11 (ms for times, MB for memory).
TARGETS = {
    "help_ms": 300.0,
    "status_quo_ms": 2000.0,
    "mc_1000_peak_mb": 1000.0,
    "mc_10000_peak_mb": 1500.0,
}
SAMPLE_S = 0.02

# Runs in the child: the limit, an exit hook that writes VmHWM to the file named in
# PAKTSIM_BENCH_HWM, then the CLI exactly as ``python -m paktsim ARGS``.
_LAUNCH = """\
import atexit, os, resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
def _hwm(path=os.environ["PAKTSIM_BENCH_HWM"]):
    with open("/proc/self/status") as f, open(path, "w") as out:
        out.write(next(line for line in f if line.startswith("VmHWM")))
atexit.register(_hwm)
_main, _exit = os.getpid(), os._exit
def _exit_after_hwm(code):  # paktsim leaves with os._exit, past atexit
    if os.getpid() == _main:  # not a forked helper of the command
        _hwm()
    _exit(code)
os._exit = _exit_after_hwm
sys.argv = ["paktsim", *sys.argv[1:]]
runpy.run_module("paktsim", run_name="__main__", alter_sys=True)
"""


class Failed(RuntimeError):
    """The command exited with an error (message: its last stderr line)."""


def _status_kb(pid: int) -> dict[str, int]:
    """``VmHWM`` and ``VmRSS`` (kB) of a process; empty if it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            return {
                k: int(v.split()[0])
                for k, _, v in (line.partition(":") for line in f)
                if k in ("VmHWM", "VmRSS")
            }
    except (OSError, ValueError):
        return {}


def _children(pid: int) -> list[int]:
    out = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            continue
    return out


class TreeSampler(threading.Thread):
    """Samples VmHWM and VmRSS of every process in a tree, every ``SAMPLE_S`` seconds.

    A child seen in fewer than ``MIN_SAMPLES`` samples is not counted: a short
    helper the run starts (``git`` for the run record) shares its parent's memory
    between ``vfork`` and ``exec`` and would show the parent's figures.
    """

    MIN_SAMPLES = 3

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.hwm_kb: dict[int, int] = {}
        self.seen: dict[int, int] = {}
        self.samples: list[dict[int, int]] = []  # pid → VmRSS (kB) per sample
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids, rss = [self.pid], {}
            while pids:
                pid = pids.pop()
                status = _status_kb(pid)
                if status:
                    self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status.get("VmHWM", 0))
                    self.seen[pid] = self.seen.get(pid, 0) + 1
                    rss[pid] = status.get("VmRSS", 0)
                pids += _children(pid)
            self.samples.append(rss)
            self.done.wait(SAMPLE_S)

    def workers(self) -> set[int]:
        """Children that lived long enough to count (worker processes)."""
        return {p for p, n in self.seen.items() if p != self.pid and n >= self.MIN_SAMPLES}

    def tree_kb(self) -> int:
        """Largest summed VmRSS of the process and its workers in one sample."""
        keep = self.workers() | {self.pid}
        return max((sum(v for p, v in s.items() if p in keep) for s in self.samples), default=0)


def cli(args: list[str], cwd: Path = ROOT, timeout: float = 3600) -> dict[str, float]:
    """Run ``paktsim ARGS`` in a fresh Python; return wall ms, peak memory (MB) and CPU s.

    Raises
    ------
    Failed
        Non-zero exit (the message is the last line of its stderr).
    """
    with (
        tempfile.TemporaryDirectory(prefix="paktsim-bench-hwm-") as tmp,
        tempfile.TemporaryFile() as err,
    ):
        hwm_file = Path(tmp) / "hwm"
        # bytecode caches as on a user's machine (Python writes them by default; an
        # environment that forbids it would make every run compile paktsim anew)
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "PAKTSIM_BENCH_HWM": str(hwm_file),
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH.format(limit=AS_LIMIT), *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            code = proc.wait(timeout=timeout)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            sampler.done.set()
            sampler.join()
        wall = (time.perf_counter() - t0) * 1000.0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if code != 0:
            err.seek(0)
            lines = [x for x in err.read().decode("utf-8", "replace").splitlines() if x.strip()]
            raise Failed(f"exit {code}: {lines[-1] if lines else 'no message'}")
        try:
            main_kb = int(hwm_file.read_text(encoding="ascii").split(":")[1].split()[0])
        except (OSError, IndexError, ValueError):
            main_kb = sampler.hwm_kb.get(proc.pid, 0)
    worker_kb = max((sampler.hwm_kb[p] for p in sampler.workers()), default=0)
    return {
        "ms": wall,
        "main_peak_mb": main_kb * 1024 / 1e6,
        "worker_peak_mb": worker_kb * 1024 / 1e6,
        "peak_mb": max(main_kb, worker_kb) * 1024 / 1e6,
        "tree_peak_mb": max(sampler.tree_kb(), main_kb) * 1024 / 1e6,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    }


def run(size: str = "full", repeats: int | None = None) -> dict[str, Any]:
    """Time the CLI cases; see the module docstring.

    Parameters
    ----------
    size : {"quick", "full"}
        ``full``: ``--help``, the status quo and 1,000 / 10,000 draws (about 5
        minutes on 2 cores); ``quick``: ``--help`` and 10 draws.
    repeats : int, optional
        Repeats of ``--help`` and the status-quo run (the ensembles run once).
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    cfg = SIZES[size]
    timer = Timer(repeats or cfg["repeats"], warmup=0 if size == "quick" else 1)
    out: dict[str, Any] = {"benchmark": "product", "size": size}
    facts: dict[str, list[dict[str, float]]] = {}

    def case(key: str, args: list[str], n: int | None = None, warm: bool = True) -> None:
        facts[key] = []
        try:
            out[f"{key}_ms"] = timer(
                f"{key}_ms", lambda: facts[key].append(cli(args)), n, warm=warm
            )
        except Failed as exc:
            out[f"{key}_error"] = str(exc)
            return
        runs = facts[key][-len(timer.samples[f"{key}_ms"]) :]  # timed runs, not the warm-up
        for fact in ("peak_mb", "main_peak_mb", "worker_peak_mb", "tree_peak_mb"):
            out[f"{key}_{fact}"] = round(max(r[fact] for r in runs), 1)
        out[f"{key}_cpu_s"] = round(sorted(r["cpu_s"] for r in runs)[len(runs) // 2], 2)

    case("help", ["--help"], repeats or cfg["help_repeats"])
    with tempfile.TemporaryDirectory(prefix="paktsim-bench-") as tmp:
        folder = Path(tmp)
        if cfg["status_quo"]:
            case("status_quo", ["run", str(STATUS_QUO), "--out", str(folder / "sq"), "--force"])
        for key, draws, workers in cfg["draws"]:
            out[f"{key}_draws"] = draws
            args = [
                "run",
                str(MC_SCENARIO),
                "--draws",
                str(draws),
                "--out",
                str(folder / key),
                "--force",
            ]
            if workers:
                args += ["--workers", str(workers)]
                out[f"{key}_workers"] = workers
            case(key, args, 1, warm=False)
    if "mc_10000_ms" in out and "mc_10000_w2_ms" in out:
        out["speedup_workers_2"] = round(out["mc_10000_ms"] / out["mc_10000_w2_ms"], 2)
    out["address_space_limit_gb"] = AS_LIMIT / 1e9
    out["samples_ms"] = timer.samples
    return out


if __name__ == "__main__":  # pragma: no cover
    import json

    res = run(sys.argv[1] if len(sys.argv) > 1 else "quick")
    print(json.dumps(res, indent=2, default=str))
