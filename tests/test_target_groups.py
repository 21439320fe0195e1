"""Target group as a scenario dimension: definitions, default, evidence, legacy switch."""

import numpy as np
import pytest

from paktsim import params, pipeline, target_groups
from paktsim.errors import InputError
from paktsim.scenario import StaffingSpec, builtin_scenario


def _run(target_group: str, start: str = "2023-01", end: str = "2025-12"):
    scenario = builtin_scenario("status_quo").with_changes(
        horizon={"start": start, "end": end}, staffing={"target_group": target_group}
    )
    return pipeline.run_scenario(scenario, ensemble=False)


def test_default_reproduces_reported_caseloads_2023_24():
    """Evidence check: reported IM loads 1:109–1:157 (FACTS.md §4), no tolerance beyond that."""
    default = StaffingSpec().target_group
    assert default == builtin_scenario("status_quo").staffing.target_group
    low = params.at("2024-01-01")["betreuungsschluessel.im_beobachtet_min"]
    high = params.at("2024-01-01")["betreuungsschluessel.im_beobachtet_max"]
    ratio = _run(default).land.loc[[2023, 2024], "ratio_actual"]
    assert ((ratio >= low) & (ratio <= high)).all(), ratio
    # and AU alone does not: the model would call 2023/24 over-staffed
    assert (_run("au").land.loc[[2023, 2024], "ratio_actual"] < low).all()


def test_definitions_nest_per_place_and_month():
    res = {tg: _run(tg).places["target_group"] for tg in target_groups.TARGET_GROUPS}
    assert (res["au"] <= res["au_ukraine_private"] + 1e-9).all()
    assert (res["au_ukraine_private"] <= res["all_protection_seekers"] + 1e-9).all()


def test_all_protection_seekers_close_to_statistics_2023():
    """Statistisches Landesamt: 369,800 Schutzsuchende end of 2023 (FACTS.md §3); 10 % tolerance."""
    land = _run("all_protection_seekers").land.loc[2023, "target_group"]
    assert abs(land / 369_800 - 1) < 0.10


def test_parts_summed_by_the_one_target_group_function():
    from paktsim import staffing

    rng = np.random.default_rng(1)
    stocks = {k: rng.random((2, 3, 4, 5)) for k in ("vu", "au", "own")}
    tg = {
        d: staffing.target_group(stocks, definition=staffing.target_group_parts(definition=d))
        for d in target_groups.TARGET_GROUPS
    }
    np.testing.assert_allclose(tg["au"], stocks["au"].sum(axis=1))
    np.testing.assert_allclose(tg["au_ukraine_private"], tg["au"] + stocks["own"][:, 1])
    np.testing.assert_allclose(
        tg["all_protection_seekers"], sum(stocks[k].sum(axis=1) for k in stocks)
    )
    with_vu = staffing.target_group(
        stocks, definition=staffing.target_group_parts(True, definition="au")
    )
    np.testing.assert_allclose(with_vu, tg["au"] + stocks["vu"].sum(axis=1))
    with pytest.raises(InputError, match="staffing.target_group"):
        target_groups.parts("everyone")


def test_legacy_switch_and_contradiction():
    assert StaffingSpec(include_ukraine_private=True).target_group == "au_ukraine_private"
    assert StaffingSpec(include_ukraine_private=False).target_group == "au"
    assert StaffingSpec(target_group="all_protection_seekers").include_ukraine_private
    with pytest.raises(ValueError, match="contradicts"):
        StaffingSpec(include_ukraine_private=False, target_group="au_ukraine_private")


def test_headline_names_the_target_group():
    from paktsim.commands.run_staffing import headline

    result = _run("au")
    assert target_groups.LABELS_DE["au"] in result.summary().index.name
    assert f"Zielgruppe: {target_groups.LABELS_DE['au']}" in headline(result)
