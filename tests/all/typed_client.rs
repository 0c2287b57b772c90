//! The example frontend queries in `examples/`, run through a typed client generated from the
//! committed SDL (`schema/schema.graphql`) by `graphql_client`, against the real HTTP server.
//!
//! Each query is posted as the generated request body, its answer is deserialized into the
//! generated response types (so a query that no longer matches the schema fails to compile, and
//! an answer that does not match the query's shape fails to deserialize), and the typed answer is
//! snapshot-tested with `insta` (`tests/all/snapshots/`). Re-serializing the typed answer writes the
//! fields in query order, whatever order the server wrote them in. With `CI=true` a missing or
//! different snapshot fails; to accept a deliberate change, run once with `INSTA_UPDATE=always`
//! and review the diff of `tests/all/snapshots/`.
//!
//! Besides the snapshots, a few facts are checked against the source texts themselves.

use crate::common;

use std::collections::BTreeSet;

use graphql_client::{GraphQLQuery, Response};

#[derive(GraphQLQuery)]
#[graphql(schema_path = "schema/schema.graphql", query_path = "examples/project_page.graphql", response_derives = "Debug, Serialize")]
struct ProjectPage;

#[derive(GraphQLQuery)]
#[graphql(schema_path = "schema/schema.graphql", query_path = "examples/nation_dashboard.graphql", response_derives = "Debug, Serialize")]
struct NationDashboard;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "schema/schema.graphql",
    query_path = "examples/france_germany_shared.graphql",
    response_derives = "Debug, Serialize"
)]
struct SharedProjects;

#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "schema/schema.graphql",
    query_path = "examples/strategy_objectives.graphql",
    response_derives = "Debug, Serialize"
)]
struct StrategyObjectives;

#[derive(GraphQLQuery)]
#[graphql(schema_path = "schema/schema.graphql", query_path = "examples/contracts_by_buyer.graphql", response_derives = "Debug, Serialize")]
struct ContractsByBuyer;

