//! The fields root lists filter and order by, for every project, in memory: a few bytes per
//! project (bench/README.md gives its size at ×1000), computed when the store is built and
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

/// Projects picked by [`ProjectFacets::selection`]: one bit per row, and the order to read them in.
#[derive(Debug)]
pub struct Selection {
    bits: Vec<u64>,
    len: usize,
    slot: usize,
}

impl Selection {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn has(&self, row: u32) -> bool {
        self.bits.get(row as usize / 64).is_some_and(|word| word & (1 << (row % 64)) != 0)
    }

    /// The selected rows in the order asked, as far as the caller reads.
    fn walk<'f>(&'f self, facets: &'f ProjectFacets) -> impl Iterator<Item = u32> + 'f {
        facets.orders.get(self.slot).into_iter().flatten().copied().filter(|&row| self.has(row))
    }

    /// The row numbers at `range` of the selection's order.
    pub fn rows(&self, facets: &ProjectFacets, range: std::ops::Range<usize>) -> Vec<u32> {
        self.walk(facets).skip(range.start).take(range.len()).collect()
    }

    /// Where the project `code` stands in the selection's order, if it is selected.
    pub fn position(&self, facets: &ProjectFacets, code: &str) -> Option<usize> {
        let row = facets.rows.binary_search_by(|r| r.code.as_str().cmp(code)).ok()? as u32;
        self.has(row).then(|| self.walk(facets).position(|r| r == row)).flatten()
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
    pub fn participant_count(&self) -> usize {
        self.participants.len()
    }
}

/// The fields filters test, a few bytes per project side by side, so that a filter scans
/// memory in order rather than hopping between rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filterable {
    pub status: ProjectStatus,
    pub kind: ProjectKind,
    /// Area number ([`ProjectFacets::area`]), or [`ProjectFacets::NONE`].
    pub area: u32,
    pub launched: Option<PartialDate>,
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
    /// Row numbers of each participant's projects, by participant number.
    #[serde(skip)]
    rows_of: Vec<Vec<u32>>,
    /// Each row's [`Filterable`], by row number.
    #[serde(skip)]
    filterable: Vec<Filterable>,
    #[serde(skip)]
    area_numbers: HashMap<String, u32>,
}

