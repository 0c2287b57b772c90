//! Plain domain records: what a fixture file holds and what the store keeps.
//!
//! The same structs are read from JSON and encoded with bincode. That is safe because they use
//! only attributes that bincode honours (`rename_all`, `default`, `deny_unknown_fields`); nothing
//! here uses `flatten`, `skip*`, `tag` or `untagged`, which would lose data in a binary encoding.

mod date;
mod money;
pub mod order;
pub mod text;

pub use date::{PartialDate, PartialDateError};
pub use money::{format_decimal, parse_decimal, Money, MoneyError};

use serde::{Deserialize, Serialize};

/// A short verbatim quote from a source document that supports a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Citation {
    pub source: String,
    pub quote: String,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),+ }
    };
}

string_enum!(
    /// What kind of cooperative effort a project is.
    ProjectKind { HighVisibilityProject, Programme, Initiative }
);
string_enum!(
    /// How far a project has come.
    ProjectStatus { BeingEstablished, Established, EstablishedAndDelivering, Completed }
);
string_enum!(
    /// The part a nation or organisation plays in a project.
    Role { Participant, Lead, Host, Partner, Supporter }
);
string_enum!(
    /// A nation's relation to NATO.
    Membership { Ally, Partner }
);
string_enum!(
    /// What kind of body an organisation is.
    OrganisationKind { NatoAgency, NatoBody, InternationalOrganisation, Company, NationalFramework }
);
string_enum!(
    /// What kind of document a strategy is.
    StrategyKind { Policy, Strategy, ActionPlan, Roadmap }
);
string_enum!(
    /// What kind of money flow a contract record describes.
    ContractKind { Contract, FrameworkContracts, Funding }
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
    #[serde(default)]
    pub partnerships: Vec<Partnership>,
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Milestone {
    pub date: PartialDate,
    pub event: String,
    #[serde(default)]
    pub sources: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participation {
    /// A nation or organisation code.
    pub participant: String,
    pub role: Role,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub sources: Vec<Citation>,
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
    #[serde(default)]
    pub note: Option<String>,
    pub sources: Vec<Citation>,
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
}

/// Everything the fixtures hold, after parsing and before validation of references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dataset {
    pub sources: Vec<Source>,
    pub areas: Vec<CapabilityArea>,
    pub nations: Vec<Nation>,
    pub organisations: Vec<Organisation>,
    pub projects: Vec<Project>,
    pub strategies: Vec<Strategy>,
    pub objectives: Vec<StrategyObjective>,
    pub contracts: Vec<ProcurementContract>,
}

/// What every stored record has: a code and the citations that support it.
pub trait Record {
    /// The GraphQL type name, also the prefix of global ids.
    const TYPE_NAME: &'static str;
    fn code(&self) -> &str;
    fn sources(&self) -> &[Citation];
}

macro_rules! record {
    ($ty:ty, $name:literal) => {
        impl Record for $ty {
            const TYPE_NAME: &'static str = $name;
            fn code(&self) -> &str {
                &self.code
            }
            fn sources(&self) -> &[Citation] {
                &self.sources
            }
        }
    };
}

record!(CapabilityArea, "CapabilityArea");
record!(Nation, "Nation");
record!(Organisation, "Organisation");
record!(Project, "Project");
record!(Strategy, "Strategy");
record!(StrategyObjective, "StrategyObjective");
record!(ProcurementContract, "ProcurementContract");

impl Record for Source {
    const TYPE_NAME: &'static str = "Source";
    fn code(&self) -> &str {
        &self.code
    }
    fn sources(&self) -> &[Citation] {
        &[]
    }
}

impl Dataset {
    /// One line with the count of each type, for `capgraph check` and the startup log.
    pub fn summary(&self) -> String {
        format!(
            "{} projects, {} nations, {} organisations, {} capability areas, {} strategies, {} objectives, {} contracts, {} sources",
            self.projects.len(),
            self.nations.len(),
            self.organisations.len(),
            self.areas.len(),
            self.strategies.len(),
            self.objectives.len(),
            self.contracts.len(),
            self.sources.len()
        )
    }
}
