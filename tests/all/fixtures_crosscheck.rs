//! Cross-checks the JSON fixtures against the source texts they were built from.
//!
//! Reads `fixtures/*.json` and `fixtures/texts/*.txt` directly (serde_json + std only), so it does
//! not depend on the crate's own loader: a fixture that drifts from its source text fails here
//! even if the server would happily load it.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::PathBuf;

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// The NATO capability-cooperation page (the 29 HVPs).
const MCC: &str = "nato-mcc";
/// The Commercial Space Strategy.
const CSS: &str = "nato-css";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn load(name: &str) -> Vec<Value> {
    let path = fixtures_dir().join(format!("{name}.json"));
    let raw = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match serde_json::from_str::<Value>(&raw) {
        Ok(Value::Array(items)) => items,
        Ok(_) => panic!("{}: top level is not an array", path.display()),
        Err(e) => panic!("{}: invalid JSON: {e}", path.display()),
    }
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn code(v: &Value) -> &str {
    s(v, "code").unwrap_or("<no code>")
}

/// Every fixture file, without its `.json`.
const FIXTURE_FILES: [&str; 11] = [
    "sources",
    "capability_areas",
    "nations",
    "organisations",
    "projects",
    "strategies",
    "objectives",
    "contracts",
    "events",
    "people",
    "places",
];

/// Calls `visit(path, key, value)` for every field of every object anywhere inside `value`.
fn each_field(value: &Value, path: &str, visit: &mut dyn FnMut(&str, &str, &Value)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let p = format!("{path}.{key}");
                visit(&p, key, child);
                each_field(child, &p, visit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                each_field(child, &format!("{path}[{i}]"), visit);
            }
        }
        _ => {}
    }
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// Collapses every run of whitespace (including no-break spaces) to one space.
fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Raw source texts by source code, via the `file` field of sources.json.
fn raw_texts() -> BTreeMap<String, String> {
    load("sources")
        .iter()
        .map(|src| {
            let file = s(src, "file").unwrap_or_else(|| panic!("source {} has no file", code(src)));
            let path = fixtures_dir().join("texts").join(file);
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (code(src).to_string(), text)
        })
        .collect()
}

fn norm_texts() -> BTreeMap<String, String> {
    raw_texts().into_iter().map(|(k, v)| (k, norm(&v))).collect()
}

fn mcc_lines() -> Vec<String> {
    raw_texts()[MCC].lines().map(str::to_string).collect()
}

