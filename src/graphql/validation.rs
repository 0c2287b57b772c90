//! Query limits, checked before async-graphql parses and validates a query.
//!
//! async-graphql has depth and complexity limits, but it reports them without `extensions.code`,
//! costs a list of 200 like a single field, and walks a fragment again at every spread (nested
//! spreads of spreads cost it exponential time). So capgraph checks every query itself, in time
//! linear in its size, in this order:
//!
//! 1. size in characters (`QUERY_TOO_LARGE`), then a lexical scan for tokens
//!    (`TOKEN_LIMIT_EXCEEDED`) and bracket nesting (`DEPTH_LIMIT_EXCEEDED`): the parser recurses,
//!    so it never sees deeply nested text;
//! 2. the parsed document: fragment cycles (`GRAPHQL_VALIDATION_FAILED`), aliases
//!    (`ALIAS_LIMIT_EXCEEDED`), directives per field (`DIRECTIVE_LIMIT_EXCEEDED`), the operation
//!    to run (`OPERATION_RESOLUTION_FAILURE`), introspection when it is off
//!    (`INTROSPECTION_DISABLED`), root fields (`ROOT_FIELD_LIMIT_EXCEEDED`), depth
//!    (`DEPTH_LIMIT_EXCEEDED`) and complexity (`COMPLEXITY_LIMIT_EXCEEDED`);
//! 3. variable values against their declared types (`BAD_USER_INPUT`).
//!
//! **Complexity**: a field costs 1 plus the cost of its selection times its list size: for a paged
//! field (one with a `first`/`last` argument) the `first`/`last` given, capped at the largest page,
//! or the argument's default, or the default page size; for another list of objects, the length of
//! its list argument (`nodes(ids:)`) or else the assumed list size; 1 for everything else and for
//! the `edges`/`nodes` of a connection, already counted by the connection. Introspection fields
//! count 1 each (their size is the schema's, which is fixed). A fragment is costed once.
//!
//! Errors async-graphql raises without a code get one on the way out ([`classify`]).
//! `documents` runs these checks for every request, keeping what depends on the text alone.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    parser::{
        parse_query, parse_schema,
        types::{
            BaseType, DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet, Type, TypeKind,
            TypeSystemDefinition,
        },
    },
    ErrorExtensionValues, Pos, Positioned, ServerError, Value as ConstValue, Variables,
};

use async_graphql_value::Value;

use super::{errors as codes, QueryLimits};

/// Brackets may nest at most this deep whatever the configured depth: the parser recurses on them.
pub const PARSER_NESTING_CEILING: usize = 128;

/// The deepest bracket nesting the lexical scan lets through for a depth limit: room for inline
/// fragments and nested argument values around `depth` levels of fields.
pub fn nesting_limit(depth: usize) -> usize {
    depth.saturating_mul(2).clamp(32, PARSER_NESTING_CEILING)
}

/// A request-level error with `extensions.code`.
pub fn coded(code: &str, message: impl Into<String>, pos: Option<Pos>) -> ServerError {
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    ServerError { extensions: Some(extensions), ..ServerError::new(message, pos) }
}

fn code_of(error: &ServerError) -> Option<&ConstValue> {
    error.extensions.as_ref().and_then(|e| e.get("code"))
}

/// Gives a code to an error that has none: async-graphql's own validation errors
/// (`GRAPHQL_VALIDATION_FAILED`) and argument values it could not accept while resolving
/// (`BAD_USER_INPUT`; capgraph's resolvers code their own errors).
pub fn classify(error: &mut ServerError) {
    if code_of(error).is_some() {
        return;
    }
    let code = if error.path.is_empty() { codes::GRAPHQL_VALIDATION_FAILED } else { codes::BAD_USER_INPUT };
    error.extensions.get_or_insert_with(Default::default).set("code", code);
}

// ---------------------------------------------------------------------------------------------
// What the cost walk needs to know about the schema, read from its SDL.

