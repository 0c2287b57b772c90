//! Query limits, each with its `extensions.code`.
//!
//! 1. Before parsing, in time linear in the text: its length (`QUERY_TOO_LARGE`), then a lexical
//!    scan for tokens (`TOKEN_LIMIT_EXCEEDED`) and bracket nesting (`DEPTH_LIMIT_EXCEEDED`): the
//!    parser recurses, so it never sees deeply nested text.
//! 2. From the plan (see `plan`): fragment cycles and expansion, directives per selection,
//!    aliases, then here introspection when it is off (`INTROSPECTION_DISABLED`), root fields
//!    (`ROOT_FIELD_LIMIT_EXCEEDED`), depth (`DEPTH_LIMIT_EXCEEDED`) and, with the request's
//!    variables, complexity (`COMPLEXITY_LIMIT_EXCEEDED`).
//!
//! **Complexity**: a field costs 1 plus the cost of its selection times its list size: for a
//! paged field (one with a `first`/`last` argument) the `first`/`last` given, capped at the
//! largest page, or the argument's default, or the default page size; for another list of
//! objects, the length of its list argument (`nodes(ids:)`) or else the assumed list size; 1 for
//! everything else and for the `edges`/`nodes` of a connection, already counted by the
//! connection. A list whose length the store bounds (every root list, every list read from an
//! index, a project's participants: see `FieldDef::longest`) costs at most the longest such list
//! the store holds, so a query over the whole graph passes where the graph is small. A selection on an interface or union costs what its costliest type selects.
//! Introspection fields count 1 each (their size is the schema's, which is fixed).

use async_graphql::{Pos, ServerError, Value, Variables};
use async_graphql_value::Value as AstValue;

use super::QueryLimits;
use super::{
    plan::{FieldKind, FieldPlan, Plan, SelId},
    types::{strip_non_null, PTy, TypeInfo},
};
use crate::{
    errors::{code, request_error},
    store::LongestLists,
};

/// Brackets may nest at most this deep whatever the configured depth: the parser recurses on them.
pub const PARSER_NESTING_CEILING: usize = 128;

/// The deepest bracket nesting the lexical scan lets through for a depth limit: room for inline
/// fragments and nested argument values around `depth` levels of fields.
pub fn nesting_limit(depth: usize) -> usize {
    depth.saturating_mul(2).clamp(32, PARSER_NESTING_CEILING)
}

/// A limit a request broke.
#[derive(Debug)]
pub struct LimitError(pub ServerError);

fn pos_at(query: &str, index: usize) -> Pos {
    let before = query.get(..index).unwrap_or(query);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, column }
}

/// Step 1: the query's length, its size in tokens and its deepest bracket nesting, stopping as
/// soon as a limit is passed. Strings, block strings and comments are skipped as GraphQL's lexer
/// does.
pub fn check_text(limits: &QueryLimits, query: &str) -> Result<(), LimitError> {
    if query.len() > limits.query_chars {
        let chars = query.chars().count();
        if chars > limits.query_chars {
            let message = format!("the query is {chars} characters long; at most {} are allowed", limits.query_chars);
            return Err(LimitError(request_error(code::QUERY_TOO_LARGE, message, None)));
        }
    }
    scan(query, limits.tokens, nesting_limit(limits.depth))
}

