"""Allocation of an envelope over Gemeinden or Kreise: rules, exact money, applications, FTE.

Public API
----------
Rules (:mod:`paktsim.allocation.rules`): :class:`AllocationRule` (protocol),
:class:`CountRule`, :class:`PopulationRule` with :class:`UrbanFactor`,
:class:`MixRule` (:func:`two_survey_rule`, :func:`hybrid_rule`),
:class:`PerCapitaPayment` (open-ended).

Engine (:mod:`paktsim.allocation.engine`): :func:`allocate` (bundled regions
and parameters), :func:`allocate_table` (pure core), :func:`pass_down`.

Building blocks: :func:`largest_remainder`, :func:`form_applications`,
:func:`funded_positions`, :class:`QualificationMix`.

Historic splits (:mod:`paktsim.allocation.historic`): :func:`im_2017`,
:func:`ila_2017`, :func:`soforthilfe_2022`, :func:`proxy_counts_2017`; with the
inflow model's counts as defaults: :mod:`paktsim.history`.
"""

from paktsim.allocation.applications import JOIN_MODES, form_applications
from paktsim.allocation.engine import (
    ProgrammeRules,
    allocate,
    allocate_table,
    pass_down,
    programme_rules,
)
from paktsim.allocation.positions import QualificationMix, funded_positions
from paktsim.allocation.rounding import largest_remainder, largest_remainder_grouped
from paktsim.allocation.rules import (
    AllocationRule,
    CountRule,
    MixRule,
    OpenEndedRule,
    PerCapitaPayment,
    PopulationRule,
    UrbanFactor,
    hybrid_rule,
    two_survey_rule,
)

__all__ = [
    "AllocationRule",
    "OpenEndedRule",
    "CountRule",
    "PopulationRule",
    "UrbanFactor",
    "MixRule",
    "PerCapitaPayment",
    "two_survey_rule",
    "hybrid_rule",
    "allocate",
    "allocate_table",
    "pass_down",
    "programme_rules",
    "ProgrammeRules",
    "largest_remainder",
    "largest_remainder_grouped",
    "form_applications",
    "JOIN_MODES",
    "funded_positions",
    "QualificationMix",
]