impl ProjectFacets {
    /// A participant number that takes part in no project.
    pub const NONE: u32 = u32::MAX;

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
        ProjectFacets { rows, participants, orders, ..ProjectFacets::default() }.indexed()
    }

    /// Fills what is not stored: the participant and area numbers by code, each participant's
    /// rows, the filterable fields side by side.
    pub(super) fn indexed(mut self) -> ProjectFacets {
        for area in self.rows.iter().filter_map(|r| r.area.as_ref()) {
            let next = self.area_numbers.len() as u32;
            self.area_numbers.entry(area.clone()).or_insert(next);
        }
        self.filterable = self
            .rows
            .iter()
            .map(|r| Filterable {
                status: r.status,
                kind: r.kind,
                area: r.area.as_ref().and_then(|a| self.area_numbers.get(a)).copied().unwrap_or(Self::NONE),
                launched: r.launched,
            })
            .collect();
        self.participant_numbers = self.participants.iter().enumerate().map(|(i, code)| (code.clone(), i as u32)).collect();
        self.rows_of = vec![Vec::new(); self.participants.len()];
        for (row, project) in self.rows.iter().enumerate() {
            for &participant in &project.participants {
                if let Some(rows) = self.rows_of.get_mut(participant as usize) {
                    rows.push(row as u32);
                }
            }
        }
        self
    }

    /// The number of an area, `None` when no project is in it.
    pub fn area(&self, code: &str) -> Option<u32> {
        self.area_numbers.get(code).copied()
    }

    /// The number of a participant, `None` when it takes part in no project.
    pub fn participant(&self, code: &str) -> Option<u32> {
        self.participant_numbers.get(code).copied()
    }

    /// Every project's row in the order asked.
    pub fn ordered(&self, sort: ProjectSort, direction: Direction) -> impl Iterator<Item = &ProjectRow> {
        self.orders.get(sort.slot(direction)).into_iter().flatten().map(|&i| &self.rows[i as usize])
    }

    /// The projects that every one of `participants` takes part in and that `keep` keeps, as a
    /// set to read in the order asked. The filters run over the rows in storage order (a
    /// sequential scan of [`Filterable`]s) into a bit set; a page then walks the order testing
    /// one bit per project, only as far as the page, so neither touches a row at random and a
    /// first page does not order the whole list. [`ProjectFacets::NONE`] takes part in nothing.
    pub fn selection(
        &self,
        participants: &[u32],
        keep: impl Fn(&Filterable) -> bool,
        sort: ProjectSort,
        direction: Direction,
    ) -> Selection {
        let words = self.rows.len().div_ceil(64);
        let mark = |rows: &mut dyn Iterator<Item = u32>| {
            let mut bits = vec![0u64; words];
            for row in rows {
                bits[row as usize / 64] |= 1 << (row % 64);
            }
            bits
        };
        let rows_of = |participant: u32| self.rows_of.get(participant as usize).map(Vec::as_slice).unwrap_or_default();
        // Only the rows of the participant with the fewest projects are tested, against the
        // others' bit sets; with no participant asked, every row is.
        let mut participants: Vec<u32> = participants.to_vec();
        participants.sort_by_key(|&p| rows_of(p).len());
        let others: Vec<Vec<u64>> = participants.iter().skip(1).map(|&p| mark(&mut rows_of(p).iter().copied())).collect();
        let in_others = |row: u32| others.iter().all(|bits| bits[row as usize / 64] & (1 << (row % 64)) != 0);
        let candidates: Box<dyn Iterator<Item = u32>> = match participants.first() {
            Some(&fewest) => Box::new(rows_of(fewest).iter().copied()),
            None => Box::new(0..self.rows.len() as u32),
        };
        let bits = mark(&mut candidates.filter(|&row| in_others(row) && keep(&self.filterable[row as usize])));
        let len = bits.iter().map(|word| word.count_ones() as usize).sum();
        Selection { bits, len, slot: sort.slot(direction) }
    }

    /// One row by number (from [`ProjectFacets::select`]).
    pub fn row(&self, number: u32) -> &ProjectRow {
        &self.rows[number as usize]
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
            "participants": participants.iter().map(|p| serde_json::json!({ "participant": p, "roles": ["PARTICIPANT"] })).collect::<Vec<_>>(),
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
        let (fra, deu) = (facets.participant("FRA").unwrap(), facets.participant("DEU").unwrap());
        let taken = |who: &[u32]| {
            let selection = facets.selection(who, |_| true, ProjectSort::Name, Direction::Asc);
            selection.rows(&facets, 0..selection.len()).into_iter().map(|n| facets.row(n).code.as_str()).collect::<Vec<_>>()
        };
        assert_eq!(taken(&[fra]), ["b"]);
        assert_eq!(taken(&[deu]), ["a", "b"]);
        assert_eq!(taken(&[deu, fra]), ["b"]);
        assert_eq!(taken(&[]), ["a", "c", "b"], "no participant asked: every project");
        assert!(taken(&[deu, ProjectFacets::NONE]).is_empty());
        let dated = facets.selection(&[], |r| r.launched.is_some(), ProjectSort::Launched, Direction::Desc);
        let codes = |rows: Vec<u32>| rows.into_iter().map(|n| facets.row(n).code.as_str()).collect::<Vec<_>>();
        assert_eq!(codes(dated.rows(&facets, 0..dated.len())), ["b", "c"]);
        assert_eq!(codes(dated.rows(&facets, 1..2)), ["c"], "a page walks the order from its start");
        assert_eq!((dated.position(&facets, "c"), dated.position(&facets, "a")), (Some(1), None), "an unselected code has no place");
        assert_eq!(facets.participant("ITA"), None);
    }
}
