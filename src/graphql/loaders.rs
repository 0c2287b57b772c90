//! Per-request DataLoader over the store: records by code and links by index, batched, so a
//! nested query reads the store a bounded number of times per level.

use std::{
    collections::HashMap,
    future::Future,
    hash::Hash,
    marker::PhantomData,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    task::Poll,
    time::Duration,
};

use async_graphql::{
    dataloader::{DataLoader, HashMapCache, Loader},
    BatchRequest, BatchResponse, Context, Result,
};
use tokio::sync::watch;

use super::{errors::internal, CapgraphSchema};
use crate::store::{Index, Link, LinkPage, LinkWindow, Store, StoreError, Stored};

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

/// How many links one record has through one index.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CountOf(pub Index, pub String);

/// One page of the links of one record through one index.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WindowOf(pub Index, pub String, pub LinkWindow);

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

/// A batch's keys grouped by the index they read, one store call per index.
fn by_index<A>(keys: impl Iterator<Item = (Index, A)>) -> HashMap<Index, Vec<A>> {
    let mut grouped: HashMap<Index, Vec<A>> = HashMap::new();
    for (index, ask) in keys {
        grouped.entry(index).or_default().push(ask);
    }
    grouped
}

impl Loader<LinksOf> for StoreLoader {
    type Value = Arc<Vec<Link>>;
    type Error = LoadError;

    async fn load(&self, keys: &[LinksOf]) -> Result<HashMap<LinksOf, Arc<Vec<Link>>>, LoadError> {
        let mut out = HashMap::with_capacity(keys.len());
        for (index, froms) in by_index(keys.iter().map(|LinksOf(index, from)| (*index, from.clone()))) {
            for (from, links) in self.0.links_many(index, &froms)? {
                out.insert(LinksOf(index, from), Arc::new(links));
            }
        }
        Ok(out)
    }
}

impl Loader<CountOf> for StoreLoader {
    type Value = usize;
    type Error = LoadError;

    async fn load(&self, keys: &[CountOf]) -> Result<HashMap<CountOf, usize>, LoadError> {
        let mut out = HashMap::with_capacity(keys.len());
        for (index, froms) in by_index(keys.iter().map(|CountOf(index, from)| (*index, from.clone()))) {
            out.extend(self.0.link_counts(index, &froms)?.into_iter().map(|(from, n)| (CountOf(index, from), n)));
        }
        Ok(out)
    }
}

impl Loader<WindowOf> for StoreLoader {
    type Value = Arc<LinkPage>;
    type Error = LoadError;

    async fn load(&self, keys: &[WindowOf]) -> Result<HashMap<WindowOf, Arc<LinkPage>>, LoadError> {
        let mut out = HashMap::with_capacity(keys.len());
        for (index, asks) in by_index(keys.iter().map(|WindowOf(index, from, window)| (*index, (from.clone(), window.clone())))) {
            let pages = self.0.link_windows(index, &asks)?;
            out.extend(asks.into_iter().zip(pages).map(|((from, window), page)| (WindowOf(index, from, window), Arc::new(page))));
        }
        Ok(out)
    }
}

pub type StoreDataLoader = DataLoader<StoreLoader, HashMapCache>;

/// Counts the settled polls of one request's execution. A batch of loads starts only after the
/// poll in which its first key was asked for has settled: by then every sibling resolver of that
/// level has asked for its keys too, so a level costs one store call however wide it is and
/// however long registering its keys takes. (DataLoader's default wall-clock window splits wide
/// levels into several batches whenever registering their keys outlasts it.)
#[derive(Clone)]
struct PollGate(Arc<watch::Sender<u64>>);

/// Runs `inner`, advancing the gate after each poll that ends with the request really waiting.
/// A poll that ends with a wake-up already pending does not count: that is `join_all` over a wide
/// list yielding to the executor half-way (futures' `FuturesUnordered` does so every 32 futures),
/// with the rest of the level's keys still to come in the next poll.
struct Gated<F> {
    inner: Pin<Box<F>>,
    gate: PollGate,
}

