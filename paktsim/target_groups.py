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


from paktsim.errors import InputError, Problem

__all__ = [
    "TARGET_GROUPS",
    "LABELS_DE",
    "SHORT_LABELS_DE",
    "default_target_group",
    "label",
    "parts",
]

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
        raise InputError(
            Problem(
                "staffing.target_group", f"expected one of {', '.join(TARGET_GROUPS)}", definition
            )
        )
    text = LABELS_DE[definition]
    if include_vu and definition != "all_protection_seekers":
        text += " sowie vorläufige Unterbringung"
    return text


def parts(definition: str, include_vu: bool = False) -> tuple[tuple[str, str | None], ...]:
    """Stages (and groups) a definition counts: ``((stage, group or None), …)``.

    The parts are summed by :func:`paktsim.staffing.target_group`, the one place
    where people become the target group.
    """
    if definition not in TARGET_GROUPS:
        raise InputError(
            Problem(
                "staffing.target_group", f"expected one of {', '.join(TARGET_GROUPS)}", definition
            )
        )
    if definition == "all_protection_seekers":
        return (("au", None), ("vu", None), ("own", None))
    out: list[tuple[str, str | None]] = [("au", None)]
    if include_vu:
        out.append(("vu", None))
    if definition == "au_ukraine_private":
        out.append(("own", "ukraine"))
    return tuple(out)
