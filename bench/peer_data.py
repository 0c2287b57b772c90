#!/usr/bin/env python3
"""The peers' data as a capgraph fixture set, so that capgraph and the Node.js peers answer the
whole-graph query over the SAME records (bench/README.md, "Peer comparison").

    bench/peer_data.py --hvps /work/shared/peers/data/hvps.json --out /tmp/peer-data

writes
  OUT/fixtures/   a capgraph fixture set (the eight files of fixtures/, same JSON shapes) holding
                  exactly the peers' records: the 29 projects, their capability areas, the nations
                  and organisations taking part, with the codes the peers compute
                  (shared/peers/common/store.mjs): project code = slug(acronym || name), nation
                  code = ISO 3166-1 alpha-3 from the peers' name table, organisation code = name
                  upper-cased with every run of non-alphanumerics as "-", area code = slug(name),
                  role PARTNER where the peer data flags `partner`, else PARTICIPANT, and nation
                  membership PARTNER where any of its participations is flagged `partner`;
  OUT/hvps.json   a copy of the peers' data with the projects in project-code order, so that the
                  peers' document order (their `Nation.projects`) is capgraph's order (capgraph
                  lists a nation's projects in project-code order).

Every generated record is marked as capgraph-scale marks its synthetic ones: its `note` says
`benchmark record derived from the peers' hvps.json` and its one citation quotes that sentence from
the source `peers-hvps` (publisher `bench/peer_data.py`), whose text `texts/peers-hvps.txt` is
written with the set and says that it is benchmark data derived from the peers' hvps.json, not a
real document. `capgraph --fixtures OUT/fixtures check` passes on the output.

Only the Python standard library. Importable: `convert(hvps_path, out_dir)` returns a summary.
"""

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

# The peers' table (common/store.mjs ISO3), with the well-known ISO 3166-1 alpha-2 code, NATO
# accession year and EU membership of each (the fixture rules allow these without a quote).
NATIONS = {
    "Albania": ("ALB", "AL", 2009, False),
    "Australia": ("AUS", "AU", None, False),
    "Austria": ("AUT", "AT", None, True),
    "Belgium": ("BEL", "BE", 1949, True),
    "Bulgaria": ("BGR", "BG", 2004, True),
    "Canada": ("CAN", "CA", 1949, False),
    "Croatia": ("HRV", "HR", 2009, True),
    "Czechia": ("CZE", "CZ", 1999, True),
    "Denmark": ("DNK", "DK", 1949, True),
    "Estonia": ("EST", "EE", 2004, True),
    "Finland": ("FIN", "FI", 2023, True),
    "France": ("FRA", "FR", 1949, True),
    "Germany": ("DEU", "DE", 1955, True),
    "Greece": ("GRC", "GR", 1952, True),
    "Hungary": ("HUN", "HU", 1999, True),
    "Iceland": ("ISL", "IS", 1949, False),
    "Italy": ("ITA", "IT", 1949, True),
    "Latvia": ("LVA", "LV", 2004, True),
    "Lithuania": ("LTU", "LT", 2004, True),
    "Luxembourg": ("LUX", "LU", 1949, True),
    "Montenegro": ("MNE", "ME", 2017, False),
    "Netherlands": ("NLD", "NL", 1949, True),
    "North Macedonia": ("MKD", "MK", 2020, False),
    "Norway": ("NOR", "NO", 1949, False),
    "Poland": ("POL", "PL", 1999, True),
    "Portugal": ("PRT", "PT", 1949, True),
    "Romania": ("ROU", "RO", 2004, True),
    "Slovakia": ("SVK", "SK", 2004, True),
    "Slovenia": ("SVN", "SI", 2004, True),
    "Spain": ("ESP", "ES", 1982, True),
    "Sweden": ("SWE", "SE", 2024, True),
    "Türkiye": ("TUR", "TR", 1952, False),
    "United Kingdom": ("GBR", "GB", 1949, False),
    "United States": ("USA", "US", 1949, False),
}

