//! Plain domain records: what a fixture file holds and what the store keeps.
//!
//! The same structs are read from JSON and encoded with bincode. That is safe because they use
//! only attributes that bincode honours (`rename_all`, `default`, `deny_unknown_fields`, and
//! `from`/`into` a struct that uses only those); nothing here uses `flatten`, `skip*`, `tag` or
//! `untagged`, which would lose data in a binary encoding.

mod date;
mod money;
pub mod order;
pub mod text;

pub use date::{PartialDate, PartialDateError};
pub use money::{format_decimal, parse_decimal, Money, MoneyError};
pub use order::fold_key;

use serde::{Deserialize, Serialize};

/// A short verbatim quote from a source document that supports a record, and which of the
/// record's (or part's) fields it states, by their API names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Citation {
    pub source: String,
    pub quote: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// An enum the fixtures (and the API) spell by name.
pub trait Named: Copy + Eq + 'static {
    /// Every value, in declaration order.
    const ALL: &'static [Self];
    /// The value as the fixtures spell it (`ESTABLISHED_AND_DELIVERING`).
    fn name(self) -> &'static str;
    /// The value spelt `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == name)
    }
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl Named for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn name(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
    };
}

string_enum!(
    /// What kind of cooperative effort a project is.
    ProjectKind { HighVisibilityProject = "HIGH_VISIBILITY_PROJECT", Programme = "PROGRAMME", Initiative = "INITIATIVE" }
);
string_enum!(
    /// How far a project has come.
    ProjectStatus { BeingEstablished = "BEING_ESTABLISHED", Established = "ESTABLISHED", EstablishedAndDelivering = "ESTABLISHED_AND_DELIVERING", Completed = "COMPLETED" }
);
string_enum!(
    /// The part a nation or organisation plays in a project.
    Role { Participant = "PARTICIPANT", Lead = "LEAD", Host = "HOST", Partner = "PARTNER", Supporter = "SUPPORTER", Manager = "MANAGER" }
);
string_enum!(
    /// How a text qualifies a figure: exactly, about ("some 300"), at least ("more than"), at most ("up to", "below").
    FigureQualifier { Exact = "EXACT", About = "ABOUT", AtLeast = "AT_LEAST", AtMost = "AT_MOST" }
);
string_enum!(
    /// What kind of place a place is.
    PlaceKind { City = "CITY", Region = "REGION" }
);
string_enum!(
    /// What kind of gathering an event is.
    EventKind { Summit = "SUMMIT", Meeting = "MEETING", Forum = "FORUM", Ceremony = "CEREMONY", Exercise = "EXERCISE", IndustryEvent = "INDUSTRY_EVENT", Conflict = "CONFLICT" }
);
string_enum!(
    /// How precise a date is: the text gives a year, a month or a day.
    DatePrecision { Year = "YEAR", Month = "MONTH", Day = "DAY" }
);
string_enum!(
    /// What a timeline entry marks.
    TimelineKind {
        ProjectLaunched = "PROJECT_LAUNCHED",
        Milestone = "MILESTONE",
        Event = "EVENT",
        Statement = "STATEMENT",
        ContractSigned = "CONTRACT_SIGNED",
        StrategyEndorsed = "STRATEGY_ENDORSED",
        StrategyPublished = "STRATEGY_PUBLISHED",
        PartnershipSigned = "PARTNERSHIP_SIGNED"
    }
);
string_enum!(
    /// A nation's relation to NATO.
    Membership { Ally = "ALLY", Partner = "PARTNER", NonMember = "NON_MEMBER" }
);
string_enum!(
    /// What kind of body an organisation is.
    OrganisationKind { NatoAgency = "NATO_AGENCY", NatoBody = "NATO_BODY", InternationalOrganisation = "INTERNATIONAL_ORGANISATION", Company = "COMPANY", NationalFramework = "NATIONAL_FRAMEWORK", MilitaryForce = "MILITARY_FORCE", GovernmentBody = "GOVERNMENT_BODY", ResearchInstitute = "RESEARCH_INSTITUTE" }
);
string_enum!(
    /// What kind of document a strategy is.
    StrategyKind { Policy = "POLICY", Strategy = "STRATEGY", ActionPlan = "ACTION_PLAN", Roadmap = "ROADMAP", Communique = "COMMUNIQUE" }
);
string_enum!(
    /// What kind of money flow a contract record describes.
    ContractKind { Contract = "CONTRACT", FrameworkContracts = "FRAMEWORK_CONTRACTS", Funding = "FUNDING" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Source {
    pub code: String,
    pub title: String,
    pub publisher: String,
    #[serde(default)]
    pub published: Option<PartialDate>,
    #[serde(default)]
    pub published_text: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// File name of the document's text under `fixtures/texts/`.
    pub file: String,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapabilityArea {
    pub code: String,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Nation {
    pub code: String,
    pub alpha2: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub membership: Membership,
    #[serde(default)]
    pub nato_accession: Option<u16>,
    pub eu_member: bool,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// Numbers the texts state about it.
    #[serde(default)]
    pub figures: Vec<Figure>,
}

/// A place the texts name: where a project sits or what it concerns, where an event took place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Place {
    pub code: String,
    /// As the texts write it ("Zadar", "the Arctic region").
    pub name: String,
    pub kind: PlaceKind,
    /// The nation it lies in, where a text says so.
    #[serde(default)]
    pub nation: Option<String>,
    /// Projects that sit there or concern it, and how, in the text's words.
    #[serde(default)]
    pub projects: Vec<EventLink>,
    /// Events that took place there.
    #[serde(default)]
    pub events: Vec<EventLink>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
}

/// A place where the texts disagree: what is disputed, the records it concerns, and each reading
/// with the quote that gives it. The fixtures hold each reading with its quote (see
/// [`DisagreementFile`]); the record also lists the quotes as its `sources`, as every record does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "DisagreementFile", into = "DisagreementFile")]
pub struct Disagreement {
    pub code: String,
    /// What is disputed, in a few words ("The size of the multinational MRTT fleet").
    pub subject: String,
    /// The records it concerns, each as `Type:code` (`Project:mrtt-c`).
    pub records: Vec<String>,
    pub readings: Vec<Reading>,
    pub note: Option<String>,
    /// The readings' quotes, in reading order.
    pub sources: Vec<Citation>,
}

/// One reading of a disputed value: what one text says, with its quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reading {
    /// The value as this text gives it, in a few words ("10 aircraft").
    pub says: String,
    pub source: Citation,
}

/// A disagreement as a fixture file (and the store) holds it: each quote once, in its reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisagreementFile {
    pub code: String,
    pub subject: String,
    pub records: Vec<String>,
    pub readings: Vec<Reading>,
    #[serde(default)]
    pub note: Option<String>,
}

impl From<DisagreementFile> for Disagreement {
    fn from(file: DisagreementFile) -> Disagreement {
        let sources = file.readings.iter().map(|r| r.source.clone()).collect();
        Disagreement { code: file.code, subject: file.subject, records: file.records, readings: file.readings, note: file.note, sources }
    }
}

impl From<Disagreement> for DisagreementFile {
    fn from(d: Disagreement) -> DisagreementFile {
        DisagreementFile { code: d.code, subject: d.subject, records: d.records, readings: d.readings, note: d.note }
    }
}

/// A number a text states about a record: what it counts, in what unit, as qualified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Figure {
    /// An exact decimal string, as the text's number ("Fourteen" → `14`, "800 billion" → `800000000000`).
    pub value: String,
    /// The unit or the things counted ("training campuses", "metres", "EUR").
    pub unit: String,
    /// What the figure measures, in a few words of the text.
    pub counts: String,
    pub qualifier: FigureQualifier,
    /// When the figure holds, as precise as the text.
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// The values of this figure that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
    pub source: Citation,
}