/// Counts tokens and bracket nesting.
pub fn scan(query: &str, max_tokens: usize, max_nesting: usize) -> Result<(), LimitError> {
    let b = query.as_bytes();
    let len = b.len();
    let (mut i, mut tokens, mut depth) = (0usize, 0usize, 0usize);
    while i < len {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            0xEF if b[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => {
                i += 3;
                continue;
            }
            b'#' => {
                while i < len && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if b[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < len {
                    if b[i..].starts_with(b"\\\"\"\"") {
                        i += 4;
                    } else if b[i..].starts_with(b"\"\"\"") {
                        i += 3;
                        break;
                    } else {
                        i += 1;
                    }
                }
            }
            b'"' => {
                i += 1;
                while i < len {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\n' | b'\r' => break,
                        _ => i += 1,
                    }
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max_nesting {
                    let message = format!("the query nests brackets more than {max_nesting} levels deep");
                    return Err(LimitError(request_error(code::DEPTH_LIMIT_EXCEEDED, message, Some(pos_at(query, i)))));
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'.' if b[i..].starts_with(b"...") => i += 3,
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < len
                    && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || ((b[i] == b'+' || b[i] == b'-') && matches!(b[i - 1], b'e' | b'E')))
                {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                i += 1;
                while i < len && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            _ => {
                // Punctuation, or a character the parser will reject: one token each.
                i += 1;
                while i < len && (b[i] & 0xC0) == 0x80 {
                    i += 1;
                }
            }
        }
        tokens += 1;
        if tokens > max_tokens {
            let message = format!("the query has more than {max_tokens} tokens");
            return Err(LimitError(request_error(code::TOKEN_LIMIT_EXCEEDED, message, None)));
        }
    }
    Ok(())
}

/// Step 2, what the plan alone decides: introspection, root fields, depth.
pub fn check_plan(limits: &QueryLimits, plan: &Plan) -> Result<(), LimitError> {
    if let (false, Some(pos)) = (limits.introspection, plan.introspection) {
        let message = "introspection is disabled on this server; the SDL is at /schema.graphql";
        return Err(LimitError(request_error(code::INTROSPECTION_DISABLED, message, Some(pos))));
    }
    if plan.root_fields > limits.root_fields {
        let message = format!("the operation selects {} root fields; at most {} are allowed", plan.root_fields, limits.root_fields);
        return Err(LimitError(request_error(code::ROOT_FIELD_LIMIT_EXCEEDED, message, Some(plan.operation_pos))));
    }
    if plan.depth > limits.depth {
        let message = format!("the query is {} levels deep; at most {} are allowed", plan.depth, limits.depth);
        return Err(LimitError(request_error(code::DEPTH_LIMIT_EXCEEDED, message, Some(plan.operation_pos))));
    }
    Ok(())
}

/// What complexity is measured against: the limits, the schema's types and the longest lists
/// the store holds.
pub struct Costing<'a> {
    pub limits: &'a QueryLimits,
    pub types: &'a TypeInfo,
    pub longest: &'a LongestLists,
}

/// The complexity of the plan's selections under the request's variables and conditions.
///
/// Costed level by level: a selection costs its fields once per object it is made on. Where
/// those objects are distinct records (a root list's, passed on through `nodes`), their lists
/// from an index hold no more items together than the index holds.
pub fn complexity(costing: &Costing<'_>, plan: &Plan, variables: &Variables, conditions: &[bool]) -> u64 {
    fn sel(costing: &Costing<'_>, plan: &Plan, variables: &Variables, conditions: &[bool], id: SelId, objects: u64, distinct: bool) -> u64 {
        let connection = costing.types.entry(plan.sel(id).parent).connection;
        let at_root = id == plan.root;
        plan.sel(id)
            .by_type
            .iter()
            .map(|(_, range, _)| {
                plan.selected(range.clone(), conditions)
                    .map(|(_, _, field)| {
                        let longest = field.def.and_then(|d| d.longest);
                        let mut items = objects.saturating_mul(factor(costing, field, variables, connection));
                        if let (true, Some(all)) = (distinct, longest.and_then(|l| costing.longest.all(l))) {
                            items = items.min(all.max(1));
                        }
                        // A root list's records are distinct, and so are the nodes of their connection.
                        let items_distinct =
                            (at_root && matches!(longest, Some(crate::store::Longest::Records(_)))) || (connection && distinct);
                        let children = field.sub.map_or(0, |s| sel(costing, plan, variables, conditions, s, items, items_distinct));
                        objects.saturating_add(children)
                    })
                    .fold(0u64, u64::saturating_add)
            })
            .max()
            .unwrap_or(0)
    }
    sel(costing, plan, variables, conditions, plan.root, 1, false)
}

/// An argument's value as written, its variable's value when it is one.
fn argument<'a>(field: &'a FieldPlan, name: &str, variables: &'a Variables) -> Option<std::borrow::Cow<'a, Value>> {
    let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
    match &value.node {
        AstValue::Variable(variable) => variables.get(variable).map(std::borrow::Cow::Borrowed),
        literal => literal.clone().into_const().map(std::borrow::Cow::Owned),
    }
}

/// How many times a field's selection is resolved: the size its arguments ask for, but never
/// more than the longest such list the store holds.
fn factor(costing: &Costing<'_>, field: &FieldPlan, variables: &Variables, in_connection: bool) -> u64 {
    if !matches!(field.kind, FieldKind::Def(..)) {
        return 1;
    }
    let asked = asked(costing.limits, field, variables, in_connection);
    match field.def.and_then(|d| d.longest).and_then(|l| costing.longest.of(l)) {
        Some(longest) => asked.min(longest.max(1)),
        None => asked,
    }
}

/// The list size a field's arguments ask for (see the module's notes).
fn asked(limits: &QueryLimits, field: &FieldPlan, variables: &Variables, in_connection: bool) -> u64 {
    let page = limits.page;
    let int = |name: &str| match argument(field, name, variables).as_deref() {
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    };
    if field.paged {
        let given = [int("first"), int("last")].into_iter().flatten().max();
        let size = given.or(field.default_first).unwrap_or(page.default as i64);
        return size.clamp(1, page.max.max(1) as i64) as u64;
    }
    if matches!(strip_non_null(&field.ty), PTy::List(_)) && field.sub.is_some() {
        if in_connection {
            return 1;
        }
        let longest = field
            .arguments
            .iter()
            .filter_map(|(name, _)| match argument(field, &name.node, variables).as_deref() {
                Some(Value::List(items)) => Some(items.len() as u64),
                _ => None,
            })
            .max();
        return longest.unwrap_or(limits.list_size as u64).max(1);
    }
    1
}

/// Step 2 with the variables: complexity.
pub fn check_complexity(costing: &Costing<'_>, plan: &Plan, variables: &Variables, conditions: &[bool]) -> Result<(), LimitError> {
    let limits = costing.limits;
    let cost = complexity(costing, plan, variables, conditions);
    if cost > limits.complexity as u64 {
        let message = format!(
            "the query's complexity is {cost}; at most {} is allowed (lists count once per item: ask for smaller pages with `first`/`last`)",
            limits.complexity
        );
        return Err(LimitError(request_error(code::COMPLEXITY_LIMIT_EXCEEDED, message, Some(plan.operation_pos))));
    }
    Ok(())
}