/// Forwards wake-ups and remembers that one happened.
struct WakeFlag {
    inner: std::task::Waker,
    woken: AtomicBool,
}

impl std::task::Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.inner.wake_by_ref();
    }
}

impl<F: Future> Future for Gated<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<F::Output> {
        let flag = Arc::new(WakeFlag { inner: cx.waker().clone(), woken: AtomicBool::new(false) });
        let waker = std::task::Waker::from(flag.clone());
        let result = self.inner.as_mut().poll(&mut std::task::Context::from_waker(&waker));
        if result.is_pending() && !flag.woken.load(Ordering::Acquire) {
            self.gate.0.send_modify(|polls| *polls += 1);
        }
        result
    }
}

fn loader_for(store: Arc<Store>, gate: &PollGate) -> StoreDataLoader {
    let gate = gate.0.clone();
    let spawner = move |load: futures_util::future::BoxFuture<'static, ()>| {
        let mut polls = gate.subscribe();
        let asked_during = *polls.borrow_and_update();
        tokio::spawn(async move {
            // Err means the request is gone: nobody waits for this load any more.
            if polls.wait_for(|n| *n > asked_during).await.is_ok() {
                load.await;
            }
        })
    };
    DataLoader::with_cache(StoreLoader(store), spawner, HashMapCache::default()).delay(Duration::ZERO)
}

/// Executes one HTTP request's operations with a loader of their own: its cache and batches are
/// never shared with another request.
pub async fn execute(schema: &CapgraphSchema, store: Arc<Store>, request: BatchRequest) -> BatchResponse {
    let gate = PollGate(Arc::new(watch::channel(0).0));
    let request = request.data(Arc::new(loader_for(store, &gate)));
    Gated { inner: Box::pin(schema.execute_batch(request)), gate }.await
}

fn loader<'a>(ctx: &'a Context<'_>) -> Result<&'a StoreDataLoader> {
    // Only `execute` runs queries, and it always adds a loader: a missing one is a bug, not a panic.
    ctx.data::<Arc<StoreDataLoader>>().map(Arc::as_ref).map_err(|_| internal("request has no store loader"))
}

pub fn store<'a>(ctx: &'a Context<'_>) -> &'a Arc<Store> {
    ctx.data_unchecked::<Arc<Store>>()
}

/// One record by code, or `None`.
pub async fn one<T: Stored>(ctx: &Context<'_>, code: &str) -> Result<Option<Arc<T>>> {
    loader(ctx)?.load_one(Code::<T>::new(code)).await.map_err(internal)
}

/// Many records by code, in the order of `codes`, skipping unknown ones.
pub async fn many<T: Stored>(ctx: &Context<'_>, codes: &[String]) -> Result<Vec<Arc<T>>> {
    let found = loader(ctx)?.load_many(codes.iter().map(|c| Code::<T>::new(c.clone()))).await.map_err(internal)?;
    Ok(codes.iter().filter_map(|code| found.get(&Code::new(code.clone())).cloned()).collect())
}

/// How many links one record has through one index, without reading them.
pub async fn link_count(ctx: &Context<'_>, index: Index, from: &str) -> Result<usize> {
    Ok(loader(ctx)?.load_one(CountOf(index, from.to_owned())).await.map_err(internal)?.unwrap_or_default())
}

/// One page of the links of one record through one index, read as a key range.
pub async fn link_window(ctx: &Context<'_>, index: Index, from: &str, window: LinkWindow) -> Result<Arc<LinkPage>> {
    let key = WindowOf(index, from.to_owned(), window);
    loader(ctx)?.load_one(key).await.map_err(internal)?.ok_or_else(|| internal("link window missing from its batch"))
}

/// The links of one record through one index, in target-code order.
pub async fn links(ctx: &Context<'_>, index: Index, from: &str) -> Result<Arc<Vec<Link>>> {
    let found = loader(ctx)?.load_one(LinksOf(index, from.to_owned())).await.map_err(internal)?;
    Ok(found.unwrap_or_default())
}
