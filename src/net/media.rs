//! Received files (issue 5): fetched by URL when first shown, then kept in
//! the store's media cache (`store/indexed_db/files.rs`), so scrolling back
//! or reloading does not download them again.
//!
//! The file stays a browser `Blob` from the response to IndexedDB to the
//! object URL an `<img>`/`<video>` shows: a 20 MB video is never copied
//! into wasm memory.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

use crate::store::indexed_db::IndexedDbStore;

/// Why a file could not be fetched. Sentences the UI may show as they are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediaFetchError {
    /// 404 or 410: the upload service deleted the file (Prosody expires
    /// uploads after a week by default), so trying again will not help.
    #[error("The file is no longer on the server.")]
    Gone,
    /// Any other status outside 2xx (e.g. 403, or 5xx when the server is
    /// in trouble, which may pass).
    #[error("The file server refused to send the file (HTTP {status}).")]
    Status { status: u16 },
    /// No answer: the host could not be reached, the connection dropped, or
    /// the browser blocked the response (CORS).
    #[error("The file could not be downloaded: the file server could not be reached or the connection dropped.")]
    Network,
    /// The request could not be made (e.g. an invalid URL).
    #[error("The file could not be downloaded: {0}")]
    Setup(String),
}

impl MediaFetchError {
    /// The error for a response with `status`, `None` for a success (2xx).
    pub fn from_status(status: u16) -> Option<Self> {
        match status {
            200..=299 => None,
            404 | 410 => Some(Self::Gone),
            status => Some(Self::Status { status }),
        }
    }
}

/// The file at `url`: from the media cache if it is there (which counts as
/// use), else downloaded and then cached, unpinned, under `url`.
///
/// No credentials (cookies, HTTP auth) are sent: XEP-0363 GET URLs are
/// capabilities that work without them, and the upload host is another
/// origin that has no business seeing ours.
///
/// The cache is best effort: if IndexedDB fails (e.g. the browser's quota
/// for the site is used up), the file is still downloaded and returned, and
/// the failure is logged to the console; only a failed download is an error.
pub async fn fetch_cached(store: &IndexedDbStore, url: &str) -> Result<Blob, MediaFetchError> {
    match store.file(url).await {
        Ok(Some(blob)) => return Ok(blob),
        Ok(None) => {}
        Err(error) => log_cache_error(url, &error),
    }
    let blob = fetch(url).await?;
    if let Err(error) = store.put_file(url, &blob, false).await {
        log_cache_error(url, &error);
    }
    Ok(blob)
}

/// GET `url` without credentials and read the body as a `Blob` (typed by
/// the response's `Content-Type`).
async fn fetch(url: &str) -> Result<Blob, MediaFetchError> {
    // fetch rejects with the same TypeError for a malformed URL as for a
    // network failure: tell them apart first.
    web_sys::Url::new(url).map_err(|error| MediaFetchError::Setup(js_text(&error)))?;
    let response = gloo_net::http::Request::get(url)
        .credentials(web_sys::RequestCredentials::Omit)
        .send()
        .await
        .map_err(|error| match error {
            // fetch rejects with a TypeError for every network failure.
            gloo_net::Error::JsError(_) => MediaFetchError::Network,
            other => MediaFetchError::Setup(other.to_string()),
        })?;
    if let Some(error) = MediaFetchError::from_status(response.status()) {
        return Err(error);
    }
    let response = web_sys::Response::from(response);
    let promise = response
        .blob()
        .map_err(|error| MediaFetchError::Setup(js_text(&error)))?;
    // The body arrives after the headers: a drop now is a network failure.
    let body = JsFuture::from(promise)
        .await
        .map_err(|_| MediaFetchError::Network)?;
    Ok(Blob::from(body))
}

fn log_cache_error(url: &str, error: &crate::store::StoreError) {
    web_sys::console::warn_1(&format!("media cache ({url}): {error}").into());
}

/// Why a file could not be given an object URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("The file could not be shown: {0}")]
pub struct ObjectUrlError(String);

/// An object URL (`blob:…`) for `blob`, for `<img src>`, `<video src>` or a
/// download link, without copying the bytes. It keeps the blob alive until
/// `web_sys::Url::revoke_object_url` is called on it, so whoever shows it
/// revokes it when the view goes away.
///
/// `ui::avatar::object_url` makes one from bytes (avatars live in wasm
/// memory); this one is for blobs that never leave the browser.
pub fn object_url(blob: &Blob) -> Result<String, ObjectUrlError> {
    web_sys::Url::create_object_url_with_blob(blob).map_err(|error| ObjectUrlError(js_text(&error)))
}

fn js_text(error: &JsValue) -> String {
    use wasm_bindgen::JsCast;
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => error.as_string().unwrap_or_else(|| format!("{error:?}")),
    }
}
