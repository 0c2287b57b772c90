//! Runs a plan: level by level over the store (here), then one depth-first write of the JSON
//! ([`super::writer`]).
//!
//! The root object is level 0. For every object of a level, each selected field
//! that yields objects (and each scalar field that reads the store) is resolved; what the
//! resolvers miss is read in one batched store call per record type and per index, and the
//! waiting resolvers are asked again, until the level is done. The objects they yield are the
//! next level. No future per field, no per-key loader: a level costs a few store calls whatever
//! its width, and each record is decoded at most once per request.

use async_graphql::{indexmap::IndexMap, Name, ServerError, Value};

use super::{
    plan::{Plan, SelId},
    types::{TypeIdx, TypeInfo},
    writer,
};
use crate::{
    errors::FieldError,
    schema::{
        args::Args,
        def::Fail,
        fetch::{Ctx, Fetched},
        Obj, ObjType, Out, PageLimits,
    },
    store::Store,
};

/// How the response starts when it has no errors.
pub const DATA_PREFIX: &[u8] = b"{\"data\":";

/// One request's run of a plan.
pub struct Run<'r> {
    pub plan: &'r Plan,
    pub types: &'r TypeInfo,
    pub store: &'r Store,
    pub page: PageLimits,
    /// The value of each of the plan's condition variables.
    pub conditions: &'r [bool],
    /// Each field's bound arguments, by field id.
    pub args: &'r [Args],
    /// async-graphql's answer to the operation's introspection fields, by response key.
    pub introspection: Option<&'r IndexMap<Name, Value>>,
}

/// What a run wrote: the `data` JSON (`null` when an error reached the root) and the errors.
pub struct Written {
    /// `{"data":` and the data: without errors, a `}` makes it the whole response.
    pub body: Vec<u8>,
    pub errors: Vec<ServerError>,
    /// Store calls made (a batched call counts once).
    pub levels: usize,
}

pub(super) struct ObjNode {
    pub(super) obj: Obj,
    pub(super) ty: TypeIdx,
    pub(super) fields: std::ops::Range<u32>,
    /// Where its object-valued fields' slots start, and how many it has.
    pub(super) slots: u32,
    slot_count: u32,
}

pub(super) enum Slot {
    Unset,
    Failed(FieldError),
    Value(Shape),
}

/// An object-valued field's value: objects as node numbers.
pub(super) enum Shape {
    Null,
    Node(u32),
    List(Vec<Shape>),
}

/// Every object of the answer, and its object-valued fields' values.
pub(super) struct Tree {
    pub(super) nodes: Vec<ObjNode>,
    pub(super) slots: Vec<Slot>,
}

impl Tree {
    fn push(&mut self, mut node: ObjNode) -> u32 {
        node.slots = self.slots.len() as u32;
        self.slots.extend((0..node.slot_count).map(|_| Slot::Unset));
        self.nodes.push(node);
        (self.nodes.len() - 1) as u32
    }
}

/// Runs the plan and writes its `data`.
pub fn execute(run: &Run<'_>) -> Written {
    use std::sync::atomic::Ordering::Relaxed;
    let hints = &run.plan.hints;
    let mut fetched = Fetched::default();
    let mut tree = Tree { nodes: Vec::with_capacity(hints[1].load(Relaxed)), slots: Vec::with_capacity(hints[2].load(Relaxed)) };
    let root_type = run.types.query;
    let (fields, slot_count) = run.plan.sel(run.plan.root).fields_and_slots(root_type).unwrap_or((0..0, 0));
    tree.push(ObjNode { obj: Obj::unit(ObjType::Query), ty: root_type, fields, slots: 0, slot_count });
    let levels = prefetch(run, &mut tree, &mut fetched);
    hints[1].store(tree.nodes.len(), Relaxed);
    hints[2].store(tree.slots.len(), Relaxed);
    let mut out = Vec::with_capacity(hints[0].load(Relaxed).max(1024));
    out.extend_from_slice(DATA_PREFIX);
    let (body, errors) = writer::write(run, &tree, fetched, out);
    hints[0].store(body.len() + body.len() / 8, Relaxed);
    Written { body, errors, levels }
}

/// Resolves the object-valued fields level by level; returns the number of store rounds.
fn prefetch(run: &Run<'_>, tree: &mut Tree, fetched: &mut Fetched) -> usize {
    struct Work {
        node: u32,
        slot: u32,
        field: u32,
    }
    let mut rounds = 0;
    let mut frontier: Vec<u32> = vec![0];
    // Reused across rounds and levels: its capacity settles at the widest level's.
    let mut made = Vec::new();
    while !frontier.is_empty() {
        let mut work = Vec::new();
        for &n in &frontier {
            let node = &tree.nodes[n as usize];
            for (_, entry, f) in run.plan.selected(node.fields.clone(), run.conditions) {
                let Some(def) = f.def else { continue };
                if f.sub.is_some() || def.reads {
                    work.push(Work { node: n, slot: node.slots + entry.slot, field: entry.field });
                }
            }
        }
        let mut next = Vec::new();
        while !work.is_empty() {
            let cx = Ctx::new(fetched, run.store, run.page);
            let mut waiting = Vec::new();
            for w in work {
                let f = run.plan.field(w.field);
                let Some(def) = f.def else { continue };
                match (def.resolve)(&tree.nodes[w.node as usize].obj, &run.args[w.field as usize], &cx) {
                    Err(Fail::Pending) => waiting.push(w),
                    Err(Fail::Error(error)) => tree.slots[w.slot as usize] = Slot::Failed(error),
                    Ok(out) => {
                        if let Some(sub) = f.sub {
                            let base = tree.nodes.len() as u32;
                            tree.slots[w.slot as usize] = Slot::Value(shape(run, out, sub, base, &mut made));
                        }
                    }
                }
            }
            let misses = cx.take_misses();
            for node in made.drain(..) {
                next.push(tree.push(node));
            }
            if waiting.is_empty() {
                break;
            }
            rounds += 1;
            if let Err(error) = fetched.load(run.store, misses) {
                let error = FieldError::internal(error);
                for w in waiting {
                    tree.slots[w.slot as usize] = Slot::Failed(error.clone());
                }
                break;
            }
            work = waiting;
        }
        frontier = next;
    }
    rounds
}

/// The shape of an object-valued output, its objects appended to `made` (numbered from `base`).
fn shape(run: &Run<'_>, out: Out<'_>, sub: SelId, base: u32, made: &mut Vec<ObjNode>) -> Shape {
    match out {
        Out::Obj(obj) => {
            let ty = run.types.of_obj(obj.ty());
            match run.plan.sel(sub).fields_and_slots(ty) {
                Some((fields, slot_count)) => {
                    made.push(ObjNode { obj, ty, fields, slots: 0, slot_count });
                    Shape::Node(base + made.len() as u32 - 1)
                }
                None => Shape::Null,
            }
        }
        Out::List(items) => Shape::List(items.into_iter().map(|item| shape(run, item, sub, base, made)).collect()),
        _ => Shape::Null,
    }
}
