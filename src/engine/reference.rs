//! async-graphql's own execution of a request, made exact to the spec: the reference the plans
//! are tested against, and the path for what no plan covers.
//!
//! async-graphql resolves every field node on its own (twice for a field selected twice),
//! reports a failed field by leaving it out of its object, and records errors in the order the
//! fields finish. So after it runs: errors of the same field are merged (one error, every
//! location), each failed field's null propagates to the nearest nullable ancestor (GraphQL,
//! "Handling Execution Errors"), errors are put in response order, and the data is written in
//! the plan's order (each object's type is asked for under [`TYPE_KEY`]).

use std::sync::{Arc, Mutex};

use async_graphql::{
    dynamic::{DynamicRequestExt, FieldValue, Schema},
    parser::types::{DocumentOperations, ExecutableDocument, Field, Selection, SelectionSet},
    Name, PathSegment, Pos, Positioned, Request, ServerError, Value, Variables,
};

use super::{
    execute::{write_value, TYPE_KEY},
    plan::{Plan, SelId},
    types::{PTy, TypeInfo},
};
use crate::{
    schema::{dynamic::Reads, fetch::Fetched, Obj, ObjType, PageLimits},
    store::Store,
};

/// The document with `__capgraph_type: __typename` in every selection set of a field (and the
/// root), so that each object of the answer says its concrete type.
pub fn marked(document: &ExecutableDocument) -> ExecutableDocument {
    fn typename() -> Positioned<Selection> {
        let field = Field {
            alias: Some(Positioned::new(Name::new(TYPE_KEY), Pos::default())),
            name: Positioned::new(Name::new("__typename"), Pos::default()),
            arguments: Vec::new(),
            directives: Vec::new(),
            selection_set: Positioned::new(SelectionSet::default(), Pos::default()),
        };
        Positioned::new(Selection::Field(Positioned::new(field, Pos::default())), Pos::default())
    }
    fn mark(set: &mut SelectionSet, here: bool) {
        for item in &mut set.items {
            match &mut item.node {
                Selection::Field(field) if !field.node.selection_set.node.items.is_empty() => {
                    mark(&mut field.node.selection_set.node, true)
                }
                Selection::InlineFragment(inline) => mark(&mut inline.node.selection_set.node, false),
                _ => {}
            }
        }
        if here {
            set.items.push(typename());
        }
    }
    let mut document = document.clone();
    match &mut document.operations {
        DocumentOperations::Single(operation) => mark(&mut operation.node.selection_set.node, true),
        DocumentOperations::Multiple(operations) => {
            for operation in operations.values_mut() {
                mark(&mut operation.node.selection_set.node, true);
            }
        }
    }
    for fragment in document.fragments.values_mut() {
        mark(&mut fragment.node.selection_set.node, false);
    }
    document
}

/// Runs the request through async-graphql and returns the `data` JSON (`None` when the request
/// did not run) and the errors, both as the plan path gives them.
#[allow(clippy::too_many_arguments)]
pub async fn execute(
    schema: &Schema,
    store: Arc<Store>,
    page: PageLimits,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: Variables,
    plan: &Plan,
    types: &TypeInfo,
    conditions: &[bool],
) -> (Option<Vec<u8>>, Vec<ServerError>) {
    let reads = Arc::new(Reads { store, page, variables: variables.clone(), fetched: Mutex::new(Fetched::default()) });
    let mut request = Request::new("").variables(variables).data(reads);
    request.set_parsed_query(marked(document));
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    let response = schema.execute(request.root_value(FieldValue::owned_any(Obj::unit(ObjType::Query)))).await;
    let mut data = response.data;
    let errors = merged(response.errors);
    if matches!(data, Value::Null) && errors.iter().all(|e| e.path.is_empty()) && !errors.is_empty() {
        return (None, errors);
    }
    let mut keyed: Vec<(Vec<u32>, ServerError)> =
        errors.into_iter().map(|e| (order_key(&data, &e.path, plan, types, conditions), e)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut root_null = false;
    for (_, error) in &keyed {
        if !error.path.is_empty() && propagate(&mut data, &error.path, plan, types, conditions) {
            root_null = true;
        }
    }
    let mut out = Vec::with_capacity(4096);
    if root_null {
        out.extend_from_slice(b"null");
    } else {
        write_value(&mut out, plan, types, conditions, &data, Some(plan.root));
    }
    (Some(out), keyed.into_iter().map(|(_, e)| e).collect())
}

/// One error per failed field: async-graphql reports a field selected twice once per node.
fn merged(errors: Vec<ServerError>) -> Vec<ServerError> {
    let mut out: Vec<ServerError> = Vec::with_capacity(errors.len());
    for error in errors {
        match out.iter_mut().find(|e| e.path == error.path && e.message == error.message && e.extensions == error.extensions) {
            Some(same) => same.locations.extend(error.locations),
            None => out.push(error),
        }
    }
    for error in &mut out {
        error.locations.sort_by_key(|p| (p.line, p.column));
        error.locations.dedup();
    }
    out
}

/// The field plan of response key `key` in the object `value` selected by `sel`.
fn field_at<'p>(
    value: &Value,
    key: &str,
    sel: SelId,
    plan: &'p Plan,
    types: &TypeInfo,
    conditions: &'p [bool],
) -> Option<(usize, &'p super::plan::FieldPlan)> {
    let sel = plan.sel(sel);
    let concrete = match sel.by_type.as_slice() {
        [(only, _)] => *only,
        _ => match value {
            Value::Object(map) => match map.get(TYPE_KEY) {
                Some(Value::String(name)) => types.get(name)?,
                _ => return None,
            },
            _ => return None,
        },
    };
    plan.selected(sel.fields_for(concrete)?, conditions).map(|(k, _, f)| (k, f)).find(|(_, f)| f.key.as_str() == key)
}

