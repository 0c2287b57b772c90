//! The store's lifecycle, apart from its reads: opening the data directory and locking it,
//! reusing the store built from the same fixtures and format, or rebuilding it aside and
//! switching `CURRENT` to it atomically.
//!
//! The store lives in `<data dir>/store-<hash>/`, where the hash covers the fixtures' digest and
//! the codec's format version. `<data dir>/CURRENT` names the store in use. A rebuild writes a new
//! directory aside, flushes it, renames it into place and only then switches `CURRENT` with an
//! atomic rename, so a crash at any point leaves either the old complete store or the new one.
//! A lock file keeps a second process away from the same data directory; within the process a
//! [`DataDir`] holds it, so that a reload opens the next store beside the one serving, and a
//! superseded store is removed once the last request using it is done.

use std::{
    collections::{HashMap, HashSet},
    fs::File,
    io::Write,
    path::{Path, PathBuf},
    sync::{atomic::AtomicU64, Arc, Mutex},
    time::Instant,
};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{build, codec, kept, keys, search, tree_of, Index, ProjectFacets, Store, StoreConfig, StoreError, StoreInfo};
use crate::{fixtures, model::RecordKind};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Meta {
    format: String,
    digest: String,
}

const META_KEY: &[u8] = b"meta";
const CURRENT: &str = "CURRENT";
const LOCK: &str = "capgraph.lock";

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::DataDir { path: path.to_owned(), source }
}

/// The data directory, locked for this process, and the stores of it that are open.
#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    _lock: File,
    /// The store directories open in this process: never removed while open.
    open: Mutex<HashSet<String>>,
}

impl DataDir {
    /// Creates and locks the data directory (another process holding it is an error).
    pub fn lock(path: &Path) -> Result<Arc<DataDir>, StoreError> {
        std::fs::create_dir_all(path).map_err(io_err(path))?;
        let lock_path = path.join(LOCK);
        let lock = File::options().create(true).truncate(false).write(true).open(&lock_path).map_err(io_err(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => Ok(Arc::new(DataDir { path: path.to_owned(), _lock: lock, open: Mutex::default() })),
            Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(path.to_owned())),
            Err(std::fs::TryLockError::Error(err)) => Err(io_err(&lock_path)(err)),
        }
    }

    fn open_stores(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Removes the store directories `stale` picks that are not open; failures only cost disk space.
    fn remove_stale(&self, stale: impl Fn(&str) -> bool) {
        let open = self.open_stores();
        remove_stale(&self.path, |name| stale(name) && !open.contains(name));
    }
}

/// A store's hold on its directory: while it lives the directory is not removed; when it goes,
/// the directory goes too if another store has replaced it.
#[derive(Debug)]
pub(super) struct Opened {
    dir: Arc<DataDir>,
    name: String,
}

impl Drop for Opened {
    fn drop(&mut self) {
        self.dir.open_stores().remove(&self.name);
        let current = std::fs::read_to_string(self.dir.path.join(CURRENT)).ok();
        if current.as_deref().map(str::trim) != Some(self.name.as_str()) {
            self.dir.remove_stale(|stale| stale == self.name);
        }
    }
}

/// Where opening a store is, for readiness probes and progress logs.
#[derive(Debug)]
pub struct Progress {
    phase: Mutex<&'static str>,
    records: AtomicU64,
    started: Instant,
}

impl Default for Progress {
    fn default() -> Self {
        Progress { phase: Mutex::new("starting"), records: AtomicU64::new(0), started: Instant::now() }
    }
}

impl Progress {
    /// The phase once the store is open.
    pub const DONE: &'static str = "ready";

    /// The store is open and served.
    pub fn done(&self) {
        self.set(Progress::DONE);
    }

    fn set(&self, phase: &'static str) {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner()) = phase;
        tracing::info!(phase, seconds = self.started.elapsed().as_secs(), "store: {phase}");
    }