/// Every `{ "source": …, "quote": … }` object anywhere inside `v`, with a path for messages.
fn citations<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(map) => {
            if map.contains_key("source") && map.contains_key("quote") {
                out.push((path.clone(), v));
            }
            for (k, child) in map {
                citations(child, format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                citations(child, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn is_hvp(p: &Value) -> bool {
    s(p, "kind") == Some("HIGH_VISIBILITY_PROJECT")
}

/// The HVPs of the NATO page: those filed under one of its capability areas.
fn page_hvps() -> Vec<Value> {
    load("projects").into_iter().filter(|p| is_hvp(p) && s(p, "area").is_some()).collect()
}

/// The section heading of a project on the NATO page: "Name (ACRONYM)" or "Name".
fn heading(p: &Value) -> String {
    let name = s(p, "name").unwrap();
    match s(p, "acronym") {
        Some(a) if a != name => format!("{name} ({a})"),
        _ => name.to_string(),
    }
}

/// Nation names and aliases (case-insensitive) to codes.
fn nation_names() -> HashMap<String, String> {
    let mut names = HashMap::new();
    for n in load("nations") {
        let c = code(&n).to_string();
        names.insert(s(&n, "name").unwrap().to_lowercase(), c.clone());
        for a in list(&n, "aliases") {
            names.insert(a.as_str().unwrap().to_lowercase(), c.clone());
        }
    }
    names
}

/// Resolves one item of a "Participants:" line to a nation or organisation code.
fn resolve(item: &str, nations: &HashMap<String, String>, orgs: &[Value]) -> Option<String> {
    let item = item.trim();
    let item = item.strip_prefix("NATO partner ").unwrap_or(item);
    let item = item.strip_prefix("the ").unwrap_or(item);
    if let Some(c) = nations.get(&item.to_lowercase()) {
        return Some(c.clone());
    }
    for o in orgs {
        let name = s(o, "name").unwrap();
        let matches = |candidate: &str| {
            item == candidate || item.starts_with(&format!("{candidate} (")) || item.starts_with(&format!("{candidate} under "))
        };
        if matches(name) || s(o, "acronym").is_some_and(|a| item == a) {
            return Some(code(o).to_string());
        }
    }
    None
}

/// Splits a "Participants:" line into (code, expected role class) pairs. The role class is
/// "PARTNER" for "NATO partner X", "SUPPORTER" for "…, supported by X", "" otherwise.
fn parse_participants(line: &str) -> Vec<(String, &'static str)> {
    let nations = nation_names();
    let orgs = load("organisations");
    let line = norm(line);
    let list = line.strip_prefix("Participants:").expect("a Participants: line").trim();
    // The list ends at the first sentence break ("… (NSPA). With 26 participating countries, …").
    let list = list.split(". ").next().unwrap().trim_end_matches('.');
    let (list, supporters) = match list.split_once(", supported by ") {
        Some((a, b)) => (a, Some(b)),
        None => (list, None),
    };
    let mut out = Vec::new();
    for piece in list.split(", ") {
        let piece = piece.trim();
        let piece = piece.strip_prefix("and ").unwrap_or(piece);
        let class = |p: &str| {
            if p.trim().starts_with("NATO partner ") {
                "PARTNER"
            } else {
                ""
            }
        };
        if let Some(c) = resolve(piece, &nations, &orgs) {
            out.push((c, class(piece)));
            continue;
        }
        // "A and B": split at the " and " where both sides resolve (an organisation's name may
        // itself contain " and ", as in "NATO Support and Procurement Agency").
        let parts: Vec<&str> = piece.split(" and ").collect();
        let split = (1..parts.len()).find_map(|k| {
            let (a, b) = (parts[..k].join(" and "), parts[k..].join(" and "));
            match (resolve(&a, &nations, &orgs), resolve(&b, &nations, &orgs)) {
                (Some(x), Some(y)) => Some([(x, class(&a)), (y, class(&b))]),
                _ => None,
            }
        });
        match split {
            Some(pair) => out.extend(pair),
            None => panic!("cannot resolve participant {piece:?} of line {line:?}"),
        }
    }
    if let Some(sup) = supporters {
        let c = resolve(sup, &nations, &orgs).unwrap_or_else(|| panic!("cannot resolve supporter {sup:?} of line {line:?}"));
        out.push((c, "SUPPORTER"));
    }
    out
}

/// The index of a project's section heading on the NATO page (after the overview list, whose
/// items carry "1. " prefixes and therefore never equal a bare heading).
fn section_start(lines: &[String], heading: &str) -> Option<usize> {
    lines.iter().position(|l| l.trim() == heading)
}

/// The first line starting with `prefix` in the section that starts at `start`; a section ends
/// with its "Status:" line.
fn section_line(lines: &[String], start: usize, prefix: &str) -> Option<String> {
    let rest = &lines[start + 1..];
    let end = rest.iter().position(|l| l.starts_with("Status:")).map_or(rest.len(), |i| i + 1);
    rest[..end].iter().find(|l| l.starts_with(prefix)).cloned()
}

struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

/// A date, or each end of a range `START/END` (END later than START).
fn parse_date(text: &str) -> Result<Vec<PartialDate>, String> {
    let Some((start, end)) = text.split_once('/') else { return parse_single(text).map(|d| vec![d]) };
    let (start, end) = (parse_single(start)?, parse_single(end)?);
    let key = |d: &PartialDate| (d.year, d.month.unwrap_or(0), d.day.unwrap_or(0));
    if key(&end) <= key(&start) || end.year == start.year && (end.month.is_none() || start.month.is_none()) {
        return Err(format!("{text:?}: the end of a range must come after its start"));
    }
    Ok(vec![start, end])
}

fn parse_single(text: &str) -> Result<PartialDate, String> {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    let ok_shape = match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    };
    if !ok_shape {
        return Err(format!("{text:?} is not YYYY, YYYY-MM or YYYY-MM-DD"));
    }
    let year: i32 = parts[0].parse().unwrap();
    let month: Option<u32> = parts.get(1).map(|m| m.parse().unwrap());
    let day: Option<u32> = parts.get(2).map(|d| d.parse().unwrap());
    if let Some(m) = month {
        if !(1..=12).contains(&m) {
            return Err(format!("{text:?} has no month {m}"));
        }
        if let Some(d) = day {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            if d < 1 || d > days[m as usize - 1] {
                return Err(format!("{text:?} has no day {d}"));
            }
        }
    }
    Ok(PartialDate { year, month, day })
}

/// Does `text` contain `word` not followed or preceded by another letter?
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphabetic) && !after.is_some_and(char::is_alphabetic)
    })
}

/// The words of `text` say the date at least as precisely as `date` does: a month needs its
/// name, a day needs "11 December" (or "December 11").
fn words_support(date: &PartialDate, text: &str) -> bool {
    let Some(m) = date.month else { return true };
    let month = MONTHS[m as usize - 1];
    if !contains_word(text, month) && !contains_word(text, &month[..3]) {
        return false;
    }
    match date.day {
        None => true,
        Some(d) => [format!("{d} {month}"), format!("{d:02} {month}"), format!("{month} {d}"), format!("{d:02} {}.", &month[..3])]
            .iter()
            .any(|f| contains_word(text, f)),
    }
}

fn quotes_of(v: &Value) -> String {
    list(v, "sources").iter().filter_map(|c| s(c, "quote")).collect::<Vec<_>>().join(" ")
}

fn codes_of(name: &str) -> BTreeSet<String> {
    load(name).iter().map(|v| code(v).to_string()).collect()
}

