"""Build data/gazetteers/core/resolutions.csv (GENERATED from the list below).

UN Security Council resolutions that Middle East news cites, with id unsc:<number>, label RES,
type unsc_resolution. Arabic forms follow the usual news phrasings (القرار 1701, القرار رقم 1701,
قرار مجلس الأمن رقم 1701, القرار الأممي 1701 ...). Year and subject come from the resolution
itself (public UN documents). No Wikidata QIDs: no source pairing them was found.

    python scripts/kb/build_resolutions.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kbcommon import CORE, write_rows  # noqa: E402

# number: (year, English subject, country code or "")
RESOLUTIONS = {
    242: (1967, "withdrawal from territories occupied in the 1967 war; land for peace", "IL"),
    338: (1973, "ceasefire in the 1973 Arab–Israeli war; negotiations under 242", "IL"),
    425: (1978, "Israeli withdrawal from Lebanon; establishes UNIFIL", "LB"),
    426: (1978, "implementation of 425; UNIFIL", "LB"),
    446: (1979, "Israeli settlements in the occupied territories", "PS"),
    478: (1980, "Israel's Jerusalem Law declared null and void", "PS"),
    497: (1981, "Israel's annexation of the Golan Heights declared null and void", "SY"),
    508: (1982, "cessation of hostilities in Lebanon", "LB"),
    509: (1982, "Israeli withdrawal from Lebanon", "LB"),
    598: (1987, "ceasefire in the Iran–Iraq war", "IR"),
    660: (1990, "condemns the Iraqi invasion of Kuwait", "KW"),
    661: (1990, "sanctions on Iraq", "IQ"),
    678: (1990, "authorises force to expel Iraq from Kuwait", "KW"),
    686: (1991, "terms after the Gulf War", "IQ"),
    687: (1991, "Gulf War ceasefire terms; disarmament of Iraq", "IQ"),
    688: (1991, "repression of Iraqi civilians, Kurds", "IQ"),
    986: (1995, "oil-for-food programme", "IQ"),
    1284: (1999, "UNMOVIC weapons inspections in Iraq", "IQ"),
    1325: (2000, "women, peace and security", ""),
    1373: (2001, "counter-terrorism obligations after 11 September", ""),
    1397: (2002, "two-state vision for Israel and Palestine", "PS"),
    1441: (2002, "final opportunity for Iraq to disarm", "IQ"),
    1483: (2003, "post-war Iraq; lifts sanctions", "IQ"),
    1515: (2003, "endorses the Quartet roadmap", "PS"),
    1546: (2004, "transfer of sovereignty to the Iraqi Interim Government", "IQ"),
    1559: (2004, "withdrawal of foreign forces from Lebanon; disarmament of militias", "LB"),
    1595: (2005, "international investigation into the assassination of Rafic Hariri", "LB"),
    1680: (2006, "Lebanon–Syria border delineation and diplomatic relations", "LB"),
    1701: (2006, "end of the 2006 Lebanon war; expanded UNIFIL; south of the Litani", "LB"),
    1737: (2006, "sanctions on Iran's nuclear programme", "IR"),
    1757: (2007, "establishes the Special Tribunal for Lebanon", "LB"),
    1860: (2009, "ceasefire in Gaza", "PS"),
    1929: (2010, "further sanctions on Iran", "IR"),
    1970: (2011, "sanctions on Libya; ICC referral", "LY"),
    1973: (2011, "no-fly zone over Libya; protection of civilians", "LY"),
    2042: (2012, "UN observers in Syria", "SY"),
    2043: (2012, "establishes UNSMIS in Syria", "SY"),
    2118: (2013, "elimination of Syria's chemical weapons", "SY"),
    2139: (2014, "humanitarian access in Syria", "SY"),
    2165: (2014, "cross-border humanitarian aid into Syria", "SY"),
    2170: (2014, "ISIL and al-Nusra Front; foreign terrorist fighters", ""),
    2178: (2014, "foreign terrorist fighters", ""),
    2199: (2015, "financing of ISIL and al-Nusra", ""),
    2216: (2015, "arms embargo on the Houthis; Yemen", "YE"),
    2231: (2015, "endorses the Iran nuclear deal (JCPOA)", "IR"),
    2249: (2015, "calls to fight ISIL", ""),
    2254: (2015, "road map for a political settlement in Syria", "SY"),
    2259: (2015, "endorses the Libyan Political Agreement", "LY"),
    2334: (2016, "Israeli settlements in occupied Palestinian territory", "PS"),
    2336: (2016, "endorses the Russia–Turkey ceasefire in Syria", "SY"),
    2401: (2018, "30-day ceasefire in Syria (Eastern Ghouta)", "SY"),
    2451: (2018, "Stockholm Agreement; Hodeidah", "YE"),
    2452: (2019, "establishes UNMHA in Hodeidah", "YE"),
    2510: (2020, "endorses the Berlin Conference conclusions on Libya", "LY"),
    2533: (2020, "Bab al-Hawa cross-border aid into Syria", "SY"),
    2712: (2023, "humanitarian pauses in Gaza", "PS"),
    2720: (2023, "humanitarian aid to Gaza", "PS"),
    2728: (2024, "immediate ceasefire in Gaza during Ramadan", "PS"),
    2735: (2024, "Gaza ceasefire proposal", "PS"),
    2749: (2024, "renews UNIFIL mandate", "LB"),
}


def aliases(n: int) -> list[str]:
    return [f"القرار {n}", f"القرار رقم {n}", f"قرار مجلس الأمن رقم {n}", f"القرار الأممي {n}",
            f"القرار الأممي رقم {n}", f"قرار مجلس الأمن الدولي {n}", f"قرار مجلس الأمن الدولي رقم {n}",
            f"القرار الدولي {n}", f"القرار الدولي رقم {n}", f"قرار الأمم المتحدة {n}", f"قرار الأمم المتحدة رقم {n}",
            f"القرار {n} الصادر عن مجلس الأمن"]


def main() -> None:
    rows = []
    for n, (year, subject, cc) in sorted(RESOLUTIONS.items()):
        rows.append({
            "id": f"unsc:{n}", "label": "RES", "name_ar": f"قرار مجلس الأمن {n}",
            "name_en": f"United Nations Security Council Resolution {n}", "aliases": "|".join(aliases(n)),
            "country": cc, "type": "unsc_resolution", "match": "auto",
            "source": "curated list (scripts/kb/build_resolutions.py); year and subject from the resolution text (un.org)",
            "notes": f"{year}: {subject}",
        })
    write_rows(CORE / "resolutions.csv", rows)
    print(f"resolutions.csv: {len(rows)} rows")


if __name__ == "__main__":
    main()
