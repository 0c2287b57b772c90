//! `capgraph-scale`: writes a synthetic fixture set at a chosen multiple of the bundled fixtures,
//! for benchmarks. Deterministic for a seed; never writes into the bundled fixtures.
//!
//! At `--scale N` the output holds every real record unchanged plus `N - 1` synthetic copies of
//! each real project, capability area, organisation, strategy, objective, event, place and person
//! (the real nations are kept as they are and take part in the synthetic projects), about one
//! synthetic contract per synthetic project, and 4 to 27 participations per synthetic project
//! (about 500,000 at ×1000).
//!
//! Every synthetic record is marked: its code starts with `syn-`, its `note` says
//! `synthetic record for benchmarks (seed N)`, and it cites the source `synthetic`, whose text
//! (`texts/synthetic.txt`, generated) contains that quote verbatim and says it is not a real
//! document. The output passes `capgraph check --fixtures DIR`.
//!
//! ```sh
//! cargo run --release --bin capgraph-scale -- --scale 1000 --seed 42 --out /tmp/capgraph-x1000
//! ```

use std::{
    fs,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{bail, Context};
use clap::Parser;
use serde::Serialize;

use capgraph::{
    fixtures,
    model::{
        CapabilityArea, Citation, ContractKind, Dataset, Disagreement, DisagreementFile, Event, EventKind, EventLink, LineOfEffort,
        Membership, Milestone, Money, Named, Nation, ObjectiveLink, Organisation, OrganisationKind, PartialDate, Participation,
        Partnership, Person, Place, PlaceKind, ProcurementContract, Project, ProjectKind, ProjectStatus, Reading, RelatedProject, Role,
        Source, Statement, Strategy, StrategyKind, StrategyLink, StrategyObjective,
    },
};

/// Write a synthetic fixture set, a multiple of the bundled fixtures, for benchmarks.
#[derive(Debug, Parser)]
#[command(name = "capgraph-scale", version, about)]
struct Args {
    /// Multiple of today's records (1, 10, 100, 1000; any positive integer works).
    #[arg(long, default_value_t = 10)]
    scale: u32,
    /// Seed of the pseudo-random generator: the same seed and scale give the same bytes.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Directory to write (created if missing; its fixture files are replaced).
    #[arg(long)]
    out: PathBuf,
    /// The real fixtures to start from.
    #[arg(long, default_value = "fixtures")]
    fixtures: PathBuf,
}

/// splitmix64: small, fast, and good enough to spread synthetic records.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `count` distinct indices below `n`, in ascending order.
    fn distinct(&mut self, n: usize, count: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let count = count.min(n);
        for i in 0..count {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(count);
        all.sort_unstable();
        all
    }

    fn date(&mut self, from: u16, to: u16) -> PartialDate {
        let year = from + self.below(usize::from(to - from) + 1) as u16;
        let month = self.chance(70).then(|| self.between(1, 12) as u8);
        let day = month.filter(|_| self.chance(40)).map(|_| self.between(1, 28) as u8);
        PartialDate::new(year, month, day)
    }
}

const SOURCE: &str = "synthetic";
const TEXT_FILE: &str = "synthetic.txt";

/// What every synthetic record says about itself, in its note and its one citation.
struct Marker {
    note: String,
}

impl Marker {
    fn new(seed: u64) -> Self {
        Marker { note: format!("synthetic record for benchmarks (seed {seed})") }
    }

    fn note(&self) -> Option<String> {
        Some(self.note.clone())
    }

    fn cite(&self) -> Vec<Citation> {
        // Which fields it states is filled in as the record is written (`quote_every_field`).
        vec![Citation { source: SOURCE.into(), quote: self.note.clone(), fields: Vec::new() }]
    }
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    if args.scale == 0 {
        bail!("--scale must be at least 1");
    }
    guard_output(&args.fixtures, &args.out)?;
    let real = fixtures::load(&args.fixtures).map_err(|e| anyhow::anyhow!("{e}")).context("the bundled fixtures do not load")?.dataset;
    let data = generate(&real, args.scale as usize, args.seed);
    write(&args, &real, &data)?;
    println!("{}: synthetic fixtures ×{} (seed {}): {}", args.out.display(), args.scale, args.seed, data.summary());
    let participations: usize = data.projects.iter().map(|p| p.participants.len()).sum();
    println!("{participations} participations");
    Ok(())
}

/// Refuses an output directory that is, or is inside, the real fixtures directory.
fn guard_output(fixtures: &Path, out: &Path) -> anyhow::Result<()> {
    let real = fs::canonicalize(fixtures).with_context(|| format!("cannot read {}", fixtures.display()))?;
    // The output may not exist yet: resolve its nearest existing ancestor.
    let mut probe = if out.is_absolute() { out.to_path_buf() } else { std::env::current_dir()?.join(out) };
    let mut rest = Vec::new();
    let resolved = loop {
        match fs::canonicalize(&probe) {
            Ok(path) => break rest.iter().rev().fold(path, |p: PathBuf, part| p.join(part)),
            Err(_) => match (probe.file_name().map(|n| n.to_owned()), probe.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    probe = parent.to_path_buf();
                }
                _ => bail!("cannot resolve {}", out.display()),
            },
        }
    };
    if resolved.starts_with(&real) {
        bail!("refusing to write into the real fixtures ({}): choose another --out", real.display());
    }
    Ok(())
}

