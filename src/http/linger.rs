//! Lingering close, as nginx does it: when the server ends a connection while the client is still
//! sending (a body refused with 413 before it was read), closing at once would make the kernel
//! answer the unread bytes with a reset, and a client that writes its whole body before reading
//! (Python's `urllib`, many HTTP/1.1 clients) sees a broken pipe instead of the answer. So on
//! shutdown the write side is closed first (the answer and a FIN go out), then what the client
//! still sends is read and discarded until it closes, goes quiet, or a bound is reached.

use std::{
    future::Future,
    io,
    pin::Pin,
    task::{ready, Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    time::{sleep, Instant, Sleep},
};

/// How long a lingering close waits for more bytes before closing.
const QUIET: Duration = Duration::from_secs(1);
/// How long a lingering close may last in all.
const AT_MOST: Duration = Duration::from_secs(10);
/// How many bytes a lingering close reads and discards at most.
const DISCARD_AT_MOST: u64 = 64 * 1024 * 1024;

/// A stream whose shutdown lingers (see the module's notes).
pub struct Lingering<S> {
    inner: S,
    closing: Option<Closing>,
}

/// A lingering close under way.
struct Closing {
    /// The write side is closed.
    written: bool,
    discarded: u64,
    until: Instant,
    quiet: Pin<Box<Sleep>>,
}

impl<S> Lingering<S> {
    pub fn new(inner: S) -> Self {
        Lingering { inner, closing: None }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Lingering<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for Lingering<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let closing = this.closing.get_or_insert_with(|| Closing {
            written: false,
            discarded: 0,
            until: Instant::now() + AT_MOST,
            quiet: Box::pin(sleep(QUIET)),
        });
        if !closing.written {
            ready!(Pin::new(&mut this.inner).poll_shutdown(cx))?;
            closing.written = true;
            closing.quiet.as_mut().reset(Instant::now() + QUIET);
        }
        let mut scratch = [0u8; 16 * 1024];
        loop {
            if closing.discarded >= DISCARD_AT_MOST || Instant::now() >= closing.until {
                return Poll::Ready(Ok(()));
            }
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut this.inner).poll_read(cx, &mut buf) {
                // The client closed its side too: nothing is left to reset.
                Poll::Ready(Ok(())) if buf.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => {
                    closing.discarded += buf.filled().len() as u64;
                    closing.quiet.as_mut().reset((Instant::now() + QUIET).min(closing.until));
                }
                // The connection is gone already: closing it is done.
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Pending => {
                    ready!(closing.quiet.as_mut().poll(cx));
                    return Poll::Ready(Ok(()));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn shutdown_sends_the_answer_then_discards_what_the_client_still_sends() {
        let (server, mut client) = tokio::io::duplex(1024);
        let mut server = Lingering::new(server);
        let writer = tokio::spawn(async move {
            // The client writes its whole body before it reads anything.
            for _ in 0..64 {
                client.write_all(&[b'x'; 1024]).await.unwrap();
            }
            client.shutdown().await.unwrap();
            let mut answer = String::new();
            client.read_to_string(&mut answer).await.unwrap();
            answer
        });
        server.write_all(b"HTTP/1.1 413 Payload Too Large\r\n\r\n").await.unwrap();
        server.shutdown().await.unwrap();
        assert_eq!(writer.await.unwrap(), "HTTP/1.1 413 Payload Too Large\r\n\r\n");
        assert_eq!(server.closing.as_ref().map(|c| c.discarded), Some(64 * 1024));
    }

    #[tokio::test]
    async fn a_client_that_goes_quiet_is_closed_on_soon() {
        let (server, _client) = tokio::io::duplex(1024);
        let mut server = Lingering::new(server);
        let started = Instant::now();
        server.shutdown().await.unwrap();
        assert!(started.elapsed() >= QUIET && started.elapsed() < AT_MOST);
    }
}