#[derive(Debug, Clone)]
struct FieldInfo {
    /// The named type the field returns (lists and non-null unwrapped).
    ty: String,
    list: bool,
    /// Has a `first` or `last` argument; its default `first`, if the SDL gives one.
    paged: bool,
    default_first: Option<i64>,
}

#[derive(Debug, Clone)]
struct InputField {
    ty: Type,
    has_default: bool,
}

/// The types of the schema, as far as costing and variable checks need them.
#[derive(Debug, Default)]
pub struct SchemaModel {
    query_type: String,
    fields: HashMap<String, HashMap<String, FieldInfo>>,
    /// Types returned by paged fields: their lists are counted by the field's page size.
    connections: HashSet<String>,
    enums: HashMap<String, HashSet<String>>,
    inputs: HashMap<String, Vec<(String, InputField)>>,
    scalars: HashSet<String>,
}

fn unwrap_type(ty: &Type) -> (&str, bool) {
    match &ty.base {
        BaseType::Named(name) => (name.as_str(), false),
        BaseType::List(inner) => (unwrap_type(inner).0, true),
    }
}

impl SchemaModel {
    /// Reads the model from the schema's SDL. A schema whose SDL cannot be read gives an empty
    /// model (every field then costs 1): logged, never a panic.
    pub fn from_sdl(sdl: &str) -> Self {
        let document = match parse_schema(sdl) {
            Ok(document) => document,
            Err(err) => {
                tracing::error!(error = %err, "cannot read the schema's SDL: query costs fall back to 1 per field");
                return SchemaModel { query_type: "Query".into(), ..Default::default() };
            }
        };
        let mut model = SchemaModel { query_type: "Query".into(), ..Default::default() };
        for definition in &document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        model.query_type = query.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    let fields = match &ty.node.kind {
                        TypeKind::Object(object) => &object.fields,
                        TypeKind::Interface(interface) => &interface.fields,
                        TypeKind::Enum(e) => {
                            model.enums.insert(name, e.values.iter().map(|v| v.node.value.node.to_string()).collect());
                            continue;
                        }
                        TypeKind::InputObject(input) => {
                            let fields = input
                                .fields
                                .iter()
                                .map(|f| {
                                    let field = InputField { ty: f.node.ty.node.clone(), has_default: f.node.default_value.is_some() };
                                    (f.node.name.node.to_string(), field)
                                })
                                .collect();
                            model.inputs.insert(name, fields);
                            continue;
                        }
                        TypeKind::Scalar => {
                            model.scalars.insert(name);
                            continue;
                        }
                        TypeKind::Union(_) => continue,
                    };
                    let mut infos = HashMap::new();
                    for field in fields {
                        let (named, list) = unwrap_type(&field.node.ty.node);
                        let paging = |arg: &str| field.node.arguments.iter().find(|a| a.node.name.node == arg);
                        let paged = paging("first").is_some() || paging("last").is_some();
                        let default_first = paging("first").and_then(|a| match a.node.default_value.as_ref().map(|v| &v.node) {
                            Some(ConstValue::Number(n)) => n.as_i64(),
                            _ => None,
                        });
                        if paged {
                            model.connections.insert(named.to_owned());
                        }
                        infos.insert(field.node.name.node.to_string(), FieldInfo { ty: named.to_owned(), list, paged, default_first });
                    }
                    model.fields.insert(name, infos);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        // A paged plain list (`[T]` with `first`) is not a connection type: its items are T itself.
        for infos in model.fields.values() {
            for info in infos.values() {
                if info.paged && info.list {
                    model.connections.remove(&info.ty);
                }
            }
        }
        model
    }

