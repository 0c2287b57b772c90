//! The fields root lists filter and order by, for every project, in memory: a few bytes per
//! project (at ×1000, 32,000 projects take about 5 MB), computed when the store is built and
//! read once when it opens. A filtered, ordered page then walks a precomputed order and decodes
//! only the page's records, instead of decoding every project to sort them per request.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{
    order::{sort_key, Direction},
    text::fold,
    PartialDate, Project, ProjectKind, ProjectStatus,
};

/// What a project list can be ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectSort {
    Name,
    Code,
    Launched,
    ParticipantCount,
}

impl ProjectSort {
    const ALL: [ProjectSort; 4] = [ProjectSort::Name, ProjectSort::Code, ProjectSort::Launched, ProjectSort::ParticipantCount];

    fn slot(self, direction: Direction) -> usize {
        self as usize * 2 + usize::from(direction == Direction::Desc)
    }
}

/// One project's filterable fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectRow {
    pub code: String,
    pub status: ProjectStatus,
    pub kind: ProjectKind,
    pub area: Option<String>,
    pub launched: Option<PartialDate>,
    /// Participant numbers (see [`ProjectFacets::participant`]), ascending.
    participants: Vec<u32>,
}

impl ProjectRow {
    /// Takes part, by participant number.
    pub fn has_participant(&self, participant: u32) -> bool {
        self.participants.binary_search(&participant).is_ok()
    }

    pub fn participant_count(&self) -> usize {
        self.participants.len()
    }
}

/// Every project's row, in code order, and each list order as row numbers.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProjectFacets {
    rows: Vec<ProjectRow>,
    participants: Vec<String>,
    /// Row numbers sorted by each [`ProjectSort`] in each direction (see `ProjectSort::slot`).
    orders: Vec<Vec<u32>>,
    #[serde(skip)]
    participant_numbers: HashMap<String, u32>,
}

impl ProjectFacets {
    pub fn build(projects: &[Project]) -> ProjectFacets {
        let mut projects: Vec<&Project> = projects.iter().collect();
        projects.sort_by(|a, b| a.code.cmp(&b.code));
        let mut participants: Vec<String> = projects.iter().flat_map(|p| p.participants.iter().map(|x| x.participant.clone())).collect();
        participants.sort();
        participants.dedup();
        let number = |code: &str| participants.binary_search_by(|p| p.as_str().cmp(code)).expect("collected above") as u32;
        let rows: Vec<ProjectRow> = projects
            .iter()
            .map(|p| {
                let mut numbers: Vec<u32> = p.participants.iter().map(|x| number(&x.participant)).collect();
                numbers.sort_unstable();
                numbers.dedup();
                ProjectRow {
                    code: p.code.clone(),
                    status: p.status,
                    kind: p.kind,
                    area: p.area.clone(),
                    launched: p.launched,
                    participants: numbers,
                }
            })
            .collect();
        let names: Vec<String> = projects.iter().map(|p| fold(&p.name)).collect();
        let mut orders = vec![Vec::new(); ProjectSort::ALL.len() * 2];
        for sort in ProjectSort::ALL {
            for direction in [Direction::Asc, Direction::Desc] {
                let mut order: Vec<u32> = (0..rows.len() as u32).collect();
                let code = |i: u32| rows[i as usize].code.as_str();
                match sort {
                    ProjectSort::Name => order.sort_by_key(|&i| sort_key(Some(&names[i as usize]), direction, code(i))),
                    ProjectSort::Code => order.sort_by_key(|&i| sort_key(Some(code(i)), direction, code(i))),
                    ProjectSort::Launched => {
                        order.sort_by_key(|&i| sort_key(rows[i as usize].launched.map(|l| l.start()), direction, code(i)))
                    }
                    ProjectSort::ParticipantCount => {
                        order.sort_by_key(|&i| sort_key(Some(rows[i as usize].participant_count()), direction, code(i)))
                    }
                }
                orders[sort.slot(direction)] = order;
            }
        }
        ProjectFacets { rows, participants, orders, participant_numbers: HashMap::new() }.indexed()
    }

    /// Fills what is not stored: the participant numbers by code.
    pub(super) fn indexed(mut self) -> ProjectFacets {
        self.participant_numbers = self.participants.iter().enumerate().map(|(i, code)| (code.clone(), i as u32)).collect();
        self
    }

    /// The number of a participant, `None` when it takes part in no project.
    pub fn participant(&self, code: &str) -> Option<u32> {
        self.participant_numbers.get(code).copied()
    }

    /// Every project's row in the order asked.
    pub fn ordered(&self, sort: ProjectSort, direction: Direction) -> impl Iterator<Item = &ProjectRow> {
        self.orders.get(sort.slot(direction)).into_iter().flatten().map(|&i| &self.rows[i as usize])
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(code: &str, name: &str, launched: Option<&str>, participants: &[&str]) -> Project {
        let json = serde_json::json!({
            "code": code, "name": name, "kind": "INITIATIVE", "purpose": "p", "status": "ESTABLISHED",
            "launched": launched,
            "participants": participants.iter().map(|p| serde_json::json!({ "participant": p, "role": "PARTICIPANT" })).collect::<Vec<_>>(),
            "sources": [],
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn orders_follow_the_list_rule_and_participants_are_found() {
        let facets = ProjectFacets::build(&[
            project("b", "Zulu", Some("2020"), &["FRA", "DEU"]),
            project("a", "alpha", None, &["DEU"]),
            project("c", "Ärger", Some("2020-01"), &[]),
        ]);
        let codes = |sort, direction| facets.ordered(sort, direction).map(|r| r.code.as_str()).collect::<Vec<_>>();
        assert_eq!(codes(ProjectSort::Name, Direction::Asc), ["a", "c", "b"], "names fold case and diacritics");
        assert_eq!(codes(ProjectSort::Launched, Direction::Asc), ["b", "c", "a"], "undated last, ties by code");
        assert_eq!(codes(ProjectSort::Launched, Direction::Desc), ["b", "c", "a"], "undated last either way");
        assert_eq!(codes(ProjectSort::Code, Direction::Desc), ["c", "b", "a"]);
        assert_eq!(codes(ProjectSort::ParticipantCount, Direction::Desc), ["b", "a", "c"]);
        let fra = facets.participant("FRA").unwrap();
        assert_eq!(facets.ordered(ProjectSort::Code, Direction::Asc).filter(|r| r.has_participant(fra)).count(), 1);
        assert_eq!(facets.participant("ITA"), None);
    }
}