/// Posts `Q`'s generated request body to the real server and returns its typed `data`.
async fn run<Q: GraphQLQuery>(variables: Q::Variables) -> Q::ResponseData {
    let body = Q::build_query(variables);
    let operation = body.operation_name;
    let response = common::client().post(common::shared().url("/graphql")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{operation}: HTTP status");
    let text = response.text().await.unwrap();
    let response: Response<Q::ResponseData> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{operation}: the answer does not fit the generated types: {e}\n{text}"));
    assert!(response.errors.is_none(), "{operation}: unexpected errors: {:?}", response.errors);
    response.data.unwrap_or_else(|| panic!("{operation}: no data in {text}"))
}

/// Source text 001, "Multinational capability cooperation" (NATO), with whitespace folded.
fn nato_mcc_text() -> String {
    text("001_cab77a58b4532454.txt")
}

fn text(name: &str) -> String {
    let text = std::fs::read_to_string(common::fixtures_dir().join("texts").join(name)).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The HVPs (by name) whose "Participants:" line in the source text names every one of `names`.
fn hvps_with_all(names: &[&str]) -> BTreeSet<String> {
    common::hvps_in_source_text()
        .into_iter()
        .filter(|hvp| names.iter().all(|name| hvp.participants.iter().any(|p| p == name)))
        .map(|hvp| hvp.name)
        .collect()
}

#[tokio::test]
async fn project_page() {
    let data = run::<ProjectPage>(project_page::Variables { code: "c-socc".into() }).await;
    insta::assert_json_snapshot!("project_page", data);

    use project_page::ProjectPageProjectParticipantsParticipant as P;
    let project = data.project.expect("c-socc exists");
    let codes: Vec<&str> = project
        .participants
        .iter()
        .map(|p| match p.participant.as_ref().expect("participant resolves") {
            P::Nation(n) => n.code.as_str(),
            P::Organisation(o) => o.code.as_str(),
        })
        .collect();
    // "Participants: Belgium, Denmark and the Netherlands"
    assert_eq!(codes, ["BEL", "DNK", "NLD"]);
    let text = nato_mcc_text();
    assert!(text.contains("Participants: Belgium, Denmark and the Netherlands"));
    let from_text = common::hvps_in_source_text().into_iter().find(|h| h.name == project.name).expect("C-SOCC is in the text");
    assert_eq!(from_text.participants, ["Belgium", "Denmark", "Netherlands"]);
    let names: Vec<&str> = project
        .participants
        .iter()
        .map(|p| match p.participant.as_ref().unwrap() {
            P::Nation(n) => n.name.as_str(),
            P::Organisation(o) => o.name.as_str(),
        })
        .collect();
    assert_eq!(names, from_text.participants);
    // "Status: Established and delivering. C-SOCC was launched in February 2017 and became fully
    // operational in December 2020."
    assert!(text.contains("Status: Established and delivering. C-SOCC was launched in February 2017"));
    assert!(matches!(project.status, project_page::ProjectStatus::ESTABLISHED_AND_DELIVERING));
    assert_eq!(project.launched.unwrap().iso, "2017-02");
    assert_eq!(project.acronym.as_deref(), Some("C-SOCC"));
    // Each participant's other projects include this one.
    for p in &project.participants {
        let (total, codes): (i64, Vec<&str>) = match p.participant.as_ref().unwrap() {
            P::Nation(n) => (n.projects.total_count, n.projects.nodes.iter().map(|n| n.code.as_str()).collect()),
            P::Organisation(o) => (o.projects.total_count, o.projects.nodes.iter().map(|n| n.code.as_str()).collect()),
        };
        assert!(codes.contains(&"c-socc"), "{codes:?}");
        assert_eq!(total as usize, codes.len(), "one page holds them all");
    }
    for citation in &project.sources {
        assert!(text.contains(&citation.quote), "quote not in the text: {:?}", citation.quote);
    }
}

#[tokio::test]
async fn nation_dashboard() {
    let data = run::<NationDashboard>(nation_dashboard::Variables { code: "LUX".into() }).await;
    insta::assert_json_snapshot!("nation_dashboard", data);

    let nation = data.nation.expect("Luxembourg exists");
    assert_eq!((nation.code.as_str(), nation.alpha2.as_str(), nation.name.as_str()), ("LUX", "LU", "Luxembourg"));
    // Luxembourg takes part in exactly the HVPs whose "Participants:" line names it.
    let projects: BTreeSet<String> = nation.projects.edges.iter().map(|e| e.node.name.clone()).collect();
    let expected = hvps_with_all(&["Luxembourg"]);
    assert_eq!(projects, expected);
    assert_eq!(nation.project_count as usize, expected.len());
    assert_eq!(nation.projects.total_count as usize, expected.len());
    // "Luxembourg's early contribution of EUR 16.5 million has laid the groundwork" (for APSS).
    assert!(nato_mcc_text().contains("Luxembourg's early contribution of EUR 16.5 million"));
    let [funding] = nation.funded.nodes.as_slice() else { panic!("one funding record: {:?}", nation.funded.nodes) };
    let value = funding.value.as_ref().expect("valued");
    assert_eq!((value.amount.as_str(), value.currency.as_str(), value.approximate), ("16500000", "EUR", false));
    assert_eq!(funding.project.as_ref().unwrap().code, "apss");
}

#[tokio::test]
async fn france_germany_shared() {
    let nations = vec!["France".to_owned(), "DEU".to_owned()];
    let data = run::<SharedProjects>(shared_projects::Variables { nations }).await;
    insta::assert_json_snapshot!("france_germany_shared", data);

    use shared_projects::SharedProjectsProjectsNodesParticipantsParticipant as P;
    let projects = &data.projects;
    assert_eq!(projects.total_count as usize, projects.nodes.len());
    for project in &projects.nodes {
        let codes: Vec<&str> = project
            .participants
            .iter()
            .filter_map(|p| match p.participant.as_ref()? {
                P::Nation(n) => Some(n.code.as_str()),
                P::Organisation(_) => None,
            })
            .collect();
        assert!(codes.contains(&"FRA") && codes.contains(&"DEU"), "{}: {codes:?}", project.code);
    }
    // Every HVP whose "Participants:" line names both France and Germany, and no other.
    let names: BTreeSet<String> = projects.nodes.iter().map(|p| p.name.clone()).collect();
    let expected = hvps_with_all(&["France", "Germany"]);
    assert!(!expected.is_empty());
    assert_eq!(names, expected);
}

#[tokio::test]
async fn strategy_objectives() {
    let data = run::<StrategyObjectives>(strategy_objectives::Variables { code: "commercial-space-strategy".into() }).await;
    insta::assert_json_snapshot!("strategy_objectives", data);

    let strategy = data.strategy.expect("the Commercial Space Strategy exists");
    assert_eq!(strategy.title, "Commercial Space Strategy");
    // The NATO text lists "Objective 1: Leverage the use of commercial solutions", ...
    let text = text("002_7daf749271317a6b.txt");
    let numbers: Vec<i64> = strategy.objectives.iter().map(|o| o.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    for objective in &strategy.objectives {
        let heading = format!("Objective {}: {}", objective.number, objective.title);
        assert!(text.contains(&heading), "not in the text: {heading:?}");
        assert!(!objective.lines_of_effort.is_empty(), "objective {} has lines of effort", objective.number);
        for line in &objective.lines_of_effort {
            assert!(text.contains(&line.title), "line of effort not in the text: {:?}", line.title);
        }
    }
    // The text words objective 3 both "Ensure coherence" and "Enhance coherence": the note says so.
    assert!(text.contains("Objective 3: Ensure coherence") && text.contains("Objective 3: Enhance coherence"));
    assert!(strategy.objectives[2].note.as_deref().unwrap_or_default().contains("Enhance coherence"));
    let served: BTreeSet<&str> = strategy.objectives.iter().flat_map(|o| o.projects.nodes.iter().map(|p| p.code.as_str())).collect();
    let implementing: BTreeSet<&str> = strategy.projects.nodes.iter().map(|p| p.code.as_str()).collect();
    assert!(served.is_subset(&implementing), "{served:?} ⊄ {implementing:?}");
}

#[tokio::test]
async fn contracts_by_buyer() {
    let data = run::<ContractsByBuyer>(contracts_by_buyer::Variables { buyer: "NSPA".into() }).await;
    insta::assert_json_snapshot!("contracts_by_buyer", data);

    let contracts = &data.contracts;
    assert_eq!(contracts.total_count as usize, contracts.nodes.len());
    for c in &contracts.nodes {
        assert_eq!(c.buyer.as_ref().map(|b| b.code.as_str()), Some("NSPA"), "{}", c.code);
    }
    let signed: Vec<&str> = contracts.nodes.iter().map(|c| c.signed.as_ref().map_or("", |d| d.iso.as_str())).collect();
    assert!(signed.windows(2).all(|w| w[0] <= w[1]), "oldest first: {signed:?}");
    let value = |code: &str| {
        let c = contracts.nodes.iter().find(|c| c.code == code).unwrap_or_else(|| panic!("no {code}"));
        c.value.as_ref().map(|v| (v.amount.clone(), v.currency.clone(), v.approximate))
    };
    // "the alliance on Tuesday [...] signed a nearly $700 million contract enabling member
    // countries to produce more anti-aircraft Stinger missiles": the text names no agency, so the
    // buyer is NATO, not NSPA, and the year (not printed) is marked as inferred.
    assert!(text("004_54af43119e78d015.txt")
        .contains("the alliance on Tuesday moved toward a major boost in arms production as it signed a nearly $700 million contract"));
    assert!(contracts.nodes.iter().all(|c| c.code != "nato-stinger-2024"));
    let nato = run::<ContractsByBuyer>(contracts_by_buyer::Variables { buyer: "NATO".into() }).await;
    let stinger = nato.contracts.nodes.iter().find(|c| c.code == "nato-stinger-2024").expect("the Stinger contract is NATO's");
    let stinger_value = stinger.value.as_ref().map(|v| (v.amount.clone(), v.currency.clone(), v.approximate));
    assert_eq!(stinger_value, Some(("700000000".into(), "USD".into(), true)));
    assert!(stinger.note.as_deref().is_some_and(|n| !n.contains("brief") && !n.contains("README")), "{:?}", stinger.note);
    // "several new framework contracts by the NATO Support and Procurement Agency( NSPA) since
    // January 2025, worth 4.7 billion euros, for critical munitions"
    let ismr = text("000_69ef6e1010583e7e.txt");
    assert!(ismr.contains("since January 2025, worth 4.7 billion euros, for critical munitions"));
    assert_eq!(value("nspa-munitions-framework-contracts-2025"), Some(("4700000000".into(), "EUR".into(), false)));
    // "signed a contract with Airbus Defence and Space for the acquisition of two additional A330
    // Multi Role Tanker Transport( MRTT) aircraft"
    assert!(ismr.contains("signed a contract with Airbus Defence and Space for the acquisition of two additional A330"));
    let mrtt = contracts.nodes.iter().find(|c| c.code == "nspa-airbus-a330-mrtt-2025").unwrap();
    assert_eq!(mrtt.quantity, Some(2));
    assert_eq!(mrtt.supplier.as_ref().map(|s| s.code.as_str()), Some("AIRBUS-DS"));
}

/// Every `examples/*.graphql` file is run by a test here and listed in the README.
#[test]
fn every_example_is_tested_and_documented() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let section = readme.split("\n## Example queries").nth(1).expect("README has an \"## Example queries\" section");
    let section = section.split("\n## ").next().unwrap();
    let this = include_str!("typed_client.rs");
    let mut files: Vec<String> = std::fs::read_dir(common::repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".graphql"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{files:?}");
    for file in &files {
        let path = format!("examples/{file}");
        assert!(section.contains(&format!("`{path}`")), "README's \"## Example queries\" does not list `{path}`");
        assert!(this.contains(&format!("query_path = \"{path}\"")), "tests/all/typed_client.rs does not run {path}");
        let snapshot = format!("assert_json_snapshot!(\"{}\"", file.trim_end_matches(".graphql"));
        assert!(this.contains(&snapshot), "tests/all/typed_client.rs does not snapshot {path}");
    }
}
