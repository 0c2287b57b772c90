//! The request's variables coerced against the operation's definitions (GraphQL's
//! CoerceVariableValues): defaults for the ones not provided, enum values from their names,
//! single values as lists of one, input objects' defaults; a value of the wrong type is a
//! `BAD_USER_INPUT` error naming the variable and the path inside it.

use async_graphql::{
    indexmap::IndexMap,
    parser::types::{BaseType, OperationDefinition, Type},
    Name, ServerError, Value, Variables,
};

use crate::{
    errors::{code, request_error},
    schema::{registry, TypeDef},
};

/// A value for an error message: never the whole of a huge string.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// `suggestions` off keeps the nearest enum value out of the messages, as validation's do.
fn coerce(value: Value, ty: &Type, path: &mut String, suggestions: bool) -> Result<Value, String> {
    if let Value::Null = value {
        return if ty.nullable { Ok(Value::Null) } else { Err(format!("{path}: expected a non-null {ty}, got null")) };
    }
    match &ty.base {
        BaseType::List(inner) => match value {
            Value::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{index}]"));
                    out.push(coerce(item, inner, path, suggestions)?);
                    path.truncate(len);
                }
                Ok(Value::List(out))
            }
            // A single value stands for a list of one.
            other => Ok(Value::List(vec![coerce(other, inner, path, suggestions)?])),
        },
        BaseType::Named(name) => {
            let wrong = |value: &Value| Err(format!("{path}: expected {ty}, got {}", shown(value)));
            match (name.as_str(), value) {
                ("Int", Value::Number(n)) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => Ok(Value::Number(n)),
                ("Float", Value::Number(n)) => Ok(Value::Number(n)),
                ("String", Value::String(s)) | ("ID", Value::String(s)) => Ok(Value::String(s)),
                ("Boolean", Value::Boolean(b)) => Ok(Value::Boolean(b)),
                ("ID", Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(Value::String(n.to_string())),
                ("Int" | "Float" | "String" | "Boolean" | "ID", value) => wrong(&value),
                (name, value) => match registry().get(name) {
                    Some(TypeDef::Enum { values, .. }) => {
                        let item = match &value {
                            Value::String(item) => Some(item.as_str()),
                            Value::Enum(item) => Some(item.as_str()),
                            _ => None,
                        };
                        match item {
                            Some(item) if values.iter().any(|(v, _)| *v == item) => Ok(Value::Enum(Name::new(item))),
                            _ => {
                                let names: Vec<&str> = values.iter().map(|(v, _)| *v).collect();
                                let hint = super::teach::enum_hint(name, &names, item, suggestions);
                                Err(format!("{path}: expected {ty}, got {}. {hint}", shown(&value)))
                            }
                        }
                    }
                    Some(TypeDef::Input { fields, .. }) => {
                        let Value::Object(mut object) = value else { return wrong(&value) };
                        if let Some(key) = object.keys().find(|key| !fields.iter().any(|f| f.name == key.as_str())) {
                            return Err(format!("{path}: {name} has no field `{key}`"));
                        }
                        let mut out = IndexMap::with_capacity(fields.len());
                        for field in fields {
                            let len = path.len();
                            path.push('.');
                            path.push_str(field.name);
                            let field_ty = Type::new(&field.ty.to_string()).ok_or_else(|| format!("{path}: unknown type {}", field.ty))?;
                            match object.shift_remove(field.name) {
                                Some(item) => {
                                    out.insert(Name::new(field.name), coerce(item, &field_ty, path, suggestions)?);
                                }
                                None => match &field.default {
                                    Some(default) => {
                                        out.insert(Name::new(field.name), default.clone());
                                    }
                                    None if !field_ty.nullable => {
                                        return Err(format!("{path}: the required field of type {} is missing", field.ty));
                                    }
                                    None => {}
                                },
                            }
                            path.truncate(len);
                        }
                        Ok(Value::Object(out))
                    }
                    // Unknown types are validation's business.
                    _ => Ok(value),
                },
            }
        }
    }
}

/// The coerced variables of `operation`, or the first problem.
pub fn coerce_variables(operation: &OperationDefinition, given: &Variables, suggestions: bool) -> Result<Variables, ServerError> {
    let mut coerced = Variables::default();
    for definition in &operation.variable_definitions {
        let name = &definition.node.name.node;
        let ty = &definition.node.var_type.node;
        let result = match given.get(name) {
            None => match &definition.node.default_value {
                Some(default) => Ok(Some(default.node.clone())),
                None if !ty.nullable => Err(format!("Variable \"${name}\" of required type \"{ty}\" was not provided.")),
                None => Ok(None),
            },
            Some(value) => coerce(value.clone(), ty, &mut format!("${name}"), suggestions)
                .map(Some)
                .map_err(|why| format!("Variable \"${name}\" got an invalid value: {why}.")),
        };
        match result {
            Ok(Some(value)) => {
                coerced.insert(name.clone(), value);
            }
            Ok(None) => {}
            Err(message) => return Err(request_error(code::BAD_USER_INPUT, message, Some(definition.pos))),
        }
    }
    Ok(coerced)
}
