//! Tree names and key layout. Index keys are `from \0 to`: codes never contain control characters
//! (the fixture validation guarantees it), so a prefix scan on `from \0` finds exactly its links.

/// Trees holding one record per code.
pub mod trees {
    pub const META: &str = "meta";
    pub const LOOKUP: &str = "lookup";
    /// `index tree name \0 from` → how many links `from` has in that index.
    pub const LINK_COUNTS: &str = "link-counts";
    /// `project` → the projects' [`crate::store::ProjectFacets`].
    pub const FACETS: &str = "facets";
    pub const PROJECT_FACETS: &[u8] = b"project";
}

/// The index trees behind the links between records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Index {
    /// nation or organisation → projects it takes part in (value: role and note).
    ProjectsByParticipant,
    /// capability area → projects.
    ProjectsByArea,
    /// objective → projects that serve it.
    ProjectsByObjective,
    /// strategy → projects that serve it directly or through one of its objectives.
    ProjectsByStrategy,
    /// strategy → its objectives.
    ObjectivesByStrategy,
    /// project → contracts delivering it.
    ContractsByProject,
    /// organisation → contracts it buys.
    ContractsByBuyer,
    /// organisation → contracts it supplies.
    ContractsBySupplier,
    /// nation or organisation → contracts it funds.
    ContractsByFunder,
    /// nation → contracts it benefits from.
    ContractsByBeneficiary,
    /// organisation → organisations it governs.
    OrganisationsByParent,
    /// source → `Type:code` of every record citing it.
    CitationsBySource,
    /// project → events it was launched (or marked) at.
    EventsByProject,
    /// contract → events it was signed or announced at.
    EventsByContract,
    /// strategy → events it was endorsed or released at.
    EventsByStrategy,
    /// nation → events it hosted.
    EventsByHost,
    /// event → people who spoke at it.
    PeopleByEvent,
    /// organisation or nation → people holding an office of it.
    PeopleByOffice,
    /// project → places it sits in or concerns (value: the relation).
    PlacesByProject,
    /// event → places it took place in.
    PlacesByEvent,
    /// nation → places in it.
    PlacesByNation,
    /// `Type:code` of a record → disagreements concerning it.
    DisagreementsByRecord,
}

impl Index {
    pub const COUNT: usize = 22;
    pub const ALL: [Index; Index::COUNT] = [
        Index::ProjectsByParticipant,
        Index::ProjectsByArea,
        Index::ProjectsByObjective,
        Index::ProjectsByStrategy,
        Index::ObjectivesByStrategy,
        Index::ContractsByProject,
        Index::ContractsByBuyer,
        Index::ContractsBySupplier,
        Index::ContractsByFunder,
        Index::ContractsByBeneficiary,
        Index::OrganisationsByParent,
        Index::CitationsBySource,
        Index::EventsByProject,
        Index::EventsByContract,
        Index::EventsByStrategy,
        Index::EventsByHost,
        Index::PeopleByEvent,
        Index::PeopleByOffice,
        Index::PlacesByProject,
        Index::PlacesByEvent,
        Index::PlacesByNation,
        Index::DisagreementsByRecord,
    ];

    pub fn tree_name(self) -> &'static str {
        match self {
            Index::ProjectsByParticipant => "idx/projects-by-participant",
            Index::ProjectsByArea => "idx/projects-by-area",
            Index::ProjectsByObjective => "idx/projects-by-objective",
            Index::ProjectsByStrategy => "idx/projects-by-strategy",
            Index::ObjectivesByStrategy => "idx/objectives-by-strategy",
            Index::ContractsByProject => "idx/contracts-by-project",
            Index::ContractsByBuyer => "idx/contracts-by-buyer",
            Index::ContractsBySupplier => "idx/contracts-by-supplier",
            Index::ContractsByFunder => "idx/contracts-by-funder",
            Index::ContractsByBeneficiary => "idx/contracts-by-beneficiary",
            Index::OrganisationsByParent => "idx/organisations-by-parent",
            Index::CitationsBySource => "idx/citations-by-source",
            Index::EventsByProject => "idx/events-by-project",
            Index::EventsByContract => "idx/events-by-contract",
            Index::EventsByStrategy => "idx/events-by-strategy",
            Index::EventsByHost => "idx/events-by-host",
            Index::PeopleByEvent => "idx/people-by-event",
            Index::PeopleByOffice => "idx/people-by-office",
            Index::PlacesByProject => "idx/places-by-project",
            Index::PlacesByEvent => "idx/places-by-event",
            Index::PlacesByNation => "idx/places-by-nation",
            Index::DisagreementsByRecord => "idx/disagreements-by-record",
        }
    }
}

pub fn link_key(from: &str, to: &str) -> Vec<u8> {
    let mut key = link_prefix(from);
    key.extend_from_slice(to.as_bytes());
    key
}

pub fn link_prefix(from: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(from.len() + 1 + 16);
    key.extend_from_slice(from.as_bytes());
    key.push(0);
    key
}

/// Key, in the meta tree, of the number of records in a record tree.
pub fn count_key(tree: &str) -> Vec<u8> {
    link_key("count", tree)
}

/// The first key past every link of `from` (`from \1`), the end of its range.
pub fn prefix_end(from: &str) -> Vec<u8> {
    let mut key = link_prefix(from);
    key[from.len()] = 1;
    key
}

/// The `to` part of a link key.
pub fn link_target(key: &[u8], from: &str) -> Option<String> {
    key.get(from.len() + 1..).and_then(|to| std::str::from_utf8(to).ok()).map(str::to_owned)
}

/// Lookup keys: `TypeName \0 folded name or code`.
pub fn lookup_key(type_name: &str, folded: &str) -> Vec<u8> {
    link_key(type_name, folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_scan_never_matches_a_longer_code() {
        // "DEU" must not find links of a hypothetical "DEUX".
        assert!(!link_key("DEUX", "p").starts_with(&link_prefix("DEU")));
        assert!(link_key("DEU", "p").starts_with(&link_prefix("DEU")));
        assert_eq!(link_target(&link_key("DEU", "c-socc"), "DEU").as_deref(), Some("c-socc"));
        assert!(link_key("DEU", "\u{7f}zzz").as_slice() < prefix_end("DEU").as_slice());
        assert!(link_key("DEUX", "a").as_slice() > prefix_end("DEU").as_slice());
    }

    #[test]
    fn every_index_has_its_own_tree() {
        let names: std::collections::BTreeSet<_> = Index::ALL.iter().map(|i| i.tree_name()).collect();
        assert_eq!(names.len(), Index::ALL.len());
    }
}
