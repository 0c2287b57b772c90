//! Errors that teach: what the document got wrong, in one line, and what to write instead.
//!
//! async-graphql's validation decides what is wrong; this module words it for a person in
//! GraphiQL (a parse error as one line with its position; the nearest field or enum value; the
//! values an enum takes; `nodes { … }` for a field asked of a connection) and adds the one
//! input-coercion rule its validation lets through: an enum literal is a name, not a string.

use std::collections::HashSet;

use async_graphql::{
    parser::types::{ExecutableDocument, Selection, SelectionSet},
    Pos, ServerError, Value,
};

use crate::{
    errors::{code, request_error},
    schema::{def::Ty, registry, Registry, TypeDef},
};

/// The closest of `candidates` to `wrong`, if it is close enough to be a likely typo.
fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let max = (wrong.chars().count() / 3).max(1);
    candidates
        .into_iter()
        // Transpositions count once: "nmae" is one step from "name".
        .map(|c| (strsim::osa_distance(&wrong_lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn enum_values(registry: &Registry, name: &str) -> Option<Vec<&'static str>> {
    match registry.get(name)? {
        TypeDef::Enum { values, .. } => Some(values.iter().map(|(v, _)| *v).collect()),
        _ => None,
    }
}

fn object_fields(registry: &Registry, name: &str) -> Option<Vec<&'static str>> {
    match registry.get(name)? {
        TypeDef::Object(object) => Some(object.fields.iter().map(|f| f.name).collect()),
        TypeDef::Interface { fields, .. } => Some(fields.iter().map(|(f, _, _)| *f).collect()),
        _ => None,
    }
}

/// What an enum takes, for a value it does not: the nearest value to `wrong` (only with
/// `suggestions`) and every value, as one sentence without its final period.
pub(super) fn enum_hint(ty: &str, values: &[&str], wrong: Option<&str>, suggestions: bool) -> String {
    let near = wrong.filter(|_| suggestions).and_then(|wrong| nearest(wrong, values.iter().copied()));
    let near = near.map(|n| format!("Did you mean {n}? ")).unwrap_or_default();
    format!("{near}{ty} is one of {}", values.join(", "))
}

/// The text between the first pair of double quotes after `marker` in `message`.
fn quoted_after<'m>(message: &'m str, marker: &str) -> Option<&'m str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(&rest[start..end])
}

/// Rewords one of async-graphql's validation errors; `suggestions` off keeps names out of it.
pub fn reword(error: &mut ServerError, suggestions: bool) {
    let registry = registry();
    let message = &error.message;
    let mut extra = String::new();
    if message.starts_with("Unknown field ") {
        if let (Some(field), Some(ty)) = (quoted_after(message, "Unknown field "), quoted_after(message, " on type ")) {
            let items = match registry.get(ty) {
                Some(TypeDef::Object(object)) => object.fields.iter().find(|f| f.name == "nodes").map(|f| f.ty.named()),
                _ => None,
            };
            if let Some(item) = items.filter(|item| object_fields(registry, item).is_some_and(|f| f.contains(&field))) {
                extra =
                    format!(" {ty} is a connection: its {item} items are in `nodes {{ {field} }}` or `edges {{ node {{ {field} }} }}`.");
            } else if suggestions && !message.contains("Did you mean") {
                if let Some(near) = object_fields(registry, ty).and_then(|fields| nearest(field, fields)) {
                    extra = format!(" Did you mean \"{near}\"?");
                }
            }
        }
    } else if message.contains("does not contain the value") {
        if let (Some(ty), Some(value)) = (quoted_after(message, "enumeration type "), quoted_after(message, "does not contain the value "))
        {
            if let Some(values) = enum_values(registry, ty) {
                extra = format!(". {}", enum_hint(ty, &values, Some(value), suggestions));
            }
        }
    }
    if !suggestions {
        if let Some(at) = error.message.find(" Did you mean") {
            error.message.truncate(at);
        }
    }
    error.message.push_str(&extra);
    if !extra.is_empty() && !extra.ends_with('.') && !extra.ends_with('?') {
        error.message.push('.');
    }
}

/// A parse error as one line: where, what was found there, and what was expected.
pub fn parse_error(query: &str, error: async_graphql::parser::Error) -> ServerError {
    let positions: Vec<Pos> = error.positions().collect();
    let pos = positions.first().copied();
    let raw = error.to_string();
    // pest's message ends with "= expected …" (or "= unexpected …"); keep that part only.
    let expected = raw.rsplit("= ").next().filter(|_| raw.contains("= ")).unwrap_or(&raw).trim().to_owned();
    let mut message = match pos {
        Some(pos) => {
            let found = query.lines().nth(pos.line.saturating_sub(1)).and_then(|line| line.chars().nth(pos.column.saturating_sub(1)));
            let found = found.map_or_else(|| "the end of the document".to_owned(), |c| format!("\"{c}\""));
            format!("Syntax error at line {}, column {} (at {found}): {}", pos.line, pos.column, plain(&expected))
        }
        None => format!("Syntax error: {}", plain(&expected)),
    };
    if let Some((c, at, closer)) = pos.and_then(|pos| unclosed(query, pos)) {
        message.push_str(&format!("; the \"{c}\" at line {}, column {} is not closed: is a \"{closer}\" missing?", at.line, at.column));
    }
    request_error(code::GRAPHQL_PARSE_FAILED, message, pos)
}

