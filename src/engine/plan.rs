//! A document's operation compiled into a plan: the one walk of a document.
//!
//! Every selection set is resolved, for each concrete object type it can meet, into the ordered
//! list of its response keys (GraphQL's CollectFields): fragments merged, aliases and argument
//! values bound, each field joined to its definition and type. `@skip`/`@include` that name
//! variables stay in the plan as conditions, evaluated per request, so one plan serves every
//! request of the document. The plan also records what the limits read (depth, aliases,
//! directives, root fields, introspection), and a fingerprint that keys the response cache.
//!
//! Before compiling, the fragments are checked for cycles and for the size they expand to
//! (async-graphql's own checks expand every spread, exponentially for "fragment bombs").

use std::collections::HashMap;

use async_graphql::{
    parser::types::{Directive, ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet},
    Name, Pos, Positioned, ServerError,
};
use async_graphql_value::Value as AstValue;
use sha2::{Digest, Sha256};

use super::QueryLimits;
use super::{
    limits::LimitError,
    types::{Kind, PTy, Source, TypeIdx, TypeInfo},
};
use crate::errors::{code, request_error};

pub type SelId = u32;
pub type FieldId = u32;

/// A conjunction of `@skip`/`@include` conditions on variables: (condition variable, value
/// that keeps the field).
pub type Conjunction = Vec<(u16, bool)>;

/// When a field is selected: always (empty), or when any of the conjunctions holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct When(Vec<Conjunction>);

impl When {
    pub fn always(&self) -> bool {
        self.0.is_empty()
    }

    /// Is the field selected, given the value of each condition variable?
    pub fn holds(&self, values: &[bool]) -> bool {
        self.0.is_empty() || self.0.iter().any(|all| all.iter().all(|&(var, keep)| values[var as usize] == keep))
    }
}

/// What writes a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Typename,
    /// The schema's definition of the field.
    Def(crate::schema::ObjType, usize),
    /// An introspection field: its value comes from async-graphql.
    Introspection,
}

pub struct FieldPlan {
    pub key: Name,
    /// `"key":`, as written before the value.
    pub key_json: Box<[u8]>,
    pub name: Name,
    pub kind: FieldKind,
    /// The definition, for the schema's fields.
    pub def: Option<&'static crate::schema::FieldDef>,
    pub ty: PTy,
    /// The arguments as written (variables unresolved), from the first node of the key.
    pub arguments: Vec<(Positioned<Name>, Positioned<AstValue>)>,
    pub sub: Option<SelId>,
    pub when: When,
    /// Every merged node's position, in document order, with the condition it is selected under.
    pub locations: Vec<(Pos, When)>,
    pub paged: bool,
    pub default_first: Option<i64>,
    /// The key has several entries in its list (its nodes have different conditions).
    pub repeated: bool,
}

impl FieldPlan {
    /// The positions of the nodes selected under the request's conditions.
    pub fn locations(&self, conditions: &[bool]) -> Vec<Pos> {
        let mut positions: Vec<Pos> = self.locations.iter().filter(|(_, when)| when.holds(conditions)).map(|(pos, _)| *pos).collect();
        positions.dedup();
        positions
    }
}

/// A place of a field in its object's list: the field's key is written at the first entry whose
/// condition holds (a key's nodes with different conditions can each come first).
#[derive(Debug, Clone)]
pub struct Entry {
    pub field: FieldId,
    pub when: When,
    /// For a field that yields objects: its value's slot among the object's (see `execute`).
    pub slot: u32,
}

/// A selection set: for each concrete type it can meet, the range of its fields in `Plan::lists`
/// and how many of them yield objects.
#[derive(Debug)]
pub struct Sel {
    pub parent: TypeIdx,
    pub by_type: Vec<(TypeIdx, std::ops::Range<u32>, u32)>,
}

impl Sel {
    /// The fields for an object of type `concrete`.
    pub fn fields_for(&self, concrete: TypeIdx) -> Option<std::ops::Range<u32>> {
        self.by_type.iter().find(|(t, _, _)| *t == concrete).map(|(_, r, _)| r.clone())
    }

