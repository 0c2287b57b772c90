//! The GraphQL schema, defined once: every type and field with its resolver ([`types`]). From
//! these definitions come both the async-graphql schema ([`dynamic`]: SDL, parsing, validation,
//! introspection, and a reference executor) and the engine's compiled plans.
//!
//! Resolvers are plain functions of the parent object, the bound arguments and the request's
//! reads ([`fetch::Ctx`]); they never touch sled and never await.

pub mod args;
pub mod connection;
pub mod def;
pub mod dynamic;
pub mod fetch;
pub mod ids;
pub mod obj;
pub mod types;

use std::{collections::HashMap, sync::LazyLock};

pub use def::{FieldDef, InputDef, ObjectDef, Res, Ty, TypeDef};
pub use obj::{Obj, ObjType, Out};

pub use crate::errors::FieldError;

/// Page sizes: `first`/`last` default to `default` and may not exceed `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageLimits {
    pub default: usize,
    pub max: usize,
}

impl Default for PageLimits {
    fn default() -> Self {
        PageLimits { default: 50, max: 200 }
    }
}

/// Every type the schema defines, by name, and the fields of each object type.
pub struct Registry {
    types: Vec<TypeDef>,
    by_name: HashMap<&'static str, usize>,
    objects: Vec<Option<usize>>,
}

impl Registry {
    fn new(types: Vec<TypeDef>) -> Registry {
        let by_name = types.iter().enumerate().map(|(i, t)| (t.name(), i)).collect();
        let mut objects = vec![None; ObjType::ALL.len()];
        for (i, ty) in types.iter().enumerate() {
            if let TypeDef::Object(object) = ty {
                objects[object.ty as usize] = Some(i);
            }
        }
        Registry { types, by_name, objects }
    }

    pub fn types(&self) -> &[TypeDef] {
        &self.types
    }

    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.by_name.get(name).map(|&i| &self.types[i])
    }

    /// The definition of an object type.
    pub fn object(&self, ty: ObjType) -> Option<&ObjectDef> {
        match self.objects[ty as usize].map(|i| &self.types[i]) {
            Some(TypeDef::Object(object)) => Some(object),
            _ => None,
        }
    }

    /// The fields of an input object type.
    pub fn input_fields(&self, name: &str) -> Option<&[InputDef]> {
        match self.get(name)? {
            TypeDef::Input { fields, .. } => Some(fields),
            _ => None,
        }
    }
}

/// The schema's definitions; they depend on nothing at run time (resolvers reach the store
/// through their [`fetch::Ctx`]), so they are built once.
pub fn registry() -> &'static Registry {
    static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::new(types::all()));
    &REGISTRY
}

/// The SDL, with fields, arguments and enum items sorted so that the committed file diffs well.
pub fn sdl() -> String {
    dynamic::sdl()
}

/// The subgraph SDL (Apollo Federation v2, see [`types::FEDERATION_TYPES`]), sorted like
/// [`sdl`]: what `_service { sdl }` answers. Built once.
pub fn subgraph_sdl() -> &'static str {
    static SDL: LazyLock<String> = LazyLock::new(dynamic::subgraph_sdl);
    &SDL
}
