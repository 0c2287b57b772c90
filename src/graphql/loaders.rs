//! Per-request DataLoader over the store: records by code and links by index, batched, so a
//! nested query reads the store a bounded number of times per level.

use std::{collections::HashMap, hash::Hash, marker::PhantomData, sync::Arc};

use async_graphql::{
    dataloader::{DataLoader, HashMapCache, Loader},
    Context, Result,
};

use super::errors::internal;
use crate::store::{Index, Link, Store, StoreError, Stored};

/// A record code, typed by the record it names.
pub struct Code<T>(pub String, PhantomData<fn() -> T>);

impl<T> Code<T> {
    pub fn new(code: impl Into<String>) -> Self {
        Code(code.into(), PhantomData)
    }
}
impl<T> Clone for Code<T> {
    fn clone(&self) -> Self {
        Code::new(self.0.clone())
    }
}
impl<T> PartialEq for Code<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<T> Eq for Code<T> {}
impl<T> Hash for Code<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state)
    }
}

/// The links of one record through one index.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LinksOf(pub Index, pub String);

pub struct StoreLoader(pub Arc<Store>);

/// Loader errors are cloned to every waiting resolver, hence the `Arc`.
type LoadError = Arc<StoreError>;

impl<T: Stored> Loader<Code<T>> for StoreLoader {
    type Value = Arc<T>;
    type Error = LoadError;

    async fn load(&self, keys: &[Code<T>]) -> Result<HashMap<Code<T>, Arc<T>>, LoadError> {
        let codes: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let found = self.0.get_many::<T>(&codes)?;
        Ok(found.into_iter().map(|(code, record)| (Code::new(code), Arc::new(record))).collect())
    }
}

impl Loader<LinksOf> for StoreLoader {
    type Value = Arc<Vec<Link>>;
    type Error = LoadError;

    async fn load(&self, keys: &[LinksOf]) -> Result<HashMap<LinksOf, Arc<Vec<Link>>>, LoadError> {
        let mut by_index: HashMap<Index, Vec<String>> = HashMap::new();
        for LinksOf(index, from) in keys {
            by_index.entry(*index).or_default().push(from.clone());
        }
        let mut out = HashMap::with_capacity(keys.len());
        for (index, froms) in by_index {
            for (from, links) in self.0.links_many(index, &froms)? {
                out.insert(LinksOf(index, from), Arc::new(links));
            }
        }
        Ok(out)
    }
}

pub type StoreDataLoader = DataLoader<StoreLoader, HashMapCache>;

/// A fresh loader for one request: its cache and batches are never shared with another request.
pub fn for_request(store: Arc<Store>) -> StoreDataLoader {
    DataLoader::with_cache(StoreLoader(store), tokio::spawn, HashMapCache::default())
}

fn loader<'a>(ctx: &'a Context<'_>) -> &'a StoreDataLoader {
    ctx.data_unchecked::<Arc<StoreDataLoader>>()
}

pub fn store<'a>(ctx: &'a Context<'_>) -> &'a Arc<Store> {
    ctx.data_unchecked::<Arc<Store>>()
}

/// One record by code, or `None`.
pub async fn one<T: Stored>(ctx: &Context<'_>, code: &str) -> Result<Option<Arc<T>>> {
    loader(ctx).load_one(Code::<T>::new(code)).await.map_err(internal)
}

/// Many records by code, in the order of `codes`, skipping unknown ones.
pub async fn many<T: Stored>(ctx: &Context<'_>, codes: &[String]) -> Result<Vec<Arc<T>>> {
    let found = loader(ctx).load_many(codes.iter().map(|c| Code::<T>::new(c.clone()))).await.map_err(internal)?;
    Ok(codes.iter().filter_map(|code| found.get(&Code::new(code.clone())).cloned()).collect())
}

/// The links of one record through one index, in target-code order.
pub async fn links(ctx: &Context<'_>, index: Index, from: &str) -> Result<Arc<Vec<Link>>> {
    let found = loader(ctx).load_one(LinksOf(index, from.to_owned())).await.map_err(internal)?;
    Ok(found.unwrap_or_default())
}