// ------------------------------------------------------------------------------------------------

#[test]
fn the_nato_page_lists_29_hvps_in_8_capability_areas() {
    let hvps = page_hvps();
    assert_eq!(hvps.len(), 29, "HVPs with a capability area");
    let used: BTreeSet<&str> = hvps.iter().map(|p| s(p, "area").unwrap()).collect();
    let areas = codes_of("capability_areas");
    assert_eq!(used.len(), 8, "capability areas used by HVPs: {used:?}");
    assert_eq!(used.iter().map(|a| a.to_string()).collect::<BTreeSet<_>>(), areas);

    // The page's own overview list ("  1. Name (ACRONYM)" under each area) has 29 items, and
    // each is one of the fixture HVPs.
    let lines = mcc_lines();
    let end = lines.iter().position(|l| l.starts_with("In addition, countries continue")).unwrap();
    let listed: Vec<String> = lines[..end]
        .iter()
        .filter_map(|l| {
            let t = l.trim();
            let (num, rest) = t.split_once(". ")?;
            num.parse::<u32>().ok().map(|_| rest.to_string())
        })
        .collect();
    assert_eq!(listed.len(), 29, "items of the page's overview list");
    let headings: BTreeSet<String> = hvps.iter().map(heading).collect();
    for item in &listed {
        assert!(headings.contains(item), "listed on the page but not in projects.json: {item}");
    }

    // Any further HVP (the raw-materials HVP of the later ISMR report) is not from the page.
    for p in load("projects").iter().filter(|p| is_hvp(p) && s(p, "area").is_none()) {
        assert!(list(p, "sources").iter().all(|c| s(c, "source") != Some(MCC)), "HVP {} has no area but cites the NATO page", code(p));
    }
}

#[test]
fn every_hvp_sits_in_the_capability_area_of_its_section() {
    let lines = mcc_lines();
    let areas: Vec<(String, String)> =
        load("capability_areas").iter().map(|a| (code(a).to_string(), s(a, "name").unwrap().to_string())).collect();
    for p in page_hvps() {
        let h = heading(&p);
        let start = section_start(&lines, &h).unwrap_or_else(|| panic!("no heading {h:?}"));
        let area_of_section =
            lines[..start].iter().rev().find_map(|l| areas.iter().find(|(_, name)| l.trim() == name)).map(|(c, _)| c.as_str());
        assert_eq!(area_of_section, s(&p, "area"), "area of {}", code(&p));
    }
}

#[test]
fn every_hvp_has_exactly_the_participants_of_the_source_text() {
    let lines = mcc_lines();
    let mut failures = Vec::new();
    for p in page_hvps() {
        let h = heading(&p);
        let start = section_start(&lines, &h).unwrap_or_else(|| panic!("no heading {h:?}"));
        let line = section_line(&lines, start, "Participants:").unwrap_or_else(|| panic!("no Participants: line after {h:?}"));
        let expected = parse_participants(&line);
        let expected_set: BTreeSet<&str> = expected.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(expected_set.len(), expected.len(), "{}: a name listed twice", code(&p));
        let actual: BTreeMap<&str, &str> = list(&p, "participants")
            .iter()
            .map(|pa| (s(pa, "participant").unwrap(), list(pa, "roles").first().and_then(Value::as_str).unwrap()))
            .collect();
        let actual_set: BTreeSet<&str> = actual.keys().copied().collect();
        if actual_set != expected_set {
            failures.push(format!(
                "{}: missing {:?}, extra {:?}",
                code(&p),
                expected_set.difference(&actual_set).collect::<Vec<_>>(),
                actual_set.difference(&expected_set).collect::<Vec<_>>()
            ));
            continue;
        }
        for (c, class) in &expected {
            let role = actual[c.as_str()];
            let ok = match *class {
                "PARTNER" => role == "PARTNER",
                "SUPPORTER" => role == "SUPPORTER",
                _ => matches!(role, "PARTICIPANT" | "LEAD" | "HOST"),
            };
            if !ok {
                failures.push(format!("{}: {c} has role {role}, text implies {class:?}", code(&p)));
            }
        }
    }
    assert!(failures.is_empty(), "participants differ from the NATO page:\n{}", failures.join("\n"));
}

