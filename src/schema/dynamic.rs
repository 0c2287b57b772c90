//! The async-graphql schema built from the definitions: it gives the SDL, parses, validates and
//! answers introspection. Its resolvers call the same definitions' resolvers one field at a time
//! (reading what each lacks straight from the store): that is async-graphql's own execution,
//! which the engine uses as the reference its plans are tested against.

use std::sync::{Arc, Mutex};

use async_graphql::{
    dynamic::{
        Enum, EnumItem, Field, FieldFuture, FieldValue, InputObject, InputValue, Interface, InterfaceField, Object, Scalar, Schema,
        SchemaBuilder, TypeRef, Union,
    },
    Name, SDLExportOptions, Value, Variables,
};

use super::{
    args,
    def::{Fail, FieldDef, InputDef, Ty, TypeDef},
    fetch::{Ctx, Fetched},
    obj::{Obj, ObjType, Out},
    registry, PageLimits,
};
use crate::store::Store;

/// What the reference resolvers of one request read through: the store, the request's reads
/// and its coerced variables (the arguments are bound from the document, as the engine binds them).
pub struct Reads {
    pub store: Arc<Store>,
    pub page: PageLimits,
    pub variables: Variables,
    pub fetched: Mutex<Fetched>,
}

fn type_ref(ty: &Ty) -> TypeRef {
    match ty {
        Ty::Named(name) => TypeRef::Named((*name).into()),
        Ty::NonNull(inner) => TypeRef::NonNull(Box::new(type_ref(inner))),
        Ty::List(inner) => TypeRef::List(Box::new(type_ref(inner))),
    }
}

fn input_value(def: &InputDef) -> InputValue {
    let mut value = InputValue::new(def.name, type_ref(&def.ty));
    if !def.description.is_empty() {
        value = value.description(def.description);
    }
    if let Some(default) = &def.default {
        value = value.default_value(default.clone());
    }
    value
}

/// Is `name` an interface or a union (its values must say their concrete type)?
fn is_abstract(name: &str) -> bool {
    matches!(registry().get(name), Some(TypeDef::Interface { .. } | TypeDef::Union { .. }))
}

