//! How the schema is written down: object, interface, union, enum and input definitions, each
//! field with its type, arguments, description and resolver. The async-graphql schema (SDL,
//! validation, introspection) and the engine's plans are both built from these definitions, so
//! a field is defined in exactly one place.

use std::{fmt, sync::Arc};

use async_graphql::Value;

use super::{
    args::Args,
    fetch::Ctx,
    obj::{Obj, ObjType, Out},
    FieldError,
};

/// A GraphQL type reference: `String`, `[Citation!]!`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    Named(&'static str),
    NonNull(Box<Ty>),
    List(Box<Ty>),
}

impl Ty {
    /// Parses `[Citation!]!`-style notation (the schema's own literals; a typo is a bug caught
    /// by the schema tests, so it panics at startup rather than at request time).
    pub fn parse(text: &'static str) -> Ty {
        fn parse(text: &'static str) -> Option<Ty> {
            if let Some(inner) = text.strip_suffix('!') {
                return Some(Ty::NonNull(Box::new(parse(inner)?)));
            }
            if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                return Some(Ty::List(Box::new(parse(inner)?)));
            }
            (!text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(Ty::Named(text))
        }
        parse(text).unwrap_or_else(|| panic!("schema definition: {text:?} is not a type"))
    }

    /// The named type inside the lists and non-nulls.
    pub fn named(&self) -> &'static str {
        match self {
            Ty::Named(name) => name,
            Ty::NonNull(inner) | Ty::List(inner) => inner.named(),
        }
    }

    pub fn is_non_null(&self) -> bool {
        matches!(self, Ty::NonNull(_))
    }

    /// The type without its outer `!`.
    pub fn nullable(&self) -> &Ty {
        match self {
            Ty::NonNull(inner) => inner,
            other => other,
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self.nullable(), Ty::List(_))
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Named(name) => f.write_str(name),
            Ty::NonNull(inner) => write!(f, "{inner}!"),
            Ty::List(inner) => write!(f, "[{inner}]"),
        }
    }
}

/// Why a resolver gave no value yet: it needs store reads that are not done (the engine reads
/// them, batched with every other resolver's, and asks again), or it failed.
#[derive(Debug)]
pub enum Fail {
    Pending,
    Error(FieldError),
}

impl From<FieldError> for Fail {
    fn from(error: FieldError) -> Self {
        Fail::Error(error)
    }
}

/// What a resolver returns.
pub type Res<'a> = Result<Out<'a>, Fail>;

/// A field's resolver: from the parent object, the field's arguments and the request's reads.
pub type Resolver = Arc<dyn for<'a> Fn(&'a Obj, &Args, &Ctx<'_>) -> Res<'a> + Send + Sync>;

/// An argument or an input object's field.
#[derive(Clone)]
pub struct InputDef {
    pub name: &'static str,
    pub description: &'static str,
    pub ty: Ty,
    pub default: Option<Value>,
}

impl InputDef {
    pub fn new(name: &'static str, ty: &'static str, description: &'static str) -> InputDef {
        InputDef { name, description, ty: Ty::parse(ty), default: None }
    }

    pub fn default(mut self, value: impl Into<Value>) -> InputDef {
        self.default = Some(value.into());
        self
    }
}

/// An object type's field.
#[derive(Clone)]
pub struct FieldDef {
    pub name: &'static str,
    pub description: &'static str,
    pub ty: Ty,
    pub args: Vec<InputDef>,
    pub resolve: Resolver,
    /// A scalar field whose resolver reads the store: the engine resolves it while prefetching a
    /// level (object fields always are), so that its reads are batched with the level's.
    pub reads: bool,
    /// For a list field: what bounds its length in the store, which complexity costs it by when
    /// that is less than the page asked for.
    pub longest: Option<crate::store::Longest>,
}

impl FieldDef {
    pub fn arg(mut self, arg: InputDef) -> FieldDef {
        self.args.push(arg);
        self
    }

