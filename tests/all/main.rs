//! Every integration test, as one test binary with a module per concern (linking the library
//! once, not once per file). Tests that need a server start it themselves on a free loopback port
//! (`common`). Run one module with `cargo test --test all <module>::`.

mod common;

mod actors;
mod analysts;
mod api;
mod browser;
mod differential;
mod events;
mod federation;
mod field_order;
mod figures;
mod fixtures_crosscheck;
mod hardening;
mod http_audit;
mod http_caching;
mod inferences;
mod operations;
mod people;
mod places;
mod properties;
mod provenance;
mod query_power;
mod schema;
mod startup;
mod store_safety;
mod timeline;
mod typed_client;