#[test]
fn hvp_roles_follow_the_text() {
    let projects: HashMap<String, Value> = load("projects").into_iter().map(|p| (code(&p).to_string(), p)).collect();
    // Every role, joined: "PARTICIPANT+HOST".
    let role = |p: &str, who: &str| {
        list(&projects[p], "participants")
            .iter()
            .find(|pa| s(pa, "participant") == Some(who))
            .map(|pa| list(pa, "roles").iter().filter_map(Value::as_str).collect::<Vec<_>>().join("+"))
    };
    assert_eq!(role("r-socc", "HUN").as_deref(), Some("LEAD"), "R-SOCC is led by Hungary");
    assert_eq!(role("r-socc", "AUT").as_deref(), Some("PARTNER"));
    assert_eq!(role("lbdm", "AUT").as_deref(), Some("PARTNER"));
    assert_eq!(role("mus", "AUS").as_deref(), Some("PARTNER"));
    // One rule for HOST: the project's facility is stationed there, or the nation hosts its activity;
    // a host listed among the participants keeps that role first.
    let nato_page = &norm_texts()[MCC];
    assert!(nato_page.contains("Since September 2019, Portugal has hosted the annual exercise REPMUS"));
    assert!(nato_page.contains("This training facility, stationed in Zadar, Croatia"));
    assert_eq!(role("mus", "PRT").as_deref(), Some("PARTICIPANT+HOST"), "Portugal hosts MUS's annual exercise REPMUS");
    assert_eq!(role("msap", "HRV").as_deref(), Some("PARTICIPANT+HOST"), "MSAP is stationed in Zadar, Croatia");
    assert_eq!(role("mmf", "NSPA").as_deref(), Some("MANAGER"), "\"currently managed by NSPA\"");
    assert_eq!(role("mmf", "OCCAR").as_deref(), Some("SUPPORTER"), "\"supported initially by\" OCCAR");
    assert_eq!(role("mawi", "NSPA").as_deref(), Some("PARTICIPANT"));
    assert_eq!(role("cbrn-df", "DEU-CBRN-CLUSTER").as_deref(), Some("SUPPORTER"));
    assert_eq!(role("cbrn-df", "DEU"), None, "Germany supports CBRN-DF through its cluster only");
    let cluster = load("organisations").into_iter().find(|o| code(o) == "DEU-CBRN-CLUSTER").unwrap();
    assert_eq!(s(&cluster, "kind"), Some("NATIONAL_FRAMEWORK"));
    assert_eq!(s(&cluster, "leadNation"), Some("DEU"));
}

#[test]
fn mawi_has_26_nation_participants_plus_nspa() {
    let nations = codes_of("nations");
    let mawi = load("projects").into_iter().find(|p| code(p) == "mawi").expect("mawi");
    let (nat, org): (Vec<&str>, Vec<&str>) =
        list(&mawi, "participants").iter().map(|pa| s(pa, "participant").unwrap()).partition(|c| nations.contains(*c));
    assert_eq!(nat.len(), 26, "MAWI nations: {nat:?}");
    assert_eq!(org, vec!["NSPA"]);
    assert!(norm_texts()[MCC].contains("With 26 participating countries, MAWI is the largest"));
}

#[test]
fn lbdm_has_24_nation_participants_23_allies_and_austria() {
    let nations: HashMap<String, Value> = load("nations").into_iter().map(|n| (code(&n).to_string(), n)).collect();
    let lbdm = load("projects").into_iter().find(|p| code(p) == "lbdm").expect("lbdm");
    let codes: Vec<&str> = list(&lbdm, "participants").iter().map(|pa| s(pa, "participant").unwrap()).collect();
    assert_eq!(codes.len(), 24);
    assert!(codes.iter().all(|c| nations.contains_key(*c)), "only nations take part in LBDM");
    let allies = codes.iter().filter(|c| s(&nations[**c], "membership") == Some("ALLY")).count();
    assert_eq!(allies, 23);
    assert!(codes.contains(&"AUT"));
    assert!(norm_texts()[MCC].contains("It currently involves 24 countries"));
}