/// An error's place in the response: each key's position in its object, each list index.
fn order_key(data: &Value, path: &[PathSegment], plan: &Plan, types: &TypeInfo, conditions: &[bool]) -> Vec<u32> {
    let mut key = Vec::with_capacity(path.len());
    let mut value = Some(data);
    let mut sel = Some(plan.root);
    for segment in path {
        match segment {
            PathSegment::Field(name) => {
                let found = match (value, sel) {
                    (Some(v), Some(s)) => field_at(v, name, s, plan, types, conditions),
                    _ => None,
                };
                key.push(found.map_or(u32::MAX, |(i, _)| i as u32));
                sel = found.and_then(|(_, f)| f.sub);
                value = match value {
                    Some(Value::Object(map)) => map.get(name.as_str()),
                    _ => None,
                };
            }
            PathSegment::Index(i) => {
                key.push(*i as u32);
                value = match value {
                    Some(Value::List(items)) => items.get(*i),
                    _ => None,
                };
            }
        }
    }
    key
}

/// Nulls the nearest nullable position at or above `path` (whose field failed and was left out);
/// returns true when none is, so `data` itself is null.
fn propagate(data: &mut Value, path: &[PathSegment], plan: &Plan, types: &TypeInfo, conditions: &[bool]) -> bool {
    // The type of each position along the path.
    let mut position_types: Vec<PTy> = Vec::with_capacity(path.len());
    let mut value = Some(&*data);
    let mut sel = Some(plan.root);
    let mut current: Option<PTy> = None;
    for segment in path {
        match segment {
            PathSegment::Field(name) => {
                let Some(found) = value.zip(sel).and_then(|(v, s)| field_at(v, name, s, plan, types, conditions)) else { return false };
                current = Some(found.1.ty.clone());
                sel = found.1.sub;
                value = match value {
                    Some(Value::Object(map)) => map.get(name.as_str()),
                    _ => None,
                };
            }
            PathSegment::Index(i) => {
                let item = match current.as_ref().map(super::types::strip_non_null) {
                    Some(PTy::List(item)) => (**item).clone(),
                    _ => return false,
                };
                current = Some(item);
                value = match value {
                    Some(Value::List(items)) => items.get(*i),
                    _ => None,
                };
            }
        }
        position_types.push(current.clone().unwrap_or(PTy::Named(0)));
    }
    let Some(nullable) = (0..path.len()).rev().find(|&p| !matches!(position_types[p], PTy::NonNull(_))) else { return true };
    set_null(data, &path[..=nullable]);
    false
}

fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut value = data;
    for segment in parents {
        value = match (segment, value) {
            (PathSegment::Field(name), Value::Object(map)) => match map.get_mut(name.as_str()) {
                Some(v) => v,
                None => return,
            },
            (PathSegment::Index(i), Value::List(items)) => match items.get_mut(*i) {
                Some(v) => v,
                None => return,
            },
            // An ancestor was nulled already: this error's null is absorbed.
            _ => return,
        };
    }
    match (last, value) {
        (PathSegment::Field(name), Value::Object(map)) => {
            map.insert(Name::new(name), Value::Null);
        }
        (PathSegment::Index(i), Value::List(items)) => {
            if let Some(item) = items.get_mut(*i) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}
