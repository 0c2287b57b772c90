//! Responses with every object's keys in the order of the query's selection set.
//!
//! async-graphql 7 resolves an object's fields concurrently and inserts each into the result map
//! when it finishes, so a field served through a DataLoader moves after its siblings (its issue
//! #612). The GraphQL specification ("Objects", "CollectFields") says fields are serialized in
//! query order, fragments merged at the place of their spread. Rather than re-sorting maps, the
//! response is *written* in query order: the writer walks the document beside the result and
//! looks each key up in the result map, so the cost is one lookup per written key.
//!
//! Which fragments apply to an object depends on its concrete type, which a result map does not
//! carry. So [`marked`] adds `__typename` under a reserved alias to every
//! selection set whose order depends on a type condition; the writer reads it and never writes it.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
    rc::Rc,
};

use async_graphql::{
    parser::{
        parse_schema,
        types::{
            Directive, DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet, ServiceDocument,
            TypeKind, TypeSystemDefinition,
        },
        Positioned,
    },
    Name, Pos, Response, Value, Variables,
};

/// The reserved alias of the injected `__typename` (names starting with `__` are reserved to the
/// GraphQL implementation, so no client field can collide with it).
pub const TYPE_KEY: &str = "__capgraph_type";

/// Which concrete types each interface and union stands for, read from the SDL.
#[derive(Debug, Default, Clone)]
pub struct TypeRelations {
    possible: HashMap<String, HashSet<String>>,
}

impl TypeRelations {
    pub fn from_sdl(sdl: &str) -> TypeRelations {
        let mut possible: HashMap<String, HashSet<String>> = HashMap::new();
        let Ok(ServiceDocument { definitions }) = parse_schema(sdl) else { return TypeRelations::default() };
        for definition in definitions {
            let TypeSystemDefinition::Type(ty) = definition else { continue };
            let ty = ty.node;
            let name = ty.name.node.to_string();
            match ty.kind {
                TypeKind::Object(object) => {
                    for interface in object.implements {
                        possible.entry(interface.node.to_string()).or_default().insert(name.clone());
                    }
                }
                TypeKind::Union(union) => {
                    possible.entry(name).or_default().extend(union.members.iter().map(|m| m.node.to_string()));
                }
                _ => {}
            }
        }
        TypeRelations { possible }
    }

    /// Does a fragment on `condition` apply to an object of `concrete` type? Unknown type: yes.
    fn applies(&self, condition: &str, concrete: Option<&str>) -> bool {
        match concrete {
            None => true,
            Some(concrete) => condition == concrete || self.possible.get(condition).is_some_and(|types| types.contains(concrete)),
        }
    }
}

/// The document with the reserved `__typename` added wherever the writer needs an object's type.
pub fn marked(mut document: ExecutableDocument) -> ExecutableDocument {
    let fragments_with_types: HashSet<Name> = document.fragments.keys().cloned().collect();
    match &mut document.operations {
        DocumentOperations::Single(operation) => mark(&mut operation.node.selection_set.node, &fragments_with_types),
        DocumentOperations::Multiple(operations) => {
            for operation in operations.values_mut() {
                mark(&mut operation.node.selection_set.node, &fragments_with_types);
            }
        }
    }
    for fragment in document.fragments.values_mut() {
        mark(&mut fragment.node.selection_set.node, &fragments_with_types);
    }
    document
}

/// Does the order of this selection set depend on the concrete type of the object?
fn type_dependent(set: &SelectionSet, fragments: &HashSet<Name>) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(_) => false,
        Selection::FragmentSpread(spread) => fragments.contains(&spread.node.fragment_name.node),
        Selection::InlineFragment(inline) => {
            inline.node.type_condition.is_some() || type_dependent(&inline.node.selection_set.node, fragments)
        }
    })
}

