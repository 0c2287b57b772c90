//! The GraphQL enums over the model's enums, each value described, and the order inputs' rule.

use async_graphql::{Name, Value};

use crate::{
    model::{self, order::Direction, Named},
    schema::{
        args::Args,
        def::{enum_type, InputDef, TypeDef},
    },
};

pub fn types() -> Vec<TypeDef> {
    use model::{
        ContractKind as C, Membership as M, OrganisationKind as O, ProjectKind as K, ProjectStatus as S, Role as R, StrategyKind as T,
    };
    vec![
        enum_type("DatePrecision", "How precise a date is: as precise as its text.", model::DatePrecision::ALL, model::DatePrecision::name, |v| {
            match v {
                model::DatePrecision::Year => "The text gives the year only.",
                model::DatePrecision::Month => "The text gives the month.",
                model::DatePrecision::Day => "The text gives the day.",
            }
        }),
        enum_type("FigureQualifier", "How a text qualifies a figure.", model::FigureQualifier::ALL, model::FigureQualifier::name, |v| {
            use model::FigureQualifier as Q;
            match v {
                Q::Exact => "As stated, unqualified.",
                Q::About => "Approximately (\"some 300\").",
                Q::AtLeast => "At least (\"more than\").",
                Q::AtMost => "At most (\"up to\", \"below\").",
            }
        }),
        enum_type("PlaceKind", "What kind of place a place is.", model::PlaceKind::ALL, model::PlaceKind::name, |v| match v {
            model::PlaceKind::City => "A city or town.",
            model::PlaceKind::Region => "A region (the Arctic).",
        }),
        enum_type("EventKind", "What kind of gathering an event is.", model::EventKind::ALL, model::EventKind::name, |v| {
            use model::EventKind as E;
            match v {
                E::Summit => "A NATO summit of heads of state and government.",
                E::Meeting => "A meeting of ministers or officials.",
                E::Forum => "A forum beside a summit (the NATO Summit Defence Industry Forum).",
                E::Ceremony => "A signing ceremony.",
                E::Exercise => "An exercise (REPMUS).",
                E::IndustryEvent => "An event with industry (a Chamber of Commerce industry day).",
                E::Conflict => "The start of a war or an invasion (Russia's invasion of Ukraine).",
            }
        }),
        enum_type("TimelineKind", "What a timeline entry marks.", model::TimelineKind::ALL, model::TimelineKind::name, |v| {
            use model::TimelineKind as L;
            match v {
                L::ProjectLaunched => "A project was launched.",
                L::Milestone => "A dated event in a project's life (done or planned).",
                L::Event => "A summit, meeting, forum, ceremony, exercise or industry event.",
                L::Statement => "Something a person said, on a date a text gives.",
                L::ContractSigned => "A contract or funding was signed or announced.",
                L::StrategyEndorsed => "Allies endorsed a strategy, policy or plan.",
                L::StrategyPublished => "A strategy, policy or plan was published or released.",
                L::PartnershipSigned => "An organisation signed a partnership agreement.",
            }
        }),
        enum_type("ProjectKind", "What kind of cooperative effort a project is.", K::ALL, K::name, |v| match v {
            K::HighVisibilityProject => "One of NATO's High Visibility Projects.",
            K::Programme => "A standing multinational programme (e.g. the Multinational MRTT Fleet).",
            K::Initiative => "Any other multinational initiative.",
        }),
        enum_type("ProjectStatus", "How far a project has come, as its source states.", S::ALL, S::name, |v| match v {
            S::BeingEstablished => "\"Being established\".",
            S::Established => "\"Established\".",
            S::EstablishedAndDelivering => "\"Established and delivering\".",
            S::Completed => "\"Completed\".",
        }),
        enum_type("Role", "The part a nation or organisation plays in a project.", R::ALL, R::name, |v| match v {
            R::Participant => "A participating nation or organisation.",
            R::Lead => "Leads the project.",
            R::Host => "Hosts the project: its facility is stationed there, or it hosts the project's activity\n(Croatia for MSAP's training facility in Zadar, Portugal for MUS's annual exercise REPMUS).\nBeside the nation's other roles.",
            R::Partner => "A NATO partner (non-member) taking part.",
            R::Supporter => "Supports the project without being a participant.",
            R::Manager => "Manages the project on its participants' behalf (NSPA for the Multinational MRTT Fleet).",
        }),
        enum_type("Membership", "A nation's relation to NATO.", M::ALL, M::name, |v| match v {
            M::Ally => "A NATO member.",
            M::Partner => "A NATO partner country.",
            M::NonMember => "Neither a NATO member nor a partner (Russia).",
        }),
        enum_type("OrganisationKind", "What kind of body an organisation is.", O::ALL, O::name, |v| match v {
            O::NatoAgency => "A NATO agency (NSPA).",
            O::NatoBody => "A NATO committee or organisation (CNAD, NSPO).",
            O::InternationalOrganisation => "An international organisation (the EU, OCCAR).",
            O::Company => "A company.",
            O::NationalFramework => "A national framework such as the German-led CBRN cluster.",
            O::MilitaryForce => "A standing military force, service or fleet (the NATO ISR Force, the US Space Force).",
            O::GovernmentBody => "A body of a national government or parliament (a parliament's lower house, an office).",
            O::ResearchInstitute => "A research institute (the Kiel Institute for the World Economy).",
        }),
        enum_type("StrategyKind", "What kind of document a strategy is.", T::ALL, T::name, |v| match v {
            T::Policy => "A policy.",
            T::Strategy => "A strategy.",
            T::ActionPlan => "An action plan.",
            T::Roadmap => "A roadmap.",
            T::Communique => "A summit communiqué that a strategy cites.",
        }),
        enum_type("ContractKind", "What kind of money flow a contract record describes.", C::ALL, C::name, |v| match v {
            C::Contract => "A single procurement contract.",
            C::FrameworkContracts => "A set of framework contracts reported together.",
            C::Funding => "A funding contribution.",
        }),
        TypeDef::Enum {
            name: "OrderDirection",
            description: "Sort direction.",
            values: vec![("ASC", "Smallest first."), ("DESC", "Largest first.")],
        },
        TypeDef::Enum {
            name: "ProjectOrderField",
            description: "Fields projects can be ordered by.",
            values: vec![
                ("NAME", "By name."),
                ("CODE", "By code."),
                ("LAUNCHED", "By launch date (undated last)."),
                ("PARTICIPANT_COUNT", "By number of participants."),
            ],
        },
        TypeDef::Enum {
            name: "NationOrderField",
            description: "Fields nations can be ordered by.",
            values: vec![
                ("NAME", "By name."),
                ("CODE", "By ISO code."),
                ("PROJECT_COUNT", "By number of projects taken part in."),
                ("NATO_ACCESSION", "By NATO accession year (partners last)."),
            ],
        },
        TypeDef::Enum {
            name: "ContractOrderField",
            description: "Fields contracts can be ordered by.",
            values: vec![
                ("TITLE", "By title."),
                ("CODE", "By code."),
                ("SIGNED", "By signing date (undated last)."),
                ("AMOUNT", "By amount (within a currency; unvalued last)."),
            ],
        },
    ]
}

/// The fields of an order input: the field to order by, and the direction (ascending by default).
pub fn order_fields(field_type: &'static str) -> Vec<InputDef> {
    vec![
        InputDef::new("field", field_type, "The field to order by."),
        InputDef::new("direction", "OrderDirection!", "Ascending (default) or descending.").default(Value::Enum(Name::new("ASC"))),
    ]
}

/// The field an order input names.
pub fn order_field(order: &Args) -> Option<&str> {
    match order.get("field")? {
        Value::Enum(name) => Some(name.as_str()),
        Value::String(name) => Some(name.as_str()),
        _ => None,
    }
}

/// The direction an order input names.
pub fn direction(order: &Args) -> Direction {
    match order.get("direction") {
        Some(Value::Enum(name)) if name.as_str() == "DESC" => Direction::Desc,
        Some(Value::String(name)) if name == "DESC" => Direction::Desc,
        _ => Direction::Asc,
    }
}
