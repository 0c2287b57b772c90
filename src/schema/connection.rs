//! Relay connections: one windowing rule for every list, root or nested, and the connection,
//! edge and `PageInfo` types.
//!
//! Lists are ordered with the record code as the last tie-break, and a cursor names the code of
//! its record, so a cursor stays valid and paging never skips or repeats a record.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};

use super::{
    args::Args,
    def::{Fail, Object, Res, TypeDef},
    fetch::Ctx,
    obj::{Obj, ObjType, Out},
    FieldError, PageLimits,
};
use crate::{
    model::{RecordKind, Role},
    store::{Index, LinkMeta, LinkPage, LinkWindow, Take},
};

const CURSOR_PREFIX: &str = "c1:";

pub fn encode_cursor(code: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{code}"))
}

fn decode_cursor(argument: &str, cursor: &str) -> Result<String, FieldError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(CURSOR_PREFIX).map(str::to_owned))
        .ok_or_else(|| FieldError::NotACursor { argument: argument.to_owned(), cursor: cursor.to_owned() })
}

fn unknown_cursor(argument: &str, code: &str) -> FieldError {
    FieldError::CursorNotInList { argument: argument.to_owned(), code: code.to_owned() }
}

fn size(limits: PageLimits, argument: &str, value: Option<i64>) -> Result<Option<usize>, FieldError> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(FieldError::NegativeSize { argument: argument.to_owned(), value: n }),
        Some(n) if n as u64 > limits.max as u64 => {
            Err(FieldError::SizeTooLarge { argument: argument.to_owned(), max: limits.max as u64, value: n })
        }
        Some(n) => Ok(Some(n as usize)),
    }
}

/// The paging arguments checked: sizes within limits, cursors decoded, the default size applied.
pub fn link_window(args: &Args, limits: PageLimits) -> Result<LinkWindow, FieldError> {
    let first = size(limits, "first", args.int("first"))?;
    let last = size(limits, "last", args.int("last"))?;
    let take = match (first, last) {
        (Some(_), Some(_)) => return Err(FieldError::FirstAndLast),
        (_, Some(last)) => Take::Last(last),
        (first, None) => Take::First(first.unwrap_or(limits.default)),
    };
    let after = args.string("after").map(|c| decode_cursor("after", c)).transpose()?;
    let before = args.string("before").map(|c| decode_cursor("before", c)).transpose()?;
    Ok(LinkWindow { after, before, take })
}

/// The part of an ordered list that one page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    pub has_previous: bool,
    pub has_next: bool,
}

/// Applies `after`/`before`, then `first`/`last`, to a list of `len` records whose codes `code_at` gives.
pub fn window<'a>(args: &Args, limits: PageLimits, len: usize, code_at: impl Fn(usize) -> &'a str) -> Result<Window, FieldError> {
    window_by(args, limits, len, |code| (0..len).find(|&i| code_at(i) == code))
}

/// [`window`] over a list that finds a code's place itself (`position`), without being walked.
pub fn window_by(args: &Args, limits: PageLimits, len: usize, position: impl Fn(&str) -> Option<usize>) -> Result<Window, FieldError> {
    let spec = link_window(args, limits)?;
    let find = |argument: &str, code: &str| position(code).ok_or_else(|| unknown_cursor(argument, code));
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

/// One record of a page: its code (the cursor), its object and, for participations, the link.
pub struct Item {
    pub code: String,
    pub node: Obj,
    pub link: Option<LinkMeta>,
}

/// One page of a connection, what its connection, edge and `PageInfo` objects hold.
pub struct Page {
    pub items: Vec<Item>,
    pub has_previous: bool,
    pub has_next: bool,
    pub total_count: usize,
    /// The whole list the page was cut from, for what a connection gives over every page.
    pub whole: Whole,
    edge: ObjType,
}

/// The whole list (every page) behind a page, for aggregates over it such as a contract list's
/// value per currency. Kept as cheaply as it was had: what a root list already holds, the links
/// a filter read, or the index a page was read from.
pub enum Whole {
    /// Not kept: no aggregate over this list needs it.
    NotKept,
    /// The list's records, held in memory when the page was cut (a `Vec<Arc<T>>`).
    Records(Arc<dyn std::any::Any + Send + Sync>),
    /// The codes of the list's records, in order.
    Codes(Vec<String>),
    /// Every record `from` links to through the index.
    Linked(Index, String),
}

/// The connection object of a page.
pub fn page(connection: ObjType, edge: ObjType, w: Window, total_count: usize, items: Vec<Item>, whole: Whole) -> Out<'static> {
    let page = Page { items, has_previous: w.has_previous, has_next: w.has_next, total_count, whole, edge };
    Out::Obj(Obj::new(connection, Arc::new(page)))
}