#[test]
fn every_quote_occurs_verbatim_in_its_source_text() {
    let texts = norm_texts();
    let mut failures = Vec::new();
    let mut count = 0;
    for file in FIXTURE_FILES {
        let records = Value::Array(load(file));
        let mut found = Vec::new();
        citations(&records, file.to_string(), &mut found);
        for (path, c) in found {
            count += 1;
            let src = s(c, "source").unwrap_or("");
            let quote = norm(s(c, "quote").unwrap_or(""));
            match texts.get(src) {
                None => failures.push(format!("{path}: unknown source {src:?}")),
                Some(_) if quote.is_empty() => failures.push(format!("{path}: empty quote")),
                Some(t) if !t.contains(&quote) => failures.push(format!("{path}: not in {src}: {quote:?}")),
                _ => {}
            }
        }
    }
    assert!(count > 100, "only {count} citations found");
    assert!(failures.is_empty(), "{} quote(s) not verbatim:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn copied_passages_occur_verbatim_in_the_cited_texts() {
    let texts = norm_texts();
    let mut failures = Vec::new();
    let mut check = |what: String, passage: Option<&str>, record: &Value| {
        let Some(passage) = passage else { return };
        let cited: Vec<&str> = list(record, "sources").iter().filter_map(|c| s(c, "source")).collect();
        if !cited.iter().any(|src| texts.get(*src).is_some_and(|t| t.contains(&norm(passage)))) {
            failures.push(format!("{what}: not verbatim in {cited:?}: {passage:?}"));
        }
    };
    for p in load("projects") {
        check(format!("project {} purpose", code(&p)), s(&p, "purpose"), &p);
        check(format!("project {} statusNote", code(&p)), s(&p, "statusNote"), &p);
    }
    for a in load("capability_areas") {
        check(format!("area {} description", code(&a)), s(&a, "description"), &a);
    }
    for st in load("strategies") {
        check(format!("strategy {} aim", code(&st)), s(&st, "aim"), &st);
    }
    for o in load("objectives") {
        check(format!("objective {} statement", code(&o)), s(&o, "statement"), &o);
        for (i, l) in list(&o, "linesOfEffort").iter().enumerate() {
            let joined = format!("{}: {}", s(l, "title").unwrap(), s(l, "text").unwrap());
            check(format!("objective {} line of effort {i}", code(&o)), Some(&joined), &o);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hvp_purpose_and_status_match_their_section_of_the_page() {
    let lines = mcc_lines();
    let status_word = |st: &str| match st {
        "ESTABLISHED_AND_DELIVERING" => "Established and delivering",
        "ESTABLISHED" => "Established",
        "BEING_ESTABLISHED" => "Being established",
        "COMPLETED" => "Completed",
        other => panic!("unknown status {other}"),
    };
    for p in page_hvps() {
        let h = heading(&p);
        let start = section_start(&lines, &h).unwrap();
        let purpose = norm(&section_line(&lines, start, "Purpose:").unwrap());
        assert_eq!(purpose, format!("Purpose: {}", s(&p, "purpose").unwrap()), "{}", code(&p));
        let status = norm(&section_line(&lines, start, "Status:").unwrap());
        let expected = format!("Status: {}. {}", status_word(s(&p, "status").unwrap()), s(&p, "statusNote").unwrap());
        assert_eq!(status, expected, "{}", code(&p));
    }
}

#[test]
fn every_nation_has_iso_codes_and_the_32_allies_are_there() {
    let nations = load("nations");
    let mut allies = 0;
    for n in &nations {
        let c = code(n);
        assert!(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()), "code {c:?}");
        let a2 = s(n, "alpha2").unwrap_or("");
        assert!(a2.len() == 2 && a2.bytes().all(|b| b.is_ascii_uppercase()), "{c}: alpha2 {a2:?}");
        assert!(n.get("euMember").is_some_and(Value::is_boolean), "{c}: euMember");
        let accession = n.get("natoAccession").and_then(Value::as_i64);
        match s(n, "membership") {
            Some("ALLY") => {
                allies += 1;
                assert!(accession.is_some_and(|y| (1949..=2100).contains(&y)), "{c}: accession");
            }
            Some("PARTNER" | "NON_MEMBER") => assert!(accession.is_none(), "{c}: only an Ally has an accession year"),
            other => panic!("{c}: membership {other:?}"),
        }
        let name = s(n, "name").unwrap();
        assert!(!name.starts_with("the ") && !name.starts_with("The "), "{c}: name {name:?}");
        if list(n, "sources").is_empty() {
            assert!(s(n, "note").unwrap_or("").contains("not named in the source texts"), "{c}: no quote and no note saying why");
        }
    }
    assert_eq!(allies, 32);
    let by_code: HashMap<&str, &Value> = nations.iter().map(|n| (code(n), n)).collect();
    for partner in ["AUT", "AUS", "UKR"] {
        assert_eq!(s(by_code[partner], "membership"), Some("PARTNER"), "{partner}");
    }
    assert_eq!(s(by_code["RUS"], "membership"), Some("NON_MEMBER"));
    for (c, year) in [("SWE", 2024), ("FIN", 2023), ("MKD", 2020), ("MNE", 2017), ("DEU", 1955)] {
        assert_eq!(by_code[c].get("natoAccession").and_then(Value::as_i64), Some(year), "{c}");
    }
    assert_eq!(s(by_code["TUR"], "name"), Some("Türkiye"));
    let names = nation_names();
    for (alias, c) in [("turkey", "TUR"), ("czech republic", "CZE"), ("uk", "GBR"), ("usa", "USA"), ("holland", "NLD")] {
        assert_eq!(names.get(alias).map(String::as_str), Some(c), "alias {alias}");
    }
}

#[test]
fn every_date_is_a_valid_partial_date() {
    let mut failures = Vec::new();
    for file in ["sources", "organisations", "projects", "strategies", "contracts", "events", "people"] {
        each_field(&Value::Array(load(file)), file, &mut |path, key, child| {
            if matches!(key, "published" | "endorsed" | "launched" | "signed" | "date") {
                if let Some(text) = child.as_str() {
                    if let Err(e) = parse_date(text) {
                        failures.push(format!("{path}: {e}"));
                    }
                } else if !child.is_null() {
                    failures.push(format!("{path}: not a string"));
                }
            }
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn launch_and_milestone_dates_are_no_more_precise_than_the_text() {
    let mut failures = Vec::new();
    for p in load("projects") {
        let milestones = list(&p, "milestones");
        if let Some(launched) = s(&p, "launched") {
            let date = parse_date(launched).unwrap().remove(0);
            let mut support = format!("{} {}", s(&p, "statusNote").unwrap_or(""), quotes_of(&p));
            for m in milestones.iter().filter(|m| s(m, "date") == Some(launched)) {
                support.push_str(&format!(" {} {}", s(m, "event").unwrap_or(""), quotes_of(m)));
            }
            if !support.contains(&date.year.to_string()) {
                failures.push(format!("{}: launch year {} not in its text", code(&p), date.year));
            }
            if !words_support(&date, &support) {
                failures.push(format!("{}: launched {launched} is more precise than its text", code(&p)));
            }
        }
        let mut previous: Option<&str> = None;
        for m in milestones {
            let d = s(m, "date").unwrap();
            let ends = parse_date(d).unwrap();
            let support = format!("{} {}", s(m, "event").unwrap_or(""), quotes_of(m));
            for date in &ends {
                if !words_support(date, &support) {
                    failures.push(format!("{}: milestone {d} is more precise than its text", code(&p)));
                }
                // Both ends of a range are the text's own ("the 2035-2040 timeframe").
                if ends.len() > 1 && !support.contains(&date.year.to_string()) {
                    failures.push(format!("{}: milestone {d}: {} is not in its text", code(&p), date.year));
                }
            }
            if previous.is_some_and(|prev| d < prev) {
                failures.push(format!("{}: milestones out of order at {d}", code(&p)));
            }
            previous = Some(d);
        }
    }
    // The NATO page's launch sentences, checked against the text itself.
    let hvps: HashMap<String, Value> = page_hvps().into_iter().map(|p| (code(&p).to_string(), p)).collect();
    for (c, expected) in [("abdm", "2014"), ("nfte", "2021"), ("c-socc", "2017-02"), ("msap", "")] {
        assert_eq!(s(&hvps[c], "launched").unwrap_or(""), expected, "{c}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_reference_resolves_and_codes_are_unique() {
    let files = FIXTURE_FILES;
    let mut codes: HashMap<&str, BTreeSet<String>> = HashMap::new();
    for f in files {
        let records = load(f);
        let set: BTreeSet<String> = records.iter().map(|r| code(r).to_string()).collect();
        assert_eq!(set.len(), records.len(), "{f}.json has duplicate codes");
        codes.insert(f, set);
    }
    let actors: BTreeSet<String> = codes["nations"].union(&codes["organisations"]).cloned().collect();
    assert_eq!(actors.len(), codes["nations"].len() + codes["organisations"].len(), "a code is both a nation and an organisation");
    let mut failures = Vec::new();
    let mut need = |what: String, value: Option<&str>, pool: &BTreeSet<String>| {
        if let Some(v) = value {
            if !pool.contains(v) {
                failures.push(format!("{what}: unknown {v:?}"));
            }
        }
    };
    for p in load("projects") {
        let c = code(&p);
        need(format!("project {c} area"), s(&p, "area"), &codes["capability_areas"]);
        for pa in list(&p, "participants") {
            need(format!("project {c} participant"), s(pa, "participant"), &actors);
        }
        for o in list(&p, "objectives") {
            need(format!("project {c} objective"), s(o, "objective"), &codes["objectives"]);
        }
        for st in list(&p, "strategies") {
            need(format!("project {c} strategy"), s(st, "strategy"), &codes["strategies"]);
        }
        for r in list(&p, "related") {
            need(format!("project {c} related"), s(r, "project"), &codes["projects"]);
        }
    }
    for o in load("objectives") {
        need(format!("objective {} strategy", code(&o)), s(&o, "strategy"), &codes["strategies"]);
    }
    for o in load("organisations") {
        let c = code(&o);
        need(format!("organisation {c} parent"), s(&o, "parent"), &codes["organisations"]);
        need(format!("organisation {c} leadNation"), s(&o, "leadNation"), &codes["nations"]);
        for pt in list(&o, "partnerships") {
            need(format!("organisation {c} partner"), s(pt, "partner"), &actors);
        }
    }
    for k in load("contracts") {
        let c = code(&k);
        need(format!("contract {c} buyer"), s(&k, "buyer"), &codes["organisations"]);
        need(format!("contract {c} supplier"), s(&k, "supplier"), &codes["organisations"]);
        need(format!("contract {c} funder"), s(&k, "funder"), &actors);
        need(format!("contract {c} project"), s(&k, "project"), &codes["projects"]);
        for b in list(&k, "beneficiaries") {
            need(format!("contract {c} beneficiary"), b.as_str(), &codes["nations"]);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn commercial_space_strategy_has_three_objectives_with_every_line_of_effort() {
    let text = raw_texts()[CSS].clone();
    let lines: Vec<String> = text.lines().map(norm).collect();
    let part3 = lines.iter().position(|l| l == "III. Part three: Approach").unwrap();
    let end = lines.iter().position(|l| l == "Way forward").unwrap();
    // (objective number, heading title, line-of-effort titles) as the document's part three has them.
    let mut expected: Vec<(u32, String, Vec<String>)> = Vec::new();
    for l in &lines[part3 + 1..end] {
        if let Some(rest) = l.strip_prefix("Objective ") {
            let (n, title) = rest.split_once(": ").unwrap();
            expected.push((n.parse().unwrap(), title.to_string(), Vec::new()));
        } else if let Some((num, item)) = l.split_once(". ") {
            if num.parse::<u32>().is_ok() {
                let title = item.split_once(": ").unwrap().0.to_string();
                expected.last_mut().unwrap().2.push(title);
            }
        }
    }
    assert_eq!(expected.len(), 3);
    let objectives: Vec<Value> = load("objectives").into_iter().filter(|o| s(o, "strategy") == Some("commercial-space-strategy")).collect();
    assert_eq!(objectives.len(), 3);
    for (n, title3, loe) in &expected {
        let o = objectives
            .iter()
            .find(|o| o.get("number").and_then(Value::as_u64) == Some(u64::from(*n)))
            .unwrap_or_else(|| panic!("objective {n} missing"));
        assert_eq!(code(o), format!("commercial-space-strategy/{n}"));
        let titles: Vec<&str> = list(o, "linesOfEffort").iter().map(|l| s(l, "title").unwrap()).collect();
        assert_eq!(&titles, loe, "lines of effort of objective {n}");
        let title = s(o, "title").unwrap();
        if title != title3 {
            let note = s(o, "note").unwrap_or("");
            assert!(
                note.contains(title) && note.contains(title3.as_str()),
                "objective {n}: both readings ({title:?}, {title3:?}) belong in the note"
            );
        }
    }
    let strategy = load("strategies").into_iter().find(|s| code(s) == "commercial-space-strategy").unwrap();
    assert_eq!(s(&strategy, "endorsed"), Some("2025-02-13"));
    assert_eq!(s(&strategy, "kind"), Some("STRATEGY"));
}

#[test]
fn known_disagreements_between_the_texts_are_kept_visible() {
    let projects: HashMap<String, Value> = load("projects").into_iter().map(|p| (code(&p).to_string(), p)).collect();
    let contracts: HashMap<String, Value> = load("contracts").into_iter().map(|k| (code(&k).to_string(), k)).collect();
    let airbus = contracts.values().find(|k| s(k, "supplier") == Some("AIRBUS-DS")).expect("the NSPA–Airbus A330 MRTT contract");
    for (what, note) in
        [("mrtt-c", s(&projects["mrtt-c"], "note")), ("mmf", s(&projects["mmf"], "note")), ("airbus contract", s(airbus, "note"))]
    {
        let note = note.unwrap_or("");
        assert!(note.contains("10 aircraft") && note.contains("12 aircraft"), "{what}: fleet 10 vs 12");
    }
    let related = |a: &str, b: &str| list(&projects[a], "related").iter().any(|r| s(r, "project") == Some(b));
    assert!(related("mrtt-c", "mmf") && related("mmf", "mrtt-c"), "MRTT-C and MMF related both ways");
    let mawi_note = s(&projects["mawi"], "note").unwrap_or("");
    assert!(mawi_note.contains("26 participating countries") && mawi_note.contains("NSPA"));
}

#[test]
fn contracts_and_funding_carry_the_reported_values() {
    let contracts = load("contracts");
    let money = |k: &Value| {
        let v = k.get("value").expect("value");
        (s(v, "amount").unwrap().to_string(), s(v, "currency").unwrap().to_string(), v.get("approximate").and_then(Value::as_bool).unwrap())
    };
    for k in &contracts {
        if let Some(v) = k.get("value") {
            let amount = s(v, "amount").unwrap_or("");
            let ok = !amount.is_empty()
                && amount.split_once('.').map_or(amount.bytes().all(|b| b.is_ascii_digit()), |(a, b)| {
                    !a.is_empty() && !b.is_empty() && (a.to_owned() + b).bytes().all(|c| c.is_ascii_digit())
                });
            assert!(ok, "{}: amount {amount:?}", code(k));
        }
    }
    let lux = contracts.iter().find(|k| s(k, "kind") == Some("FUNDING") && s(k, "funder") == Some("LUX")).unwrap();
    assert_eq!(s(lux, "project"), Some("apss"));
    assert_eq!(money(lux), ("16500000".into(), "EUR".into(), false));
    let stinger = contracts.iter().find(|k| s(k, "item").is_some_and(|i| i.contains("Stinger"))).unwrap();
    assert_eq!(money(stinger), ("700000000".into(), "USD".into(), true), "nearly $700 million");
    let munitions = contracts.iter().find(|k| s(k, "kind") == Some("FRAMEWORK_CONTRACTS")).unwrap();
    assert_eq!(money(munitions), ("4700000000".into(), "EUR".into(), false));
    assert_eq!(s(munitions, "buyer"), Some("NSPA"));
}

/// A note explains from the texts alone: it never leans on a document a user cannot read.
#[test]
fn notes_cite_only_the_texts() {
    let mut failures = Vec::new();
    for file in FIXTURE_FILES {
        each_field(&Value::Array(load(file)), file, &mut |path, key, child| {
            let Some(note) = child.as_str().filter(|_| key == "note" || key == "reason") else { return };
            let lower = note.to_lowercase();
            for word in ["brief", "readme", "seed"] {
                if lower.contains(word) {
                    failures.push(format!("{path}: mentions {word:?}: {note}"));
                }
            }
        });
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The fixture keys that hold the value a quote names by its API field name.
fn fixture_keys(field: &str) -> Vec<&str> {
    match field {
        "relatedProjects" => vec!["related"],
        "officeOf" => vec!["organisation", "nation"],
        _ => vec![field],
    }
}

/// Every object with quotes of its own (a record, or a part such as a milestone or a figure),
/// with its path and its quotes.
fn quoted_objects<'a>(v: &'a Value, path: String, out: &mut Vec<(String, &'a Value, Vec<&'a Value>)>) {
    match v {
        Value::Object(map) => {
            let quotes: Vec<&Value> = match (map.get("sources"), map.get("source")) {
                (Some(Value::Array(list)), _) => list.iter().collect(),
                (_, Some(c @ Value::Object(_))) => vec![c],
                _ => Vec::new(),
            };
            if !quotes.is_empty() {
                out.push((path.clone(), v, quotes));
            }
            for (k, child) in map {
                quoted_objects(child, format!("{path}.{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                quoted_objects(child, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Where a quote names a field, the quote (or its text) bears the value out: a date's year and
/// words are in one of the quotes that name it, a name or title is in one of them, a passage
/// copied from a text is in the text of one of them, and every participant is named by one.
#[test]
fn every_value_a_quote_names_is_borne_out_by_it() {
    let texts = norm_texts();
    let nations: HashMap<String, Value> = load("nations").into_iter().map(|n| (code(&n).to_string(), n)).collect();
    let orgs: HashMap<String, Value> = load("organisations").into_iter().map(|o| (code(&o).to_string(), o)).collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for file in FIXTURE_FILES {
        let mut objects = Vec::new();
        for record in load(file) {
            let mut found = Vec::new();
            quoted_objects(&record, format!("{file} {}", code(&record)), &mut found);
            objects.extend(
                found.into_iter().map(|(path, object, quotes)| (path, object.clone(), quotes.into_iter().cloned().collect::<Vec<_>>())),
            );
        }
        for (path, object, quotes) in objects {
            let mut named: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
            for quote in &quotes {
                for field in list(quote, "fields") {
                    named.entry(field.as_str().unwrap().to_string()).or_default().push(quote);
                }
            }
            for (field, by) in &named {
                let quoted = norm(&by.iter().filter_map(|c| s(c, "quote")).collect::<Vec<_>>().join(" "));
                let in_texts = |value: &str| by.iter().any(|c| texts[s(c, "source").unwrap()].contains(&norm(value)));
                let value = fixture_keys(field).iter().find_map(|key| object.get(*key)).unwrap_or(&Value::Null);
                checked += 1;
                match field.as_str() {
                    "launched" | "signed" | "date" | "endorsed" | "published" => {
                        let dates = parse_date(value.as_str().unwrap()).unwrap();
                        let borne = by.iter().any(|c| {
                            let q = s(c, "quote").unwrap();
                            dates.iter().all(|d| q.contains(&d.year.to_string()) && words_support(d, q))
                        });
                        if !borne {
                            failures.push(format!("{path}: no quote naming {field} says {value}"));
                        }
                    }
                    "purpose" | "statusNote" | "statement" | "aim" | "text" => {
                        if !in_texts(value.as_str().unwrap()) {
                            failures.push(format!("{path}: {field} is not verbatim in the text of a quote naming it"));
                        }
                    }
                    "name" | "acronym" | "title" => {
                        let value = value.as_str().unwrap();
                        // A person is named by the surname alone ("Mr Rutte"); a capability area's
                        // heading and an objective's title are the text's own.
                        let wanted = if file == "people" { value.rsplit(' ').next().unwrap() } else { value };
                        if !quoted.to_lowercase().contains(&norm(wanted).to_lowercase()) {
                            failures.push(format!("{path}: {field} {value:?} is not in a quote naming it"));
                        }
                    }
                    "participants" => {
                        for part in value.as_array().unwrap().iter().filter(|p| list(p, "sources").is_empty()) {
                            let who = s(part, "participant").unwrap();
                            let names: Vec<&str> = match (nations.get(who), orgs.get(who)) {
                                (Some(n), _) => std::iter::once(s(n, "name").unwrap())
                                    .chain(list(n, "aliases").iter().filter_map(Value::as_str))
                                    .collect(),
                                (_, Some(o)) => [s(o, "name"), s(o, "acronym")].into_iter().flatten().collect(),
                                _ => Vec::new(),
                            };
                            if !names.iter().any(|n| contains_word(&quoted, n)) {
                                failures.push(format!("{path}: participant {who} is not named by a quote naming participants"));
                            }
                        }
                    }
                    _ => checked -= 1,
                }
            }
        }
    }
    assert!(checked > 200, "only {checked} named values were checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