fn generate(real: &Dataset, scale: usize, seed: u64) -> Dataset {
    let mut rng = Rng(seed ^ 0x6361_7067_7261_7068); // "capgraph"
    let mark = Marker::new(seed);
    let copies = scale - 1;
    let mut data = real.clone();

    data.sources.push(Source {
        code: SOURCE.into(),
        title: format!("Synthetic benchmark records (capgraph-scale, scale ×{scale}, seed {seed})"),
        publisher: "capgraph-scale".into(),
        published: None,
        published_text: None,
        url: None,
        file: TEXT_FILE.into(),
        note: Some(
            "Not a real document. Generated by capgraph-scale; every record citing it has a code starting with \"syn-\" and states no fact."
                .into(),
        ),
    });

    // Capability areas.
    for k in 1..=copies * real.areas.len() {
        let t = &real.areas[(k - 1) % real.areas.len()];
        data.areas.push(CapabilityArea {
            code: format!("syn-area-{k:05}"),
            name: format!("{} (synthetic {k})", t.name),
            description: t.description.clone(),
            note: mark.note(),
            sources: mark.cite(),
        });
    }

    // Organisations.
    let nations: Vec<&Nation> = real.nations.iter().collect();
    let governing: Vec<String> =
        real.organisations.iter().filter(|o| o.kind == OrganisationKind::NatoBody).map(|o| o.code.clone()).collect();
    for k in 1..=copies * real.organisations.len() {
        let t = &real.organisations[(k - 1) % real.organisations.len()];
        let kind = match rng.below(10) {
            0 => OrganisationKind::NatoAgency,
            1 => OrganisationKind::NatoBody,
            2 => OrganisationKind::InternationalOrganisation,
            3 => OrganisationKind::NationalFramework,
            _ => OrganisationKind::Company,
        };
        let code = format!("syn-org-{k:05}");
        let parent = (kind == OrganisationKind::NatoAgency && !governing.is_empty()).then(|| rng.pick(&governing).clone());
        let lead_nation = (kind == OrganisationKind::NationalFramework).then(|| rng.pick(&nations).code.clone());
        let partnerships = if rng.chance(15) {
            vec![Partnership {
                partner: rng.pick(&nations).code.clone(),
                note: mark.note(),
                signed: Some(rng.date(2000, 2025)),
                sources: mark.cite(),
                inferred: Vec::new(),
            }]
        } else {
            vec![]
        };
        data.organisations.push(Organisation {
            name: format!("{} (synthetic {k})", t.name),
            acronym: Some(format!("SYN-ORG-{k}")),
            kind,
            parent,
            lead_nation,
            nation: None,
            partnerships,
            note: mark.note(),
            sources: mark.cite(),
            inferred: Vec::new(),
            figures: Vec::new(),
            code,
        });
    }

    // Strategies, then objectives spread over the synthetic strategies.
    let strategy_kinds = [StrategyKind::Policy, StrategyKind::Strategy, StrategyKind::ActionPlan, StrategyKind::Roadmap];
    let synthetic_strategies = copies * real.strategies.len();
    for k in 1..=synthetic_strategies {
        let t = &real.strategies[(k - 1) % real.strategies.len()];
        let endorsed = rng.chance(60).then(|| rng.date(2000, 2025));
        data.strategies.push(Strategy {
            code: format!("syn-strategy-{k:05}"),
            title: format!("{} (synthetic {k})", t.title),
            kind: *rng.pick(&strategy_kinds),
            endorsed,
            published: endorsed.filter(|_| rng.chance(50)),
            summary: t.summary.clone(),
            aim: t.aim.clone(),
            related: Vec::new(),
            note: mark.note(),
            sources: mark.cite(),
            figures: Vec::new(),
            inferred: Vec::new(),
        });
    }
    if synthetic_strategies > 0 && !real.objectives.is_empty() {
        for k in 1..=copies * real.objectives.len() {
            let t = &real.objectives[(k - 1) % real.objectives.len()];
            let strategy = format!("syn-strategy-{:05}", (k - 1) % synthetic_strategies + 1);
            let number = ((k - 1) / synthetic_strategies + 1) as u32;
            data.objectives.push(StrategyObjective {
                code: format!("{strategy}/{number}"),
                strategy,
                number,
                title: format!("{} (synthetic {k})", t.title),
                statement: t.statement.clone(),
                lines_of_effort: t.lines_of_effort.iter().map(|l| LineOfEffort { title: l.title.clone(), text: l.text.clone() }).collect(),
                note: mark.note(),
                sources: mark.cite(),
            });
        }
    }

    // Projects.
    let areas: Vec<String> = data.areas.iter().map(|a| a.code.clone()).collect();
    let orgs: Vec<String> = data.organisations.iter().map(|o| o.code.clone()).collect();
    let objectives: Vec<String> = data.objectives.iter().map(|o| o.code.clone()).collect();
    let strategies: Vec<String> = data.strategies.iter().map(|s| s.code.clone()).collect();
    let kinds = [
        ProjectKind::HighVisibilityProject,
        ProjectKind::HighVisibilityProject,
        ProjectKind::HighVisibilityProject,
        ProjectKind::Programme,
        ProjectKind::Initiative,
    ];
    let statuses = [
        ProjectStatus::BeingEstablished,
        ProjectStatus::Established,
        ProjectStatus::Established,
        ProjectStatus::EstablishedAndDelivering,
        ProjectStatus::Completed,
    ];
    let mut project_codes: Vec<String> = real.projects.iter().map(|p| p.code.clone()).collect();
    for k in 1..=copies * real.projects.len() {
        let t = &real.projects[(k - 1) % real.projects.len()];
        let code = format!("syn-p{k:06}");
        let launched = rng.chance(85).then(|| rng.date(1995, 2025));
        let mut milestones: Vec<Milestone> = (0..rng.below(4))
            .map(|i| Milestone {
                date: rng.date(launched.map_or(1995, |d| d.year), 2030),
                event: format!("Synthetic milestone {} of {code}", i + 1),
                sources: vec![],
                inferred: Vec::new(),
            })
            .collect();
        milestones.sort_by_key(|m| m.date.start());
        let how_many = rng.between(4, 27);
        let mut participants: Vec<Participation> = rng
            .distinct(nations.len(), how_many)
            .into_iter()
            .map(|i| {
                let role = if nations[i].membership == Membership::Partner { Role::Partner } else { Role::Participant };
                Participation { participant: nations[i].code.clone(), roles: vec![role], note: None, sources: vec![] }
            })
            .collect();
        if rng.chance(50) {
            let lead = rng.below(participants.len());
            if participants[lead].roles == [Role::Participant] {
                participants[lead].roles = vec![Role::Lead];
            }
        }
        if rng.chance(10) {
            let host = rng.below(participants.len());
            // A host takes part too, as the texts' hosts do.
            if participants[host].roles == [Role::Participant] {
                participants[host].roles.push(Role::Host);
            }
        }
        if rng.chance(15) {
            let role = if rng.chance(50) { Role::Supporter } else { Role::Participant };
            participants.push(Participation {
                participant: rng.pick(&orgs).clone(),
                roles: vec![role],
                note: mark.note(),
                sources: vec![],
            });
        }
        let objectives = if rng.chance(25) && !objectives.is_empty() {
            vec![ObjectiveLink { objective: rng.pick(&objectives).clone(), note: None, sources: mark.cite() }]
        } else {
            vec![]
        };
        let strategies = if rng.chance(20) {
            vec![StrategyLink { strategy: rng.pick(&strategies).clone(), note: None, sources: mark.cite() }]
        } else {
            vec![]
        };
        let mut related = Vec::new();
        for _ in 0..rng.below(3) {
            let other = rng.pick(&project_codes).clone();
            if !related.iter().any(|r: &RelatedProject| r.project == other) {
                related.push(RelatedProject { project: other, relation: "synthetic relation for benchmarks".into(), sources: mark.cite() });
            }
        }
        data.projects.push(Project {
            name: format!("{} (synthetic {k})", t.name),
            acronym: t.acronym.as_ref().map(|a| format!("{a}-SYN-{k}")),
            kind: *rng.pick(&kinds),
            area: rng.chance(95).then(|| rng.pick(&areas).clone()),
            purpose: t.purpose.clone(),
            status: *rng.pick(&statuses),
            status_note: None,
            aliases: Vec::new(),
            launched,
            milestones,
            participants,
            objectives,
            strategies,
            related,
            note: mark.note(),
            sources: mark.cite(),
            figures: Vec::new(),
            inferred: Vec::new(),
            code: code.clone(),
        });
        project_codes.push(code);
    }

    // Contracts: about one per synthetic project.
    let companies: Vec<String> =
        data.organisations.iter().filter(|o| o.kind == OrganisationKind::Company).map(|o| o.code.clone()).collect();
    let buyers: Vec<String> = data.organisations.iter().filter(|o| o.kind != OrganisationKind::Company).map(|o| o.code.clone()).collect();
    let currencies = ["EUR", "EUR", "USD", "GBP"];
    for k in 1..=copies * real.projects.len() {
        let kind = match rng.below(10) {
            0 => ContractKind::Funding,
            1 => ContractKind::FrameworkContracts,
            _ => ContractKind::Contract,
        };
        let value = rng.chance(80).then(|| Money {
            amount: (rng.between(10, 99_999) as u64 * 10_000).to_string(),
            currency: (*rng.pick(&currencies)).into(),
            approximate: rng.chance(20),
        });
        let project = rng.chance(90).then(|| rng.pick(&project_codes).clone());
        let funder = (kind == ContractKind::Funding).then(|| rng.pick(&nations).code.clone());
        let buyer = (kind != ContractKind::Funding && !buyers.is_empty()).then(|| rng.pick(&buyers).clone());
        let supplier = (kind != ContractKind::Funding && !companies.is_empty()).then(|| rng.pick(&companies).clone());
        let how_many = rng.below(6);
        let beneficiaries = rng.distinct(nations.len(), how_many).into_iter().map(|i| nations[i].code.clone()).collect();
        let quantity = rng.chance(30).then(|| rng.between(1, 500) as u32);
        data.contracts.push(ProcurementContract {
            code: format!("syn-c{k:06}"),
            kind,
            title: format!("Synthetic contract {k}"),
            description: format!("Synthetic {kind:?} record {k} for benchmarks; it describes no real contract."),
            value,
            signed: rng.chance(85).then(|| rng.date(2000, 2025)),
            item: quantity.map(|_| "synthetic items".to_owned()),
            quantity,
            buyer,
            supplier,
            funder,
            project,
            beneficiaries,
            note: mark.note(),
            sources: mark.cite(),
            inferred: Vec::new(),
        });
    }

    // Events, each marking a few synthetic projects and perhaps a contract; places and people
    // around them, in the real data's proportions.
    let synthetic_projects = &project_codes[real.projects.len()..];
    let synthetic_contracts: Vec<String> = data.contracts[real.contracts.len()..].iter().map(|c| c.code.clone()).collect();
    let link = |code: &String| EventLink { code: code.clone(), relation: "synthetic relation for benchmarks".into() };
    let mut event_codes = Vec::new();
    if !synthetic_projects.is_empty() {
        for k in 1..=copies * real.events.len() {
            let code = format!("syn-event-{k:05}");
            let how_many = rng.between(1, 3);
            let projects = rng.distinct(synthetic_projects.len(), how_many).into_iter().map(|i| link(&synthetic_projects[i])).collect();
            let contracts =
                if rng.chance(40) && !synthetic_contracts.is_empty() { vec![link(rng.pick(&synthetic_contracts))] } else { vec![] };
            data.events.push(Event {
                name: format!("Synthetic event {k}"),
                kind: *rng.pick(EventKind::ALL),
                date: rng.chance(90).then(|| rng.date(2000, 2025)),
                place: None,
                host: rng.chance(30).then(|| rng.pick(&nations).code.clone()),
                projects,
                contracts,
                strategies: Vec::new(),
                note: mark.note(),
                inferred: Vec::new(),
                sources: mark.cite(),
                code: code.clone(),
            });
            event_codes.push(code);
        }
        for k in 1..=copies * real.places.len() {
            let projects = (0..rng.below(3)).map(|_| link(rng.pick(synthetic_projects))).collect::<Vec<_>>();
            let events = if event_codes.is_empty() { vec![] } else { (0..rng.below(2)).map(|_| link(rng.pick(&event_codes))).collect() };
            data.places.push(Place {
                code: format!("syn-place-{k:05}"),
                name: format!("Synthetic place {k}"),
                kind: *rng.pick(PlaceKind::ALL),
                nation: rng.chance(60).then(|| rng.pick(&nations).code.clone()),
                projects: dedup_links(projects),
                events: dedup_links(events),
                note: mark.note(),
                sources: mark.cite(),
            });
        }
        for k in 1..=copies * real.people.len() {
            let statements = (0..rng.below(3))
                .map(|_| Statement {
                    text: "synthetic record for benchmarks".into(),
                    quoted: rng.chance(50),
                    date: rng.chance(60).then(|| rng.date(2000, 2025)),
                    event: (rng.chance(50) && !event_codes.is_empty()).then(|| rng.pick(&event_codes).clone()),
                    inferred: Vec::new(),
                    source: mark.cite().remove(0),
                })
                .collect();
            data.people.push(Person {
                code: format!("syn-person-{k:05}"),
                name: format!("Synthetic Person {k}"),
                office: Some("synthetic office".into()),
                organisation: rng.chance(70).then(|| rng.pick(&orgs).clone()),
                nation: None,
                statements,
                note: mark.note(),
                sources: mark.cite(),
            });
        }
        // Disagreements, each over a few synthetic projects, with two readings of the synthetic text.
        for k in 1..=copies * real.disagreements.len() {
            let how_many = rng.between(1, 3);
            let records =
                rng.distinct(synthetic_projects.len(), how_many).into_iter().map(|i| format!("Project:{}", synthetic_projects[i]));
            let reading = |says: &str| {
                let mut source = mark.cite().remove(0);
                source.fields = vec!["says".into()];
                Reading { says: says.into(), source }
            };
            data.disagreements.push(Disagreement::from(DisagreementFile {
                code: format!("syn-disagreement-{k:05}"),
                subject: format!("Synthetic disagreement {k}"),
                records: records.collect(),
                readings: vec![reading("one synthetic reading"), reading("another synthetic reading")],
                note: mark.note(),
            }));
        }
    }
    data
}

