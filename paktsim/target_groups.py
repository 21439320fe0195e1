"""Who counts for the Integrationsmanagement caseload: the target-group definitions.

Three definitions (a scenario's ``staffing.target_group``):

``au``
    (a) persons in Anschlussunterbringung (all groups);
``au_ukraine_private``
    (b) (a) plus protection seekers under § 24 AufenthG living privately (the
    ``own`` stock of the Ukraine group: housed privately from arrival or moved on
    from AU) — the people the Soforthilfe 2022–24 was created for;
``all_protection_seekers``
    (c) every protection seeker living in the place: vorläufige Unterbringung,
    Anschlussunterbringung and own housing, all groups.

``staffing.include_vu`` adds the vU stock to (a) or (b) ((c) holds it already).
The default (``staffing.zielgruppe`` in the parameters) is the definition whose
modelled caseload per staffed position in 2023/24 lies in the loads reported by
towns (1:109–1:157).
"""

from __future__ import annotations

from collections.abc import Mapping
import numpy as np

from paktsim.errors import InputError, Problem

__all__ = ["TARGET_GROUPS", "LABELS_DE", "SHORT_LABELS_DE", "default_target_group", "label",
           "persons"]

TARGET_GROUPS: tuple[str, ...] = ("au", "au_ukraine_private", "all_protection_seekers")
#: German name of each definition (headlines, tables, charts).
LABELS_DE: dict[str, str] = {
    "au": "Personen in Anschlussunterbringung",
    "au_ukraine_private": "Anschlussunterbringung und privat wohnende Schutzsuchende "
                          "nach § 24 AufenthG",
    "all_protection_seekers": "alle am Ort lebenden Schutzsuchenden",
}
#: Short German names (chart legends, table columns).
SHORT_LABELS_DE: dict[str, str] = {
    "au": "nur AU",
    "au_ukraine_private": "AU + § 24 privat",
    "all_protection_seekers": "alle Schutzsuchenden",
}


def default_target_group() -> str:
    """The default definition: the latest entry of ``staffing.zielgruppe``."""
    from paktsim import params

    entries = params.series("staffing.zielgruppe")
    return str(entries["value"].iloc[-1])


def label(definition: str, include_vu: bool = False) -> str:
    """German name of a definition (``+ vorläufige Unterbringung`` when added)."""
    if definition not in LABELS_DE:
        raise InputError(Problem("staffing.target_group",
                                 f"expected one of {', '.join(TARGET_GROUPS)}", definition))
    text = LABELS_DE[definition]
    if include_vu and definition != "all_protection_seekers":
        text += " sowie vorläufige Unterbringung"
    return text


def persons(stocks: Mapping[str, np.ndarray], definition: str, include_vu: bool = False,
            ukraine: int | None = None) -> np.ndarray:
    """Target-group persons from stage stocks ``(..., G, S, T)`` → ``(..., S, T)``.

    Parameters
    ----------
    stocks : mapping stage → ndarray (..., G, S, T)
        Needs ``"au"``, and ``"own"`` / ``"vu"`` where the definition uses them
        (stocks already cut to the months wanted).
    definition : str
        One of :data:`TARGET_GROUPS`.
    include_vu : bool
        Add the vU stock.
    ukraine : int, optional
        Index of the Ukraine group on the G axis (default: from
        :data:`paktsim.inflow.arrivals.GROUPS`).
    """
    if definition not in TARGET_GROUPS:
        raise InputError(Problem("staffing.target_group",
                                 f"expected one of {', '.join(TARGET_GROUPS)}", definition))
    if ukraine is None:
        from paktsim.inflow.arrivals import GROUPS

        ukraine = GROUPS.index("ukraine")
    total = np.asarray(stocks["au"]).sum(axis=-3)
    if definition == "all_protection_seekers":
        return total + np.asarray(stocks["vu"]).sum(axis=-3) + np.asarray(stocks["own"]).sum(axis=-3)
    if definition == "au_ukraine_private":
        total = total + np.asarray(stocks["own"])[..., ukraine, :, :]
    if include_vu:
        total = total + np.asarray(stocks["vu"]).sum(axis=-3)
    return total

