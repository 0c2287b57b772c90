//! The GraphQL object types. Each wraps a stored record (`Project(Arc<model::Project>)`) and
//! resolves its links through the per-request loaders, never through sled directly.

mod area;
mod contract;
mod nation;
mod organisation;
mod project;
mod source;
mod strategy;
mod values;

use std::sync::Arc;

use async_graphql::{Context, Interface, Result, Union, ID};

pub use area::CapabilityArea;
pub use contract::ProcurementContract;
pub use nation::Nation;
pub use organisation::Organisation;
pub use project::{Participation, Project};
pub use source::Source;
pub use strategy::{Strategy, StrategyObjective};
pub(crate) use values::citations;
pub use values::{Citation, LineOfEffort, Milestone, Money, PartialDate};

use super::{ids, loaders};
use crate::model;

macro_rules! wrapper {
    ($($name:ident => $model:ty),+ $(,)?) => {$(
        impl From<Arc<$model>> for $name {
            fn from(record: Arc<$model>) -> Self {
                $name(record)
            }
        }
        impl $name {
            /// The Relay global id of this record.
            pub fn global_id(&self) -> ID {
                ids::encode(<$model as model::Record>::TYPE_NAME, &self.0.code)
            }
        }
    )+};
}

wrapper!(
    Project => model::Project,
    Nation => model::Nation,
    Organisation => model::Organisation,
    CapabilityArea => model::CapabilityArea,
    Strategy => model::Strategy,
    StrategyObjective => model::StrategyObjective,
    ProcurementContract => model::ProcurementContract,
    Source => model::Source,
);

/// An object with a global, opaque id (Relay's Node interface).
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global, opaque id; `node(id:)` fetches the record again."))]
pub enum Node {
    Project(Project),
    Nation(Nation),
    Organisation(Organisation),
    CapabilityArea(CapabilityArea),
    Strategy(Strategy),
    StrategyObjective(StrategyObjective),
    ProcurementContract(ProcurementContract),
    Source(Source),
}

/// A nation or an organisation taking part in a project, a contract or a partnership.
#[derive(Union)]
pub enum Participant {
    Nation(Nation),
    Organisation(Organisation),
}

/// Resolves a participant code: nations and organisations share one code space (the fixture
/// validation forbids clashes), so both are looked up in the same batch.
pub async fn participant(ctx: &Context<'_>, code: &str) -> Result<Option<Participant>> {
    let (nation, organisation) =
        futures_util::join!(loaders::one::<model::Nation>(ctx, code), loaders::one::<model::Organisation>(ctx, code));
    Ok(match (nation?, organisation?) {
        (Some(nation), _) => Some(Participant::Nation(Nation(nation))),
        (None, Some(org)) => Some(Participant::Organisation(Organisation(org))),
        (None, None) => None,
    })
}

/// Loads a global id's record, or `None` for an id that names nothing.
pub async fn node(ctx: &Context<'_>, id: String) -> Result<Option<Node>> {
    let Some((type_name, code)) = ids::decode(&id) else { return Ok(None) };
    async fn get<T: crate::store::Stored, W: From<Arc<T>> + Into<Node>>(ctx: &Context<'_>, code: &str) -> Result<Option<Node>> {
        Ok(loaders::one::<T>(ctx, code).await?.map(|r| W::from(r).into()))
    }
    match type_name.as_str() {
        "Project" => get::<model::Project, Project>(ctx, &code).await,
        "Nation" => get::<model::Nation, Nation>(ctx, &code).await,
        "Organisation" => get::<model::Organisation, Organisation>(ctx, &code).await,
        "CapabilityArea" => get::<model::CapabilityArea, CapabilityArea>(ctx, &code).await,
        "Strategy" => get::<model::Strategy, Strategy>(ctx, &code).await,
        "StrategyObjective" => get::<model::StrategyObjective, StrategyObjective>(ctx, &code).await,
        "ProcurementContract" => get::<model::ProcurementContract, ProcurementContract>(ctx, &code).await,
        "Source" => get::<model::Source, Source>(ctx, &code).await,
        _ => Ok(None),
    }
}
