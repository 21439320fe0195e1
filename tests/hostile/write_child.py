"""Child process for the fault-injection test: write one output set with ``write_outputs``.

``python write_child.py OUT_DIR LABEL ROWS`` builds a synthetic but full-sized set
(the same tables, workbook, figure and run record layout as ``paktsim run``),
prints ``ready`` and writes it with ``force=True`` through
:func:`paktsim.commands.run.write_outputs`, the code path of ``paktsim run
--force``.  The parent kills it at a random moment.
"""

from __future__ import annotations

import sys
import zlib

import numpy as np
import pandas as pd


def outputs(label: str, rows: int) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paktsim.scenario import Scenario

    rng = np.random.default_rng(zlib.crc32(label.encode()))
    scenario = Scenario.from_dict(
        {"name": label, "horizon": {"start": "2025-01", "end": "2025-12"}}
    )
    big = pd.DataFrame(
        {
            "AGS": np.resize(np.array(["08111000", "08115001"]), rows),
            "Monat": "2025-01",
            "Personen": rng.random(rows).round(3),
        }
    )
    small = pd.DataFrame({"Monat": ["2025-01", "2025-02"], "Personen": rng.random(2)})
    fig, ax = plt.subplots()
    ax.plot(rng.random(10))
    ax.set_title(f"{label} $x$")
    return {
        "tables": {"Land": small, "Gemeinden": big},
        "excel_tables": {"Land": small, "Gemeinden": big.head(2000)},
        "files": {"personal_land.csv": small, "personal_budget.xlsx": {"Land": small}},
        "figures": {"bild": fig},
        "record": {
            "scenario": scenario,
            "parameters": {"x": 1.0},
            "data": {"vintage": 2023},
            "inputs": {},
            "extra": {"n_draws": 0, "label": label},
        },
    }


def main() -> None:
    from paktsim.commands.run import write_outputs

    out_dir, label, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = outputs(label, rows)
    print("ready", flush=True)
    write_outputs(data, out_dir, force=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