# The peers' full names for organisation acronyms (common/store.mjs ORGANISATION_NAMES), and the
# kind of each known one; any other organisation keeps its name and gets a generic kind.
ORGANISATION_NAMES = {"NSPA": "NATO Support and Procurement Agency"}
ORGANISATION_KINDS = {"NSPA": "NATO_AGENCY"}

MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"], 1)}

SOURCE = "peers-hvps"
TEXT_FILE = "peers-hvps.txt"
MARK = "benchmark record derived from the peers' hvps.json"


def slug(s):
    """common/store.mjs slug: lower-case, every run of anything but a-z0-9 as "-", trimmed."""
    return re.sub(r"^-+|-+$", "", re.sub(r"[^a-z0-9]+", "-", s.lower()))


def organisation_code(name):
    """common/store.mjs: the name upper-cased, every run of anything but A-Z0-9 as "-"."""
    return re.sub(r"[^A-Z0-9]+", "-", name.upper())


def partial_date(text):
    """"February 2017" -> "2017-02", "2014" -> "2014"; None for anything else."""
    if not text:
        return None
    m = re.fullmatch(r"(?:([A-Z][a-z]+) )?(\d{4})", text.strip())
    if not m or (m.group(1) and m.group(1) not in MONTHS):
        return None
    return f"{m.group(2)}-{MONTHS[m.group(1)]:02d}" if m.group(1) else m.group(2)


class BadData(ValueError):
    pass


