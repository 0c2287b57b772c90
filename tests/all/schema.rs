//! The committed SDL is what the code generates. `UPDATE_SCHEMA=1 cargo test --test all schema::` rewrites it.

#[test]
fn committed_schema_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/schema.graphql");
    let generated = capgraph::schema::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "schema/schema.graphql is stale: run `UPDATE_SCHEMA=1 cargo test --test all schema::` and commit it");
}