/// Links without repeats, in their first order.
fn dedup_links(mut links: Vec<EventLink>) -> Vec<EventLink> {
    let mut seen = std::collections::HashSet::new();
    links.retain(|l| seen.insert(l.code.clone()));
    links
}

/// The synthetic source's text: what it is, and the one quote every synthetic record cites.
fn synthetic_text(scale: u32, seed: u64, mark: &Marker) -> String {
    format!(
        "Synthetic benchmark data: not a real document.\n\n\
         This text was generated by capgraph-scale at scale x{scale} with seed {seed}. Every record that\n\
         cites it has a code starting with \"syn-\" and was made up to measure capgraph at scale: it states\n\
         no fact about any project, nation, organisation, strategy or contract.\n\n\
         The quote every synthetic record cites:\n\n{}\n",
        mark.note
    )
}

/// Writes one fixture file: a JSON array, one record per line.
/// Writes one fixture file; a synthetic record's made-up quotes are made to state all its values.
fn write_records<T: Serialize>(dir: &Path, name: &str, noun: &str, records: &[T]) -> anyhow::Result<()> {
    let path = dir.join(name);
    let file = fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    out.write_all(b"[\n")?;
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        let mut json = serde_json::to_value(record)?;
        if json.pointer("/sources/0/source").and_then(serde_json::Value::as_str) == Some(SOURCE) {
            fixtures::provenance::quote_every_field(noun, &mut json);
        }
        serde_json::to_writer(&mut out, &json)?;
    }
    out.write_all(b"\n]\n")?;
    out.flush()?;
    Ok(())
}