/// A page over a list held in memory, ordered: the window applied, then `item` for each record in it.
pub fn page_of_list<T>(
    args: &Args,
    cx: &Ctx<'_>,
    (connection, edge): (ObjType, ObjType),
    list: &[T],
    code: impl Fn(&T) -> &str,
    item: impl Fn(&T) -> Item,
    whole: impl FnOnce() -> Whole,
) -> Res<'static> {
    let w = window(args, cx.page, list.len(), |i| code(&list[i]))?;
    Ok(page(connection, edge, w, list.len(), list[w.start..w.end].iter().map(item).collect(), whole()))
}

/// The page of the records `from` links to through `index`, reading only the page's links (a
/// key range) and records, with the total from the stored link counts; both asked in one round.
pub fn linked(
    args: &Args,
    cx: &Ctx<'_>,
    index: Index,
    from: &str,
    kind: RecordKind,
    (connection, edge): (ObjType, ObjType),
) -> Res<'static> {
    let spec = link_window(args, cx.page)?;
    let window = cx.window(index, from, &spec);
    let total = cx.count(index, from);
    let (window, total_count) = (window?, total?);
    let (links, has_previous, has_next) = match window.as_ref() {
        LinkPage::Page { links, has_previous, has_next } => (links, *has_previous, *has_next),
        LinkPage::UnknownCursor { argument, code } => return Err(unknown_cursor(argument, code).into()),
    };
    let nodes = cx.record_objs(kind, links.iter().map(|l| l.to.as_str()))?;
    let items = links.iter().zip(nodes).map(|(link, node)| Item { code: link.to.clone(), node, link: Some(link.meta.clone()) }).collect();
    let w = Window { start: 0, end: 0, has_previous, has_next };
    Ok(page(connection, edge, w, total_count, items, Whole::Linked(index, from.to_owned())))
}

/// A page over links already read in full (when a filter on the link's value applies).
pub fn page_of_links(
    args: &Args,
    cx: &Ctx<'_>,
    links: &[crate::store::Link],
    kind: RecordKind,
    (connection, edge): (ObjType, ObjType),
) -> Res<'static> {
    let w = window(args, cx.page, links.len(), |i| links[i].to.as_str())?;
    let page_links = &links[w.start..w.end];
    let nodes = cx.record_objs(kind, page_links.iter().map(|l| l.to.as_str()))?;
    let items =
        page_links.iter().zip(nodes).map(|(link, node)| Item { code: link.to.clone(), node, link: Some(link.meta.clone()) }).collect();
    Ok(page(connection, edge, w, links.len(), items, Whole::Codes(links.iter().map(|l| l.to.clone()).collect())))
}

/// The connection and edge types of a record kind's plain connections, and the field type.
pub fn of(kind: RecordKind) -> (ObjType, ObjType, &'static str) {
    match kind {
        RecordKind::Project => (ObjType::ProjectConnection, ObjType::ProjectEdge, "ProjectConnection!"),
        RecordKind::Nation => (ObjType::NationConnection, ObjType::NationEdge, "NationConnection!"),
        RecordKind::Organisation => (ObjType::OrganisationConnection, ObjType::OrganisationEdge, "OrganisationConnection!"),
        RecordKind::CapabilityArea => (ObjType::CapabilityAreaConnection, ObjType::CapabilityAreaEdge, "CapabilityAreaConnection!"),
        RecordKind::Strategy => (ObjType::StrategyConnection, ObjType::StrategyEdge, "StrategyConnection!"),
        RecordKind::ProcurementContract => {
            (ObjType::ProcurementContractConnection, ObjType::ProcurementContractEdge, "ProcurementContractConnection!")
        }
        RecordKind::Event => (ObjType::EventConnection, ObjType::EventEdge, "EventConnection!"),
        RecordKind::Person => (ObjType::PersonConnection, ObjType::PersonEdge, "PersonConnection!"),
        RecordKind::Place => (ObjType::PlaceConnection, ObjType::PlaceEdge, "PlaceConnection!"),
        RecordKind::Disagreement => (ObjType::DisagreementConnection, ObjType::DisagreementEdge, "DisagreementConnection!"),
        RecordKind::StrategyObjective | RecordKind::Source => (ObjType::NodeConnection, ObjType::NodeEdge, "NodeConnection!"),
    }
}

/// The connection and edge types over nodes of type `node`.
pub fn types(connection: ObjType, edge: ObjType, node: &'static str) -> Vec<TypeDef> {
    vec![connection_object(connection, node, edge).finish(), edge_type(edge, node).finish()]
}

