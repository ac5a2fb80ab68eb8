//! XEP-0363 §5, the HTTP half: PUT a file to the slot the server gave
//! (`Event::UploadSlot`), reporting progress, cancellable.
//!
//! `XMLHttpRequest` rather than fetch: fetch reports no upload progress,
//! and a progress bar is the point for files of tens of megabytes. The
//! PUT is cross-origin (the upload host is not the app's), so it carries
//! only what the upload service's CORS allows: the slot's headers (e.g.
//! Prosody's `Authorization`) and `Content-Type`; no cookies
//! (`withCredentials` stays off: the slot's token is the credential). A
//! `Cookie` slot header cannot be sent by a browser at all (a forbidden
//! header name: the browser drops it silently).

use futures::channel::oneshot;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, ProgressEvent, XmlHttpRequest};

/// Why a PUT did not store the file. Sentences the UI may show as they are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PutError {
    /// The file server answered with a status outside 2xx (e.g. 401 for an
    /// expired slot token, 413 when the size differs from the slot's).
    #[error("The file server refused the upload (HTTP {status}).")]
    Status { status: u16 },
    /// No answer: the host could not be reached, the connection dropped,
    /// or the browser blocked the request (CORS).
    #[error("The upload failed: the file server could not be reached or the connection dropped.")]
    Network,
    /// `UploadHandle::cancel`, or the future was dropped.
    #[error("The upload was cancelled.")]
    Cancelled,
    /// The request could not be made (an invalid URL or header value).
    #[error("The upload could not start: {0}")]
    Setup(String),
}

/// Cancels a PUT started by [`put`]; cheap to clone.
#[derive(Clone)]
pub struct UploadHandle {
    xhr: Option<XmlHttpRequest>,
}

impl UploadHandle {
    /// Aborts the PUT if it is still running: its future ends with
    /// [`PutError::Cancelled`] and the server keeps nothing (Prosody
    /// deletes a partial upload). No effect once it finished.
    pub fn cancel(&self) {
        if let Some(xhr) = &self.xhr {
            let _ = xhr.abort();
        }
    }
}

type Handler = Closure<dyn Fn(ProgressEvent)>;

/// Keeps the event handlers alive while the PUT runs. Dropped with the
/// future: the handlers are detached first (JS must not call freed
/// closures), then a PUT still running is aborted, since nobody waits for
/// its outcome.
struct Running {
    xhr: XmlHttpRequest,
    _handlers: Vec<Handler>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.xhr.set_onload(None);
        self.xhr.set_onerror(None);
        self.xhr.set_onabort(None);
        if let Ok(upload) = self.xhr.upload() {
            upload.set_onprogress(None);
        }
        if self.xhr.ready_state() != XmlHttpRequest::DONE {
            let _ = self.xhr.abort();
        }
    }
}

/// PUTs `body` to `url` with every slot header in `headers` and the blob's
/// type as `Content-Type` (give the slot request the same type: some
/// servers, unlike Prosody, check that they match). `on_progress(sent,
/// total)` is called as bytes leave (the last call has `sent == total`
/// once the whole body is out). The future resolves when the server
/// answered: `Ok` for any 2xx (Prosody says 201 Created). Dropping the
/// future aborts the PUT.
pub fn put(
    url: &str,
    headers: &[(String, String)],
    body: &Blob,
    on_progress: impl Fn(u64, u64) + 'static,
) -> (UploadHandle, impl Future<Output = Result<(), PutError>>) {
    let (tx, rx) = oneshot::channel();
    let started = match XmlHttpRequest::new() {
        Ok(xhr) => start(&xhr, url, headers, body, on_progress, tx).map(|handlers| Running {
            xhr,
            _handlers: handlers,
        }),
        Err(e) => Err(setup_error(e)),
    };
    let handle = UploadHandle {
        xhr: started.as_ref().ok().map(|r| r.xhr.clone()),
    };
    let done = async move {
        let running = started?;
        let result = rx.await.unwrap_or(Err(PutError::Cancelled));
        drop(running);
        result
    };
    (handle, done)
}

fn start(
    xhr: &XmlHttpRequest,
    url: &str,
    headers: &[(String, String)],
    body: &Blob,
    on_progress: impl Fn(u64, u64) + 'static,
    tx: oneshot::Sender<Result<(), PutError>>,
) -> Result<Vec<Handler>, PutError> {
    // The first of load, error and abort settles the future.
    let tx = Rc::new(RefCell::new(Some(tx)));
    let settle = move |result: Result<(), PutError>| {
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(result);
        }
    };
    let size = body.size() as u64;
    let progress = Handler::new(move |e: ProgressEvent| {
        let total = if e.length_computable() {
            e.total() as u64
        } else {
            size
        };
        on_progress(e.loaded() as u64, total);
    });
    let loaded = {
        let (xhr, settle) = (xhr.clone(), settle.clone());
        Handler::new(move |_: ProgressEvent| {
            settle(match xhr.status() {
                Ok(status) if (200..300).contains(&status) => Ok(()),
                Ok(status) => Err(PutError::Status { status }),
                Err(_) => Err(PutError::Network),
            })
        })
    };
    let failed = {
        let settle = settle.clone();
        Handler::new(move |_: ProgressEvent| settle(Err(PutError::Network)))
    };
    let aborted = Handler::new(move |_: ProgressEvent| settle(Err(PutError::Cancelled)));

    // Upload listeners must be in place before send(), or the browser
    // sends no upload progress events at all (XHR "upload listener flag").
    xhr.upload()
        .map_err(setup_error)?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    xhr.set_onload(Some(loaded.as_ref().unchecked_ref()));
    xhr.set_onerror(Some(failed.as_ref().unchecked_ref()));
    xhr.set_onabort(Some(aborted.as_ref().unchecked_ref()));
    xhr.open_with_async("PUT", url, true).map_err(setup_error)?;
    for (name, value) in headers {
        xhr.set_request_header(name, value).map_err(setup_error)?;
    }
    let content_type = body.type_();
    if !content_type.is_empty() {
        xhr.set_request_header("Content-Type", &content_type)
            .map_err(setup_error)?;
    }
    xhr.send_with_opt_blob(Some(body)).map_err(setup_error)?;
    Ok(vec![progress, loaded, failed, aborted])
}

fn setup_error(e: JsValue) -> PutError {
    let text = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"));
    PutError::Setup(text)
}
