//! Relay connections: one windowing rule for every list, root or nested.
//!
//! Lists are ordered with the record code as the last tie-break, and a cursor names the code of
//! its record, so a cursor stays valid and paging never skips or repeats a record.

use std::sync::Arc;

use async_graphql::{
    connection::{Connection, ConnectionNameType, DefaultConnectionName, DefaultEdgeName, Edge, EdgeNameType, EmptyFields},
    Context, ObjectType, OutputType, Result, SimpleObject,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use super::{errors::bad_input, loaders};
use crate::store::{Index, Stored};

/// Page sizes: `first`/`last` default to `default` and may not exceed `max`.
#[derive(Debug, Clone, Copy)]
pub struct PageLimits {
    pub default: usize,
    pub max: usize,
}

impl Default for PageLimits {
    fn default() -> Self {
        PageLimits { default: 50, max: 200 }
    }
}

/// The Relay paging arguments of one field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// The `totalCount` every connection carries.
#[derive(SimpleObject)]
pub struct TotalCount {
    /// Number of records in the whole list (all pages) after filtering.
    pub total_count: usize,
}

pub type Conn<N, E = EmptyFields, Name = DefaultConnectionName, EdgeName = DefaultEdgeName> =
    Connection<String, N, TotalCount, E, Name, EdgeName>;

const CURSOR_PREFIX: &str = "c1:";

pub fn encode_cursor(code: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{code}"))
}

fn decode_cursor(argument: &str, cursor: &str) -> Result<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX).map(str::to_owned))
        .ok_or_else(|| bad_input(format!("`{argument}` is not a cursor from this API: {cursor:?}")))
}

/// The part of an ordered list that one page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    pub has_previous: bool,
    pub has_next: bool,
}

fn size(ctx: &Context<'_>, argument: &str, value: Option<i32>) -> Result<Option<usize>> {
    let limits = ctx.data_opt::<PageLimits>().copied().unwrap_or_default();
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(bad_input(format!("`{argument}` must not be negative, got {n}"))),
        Some(n) if n as usize > limits.max => Err(bad_input(format!("`{argument}` may be at most {}, got {n}", limits.max))),
        Some(n) => Ok(Some(n as usize)),
    }
}

/// Applies `after`/`before`, then `first`/`last`, to a list of `len` records whose codes `code_at` gives.
pub fn window(ctx: &Context<'_>, args: &PageArgs, len: usize, code_at: impl Fn(usize) -> String) -> Result<Window> {
    let first = size(ctx, "first", args.first)?;
    let last = size(ctx, "last", args.last)?;
    if first.is_some() && last.is_some() {
        return Err(bad_input("pass `first` or `last`, not both"));
    }
    let find = |argument: &str, cursor: &str| -> Result<usize> {
        let code = decode_cursor(argument, cursor)?;
        (0..len)
            .find(|&i| code_at(i) == code)
            .ok_or_else(|| bad_input(format!("`{argument}` cursor does not point into this list (record {code:?} is not in it)")))
    };
    let mut start = 0;
    let mut end = len;
    if let Some(after) = &args.after {
        start = find("after", after)? + 1;
    }
    if let Some(before) = &args.before {
        end = find("before", before)?.max(start);
    }
    let default = ctx.data_opt::<PageLimits>().copied().unwrap_or_default().default;
    match (first, last) {
        (_, Some(last)) => start = start.max(end.saturating_sub(last)),
        (first, None) => end = end.min(start + first.unwrap_or(default)),
    }
    Ok(Window { start, end, has_previous: start > 0, has_next: end < len })
}

/// Builds a connection page from an ordered list of `(code, node, edge fields)`.
pub fn connection<N, E, Name, EdgeName>(
    ctx: &Context<'_>,
    args: &PageArgs,
    items: Vec<(String, N, E)>,
) -> Result<Conn<N, E, Name, EdgeName>>
where
    N: OutputType,
    E: ObjectType,
    Name: ConnectionNameType,
    EdgeName: EdgeNameType,
{
    let total_count = items.len();
    let w = window(ctx, args, total_count, |i| items[i].0.clone())?;
    page_of(w, total_count, items.into_iter().skip(w.start).take(w.end - w.start))
}

/// Builds a connection from a window already applied and the page's items.
pub fn page_of<N, E, Name, EdgeName>(
    w: Window,
    total_count: usize,
    items: impl IntoIterator<Item = (String, N, E)>,
) -> Result<Conn<N, E, Name, EdgeName>>
where
    N: OutputType,
    E: ObjectType,
    Name: ConnectionNameType,
    EdgeName: EdgeNameType,
{
    let mut conn = Connection::with_additional_fields(w.has_previous, w.has_next, TotalCount { total_count });
    conn.edges.extend(items.into_iter().map(|(code, node, fields)| Edge::with_additional_fields(encode_cursor(&code), node, fields)));
    Ok(conn)
}

/// A connection over the records an index links to, loading only the page's records.
pub async fn linked<T, N>(ctx: &Context<'_>, index: Index, from: &str, args: &PageArgs) -> Result<Conn<N>>
where
    T: Stored,
    N: OutputType + From<Arc<T>>,
{
    let links = loaders::links(ctx, index, from).await?;
    let w = window(ctx, args, links.len(), |i| links[i].to.clone())?;
    let codes: Vec<String> = links[w.start..w.end].iter().map(|l| l.to.clone()).collect();
    let records = loaders::many::<T>(ctx, &codes).await?;
    page_of(w, links.len(), records.into_iter().map(|r| (r.code().to_owned(), N::from(r), EmptyFields)))
}