fn write(args: &Args, real: &Dataset, data: &Dataset) -> anyhow::Result<()> {
    let texts = args.out.join(fixtures::TEXTS_DIR);
    fs::create_dir_all(&texts).with_context(|| format!("cannot create {}", texts.display()))?;
    // Only the texts this set names: a stale text left from another run would change the digest.
    for entry in fs::read_dir(&texts)? {
        let entry = entry?;
        if entry.path().is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    for source in &real.sources {
        let from = args.fixtures.join(fixtures::TEXTS_DIR).join(&source.file);
        fs::copy(&from, texts.join(&source.file)).with_context(|| format!("cannot copy {}", from.display()))?;
    }
    fs::write(texts.join(TEXT_FILE), synthetic_text(args.scale, args.seed, &Marker::new(args.seed)))?;
    write_dataset(&args.out, data)?;
    fs::write(
        args.out.join("README.md"),
        format!(
            "# Synthetic fixtures (scale x{}, seed {})\n\nGenerated by `capgraph-scale` for benchmarks: not real data. Every record whose code starts with `syn-` is made up and cites the source `synthetic`. Regenerate rather than edit.\n",
            args.scale, args.seed
        ),
    )?;
    Ok(())
}

macro_rules! dataset_writer {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        /// Every fixture file of the dataset, one per record type.
        fn write_dataset(dir: &std::path::Path, data: &Dataset) -> anyhow::Result<()> {
            $(write_records(dir, $file, $noun, &data.$field)?;)+
            Ok(())
        }
    };
}
capgraph::for_each_record!(dataset_writer);
