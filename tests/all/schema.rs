//! The committed SDLs are what the code generates: the public SDL (`schema/schema.graphql`,
//! `capgraph schema`) and the Apollo Federation v2 subgraph SDL (`schema/subgraph.graphql`,
//! `capgraph schema --subgraph`, `_service { sdl }`).
//! `UPDATE_SCHEMA=1 cargo test --test all schema::` rewrites them.

fn check(file: &str, generated: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema").join(file);
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "schema/{file} is stale: run `UPDATE_SCHEMA=1 cargo test --test all schema::` and commit it");
}

#[test]
fn committed_schema_matches_the_code() {
    check("schema.graphql", &capgraph::schema::sdl());
}

#[test]
fn committed_subgraph_schema_matches_the_code() {
    check("subgraph.graphql", capgraph::schema::subgraph_sdl());
}

/// The public SDL stays plain GraphQL (no federation directive a non-federation tool would not
/// know); the subgraph SDL links federation v2 and keys every record type by `code` and `id`.
#[test]
fn the_public_sdl_has_no_federation_directives_and_the_subgraph_sdl_keys_every_record() {
    let public = capgraph::schema::sdl();
    assert!(!public.contains(" @key(") && !public.contains("extend schema @link"), "the public SDL carries federation directives");
    let subgraph = capgraph::schema::subgraph_sdl();
    assert!(subgraph.contains("extend schema @link(") && subgraph.contains("url: \"https://specs.apollo.dev/federation/v2."));
    for kind in capgraph::model::RecordKind::ALL {
        let head = format!("type {} implements ", kind.type_name());
        let line = subgraph.lines().find(|l| l.starts_with(&head)).unwrap_or_else(|| panic!("no {head}"));
        assert!(line.ends_with("@key(fields: \"code\") @key(fields: \"id\") {"), "{line}");
    }
    for federation_own in ["_entities", "_service", "scalar _Any", "union _Entity", "type _Service"] {
        assert!(!subgraph.contains(federation_own), "the subgraph SDL holds {federation_own}");
    }
}
