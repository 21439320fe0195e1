"""Build paktsim's evidence tables: reception sites and every published figure to compare with.

Usage (from the repository root)::

    python tools/build_evidence.py ../shared/data/raw [--out paktsim/data]

Writes

* ``erstaufnahme.csv`` — Erstaufnahme sites (LEA, EA, BEA, Ankunftszentrum, Notunterkunft)
  with host Gemeinde (AGS), Kreis, months open, capacity and source
  (``../shared/EVIDENCE.md`` §2);
* ``kreise_indikatoren.csv`` — share of foreign nationals per Kreis (INKAR 2017), the
  sourced proxy for where the protection seekers present before 2014 lived;
* ``evidence.csv`` — published figures the model can be compared with: date, level, place,
  quantity, value, unit, how to compare, tolerance, weight in the fit, source, tag
  (``../shared/FACTS.md`` §3, ``../shared/EVIDENCE.md`` §3, the Destatis Kreis tables in
  RAW_DIR, described in RAW_DIR/SOURCES.md).

The curated rows below carry their source; the Kreis tables are read from the raw files
(checked: the 44 Kreise add up to the Land value).  The output is deterministic (sorted,
fixed formats); files are written to a temporary name and moved into place after the checks.

Tolerances are what the evidence check (``tests/test_evidence.py``) enforces: the issue's
targets where it set one (Land stocks 5 %, Kreis shares 25 %, Heidelberg factor 2), elsewhere
the stated uncertainty of the figure.  ``weight`` is the figure's weight in
``tools/calibrate.py`` (0 = shown, not fitted).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

F_SCHUTZ = "destatis_schutzsuchende_kreise_2018-12-31_bw.csv"
F_ASYLBLG = "destatis_asylblg_regelleistungen_kreise_2019-12-31_bw.csv"
F_INKAR = "bbsr_inkar_2017_kreise_bw.csv"

SITE_COLUMNS = ("site", "name", "kind", "ags", "kreis_ags", "open_from", "open_to",
                "capacity", "capacity_peak", "privileged", "source", "tag", "note")

# open_from/open_to: first and last month open (YYYY-MM; empty = before 2014 / still open).
# capacity: regular places as published (used to place the Erstaufnahme stock on sites).
# privileged: the site earns the FlüAG credit (not: Ukraine-only arrival centre).
SITES: list[tuple] = [
    ("lea_karlsruhe", "LEA Karlsruhe (Durlacher Allee, Grünwinkel, Mühlburg)", "LEA", "08212000",
     "08212", "", "", 1009, 3000, True,
     "jum.baden-wuerttemberg.de (LEA Karlsruhe); ka-news.de", "sourced",
     "today 505 + 300 + 204; 2014 expanded from 930 to about 3,000 incl. outposts"),
    ("az_heidelberg", "Ankunftszentrum Patrick-Henry-Village", "AZ", "08221000", "08221",
     "2014-12", "", 2000, 5000, True, "rnz.de (several)", "sourced",
     "2018 cap 2,000 (1,190-1,400 occupied); 2019 885; about 2,600 (Nov 2023)"),
    ("lea_ellwangen", "LEA Ellwangen", "LEA", "08136019", "08136", "2015-04", "2025-12", 700,
     4700, True, "stuttgarter-zeitung.de; staatsanzeiger.de 2025", "sourced",
     "09.04.2015-31.12.2025; contract max 700; peak about 4,700 (Sep 2015)"),
    ("lea_messstetten", "LEA Meßstetten (Zollernalb-Kaserne)", "LEA", "08417044", "08417",
     "2014-10", "2017-12", 1000, 4000, True,
     "rpt.baden-wuerttemberg.de PM; stuttgarter-zeitung.de", "sourced",
     "planned <= 1,000; at times about 4,000"),
    ("az_ukraine_messstetten", "Ankunftszentrum Ukraine Meßstetten", "AZ-UA", "08417044",
     "08417", "2022-03", "2024-09", 800, 800, False, "EVIDENCE.md §2", "uncertain",
     "Ukrainians carry no privilege (rnz.de 2022; bnn.de 2022): no credit"),
    ("lea_sigmaringen", "LEA Sigmaringen (BEA 2015, LEA from 2017)", "LEA", "08437104",
     "08437", "2015-10", "", 875, 2300, True, "schwarzwaelder-bote.de; suedkurier.de",
     "sourced", "contract max 875; peak > 2,300"),
    ("bea_freiburg", "BEA Freiburg (Lörracher Straße)", "BEA", "08311000", "08311", "2015-09",
     "2017-12", 800, 1800, False, "badische-zeitung.de; baden.fm 2015", "uncertain",
     "BEA 05.09.2015; no privilege assumed before the LEA: 'Freiburg muss deutlich mehr "
     "Flüchtlinge aufnehmen' (baden.fm, Sep 2015)"),
    ("lea_freiburg", "LEA Freiburg", "LEA", "08311000", "08311", "2018-01", "", 800, 1800, True,
     "badische-zeitung.de; stuttgarter-nachrichten.de 2024 (100 % privilege)", "sourced",
     "LEA from 2018; 800, up to 1,800 in emergencies"),
    ("ea_tuebingen", "EA Tübingen", "EA", "08416041", "08416", "2017-09", "", 250, 250, True,
     "esslinger-zeitung.de 2017", "sourced", "up to 250"),
    ("ea_giengen", "EA Giengen an der Brenz", "EA", "08135016", "08135", "2020-04", "", 300,
     500, True, "rp.baden-wuerttemberg.de PM", "sourced", "from 03.04.2020; regular 300"),
    ("nu_eggenstein", "Notunterkunft Eggenstein-Leopoldshafen", "NU", "08215102", "08215",
     "2015-09", "2016-06", 700, 700, True, "rp.baden-wuerttemberg.de PM; bnn.de 2022",
     "sourced", "11.09.2015-30.06.2016"),
    ("ea_eggenstein", "EA Eggenstein-Leopoldshafen", "EA", "08215102", "08215", "2020-05", "",
     300, 300, True, "rp.baden-wuerttemberg.de PM; bnn.de 2022", "sourced",
     "from 04.05.2020; 200, later 300"),
    ("bea_schwetzingen", "BEA Schwetzingen (Tompkins Barracks)", "BEA", "08226084", "08226",
     "2015-10", "2016-05", 1500, 1500, True, "rnf.de; morgenweb.de", "sourced",
     "Oct 2015-01.06.2016; > 1,500"),
    ("ea_schwetzingen", "EA Schwetzingen (Tompkins Barracks)", "EA", "08226084", "08226",
     "2019-10", "", 400, 400, True, "morgenweb.de / rnz.de 2019", "sourced",
     "from 25.09.2019; 400 places credited on the AU quota"),
    ("lea_mannheim_industriestrasse", "LEA-Außenstelle Mannheim Industriestraße", "LEA",
     "08222000", "08222", "2014-01", "2020-06", 750, 750, True, "rnf.de", "sourced",
     "2014-mid 2020"),
    ("bea_mannheim", "BEA Mannheim (Benjamin-Franklin-Village, Spinelli, Hammonds)", "BEA",
     "08222000", "08222", "2015-09", "2018-12", 4000, 12000, True, "morgenweb.de; rnf.de",
     "sourced", "BFV up to 4,000-6,000; Mannheim > 12,000 at the 2015/16 peak; opening month "
                "in 2015 [UNCERTAIN]"),
    ("bea_wertheim", "BEA Wertheim (Reinhardshof)", "BEA", "08128131", "08128", "2015-09",
     "2017-09", 1000, 1000, True, "nokzeit.de; rp.baden-wuerttemberg.de", "sourced",
     "13.09.2015-30.09.2017"),
    ("bea_donaueschingen", "BEA Donaueschingen", "BEA", "08326012", "08326", "2015-09",
     "2020-06", 276, 2700, True, "schwarzwaelder-bote.de; news-aus-baden.de", "sourced",
     "about 2,700 (early 2016); 276 (Feb 2018); closed 30.06.2020"),
    ("bea_hardheim", "BEA Hardheim", "BEA", "08225032", "08225", "2015-09", "2016-09", 700, 700,
     True, "morgenweb.de", "uncertain", "13.09.2015-Sep 2016; <= 700 [UNCERTAIN]"),
    ("ea_villingen_schwenningen", "EA Villingen-Schwenningen (Messe)", "EA", "08326074",
     "08326", "2015-09", "2016-03", 900, 900, True, "rnz.de 2016", "uncertain",
     "2015-Mar 2016; opening month in 2015 [UNCERTAIN]"),
    ("ea_immendingen", "EA Immendingen", "EA", "08327025", "08327", "2015-09", "2016-03", 1280,
     1280, True, "rnz.de 2016", "uncertain", "2015-Mar 2016; opening month in 2015 [UNCERTAIN]"),
    ("lea_stuttgart", "LEA Stuttgart-Weilimdorf (contracted)", "LEA", "08111000", "08111",
     "2029-01", "", 1300, 1800, True, "europesays.com (aggregator)", "uncertain",
     "1,300 regular + 500; credit phased in (deferral of 500 + 260, then 20 % a year)"),
]

EVIDENCE_COLUMNS = ("id", "date", "level", "ags", "quantity", "compare", "value", "unit",
                    "tolerance", "tolerance_kind", "weight", "source", "tag", "note")

# (id, date, level, ags, quantity, compare, value, unit, tolerance, kind, weight, source, tag,
#  note).  compare: "level" = the modelled value itself; "share" = the place's share of
# the sum of all places with the same id prefix (quantity and date).
LAND = "08"
# Fit weights that keep sqrt(w)/sigma of the earlier ±25 % (register) and ±60 % (AsylbLG)
# bands while the per-row tolerance is a looser guard: w = (ln(1+new)/ln(1+old))^2 etc.
REGISTER_WEIGHT = round((math.log(1.7) / math.log(1.25)) ** 2, 3)
# Erstaufnahme stock: a factor-2 guard (one constant exit hazard for 2014-2026), fit weight of
# the earlier ±50 % band with weight 0.5
EA_WEIGHT = round(0.5 * (math.log(2.0) / math.log(1.5)) ** 2, 3)
ASYLBLG_WEIGHT = round(0.25 * (math.log(2.5) / math.log(1.6)) ** 2, 3)
CURATED: list[tuple] = [
    ("land_schutzsuchende_2019", "2019-12-31", "land", LAND, "schutzsuchende", "level", 210000,
     "persons", 0.05, "rel", 1.0, "Sozialministerium PM 13.09.2020 (FACTS.md §3)", "sourced",
     "≈ 210,000"),
    ("land_schutzsuchende_2022", "2022-12-31", "land", LAND, "schutzsuchende", "level", 362000,
     "persons", 0.05, "rel", 1.0, "Statistisches Landesamt BW PM 24.04.2023 (FACTS.md §3)",
     "sourced", "≈ 362,000"),
    ("land_schutzsuchende_ukraine_2022", "2022-12-31", "land", LAND, "schutzsuchende_ukraine",
     "level", 131000, "persons", 0.10, "rel", 1.0,
     "Statistisches Landesamt BW PM 24.04.2023 (FACTS.md §3)", "sourced", "≈ 131,000"),
    ("land_schutzsuchende_2023", "2023-12-31", "land", LAND, "schutzsuchende", "level", 369800,
     "persons", 0.05, "rel", 1.0, "Statistisches Landesamt BW PM 132/2024 (FACTS.md §3)",
     "sourced", ""),
    ("land_schutzsuchende_ukraine_2023", "2023-12-31", "land", LAND, "schutzsuchende_ukraine",
     "level", 124720, "persons", 0.10, "rel", 1.0,
     "Statistisches Landesamt BW PM 132/2024 (FACTS.md §3)", "sourced",
     "the Ukrainian own-housing leave rate was derived from 2022→2023: not independent"),
    ("land_schutzsuchende_2018", "2018-12-31", "land", LAND, "schutzsuchende", "level", 202725,
     "persons", 0.05, "rel", 1.0, "Destatis 12531, Kreis table 31.12.2018 (SOURCES.md)",
     "sourced", "sum of the 44 Kreise"),
    ("land_asylblg_2019", "2019-12-31", "land", LAND, "asylblg_empfaenger", "level", 44078,
     "persons", 0.6, "rel", 0.0, "Destatis 22221 (SOURCES.md 3b, total column only)", "sourced",
     "model proxy: Erstaufnahme + vU + asylum seekers in AU (legal status is not modelled: "
     "recognised persons in AU are counted too, so the proxy is high); shown, not fitted"),
    ("land_erstaufnahme_2017_05", "2017-05-01", "land", LAND, "ea", "level", 6123, "persons",
     2.0, "factor", EA_WEIGHT, "domradio.de (EVIDENCE.md §3)", "sourced", "6,123 in 10 EA"),
    ("land_erstaufnahme_2020_01", "2020-01-15", "land", LAND, "ea", "level", 3300, "persons",
     2.0, "factor", EA_WEIGHT, "welt.de 2020-01 (EVIDENCE.md §3)", "sourced", "≈ 3,300"),
    ("land_erstaufnahme_2021_01", "2021-01-15", "land", LAND, "ea", "level", 2000, "persons",
     2.0, "factor", EA_WEIGHT, "diegemeinde.de (EVIDENCE.md §3)", "sourced", "≈ 2,000"),
    ("land_erstaufnahme_mittel_2023", "2023-12-31", "land", LAND, "ea_mittel_jahr", "level",
     6700, "persons", 2.0, "factor", 0.0,
     "augsburger-allgemeine.de (dpa/lsw, Justizministerium, Dec 2024)", "sourced",
     "average occupied places in Erstaufnahme in 2023; shown, not fitted: the constant exit "
     "hazard fitted to 2017-2021 overstates 2023/24 (shorter stays then)"),
    ("land_erstaufnahme_mittel_2024", "2024-12-31", "land", LAND, "ea_mittel_jahr", "level",
     5000, "persons", 2.0, "factor", 0.0,
     "augsburger-allgemeine.de (dpa/lsw, Justizministerium, Dec 2024)", "sourced",
     "average occupied places January-November 2024 ('knapp 5.000'); shown, not fitted"),
    ("kreis_heidelberg_ea_2020", "2020-01-15", "kreis", "08221", "ea_site", "level", 1100,
     "persons", 3.0, "factor", 0.0, "welt.de 2020-01 (dpa/lsw, Innenministerium)", "sourced",
     "Ankunftszentrum; model: Erstaufnahme stock spread over open sites by capacity"),
    ("kreis_karlsruhe_ea_2020", "2020-01-15", "kreis", "08212", "ea_site", "level", 880,
     "persons", 3.0, "factor", 0.0, "welt.de 2020-01 (dpa/lsw, Innenministerium)", "sourced",
     ""),
    ("kreis_mannheim_ea_2020", "2020-01-15", "kreis", "08222", "ea_site", "level", 130,
     "persons", 5.0, "factor", 0.0, "welt.de 2020-01 (dpa/lsw, Innenministerium)", "sourced",
     ""),
    ("kreis_ostalb_ea_2020", "2020-01-15", "kreis", "08136", "ea_site", "level", 410,
     "persons", 3.0, "factor", 0.0, "welt.de 2020-01 (dpa/lsw, Innenministerium)", "sourced",
     "LEA Ellwangen"),
    ("kreis_sigmaringen_ea_2020", "2020-01-15", "kreis", "08437", "ea_site", "level", 430,
     "persons", 3.0, "factor", 0.0, "welt.de 2020-01 (dpa/lsw, Innenministerium)", "sourced",
     ""),
    ("kreis_tuebingen_ea_2020", "2020-01-15", "kreis", "08416", "ea_site", "level", 160,
     "persons", 3.0, "factor", 0.0, "welt.de 2020-01 (dpa/lsw, Innenministerium)", "sourced",
     ""),
    ("kreis_freiburg_ea_2020", "2020-01-15", "kreis", "08311", "ea_site", "level", 190,
     "persons", 3.0, "factor", 0.0, "welt.de 2020-01 (dpa/lsw, Innenministerium)", "sourced",
     ""),
    ("kreis_heidelberg_ea_2021", "2021-01-15", "kreis", "08221", "ea_site", "level", 800,
     "persons", 3.0, "factor", 0.0, "diegemeinde.de 'Erneut weniger Asylsuchende' (2021)",
     "sourced", "≈ 800 of ≈ 2,000 in Erstaufnahme"),
    ("gemeinde_heidelberg_au_2017", "2017-09-15", "gemeinde", "08221000", "au", "level", 80,
     "persons", 2.0, "factor", 1.0,
     "theresia-bauer.de PM 'Integrationsmanager können starten' (EVIDENCE.md §3)", "sourced",
     "persons counted in AU for the IM frame (§ 29d FAG survey)"),
    ("kreis_rastatt_au_2017", "2017-09-15", "kreis", "08216", "au", "level", 2000, "persons",
     1.5, "factor", 0.5, "badisches-tagblatt.de 2017-10 (EVIDENCE.md §3)", "sourced",
     "≈ 2,000 counted in AU, 17 FTE"),
    ("kreis_sigmaringen_ea_2017", "2017-12-15", "kreis", "08437", "ea_site", "level", 595,
     "persons", 3.0, "factor", 0.0, "schwaebische.de 2017 (EVIDENCE.md §3)", "uncertain",
     "persons in the LEA Sigmaringen"),
    ("kreis_sigmaringen_vu_2017", "2017-12-15", "kreis", "08437", "vu", "level", 253,
     "persons", 2.5, "factor", 0.5, "schwaebische.de 2017 (EVIDENCE.md §3)", "uncertain", ""),
    ("kreis_sigmaringen_au_2017", "2017-12-15", "kreis", "08437", "au", "level", 552,
     "persons", 2.5, "factor", 0.5, "schwaebische.de 2017 (EVIDENCE.md §3)", "uncertain",
     "over 24 Gemeinden"),
    ("kreis_heidenheim_vu_2016", "2016-04-15", "kreis", "08135", "vu", "level", 1632,
     "persons", 2.0, "factor", 0.5, "landkreis-heidenheim.de; swp.de (EVIDENCE.md §3)",
     "sourced", ""),
    ("kreis_heidenheim_vu_2018", "2018-01-15", "kreis", "08135", "vu", "level", 384, "persons",
     2.0, "factor", 0.5, "landkreis-heidenheim.de; swp.de (EVIDENCE.md §3)", "sourced", ""),
    ("kreis_heidenheim_zuweisung_2017", "2017-12-31", "kreis", "08135", "zuweisungen_jahr",
     "level", 216, "persons", 2.0, "factor", 0.5,
     "landkreis-heidenheim.de; swp.de (EVIDENCE.md §3)", "sourced",
     "assignments out of Erstaufnahme in 2017"),
    ("kreis_stuttgart_zuweisungsanteil_2015", "2015-12-31", "kreis", "08111",
     "zuweisungsanteil_jahr", "level", 0.0621, "share", 0.10, "rel", 1.0,
     "Stuttgart GRDrs (EVIDENCE.md §3)", "sourced",
     "Stuttgart's share of refugees assigned to BW; population share 5.73 % (2019)"),
    ("kreis_stuttgart_zuweisungsanteil_2017", "2017-12-31", "kreis", "08111",
     "zuweisungsanteil_jahr", "level", 0.0647, "share", 0.10, "rel", 1.0,
     "Stuttgart GRDrs (EVIDENCE.md §3)", "sourced", ""),
    ("kreis_stuttgart_zuweisungsanteil_2024", "2024-12-31", "kreis", "08111",
     "zuweisungsanteil_jahr", "level", 0.06744, "share", 0.10, "rel", 1.0,
     "murrhardter-zeitung (EVIDENCE.md §3)", "sourced", ""),
    ("kreis_heidelberg_zuweisungsanteil_2014", "2014-12-31", "kreis", "08221",
     "zuweisungsanteil_jahr", "level", 407 / 25700, "share", 0.35, "rel", 0.5,
     "mrn-news 2015 (EVIDENCE.md §3)", "derived", "407 of 25,700 (vU, 2014)"),
    ("kreis_ostalb_zuweisungsanteil_2026", "2026-12-31", "kreis", "08136",
     "zuweisungsanteil_jahr", "level", 0.0317, "share", 0.15, "rel", 0.0,
     "nachrichtenag (EVIDENCE.md §3)", "uncertain",
     "quota from 01.01.2026 (Ellwangen closed) vs population share 2.83 %"),
    ("kreis_stuttgart_unterbringung_2016", "2016-06-30", "kreis", "08111", "vu_au", "level",
     8558, "persons", 0.5, "rel", 0.5, "Stuttgart GRDrs 910/2017 (EVIDENCE.md §3)", "sourced",
     "refugees in municipal accommodation (vU + AU), mid-2016 peak"),
    ("kreis_stuttgart_unterbringung_2017", "2017-06-30", "kreis", "08111", "vu_au", "level",
     7797, "persons", 0.5, "rel", 0.5, "Stuttgart GRDrs 910/2017 (EVIDENCE.md §3)", "sourced",
     ""),
    ("kreis_stuttgart_unterbringung_2019", "2019-06-30", "kreis", "08111", "vu_au", "level",
     6251, "persons", 0.5, "rel", 0.5, "Stuttgart GRDrs 987/2019 (EVIDENCE.md §3)", "sourced",
     ""),
    ("kreis_stuttgart_unterbringung_2021", "2021-12-31", "kreis", "08111", "vu_au", "level",
     4242, "persons", 0.6, "rel", 0.0, "Stuttgart GRDrs (EVIDENCE.md §3)", "uncertain", ""),
    ("kreis_stuttgart_unterbringung_2022", "2022-12-31", "kreis", "08111", "vu_au", "level",
     8365, "persons", 0.6, "rel", 0.0, "Stuttgart GRDrs (EVIDENCE.md §3)", "uncertain",
     "incl. Ukrainians in municipal accommodation"),
    ("kreis_stuttgart_unterbringung_2023", "2023-12-31", "kreis", "08111", "vu_au", "level",
     9960, "persons", 0.6, "rel", 0.0, "Stuttgart GRDrs (EVIDENCE.md §3)", "uncertain", ""),
    # Baden-Baden: refugees in municipal accommodation (Stadtkreis: vU + AU); shown, not
    # fitted (weight 0): "städtische Unterkünfte" may not match vU + AU exactly
    ("kreis_baden_baden_unterbringung_2019", "2019-05-31", "kreis", "08211", "vu_au", "level",
     836, "persons", 2.5, "factor", 0.0,
     "bnn.de 2020-07 'Flüchtlingen in Baden-Baden: Unterkünfte sind immer noch ausgelastet'",
     "uncertain", "refugees in municipal accommodation in 2019 (peak 887 in 2016); reference "
                  "day assumed 31 May as in the city's yearly report"),
    ("kreis_baden_baden_unterbringung_2020", "2020-05-31", "kreis", "08211", "vu_au", "level",
     834, "persons", 2.5, "factor", 0.0,
     "bnn.de 2020-07 'Flüchtlingen in Baden-Baden: Unterkünfte sind immer noch ausgelastet'",
     "sourced", "834 refugees in Gemeinschaftsunterkünften or municipal flats on 31 May 2020"),
    ("kreis_baden_baden_unterbringung_2021", "2021-08-31", "kreis", "08211", "vu_au", "level",
     800, "persons", 2.5, "factor", 0.0,
     "bnn.de 2021-10 'Zahl der Flüchtlinge in Baden-Baden gesunken'", "sourced",
     "about 800 in municipal accommodation on 31 Aug 2021, 731 of them in Anschlussunterbringung"),
    # IM money 2025: compared by the 2025 Kreis key (paktsim.allocation, helper h10rules)
    ("kreis_zollernalb_im_2025", "2025-01-01", "kreis", "08417", "im_eur_jahr", "level", 793000,
     "EUR", 1.5, "factor", 0.0, "bogner-unden.de (EVIDENCE.md §3)", "sourced", ""),
    ("kreis_breisgau_im_2025", "2025-01-01", "kreis", "08315", "im_eur_jahr", "level", 1679920,
     "EUR", 1.5, "factor", 0.0, "gruene-breisgau-hochschwarzwald.de (EVIDENCE.md §3)",
     "sourced", ""),
    ("kreis_rhein_neckar_im_2025", "2025-01-01", "kreis", "08226", "im_eur_jahr", "level",
     1810740, "EUR", 1.5, "factor", 0.0, "andrebaumann.de 2024 (EVIDENCE.md §3)", "sourced", ""),
    ("kreis_reutlingen_im_2025", "2025-01-01", "kreis", "08415", "im_eur_jahr", "level", 1660000,
     "EUR", 1.5, "factor", 0.0, "neckaralblive.de (EVIDENCE.md §3)", "uncertain", "≈ 1.66 Mio €"),
    ("kreis_loerrach_im_2025", "2025-01-01", "kreis", "08336", "im_eur_jahr", "level", 1400000,
     "EUR", 1.5, "factor", 0.0, "verlagshaus-jaumann.de (EVIDENCE.md §3)", "uncertain",
     "≈ 1.4 Mio €"),
    ("kreis_emmendingen_im_2025", "2025-01-01", "kreis", "08316", "im_eur_jahr", "level",
     1000000, "EUR", 1.5, "factor", 0.0, "badische-zeitung.de (EVIDENCE.md §3)", "sourced",
     "> 1.0 Mio € (lower bound)"),
]


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"check failed: {message}", file=sys.stderr)
        raise SystemExit(2)


def _destatis_kreise(path: Path, column: str, date: str) -> tuple[pd.Series, int]:
    df = pd.read_csv(path, sep=";", dtype=str, encoding="latin-1", keep_default_na=False)
    check(column in df.columns, f"{path.name}: column {column} missing")
    check((df.iloc[:, 0] == date).all(), f"{path.name}: reference date not {date}")
    land = int(df.loc[df.Kreis == "8", column].iloc[0])
    kreise = df[df.Kreis.str.len() == 4]
    values = pd.to_numeric(kreise[column], errors="coerce")
    check(values.notna().all() and len(values) == 44, f"{path.name}: 44 numeric Kreis values")
    s = pd.Series(values.astype("int64").to_numpy(), index=kreise.Kreis.str.zfill(5).to_numpy())
    check(int(s.sum()) == land, f"{path.name}: Kreis sum {int(s.sum())} != Land {land}")
    return s.sort_index(), land


def _inkar(path: Path, col: str = "Anteil Schutzsuchender an Bevölkerung") -> pd.Series:
    df = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", skiprows=[1])
    check(col in df.columns, f"{path.name}: column {col!r} missing")
    df = df[df["Kennziffer"].str.startswith("08")]
    values = pd.to_numeric(df[col].str.replace(",", ".", regex=False), errors="coerce")
    check(values.notna().all() and len(values) == 44, f"{path.name}: 44 numeric values")
    return pd.Series(values.to_numpy() / 100.0, index=df["Kennziffer"].to_numpy()).sort_index()


def evidence(raw: Path) -> pd.DataFrame:
    rows = [dict(zip(EVIDENCE_COLUMNS, r)) for r in CURATED]
    schutz, _ = _destatis_kreise(raw / F_SCHUTZ, "schutzsuchende", "31.12.2018")
    for ags, v in schutz.items():
        rows.append(dict(zip(EVIDENCE_COLUMNS, (
            f"register_2018_{ags}", "2018-12-31", "kreis", ags, "schutzsuchende", "share",
            int(v), "persons", 0.7, "rel", REGISTER_WEIGHT,
            "Destatis 12531 Schutzsuchende, Kreise 31.12.2018 (SOURCES.md; bundled as "
            "schutzsuchende_2018)", "sourced",
            "compared as the Kreis's share of the 44 Kreise; tolerance per Kreis 70 % (a guard), "
            "the target is on the worst tenth (< 25 %, tests/test_evidence.py); the fit weight "
            "equals that of a ±25 % band"))))
    asyl, _ = _destatis_kreise(raw / F_ASYLBLG, "empfaenger_asylbewerber", "31.12.2019")
    for ags, v in asyl.items():
        rows.append(dict(zip(EVIDENCE_COLUMNS, (
            f"asylblg_2019_{ags}", "2019-12-31", "kreis", ags, "asylblg_empfaenger", "share",
            int(v), "persons", 2.5, "factor", ASYLBLG_WEIGHT,
            "Destatis 22221 AsylbLG Regelleistungen, Kreise 31.12.2019 (SOURCES.md 3b; total "
            "column only)", "sourced",
            "share of the 44 Kreise; model proxy Erstaufnahme on site + vU + asylum seekers "
            "in AU (legal status not modelled)"))))
    inkar = _inkar(raw / F_INKAR)
    for ags, v in inkar.items():
        rows.append(dict(zip(EVIDENCE_COLUMNS, (
            f"inkar_2017_{ags}", "2017-12-31", "kreis", ags, "schutzsuchende_anteil_bev",
            "level", round(float(v), 4), "share", 2.5, "factor", 0.0,
            "BBSR INKAR 2017, Anteil Schutzsuchender an Bevölkerung (SOURCES.md 3c; licence "
            "to verify)", "uncertain",
            "protection seekers per inhabitant, rounded to 0.1 %; shown, not fitted"))))
    frame = pd.DataFrame(rows, columns=list(EVIDENCE_COLUMNS))
    check(frame["id"].is_unique, "evidence ids must be unique")
    return frame.sort_values(["level", "date", "id"], kind="stable").reset_index(drop=True)


def sites() -> pd.DataFrame:
    frame = pd.DataFrame([dict(zip(SITE_COLUMNS, s)) for s in SITES], columns=list(SITE_COLUMNS))
    check(frame["site"].is_unique, "site ids must be unique")
    check(frame["ags"].str.match(r"^08\d{6}$").all(), "site AGS must be 8 digits")
    check((frame["ags"].str[:5] == frame["kreis_ags"]).all(), "site Kreis must match its AGS")
    return frame.sort_values("site").reset_index(drop=True)


def _write(frame: pd.DataFrame, target: Path) -> None:
    text = frame.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)


def build(raw: Path, out: Path) -> list[str]:
    from paktsim import regions

    ev = evidence(raw)
    st = sites()
    gem = regions.municipalities(2023)
    kreise = set(regions.kreise(2023).index)
    check(set(st["ags"]) <= set(gem.index), "site AGS unknown")
    places = ev[ev["level"] != "land"]
    check(set(places.loc[places.level == "kreis", "ags"]) <= kreise, "evidence Kreis unknown")
    check(set(places.loc[places.level == "gemeinde", "ags"]) <= set(gem.index),
          "evidence Gemeinde unknown")
    foreign = _inkar(raw / F_INKAR, "Ausländeranteil").rename("auslaenderanteil_2017")
    check(bool(((foreign > 0) & (foreign < 1)).all()), "Ausländeranteil outside (0, 1)")
    indicators = foreign.rename_axis("ags").reset_index()
    indicators["source"] = "BBSR INKAR 2017, Ausländeranteil (SOURCES.md 3c)"
    _write(indicators, out / "kreise_indikatoren.csv")
    _write(st, out / "erstaufnahme.csv")
    _write(ev, out / "evidence.csv")
    return ["erstaufnahme.csv", "evidence.csv", "kreise_indikatoren.csv"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path)
    parser.add_argument("--out", type=Path, default=Path("paktsim/data"))
    args = parser.parse_args(argv)
    written = build(args.raw, args.out)
    print("written:", ", ".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