    fn field(&self, ty: &str, name: &str) -> Option<&FieldInfo> {
        self.fields.get(ty).and_then(|fields| fields.get(name))
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Before parsing: characters, tokens and bracket nesting.

fn pos_at(query: &str, index: usize) -> Pos {
    let before = query.get(..index).unwrap_or(query);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, column }
}

/// The query's size in tokens and its deepest bracket nesting, stopping as soon as a limit is
/// passed. Strings, block strings and comments are skipped as GraphQL's lexer does.
pub fn scan(query: &str, max_tokens: usize, max_nesting: usize) -> Result<(), ServerError> {
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
                    return Err(coded(codes::DEPTH_LIMIT_EXCEEDED, message, Some(pos_at(query, i))));
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
            return Err(coded(codes::TOKEN_LIMIT_EXCEEDED, message, None));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. The parsed document.

/// What a selection set costs.
#[derive(Debug, Default, Clone, Copy)]
struct Cost {
    complexity: u64,
    /// Levels of fields below (a field alone is 1).
    depth: usize,
    /// Fields at the top level, fragments expanded.
    top_fields: usize,
    /// Where a top-level `__schema` or `__type` is.
    introspection: Option<Pos>,
}

impl Cost {
    fn add(&mut self, other: Cost) {
        self.complexity = self.complexity.saturating_add(other.complexity);
        self.depth = self.depth.max(other.depth);
        self.top_fields = self.top_fields.saturating_add(other.top_fields);
        self.introspection = self.introspection.or(other.introspection);
    }
}

/// Counts aliases, checks directives per selection and lists the fragments a selection set spreads.
struct Syntax<'a> {
    limits: &'a QueryLimits,
    aliases: usize,
    first_over_alias: Option<Pos>,
    directives: Option<ServerError>,
}

impl<'a> Syntax<'a> {
    fn directives(&mut self, count: usize, what: &str, pos: Pos) {
        if count > self.limits.directives && self.directives.is_none() {
            let message = format!("{what} has {count} directives; at most {} are allowed on one field", self.limits.directives);
            self.directives = Some(coded(codes::DIRECTIVE_LIMIT_EXCEEDED, message, Some(pos)));
        }
    }

    fn walk<'d>(&mut self, set: &'d SelectionSet, spreads: &mut Vec<(&'d str, Pos)>) {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    if field.node.alias.is_some() {
                        self.aliases += 1;
                        if self.aliases > self.limits.aliases && self.first_over_alias.is_none() {
                            self.first_over_alias = Some(field.pos);
                        }
                    }
                    self.directives(field.node.directives.len(), &format!("field `{}`", field.node.name.node), field.pos);
                    self.walk(&field.node.selection_set.node, spreads);
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    self.directives(spread.node.directives.len(), &format!("spread of `{name}`"), spread.pos);
                    spreads.push((name, spread.pos));
                }
                Selection::InlineFragment(inline) => {
                    self.directives(inline.node.directives.len(), "an inline fragment", inline.pos);
                    self.walk(&inline.node.selection_set.node, spreads);
                }
            }
        }
    }
}

/// The fragments in an order where each comes after every fragment it spreads, or the first cycle.
fn fragment_order<'d>(graph: &HashMap<&'d str, Vec<(&'d str, Pos)>>) -> Result<Vec<&'d str>, ServerError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut names: Vec<&str> = graph.keys().copied().collect();
    names.sort_unstable();
    let mut marks: HashMap<&str, Mark> = names.iter().map(|n| (*n, Mark::New)).collect();
    let mut order = Vec::with_capacity(names.len());
    for root in names {
        if marks[root] != Mark::New {
            continue;
        }
        marks.insert(root, Mark::Open);
        // An explicit stack: a chain of thousands of fragments must not exhaust the thread's stack.
        let mut stack: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some(&(node, next)) = stack.last() {
            let edges = &graph[node];
            if next == edges.len() {
                marks.insert(node, Mark::Done);
                order.push(node);
                stack.pop();
                continue;
            }
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            let (target, pos) = edges[next];
            match marks.get(target).copied() {
                None | Some(Mark::Done) => {}
                Some(Mark::Open) => {
                    let start = stack.iter().position(|(n, _)| *n == target).unwrap_or(0);
                    let via: Vec<String> = stack[start + 1..].iter().map(|(n, _)| format!("\"{n}\"")).collect();
                    let message = if via.is_empty() {
                        format!("Cannot spread fragment \"{target}\" within itself.")
                    } else {
                        format!("Cannot spread fragment \"{target}\" within itself via {}.", via.join(", "))
                    };
                    return Err(coded(codes::GRAPHQL_VALIDATION_FAILED, message, Some(pos)));
                }
                Some(Mark::New) => {
                    marks.insert(target, Mark::Open);
                    stack.push((target, 0));
                }
            }
        }
    }
    Ok(order)
}