    /// The fields for an object of type `concrete`, and how many yield objects.
    pub fn fields_and_slots(&self, concrete: TypeIdx) -> Option<(std::ops::Range<u32>, u32)> {
        self.by_type.iter().find(|(t, _, _)| *t == concrete).map(|(_, r, n)| (r.clone(), *n))
    }
}

pub struct Plan {
    pub operation_type: OperationType,
    pub root: SelId,
    pub sels: Vec<Sel>,
    pub fields: Vec<FieldPlan>,
    /// `lists[range]` are the entries of a concrete type's fields.
    pub lists: Vec<Entry>,
    /// The variables the conditions read, by index (none: every field is always selected).
    pub condition_variables: Vec<Name>,
    pub depth: usize,
    pub root_fields: usize,
    pub introspection: Option<Pos>,
    pub fingerprint: [u8; 32],
    pub operation_pos: Pos,
    /// The sizes of the last run (answer bytes, objects, slots), to size the next one's buffers.
    pub hints: [std::sync::atomic::AtomicUsize; 3],
}

impl Plan {
    pub fn sel(&self, id: SelId) -> &Sel {
        &self.sels[id as usize]
    }

    pub fn field(&self, id: FieldId) -> &FieldPlan {
        &self.fields[id as usize]
    }

    pub fn list(&self, range: std::ops::Range<u32>) -> &[Entry] {
        &self.lists[range.start as usize..range.end as usize]
    }

    /// The selected fields of a list under the request's conditions, in order, each once (with
    /// its entry's index).
    pub fn selected<'p>(
        &'p self,
        range: std::ops::Range<u32>,
        conditions: &'p [bool],
    ) -> impl Iterator<Item = (usize, &'p Entry, &'p FieldPlan)> + 'p {
        let entries = self.list(range);
        let conditional = !self.condition_variables.is_empty();
        entries.iter().enumerate().filter_map(move |(k, entry)| {
            let field = self.field(entry.field);
            if !conditional {
                return Some((k, entry, field));
            }
            let first = !field.repeated || !entries[..k].iter().any(|e| e.field == entry.field && e.when.holds(conditions));
            (entry.when.holds(conditions) && first).then_some((k, entry, field))
        })
    }
}

/// Why a document has no plan.
#[derive(Debug)]
pub enum CompileError {
    /// The document is not valid; validation says why.
    Invalid,
    /// A limit or the operation's selection refused it: answered with this error.
    Refused(ServerError),
}

impl From<LimitError> for CompileError {
    fn from(error: LimitError) -> Self {
        CompileError::Refused(error.0)
    }
}

/// The operation `name` selects in `document` (GraphQL's GetOperation).
pub fn select_operation<'d>(
    document: &'d ExecutableDocument,
    name: Option<&str>,
) -> Result<&'d Positioned<OperationDefinition>, ServerError> {
    use async_graphql::parser::types::DocumentOperations;
    let unknown = |name: &str| request_error(code::OPERATION_RESOLUTION_FAILURE, format!("Unknown operation named \"{name}\"."), None);
    match (&document.operations, name) {
        (DocumentOperations::Single(_), Some(name)) => Err(unknown(name)),
        (DocumentOperations::Single(operation), None) => Ok(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).ok_or_else(|| unknown(name)),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations.values().next().ok_or_else(|| unknown("")),
        (DocumentOperations::Multiple(_), None) => Err(request_error(
            code::OPERATION_RESOLUTION_FAILURE,
            "The document has several operations: `operationName` must say which one to run.",
            None,
        )),
    }
}

