//! What plans need to know about the schema's types, read once from async-graphql's registry
//! (which also holds the introspection types) and joined to the schema's own field definitions.

use std::collections::HashMap;

use async_graphql::registry::{MetaType, Registry};

use crate::schema::{self, ObjType};

/// A type's index in [`TypeInfo`].
pub type TypeIdx = u16;

/// A field's type, with named types as indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PTy {
    Named(TypeIdx),
    NonNull(Box<PTy>),
    List(Box<PTy>),
}

impl PTy {
    pub fn named(&self) -> TypeIdx {
        match self {
            PTy::Named(t) => *t,
            PTy::NonNull(inner) | PTy::List(inner) => inner.named(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Object,
    Interface,
    Union,
    Scalar,
    Enum,
    Input,
}

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The schema's field definition: `fields[index]` of the object type.
    Def(ObjType, usize),
    /// An introspection field (`__schema`, `__type` and everything below them).
    Introspection,
}

#[derive(Debug, Clone)]
pub struct FieldInfo {
    pub ty: PTy,
    pub source: Source,
    /// The field has a `first` or `last` argument; the SDL default of `first`, if any.
    pub paged: bool,
    pub default_first: Option<i64>,
}

#[derive(Debug)]
pub struct TypeEntry {
    pub name: String,
    pub kind: Kind,
    pub fields: HashMap<String, FieldInfo>,
    /// The object types a value of this type can be (itself, for an object type).
    pub possible: Vec<TypeIdx>,
    /// The schema's object type, for the types the schema defines.
    pub obj: Option<ObjType>,
    /// Returned by paged fields: its lists (edges, nodes) are counted by the page size.
    pub connection: bool,
}

/// Every type, by index and by name.
#[derive(Debug)]
pub struct TypeInfo {
    pub types: Vec<TypeEntry>,
    by_name: HashMap<String, TypeIdx>,
    by_obj: Vec<TypeIdx>,
    pub query: TypeIdx,
}

fn parse_ty(text: &str, by_name: &HashMap<String, TypeIdx>) -> Option<PTy> {
    if let Some(inner) = text.strip_suffix('!') {
        return Some(PTy::NonNull(Box::new(parse_ty(inner, by_name)?)));
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Some(PTy::List(Box::new(parse_ty(inner, by_name)?)));
    }
    by_name.get(text).map(|&t| PTy::Named(t))
}

impl TypeInfo {
    pub fn new(registry: &Registry) -> TypeInfo {
        let names: Vec<&String> = registry.types.keys().collect();
        let by_name: HashMap<String, TypeIdx> = names.iter().enumerate().map(|(i, n)| ((*n).clone(), i as TypeIdx)).collect();
        let defs = schema::registry();
        let mut types: Vec<TypeEntry> = Vec::with_capacity(names.len());
        for (name, meta) in &registry.types {
            let kind = match meta {
                MetaType::Object { .. } => Kind::Object,
                MetaType::Interface { .. } => Kind::Interface,
                MetaType::Union { .. } => Kind::Union,
                MetaType::Scalar { .. } => Kind::Scalar,
                MetaType::Enum { .. } => Kind::Enum,
                MetaType::InputObject { .. } => Kind::Input,
            };
            let obj = ObjType::ALL.iter().copied().find(|t| t.name() == name && kind == Kind::Object);
            let mut fields = HashMap::new();
            for (field_name, field) in meta.fields().into_iter().flatten() {
                let Some(ty) = parse_ty(&field.ty, &by_name) else { continue };
                let source = obj
                    .and_then(|o| {
                        defs.object(o).and_then(|d| d.fields.iter().position(|f| f.name == field_name)).map(|i| Source::Def(o, i))
                    })
                    .unwrap_or(Source::Introspection);
                let arg = |a: &str| field.args.get(a);
                let paged = arg("first").is_some() || arg("last").is_some();
                let default_first = arg("first").and_then(|a| a.default_value.as_deref()).and_then(|v| v.parse().ok());
                fields.insert(field_name.clone(), FieldInfo { ty, source, paged, default_first });
            }
            let possible = match meta.possible_types() {
                Some(possible) => possible.iter().filter_map(|p| by_name.get(p).copied()).collect(),
                None => by_name.get(name).copied().into_iter().collect(),
            };
            types.push(TypeEntry { name: name.clone(), kind, fields, possible, obj, connection: false });
        }
        // A paged plain list (`[T]` with `first`) is not a connection: its items are T itself.
        let mut connections = Vec::new();
        for entry in &types {
            for field in entry.fields.values() {
                if field.paged && !matches!(strip_non_null(&field.ty), PTy::List(_)) {
                    connections.push(field.ty.named());
                }
            }
        }
        for c in connections {
            types[c as usize].connection = true;
        }
        let mut by_obj = vec![TypeIdx::MAX; ObjType::ALL.len()];
        for (i, entry) in types.iter().enumerate() {
            if let Some(obj) = entry.obj {
                by_obj[obj as usize] = i as TypeIdx;
            }
        }
        let query = by_name.get(&registry.query_type).copied().unwrap_or_default();
        TypeInfo { types, by_name, by_obj, query }
    }

    pub fn get(&self, name: &str) -> Option<TypeIdx> {
        self.by_name.get(name).copied()
    }

    pub fn entry(&self, ty: TypeIdx) -> &TypeEntry {
        &self.types[ty as usize]
    }

    /// The type index of an object's concrete type.
    pub fn of_obj(&self, obj: ObjType) -> TypeIdx {
        self.by_obj[obj as usize]
    }

    /// Does a fragment on `condition` apply to an object of type `concrete`?
    pub fn applies(&self, condition: TypeIdx, concrete: TypeIdx) -> bool {
        condition == concrete || self.entry(condition).possible.contains(&concrete)
    }

    pub fn is_composite(&self, ty: TypeIdx) -> bool {
        matches!(self.entry(ty).kind, Kind::Object | Kind::Interface | Kind::Union)
    }
}

pub fn strip_non_null(ty: &PTy) -> &PTy {
    match ty {
        PTy::NonNull(inner) => inner,
        other => other,
    }
}