/// Costs selection sets of one operation, each fragment once.
struct Coster<'a> {
    model: &'a SchemaModel,
    limits: &'a QueryLimits,
    variables: &'a Variables,
    defaults: HashMap<&'a str, &'a ConstValue>,
    fragments: HashMap<&'a str, Cost>,
}

impl<'a> Coster<'a> {
    fn variable(&self, name: &str) -> Option<&'a ConstValue> {
        self.variables.get(name).or_else(|| self.defaults.get(name).copied())
    }

    fn int_argument(&self, field: &Field, name: &str) -> Option<i64> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        match &value.node {
            Value::Number(n) => n.as_i64(),
            Value::Variable(v) => match self.variable(v) {
                Some(ConstValue::Number(n)) => n.as_i64(),
                _ => None,
            },
            _ => None,
        }
    }

    fn longest_list_argument(&self, field: &Field) -> Option<u64> {
        field
            .arguments
            .iter()
            .filter_map(|(_, value)| match &value.node {
                Value::List(items) => Some(items.len() as u64),
                Value::Variable(v) => match self.variable(v) {
                    Some(ConstValue::List(items)) => Some(items.len() as u64),
                    _ => None,
                },
                _ => None,
            })
            .max()
    }

    /// How many times a field's selection is resolved.
    fn factor(&self, field: &Field, info: Option<&FieldInfo>, parent: Option<&str>) -> u64 {
        let Some(info) = info else { return 1 };
        if field.name.node.starts_with("__") {
            return 1;
        }
        let page = self.limits.page;
        if info.paged {
            let given = [self.int_argument(field, "first"), self.int_argument(field, "last")].into_iter().flatten().max();
            let size = given.or(info.default_first).unwrap_or(page.default as i64);
            return size.clamp(1, page.max.max(1) as i64) as u64;
        }
        if info.list && !field.selection_set.node.items.is_empty() {
            if parent.is_some_and(|p| self.model.connections.contains(p)) {
                return 1;
            }
            return self.longest_list_argument(field).unwrap_or(self.limits.list_size as u64).max(1);
        }
        1
    }

    fn selection_set(&self, set: &'a SelectionSet, ty: Option<&'a str>) -> Cost {
        let mut cost = Cost::default();
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => cost.add(self.field(field, ty)),
                Selection::FragmentSpread(spread) => {
                    cost.add(self.fragments.get(spread.node.fragment_name.node.as_str()).copied().unwrap_or_default())
                }
                Selection::InlineFragment(inline) => {
                    let ty = inline.node.type_condition.as_ref().map(|c| c.node.on.node.as_str()).or(ty);
                    cost.add(self.selection_set(&inline.node.selection_set.node, ty));
                }
            }
        }
        cost
    }

    fn field(&self, field: &'a Positioned<Field>, parent: Option<&'a str>) -> Cost {
        let name = field.node.name.node.as_str();
        let info = parent.and_then(|p| self.model.field(p, name));
        let children = self.selection_set(&field.node.selection_set.node, info.map(|i| i.ty.as_str()));
        let factor = self.factor(&field.node, info, parent);
        Cost {
            complexity: factor.saturating_mul(children.complexity).saturating_add(1),
            depth: children.depth.saturating_add(1),
            top_fields: 1,
            introspection: matches!(name, "__schema" | "__type").then_some(field.pos),
        }
    }
}