/// Checks the fragments: no cycle (answered as validation would), and no document that
/// expands to more selections than `budget` when every spread is expanded where it stands.
pub fn check_fragments(document: &ExecutableDocument, budget: u64) -> Result<(), CompileError> {
    struct Sizes<'d> {
        document: &'d ExecutableDocument,
        done: HashMap<&'d str, u64>,
        /// The fragments being sized, outermost first.
        open: Vec<&'d str>,
    }
    impl<'d> Sizes<'d> {
        fn set(&mut self, set: &'d SelectionSet) -> Result<u64, CompileError> {
            let mut total: u64 = 0;
            for item in &set.items {
                let add = match &item.node {
                    Selection::Field(field) => 1 + self.set(&field.node.selection_set.node)?,
                    Selection::InlineFragment(inline) => 1 + self.set(&inline.node.selection_set.node)?,
                    Selection::FragmentSpread(spread) => 1 + self.fragment(&spread.node.fragment_name.node, spread.pos)?,
                };
                total = total.saturating_add(add);
            }
            Ok(total)
        }

        fn fragment(&mut self, name: &'d str, pos: Pos) -> Result<u64, CompileError> {
            if let Some(&n) = self.done.get(name) {
                return Ok(n);
            }
            if let Some(start) = self.open.iter().position(|open| *open == name) {
                let via: Vec<String> = self.open[start + 1..].iter().map(|n| format!("\"{n}\"")).collect();
                let message = if via.is_empty() {
                    format!("Cannot spread fragment \"{name}\" within itself.")
                } else {
                    format!("Cannot spread fragment \"{name}\" within itself via {}.", via.join(", "))
                };
                return Err(CompileError::Refused(request_error(code::GRAPHQL_VALIDATION_FAILED, message, Some(pos))));
            }
            // Fragments nest at most as deep as the text's brackets allow, which the scan bounds.
            let Some(fragment) = self.document.fragments.get(name) else { return Err(CompileError::Invalid) };
            self.open.push(name);
            let n = self.set(&fragment.node.selection_set.node)?;
            self.open.pop();
            self.done.insert(name, n);
            Ok(n)
        }
    }
    let mut sizes = Sizes { document, done: HashMap::new(), open: Vec::new() };
    let mut names: Vec<&Name> = document.fragments.keys().collect();
    names.sort_unstable();
    let mut total: u64 = 0;
    for name in names {
        total = total.saturating_add(sizes.fragment(name, document.fragments[name].pos)?);
    }
    for (_, operation) in document.operations.iter() {
        total = total.saturating_add(sizes.set(&operation.node.selection_set.node)?);
    }
    if total > budget {
        let message = format!("the query expands to more than {budget} selections (fragments count once per spread)");
        return Err(CompileError::Refused(request_error(code::COMPLEXITY_LIMIT_EXCEEDED, message, None)));
    }
    Ok(())
}

/// One field node collected under a response key, with the condition it is selected under.
/// What CollectFields gathers for one concrete type: the fields by response key, each field
/// node's place in document order with its condition, and the fragments already expanded.
#[derive(Default)]
struct Collected<'d> {
    fields: Vec<(Name, Vec<Node<'d>>)>,
    sequence: Vec<(usize, Conjunction)>,
    expanded: Vec<(Name, Conjunction)>,
}

struct Node<'d> {
    field: &'d Positioned<Field>,
    when: Conjunction,
}

struct Compiler<'d, 'l> {
    document: &'d ExecutableDocument,
    types: &'l TypeInfo,
    limits: &'l QueryLimits,
    plan: Plan,
    aliases: std::collections::HashSet<Pos>,
    budget: usize,
}