/// Adds the reserved `__typename` to every nested selection set whose order depends on its type.
fn mark(set: &mut SelectionSet, fragments: &HashSet<Name>) {
    for item in &mut set.items {
        match &mut item.node {
            Selection::Field(field) => {
                let sub = &mut field.node.selection_set.node;
                if type_dependent(sub, fragments) {
                    sub.items.push(Positioned::new(Selection::Field(Positioned::new(typename_field(), Pos::default())), Pos::default()));
                }
                mark(sub, fragments);
            }
            Selection::InlineFragment(inline) => mark(&mut inline.node.selection_set.node, fragments),
            Selection::FragmentSpread(_) => {}
        }
    }
}

fn typename_field() -> Field {
    Field {
        alias: Some(Positioned::new(Name::new(TYPE_KEY), Pos::default())),
        name: Positioned::new(Name::new("__typename"), Pos::default()),
        arguments: Vec::new(),
        directives: Vec::new(),
        selection_set: Positioned::new(SelectionSet::default(), Pos::default()),
    }
}

/// Response keys in order, each with the field nodes merged under it.
type Collected<'a> = Rc<Vec<(&'a Name, Vec<&'a Field>)>>;

/// What the writer needs from one request.
pub struct Plan<'a> {
    pub document: &'a ExecutableDocument,
    pub operation: &'a OperationDefinition,
    pub variables: &'a Variables,
    pub relations: &'a TypeRelations,
    /// Every object of a list shares its selection sets: collect their fields once per concrete
    /// type, not once per object.
    collected: RefCell<HashMap<(Vec<*const SelectionSet>, Option<String>), Collected<'a>>>,
}

impl<'a> Plan<'a> {
    /// The plan for the operation a request ran, if the document names it.
    pub fn new(
        document: &'a ExecutableDocument,
        operation_name: Option<&str>,
        variables: &'a Variables,
        relations: &'a TypeRelations,
    ) -> Option<Plan<'a>> {
        let operation = match operation_name {
            Some(name) => document.operations.iter().find(|(n, _)| n.is_some_and(|n| n.as_str() == name))?.1,
            None => {
                let mut operations = document.operations.iter();
                let (_, only) = operations.next()?;
                if operations.next().is_some() {
                    return None;
                }
                only
            }
        };
        Some(Plan { document, operation: &operation.node, variables, relations, collected: RefCell::default() })
    }

    fn skipped(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().any(|d| {
            let condition = || {
                let value = d.node.get_argument("if").map(|v| &v.node);
                match value {
                    Some(async_graphql_value::Value::Boolean(b)) => *b,
                    Some(async_graphql_value::Value::Variable(name)) => matches!(self.variables.get(name), Some(Value::Boolean(true))),
                    _ => false,
                }
            };
            match d.node.name.node.as_str() {
                "skip" => condition(),
                "include" => !condition(),
                _ => false,
            }
        })
    }

    /// CollectFields (GraphQL spec): response keys in order, each with the field nodes merged
    /// under it; remembered per selection sets and concrete type.
    fn collect(&self, sets: &[&'a SelectionSet], concrete: Option<&str>) -> Collected<'a> {
        let key = (sets.iter().map(|s| *s as *const SelectionSet).collect::<Vec<_>>(), concrete.map(str::to_owned));
        if let Some(found) = self.collected.borrow().get(&key) {
            return found.clone();
        }
        let mut out: Vec<(&Name, Vec<&Field>)> = Vec::new();
        let mut visited = HashSet::new();
        for set in sets {
            self.collect_into(set, concrete, &mut out, &mut visited);
        }
        let out = Rc::new(out);
        self.collected.borrow_mut().insert(key, out.clone());
        out
    }

    fn collect_into(
        &self,
        set: &'a SelectionSet,
        concrete: Option<&str>,
        out: &mut Vec<(&'a Name, Vec<&'a Field>)>,
        visited: &mut HashSet<&'a Name>,
    ) {
        for item in &set.items {
            if self.skipped(item.node.directives()) {
                continue;
            }
            match &item.node {
                Selection::Field(field) => {
                    let key = field.node.response_key();
                    let key = &key.node;
                    match out.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, fields)) => fields.push(&field.node),
                        None => out.push((key, vec![&field.node])),
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    let Some(fragment) = self.document.fragments.get(name) else { continue };
                    if visited.insert(name) && self.relations.applies(&fragment.node.type_condition.node.on.node, concrete) {
                        self.collect_into(&fragment.node.selection_set.node, concrete, out, visited);
                    }
                }
                Selection::InlineFragment(inline) => {
                    let applies = inline.node.type_condition.as_ref().is_none_or(|c| self.relations.applies(&c.node.on.node, concrete));
                    if applies {
                        self.collect_into(&inline.node.selection_set.node, concrete, out, visited);
                    }
                }
            }
        }
    }
}

fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Serializing a value that is already JSON-shaped into a Vec cannot fail.
    let _ = serde_json::to_writer(out, value);
}

/// Writes `value` for the field nodes `fields` (merged under one response key).
fn write_value<'a>(out: &mut Vec<u8>, value: &Value, fields: &[&'a Field], plan: &Plan<'a>) {
    match value {
        Value::Object(map) => {
            let sets: Vec<&'a SelectionSet> = fields.iter().map(|f| &f.selection_set.node).collect();
            write_object(out, map, &sets, plan);
        }
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item, fields, plan);
            }
            out.push(b']');
        }
        scalar => write_json(out, scalar),
    }
}

fn write_object<'a>(out: &mut Vec<u8>, map: &async_graphql::indexmap::IndexMap<Name, Value>, sets: &[&'a SelectionSet], plan: &Plan<'a>) {
    let concrete = match map.get(TYPE_KEY) {
        Some(Value::String(name)) => Some(name.as_str()),
        _ => None,
    };
    let order = plan.collect(sets, concrete);
    out.push(b'{');
    let mut first = true;
    let mut separator = |out: &mut Vec<u8>| {
        if !std::mem::take(&mut first) {
            out.push(b',');
        }
    };
    for (key, fields) in order.iter() {
        if key.as_str() == TYPE_KEY {
            continue;
        }
        if let Some(value) = map.get(*key) {
            separator(out);
            write_json(out, key.as_str());
            out.push(b':');
            write_value(out, value, fields, plan);
        }
    }
    // Keys the plan does not know (none are expected) are still written, never lost.
    for (key, value) in map {
        if key.as_str() != TYPE_KEY && !order.iter().any(|(k, _)| *k == key) {
            separator(out);
            write_json(out, key.as_str());
            out.push(b':');
            write_json(out, value);
        }
    }
    out.push(b'}');
}

/// Removes the reserved key everywhere (for responses written without a plan).
fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.shift_remove(TYPE_KEY);
            map.values_mut().for_each(strip);
        }
        Value::List(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// A request error happened before execution: no field was resolved, so `data` is omitted
/// (GraphQL-over-HTTP) rather than sent as `null`.
pub fn is_request_error(response: &Response) -> bool {
    response.data == Value::Null && !response.errors.is_empty() && response.errors.iter().all(|e| e.path.is_empty())
}

/// Serializes a response: `errors` first when present (as the GraphQL specification suggests),
/// then `data` in query order, then `extensions`.
pub fn to_json(mut response: Response, plan: Option<&Plan<'_>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    out.push(b'{');
    let mut wrote = false;
    if !response.errors.is_empty() {
        out.extend_from_slice(b"\"errors\":");
        write_json(&mut out, &response.errors);
        wrote = true;
    }
    if !is_request_error(&response) {
        if wrote {
            out.push(b',');
        }
        out.extend_from_slice(b"\"data\":");
        match (plan, &response.data) {
            (Some(plan), Value::Object(map)) => write_object(&mut out, map, &[&plan.operation.selection_set.node], plan),
            _ => {
                strip(&mut response.data);
                write_json(&mut out, &response.data);
            }
        }
        wrote = true;
    }
    if !response.extensions.is_empty() {
        if wrote {
            out.push(b',');
        }
        out.extend_from_slice(b"\"extensions\":");
        write_json(&mut out, &response.extensions);
    }
    out.push(b'}');
    out
}