    /// The four Relay paging arguments.
    pub fn paged(self) -> FieldDef {
        self.arg(InputDef::new("after", "String", "Only items after this cursor (an edge's `cursor`, or `pageInfo.endCursor`)."))
            .arg(InputDef::new("before", "String", "Only items before this cursor (an edge's `cursor`, or `pageInfo.startCursor`)."))
            .arg(InputDef::new("first", "Int", "At most this many items from the start (after `after`); a default page size applies."))
            .arg(InputDef::new("last", "Int", "At most this many items from the end (before `before`); not with `first`."))
    }

    /// The list's length is at most `longest` in any store (see [`FieldDef::longest`]).
    pub fn longest(mut self, longest: crate::store::Longest) -> FieldDef {
        self.longest = Some(longest);
        self
    }

    pub fn reads_store(mut self) -> FieldDef {
        self.reads = true;
        self
    }
}

/// An object type, the Rust type its objects hold (`S`) and its fields.
pub struct ObjectDef {
    pub ty: ObjType,
    pub description: &'static str,
    pub implements: Vec<&'static str>,
    pub fields: Vec<FieldDef>,
}

/// Builds an object type whose objects hold an `S`; resolvers get the `S` directly.
pub struct Object<S> {
    def: ObjectDef,
    source: std::marker::PhantomData<fn() -> S>,
}

impl<S: std::any::Any + Send + Sync> Object<S> {
    pub fn new(ty: ObjType, description: &'static str) -> Object<S> {
        Object { def: ObjectDef { ty, description, implements: Vec::new(), fields: Vec::new() }, source: std::marker::PhantomData }
    }

    pub fn implements(mut self, interface: &'static str) -> Self {
        self.def.implements.push(interface);
        self
    }

    /// A field: `resolve` gets the parent's `S` and the object holding it (to reach into it).
    pub fn field(
        self,
        name: &'static str,
        ty: &'static str,
        description: &'static str,
        resolve: impl for<'a> Fn(Src<'a, S>, &Args, &Ctx<'_>) -> Res<'a> + Send + Sync + 'static,
    ) -> Self {
        self.field_def(name, ty, description, resolve, |f| f)
    }

    /// A field, adjusted by `with` (arguments, `reads_store`).
    pub fn field_def(
        mut self,
        name: &'static str,
        ty: &'static str,
        description: &'static str,
        resolve: impl for<'a> Fn(Src<'a, S>, &Args, &Ctx<'_>) -> Res<'a> + Send + Sync + 'static,
        with: impl FnOnce(FieldDef) -> FieldDef,
    ) -> Self {
        let type_name = self.def.ty.name();
        let resolve: Resolver = Arc::new(move |obj: &Obj, args: &Args, cx: &Ctx<'_>| match obj.get::<S>() {
            Some(this) => resolve(Src { obj, this }, args, cx),
            None => Err(Fail::Error(FieldError::internal(format!("{type_name}.{name}: the parent object is a {}", obj.ty().name())))),
        });
        let field = FieldDef { name, description, ty: Ty::parse(ty), args: Vec::new(), resolve, reads: false, longest: None };
        self.def.fields.push(with(field));
        self
    }

    /// A field that reads a plain value of `S`.
    pub fn value(
        self,
        name: &'static str,
        ty: &'static str,
        description: &'static str,
        read: impl for<'a> Fn(&'a S) -> Out<'a> + Send + Sync + 'static,
    ) -> Self {
        self.field(name, ty, description, move |s, _, _| Ok(read(s.this)))
    }

    pub fn type_name(&self) -> &'static str {
        self.def.ty.name()
    }

    /// The names of the fields defined so far.
    pub fn field_names(&self) -> Vec<&'static str> {
        self.def.fields.iter().map(|f| f.name).collect()
    }

    pub fn finish(self) -> TypeDef {
        TypeDef::Object(self.def)
    }
}