/// Compiles the operation `name` selects.
pub fn compile(document: &ExecutableDocument, name: Option<&str>, types: &TypeInfo, limits: &QueryLimits) -> Result<Plan, CompileError> {
    let operation = select_operation(document, name).map_err(CompileError::Refused)?;
    if operation.node.ty != OperationType::Query {
        // capgraph has no mutations or subscriptions: validation says so.
        return Err(CompileError::Invalid);
    }
    let mut compiler = Compiler {
        document,
        types,
        limits,
        plan: Plan {
            operation_type: operation.node.ty,
            root: 0,
            sels: Vec::new(),
            fields: Vec::new(),
            lists: Vec::new(),
            condition_variables: Vec::new(),
            depth: 0,
            root_fields: 0,
            introspection: None,
            fingerprint: [0; 32],
            operation_pos: operation.pos,
            hints: Default::default(),
        },
        aliases: Default::default(),
        budget: limits.complexity.clamp(10_000, 1_000_000),
    };
    compiler.directives(operation.node.directives.len(), "the operation", operation.pos)?;
    for (fragment_name, fragment) in &document.fragments {
        compiler.directives(fragment.node.directives.len(), &format!("fragment `{fragment_name}`"), fragment.pos)?;
    }
    let root = compiler.selection(types.query, &[(&operation.node.selection_set.node, Vec::new())], 0)?;
    compiler.plan.root = root;
    if compiler.aliases.len() > limits.aliases {
        let first_over = compiler.aliases.iter().copied().min();
        let message = format!("the query uses {} aliases; at most {} are allowed", compiler.aliases.len(), limits.aliases);
        return Err(CompileError::Refused(request_error(code::ALIAS_LIMIT_EXCEEDED, message, first_over)));
    }
    compiler.plan.fingerprint = fingerprint(&compiler.plan, types);
    Ok(compiler.plan)
}

