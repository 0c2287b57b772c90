//! The JSON of an answer, written straight into the response buffer in query order: each
//! object's keys from its concrete type's field list, scalars resolved as they are written
//! (their reads are done). A field error records one error (with its path and every selected
//! location of the merged field) and nulls the field; when the field is non-null the null
//! propagates to the nearest nullable ancestor, up to `data` itself, by cutting the buffer back to
//! where that ancestor's value began (GraphQL, "Handling Execution Errors"). The rest of a nulled
//! object is still written and cut, so every field error is reported, as the reference execution
//! does.

use async_graphql::{PathSegment, ServerError, Value};

use super::{
    execute::{Run, Shape, Slot, Tree, DATA_PREFIX},
    json,
    plan::{FieldKind, FieldPlan, Plan, SelId},
    types::{PTy, TypeInfo},
};
use crate::{
    errors::{request_error, FieldError},
    schema::{
        def::Fail,
        fetch::{Ctx, Fetched},
        Obj, Out,
    },
};

/// The reserved key under which the reference execution asks async-graphql for every object's
/// type (names starting with `__` are reserved to GraphQL, so no client field can use it).
pub const TYPE_KEY: &str = "__capgraph_type";

/// Writes the tree's root object after `out` (which holds [`DATA_PREFIX`]); returns the buffer
/// and the field errors, in response order.
pub(super) fn write(run: &Run<'_>, tree: &Tree, fetched: Fetched, out: Vec<u8>) -> (Vec<u8>, Vec<ServerError>) {
    let mut writer = Writer { run, tree, fetched, out, errors: Vec::new(), path: Vec::new() };
    if writer.node(0).is_err() {
        writer.out.truncate(DATA_PREFIX.len());
        writer.out.extend_from_slice(b"null");
    }
    (writer.out, writer.errors)
}

/// A non-null value became null: the nearest nullable ancestor must be null instead.
struct Null;

struct Writer<'w, 'r> {
    run: &'w Run<'r>,
    tree: &'w Tree,
    fetched: Fetched,
    out: Vec<u8>,
    errors: Vec<ServerError>,
    path: Vec<Segment<'w>>,
}

/// A step of the path to the value being written.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

impl Writer<'_, '_> {
    fn error(&mut self, error: &FieldError, f: &FieldPlan) {
        let mut server = request_error(error.code(), error.to_string(), None);
        server.locations = f.locations(self.run.conditions);
        server.path = self
            .path
            .iter()
            .map(|s| match s {
                Segment::Key(key) => PathSegment::Field((*key).to_owned()),
                Segment::Index(i) => PathSegment::Index(*i),
            })
            .collect();
        self.errors.push(server);
    }

    /// `null` for a field of type `ty` that failed (its error recorded): written when the type
    /// allows it, propagated when it does not.
    fn failed(&mut self, ty: &PTy) -> Result<(), Null> {
        match ty {
            PTy::NonNull(_) => Err(Null),
            _ => {
                self.out.extend_from_slice(b"null");
                Ok(())
            }
        }
    }

    /// Writes a value of type `ty` with `inner` (which writes the nullable type's value); a
    /// non-null failure inside a nullable position becomes `null` there.
    fn complete(
        &mut self,
        ty: &PTy,
        f: &FieldPlan,
        is_null: bool,
        inner: impl FnOnce(&mut Self, &PTy) -> Result<(), Null>,
    ) -> Result<(), Null> {
        match ty {
            PTy::NonNull(nullable) => {
                if is_null {
                    self.error(&FieldError::internal(format!("`{}` resolved to null but its type is non-null", f.name)), f);
                    return Err(Null);
                }
                inner(self, nullable)
            }
            nullable => {
                if is_null {
                    self.out.extend_from_slice(b"null");
                    return Ok(());
                }
                let mark = self.out.len();
                let result = inner(self, nullable);
                if result.is_err() {
                    self.out.truncate(mark);
                    self.out.extend_from_slice(b"null");
                }
                Ok(())
            }
        }
    }

    fn node(&mut self, n: u32) -> Result<(), Null> {
        let tree = self.tree;
        let run = self.run;
        let node = &tree.nodes[n as usize];
        self.out.push(b'{');
        let mut first = true;
        let mut failed = false;
        for (_, entry, f) in run.plan.selected(node.fields.clone(), run.conditions) {
            if !std::mem::take(&mut first) {
                self.out.push(b',');
            }
            self.out.extend_from_slice(&f.key_json);
            self.path.push(Segment::Key(f.key.as_str()));
            let result = match f.kind {
                FieldKind::Typename => {
                    json::string(&mut self.out, &run.types.entry(node.ty).name);
                    Ok(())
                }
                FieldKind::Introspection => match run.introspection.and_then(|values| values.get(&f.key)) {
                    Some(value) => {
                        write_value(&mut self.out, run.plan, run.types, run.conditions, value, f.sub);
                        Ok(())
                    }
                    None => self.failed(&f.ty),
                },
                FieldKind::Def(..) if f.sub.is_some() => match &tree.slots[(node.slots + entry.slot) as usize] {
                    Slot::Value(shape) => self.shape(shape, &f.ty, f),
                    Slot::Failed(error) => {
                        self.error(error, f);
                        self.failed(&f.ty)
                    }
                    Slot::Unset => {
                        self.error(&FieldError::internal(format!("`{}` was not resolved", f.name)), f);
                        self.failed(&f.ty)
                    }
                },
                FieldKind::Def(..) => self.leaf(&node.obj, entry.field, f),
            };
            self.path.pop();
            failed |= result.is_err();
        }
        self.out.push(b'}');
        if failed {
            Err(Null)
        } else {
            Ok(())
        }
    }