def convert(hvps_path, out_dir):
    hvps_path, out_dir = Path(hvps_path), Path(out_dir)
    raw = hvps_path.read_bytes()
    data = json.loads(raw)
    digest = hashlib.sha256(raw).hexdigest()
    cite = [{"source": SOURCE, "quote": MARK}]
    problems = []

    areas = {}
    for name in data["areas"]:
        areas[slug(name)] = {
            "code": slug(name), "name": name,
            "description": f"Capability area \"{name}\" of the peers' benchmark data (hvps.json).",
            "note": MARK, "sources": cite,
        }

    projects, nations, organisations, order = {}, {}, {}, []
    for i, p in enumerate(data["projects"]):
        code = slug(p.get("acronym") or p["name"])
        where = f"{hvps_path}: projects[{i}] {code!r}"
        if slug(p["area"]) not in areas:
            problems.append(f"{where}: area {p['area']!r} is not in \"areas\"")
        if code in projects:
            problems.append(f"{where}: duplicate project code")
        participants, seen = [], set()
        for x in p["participants"]:
            if x.get("organisation"):
                ref = organisation_code(x["name"])
                organisations.setdefault(ref, {
                    "code": ref, "name": ORGANISATION_NAMES.get(x["name"], x["name"]),
                    "acronym": x["name"] if x["name"] in ORGANISATION_NAMES else None,
                    "kind": ORGANISATION_KINDS.get(ref, "INTERNATIONAL_ORGANISATION"),
                    "note": MARK if ref in ORGANISATION_KINDS else MARK + " (its kind is not in the data)",
                    "sources": cite,
                })
            else:
                if x["name"] not in NATIONS:
                    problems.append(f"{where}: participant {x['name']!r} has no ISO 3166-1 alpha-3 code")
                    continue
                ref = NATIONS[x["name"]][0]
                nation = nations.setdefault(ref, {"name": x["name"], "partner": False})
                nation["partner"] = nation["partner"] or bool(x.get("partner"))
            if ref in seen:
                problems.append(f"{where}: participant {x['name']!r} is listed twice (capgraph refuses that)")
                continue
            seen.add(ref)
            participants.append({"participant": ref, "role": "PARTNER" if x.get("partner") else "PARTICIPANT"})
        record = {
            "code": code, "name": p["name"], "acronym": p.get("acronym"), "kind": "HIGH_VISIBILITY_PROJECT",
            "area": slug(p["area"]), "purpose": p["purpose"], "status": p["status"],
            "statusNote": p.get("statusText"), "launched": partial_date(p.get("launched")),
            "participants": participants, "note": MARK, "sources": cite,
        }
        projects[code] = record
        order.append((code, p))
    if problems:
        raise BadData("the peers' data does not convert:\n  " + "\n  ".join(problems))
    clash = set(nations) & set(organisations)
    if clash:
        raise BadData(f"codes both a nation and an organisation: {sorted(clash)}")

    nation_records = []
    for code, n in sorted(nations.items(), key=lambda kv: kv[1]["name"]):
        _, alpha2, accession, eu = NATIONS[n["name"]]
        membership = "PARTNER" if n["partner"] else "ALLY"
        record = {"code": code, "alpha2": alpha2, "name": n["name"], "aliases": [], "membership": membership}
        if membership == "ALLY":
            if accession is None:
                raise BadData(f"{n['name']} is an ally in the peers' data but has no accession year in the table")
            record["natoAccession"] = accession
        record.update({"euMember": eu, "note": MARK, "sources": cite})
        nation_records.append(record)

    fixtures = out_dir / "fixtures"
    (fixtures / "texts").mkdir(parents=True, exist_ok=True)
    sources = [{
        "code": SOURCE,
        "title": "Benchmark data derived from the peers' hvps.json (bench/peer_data.py)",
        "publisher": "bench/peer_data.py",
        "file": TEXT_FILE,
        "note": ("Not a real document. Generated by bench/peer_data.py from the Node.js peers' data "
                 f"(hvps.json, sha256 {digest}); every record citing it is benchmark data."),
    }]
    files = {
        "sources.json": sources,
        "capability_areas.json": list(areas.values()),
        "nations.json": nation_records,
        "organisations.json": sorted(organisations.values(), key=lambda o: o["code"]),
        "projects.json": [projects[c] for c in sorted(projects)],
        "strategies.json": [],
        "objectives.json": [],
        "contracts.json": [],
    }
    for name, records in files.items():
        records = [{k: v for k, v in r.items() if v is not None} for r in records]
        (fixtures / name).write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (fixtures / "texts" / TEXT_FILE).write_text(
        "Benchmark data: not a real document.\n\n"
        "This text was generated by capgraph's bench/peer_data.py together with the fixture set beside it. "
        "That fixture set is benchmark data derived from the peers' hvps.json, the data the Node.js peer "
        f"servers of shared/peers serve (sha256 {digest}): the same projects, capability areas, nations, "
        "organisations and participations, with the codes the peers compute, so that capgraph and the peers "
        "answer the same query over the same records. It states no fact beyond that data. Every record in "
        "the set carries this note and cites it:\n\n"
        f"{MARK}\n", encoding="utf-8")
    (fixtures / "README.md").write_text(
        "# Benchmark fixtures derived from the peers' hvps.json\n\n"
        f"Written by `bench/peer_data.py` from `{hvps_path}` (sha256 `{digest}`); not real fixtures.\n"
        f"Every record's note says `{MARK}` and cites the source `{SOURCE}` (`texts/{TEXT_FILE}`).\n"
        "The bench harness serves it to compare capgraph with the Node.js peers over the same data.\n",
        encoding="utf-8")

    # The peers' data with the projects in capgraph's (project-code) order.
    reordered = dict(data)
    reordered["projects"] = [p for _, p in sorted(order, key=lambda cp: cp[0])]
    (out_dir / "hvps.json").write_text(json.dumps(reordered, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    return {
        "hvps": str(hvps_path), "hvps_sha256": digest, "fixtures": str(fixtures), "hvps_reordered": str(out_dir / "hvps.json"),
        "projects": len(projects), "nations": len(nation_records), "organisations": len(organisations), "areas": len(areas),
        "participations": sum(len(p["participants"]) for p in projects.values()),
        "partner_nations": sorted(c for c, n in nations.items() if n["partner"]),
    }


def main():
    parser = argparse.ArgumentParser(description="the peers' hvps.json as a capgraph fixture set (bench/README.md)")
    parser.add_argument("--hvps", required=True, help="the peers' data (shared/peers/data/hvps.json)")
    parser.add_argument("--out", required=True, help="directory to write fixtures/ and hvps.json into")
    args = parser.parse_args()
    try:
        summary = convert(args.hvps, args.out)
    except (BadData, OSError, ValueError, KeyError) as err:
        print(f"peer_data: error: {err}", file=sys.stderr)
        raise SystemExit(1)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
