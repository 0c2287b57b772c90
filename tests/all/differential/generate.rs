//! Random valid operations over the whole schema, for the differential test: a proptest
//! [`Strategy`] whose values are requests (query text, variables, operation name) and whose
//! shrinking removes and simplifies parts of the document while keeping it valid.
//!
//! The types and fields come from the committed SDL (`schema/schema.graphql`), the codes, names
//! and ids from the bundled fixtures, so every object type reachable from `Query` can be met.
//! What the documents hold:
//!
//! - fields of every object type (scalars, objects, lists, connections with `edges`, `nodes`,
//!   `pageInfo` and `totalCount`), `__typename` anywhere, now and then introspection at the root;
//! - aliases (also an alias that is another field's name), and response keys selected more than
//!   once with the same field and arguments but other sub-selections (merged);
//! - named and inline fragments (and inline fragments without a type condition) on object
//!   types, on the interface `Node` and on the unions, also where they do not apply to the object;
//! - variables of every argument type (scalars, lists, enums, input objects), some with
//!   defaults, some provided and some not; `@skip`/`@include` with literals and variables on
//!   fields, spreads and inline fragments;
//! - arguments: paging (small, 0, the maximum, beyond it, negative, `first` with `last`),
//!   cursors (valid and garbage), filters and lookups by real codes, names in other cases and
//!   unknown codes, enums, search text.
//!
//! Validity is kept by construction: within one response path (the keys from the root) a
//! response key always stands for the same field with the same arguments and type, so
//! OverlappingFieldsCanBeMerged holds whatever merges with what; fragments are only spread where
//! their type condition can apply; variables are declared with the types of their positions, and
//! only the ones used (and only the used fragments) are written out. Answers are kept small: an
//! estimate of the objects at each level bounds the page sizes.

#![allow(dead_code)]

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::Write as _,
    path::Path,
    sync::Arc,
};

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use proptest::{
    prelude::*,
    strategy::{NewTree, ValueTree},
    test_runner::TestRunner,
};
use serde_json::Value as Json;

/// Field levels below the root (the server allows 16).
const MAX_DEPTH: usize = 9;
/// Estimated objects at one level of the answer.
const BUDGET: u64 = 120;
/// Field nodes in one document, beyond which selection sets hold one field.
const FIELD_BUDGET: usize = 60;
/// Aliased field nodes in one document (the server allows 30).
const MAX_ALIASES: usize = 24;
/// The largest page the server serves.
const MAX_PAGE: i64 = 200;

// ---------------------------------------------------------------------------------------------
// The schema, from the committed SDL.

#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Named(String),
    List(Box<Ty>),
    NonNull(Box<Ty>),
}

impl Ty {
    fn from_ast(ty: &Type) -> Ty {
        let base = match &ty.base {
            BaseType::Named(name) => Ty::Named(name.to_string()),
            BaseType::List(inner) => Ty::List(Box::new(Ty::from_ast(inner))),
        };
        if ty.nullable {
            base
        } else {
            Ty::NonNull(Box::new(base))
        }
    }

    pub fn named(&self) -> &str {
        match self {
            Ty::Named(name) => name,
            Ty::List(inner) | Ty::NonNull(inner) => inner.named(),
        }
    }

    fn non_null(&self) -> bool {
        matches!(self, Ty::NonNull(_))
    }

    fn nullable(&self) -> &Ty {
        match self {
            Ty::NonNull(inner) => inner,
            other => other,
        }
    }

    fn is_list(&self) -> bool {
        matches!(self.nullable(), Ty::List(_))
    }