/// A resolver's output as async-graphql's value; `None` for null.
fn field_value(out: Out<'_>, ty: &Ty) -> Option<FieldValue<'static>> {
    Some(match out {
        Out::Null => return None,
        Out::Bool(b) => FieldValue::value(b),
        Out::Int(n) => FieldValue::value(n),
        Out::Float(x) => FieldValue::value(Value::from_json(serde_json::json!(x)).unwrap_or(Value::Null)),
        Out::Str(text) => FieldValue::value(text.into_owned()),
        Out::Enum(item) => FieldValue::value(Value::Enum(Name::new(item))),
        Out::Obj(obj) => {
            let name = obj.ty().name();
            let value = FieldValue::owned_any(obj);
            if is_abstract(ty.named()) {
                value.with_type(name)
            } else {
                value
            }
        }
        Out::List(items) => {
            let inner = match ty.nullable() {
                Ty::List(inner) => inner.as_ref(),
                other => other,
            };
            FieldValue::list(items.into_iter().map(|item| field_value(item, inner).unwrap_or(FieldValue::NULL)))
        }
    })
}

/// The extension under which a reference resolver's error carries its path: async-graphql's
/// dynamic schema gives a resolver's error the field's location but not its path, so the
/// reference execution puts it back from here (see `engine::reference`).
pub const PATH_EXTENSION: &str = "__capgraph_path";

fn with_path(error: async_graphql::Error, cx: &async_graphql::dynamic::ResolverContext<'_>) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    let path: Vec<Value> = cx
        .ctx
        .set_error_path(async_graphql::ServerError::new("", None))
        .path
        .into_iter()
        .map(|segment| match segment {
            async_graphql::PathSegment::Field(name) => Value::String(name),
            async_graphql::PathSegment::Index(i) => Value::from(i as i64),
        })
        .collect();
    error.extend_with(|_, ext| ext.set(PATH_EXTENSION, Value::List(path)))
}

/// The reference resolver of a field: bind the arguments, resolve, read what is missing, again.
fn resolver(def: FieldDef, root: bool) -> Field {
    let ty = def.ty.clone();
    let description = def.description;
    let name = def.name;
    let args: Vec<InputValue> = def.args.iter().map(input_value).collect();
    let def = Arc::new(def);
    let mut field = Field::new(name, type_ref(&ty), move |cx| {
        let def = def.clone();
        FieldFuture::new(async move {
            let reads = cx.ctx.data::<Arc<Reads>>()?;
            let unit;
            let parent = match cx.parent_value.downcast_ref::<Obj>() {
                Some(parent) => parent,
                None if root => {
                    unit = Obj::unit(ObjType::Query);
                    &unit
                }
                None => return Err(async_graphql::Error::new("internal: the parent is not an object")),
            };
            let args = args::bind(registry(), &def.args, &cx.ctx.item.node.arguments, &reads.variables);
            loop {
                let (result, misses) = {
                    let fetched = reads.fetched.lock().map_err(|_| async_graphql::Error::new("internal: poisoned reads"))?;
                    let scope = Ctx::new(&fetched, &reads.store, reads.page);
                    let result = (def.resolve)(parent, &args, &scope).map(|out| field_value(out, &def.ty));
                    (result, scope.take_misses())
                };
                match result {
                    Ok(value) => return Ok(value),
                    Err(Fail::Error(error)) => return Err(with_path(error.to_graphql(), &cx)),
                    Err(Fail::Pending) => {
                        let mut fetched = reads.fetched.lock().map_err(|_| async_graphql::Error::new("internal: poisoned reads"))?;
                        fetched.load(&reads.store, misses).map_err(|e| super::FieldError::internal(e).to_graphql())?;
                    }
                }
            }
        })
    });
    if !description.is_empty() {
        field = field.description(description);
    }
    for arg in args {
        field = field.argument(arg);
    }
    field
}

/// The schema built from the definitions. It serves requests with federation's types and root
/// fields as capgraph defines them (plain GraphQL, resolved like any other field). With
/// `subgraph`, for the subgraph SDL only: every record type gets its `@key`s, and async-graphql's
/// federation support adds its own `_Any`, `_Entity`, `_Service`, `_service` and `_entities`,
/// which the federation SDL leaves out, as the subgraph specification asks.
fn builder_for(subgraph: bool) -> SchemaBuilder {
    use super::types::{ENTITY_KEYS, FEDERATION_FIELDS, FEDERATION_TYPES};
    let mut builder = Schema::build(ObjType::Query.name(), None, None);
    if subgraph {
        builder = builder.enable_federation();
    }
    for ty in registry().types() {
        if subgraph && FEDERATION_TYPES.contains(&ty.name()) {
            continue;
        }
        builder = match ty {
            TypeDef::Object(object) => {
                let mut out = Object::new(object.ty.name());
                if !object.description.is_empty() {
                    out = out.description(object.description);
                }
                for interface in &object.implements {
                    out = out.implement(*interface);
                }
                if subgraph && crate::model::RecordKind::from_type_name(object.ty.name()).is_some() {
                    for key in ENTITY_KEYS {
                        out = out.key(key);
                    }
                }
                for field in &object.fields {
                    if subgraph && object.ty == ObjType::Query && FEDERATION_FIELDS.contains(&field.name) {
                        continue;
                    }
                    out = out.field(resolver(field.clone(), object.ty == ObjType::Query));
                }
                builder.register(out)
            }
            TypeDef::Scalar { name, description } => builder.register(Scalar::new(*name).description(*description)),
            TypeDef::Interface { name, description, fields } => {
                let mut out = Interface::new(*name).description(*description);
                for (field, ty, description) in fields {
                    out = out.field(InterfaceField::new(*field, type_ref(ty)).description(*description));
                }
                builder.register(out)
            }
            TypeDef::Union { name, description, members } => {
                let mut out = Union::new(*name).description(*description);
                for member in members {
                    out = out.possible_type(*member);
                }
                builder.register(out)
            }
            TypeDef::Enum { name, description, values } => {
                let items = values.iter().map(|(value, description)| EnumItem::new(*value).description(*description));
                builder.register(Enum::new(*name).description(*description).items(items))
            }
            TypeDef::Input { name, description, fields } => {
                let mut out = InputObject::new(*name).description(*description);
                for field in fields {
                    out = out.field(input_value(field));
                }
                builder.register(out)
            }
        };
    }
    builder
}

fn builder() -> SchemaBuilder {
    builder_for(false)
}

/// Options of the schema that serves requests.
#[derive(Debug, Clone, Copy)]
pub struct SchemaOptions {
    pub introspection: bool,
    pub suggestions: bool,
    /// async-graphql's own guard against deep fragment recursion.
    pub recursion: usize,
}

/// The schema that answers introspection and runs reference executions. It is given documents
/// the validator passed, so it only checks them for fragment cycles.
pub fn schema(options: SchemaOptions) -> Schema {
    configured(builder().validation_mode(async_graphql::ValidationMode::Fast), options)
}

/// The message of the error by which [`validator`] says a document is valid.
pub const VALID: &str = "capgraph: the document is valid";

/// Stops every request right after validation: with [`VALID`] when the document is valid,
/// with the validation errors otherwise. Nothing is executed.
struct StopAfterValidation;

#[async_graphql::async_trait::async_trait]
impl async_graphql::extensions::Extension for StopAfterValidation {
    async fn validation(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        next: async_graphql::extensions::NextValidation<'_>,
    ) -> Result<async_graphql::ValidationResult, Vec<async_graphql::ServerError>> {
        next.run(ctx).await?;
        Err(vec![async_graphql::ServerError::new(VALID, None)])
    }
}

impl async_graphql::extensions::ExtensionFactory for StopAfterValidation {
    fn create(&self) -> Arc<dyn async_graphql::extensions::Extension> {
        Arc::new(StopAfterValidation)
    }
}

/// The same schema, for validating documents only (see [`StopAfterValidation`]).
pub fn validator(options: SchemaOptions) -> Schema {
    configured(builder().extension(StopAfterValidation), options)
}

fn configured(builder: SchemaBuilder, options: SchemaOptions) -> Schema {
    let mut builder = builder.limit_recursive_depth(options.recursion);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish().unwrap_or_else(|err| panic!("the schema definitions are inconsistent: {err}"))
}

/// The SDL, with fields, arguments and enum items sorted so that the committed file diffs well.
pub fn sdl() -> String {
    let schema = builder().finish().unwrap_or_else(|err| panic!("the schema definitions are inconsistent: {err}"));
    schema.sdl_with_options(SDLExportOptions::new().sorted_fields().sorted_arguments().sorted_enum_items())
}

/// The subgraph SDL (Apollo Federation v2): the same types and fields, `extend schema @link(…)`
/// importing the federation directives, `@key(fields: "code") @key(fields: "id")` on every record
/// type, without federation's own types and root fields; sorted like [`sdl`].
pub fn subgraph_sdl() -> String {
    let schema = builder_for(true).finish().unwrap_or_else(|err| panic!("the schema definitions are inconsistent: {err}"));
    schema.sdl_with_options(SDLExportOptions::new().federation().sorted_fields().sorted_arguments().sorted_enum_items())
}