impl<'d> Compiler<'d, '_> {
    fn directives(&self, count: usize, what: &str, pos: Pos) -> Result<(), CompileError> {
        if count > self.limits.directives {
            let message = format!("{what} has {count} directives; at most {} are allowed on one field", self.limits.directives);
            return Err(CompileError::Refused(request_error(code::DIRECTIVE_LIMIT_EXCEEDED, message, Some(pos))));
        }
        Ok(())
    }

    /// The conjunction `@skip`/`@include` add, or `None` when they exclude the selection outright.
    fn condition(&mut self, directives: &[Positioned<Directive>]) -> Option<Conjunction> {
        let mut all = Vec::new();
        for directive in directives {
            let include = match directive.node.name.node.as_str() {
                "skip" => false,
                "include" => true,
                _ => continue,
            };
            match directive.node.get_argument("if").map(|v| &v.node) {
                Some(AstValue::Boolean(value)) if *value != include => return None,
                Some(AstValue::Boolean(_)) => {}
                Some(AstValue::Variable(variable)) => {
                    let index = match self.plan.condition_variables.iter().position(|v| v == variable) {
                        Some(index) => index,
                        None => {
                            self.plan.condition_variables.push(variable.clone());
                            self.plan.condition_variables.len() - 1
                        }
                    };
                    all.push((index as u16, include));
                }
                // Validation refuses anything else; like async-graphql, read it as false.
                _ if include => return None,
                _ => {}
            }
        }
        Some(all)
    }

    /// CollectFields for `concrete`: the selection sets' fields, merged by response key.
    fn collect(
        &mut self,
        concrete: TypeIdx,
        set: &'d SelectionSet,
        when: &Conjunction,
        into: &mut Collected<'d>,
        root: bool,
    ) -> Result<(), CompileError> {
        for item in &set.items {
            if item.node.directives().len() > self.limits.directives {
                let what = match &item.node {
                    Selection::Field(field) => format!("field `{}`", field.node.name.node),
                    Selection::FragmentSpread(spread) => format!("spread of `{}`", spread.node.fragment_name.node),
                    Selection::InlineFragment(_) => "an inline fragment".to_owned(),
                };
                self.directives(item.node.directives().len(), &what, item.pos)?;
            }
            let Some(own) = self.condition(item.node.directives()) else { continue };
            let mut all = when.clone();
            all.extend(own);
            all.sort_unstable();
            all.dedup();
            match &item.node {
                Selection::Field(field) => {
                    if field.node.alias.is_some() {
                        self.aliases.insert(field.pos);
                    }
                    if root {
                        self.plan.root_fields += 1;
                    }
                    let key = &field.node.response_key().node;
                    let index = match into.fields.iter().position(|(k, _)| k == key) {
                        Some(index) => index,
                        None => {
                            into.fields.push((key.clone(), Vec::new()));
                            into.fields.len() - 1
                        }
                    };
                    into.sequence.push((index, all.clone()));
                    into.fields[index].1.push(Node { field, when: all });
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    let Some(fragment) = self.document.fragments.get(name) else { return Err(CompileError::Invalid) };
                    let condition = self.types.get(&fragment.node.type_condition.node.on.node).ok_or(CompileError::Invalid)?;
                    // A spread already expanded under the same (or no) condition adds nothing.
                    if into.expanded.iter().any(|(n, w)| n == name && (w.is_empty() || *w == all)) {
                        continue;
                    }
                    if into.expanded.len() > self.budget {
                        let message = format!("the query expands to more than {} fragment spreads", self.budget);
                        return Err(CompileError::Refused(request_error(code::COMPLEXITY_LIMIT_EXCEEDED, message, Some(spread.pos))));
                    }
                    into.expanded.push((name.clone(), all.clone()));
                    if self.types.applies(condition, concrete) {
                        self.collect(concrete, &fragment.node.selection_set.node, &all, into, root)?;
                    }
                }
                Selection::InlineFragment(inline) => {
                    let applies = match &inline.node.type_condition {
                        Some(condition) => {
                            self.types.applies(self.types.get(&condition.node.on.node).ok_or(CompileError::Invalid)?, concrete)
                        }
                        None => true,
                    };
                    if applies {
                        self.collect(concrete, &inline.node.selection_set.node, &all, into, root)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Plans the merged selection sets `sets` (each with the condition its field node was
    /// selected under) on a value of type `parent`, for every concrete type it can be.
    fn selection(&mut self, parent: TypeIdx, sets: &[(&'d SelectionSet, Conjunction)], depth: usize) -> Result<SelId, CompileError> {
        if depth >= self.limits.depth.saturating_mul(4).max(64) {
            return Err(CompileError::Invalid);
        }
        let id = self.plan.sels.len() as SelId;
        self.plan.sels.push(Sel { parent, by_type: Vec::new() });
        let possible = self.types.entry(parent).possible.clone();
        let mut by_type = Vec::with_capacity(possible.len());
        for concrete in possible {
            let mut into = Collected::default();
            let root = depth == 0;
            for (set, when) in sets {
                self.collect(concrete, set, when, &mut into, root)?;
            }
            let Collected { fields: collected, sequence, .. } = into;
            let mut ids = Vec::with_capacity(collected.len());
            for (key, nodes) in collected {
                ids.push(self.field(concrete, key, nodes, depth)?);
            }
            // An entry where each key's node first comes, and again where a node with another
            // condition comes (it may be the first selected one), until an unconditional one.
            let mut entries: Vec<(usize, Conjunction)> = Vec::with_capacity(ids.len());
            for (index, when) in sequence {
                let earlier = |e: &&(usize, Conjunction)| e.0 == index;
                if entries.iter().filter(earlier).any(|(_, w)| w.is_empty() || *w == when) {
                    continue;
                }
                entries.push((index, when));
            }
            for &(index, _) in &entries {
                if entries.iter().filter(|e| e.0 == index).count() > 1 {
                    self.plan.fields[ids[index] as usize].repeated = true;
                }
            }
            let start = self.plan.lists.len() as u32;
            let mut slots = 0;
            for (index, when) in entries {
                let field = ids[index];
                let slot = slots;
                if self.plan.fields[field as usize].sub.is_some() {
                    slots += 1;
                }
                self.plan.lists.push(Entry { field, when: if when.is_empty() { When::default() } else { When(vec![when]) }, slot });
            }
            by_type.push((concrete, start..self.plan.lists.len() as u32, slots));
        }
        self.plan.sels[id as usize].by_type = by_type;
        Ok(id)
    }

    fn field(&mut self, concrete: TypeIdx, key: Name, nodes: Vec<Node<'d>>, depth: usize) -> Result<FieldId, CompileError> {
        if self.plan.fields.len() >= self.budget {
            let message = format!("the query expands to more than {} fields", self.budget);
            return Err(CompileError::Refused(request_error(code::COMPLEXITY_LIMIT_EXCEEDED, message, None)));
        }
        let first = nodes[0].field;
        let name = first.node.name.node.clone();
        // Selected when any node is; always, when one node always is.
        let mut when: Vec<Conjunction> = Vec::new();
        if nodes.iter().all(|n| !n.when.is_empty()) {
            for node in &nodes {
                if !when.contains(&node.when) {
                    when.push(node.when.clone());
                }
            }
        }
        let mut locations: Vec<(Pos, When)> =
            nodes.iter().map(|n| (n.field.pos, if n.when.is_empty() { When::default() } else { When(vec![n.when.clone()]) })).collect();
        locations.sort_by_key(|(p, _)| (p.line, p.column));
        locations.dedup_by(|a, b| a.0 == b.0 && (a.1 == b.1 || b.1.always()));
        self.plan.depth = self.plan.depth.max(depth + 1);
        let (kind, ty, paged, default_first) = if name == "__typename" {
            let string = self.types.get("String").ok_or(CompileError::Invalid)?;
            (FieldKind::Typename, PTy::NonNull(Box::new(PTy::Named(string))), false, None)
        } else {
            let info = self.types.entry(concrete).fields.get(name.as_str()).ok_or(CompileError::Invalid)?;
            let kind = match info.source {
                Source::Def(obj, index) => FieldKind::Def(obj, index),
                Source::Introspection => {
                    if depth == 0 && matches!(name.as_str(), "__schema" | "__type") {
                        self.plan.introspection.get_or_insert(first.pos);
                    }
                    FieldKind::Introspection
                }
            };
            (kind, info.ty.clone(), info.paged, info.default_first)
        };
        let named = ty.named();
        let sub = if self.types.is_composite(named) {
            // Each node's sub-selection counts only when that node is selected.
            let sets: Vec<(&'d SelectionSet, Conjunction)> =
                nodes.iter().map(|n| (&n.field.node.selection_set.node, n.when.clone())).collect();
            Some(self.selection(named, &sets, depth + 1)?)
        } else {
            None
        };
        if sub.is_none() && !first.node.selection_set.node.items.is_empty() {
            return Err(CompileError::Invalid);
        }
        if sub.is_some() && self.types.entry(named).kind == Kind::Scalar {
            return Err(CompileError::Invalid);
        }
        let id = self.plan.fields.len() as FieldId;
        let def = match kind {
            FieldKind::Def(obj, index) => crate::schema::registry().object(obj).map(|o| &o.fields[index]),
            _ => None,
        };
        let mut key_json = Vec::with_capacity(key.len() + 3);
        super::json::string(&mut key_json, &key);
        key_json.push(b':');
        self.plan.fields.push(FieldPlan {
            key,
            key_json: key_json.into(),
            name,
            kind,
            def,
            ty,
            arguments: first.node.arguments.clone(),
            sub,
            when: When(when),
            locations,
            paged,
            default_first,
            repeated: false,
        });
        Ok(id)
    }
}

/// A hash of what the answer depends on besides the variables: every key, field, argument and
/// condition, in order, per concrete type. Whitespace, comments, fragment structure and field
/// positions do not change it.
fn fingerprint(plan: &Plan, types: &TypeInfo) -> [u8; 32] {
    let mut hasher = Sha256::new();
    let mut stack = vec![plan.root];
    hasher.update(plan.condition_variables.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(",").as_bytes());
    while let Some(sel) = stack.pop() {
        hasher.update(b"{");
        for (concrete, range, _) in &plan.sel(sel).by_type {
            hasher.update(types.entry(*concrete).name.as_bytes());
            hasher.update(b":");
            for entry in plan.list(range.clone()) {
                hasher.update(format!("{:?}", entry.when.0).as_bytes());
                let f = plan.field(entry.field);
                hasher.update(f.key.as_bytes());
                hasher.update(b"=");
                hasher.update(f.name.as_bytes());
                for (name, value) in &f.arguments {
                    hasher.update(format!("({}:{})", name.node, value.node).as_bytes());
                }
                hasher.update(format!("{:?}", f.when.0).as_bytes());
                if let Some(sub) = f.sub {
                    hasher.update(sub.to_le_bytes());
                    stack.push(sub);
                }
                hasher.update(b";");
            }
        }
        hasher.update(b"}");
    }
    hasher.finalize().into()
}