    fn render(&self) -> String {
        match self {
            Ty::Named(name) => name.clone(),
            Ty::List(inner) => format!("[{}]", inner.render()),
            Ty::NonNull(inner) => format!("{}!", inner.render()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct InputDef {
    pub name: String,
    pub ty: Ty,
    pub default: bool,
}

impl InputDef {
    fn required(&self) -> bool {
        self.ty.non_null() && !self.default
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub args: Vec<InputDef>,
    pub ty: Ty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Interface,
    Union,
    Enum,
    Input,
    Scalar,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub kind: Kind,
    pub fields: Vec<FieldDef>,
    pub inputs: Vec<InputDef>,
    pub values: Vec<String>,
    pub interfaces: Vec<String>,
    /// The object types a value of this type can be (itself, for an object type).
    pub possible: Vec<String>,
}

impl TypeDef {
    fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

#[derive(Debug)]
pub struct Schema {
    pub types: BTreeMap<String, TypeDef>,
    pub query: String,
}

impl Schema {
    pub fn load(path: &Path) -> Schema {
        let sdl = std::fs::read_to_string(path).expect("the SDL is committed");
        let document = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
        let mut types = BTreeMap::new();
        let mut query = "Query".to_owned();
        let input = |v: &async_graphql::Positioned<async_graphql::parser::types::InputValueDefinition>| InputDef {
            name: v.node.name.node.to_string(),
            ty: Ty::from_ast(&v.node.ty.node),
            default: v.node.default_value.is_some(),
        };
        let field = |f: &async_graphql::Positioned<async_graphql::parser::types::FieldDefinition>| FieldDef {
            name: f.node.name.node.to_string(),
            args: f.node.arguments.iter().map(input).collect(),
            ty: Ty::from_ast(&f.node.ty.node),
        };
        for definition in &document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(q) = &schema.node.query {
                        query = q.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let name = ty.node.name.node.to_string();
                    let mut def = TypeDef {
                        name: name.clone(),
                        kind: Kind::Scalar,
                        fields: Vec::new(),
                        inputs: Vec::new(),
                        values: Vec::new(),
                        interfaces: Vec::new(),
                        possible: Vec::new(),
                    };
                    match &ty.node.kind {
                        TypeKind::Scalar => {}
                        TypeKind::Object(object) => {
                            def.kind = Kind::Object;
                            def.fields = object.fields.iter().map(field).collect();
                            def.interfaces = object.implements.iter().map(|i| i.node.to_string()).collect();
                            def.possible = vec![name.clone()];
                        }
                        TypeKind::Interface(interface) => {
                            def.kind = Kind::Interface;
                            def.fields = interface.fields.iter().map(field).collect();
                        }
                        TypeKind::Union(union) => {
                            def.kind = Kind::Union;
                            def.possible = union.members.iter().map(|m| m.node.to_string()).collect();
                        }
                        TypeKind::Enum(enumeration) => {
                            def.kind = Kind::Enum;
                            def.values = enumeration.values.iter().map(|v| v.node.value.node.to_string()).collect();
                        }
                        TypeKind::InputObject(object) => {
                            def.kind = Kind::Input;
                            def.inputs = object.fields.iter().map(input).collect();
                        }
                    }
                    types.insert(name, def);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        let implementers: Vec<(String, String)> =
            types.values().flat_map(|t| t.interfaces.iter().map(|i| (i.clone(), t.name.clone()))).collect();
        for (interface, object) in implementers {
            if let Some(def) = types.get_mut(&interface) {
                def.possible.push(object);
            }
        }
        Schema { types, query }
    }

    fn ty(&self, name: &str) -> &TypeDef {
        &self.types[name]
    }

    fn kind(&self, name: &str) -> Kind {
        self.types.get(name).map_or(Kind::Scalar, |t| t.kind)
    }

    fn composite(&self, name: &str) -> bool {
        matches!(self.kind(name), Kind::Object | Kind::Interface | Kind::Union)
    }

    fn overlap(&self, a: &str, b: &str) -> bool {
        let (a, b) = (self.ty(a), self.ty(b));
        a.possible.iter().any(|t| b.possible.contains(t))
    }

    /// A Relay connection type (`edges`, `nodes`, `pageInfo`, `totalCount`).
    fn is_connection(&self, name: &str) -> bool {
        self.types.get(name).is_some_and(|t| t.kind == Kind::Object && t.field("edges").is_some() && t.field("pageInfo").is_some())
    }

    /// The node type of a connection type.
    fn node_type(&self, connection: &str) -> &str {
        self.ty(connection).field("nodes").map_or("Node", |f| f.ty.named())
    }
}

// ---------------------------------------------------------------------------------------------
// The records, from the fixtures.

#[derive(Debug, Clone)]
pub struct Record {
    pub code: String,
    /// Names, titles, acronyms, alpha-2 codes and aliases that also find the record.
    pub names: Vec<String>,
}

#[derive(Debug)]
pub struct Data {
    /// By type name.
    pub records: BTreeMap<String, Vec<Record>>,
}

impl Data {
    pub fn load(dir: &Path) -> Data {
        let files = [
            ("Project", "projects.json"),
            ("Nation", "nations.json"),
            ("Organisation", "organisations.json"),
            ("CapabilityArea", "capability_areas.json"),
            ("Strategy", "strategies.json"),
            ("StrategyObjective", "objectives.json"),
            ("ProcurementContract", "contracts.json"),
            ("Source", "sources.json"),
        ];
        let mut records = BTreeMap::new();
        for (ty, file) in files {
            let text = std::fs::read_to_string(dir.join(file)).expect("fixture");
            let json: Json = serde_json::from_str(&text).expect("fixture JSON");
            let list = match json {
                Json::Array(items) => items,
                Json::Object(map) => map.into_iter().find_map(|(_, v)| v.as_array().cloned()).unwrap_or_default(),
                _ => Vec::new(),
            };
            let mut out = Vec::new();
            for item in list {
                let Some(code) = item["code"].as_str() else { continue };
                let mut names = Vec::new();
                for key in ["name", "title", "acronym", "alpha2"] {
                    if let Some(name) = item[key].as_str() {
                        names.push(name.to_owned());
                    }
                }
                if let Some(aliases) = item["aliases"].as_array() {
                    names.extend(aliases.iter().filter_map(|a| a.as_str().map(str::to_owned)));
                }
                out.push(Record { code: code.to_owned(), names });
            }
            records.insert(ty.to_owned(), out);
        }
        Data { records }
    }

    fn of(&self, ty: &str) -> &[Record] {
        self.records.get(ty).map_or(&[], |r| r.as_slice())
    }

    /// How many records a list of `ty` can hold at most.
    fn total(&self, ty: &str) -> u64 {
        match self.records.get(ty) {
            Some(records) => records.len() as u64,
            None => self.records.values().map(|r| r.len() as u64).sum(),
        }
    }
}

pub fn global_id(ty: &str, code: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{ty}:{code}"))
}

pub fn cursor(code: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("c1:{code}"))
}

// ---------------------------------------------------------------------------------------------
// Documents.

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Str(String),
    Bool(bool),
    Enum(String),
    List(Vec<Val>),
    Obj(Vec<(String, Val)>),
    Var(String),
}

impl Val {
    fn render(&self, out: &mut String) {
        match self {
            Val::Null => out.push_str("null"),
            Val::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Val::Str(s) => out.push_str(&serde_json::to_string(s).unwrap()),
            Val::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Val::Enum(e) => out.push_str(e),
            Val::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.render(out);
                }
                out.push(']');
            }
            Val::Obj(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(name);
                    out.push_str(": ");
                    value.render(out);
                }
                out.push('}');
            }
            Val::Var(name) => {
                out.push('$');
                out.push_str(name);
            }
        }
    }

    fn to_json(&self) -> Json {
        match self {
            Val::Null => Json::Null,
            Val::Int(n) => Json::from(*n),
            Val::Str(s) | Val::Enum(s) => Json::from(s.clone()),
            Val::Bool(b) => Json::from(*b),
            Val::List(items) => Json::Array(items.iter().map(Val::to_json).collect()),
            Val::Obj(fields) => Json::Object(fields.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Val::Var(name) => panic!("a variable (${name}) inside a variable's value"),
        }
    }

    fn has_var(&self) -> bool {
        match self {
            Val::Var(_) => true,
            Val::List(items) => items.iter().any(Val::has_var),
            Val::Obj(fields) => fields.iter().any(|(_, v)| v.has_var()),
            _ => false,
        }
    }

    fn vars<'a>(&'a self, out: &mut BTreeSet<&'a str>) {
        match self {
            Val::Var(name) => {
                out.insert(name);
            }
            Val::List(items) => items.iter().for_each(|v| v.vars(out)),
            Val::Obj(fields) => fields.iter().for_each(|(_, v)| v.vars(out)),
            _ => {}
        }
    }

    /// Replaces `$name` by `with` everywhere; true when it occurred.
    fn replace_var(&mut self, name: &str, with: &Val) -> bool {
        match self {
            Val::Var(v) if v == name => {
                *self = with.clone();
                true
            }
            Val::List(items) => items.iter_mut().fold(false, |any, v| v.replace_var(name, with) | any),
            Val::Obj(fields) => fields.iter_mut().fold(false, |any, (_, v)| v.replace_var(name, with) | any),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub value: Val,
    pub required: bool,
    /// The argument's declared type.
    pub ty: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Directive {
    /// `@include` (else `@skip`).
    pub include: bool,
    /// A literal boolean or a variable.
    pub condition: Val,
}

#[derive(Debug, Clone)]
pub enum Sel {
    Field { alias: Option<String>, name: String, args: Vec<Arg>, directives: Vec<Directive>, sub: Vec<Sel> },
    Inline { on: Option<String>, directives: Vec<Directive>, sub: Vec<Sel> },
    Spread { name: String, directives: Vec<Directive> },
}

impl Sel {
    fn directives_mut(&mut self) -> &mut Vec<Directive> {
        match self {
            Sel::Field { directives, .. } | Sel::Inline { directives, .. } | Sel::Spread { directives, .. } => directives,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Fragment {
    pub name: String,
    pub on: String,
    pub sub: Vec<Sel>,
}

#[derive(Debug, Clone)]
pub struct VarDef {
    pub name: String,
    pub ty: String,
    pub default: Option<Val>,
    /// The value the request provides, if any.
    pub value: Option<Val>,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub name: Option<String>,
    /// Pass the operation's name with the request.
    pub pass_name: bool,
    /// A second operation in the document (then the name is passed).
    pub other_operation: bool,
    /// `query { … }` rather than `{ … }` for an anonymous operation without variables.
    pub keyword: bool,
    /// A variable the request provides but the operation does not declare.
    pub extra_variable: bool,
    pub vars: Vec<VarDef>,
    pub sel: Vec<Sel>,
    pub fragments: Vec<Fragment>,
    /// The (type, field) pairs the generator selected, for the coverage report.
    pub selected: BTreeSet<(String, String)>,
}

/// One request.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub query: String,
    pub variables: Json,
    pub operation: Option<String>,
}

fn scan<'a>(items: &'a [Sel], spreads: &mut Vec<&'a str>, vars: &mut BTreeSet<&'a str>) {
    for item in items {
        let directives = match item {
            Sel::Field { args, directives, sub, .. } => {
                args.iter().for_each(|a| a.value.vars(vars));
                scan(sub, spreads, vars);
                directives
            }
            Sel::Inline { directives, sub, .. } => {
                scan(sub, spreads, vars);
                directives
            }
            Sel::Spread { name, directives } => {
                if !spreads.contains(&name.as_str()) {
                    spreads.push(name);
                }
                directives
            }
        };
        directives.iter().for_each(|d| d.condition.vars(vars));
    }
}

fn render_directives(out: &mut String, directives: &[Directive]) {
    for d in directives {
        out.push_str(if d.include { " @include(if: " } else { " @skip(if: " });
        d.condition.render(out);
        out.push(')');
    }
}

fn render_set(out: &mut String, items: &[Sel], indent: usize) {
    out.push_str("{\n");
    for item in items {
        out.push_str(&" ".repeat(indent + 2));
        match item {
            Sel::Field { alias, name, args, directives, sub } => {
                if let Some(alias) = alias {
                    out.push_str(alias);
                    out.push_str(": ");
                }
                out.push_str(name);
                if !args.is_empty() {
                    out.push('(');
                    for (i, arg) in args.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        out.push_str(&arg.name);
                        out.push_str(": ");
                        arg.value.render(out);
                    }
                    out.push(')');
                }
                render_directives(out, directives);
                if !sub.is_empty() {
                    out.push(' ');
                    render_set(out, sub, indent + 2);
                }
            }
            Sel::Inline { on, directives, sub } => {
                out.push_str("...");
                if let Some(on) = on {
                    out.push_str(" on ");
                    out.push_str(on);
                }
                render_directives(out, directives);
                out.push(' ');
                render_set(out, sub, indent + 2);
            }
            Sel::Spread { name, directives } => {
                out.push_str("...");
                out.push_str(name);
                render_directives(out, directives);
            }
        }
        out.push('\n');
    }
    out.push_str(&" ".repeat(indent));
    out.push('}');
}

impl Doc {
    /// The fragments the operation uses (transitively, in definition order) and the variables
    /// they and the operation use.
    fn used(&self) -> (Vec<&Fragment>, Vec<&VarDef>) {
        let mut spreads = Vec::new();
        let mut vars = BTreeSet::new();
        scan(&self.sel, &mut spreads, &mut vars);
        let mut i = 0;
        while i < spreads.len() {
            if let Some(f) = self.fragments.iter().find(|f| f.name == spreads[i]) {
                scan(&f.sub, &mut spreads, &mut vars);
            }
            i += 1;
        }
        let fragments = self.fragments.iter().filter(|f| spreads.contains(&f.name.as_str())).collect();
        let defs = self.vars.iter().filter(|v| vars.contains(v.name.as_str())).collect();
        (fragments, defs)
    }

    /// The request: only the used fragments and variables are written.
    pub fn case(&self) -> Case {
        let (fragments, vars) = self.used();
        let mut query = String::new();
        let name = if self.other_operation { Some(self.name.clone().unwrap_or_else(|| "Main".to_owned())) } else { self.name.clone() };
        if name.is_some() || !vars.is_empty() || self.keyword {
            query.push_str("query");
            if let Some(name) = &name {
                query.push(' ');
                query.push_str(name);
            }
            if !vars.is_empty() {
                query.push('(');
                for (i, v) in vars.iter().enumerate() {
                    if i > 0 {
                        query.push_str(", ");
                    }
                    let _ = write!(query, "${}: {}", v.name, v.ty);
                    if let Some(default) = &v.default {
                        query.push_str(" = ");
                        default.render(&mut query);
                    }
                }
                query.push(')');
            }
            query.push(' ');
        }
        render_set(&mut query, &self.sel, 0);
        query.push('\n');
        for f in fragments {
            let _ = write!(query, "\nfragment {} on {} ", f.name, f.on);
            render_set(&mut query, &f.sub, 0);
            query.push('\n');
        }
        if self.other_operation {
            query.push_str("\nquery Other {\n  __typename\n  stats {\n    projectsByKind {\n      kind\n      count\n    }\n  }\n}\n");
        }
        let mut variables = serde_json::Map::new();
        for v in vars {
            if let Some(value) = &v.value {
                variables.insert(v.name.clone(), value.to_json());
            }
        }
        if self.extra_variable {
            variables.insert("undeclared".to_owned(), Json::from(1));
        }
        let operation = if self.other_operation || self.pass_name { name } else { None };
        Case { query, variables: Json::Object(variables), operation }
    }
}

// ---------------------------------------------------------------------------------------------
// The generator.

/// splitmix64: the document follows from one seed proptest draws.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// Inclusive.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + (self.next() % (hi - lo + 1) as u64) as i64
        }
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a response key stands for: the field, its arguments and its type.
#[derive(Debug, Clone, PartialEq)]
struct Sig {
    name: String,
    args: Vec<Arg>,
    ty: String,
}

/// What a named fragment registers and how deep and wide it reaches, recorded while it is made.
#[derive(Debug, Clone)]
struct Recording {
    base: Vec<String>,
    base_depth: usize,
    base_mult: u64,
    regs: Vec<(Vec<String>, String, Sig)>,
    max_depth: usize,
    max_mult: u64,
}

#[derive(Debug, Clone)]
struct FragInfo {
    name: String,
    on: String,
    regs: Vec<(Vec<String>, String, Sig)>,
    height: usize,
    factor: u64,
}

/// Where a selection set is generated.
#[derive(Debug, Clone)]
struct Ctx {
    /// Field levels above.
    depth: usize,
    /// Estimated objects at this level of the answer.
    mult: u64,
    /// Response keys from the root.
    path: Vec<String>,
    /// For a connection's selection set: its page's estimated size.
    page: u64,
    /// Fragments nested here without a field between.
    nest: usize,
}

const WORDS: &[&str] = &["space", "air", "CBRN", "défense", "munitions", "nato", "training", "maritime", "", "zzz", "Multinational"];
const SEARCH: &[&str] = &[
    "space",
    "turkiye",
    "Lithuana",
    "nato",
    "air defence",
    "cbrn",
    "germany",
    "ammunition",
    "NSPA",
    "",
    "zzz qqq",
    "mrtt",
    "c-socc",
    "Türkiye",
    "strategy",
    "airbus",
    "stinger",
    "LUX",
];
const UNKNOWN: &[&str] = &["atlantis", "XXX", "", "c-socc-2", "Narnia", "nspa-x"];
const DATES: &[&str] = &["2014", "2019", "2020", "2020-10", "2022-06-29", "2024", "2024-10", "2025", "2019-12-11", "2030"];
const BAD_DATES: &[&str] = &["soon", "2020-13", "20x"];
const AMOUNTS: &[&str] = &["1000000", "16500000", "16.5", "0", "700000000", "5000000000"];

struct Gen<'s> {
    schema: &'s Schema,
    data: &'s Data,
    rng: Rng,
    vars: Vec<VarDef>,
    fragments: Vec<Fragment>,
    infos: Vec<FragInfo>,
    registry: BTreeMap<(Vec<String>, String), Sig>,
    open: Vec<Recording>,
    fields: usize,
    aliases: usize,
    /// Boolean variables usable in `if:`.
    bools: Vec<String>,
    next_var: usize,
    next_alias: usize,
    next_fragment: usize,
    introspection: bool,
    selected: BTreeSet<(String, String)>,
}

impl<'s> Gen<'s> {
    fn new(schema: &'s Schema, data: &'s Data, seed: u64) -> Gen<'s> {
        Gen {
            schema,
            data,
            rng: Rng(seed),
            vars: Vec::new(),
            fragments: Vec::new(),
            infos: Vec::new(),
            registry: BTreeMap::new(),
            open: Vec::new(),
            fields: 0,
            aliases: 0,
            bools: Vec::new(),
            next_var: 0,
            next_alias: 0,
            next_fragment: 0,
            introspection: false,
            selected: BTreeSet::new(),
        }
    }

    fn document(mut self) -> Doc {
        let root = self.schema.query.clone();
        let ctx = Ctx { depth: 0, mult: 1, path: Vec::new(), page: 0, nest: 0 };
        let sel = self.selection(&root, &ctx);
        let other_operation = self.rng.chance(0.07);
        let named = other_operation || self.rng.chance(if self.vars.is_empty() { 0.3 } else { 0.7 });
        Doc {
            name: named.then(|| "Main".to_owned()),
            pass_name: self.rng.chance(0.5),
            other_operation,
            keyword: self.rng.chance(0.5),
            extra_variable: self.rng.chance(0.04),
            vars: self.vars,
            sel,
            fragments: self.fragments,
            selected: self.selected,
        }
    }

    // --- response keys -----------------------------------------------------------------------

    fn compatible(&self, path: &[String], key: &str, sig: &Sig) -> bool {
        self.registry.get(&(path.to_vec(), key.to_owned())).is_none_or(|s| s == sig)
    }

    fn register(&mut self, path: &[String], key: &str, sig: &Sig) {
        self.registry.insert((path.to_vec(), key.to_owned()), sig.clone());
        for rec in &mut self.open {
            if path.starts_with(&rec.base) {
                rec.regs.push((path[rec.base.len()..].to_vec(), key.to_owned(), sig.clone()));
            }
        }
    }

    fn reached(&mut self, depth: usize, mult: u64) {
        for rec in &mut self.open {
            rec.max_depth = rec.max_depth.max(depth);
            rec.max_mult = rec.max_mult.max(mult);
        }
    }

    // --- selection sets ----------------------------------------------------------------------

    fn selection(&mut self, ty: &str, ctx: &Ctx) -> Vec<Sel> {
        let width = if self.fields >= FIELD_BUDGET {
            1
        } else if ctx.depth == 0 && ctx.nest == 0 {
            1 + self.rng.below(4)
        } else {
            1 + self.rng.below(3)
        };
        let mut items = Vec::new();
        let mut tries = 0;
        while items.len() < width && tries < width * 4 {
            tries += 1;
            if let Some(item) = self.item(ty, ctx) {
                items.push(item);
            }
        }
        if items.is_empty() {
            items.push(self.typename(ctx));
        }
        items
    }

    fn item(&mut self, ty: &str, ctx: &Ctx) -> Option<Sel> {
        let schema = self.schema;
        let fragments = ctx.nest < 3 && self.fields < FIELD_BUDGET;
        let roll = self.rng.unit();
        match schema.kind(ty) {
            Kind::Object => {
                if ctx.depth == 0 && !self.introspection && self.rng.chance(0.03) {
                    return self.introspection(ctx);
                }
                if roll < 0.60 || !fragments {
                    self.pick_field(ty, ctx)
                } else if roll < 0.72 {
                    self.merge(ty, ctx).or_else(|| self.pick_field(ty, ctx))
                } else if roll < 0.86 {
                    self.inline(ty, ctx)
                } else {
                    self.spread(ty, ctx)
                }
            }
            _ => {
                if roll < 0.25 || !fragments {
                    self.pick_field(ty, ctx)
                } else if roll < 0.35 {
                    self.merge(ty, ctx).or_else(|| self.inline(ty, ctx))
                } else if roll < 0.78 {
                    self.inline(ty, ctx)
                } else {
                    self.spread(ty, ctx)
                }
            }
        }
    }

    fn typename(&mut self, ctx: &Ctx) -> Sel {
        let sig = Sig { name: "__typename".to_owned(), args: Vec::new(), ty: "String!".to_owned() };
        let key = self.key(ctx, &sig, &[]).unwrap_or_else(|| "__typename".to_owned());
        self.register(&ctx.path, &key, &sig);
        self.fields += 1;
        self.reached(ctx.depth + 1, ctx.mult);
        let alias = (key != "__typename").then_some(key);
        // async-graphql's validation does not visit `__typename`'s directives: a variable used
        // only there would count as unused, and the document be refused.
        let directives = self.directives().into_iter().map(|d| Directive { condition: Val::Bool(self.rng.chance(0.5)), ..d }).collect();
        Sel::Field { alias, name: "__typename".to_owned(), args: Vec::new(), directives, sub: Vec::new() }
    }

    /// The response key for a new field node: its name when that is free here, or an alias.
    fn key(&mut self, ctx: &Ctx, sig: &Sig, others: &[&FieldDef]) -> Option<String> {
        let plain = self.compatible(&ctx.path, &sig.name, sig);
        if plain && (self.aliases >= MAX_ALIASES || self.rng.chance(0.75)) {
            return Some(sig.name.clone());
        }
        if self.aliases >= MAX_ALIASES {
            return None;
        }
        // Sometimes another field's name, when it is free here.
        if !others.is_empty() && self.rng.chance(0.15) {
            let other = self.rng.pick(others).name.clone();
            if other != sig.name && !self.registry.contains_key(&(ctx.path.clone(), other.clone())) {
                self.aliases += 1;
                return Some(other);
            }
        }
        self.aliases += 1;
        self.next_alias += 1;
        let short: String = sig.name.trim_start_matches('_').chars().take(8).collect();
        Some(format!("{short}_{}", self.next_alias))
    }

    fn pick_field(&mut self, ty: &str, ctx: &Ctx) -> Option<Sel> {
        let schema = self.schema;
        let def = schema.ty(ty);
        if self.rng.chance(0.06) || def.fields.is_empty() {
            return Some(self.typename(ctx));
        }
        let leaf_only = ctx.depth + 2 > MAX_DEPTH || self.fields >= FIELD_BUDGET;
        let (composite, leaves): (Vec<&FieldDef>, Vec<&FieldDef>) = def.fields.iter().partition(|f| schema.composite(f.ty.named()));
        let take_composite =
            !leaf_only && !composite.is_empty() && (leaves.is_empty() || self.rng.chance(if ctx.depth < 3 { 0.6 } else { 0.4 }));
        let field = if take_composite {
            *self.rng.pick(&composite)
        } else if !leaves.is_empty() {
            *self.rng.pick(&leaves)
        } else {
            return Some(self.typename(ctx));
        };
        self.field(ty, field, ctx, None)
    }

    /// The same response key again, for the same field with the same arguments, with a
    /// sub-selection of its own: the two are merged.
    fn merge(&mut self, ty: &str, ctx: &Ctx) -> Option<Sel> {
        let schema = self.schema;
        let def = schema.ty(ty);
        let candidates: Vec<(String, Sig)> = self
            .registry
            .iter()
            .filter(|((path, _), sig)| {
                path == &ctx.path
                    && def.field(&sig.name).is_some_and(|f| {
                        f.ty.render() == sig.ty
                            && sig.args.iter().all(|a| f.args.iter().any(|d| d.name == a.name && d.required() == a.required))
                            && f.args.iter().filter(|d| d.required()).all(|d| sig.args.iter().any(|a| a.name == d.name))
                            // The same argument types, so that variables stay in allowed positions.
                            && sig.args.iter().all(|a| f.args.iter().any(|d| d.name == a.name && d.ty.render() == a.ty))
                    })
            })
            .map(|((_, key), sig)| (key.clone(), sig.clone()))
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let (key, sig) = self.rng.pick(&candidates).clone();
        if key != sig.name {
            if self.aliases >= MAX_ALIASES {
                return None;
            }
            self.aliases += 1;
        }
        let field = def.field(&sig.name)?;
        self.field(ty, field, ctx, Some((key, sig)))
    }

    fn field(&mut self, ty: &str, field: &'s FieldDef, ctx: &Ctx, reuse: Option<(String, Sig)>) -> Option<Sel> {
        let schema = self.schema;
        let args = match &reuse {
            Some((_, sig)) => sig.args.clone(),
            None => self.args(ty, field, ctx)?,
        };
        let (factor, page) = self.factor(ty, field, &args, ctx);
        let mult = ctx.mult.saturating_mul(factor.max(1));
        if mult.saturating_mul(page.max(1)) > BUDGET {
            return None;
        }
        let sig = Sig { name: field.name.clone(), args: args.clone(), ty: field.ty.render() };
        let key = match reuse {
            Some((key, _)) => key,
            None => {
                let others: Vec<&FieldDef> = schema.ty(ty).fields.iter().collect();
                self.key(ctx, &sig, &others)?
            }
        };
        self.register(&ctx.path, &key, &sig);
        self.fields += 1;
        self.selected.insert((ty.to_owned(), field.name.clone()));
        let depth = ctx.depth + 1;
        self.reached(depth, mult.saturating_mul(page.max(1)));
        let named = field.ty.named();
        let sub = if schema.composite(named) {
            let mut path = ctx.path.clone();
            path.push(key.clone());
            self.selection(named, &Ctx { depth, mult, path, page, nest: 0 })
        } else {
            Vec::new()
        };
        let alias = (key != field.name).then_some(key);
        Some(Sel::Field { alias, name: field.name.clone(), args, directives: self.directives(), sub })
    }

    fn introspection(&mut self, ctx: &Ctx) -> Option<Sel> {
        self.introspection = true;
        let schema = self.schema;
        let (name, args, ty, sub) = if self.rng.chance(0.6) {
            let names: Vec<&String> = schema.types.keys().collect();
            let name = if self.rng.chance(0.1) { "NoSuchType".to_owned() } else { (*self.rng.pick(&names)).clone() };
            let mut sub = vec![leaf("name"), leaf("kind")];
            if self.rng.chance(0.5) {
                sub.push(Sel::Field {
                    alias: None,
                    name: "fields".to_owned(),
                    args: Vec::new(),
                    directives: Vec::new(),
                    sub: vec![leaf("name")],
                });
            }
            if self.rng.chance(0.3) {
                sub.push(Sel::Field {
                    alias: None,
                    name: "enumValues".to_owned(),
                    args: Vec::new(),
                    directives: Vec::new(),
                    sub: vec![leaf("name")],
                });
            }
            let args = vec![Arg { name: "name".to_owned(), value: Val::Str(name), required: true, ty: "String!".to_owned() }];
            ("__type", args, "__Type", sub)
        } else {
            let sub = vec![Sel::Field {
                alias: None,
                name: "queryType".to_owned(),
                args: Vec::new(),
                directives: Vec::new(),
                sub: vec![leaf("name")],
            }];
            ("__schema", Vec::new(), "__Schema!", sub)
        };
        let sig = Sig { name: name.to_owned(), args: args.clone(), ty: ty.to_owned() };
        let key = self.key(ctx, &sig, &[])?;
        self.register(&ctx.path, &key, &sig);
        self.fields += 1;
        let alias = (key != name).then_some(key);
        Some(Sel::Field { alias, name: name.to_owned(), args, directives: self.directives(), sub })
    }

    /// A type condition for a fragment in a selection set on `ty`: one that can apply.
    fn condition_type(&mut self, ty: &str) -> String {
        let schema = self.schema;
        let def = schema.ty(ty);
        let others: Vec<&String> = schema
            .types
            .values()
            .filter(|t| matches!(t.kind, Kind::Object | Kind::Interface | Kind::Union) && t.name != ty && schema.overlap(ty, &t.name))
            .map(|t| &t.name)
            .collect();
        match def.kind {
            Kind::Object if others.is_empty() || self.rng.chance(0.65) => ty.to_owned(),
            Kind::Object => (*self.rng.pick(&others)).clone(),
            _ => {
                let members: Vec<&String> = others.iter().copied().filter(|t| schema.kind(t) == Kind::Object).collect();
                if self.rng.chance(0.1) {
                    ty.to_owned()
                } else if !members.is_empty() && self.rng.chance(0.75) {
                    (*self.rng.pick(&members)).clone()
                } else if !others.is_empty() {
                    (*self.rng.pick(&others)).clone()
                } else {
                    ty.to_owned()
                }
            }
        }
    }

    fn inline(&mut self, ty: &str, ctx: &Ctx) -> Option<Sel> {
        let on = if self.rng.chance(0.12) { None } else { Some(self.condition_type(ty)) };
        let within = on.clone().unwrap_or_else(|| ty.to_owned());
        let child = Ctx { nest: ctx.nest + 1, ..ctx.clone() };
        let sub = self.selection(&within, &child);
        Some(Sel::Inline { on, directives: self.directives(), sub })
    }

    fn spread(&mut self, ty: &str, ctx: &Ctx) -> Option<Sel> {
        let schema = self.schema;
        let reusable: Vec<usize> = (0..self.infos.len())
            .filter(|&i| {
                let f = &self.infos[i];
                schema.overlap(ty, &f.on) && ctx.depth + f.height <= MAX_DEPTH && ctx.mult.saturating_mul(f.factor) <= BUDGET
            })
            .collect();
        if !reusable.is_empty() && self.rng.chance(0.5) {
            let i = *self.rng.pick(&reusable);
            let info = self.infos[i].clone();
            let fits = info.regs.iter().all(|(rel, key, sig)| {
                let path: Vec<String> = ctx.path.iter().chain(rel).cloned().collect();
                self.compatible(&path, key, sig)
            });
            if fits {
                for (rel, key, sig) in &info.regs {
                    let path: Vec<String> = ctx.path.iter().chain(rel).cloned().collect();
                    self.register(&path, key, sig);
                }
                self.reached(ctx.depth + info.height, ctx.mult.saturating_mul(info.factor));
                return Some(Sel::Spread { name: info.name, directives: self.directives() });
            }
        }
        let on = self.condition_type(ty);
        let name = format!("F{}", self.next_fragment);
        self.next_fragment += 1;
        self.open.push(Recording {
            base: ctx.path.clone(),
            base_depth: ctx.depth,
            base_mult: ctx.mult,
            regs: Vec::new(),
            max_depth: ctx.depth,
            max_mult: ctx.mult,
        });
        let child = Ctx { nest: ctx.nest + 1, ..ctx.clone() };
        let sub = self.selection(&on, &child);
        let rec = self.open.pop().expect("opened above");
        self.fragments.push(Fragment { name: name.clone(), on: on.clone(), sub });
        self.infos.push(FragInfo {
            name: name.clone(),
            on,
            regs: rec.regs,
            height: rec.max_depth - rec.base_depth,
            factor: rec.max_mult.div_ceil(rec.base_mult.max(1)),
        });
        Some(Sel::Spread { name, directives: self.directives() })
    }

    // --- directives --------------------------------------------------------------------------

    fn directives(&mut self) -> Vec<Directive> {
        if !self.rng.chance(0.15) {
            return Vec::new();
        }
        let include = self.rng.chance(0.5);
        let mut directives = vec![Directive { include, condition: self.condition() }];
        if self.rng.chance(0.12) {
            directives.push(Directive { include: !include, condition: self.condition() });
        }
        directives
    }

    fn condition(&mut self) -> Val {
        if self.rng.chance(0.35) {
            return Val::Bool(self.rng.chance(0.5));
        }
        if !self.bools.is_empty() && self.rng.chance(0.5) {
            let name = self.rng.pick(&self.bools).clone();
            return Val::Var(name);
        }
        let name = self.new_var_name();
        let value = Val::Bool(self.rng.chance(0.5));
        let other = Val::Bool(self.rng.chance(0.5));
        let (ty, default, provided) = match self.rng.below(5) {
            0 | 1 => ("Boolean!", None, Some(value)),
            2 => ("Boolean", Some(value), None),
            3 => ("Boolean", Some(other), Some(value)),
            _ => ("Boolean!", Some(other), if self.rng.chance(0.5) { Some(value) } else { None }),
        };
        self.vars.push(VarDef { name: name.clone(), ty: ty.to_owned(), default, value: provided });
        self.bools.push(name.clone());
        Val::Var(name)
    }

    fn new_var_name(&mut self) -> String {
        self.next_var += 1;
        format!("v{}", self.next_var)
    }

    // --- arguments ---------------------------------------------------------------------------

    /// A value in a variable, now and then: provided, or only its default, or both.
    fn in_variable(&mut self, ty: &Ty, value: Val) -> Val {
        if value.has_var() || value == Val::Null {
            return value;
        }
        let name = self.new_var_name();
        let declared = if !ty.non_null() && self.rng.chance(0.2) { format!("{}!", ty.render()) } else { ty.render() };
        let (default, provided) = match self.rng.below(10) {
            0..=6 => (None, Some(value)),
            7 | 8 => (Some(value), None),
            _ => (Some(value.clone()), Some(value)),
        };
        self.vars.push(VarDef { name: name.clone(), ty: declared, default, value: provided });
        Val::Var(name)
    }

    /// An argument without a value through a nullable variable: one the request does not
    /// provide, or provides as `null` (which overrides the variable's default, if it has one).
    fn absent_variable(&mut self, ty: &Ty, default: Option<Val>) -> Val {
        let name = self.new_var_name();
        let (default, value) = match self.rng.below(4) {
            0 | 1 => (None, None),
            2 => (None, Some(Val::Null)),
            _ => (default, Some(Val::Null)),
        };
        self.vars.push(VarDef { name: name.clone(), ty: ty.nullable().render(), default, value });
        Val::Var(name)
    }

    /// A value written literally (mostly) or through a variable.
    fn literal_or_variable(&mut self, ty: &Ty, value: Val) -> Val {
        if self.rng.chance(0.22) {
            self.in_variable(ty, value)
        } else {
            value
        }
    }

    /// The integer an argument will have, when it is one.
    fn effective_int(&self, value: &Val) -> Option<i64> {
        match value {
            Val::Int(n) => Some(*n),
            Val::Var(name) => {
                let def = self.vars.iter().find(|v| &v.name == name)?;
                match def.value.as_ref().or(def.default.as_ref())? {
                    Val::Int(n) => Some(*n),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn list_len(&self, value: &Val) -> u64 {
        let value = match value {
            Val::Var(name) => match self.vars.iter().find(|v| &v.name == name).and_then(|d| d.value.as_ref().or(d.default.as_ref())) {
                Some(v) => v,
                None => return 0,
            },
            other => other,
        };
        match value {
            Val::List(items) => items.len() as u64,
            Val::Null => 0,
            _ => 1,
        }
    }

    /// (Estimated items of the field's list, or 1; the page size of a connection.)
    fn factor(&self, parent: &str, field: &FieldDef, args: &[Arg], ctx: &Ctx) -> (u64, u64) {
        let schema = self.schema;
        let arg = |name: &str| args.iter().find(|a| a.name == name).and_then(|a| self.effective_int(&a.value));
        let named = field.ty.named();
        if schema.is_connection(named) {
            let total = self.data.total(schema.node_type(named));
            let page = match (arg("first"), arg("last")) {
                (Some(_), Some(_)) => 0,
                (Some(n), None) | (None, Some(n)) if !(0..=MAX_PAGE).contains(&n) => 0,
                (Some(n), None) | (None, Some(n)) => (n as u64).min(total),
                (None, None) => 50.min(total),
            };
            return (1, page);
        }
        if !field.ty.is_list() {
            return (1, 0);
        }
        if schema.is_connection(parent) && matches!(field.name.as_str(), "edges" | "nodes") {
            return (ctx.page, 0);
        }
        let first = arg("first");
        let n = match field.name.as_str() {
            "nodes" => args.iter().find(|a| a.name == "ids").map_or(0, |a| self.list_len(&a.value)),
            "search" => first.map_or(10, |n| if (0..=MAX_PAGE).contains(&n) { n as u64 } else { 0 }),
            "collaborators" => first.map_or(34, |n| if (0..=MAX_PAGE).contains(&n) { (n as u64).min(34) } else { 0 }),
            "nationsByParticipation" => first.map_or(35, |n| (n.max(0) as u64).min(35)),
            "participants" => 10,
            "projectsByArea" => 8,
            "linesOfEffort" | "projectsByStatus" | "milestones" => 5,
            _ => 3,
        };
        (n, 0)
    }

    fn args(&mut self, parent: &str, field: &'s FieldDef, ctx: &Ctx) -> Option<Vec<Arg>> {
        let schema = self.schema;
        let named = field.ty.named();
        let connection = schema.is_connection(named);
        let max_page = BUDGET / ctx.mult.max(1);
        let mut chosen: BTreeMap<String, Val> = BTreeMap::new();
        if connection {
            let total = self.data.total(schema.node_type(named));
            self.paging(field, total, max_page, &mut chosen);
        }
        for def in &field.args {
            if chosen.contains_key(&def.name) || (connection && matches!(def.name.as_str(), "first" | "last" | "after" | "before")) {
                continue;
            }
            if def.name == "first" {
                if let Some(value) = self.list_first(field, def, max_page) {
                    chosen.insert(def.name.clone(), value);
                }
                continue;
            }
            let p = match def.name.as_str() {
                "filter" => 0.4,
                "orderBy" => 0.3,
                "role" => 0.3,
                _ => 0.4,
            };
            if !def.required() && !self.rng.chance(p) {
                if !def.ty.non_null() && self.rng.chance(0.03) {
                    let value = if self.rng.chance(0.5) { Val::Null } else { self.absent_variable(&def.ty, None) };
                    chosen.insert(def.name.clone(), value);
                }
                continue;
            }
            let value = self.arg_value(field, def, max_page);
            let value = self.literal_or_variable(&def.ty, value);
            chosen.insert(def.name.clone(), value);
        }
        let args: Vec<Arg> = field
            .args
            .iter()
            .filter_map(|d| {
                chosen.remove(&d.name).map(|value| Arg { name: d.name.clone(), value, required: d.required(), ty: d.ty.render() })
            })
            .collect();
        let _ = parent;
        Some(args)
    }

    /// `first`/`last`/`after`/`before` of a connection whose list holds at most `total` records.
    fn paging(&mut self, field: &FieldDef, total: u64, max_page: u64, chosen: &mut BTreeMap<String, Val>) {
        let int = Ty::Named("Int".to_owned());
        let small_cap = max_page.min(5) as i64;
        let default_fits = 50.min(total) <= max_page;
        let roll = self.rng.unit();
        let mut sizes: Vec<(&str, i64)> = Vec::new();
        if roll < 0.07 {
            match self.rng.below(5) {
                0 => sizes.push(("first", -1 - self.rng.range(0, 2))),
                1 => sizes.push(("first", *self.rng.pick(&[201, 1000]))),
                2 => sizes.push(("last", -1)),
                3 => sizes.push(("last", 201)),
                _ => sizes.extend([("first", 1), ("last", 1)]),
            }
        } else if roll < 0.62 || !default_fits {
            let n = if total <= max_page && self.rng.chance(0.2) {
                *self.rng.pick(&[MAX_PAGE, 50, total as i64])
            } else {
                self.rng.range(0, small_cap)
            };
            sizes.push(("first", n));
        } else if roll < 0.78 {
            sizes.push(("last", self.rng.range(0, small_cap)));
        }
        for (name, n) in sizes {
            let value = self.literal_or_variable(&int, Val::Int(n));
            chosen.insert(name.to_owned(), value);
        }
        if (0.78..0.84).contains(&roll) && default_fits {
            // `first` given as null, or as a variable the request leaves out: the default page.
            let value = if self.rng.chance(0.5) { Val::Null } else { self.absent_variable(&int, Some(Val::Int(2))) };
            chosen.insert("first".to_owned(), value);
        }
        let node = self.schema.node_type(field.ty.named()).to_owned();
        let string = Ty::Named("String".to_owned());
        for name in ["after", "before"] {
            if field.args.iter().any(|a| a.name == name) && self.rng.chance(if name == "after" { 0.1 } else { 0.06 }) {
                let value = Val::Str(self.cursor(&node));
                let value = self.literal_or_variable(&string, value);
                chosen.insert(name.to_owned(), value);
            }
        }
    }

    /// `first` of a plain list (`search`, `collaborators`, `nationsByParticipation`).
    fn list_first(&mut self, field: &FieldDef, def: &InputDef, max_page: u64) -> Option<Val> {
        let (default, negative_is_error) = match field.name.as_str() {
            "search" => (10, true),
            "collaborators" => (34, true),
            "nationsByParticipation" => (35, false),
            _ => (50, true),
        };
        let must = default > max_page || def.required();
        if !must && !self.rng.chance(0.5) {
            return None;
        }
        let n = if self.rng.chance(0.06) {
            if negative_is_error {
                *self.rng.pick(&[-1, 201])
            } else {
                -2
            }
        } else if default <= max_page && self.rng.chance(0.1) {
            default as i64
        } else {
            self.rng.range(0, max_page.min(6) as i64)
        };
        Some(self.literal_or_variable(&def.ty, Val::Int(n)))
    }

    fn arg_value(&mut self, field: &FieldDef, def: &InputDef, max_page: u64) -> Val {
        let named = field.ty.named().to_owned();
        match def.name.as_str() {
            "code" if def.ty.named() == "String" => Val::Str(self.reference(&[named.as_str()], 0.1)),
            "id" => Val::Str(self.node_id()),
            "ids" => {
                let k = self.rng.range(0, max_page.min(4) as i64) as usize;
                let ids: Vec<Val> = (0..k).map(|_| Val::Str(self.valid_id())).collect();
                if ids.len() == 1 && self.rng.chance(0.2) {
                    ids.into_iter().next().unwrap()
                } else {
                    Val::List(ids)
                }
            }
            "text" if field.name == "search" => Val::Str((*self.rng.pick(SEARCH)).to_owned()),
            _ => self.value(&def.ty, &def.name, &field.name, true),
        }
    }

    /// A value of type `ty` for the input named `name` of `owner` (a field or an input type).
    fn value(&mut self, ty: &Ty, name: &str, owner: &str, vars: bool) -> Val {
        let schema = self.schema;
        match ty {
            Ty::NonNull(inner) => self.value(inner, name, owner, vars),
            Ty::List(inner) => {
                if self.rng.chance(0.1) {
                    // Input coercion makes a single value a list of one.
                    self.value(inner, name, owner, vars)
                } else {
                    let k = self.rng.range(0, 3) as usize;
                    Val::List((0..k).map(|_| self.value(inner, name, owner, vars)).collect())
                }
            }
            Ty::Named(named) => match schema.kind(named) {
                Kind::Enum => Val::Enum(self.rng.pick(&schema.ty(named).values).clone()),
                Kind::Input => self.input_object(named, vars),
                _ => self.scalar(named, name, owner),
            },
        }
    }

    fn input_object(&mut self, name: &str, vars: bool) -> Val {
        let schema = self.schema;
        let mut fields = Vec::new();
        for def in &schema.ty(name).inputs {
            if !def.required() && !self.rng.chance(0.35) {
                continue;
            }
            let value = if !def.ty.non_null() && self.rng.chance(0.03) { Val::Null } else { self.value(&def.ty, &def.name, name, vars) };
            let value = if vars && self.rng.chance(0.1) { self.in_variable(&def.ty, value) } else { value };
            fields.push((def.name.clone(), value));
        }
        Val::Obj(fields)
    }

    fn scalar(&mut self, scalar: &str, name: &str, owner: &str) -> Val {
        match scalar {
            "Int" => Val::Int(self.rng.range(0, 5)),
            "Boolean" => Val::Bool(self.rng.chance(0.5)),
            "ID" => Val::Str(self.node_id()),
            "Float" => Val::Int(1),
            _ => Val::Str(match name {
                "area" => self.reference(&["CapabilityArea"], 0.04),
                "participant" | "participantsAll" => self.reference(&["Nation", "Organisation"], 0.04),
                "participatesIn" | "project" => self.reference(&["Project"], 0.04),
                "buyer" | "supplier" => self.reference(&["Organisation"], 0.04),
                "beneficiary" => self.reference(&["Nation"], 0.04),
                "launchedFrom" | "launchedTo" | "signedFrom" | "signedTo" => {
                    if self.rng.chance(0.04) {
                        (*self.rng.pick(BAD_DATES)).to_owned()
                    } else {
                        (*self.rng.pick(DATES)).to_owned()
                    }
                }
                "currency" => (*self.rng.pick(&["EUR", "USD", "eur", "GBP"])).to_owned(),
                "minAmount" | "maxAmount" => {
                    if self.rng.chance(0.04) {
                        "1e6".to_owned()
                    } else {
                        (*self.rng.pick(AMOUNTS)).to_owned()
                    }
                }
                _ => {
                    let _ = owner;
                    (*self.rng.pick(WORDS)).to_owned()
                }
            }),
        }
    }

    /// A record of one of `types` by code or name, in some case; or, with probability
    /// `unknown`, nothing.
    fn reference(&mut self, types: &[&str], unknown: f64) -> String {
        if self.rng.chance(unknown) {
            return (*self.rng.pick(UNKNOWN)).to_owned();
        }
        let ty = *self.rng.pick(types);
        let records = self.data.of(ty);
        if records.is_empty() {
            return (*self.rng.pick(UNKNOWN)).to_owned();
        }
        let record = self.rng.pick(records).clone();
        let text = if !record.names.is_empty() && self.rng.chance(0.3) { self.rng.pick(&record.names).clone() } else { record.code };
        match self.rng.below(6) {
            0 => text.to_lowercase(),
            1 => text.to_uppercase(),
            _ => text,
        }
    }

    fn valid_id(&mut self) -> String {
        let types: Vec<&String> = self.data.records.keys().collect();
        let ty = (*self.rng.pick(&types)).clone();
        let code = self.rng.pick(self.data.of(&ty)).code.clone();
        global_id(&ty, &code)
    }

    /// Any id: of a record, of no record, of no type, or not an id at all.
    fn node_id(&mut self) -> String {
        match self.rng.below(20) {
            0 => global_id("Project", "no-such-project"),
            1 => global_id("PageInfo", "x"),
            2 => "not an id!".to_owned(),
            3 => String::new(),
            4 => {
                let id = self.valid_id();
                let text = String::from_utf8(URL_SAFE_NO_PAD.decode(&id).unwrap()).unwrap();
                URL_SAFE_NO_PAD.encode(text.to_lowercase())
            }
            5 => URL_SAFE_NO_PAD.encode("nocolon"),
            _ => self.valid_id(),
        }
    }

    /// A cursor into a list of `node` records: mostly well-formed (of a record that may or may
    /// not be in the list), sometimes garbage.
    fn cursor(&mut self, node: &str) -> String {
        match self.rng.below(20) {
            0 => "garbage".to_owned(),
            1 => String::new(),
            2 => URL_SAFE_NO_PAD.encode("DEU"),
            3 => cursor("no-such-record"),
            _ => {
                let types: Vec<String> =
                    if self.data.records.contains_key(node) { vec![node.to_owned()] } else { self.data.records.keys().cloned().collect() };
                let ty = self.rng.pick(&types).clone();
                let code = self.rng.pick(self.data.of(&ty)).code.clone();
                // A node connection's cursors name `Type:code`.
                if self.data.records.contains_key(node) {
                    cursor(&code)
                } else {
                    cursor(&format!("{ty}:{code}"))
                }
            }
        }
    }
}

fn leaf(name: &str) -> Sel {
    Sel::Field { alias: None, name: name.to_owned(), args: Vec::new(), directives: Vec::new(), sub: Vec::new() }
}

// ---------------------------------------------------------------------------------------------
// Shrinking: the k-th simplification of a document, in document order (bigger parts first).

fn walk(items: &mut Vec<Sel>, n: &mut usize, fragments: &[Fragment]) -> bool {
    // Remove an item.
    if items.len() > 1 {
        for i in 0..items.len() {
            if *n == 0 {
                items.remove(i);
                return true;
            }
            *n -= 1;
        }
    }
    // Put an inline fragment's items in its place.
    for i in 0..items.len() {
        if let Sel::Inline { sub, .. } = &items[i] {
            if *n == 0 {
                let sub = sub.clone();
                items.splice(i..=i, sub);
                return true;
            }
            *n -= 1;
        }
    }
    for item in items.iter_mut() {
        if !item.directives_mut().is_empty() {
            if *n == 0 {
                item.directives_mut().clear();
                return true;
            }
            *n -= 1;
        }
        match item {
            Sel::Field { alias, args, sub, .. } => {
                for i in 0..args.len() {
                    if !args[i].required {
                        if *n == 0 {
                            args.remove(i);
                            return true;
                        }
                        *n -= 1;
                    }
                }
                for arg in args.iter_mut() {
                    if simplify_value(&mut arg.value, n) {
                        return true;
                    }
                }
                // A sub-selection of more than `__typename` reduced to it.
                if !sub.is_empty() && (sub.len() != 1 || !matches!(&sub[0], Sel::Field { name, .. } if name == "__typename")) {
                    if *n == 0 {
                        *sub = vec![leaf("__typename")];
                        return true;
                    }
                    *n -= 1;
                }
                if alias.is_some() {
                    if *n == 0 {
                        *alias = None;
                        return true;
                    }
                    *n -= 1;
                }
                if walk(sub, n, fragments) {
                    return true;
                }
            }
            Sel::Inline { on, sub, .. } => {
                if on.is_some() {
                    if *n == 0 {
                        *on = None;
                        return true;
                    }
                    *n -= 1;
                }
                if walk(sub, n, fragments) {
                    return true;
                }
            }
            Sel::Spread { name, directives } => {
                if *n == 0 {
                    if let Some(f) = fragments.iter().find(|f| &f.name == name) {
                        *item = Sel::Inline { on: Some(f.on.clone()), directives: directives.clone(), sub: f.sub.clone() };
                        return true;
                    }
                }
                *n = n.saturating_sub(1);
            }
        }
    }
    false
}

/// Removes a field of an input object or an item of a list, within a value.
fn simplify_value(value: &mut Val, n: &mut usize) -> bool {
    match value {
        Val::Obj(fields) => {
            for i in 0..fields.len() {
                if *n == 0 {
                    fields.remove(i);
                    return true;
                }
                *n -= 1;
            }
            fields.iter_mut().any(|(_, v)| simplify_value(v, n))
        }
        Val::List(items) => {
            for i in 0..items.len() {
                if *n == 0 {
                    items.remove(i);
                    return true;
                }
                *n -= 1;
            }
            items.iter_mut().any(|v| simplify_value(v, n))
        }
        _ => false,
    }
}

fn replace_var_in(items: &mut [Sel], name: &str, with: &Val) -> bool {
    let mut any = false;
    for item in items {
        match item {
            Sel::Field { args, sub, .. } => {
                for a in args.iter_mut() {
                    any |= a.value.replace_var(name, with);
                }
                any |= replace_var_in(sub, name, with);
            }
            Sel::Inline { sub, .. } => any |= replace_var_in(sub, name, with),
            Sel::Spread { .. } => {}
        }
        for d in item.directives_mut() {
            any |= d.condition.replace_var(name, with);
        }
    }
    any
}

/// The `k`-th simplification of `doc`, or `None` when it has fewer.
pub fn simplification(doc: &Doc, k: usize) -> Option<Doc> {
    let mut d = doc.clone();
    let mut n = k;
    if d.other_operation {
        if n == 0 {
            d.other_operation = false;
            return Some(d);
        }
        n -= 1;
    }
    if d.extra_variable {
        if n == 0 {
            d.extra_variable = false;
            return Some(d);
        }
        n -= 1;
    }
    let fragments = d.fragments.clone();
    if walk(&mut d.sel, &mut n, &fragments) {
        return Some(d);
    }
    for i in 0..d.fragments.len() {
        if walk(&mut d.fragments[i].sub, &mut n, &fragments) {
            return Some(d);
        }
    }
    // A variable written as its value.
    for i in 0..d.vars.len() {
        let def = d.vars[i].clone();
        let Some(value) = def.value.clone().or(def.default.clone()) else { continue };
        if n == 0 {
            let mut any = replace_var_in(&mut d.sel, &def.name, &value);
            for f in &mut d.fragments {
                any |= replace_var_in(&mut f.sub, &def.name, &value);
            }
            let _ = any;
            return Some(d);
        }
        n -= 1;
    }
    if d.name.is_some() && !d.other_operation && n == 0 {
        d.name = None;
        return Some(d);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The proptest strategy.

/// Random valid operations over the whole schema.
#[derive(Debug, Clone)]
pub struct Operations {
    schema: Arc<Schema>,
    data: Arc<Data>,
}

pub fn operations() -> Operations {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    Operations { schema: Arc::new(Schema::load(&repo.join("schema/schema.graphql"))), data: Arc::new(Data::load(&repo.join("fixtures"))) }
}

impl Operations {
    /// The document a seed gives.
    pub fn document(&self, seed: u64) -> Doc {
        Gen::new(&self.schema, &self.data, seed).document()
    }

    /// Every (object type, field) reachable from the query root.
    pub fn reachable_fields(&self) -> BTreeSet<(String, String)> {
        let schema = &self.schema;
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue = vec![schema.query.clone()];
        let mut fields = BTreeSet::new();
        while let Some(ty) = queue.pop() {
            if !seen.insert(ty.clone()) {
                continue;
            }
            let def = schema.ty(&ty);
            queue.extend(def.possible.iter().cloned());
            if def.kind == Kind::Object {
                for f in &def.fields {
                    fields.insert((ty.clone(), f.name.clone()));
                    if schema.composite(f.ty.named()) {
                        queue.push(f.ty.named().to_owned());
                    }
                }
            }
        }
        fields
    }
}

impl Strategy for Operations {
    type Tree = OperationTree;
    type Value = Case;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let seed = any::<u64>().new_tree(runner)?.current();
        Ok(OperationTree::new(self.document(seed)))
    }
}

/// A document and its simplifications: `simplify` tries them one by one (in document order,
/// again from the start after a pass that kept one); `complicate` undoes the last one.
#[derive(Debug, Clone)]
pub struct OperationTree {
    current: Doc,
    previous: Option<Doc>,
    next: usize,
    progressed: bool,
}

impl OperationTree {
    pub fn new(doc: Doc) -> OperationTree {
        OperationTree { current: doc, previous: None, next: 0, progressed: false }
    }

    pub fn doc(&self) -> &Doc {
        &self.current
    }
}

impl ValueTree for OperationTree {
    type Value = Case;

    fn current(&self) -> Case {
        self.current.case()
    }

    fn simplify(&mut self) -> bool {
        let text = self.current.case();
        loop {
            match simplification(&self.current, self.next) {
                Some(simpler) => {
                    if simpler.case() == text {
                        self.next += 1;
                        continue;
                    }
                    self.previous = Some(std::mem::replace(&mut self.current, simpler));
                    self.progressed = true;
                    return true;
                }
                None if self.progressed && self.next > 0 => {
                    self.next = 0;
                    self.progressed = false;
                }
                None => return false,
            }
        }
    }

    fn complicate(&mut self) -> bool {
        match self.previous.take() {
            Some(previous) => {
                self.current = previous;
                self.next += 1;
                true
            }
            None => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running cases: panics caught quietly, failures shrunk.

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, catching a panic without printing it (on this thread only).
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info)
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload.downcast::<&str>().map(|m| (*m).to_owned()).unwrap_or_else(|_| "a panic".to_owned()),
    })
}

/// Shrinks a failing tree while `fails` gives the same class of failure; returns the smallest
/// failing case and its failure.
pub fn shrink(
    tree: &mut OperationTree,
    class: &str,
    mut fails: impl FnMut(&Case) -> Option<(String, String)>,
    max_iterations: usize,
    deadline: std::time::Instant,
) -> (Case, Option<String>) {
    let mut last = None;
    let mut iterations = 0;
    while iterations < max_iterations && std::time::Instant::now() < deadline && tree.simplify() {
        iterations += 1;
        match fails(&tree.current()) {
            Some((c, message)) if c == class => last = Some(message),
            _ => {
                tree.complicate();
            }
        }
    }
    (tree.current(), last)
}