fn select_operation<'d>(
    document: &'d ExecutableDocument,
    operation_name: Option<&str>,
) -> Result<&'d Positioned<OperationDefinition>, ServerError> {
    let unknown = |name: &str| coded(codes::OPERATION_RESOLUTION_FAILURE, format!("Unknown operation named \"{name}\"."), None);
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(_), Some(name)) => Err(unknown(name)),
        (DocumentOperations::Single(operation), None) => Ok(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).ok_or_else(|| unknown(name)),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations.values().next().ok_or_else(|| unknown("")),
        (DocumentOperations::Multiple(_), None) => Err(coded(
            codes::OPERATION_RESOLUTION_FAILURE,
            "The document has several operations: `operationName` must say which one to run.",
            None,
        )),
    }
}

/// Checks a parsed document against the limits; see the module documentation for the order.
pub fn check_document(
    limits: &QueryLimits,
    model: &SchemaModel,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(), ServerError> {
    let mut syntax = Syntax { limits, aliases: 0, first_over_alias: None, directives: None };
    let mut graph: HashMap<&str, Vec<(&str, Pos)>> = HashMap::new();
    for (name, fragment) in &document.fragments {
        let mut spreads = Vec::new();
        syntax.directives(fragment.node.directives.len(), &format!("fragment `{name}`"), fragment.pos);
        syntax.walk(&fragment.node.selection_set.node, &mut spreads);
        graph.insert(name.as_str(), spreads);
    }
    for (_, operation) in document.operations.iter() {
        syntax.directives(operation.node.directives.len(), "the operation", operation.pos);
        syntax.walk(&operation.node.selection_set.node, &mut Vec::new());
    }
    let order = fragment_order(&graph)?;
    if let Some(pos) = syntax.first_over_alias {
        let message = format!("the query uses {} aliases; at most {} are allowed", syntax.aliases, limits.aliases);
        return Err(coded(codes::ALIAS_LIMIT_EXCEEDED, message, Some(pos)));
    }
    if let Some(error) = syntax.directives {
        return Err(error);
    }

    let operation = select_operation(document, operation_name)?;
    let defaults = operation
        .node
        .variable_definitions
        .iter()
        .filter_map(|d| d.node.default_value.as_ref().map(|v| (d.node.name.node.as_str(), &v.node)))
        .collect();
    let mut coster = Coster { model, limits, variables, defaults, fragments: HashMap::new() };
    for name in order {
        if let Some(fragment) = document.fragments.get(name) {
            let cost = coster.selection_set(&fragment.node.selection_set.node, Some(fragment.node.type_condition.node.on.node.as_str()));
            coster.fragments.insert(name, cost);
        }
    }
    let root_type = match operation.node.ty {
        async_graphql::parser::types::OperationType::Query => Some(model.query_type.as_str()),
        _ => None,
    };
    let cost = coster.selection_set(&operation.node.selection_set.node, root_type);

    if let (false, Some(pos)) = (limits.introspection, cost.introspection) {
        return Err(coded(
            codes::INTROSPECTION_DISABLED,
            "introspection is disabled on this server; the SDL is at /schema.graphql",
            Some(pos),
        ));
    }
    if cost.top_fields > limits.root_fields {
        let message = format!("the operation selects {} root fields; at most {} are allowed", cost.top_fields, limits.root_fields);
        return Err(coded(codes::ROOT_FIELD_LIMIT_EXCEEDED, message, Some(operation.pos)));
    }
    if cost.depth > limits.depth {
        let message = format!("the query is {} levels deep; at most {} are allowed", cost.depth, limits.depth);
        return Err(coded(codes::DEPTH_LIMIT_EXCEEDED, message, Some(operation.pos)));
    }
    if cost.complexity > limits.complexity as u64 {
        let message = format!(
            "the query's complexity is {}; at most {} is allowed (lists count once per item: ask for smaller pages with `first`/`last`)",
            cost.complexity, limits.complexity
        );
        return Err(coded(codes::COMPLEXITY_LIMIT_EXCEEDED, message, Some(operation.pos)));
    }
    check_variables(model, &operation.node, variables)
}

// ---------------------------------------------------------------------------------------------
// 3. Variable values.

/// A value for an error message: never the whole of a huge string.
fn shown(value: &ConstValue) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn coerce(model: &SchemaModel, value: &ConstValue, ty: &Type, path: &mut String) -> Result<(), String> {
    if let ConstValue::Null = value {
        return if ty.nullable { Ok(()) } else { Err(format!("{path}: expected a non-null {ty}, got null")) };
    }
    match &ty.base {
        BaseType::List(inner) => match value {
            ConstValue::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{index}]"));
                    coerce(model, item, inner, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            // A single value stands for a list of one.
            other => coerce(model, other, inner, path),
        },
        BaseType::Named(name) => {
            let wrong = || Err(format!("{path}: expected {ty}, got {}", shown(value)));
            match (name.as_str(), value) {
                ("Int", ConstValue::Number(n)) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => Ok(()),
                ("Float", ConstValue::Number(_)) | ("String", ConstValue::String(_)) | ("Boolean", ConstValue::Boolean(_)) => Ok(()),
                ("ID", ConstValue::String(_)) => Ok(()),
                ("ID", ConstValue::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
                ("Int" | "Float" | "String" | "Boolean" | "ID", _) => wrong(),
                (name, value) if model.enums.contains_key(name) => match value {
                    ConstValue::String(item) if model.enums[name].contains(item.as_str()) => Ok(()),
                    ConstValue::Enum(item) if model.enums[name].contains(item.as_str()) => Ok(()),
                    _ => wrong(),
                },
                (name, value) if model.inputs.contains_key(name) => {
                    let ConstValue::Object(object) = value else { return wrong() };
                    let fields = &model.inputs[name];
                    for key in object.keys() {
                        if !fields.iter().any(|(f, _)| f == key.as_str()) {
                            return Err(format!("{path}: {name} has no field `{key}`"));
                        }
                    }
                    for (field, info) in fields {
                        let len = path.len();
                        path.push('.');
                        path.push_str(field);
                        match object.get(field.as_str()) {
                            Some(item) => coerce(model, item, &info.ty, path)?,
                            None if !info.ty.nullable && !info.has_default => {
                                return Err(format!("{path}: the required field of type {} is missing", info.ty));
                            }
                            None => {}
                        }
                        path.truncate(len);
                    }
                    Ok(())
                }
                // Custom scalars check their own values; unknown types are validation's business.
                _ => Ok(()),
            }
        }
    }
}

fn check_variables(model: &SchemaModel, operation: &OperationDefinition, variables: &Variables) -> Result<(), ServerError> {
    for definition in &operation.variable_definitions {
        let name = definition.node.name.node.as_str();
        let ty = &definition.node.var_type.node;
        let problem = match variables.get(name) {
            None if !ty.nullable && definition.node.default_value.is_none() => {
                Some(format!("Variable \"${name}\" of required type \"{ty}\" was not provided."))
            }
            None => None,
            Some(value) => coerce(model, value, ty, &mut format!("${name}"))
                .err()
                .map(|why| format!("Variable \"${name}\" got an invalid value: {why}.")),
        };
        if let Some(message) = problem {
            return Err(coded(codes::BAD_USER_INPUT, message, Some(definition.pos)));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The whole check, and the async-graphql extension that runs it for every operation.

/// Checks a query string against the limits and returns it parsed.
pub fn check_request(
    limits: &QueryLimits,
    model: &SchemaModel,
    query: &str,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<ExecutableDocument, ServerError> {
    let document = parse_checked(limits, query)?;
    check_document(limits, model, &document, operation_name, variables)?;
    Ok(document)
}

/// Steps 1 and the parse: what depends on the query text alone, so its result can be kept.
pub fn parse_checked(limits: &QueryLimits, query: &str) -> Result<ExecutableDocument, ServerError> {
    if query.len() > limits.query_chars {
        let chars = query.chars().count();
        if chars > limits.query_chars {
            let message = format!("the query is {chars} characters long; at most {} are allowed", limits.query_chars);
            return Err(coded(codes::QUERY_TOO_LARGE, message, None));
        }
    }
    scan(query, limits.tokens, nesting_limit(limits.depth))?;
    parse_query(query).map_err(|err| {
        let mut error = ServerError::from(err);
        error.extensions.get_or_insert_with(Default::default).set("code", codes::GRAPHQL_PARSE_FAILED);
        error
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> SchemaModel {
        SchemaModel::from_sdl(&crate::graphql::sdl())
    }

    fn check(query: &str, variables: serde_json::Value) -> Result<(), ServerError> {
        check_request(&QueryLimits::default(), &model(), query, None, &Variables::from_json(variables)).map(|_| ())
    }

    fn code(query: &str) -> String {
        match check(query, serde_json::json!({})) {
            Ok(()) => "OK".into(),
            Err(err) => code_of(&err).map(|c| c.to_string().trim_matches('"').to_owned()).unwrap_or_default(),
        }
    }

    /// The complexity the check computes, found by lowering the limit until it fails.
    fn complexity(query: &str) -> u64 {
        let document = parse_query(query).unwrap();
        let model = model();
        let fits = |limit: usize| {
            let limits = QueryLimits { complexity: limit, ..QueryLimits::default() };
            check_document(&limits, &model, &document, None, &Variables::default()).is_ok()
        };
        let (mut low, mut high) = (0usize, 100_000_000usize);
        while low < high {
            let mid = (low + high) / 2;
            if fits(mid) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        low as u64
    }

    #[test]
    fn connections_cost_their_page_size() {
        assert_eq!(complexity("{ projects(first: 10) { nodes { code } } }"), 1 + 10 * 2);
        assert_eq!(complexity("{ projects(last: 3) { edges { node { code } } totalCount } }"), 1 + 3 * (3 + 1));
        // No `first`: the default page size (50); beyond the largest page: the largest page (200).
        assert_eq!(complexity("{ projects { nodes { code } } }"), 1 + 50 * 2);
        assert_eq!(complexity("{ projects(first: 100000) { nodes { code } } }"), 1 + 200 * 2);
        // Nested pages multiply.
        assert_eq!(complexity("{ nations(first: 20) { nodes { projects(first: 5) { nodes { code } } } } }"), 1 + 20 * (1 + (1 + 5 * 2)));
        // A plain list of objects: the assumed list size; a list argument: its length.
        assert_eq!(complexity(r#"{ project(code: "mus") { participants { role } } }"#), 1 + (1 + 10));
        assert_eq!(complexity(r#"{ nodes(ids: ["a", "b", "c"]) { id } }"#), 1 + 3);
        // Fragments cost what they expand to.
        assert_eq!(complexity("{ projects(first: 10) { nodes { ...P } } } fragment P on Project { code name }"), 1 + 10 * 3);
    }

    #[test]
    fn introspection_queries_fit_the_default_limits() {
        for file in ["graphiql_introspection.graphql", "full_introspection.graphql"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/queries").join(file);
            let query = std::fs::read_to_string(path).unwrap();
            check(&query, serde_json::json!({})).unwrap_or_else(|e| panic!("{file}: {}", e.message));
            // GraphiQL's query is 15 levels deep (`__schema types fields args type` and 9 `ofType`s
            // with their leaves): the default of 16 leaves one level of room.
            let document = parse_query(&query).unwrap();
            let depth = |depth| QueryLimits { depth, ..QueryLimits::default() };
            let fits = |limits: QueryLimits| check_document(&limits, &model(), &document, None, &Variables::default()).is_ok();
            assert!(fits(depth(15)) && !fits(depth(14)), "{file}");
        }
    }

    #[test]
    fn each_limit_has_its_code() {
        let deep = format!("{{ {}__typename{} }}", "project(code: \"x\") { relatedProjects { project { ".repeat(6), " } } }".repeat(6));
        assert_eq!(code(&deep), "DEPTH_LIMIT_EXCEEDED");
        assert_eq!(code(&format!("{}{}", "{".repeat(40), "}".repeat(40))), "DEPTH_LIMIT_EXCEEDED");
        assert_eq!(
            code(&format!("{{ {} }}", (0..31).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "))),
            "ALIAS_LIMIT_EXCEEDED"
        );
        assert_eq!(code(&format!("{{ {} }}", "__typename ".repeat(21))), "ROOT_FIELD_LIMIT_EXCEEDED");
        assert_eq!(code(&format!("{{ __typename {} }}", "@skip(if: false) ".repeat(6))), "DIRECTIVE_LIMIT_EXCEEDED");
        assert_eq!(code(&format!("{{ __typename }} # {}", "x".repeat(40_000))), "QUERY_TOO_LARGE");
        assert_eq!(code(&format!("{{ {} }}", "__typename @skip(if: false) ".repeat(700))), "TOKEN_LIMIT_EXCEEDED");
        assert_eq!(code("{ nations(first: 200) { nodes { projects(first: 200) { nodes { code } } } } }"), "COMPLEXITY_LIMIT_EXCEEDED");
        assert_eq!(code("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"), "GRAPHQL_VALIDATION_FAILED");
        assert_eq!(code("{ __typename"), "GRAPHQL_PARSE_FAILED");
        assert_eq!(code("query A { __typename } query B { __typename }"), "OPERATION_RESOLUTION_FAILURE");
        assert_eq!(code("{ __typename }"), "OK");
    }

    #[test]
    fn strings_and_comments_do_not_count_as_brackets() {
        let query = format!("{{ project(code: \"{}\") {{ code }} }} # {}", "{".repeat(500), "[".repeat(500));
        assert_eq!(code(&query), "OK");
        let query = format!("{{ project(code: \"\"\"{}\\\"\"\"\"\"\") {{ code }} }}", "(".repeat(500));
        assert_eq!(code(&query), "OK");
    }

    #[test]
    fn variables_are_checked_against_their_types() {
        let query =
            "query($c: String!, $f: ProjectFilter, $n: Int) { project(code: $c) { code } projects(filter: $f, first: $n) { totalCount } }";
        let bad = |vars: serde_json::Value| check(query, vars).err().map(|e| e.message).unwrap_or_default();
        assert!(check(query, serde_json::json!({ "c": "mus", "f": { "status": ["ESTABLISHED"] }, "n": 3 })).is_ok());
        assert!(bad(serde_json::json!({ "c": 5 })).contains("$c"));
        assert!(bad(serde_json::json!({})).contains("was not provided"));
        assert!(bad(serde_json::json!({ "c": "x", "n": 1e12 })).contains("$n"));
        assert!(bad(serde_json::json!({ "c": "x", "f": { "status": ["NOPE"] } })).contains("$f.status[0]"));
        assert!(bad(serde_json::json!({ "c": "x", "f": { "nope": 1 } })).contains("no field `nope`"));
        let huge = "x".repeat(100_000);
        assert!(bad(serde_json::json!({ "c": "x", "n": huge })).len() < 200, "a huge value is not echoed whole");
    }

    #[test]
    fn nesting_the_scan_lets_through_never_overflows_the_parser_stack() {
        let n = PARSER_NESTING_CEILING;
        let queries = [
            format!("{{ f(a: {}1{}) }}", "[".repeat(n - 2), "]".repeat(n - 2)),
            format!("{{ f(a: {}1{}) }}", "{a: ".repeat(n - 2), "}".repeat(n - 2)),
            format!("{}{}", "{ a ".repeat(n), "}".repeat(n)),
        ];
        // Tokio's worker threads have 2 MiB stacks; debug builds use the most stack per level.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                for query in queries {
                    assert!(scan(&query, usize::MAX, n).is_ok());
                    let _ = parse_query(&query);
                }
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
