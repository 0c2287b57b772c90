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
use crate::store::{Index, Link, LinkPage, LinkWindow, Stored, Take};

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

/// The paging arguments checked: sizes within limits, cursors decoded, the default size applied.
pub fn link_window(ctx: &Context<'_>, args: &PageArgs) -> Result<LinkWindow> {
    let first = size(ctx, "first", args.first)?;
    let last = size(ctx, "last", args.last)?;
    let take = match (first, last) {
        (Some(_), Some(_)) => return Err(bad_input("pass `first` or `last`, not both")),
        (_, Some(last)) => Take::Last(last),
        (first, None) => Take::First(first.unwrap_or(ctx.data_opt::<PageLimits>().copied().unwrap_or_default().default)),
    };
    let after = args.after.as_deref().map(|c| decode_cursor("after", c)).transpose()?;
    let before = args.before.as_deref().map(|c| decode_cursor("before", c)).transpose()?;
    Ok(LinkWindow { after, before, take })
}

fn unknown_cursor(argument: &str, code: &str) -> async_graphql::Error {
    bad_input(format!("`{argument}` cursor does not point into this list (record {code:?} is not in it)"))
}

/// Applies `after`/`before`, then `first`/`last`, to a list of `len` records whose codes `code_at` gives.
pub fn window<'a>(ctx: &Context<'_>, args: &PageArgs, len: usize, code_at: impl Fn(usize) -> &'a str) -> Result<Window> {
    let spec = link_window(ctx, args)?;
    let find = |argument: &str, code: &str| -> Result<usize> {
        (0..len).find(|&i| code_at(i) == code).ok_or_else(|| unknown_cursor(argument, code))
    };
    let mut start = 0;
    let mut end = len;
    if let Some(after) = &spec.after {
        start = find("after", after)? + 1;
    }
    if let Some(before) = &spec.before {
        end = find("before", before)?.max(start);
    }
    match spec.take {
        Take::Last(last) => start = start.max(end.saturating_sub(last)),
        Take::First(first) => end = end.min(start + first),
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
    let w = window(ctx, args, total_count, |i| items[i].0.as_str())?;
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

/// One page of the links of `from` through `index` (a key range, not the whole list), and how
/// many links it has in all; both asked in the same batch.
pub struct LinkSlice {
    pub links: Vec<Link>,
    pub has_previous: bool,
    pub has_next: bool,
    pub total_count: usize,
}

impl LinkSlice {
    pub async fn read(ctx: &Context<'_>, index: Index, from: &str, args: &PageArgs) -> Result<LinkSlice> {
        let window = link_window(ctx, args)?;
        let (page, total_count) =
            futures_util::try_join!(loaders::link_window(ctx, index, from, window), loaders::link_count(ctx, index, from))?;
        match page.as_ref() {
            LinkPage::Page { links, has_previous, has_next } => {
                Ok(LinkSlice { links: links.clone(), has_previous: *has_previous, has_next: *has_next, total_count })
            }
            LinkPage::UnknownCursor { argument, code } => Err(unknown_cursor(argument, code)),
        }
    }

    /// The page's window, counted within the page (what [`page_of`] needs are the flags).
    pub fn window(&self) -> Window {
        Window { start: 0, end: self.links.len(), has_previous: self.has_previous, has_next: self.has_next }
    }

    pub fn codes(&self) -> Vec<String> {
        self.links.iter().map(|l| l.to.clone()).collect()
    }
}

/// A connection over the records an index links to, reading only the page's links and records.
pub async fn linked<T, N>(ctx: &Context<'_>, index: Index, from: &str, args: &PageArgs) -> Result<Conn<N>>
where
    T: Stored,
    N: OutputType + From<Arc<T>>,
{
    let slice = LinkSlice::read(ctx, index, from, args).await?;
    let records = loaders::many::<T>(ctx, &slice.codes()).await?;
    page_of(slice.window(), slice.total_count, records.into_iter().map(|r| (r.code().to_owned(), N::from(r), EmptyFields)))
}
