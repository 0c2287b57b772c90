//! async-graphql's own execution of a request, made exact to the spec: the reference the plans
//! are tested against, and the path for what no plan covers.
//!
//! async-graphql resolves every field node on its own (twice for a field selected twice),
//! reports a failed field by leaving it out of its object, and records errors in the order the
//! fields finish. So after it runs: errors of the same field are merged (one error, every
//! location), each failed field's null propagates to the nearest nullable ancestor (GraphQL,
//! "Handling Execution Errors"), errors are put in response order, and the data is written in
//! the plan's order (each object's type is asked for under [`TYPE_KEY`]).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_graphql::{
    dynamic::{DynamicRequestExt, FieldValue, Schema},
    parser::types::{
        Directive, DocumentOperations, ExecutableDocument, Field, FragmentDefinition, InlineFragment, Selection, SelectionSet,
        TypeCondition,
    },
    Name, PathSegment, Pos, Positioned, Request, ServerError, Value, Variables,
};

use super::{
    plan::{Plan, SelId},
    types::{Kind, PTy, TypeIdx, TypeInfo},
    writer::{write_value, TYPE_KEY},
};
use crate::{
    schema::{
        dynamic::{Reads, PATH_EXTENSION},
        fetch::Fetched,
        Obj, ObjType, PageLimits,
    },
    store::Store,
};

/// The document as async-graphql must be given it to answer as the spec says:
///
/// - `__capgraph_type: __typename` in every selection set of a field (and the root), so that
///   each object of the answer says its concrete type;
/// - every fragment whose type condition is a union written as one inline fragment per member
///   the enclosing type can be: async-graphql's dynamic schema applies a fragment on an object's
///   own type or one of its interfaces, never on a union it belongs to.
///
/// The marked document is not valid in every case (a fragment written for each member may
/// contain one that cannot apply to that member): the schema that runs it validates fast (the
/// document was validated before it was marked).
pub fn marked(document: &ExecutableDocument, types: &TypeInfo) -> ExecutableDocument {
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
    struct Marker<'a> {
        types: &'a TypeInfo,
        fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    }
    impl Marker<'_> {
        fn is_union(&self, ty: TypeIdx) -> bool {
            self.types.entry(ty).kind == Kind::Union
        }

        /// The members of union `union` an object of type `parent` can be.
        fn members(&self, union: TypeIdx, parent: TypeIdx) -> Vec<TypeIdx> {
            self.types.entry(union).possible.iter().copied().filter(|&m| self.types.applies(parent, m)).collect()
        }

        fn inline(&self, on: TypeIdx, directives: Vec<Positioned<Directive>>, mut set: SelectionSet, pos: Pos) -> Positioned<Selection> {
            self.mark(&mut set, on, false);
            let condition = TypeCondition { on: Positioned::new(Name::new(&self.types.entry(on).name), pos) };
            let inline = InlineFragment {
                type_condition: Some(Positioned::new(condition, pos)),
                directives,
                selection_set: Positioned::new(set, pos),
            };
            Positioned::new(Selection::InlineFragment(Positioned::new(inline, pos)), pos)
        }

        fn mark(&self, set: &mut SelectionSet, parent: TypeIdx, field_level: bool) {
            let mut items = Vec::with_capacity(set.items.len() + 1);
            for mut item in std::mem::take(&mut set.items) {
                match &mut item.node {
                    Selection::Field(field) => {
                        let named = self.types.entry(parent).fields.get(field.node.name.node.as_str()).map(|f| f.ty.named());
                        if let (Some(named), false) = (named, field.node.selection_set.node.items.is_empty()) {
                            self.mark(&mut field.node.selection_set.node, named, true);
                        }
                        items.push(item);
                    }
                    Selection::InlineFragment(inline) => {
                        let on = inline.node.type_condition.as_ref().and_then(|c| self.types.get(&c.node.on.node));
                        match on {
                            Some(union) if self.is_union(union) => {
                                for member in self.members(union, parent) {
                                    let set = inline.node.selection_set.node.clone();
                                    items.push(self.inline(member, inline.node.directives.clone(), set, item.pos));
                                }
                            }
                            on => {
                                self.mark(&mut inline.node.selection_set.node, on.unwrap_or(parent), false);
                                items.push(item);
                            }
                        }
                    }
                    Selection::FragmentSpread(spread) => {
                        let fragment = self.fragments.get(&spread.node.fragment_name.node);
                        let on = fragment.and_then(|f| self.types.get(&f.node.type_condition.node.on.node));
                        match (fragment, on) {
                            (Some(fragment), Some(union)) if self.is_union(union) => {
                                for member in self.members(union, parent) {
                                    let set = fragment.node.selection_set.node.clone();
                                    items.push(self.inline(member, spread.node.directives.clone(), set, item.pos));
                                }
                            }
                            _ => items.push(item),
                        }
                    }
                }
            }
            if field_level {
                items.push(typename());
            }
            set.items = items;
        }
    }
    let mut document = document.clone();
    let fragments = document.fragments.clone();
    let marker = Marker { types, fragments: &fragments };
    match &mut document.operations {
        DocumentOperations::Single(operation) => marker.mark(&mut operation.node.selection_set.node, types.query, true),
        DocumentOperations::Multiple(operations) => {
            for operation in operations.values_mut() {
                marker.mark(&mut operation.node.selection_set.node, types.query, true);
            }
        }
    }
    for fragment in document.fragments.values_mut() {
        if let Some(on) = types.get(&fragment.node.type_condition.node.on.node) {
            marker.mark(&mut fragment.node.selection_set.node, on, false);
        }
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
    request.set_parsed_query(marked(document, types));
    if let Some(name) = operation_name {
        request = request.operation_name(name);
    }
    let response = schema.execute(request.root_value(FieldValue::owned_any(Obj::unit(ObjType::Query)))).await;
    let mut data = response.data;
    let errors = merged(response.errors.into_iter().map(with_path).collect());
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

/// The error with the path its resolver put in its extensions (see `PATH_EXTENSION`).
fn with_path(mut error: ServerError) -> ServerError {
    let Some(extensions) = error.extensions.as_mut() else { return error };
    if let Some(Value::List(path)) = extensions.get(PATH_EXTENSION).cloned() {
        error.path = path
            .into_iter()
            .filter_map(|segment| match segment {
                Value::String(name) => Some(PathSegment::Field(name)),
                Value::Number(n) => n.as_u64().map(|i| PathSegment::Index(i as usize)),
                _ => None,
            })
            .collect();
        extensions.unset(PATH_EXTENSION);
    }
    error
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
        [(only, _, _)] => *only,
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