/// The connection type's fields, for a type to add its own (over [`Page::whole`]).
pub fn connection_object(connection: ObjType, node: &'static str, edge: ObjType) -> Object<Page> {
    let edges: &'static str = Box::leak(format!("[{}!]!", edge.name()).into_boxed_str());
    let nodes: &'static str = Box::leak(format!("[{node}!]!").into_boxed_str());
    let description: &'static str = Box::leak(
        format!("One page of a list of {node} records (a Relay connection): the items as `nodes` or as `edges` with\ntheir cursors, how to get the next page, and how many there are in all.").into_boxed_str(),
    );
    Object::<Page>::new(connection, description)
        .field("edges", edges, "A list of edges.", |p, _, _| {
            let edge = p.edge;
            Ok(Out::List((0..p.items.len()).map(|i| Out::Obj(p.part(edge, move |p: &Page| &p.items[i]))).collect()))
        })
        .value("nodes", nodes, "A list of nodes.", |p| Out::objs(p.items.iter().map(|i| i.node.clone())))
        .field("pageInfo", "PageInfo!", "Information to aid in pagination.", |p, _, _| Ok(Out::Obj(p.part(ObjType::PageInfo, |p| p))))
        .value("totalCount", "Int!", "Number of records in the whole list (all pages) after filtering.", |p| Out::count(p.total_count))
}

impl Page {
    /// The records of the whole list behind this page (every page), read if need be; empty
    /// when the list was not kept.
    pub fn whole<T: crate::store::Stored>(&self, cx: &Ctx<'_>) -> Result<Arc<Vec<Arc<T>>>, Fail> {
        match &self.whole {
            Whole::NotKept => Ok(Arc::default()),
            Whole::Records(records) => Ok(records.clone().downcast::<Vec<Arc<T>>>().unwrap_or_default()),
            Whole::Codes(codes) => cx.records(codes.iter().map(String::as_str)).map(Arc::new),
            Whole::Linked(index, from) => cx.records(cx.links(*index, from)?.iter().map(|l| l.to.as_str())).map(Arc::new),
        }
    }
}

/// The edge type's cursor and node; participation edges add the role and note.
pub fn edge_type(edge: ObjType, node: &'static str) -> Object<Item> {
    let node: &'static str = Box::leak(format!("{node}!").into_boxed_str());
    let object = Object::<Item>::new(edge, "An edge in a connection.")
        .value("cursor", "String!", "A cursor for use in pagination", |i| Out::string(encode_cursor(&i.code)))
        .value("node", node, "The item at the end of the edge", |i| Out::Obj(i.node.clone()));
    if edge == ObjType::EventEdge || edge == ObjType::PlaceEdge {
        return object.value("relation", "String", "How the two relate, in the text's words (\"launched in its margins\").", |i| {
            Out::opt_str(i.link.as_ref().and_then(|l| l.note.as_deref()))
        });
    }
    if edge != ObjType::ProjectParticipationEdge {
        return object;
    }
    object
        .value("note", "String", "Remarks on this participation.", |i| Out::opt_str(i.link.as_ref().and_then(|l| l.note.as_deref())))
        .value("role", "Role!", "The nation's or organisation's main role in the project: the first of `roles`.", |i| {
            Out::Enum(crate::model::Named::name(i.link.as_ref().and_then(|l| l.roles.first().copied()).unwrap_or(Role::Participant)))
        })
        .value("roles", "[Role!]!", "Every role the texts give it in the project, the main one first.", |i| {
            Out::List(i.link.as_ref().map_or_else(Vec::new, |l| l.roles.iter().map(|r| Out::Enum(crate::model::Named::name(*r))).collect()))
        })
}

pub fn page_info_type() -> TypeDef {
    Object::<Page>::new(ObjType::PageInfo, "Information about pagination in a connection")
        .value("endCursor", "String", "When paginating forwards, the cursor to continue.", |p| {
            p.items.last().map_or(Out::Null, |i| Out::string(encode_cursor(&i.code)))
        })
        .value("hasNextPage", "Boolean!", "When paginating forwards, are there more items?", |p| Out::Bool(p.has_next))
        .value("hasPreviousPage", "Boolean!", "When paginating backwards, are there more items?", |p| Out::Bool(p.has_previous))
        .value("startCursor", "String", "When paginating backwards, the cursor to continue.", |p| {
            p.items.first().map_or(Out::Null, |i| Out::string(encode_cursor(&i.code)))
        })
        .finish()
}

/// `Err(Fail::Pending)` passes through; a page error becomes the field's error.
pub fn pending_or<T>(result: Result<T, FieldError>) -> Result<T, Fail> {
    result.map_err(Fail::Error)
}
