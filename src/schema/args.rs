//! A field's arguments, bound and coerced once per field of a request (GraphQL's
//! CoerceArgumentValues): variables replaced by their (already coerced) values, absent arguments
//! given their defaults, single values wrapped into lists, input objects given their fields'
//! defaults. Both execution paths bind through [`bind`], so they see the same values.

use async_graphql::{indexmap::IndexMap, Name, Positioned, Value, Variables};
use async_graphql_value::Value as AstValue;

use super::{def::InputDef, Registry, Ty};
use crate::model::Named;

/// Bound argument values, or an input object's fields; null and absent read alike.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args(IndexMap<Name, Value>);

impl Args {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !matches!(v, Value::Null))
    }

    pub fn string(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.get(name)? {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.get(name)? {
            Value::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// An enum value, as one of the model's enums.
    pub fn named<E: Named>(&self, name: &str) -> Option<E> {
        enum_value(self.get(name)?)
    }

    /// A list of enum values.
    pub fn named_list<E: Named>(&self, name: &str) -> Option<Vec<E>> {
        match self.get(name)? {
            Value::List(items) => Some(items.iter().filter_map(enum_value).collect()),
            _ => None,
        }
    }

    pub fn strings(&self, name: &str) -> Option<Vec<&str>> {
        match self.get(name)? {
            Value::List(items) => Some(
                items
                    .iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }

    /// An input object argument's fields.
    pub fn input(&self, name: &str) -> Args {
        match self.get(name) {
            Some(Value::Object(fields)) => Args(fields.clone()),
            _ => Args::default(),
        }
    }

    /// Every bound value.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.values()
    }

    /// Paging arguments with only `first`.
    pub fn from_first(first: Option<i64>) -> Args {
        Args(first.map(|n| (Name::new("first"), Value::from(n))).into_iter().collect())
    }

    /// A canonical text of the values (for memo keys).
    pub fn key(&self) -> String {
        format!("{:?}", self.0)
    }
}

fn enum_value<E: Named>(value: &Value) -> Option<E> {
    match value {
        Value::Enum(item) => E::from_name(item),
        Value::String(item) => E::from_name(item),
        _ => None,
    }
}

/// The `arguments` of a field (as written in the document) for the field defined with `defs`.
pub fn bind(registry: &Registry, defs: &[InputDef], arguments: &[(Positioned<Name>, Positioned<AstValue>)], variables: &Variables) -> Args {
    let mut bound = IndexMap::with_capacity(defs.len());
    for def in defs {
        let given = arguments.iter().find(|(name, _)| name.node == def.name).map(|(_, value)| &value.node);
        let value = match given {
            // A variable that was not provided leaves the argument unprovided: its default applies.
            Some(async_graphql_value::Value::Variable(variable)) => variables.get(variable).cloned(),
            Some(literal) => literal
                .clone()
                .into_const_with(|variable| Ok::<_, std::convert::Infallible>(variables.get(&variable).cloned().unwrap_or_default()))
                .ok(),
            None => None,
        };
        if let Some(value) = value.or_else(|| def.default.clone()) {
            bound.insert(Name::new(def.name), coerce(registry, value, &def.ty));
        }
    }
    Args(bound)
}

/// Input coercion of a value already of the right shape (the document was validated and the
/// variables coerced): lists from single values, input objects' defaults.
pub fn coerce(registry: &Registry, value: Value, ty: &Ty) -> Value {
    match (ty.nullable(), value) {
        (_, Value::Null) => Value::Null,
        (Ty::List(inner), Value::List(items)) => Value::List(items.into_iter().map(|item| coerce(registry, item, inner)).collect()),
        (Ty::List(inner), single) => Value::List(vec![coerce(registry, single, inner)]),
        (Ty::Named(name), Value::Object(mut fields)) => match registry.input_fields(name) {
            Some(defs) => {
                let mut coerced = IndexMap::with_capacity(defs.len());
                for def in defs {
                    let value = fields.shift_remove(def.name).or_else(|| def.default.clone());
                    if let Some(value) = value {
                        coerced.insert(Name::new(def.name), coerce(registry, value, &def.ty));
                    }
                }
                Value::Object(coerced)
            }
            None => Value::Object(fields),
        },
        (_, other) => other,
    }
}
