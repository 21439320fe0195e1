"""Checked by mypy (tools/mypy_ratchet.py, no error allowed), never run: every shipped
allocation rule satisfies the ``AllocationRule`` protocol, and the open-ended one
also ``OpenEndedRule``."""

from __future__ import annotations

import pandas as pd

from paktsim.allocation import (
    AllocationRule,
    CountRule,
    MixRule,
    OpenEndedRule,
    PerCapitaPayment,
    PopulationRule,
    hybrid_rule,
    two_survey_rule,
)


def shipped_rules(
    count: CountRule,
    population: PopulationRule,
    mix: MixRule,
    per_capita: PerCapitaPayment,
    survey: pd.Series,
) -> list[AllocationRule]:
    rules: list[AllocationRule] = [
        count,
        population,
        mix,
        per_capita,
        hybrid_rule(count, 0.5),
        two_survey_rule(survey, survey),
    ]
    return rules


def open_ended(per_capita: PerCapitaPayment) -> OpenEndedRule:
    return per_capita