    /// The phase, the seconds since opening began, and the records being written (0 until known).
    pub fn snapshot(&self) -> (&'static str, u64, u64) {
        let phase = *self.phase.lock().unwrap_or_else(|e| e.into_inner());
        (phase, self.started.elapsed().as_secs(), self.records.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl Store {
    /// Opens the store for the fixtures in `config.fixtures_dir`, reusing the one on disk when it
    /// was built from the same fixtures with the same format, and rebuilding it otherwise.
    pub fn open(config: &StoreConfig) -> Result<Store, StoreError> {
        Store::open_in(&DataDir::lock(&config.data_dir)?, config, &Progress::default())
    }

    /// [`Store::open`] in a data directory this process holds, saying where it is in `progress`.
    pub fn open_in(data_dir: &Arc<DataDir>, config: &StoreConfig, progress: &Progress) -> Result<Store, StoreError> {
        let started = Instant::now();
        let dir = &data_dir.path;
        progress.set("reading the fixtures' digest");
        let digest = fixtures::digest(&config.fixtures_dir)?;
        let meta = Meta { format: codec::FORMAT_VERSION.to_owned(), digest: digest.clone() };
        let name = store_dir_name(&meta);
        let path = dir.join(&name);
        // A store still open here (the one served, or one a request two reloads old still
        // reads) is neither opened twice nor rebuilt under it.
        if !data_dir.open_stores().insert(name.clone()) {
            return Err(StoreError::InUse(path));
        }
        let opened = Opened { dir: data_dir.clone(), name: name.clone() };
        let current = std::fs::read_to_string(dir.join(CURRENT)).ok();

        let reusable = current.as_deref().map(str::trim) == Some(name.as_str()) && path.is_dir();
        let db = match reusable.then(|| open_db(&path, config.cache_bytes)).transpose() {
            Ok(Some(db)) if read_meta(&db).as_ref() == Some(&meta) => Some(db),
            Ok(_) => None,
            Err(err) => {
                tracing::warn!(error = %err, path = %path.display(), "stored database unreadable; rebuilding");
                None
            }
        };
        let reused = db.is_some();
        let db = match db {
            Some(db) => {
                // A run killed between switching `CURRENT` and tidying up leaves the old store.
                data_dir.remove_stale(|stale| is_superseded(stale, &name));
                db
            }
            None => rebuild(data_dir, config, &meta, &name, progress)?,
        };
        progress.set("opening the store");
        let projects = read_facets(&db)?;
        let names = RecordKind::ALL.iter().map(|k| tree_of(*k)).chain(Index::ALL.iter().map(|i| i.tree_name())).chain([
            keys::trees::META,
            keys::trees::LOOKUP,
            keys::trees::LINK_COUNTS,
            search::TERMS,
            search::VOCAB,
            search::TARGETS,
            search::NUMBERS,
        ]);
        let trees = names.map(|name| Ok((name, db.open_tree(name)?))).collect::<Result<HashMap<_, _>, StoreError>>()?;
        let info = StoreInfo { path, digest, format: meta.format, reused, open_millis: started.elapsed().as_millis() };
        Ok(Store {
            db,
            info,
            reads: AtomicU64::new(0),
            keys_read: AtomicU64::new(0),
            projects,
            kept: kept::Kept::new(config.record_cache_bytes),
            trees,
            vocabulary: std::sync::OnceLock::new(),
            derived: Default::default(),
            _opened: opened,
        })
    }
}

fn store_dir_name(meta: &Meta) -> String {
    let mut hasher = Sha256::new();
    hasher.update(meta.format.as_bytes());
    hasher.update([0]);
    hasher.update(meta.digest.as_bytes());
    let hash: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("store-{hash}")
}

fn sled_config(path: &Path, cache_bytes: u64) -> sled::Config {
    sled::Config::new().path(path).cache_capacity(cache_bytes)
}

fn open_db(path: &Path, cache_bytes: u64) -> Result<sled::Db, StoreError> {
    Ok(sled_config(path, cache_bytes).open()?)
}

fn read_facets(db: &sled::Db) -> Result<ProjectFacets, StoreError> {
    let bytes = db.open_tree(keys::trees::FACETS)?.get(keys::trees::PROJECT_FACETS)?;
    let bytes = bytes.ok_or_else(|| StoreError::Decode("the store has no project facets".into()))?;
    let started = Instant::now();
    let facets = codec::decode::<ProjectFacets>(&bytes)?.indexed();
    tracing::debug!(projects = facets.len(), bytes = bytes.len(), micros = started.elapsed().as_micros() as u64, "project facets read");
    Ok(facets)
}

fn read_meta(db: &sled::Db) -> Option<Meta> {
    let bytes = db.open_tree(keys::trees::META).ok()?.get(META_KEY).ok()??;
    codec::decode(&bytes).ok()
}

/// Builds a fresh store aside and switches `CURRENT` to it.
fn rebuild(data_dir: &DataDir, config: &StoreConfig, meta: &Meta, name: &str, progress: &Progress) -> Result<sled::Db, StoreError> {
    let started = Instant::now();
    progress.set("reading and checking the fixtures");
    let fixtures = fixtures::load(&config.fixtures_dir)?;
    progress.records.store(fixtures.dataset.record_count() as u64, std::sync::atomic::Ordering::Relaxed);
    progress.set("writing the store");
    let dir = &data_dir.path;
    // Half-built stores of crashed runs only take space, which this build may need.
    data_dir.remove_stale(|name| name.starts_with("building-"));
    let building = dir.join(format!("building-{}-{}", std::process::id(), &name["store-".len()..]));
    let written = (|| {
        // Flushed once, at the end: sled's background flusher would hold the database (its
        // memory and its file lock) for a moment past the build.
        let db = sled_config(&building, config.cache_bytes).flush_every_ms(None).open()?;
        build::write(&db, &fixtures.dataset)?;
        // The meta record goes last: a store without it is never reused.
        db.open_tree(keys::trees::META)?.insert(META_KEY, codec::encode(meta)?)?;
        db.flush()?;
        Ok(())
    })();
    if let Err(source) = written {
        let _ = std::fs::remove_dir_all(&building);
        return Err(StoreError::Build { path: building, source: Box::new(source) });
    }
    let target = dir.join(name);
    remove_dir(&target)?;
    std::fs::rename(&building, &target).map_err(io_err(&target))?;
    let current_tmp = dir.join(format!("{CURRENT}.tmp"));
    let mut file = File::create(&current_tmp).map_err(io_err(&current_tmp))?;
    file.write_all(name.as_bytes()).and_then(|()| file.sync_all()).map_err(io_err(&current_tmp))?;
    std::fs::rename(&current_tmp, dir.join(CURRENT)).map_err(io_err(dir))?;
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    data_dir.remove_stale(|stale| is_superseded(stale, name));
    tracing::info!(path = %target.display(), millis = started.elapsed().as_millis() as u64, "store rebuilt from fixtures");
    // The building handle is dropped above, but one of sled's I/O threads may still hold the file
    // lock a moment; no other process can hold it (the data-directory lock keeps them out).
    let mut attempts = 0;
    loop {
        match open_db(&target, config.cache_bytes) {
            Err(StoreError::Sled(sled::Error::Io(err))) if attempts < 100 && err.to_string().contains("could not acquire lock") => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            result => return result,
        }
    }
}

fn remove_dir(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_dir_all(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(io_err(path)(err)),
        _ => Ok(()),
    }
}

/// Whether a directory in the data directory is a store other than `current`, or half-built.
fn is_superseded(entry: &str, current: &str) -> bool {
    entry != current && (entry.starts_with("store-") || entry.starts_with("building-"))
}

/// Removes the store directories `stale` picks; failures only cost disk space.
fn remove_stale(dir: &Path, stale: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if stale(&name) {
            if let Err(err) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!(error = %err, path = %entry.path().display(), "cannot remove a stale store");
            }
        }
    }
}
