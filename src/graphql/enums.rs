//! GraphQL mirrors of the model's enums (the model stays free of GraphQL).

use async_graphql::Enum;

use crate::model;

/// What kind of cooperative effort a project is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "model::ProjectKind")]
pub enum ProjectKind {
    /// One of NATO's High Visibility Projects.
    HighVisibilityProject,
    /// A standing multinational programme (e.g. the Multinational MRTT Fleet).
    Programme,
    /// Any other multinational initiative.
    Initiative,
}

/// How far a project has come, as its source states.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "model::ProjectStatus")]
pub enum ProjectStatus {
    /// "Being established".
    BeingEstablished,
    /// "Established".
    Established,
    /// "Established and delivering".
    EstablishedAndDelivering,
    /// "Completed".
    Completed,
}

/// The part a nation or organisation plays in a project.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "model::Role")]
pub enum Role {
    /// A participating nation or organisation.
    Participant,
    /// Leads the project.
    Lead,
    /// Hosts the project's facility or activity.
    Host,
    /// A NATO partner (non-member) taking part.
    Partner,
    /// Supports the project without being a participant.
    Supporter,
}

/// A nation's relation to NATO.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "model::Membership")]
pub enum Membership {
    /// A NATO member.
    Ally,
    /// A NATO partner country.
    Partner,
}

/// What kind of body an organisation is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "model::OrganisationKind")]
pub enum OrganisationKind {
    /// A NATO agency (NSPA).
    NatoAgency,
    /// A NATO committee or organisation (CNAD, NSPO).
    NatoBody,
    /// An international organisation (the EU, OCCAR).
    InternationalOrganisation,
    /// A company.
    Company,
    /// A national framework such as the German-led CBRN cluster.
    NationalFramework,
}

/// What kind of document a strategy is.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "model::StrategyKind")]
pub enum StrategyKind {
    /// A policy.
    Policy,
    /// A strategy.
    Strategy,
    /// An action plan.
    ActionPlan,
    /// A roadmap.
    Roadmap,
}

/// What kind of money flow a contract record describes.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "model::ContractKind")]
pub enum ContractKind {
    /// A single procurement contract.
    Contract,
    /// A set of framework contracts reported together.
    FrameworkContracts,
    /// A funding contribution.
    Funding,
}

/// Sort direction.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(remote = "model::order::Direction")]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}
