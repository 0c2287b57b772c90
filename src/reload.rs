//! Opening the data while the server already answers probes, and reloading it on SIGHUP: the
//! fixtures are checked and the new store built aside while the old one serves; then the state
//! switches to it at once. Requests under way finish on the data they started with; invalid
//! fixtures leave the old data serving, with every problem logged.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use crate::{
    config::ServeArgs,
    fixtures,
    store::{DataDir, Progress, StoreError},
    AppState, Live,
};

/// How often a store build says where it is.
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// Opens (or builds) a store on a blocking thread, logging its phase every few seconds: the first
/// one, or a reload's.
pub async fn open_with_progress(
    args: &ServeArgs,
    fixtures: &Path,
    data_dir: &Arc<DataDir>,
    progress: &Arc<Progress>,
) -> Result<Live, StoreError> {
    let (args, fixtures, data_dir, progress) = (args.clone(), fixtures.to_owned(), data_dir.clone(), progress.clone());
    let ticker = tokio::spawn(log_progress(progress.clone()));
    let opened = tokio::task::spawn_blocking(move || crate::load(&args, &fixtures, &data_dir, &progress)).await;
    ticker.abort();
    opened.unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

async fn log_progress(progress: Arc<Progress>) {
    loop {
        tokio::time::sleep(PROGRESS_EVERY).await;
        let (phase, seconds, records) = progress.snapshot();
        if phase == Progress::DONE {
            return;
        }
        tracing::info!(phase, seconds, records, "store: {phase} ({seconds} s so far)");
    }
}

/// The SIGHUP stream, its handler installed now (without one, SIGHUP ends the process).
pub fn hangups() -> Option<tokio::signal::unix::Signal> {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(signal) => Some(signal),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGHUP: reloading the data needs a restart");
            None
        }
    }
}

/// Reloads the data on every SIGHUP, one reload at a time.
pub async fn on_hangup(
    hangups: Option<tokio::signal::unix::Signal>,
    state: AppState,
    args: ServeArgs,
    fixtures: PathBuf,
    data_dir: Arc<DataDir>,
) {
    let Some(mut hangups) = hangups else { return };
    while hangups.recv().await.is_some() {
        tracing::info!(fixtures = %fixtures.display(), "SIGHUP: reloading the data");
        reload(&state, &args, &fixtures, &data_dir).await;
    }
}

/// One reload: unchanged fixtures change nothing; new ones are checked and built aside, then
/// served; a failure leaves the data served as it was.
pub async fn reload(state: &AppState, args: &ServeArgs, fixtures: &Path, data_dir: &Arc<DataDir>) {
    let serving = state.live().map(|live| live.store.info().digest.clone());
    match fixtures::digest(fixtures) {
        Ok(digest) if Some(&digest) == serving.as_ref() => {
            tracing::info!(%digest, "the fixtures are unchanged: nothing to reload");
            return;
        }
        Ok(_) => {}
        Err(error) => {
            tracing::error!(%error, "reload refused: the fixtures cannot be read; still serving the previous data");
            return;
        }
    }
    let progress = Arc::new(Progress::default());
    state.track(progress.clone());
    let opened = open_with_progress(args, fixtures, data_dir, &progress).await;
    progress.done();
    match opened {
        Ok(live) => {
            let (digest, millis) = (live.store.info().digest.clone(), live.store.info().open_millis as u64);
            let replaced = state.switch(live);
            let previous = replaced.map(|live| live.store.info().digest.clone()).unwrap_or_default();
            tracing::info!(%digest, %previous, millis, "reloaded: new requests see the new data; those under way finish on the old");
        }
        Err(error) => tracing::error!(%error, "reload failed: still serving the previous data"),
    }
}
