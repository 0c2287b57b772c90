//! The values resolvers work with: [`Obj`], an object of one GraphQL type holding (a part of) a
//! shared record, and [`Out`], what a field resolves to.

use std::{
    any::Any,
    borrow::Cow,
    sync::{Arc, LazyLock},
};

macro_rules! obj_types {
    ($($ty:ident),+ $(,)?) => {
        /// Every object type of the schema: the concrete type of an [`Obj`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ObjType { $($ty),+ }

        impl ObjType {
            pub const ALL: &'static [ObjType] = &[$(ObjType::$ty),+];

            pub fn name(self) -> &'static str {
                match self { $(ObjType::$ty => stringify!($ty)),+ }
            }
        }
    };
}

macro_rules! record_obj_types {
    ($($kind:ident($ty:ty, $name:literal, $tree:literal, $field:ident, $file:literal, $noun:literal, $plural:literal)),+ $(,)?) => {
        obj_types!(
            Query,
            $($kind,)+
            Participation,
            Milestone,
            RelatedProject,
            RelatedStrategy,
            Partnership,
            LineOfEffort,
            Citation,
            Inference,
            TimelineEntry,
            EventConnection,
            EventLink,
            Statement,
            Figure,
            PlaceConnection,
            PlaceEdge,
            DisagreementConnection,
            DisagreementEdge,
            Reading,
            PersonConnection,
            PersonEdge,
            EventEdge,
            TimelineConnection,
            TimelineEdge,
            Money,
            PartialDate,
            PageInfo,
            Collaborator,
            SearchHit,
            TextMatch,
            TextHighlight,
            Stats,
            StatusCount,
            KindCount,
            AreaCount,
            NationCount,
            CurrencyTotal,
            PartyValue,
            ProjectConnection,
            ProjectEdge,
            ProjectParticipationConnection,
            ProjectParticipationEdge,
            NationConnection,
            NationEdge,
            OrganisationConnection,
            OrganisationEdge,
            CapabilityAreaConnection,
            CapabilityAreaEdge,
            StrategyConnection,
            StrategyEdge,
            ProcurementContractConnection,
            ProcurementContractEdge,
            NodeConnection,
            NodeEdge,
            _Service,
        );
    };
}
crate::for_each_record!(record_obj_types);

type Shared = Arc<dyn Any + Send + Sync>;

/// What objects without data (the root, `stats`) hold.
static NOTHING: LazyLock<Shared> = LazyLock::new(|| Arc::new(()));

/// An object of one concrete type. It holds a value inside a shared, immutable record (or the
/// record itself), and keeps that record alive: a participation or a citation is a view into its
/// project, made without copying or allocating.
#[derive(Clone)]
pub struct Obj {
    ty: ObjType,
    owner: Shared,
    value: *const (dyn Any + Send + Sync),
}

// SAFETY: `value` points into `owner`'s allocation (see `part`), which is shared and immutable
// (records have no interior mutability) and lives as long as this `Obj` holds `owner`; the
// pointee is `Send + Sync`.
unsafe impl Send for Obj {}
unsafe impl Sync for Obj {}

impl Obj {
    /// An object holding a whole shared value.
    pub fn new<T: Any + Send + Sync>(ty: ObjType, value: Arc<T>) -> Obj {
        Obj::shared(ty, value)
    }

    /// An object holding a whole shared value of any type.
    pub fn shared(ty: ObjType, owner: Shared) -> Obj {
        let value = Arc::as_ptr(&owner);
        Obj { ty, owner, value }
    }

    /// The shared value itself, if this object holds a whole `T` (not a part of one).
    pub fn arc<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        if !std::ptr::addr_eq(self.value, Arc::as_ptr(&self.owner)) {
            return None;
        }
        self.owner.clone().downcast::<T>().ok()
    }

    /// An object that holds nothing (the root, `stats`).
    pub fn unit(ty: ObjType) -> Obj {
        let owner = NOTHING.clone();
        let value = Arc::as_ptr(&owner);
        Obj { ty, owner, value }
    }

    pub fn ty(&self) -> ObjType {
        self.ty
    }

    /// The value, if it is a `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        // SAFETY: see the `Send`/`Sync` impls: the pointee lives as long as `self.owner`.
        unsafe { &*self.value }.downcast_ref::<T>()
    }

    /// An object for a value inside this one's value (of type `S`), sharing its owner. The
    /// closure can only return a reference derived from its argument or a `'static` one, so the
    /// new pointer stays inside memory the owner keeps alive.
    ///
    /// Panics when this object's value is not an `S`: callers hold the `S` already (from
    /// [`Obj::get`]), so that would be a bug in the caller.
    pub fn part<S: Any, C: Any + Send + Sync>(&self, ty: ObjType, pick: impl for<'x> FnOnce(&'x S) -> &'x C) -> Obj {
        let parent = self.get::<S>().expect("part of an object of another type");
        let child: &(dyn Any + Send + Sync) = pick(parent);
        Obj { ty, owner: self.owner.clone(), value: child as *const _ }
    }
}

impl std::fmt::Debug for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Obj({})", self.ty.name())
    }
}

/// What a field resolves to. Strings borrow from the parent object where they can.
#[derive(Debug)]
pub enum Out<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    Enum(&'static str),
    Obj(Obj),
    List(Vec<Out<'a>>),
}

impl<'a> Out<'a> {
    pub fn str(text: &'a str) -> Out<'a> {
        Out::Str(Cow::Borrowed(text))
    }

    pub fn string(text: String) -> Out<'a> {
        Out::Str(Cow::Owned(text))
    }

    pub fn opt_str(text: Option<&'a str>) -> Out<'a> {
        text.map_or(Out::Null, Out::str)
    }

    pub fn int(n: impl Into<i64>) -> Out<'a> {
        Out::Int(n.into())
    }

    pub fn opt_int(n: Option<impl Into<i64>>) -> Out<'a> {
        n.map_or(Out::Null, Out::int)
    }

    pub fn count(n: usize) -> Out<'a> {
        Out::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    pub fn opt(obj: Option<Obj>) -> Out<'a> {
        obj.map_or(Out::Null, Out::Obj)
    }

    pub fn objs(objs: impl IntoIterator<Item = Obj>) -> Out<'a> {
        Out::List(objs.into_iter().map(Out::Obj).collect())
    }

    pub fn strs(texts: impl IntoIterator<Item = &'a str>) -> Out<'a> {
        Out::List(texts.into_iter().map(Out::str).collect())
    }
}