/// Something a person said: their words as a text quotes them, or the text's report of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statement {
    /// Verbatim from the source: the person's quoted words, or the sentence reporting them.
    pub text: String,
    /// Whether `text` is the person's own words (in quotation marks in the source) or a report.
    pub quoted: bool,
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// The event it was said at, where a text says so.
    #[serde(default)]
    pub event: Option<String>,
    /// The values of this statement that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
    pub source: Citation,
}

/// A person the texts name, with the office they give and what the person said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Person {
    pub code: String,
    /// As the texts write it.
    pub name: String,
    /// The office the text gives ("NATO Deputy Secretary General"), in its words.
    #[serde(default)]
    pub office: Option<String>,
    /// The organisation of that office, where it is recorded.
    #[serde(default)]
    pub organisation: Option<String>,
    /// The nation of that office, where it is recorded.
    #[serde(default)]
    pub nation: Option<String>,
    #[serde(default)]
    pub statements: Vec<Statement>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
}

/// A record an event is linked to, and how, in the text's words ("launched in its margins").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventLink {
    pub code: String,
    pub relation: String,
}

/// A summit, meeting, forum, ceremony, exercise or industry event the texts name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    pub code: String,
    /// As the text names it ("the 2014 Wales Summit").
    pub name: String,
    pub kind: EventKind,
    #[serde(default)]
    pub date: Option<PartialDate>,
    /// Where it took place, in the text's words ("Washington, D.C.").
    #[serde(default)]
    pub place: Option<String>,
    /// The nation that hosted it, where a text says so.
    #[serde(default)]
    pub host: Option<String>,
    /// Projects launched (or otherwise marked) at it.
    #[serde(default)]
    pub projects: Vec<EventLink>,
    /// Contracts signed or announced at it.
    #[serde(default)]
    pub contracts: Vec<EventLink>,
    /// Strategies endorsed or released at it.
    #[serde(default)]
    pub strategies: Vec<EventLink>,
    #[serde(default)]
    pub note: Option<String>,
    /// The values of this record that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
    pub sources: Vec<Citation>,
}