    /// Writes a list, each item with `item`; an item's null that may not stand nulls the list.
    fn list<T>(&mut self, items: impl IntoIterator<Item = T>, mut item: impl FnMut(&mut Self, T) -> Result<(), Null>) -> Result<(), Null> {
        self.out.push(b'[');
        let mut failed = false;
        for (i, value) in items.into_iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.path.push(Segment::Index(i));
            failed |= item(self, value).is_err();
            self.path.pop();
        }
        self.out.push(b']');
        if failed {
            Err(Null)
        } else {
            Ok(())
        }
    }

    fn shape(&mut self, shape: &Shape, ty: &PTy, f: &FieldPlan) -> Result<(), Null> {
        self.complete(ty, f, matches!(shape, Shape::Null), |w, ty| match (shape, ty) {
            (Shape::Node(n), _) => w.node(*n),
            (Shape::List(items), PTy::List(item)) => w.list(items, |w, value| w.shape(value, item, f)),
            _ => {
                w.error(&FieldError::internal(format!("`{}` resolved to a value of the wrong shape", f.name)), f);
                Err(Null)
            }
        })
    }

    /// Resolves a scalar field (its reads are done, or read now) and writes it.
    fn leaf(&mut self, obj: &Obj, fid: u32, f: &FieldPlan) -> Result<(), Null> {
        let Some(def) = f.def else { return self.failed(&f.ty) };
        loop {
            let cx = Ctx::new(&self.fetched, self.run.store, self.run.page);
            match (def.resolve)(obj, &self.run.args[fid as usize], &cx) {
                Ok(out) => return self.scalar(out, &f.ty, f),
                Err(Fail::Error(error)) => {
                    self.error(&error, f);
                    return self.failed(&f.ty);
                }
                Err(Fail::Pending) => {
                    // Only when the level's prefetch left it out: read it now.
                    let misses = cx.take_misses();
                    if let Err(error) = self.fetched.load(self.run.store, misses) {
                        self.error(&FieldError::internal(error), f);
                        return self.failed(&f.ty);
                    }
                }
            }
        }
    }

    fn scalar(&mut self, out: Out<'_>, ty: &PTy, f: &FieldPlan) -> Result<(), Null> {
        let is_null = matches!(out, Out::Null);
        self.complete(ty, f, is_null, move |w, ty| match (out, ty) {
            (Out::List(items), PTy::List(item)) => w.list(items, |w, value| w.scalar(value, item, f)),
            (Out::Str(text), _) => {
                json::string(&mut w.out, &text);
                Ok(())
            }
            (Out::Enum(item), _) => {
                json::string(&mut w.out, item);
                Ok(())
            }
            (Out::Int(n), _) => {
                json::int(&mut w.out, n);
                Ok(())
            }
            (Out::Float(x), _) => {
                json::float(&mut w.out, x);
                Ok(())
            }
            (Out::Bool(b), _) => {
                w.out.extend_from_slice(if b { b"true" } else { b"false" });
                Ok(())
            }
            _ => {
                w.error(&FieldError::internal(format!("`{}` resolved to a value of the wrong shape", f.name)), f);
                Err(Null)
            }
        })
    }
}

/// Writes an async-graphql value (introspection's, or the reference execution's) in the plan's
/// order: each object's keys from its concrete type's field list.
pub fn write_value(out: &mut Vec<u8>, plan: &Plan, types: &TypeInfo, conditions: &[bool], value: &Value, sub: Option<SelId>) {
    match (value, sub) {
        (Value::List(items), _) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, plan, types, conditions, item, sub);
            }
            out.push(b']');
        }
        (Value::Object(map), Some(sub)) => {
            let sel = plan.sel(sub);
            let concrete = match sel.by_type.as_slice() {
                [(only, _, _)] => Some(*only),
                _ => match map.get(TYPE_KEY) {
                    Some(Value::String(name)) => types.get(name),
                    _ => None,
                },
            };
            out.push(b'{');
            let mut first = true;
            for (_, _, f) in concrete.and_then(|c| sel.fields_for(c)).into_iter().flat_map(|r| plan.selected(r, conditions)) {
                if !std::mem::take(&mut first) {
                    out.push(b',');
                }
                out.extend_from_slice(&f.key_json);
                match map.get(&f.key) {
                    Some(value) => write_value(out, plan, types, conditions, value, f.sub),
                    None => out.extend_from_slice(b"null"),
                }
            }
            out.push(b'}');
        }
        (other, _) => json::value(out, other),
    }
}