impl<S: crate::model::Record + std::any::Any + Send + Sync> Object<S> {
    /// How every record type starts: the `Node` and `Record` interfaces, its global `id` and its
    /// `code` (described by `code`).
    pub fn record(self, code: &'static str) -> Self {
        self.implements("Node")
            .implements("Record")
            .value("id", "ID!", "Global, opaque id.", |r| Out::string(super::ids::encode(S::TYPE_NAME, r.code())))
            .value("code", "String!", code, |r| Out::str(r.code()))
            .field("disagreements", "[Disagreement!]!", super::types::DISAGREEMENTS, |r, _, cx| {
                let links = cx.links(crate::store::Index::DisagreementsByRecord, &format!("{}:{}", S::TYPE_NAME, r.code()))?;
                Ok(Out::objs(cx.record_objs(crate::model::RecordKind::Disagreement, links.iter().map(|l| l.to.as_str()))?))
            })
    }

    /// A paged connection over the records of `kind` that `index` links this record to, read
    /// as one page of the index (see [`super::connection::linked`]).
    pub fn linked(self, name: &'static str, description: &'static str, index: crate::store::Index, kind: crate::model::RecordKind) -> Self {
        let (connection, edge, ty) = super::connection::of(kind);
        self.field_def(
            name,
            ty,
            description,
            move |s, args, cx| super::connection::linked(args, cx, index, s.code(), kind, (connection, edge)),
            move |f| f.paged().longest(crate::store::Longest::Links(index)),
        )
    }
}

/// The parent of a field: its value, and the object that holds it (sharing its record).
pub struct Src<'a, S> {
    pub obj: &'a Obj,
    pub this: &'a S,
}

impl<'a, S: std::any::Any + Send + Sync> Src<'a, S> {
    /// An object for a value inside this one (a citation, a participation), sharing its record.
    pub fn part<C: std::any::Any + Send + Sync>(&self, ty: ObjType, pick: impl for<'x> FnOnce(&'x S) -> &'x C) -> Obj {
        self.obj.part(ty, pick)
    }

    /// Objects for every item of a list inside this one.
    pub fn parts<C: std::any::Any + Send + Sync>(&self, ty: ObjType, items: impl for<'x> Fn(&'x S) -> &'x [C]) -> Out<'a> {
        let len = items(self.this).len();
        Out::List((0..len).map(|i| Out::Obj(self.obj.part(ty, |s: &S| &items(s)[i]))).collect())
    }
}

impl<S> std::ops::Deref for Src<'_, S> {
    type Target = S;
    fn deref(&self) -> &S {
        self.this
    }
}

/// Every kind of type the schema defines.
pub enum TypeDef {
    Object(ObjectDef),
    Interface {
        name: &'static str,
        description: &'static str,
        fields: Vec<(&'static str, Ty, &'static str)>,
    },
    Union {
        name: &'static str,
        description: &'static str,
        members: Vec<&'static str>,
    },
    Enum {
        name: &'static str,
        description: &'static str,
        values: Vec<(&'static str, &'static str)>,
    },
    Input {
        name: &'static str,
        description: &'static str,
        fields: Vec<InputDef>,
    },
    /// A custom scalar (federation's `_Any`): any value, passed to resolvers as given.
    Scalar {
        name: &'static str,
        description: &'static str,
    },
}

impl TypeDef {
    pub fn name(&self) -> &'static str {
        match self {
            TypeDef::Object(object) => object.ty.name(),
            TypeDef::Interface { name, .. }
            | TypeDef::Union { name, .. }
            | TypeDef::Enum { name, .. }
            | TypeDef::Input { name, .. }
            | TypeDef::Scalar { name, .. } => name,
        }
    }
}

/// A GraphQL enum over one of the model's enums, each value with its description.
pub fn enum_type<E: Copy + 'static>(
    name: &'static str,
    description: &'static str,
    values: &'static [E],
    value_name: fn(E) -> &'static str,
    value_description: fn(E) -> &'static str,
) -> TypeDef {
    TypeDef::Enum { name, description, values: values.iter().map(|&v| (value_name(v), value_description(v))).collect() }
}