/// A value the texts do not state outright but that is read from them: which field holds it, and
/// why it reads as it does. Every inferred value carries one; a value without one is stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Inference {
    /// The field (as named in the fixtures and the API: `status`, `signed`, `date`).
    pub field: String,
    /// What in the texts the value is inferred from, and how.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Partnership {
    pub partner: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub signed: Option<PartialDate>,
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// The values of this record that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organisation {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub acronym: Option<String>,
    pub kind: OrganisationKind,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub lead_nation: Option<String>,
    /// The nation a national body belongs to (the US Space Force, a parliament's chamber) or
    /// where an institute is based.
    #[serde(default)]
    pub nation: Option<String>,
    #[serde(default)]
    pub partnerships: Vec<Partnership>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
    /// The values of this record that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
    /// Numbers the texts state about it.
    #[serde(default)]
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Milestone {
    pub date: PartialDate,
    pub event: String,
    #[serde(default)]
    pub sources: Vec<Citation>,
    /// The values of this record that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participation {
    /// A nation or organisation code.
    pub participant: String,
    /// Every role the texts give it, the main one first (never empty: the startup checks say so).
    pub roles: Vec<Role>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

impl Participation {
    /// The main role: the first the texts give.
    pub fn role(&self) -> Role {
        self.roles.first().copied().unwrap_or(Role::Participant)
    }
}

/// A link from a project to an objective or a strategy it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectiveLink {
    pub objective: String,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyLink {
    pub strategy: String,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelatedStrategy {
    pub strategy: String,
    pub relation: String,
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelatedProject {
    pub project: String,
    pub relation: String,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Project {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub acronym: Option<String>,
    /// Other names the texts give what the project is named after ("also known as").
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: ProjectKind,
    #[serde(default)]
    pub area: Option<String>,
    pub purpose: String,
    pub status: ProjectStatus,
    #[serde(default)]
    pub status_note: Option<String>,
    #[serde(default)]
    pub launched: Option<PartialDate>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    #[serde(default)]
    pub participants: Vec<Participation>,
    #[serde(default)]
    pub objectives: Vec<ObjectiveLink>,
    #[serde(default)]
    pub strategies: Vec<StrategyLink>,
    #[serde(default)]
    pub related: Vec<RelatedProject>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
    /// The values of this record that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
    /// Numbers the texts state about it.
    #[serde(default)]
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Strategy {
    pub code: String,
    pub title: String,
    pub kind: StrategyKind,
    #[serde(default)]
    pub endorsed: Option<PartialDate>,
    #[serde(default)]
    pub published: Option<PartialDate>,
    pub summary: String,
    #[serde(default)]
    pub aim: Option<String>,
    /// Other strategies and documents it relates to, as the texts say (echoes, implements, cites).
    #[serde(default)]
    pub related: Vec<RelatedStrategy>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
    /// The values of this record that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
    /// Numbers the texts state about it.
    #[serde(default)]
    pub figures: Vec<Figure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LineOfEffort {
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyObjective {
    pub code: String,
    pub strategy: String,
    pub number: u32,
    pub title: String,
    pub statement: String,
    #[serde(default)]
    pub lines_of_effort: Vec<LineOfEffort>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProcurementContract {
    pub code: String,
    pub kind: ContractKind,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub value: Option<Money>,
    #[serde(default)]
    pub signed: Option<PartialDate>,
    #[serde(default)]
    pub quantity: Option<u32>,
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub buyer: Option<String>,
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub funder: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub beneficiaries: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
    /// The values of this record that are inferred, not stated.
    #[serde(default)]
    pub inferred: Vec<Inference>,
}

/// Calls `$callback!` with every record type once, as `Kind(RustType, "GraphQL type name",
/// "store tree", Dataset field, "fixture file", "noun", "plural")`: the one list from which the
/// fixture files and the [`Dataset`], the store's trees and counts, the record kinds, the object
/// types, the `Node` and `Record` interfaces' members and the lookups by kind follow, so that a new record
/// type is added here (plus its own files).
#[macro_export]
macro_rules! for_each_record {
    ($callback:ident) => {
        $callback! {
            Project($crate::model::Project, "Project", "record/project", projects, "projects.json", "project", "projects"),
            Nation($crate::model::Nation, "Nation", "record/nation", nations, "nations.json", "nation", "nations"),
            Organisation($crate::model::Organisation, "Organisation", "record/organisation", organisations, "organisations.json", "organisation", "organisations"),
            CapabilityArea($crate::model::CapabilityArea, "CapabilityArea", "record/capability-area", areas, "capability_areas.json", "capability area", "capability areas"),
            Strategy($crate::model::Strategy, "Strategy", "record/strategy", strategies, "strategies.json", "strategy", "strategies"),
            StrategyObjective($crate::model::StrategyObjective, "StrategyObjective", "record/objective", objectives, "objectives.json", "objective", "objectives"),
            ProcurementContract($crate::model::ProcurementContract, "ProcurementContract", "record/contract", contracts, "contracts.json", "contract", "contracts"),
            Source($crate::model::Source, "Source", "record/source", sources, "sources.json", "source", "sources"),
            Event($crate::model::Event, "Event", "record/event", events, "events.json", "event", "events"),
            Person($crate::model::Person, "Person", "record/person", people, "people.json", "person", "people"),
            Place($crate::model::Place, "Place", "record/place", places, "places.json", "place", "places"),
            Disagreement($crate::model::Disagreement, "Disagreement", "record/disagreement", disagreements, "disagreements.json", "disagreement", "disagreements"),
        }
    };
}

macro_rules! record_kinds {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        /// Which record type a code names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RecordKind { $($kind),+ }

        impl RecordKind {
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$kind),+];
            pub const COUNT: usize = [$(RecordKind::$kind),+].len();

            /// The GraphQL type name, also the prefix of global ids.
            pub fn type_name(self) -> &'static str {
                match self { $(RecordKind::$kind => $name),+ }
            }

            pub fn from_type_name(name: &str) -> Option<RecordKind> {
                match name { $($name => Some(RecordKind::$kind),)+ _ => None }
            }
        }
    };
}
for_each_record!(record_kinds);

/// What every stored record has: a code and the citations that support it.
pub trait Record {
    /// The GraphQL type name, also the prefix of global ids.
    const TYPE_NAME: &'static str;
    const KIND: RecordKind;
    fn code(&self) -> &str;
    fn sources(&self) -> &[Citation];
}

macro_rules! records {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {$(
        impl Record for $ty {
            const TYPE_NAME: &'static str = $name;
            const KIND: RecordKind = RecordKind::$kind;
            fn code(&self) -> &str {
                &self.code
            }
            fn sources(&self) -> &[Citation] {
                $crate::model::record_sources!(self, $kind)
            }
        }
    )+};
}

/// A source cites nothing; every other record carries its citations.
#[doc(hidden)]
#[macro_export]
macro_rules! record_sources {
    ($self:ident, Source) => {
        &[]
    };
    ($self:ident, $kind:ident) => {
        &$self.sources
    };
}
pub use record_sources;
for_each_record!(records);

macro_rules! dataset {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        /// Everything the fixtures hold, after parsing and before validation of references.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Dataset {
            $(pub $field: Vec<$ty>,)+
        }

        impl Dataset {
            /// One line with the count of each type, for `capgraph check` and the startup log.
            pub fn summary(&self) -> String {
                [$(format!("{} {}", self.$field.len(), $plural)),+].join(", ")
            }

            /// How many records of every type there are.
            pub fn record_count(&self) -> usize {
                0 $(+ self.$field.len())+
            }
        }
    };
}
for_each_record!(dataset);