/// pest's rule names in plain words.
fn plain(expected: &str) -> String {
    expected
        .replace("expected name", "expected a name")
        .replace("expected selection", "expected a field or a fragment")
        .replace("selection_set", "a selection set (\"{ … }\")")
        .replace("executable_definition", "an operation or a fragment")
        .replace("EOI", "the end of the document")
}

/// The innermost `(`, `[` or `{` still open at `pos` and its closer, ignoring strings and comments.
fn unclosed(query: &str, pos: Pos) -> Option<(char, Pos, char)> {
    let mut open: Vec<(char, Pos)> = Vec::new();
    let mut in_string = false;
    for (line_no, line) in query.lines().enumerate() {
        let mut in_comment = false;
        for (col, c) in line.chars().enumerate() {
            let here = Pos { line: line_no + 1, column: col + 1 };
            if (here.line, here.column) >= (pos.line, pos.column) {
                break;
            }
            match c {
                _ if in_comment => {}
                '"' => in_string = !in_string,
                _ if in_string => {}
                '#' => in_comment = true,
                '(' | '[' | '{' => open.push((c, here)),
                ')' | ']' | '}' => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.last().map(|&(c, at)| {
        (
            c,
            at,
            match c {
                '(' => ')',
                '[' => ']',
                _ => '}',
            },
        )
    })
}

/// Enum arguments written as strings (`status: "ESTABLISHED"`): the spec's input coercion of
/// literals refuses them, which async-graphql's validation does not.
pub fn string_enums(document: &ExecutableDocument) -> Vec<ServerError> {
    let registry = registry();
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    for (_, operation) in document.operations.iter() {
        walk(registry, document, &operation.node.selection_set.node, "Query", &mut seen, &mut found);
    }
    found
}

fn walk(
    registry: &Registry,
    document: &ExecutableDocument,
    set: &SelectionSet,
    parent: &str,
    seen: &mut HashSet<String>,
    found: &mut Vec<ServerError>,
) {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                let Some(TypeDef::Object(object)) = registry.get(parent) else { continue };
                let Some(def) = object.fields.iter().find(|f| f.name == field.name.node.as_str()) else { continue };
                for (name, value) in &field.arguments {
                    if let Some(arg) = def.args.iter().find(|a| a.name == name.node.as_str()) {
                        // Variables are coerced from JSON, where enums are strings: only literals count.
                        let Ok(literal) = value.node.clone().into_const_with(|_| Ok::<_, std::convert::Infallible>(Value::Null));
                        check(registry, &literal, &arg.ty, name.node.as_str(), def.name, value.pos, found);
                    }
                }
                walk(registry, document, &field.selection_set.node, def.ty.named(), seen, found);
            }
            Selection::InlineFragment(fragment) => {
                let on = fragment.node.type_condition.as_ref().map_or(parent, |c| c.node.on.node.as_str());
                walk(registry, document, &fragment.node.selection_set.node, on, seen, found);
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if seen.insert(name.to_owned()) {
                    if let Some(fragment) = document.fragments.get(name) {
                        let on = fragment.node.type_condition.node.on.node.as_str();
                        walk(registry, document, &fragment.node.selection_set.node, on, seen, found);
                    }
                }
            }
        }
    }
}

fn check(registry: &Registry, value: &Value, ty: &Ty, path: &str, field: &str, pos: Pos, found: &mut Vec<ServerError>) {
    match (ty.nullable(), value) {
        (Ty::List(inner), Value::List(items)) => items.iter().for_each(|item| check(registry, item, inner, path, field, pos, found)),
        (Ty::List(inner), single) => check(registry, single, inner, path, field, pos, found),
        (Ty::Named(name), value) => match (registry.get(name), value) {
            (Some(TypeDef::Enum { values, .. }), Value::String(text)) => {
                let names: Vec<&str> = values.iter().map(|(v, _)| *v).collect();
                let fix = match names.iter().find(|v| v.eq_ignore_ascii_case(text)) {
                    Some(v) => format!("write {v} without quotes"),
                    None => "write one of its values without quotes".to_owned(),
                };
                let message = format!(
                    "Argument \"{path}\" of \"{field}\" takes a {name}, and a string is not an enum value: {fix}. {}.",
                    enum_hint(name, &names, None, false)
                );
                found.push(request_error(code::GRAPHQL_VALIDATION_FAILED, message, Some(pos)));
            }
            (Some(TypeDef::Input { fields, .. }), Value::Object(map)) => {
                for (key, inner) in map {
                    if let Some(def) = fields.iter().find(|f| f.name == key.as_str()) {
                        check(registry, inner, &def.ty, &format!("{path}.{key}"), field, pos, found);
                    }
                }
            }
            _ => {}
        },
        (Ty::NonNull(_), _) => {}
    }
}
