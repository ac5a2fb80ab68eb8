//! The few IndexedDB calls `indexed_db_futures` only offers behind its
//! `indices` / `cursors` features (not enabled in Cargo.toml): creating and
//! querying an index, and walking a cursor. Declared here as plain
//! `wasm-bindgen` imports so the store needs no extra crate features.
//!
//! [`RequestEvents`] turns the `success` / `error` events of one
//! `IDBRequest` into a stream. Its values arrive through a channel that wakes
//! the waiting future in the same microtask checkpoint as the event, so the
//! transaction is still active when the caller issues its next request
//! (that is how promise wrappers of IndexedDB work).

use futures::channel::mpsc;
use futures::StreamExt;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::IdbRequest;

#[wasm_bindgen]
extern "C" {
    /// An `IDBObjectStore`, seen through the index methods only.
    #[wasm_bindgen(js_name = IDBObjectStore)]
    pub type RawStore;

    #[wasm_bindgen(method, catch, js_name = createIndex)]
    pub fn create_index(
        this: &RawStore,
        name: &str,
        key_path: &JsValue,
        options: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    pub fn index(this: &RawStore, name: &str) -> Result<RawIndex, JsValue>;

    /// An `IDBIndex`.
    #[wasm_bindgen(js_name = IDBIndex)]
    pub type RawIndex;

    #[wasm_bindgen(method, catch)]
    pub fn get(this: &RawIndex, key: &JsValue) -> Result<IdbRequest, JsValue>;

    #[wasm_bindgen(method, catch, js_name = getAll)]
    pub fn get_all(this: &RawIndex) -> Result<IdbRequest, JsValue>;

    #[wasm_bindgen(method, catch, js_name = openCursor)]
    pub fn open_cursor(
        this: &RawIndex,
        range: &JsValue,
        direction: &str,
    ) -> Result<IdbRequest, JsValue>;

    /// Like `openCursor`, but the cursor carries only the index key and the
    /// primary key: no record is read.
    #[wasm_bindgen(method, catch, js_name = openKeyCursor)]
    pub fn open_key_cursor(
        this: &RawIndex,
        range: &JsValue,
        direction: &str,
    ) -> Result<IdbRequest, JsValue>;

    /// An `IDBCursorWithValue`.
    #[wasm_bindgen(js_name = IDBCursorWithValue)]
    pub type RawCursor;

    #[wasm_bindgen(method, getter)]
    pub fn value(this: &RawCursor) -> JsValue;

    #[wasm_bindgen(method, catch, js_name = "continue")]
    pub fn advance(this: &RawCursor) -> Result<(), JsValue>;

    /// Replaces the record under the cursor (readwrite transactions only).
    #[wasm_bindgen(method, catch)]
    pub fn update(this: &RawCursor, value: &JsValue) -> Result<IdbRequest, JsValue>;

    /// An `IDBCursor` from `openKeyCursor`.
    #[wasm_bindgen(js_name = IDBCursor)]
    pub type RawKeyCursor;

    /// The index key under the cursor.
    #[wasm_bindgen(method, getter)]
    pub fn key(this: &RawKeyCursor) -> JsValue;

    /// The primary key of the record under the cursor.
    #[wasm_bindgen(method, getter, js_name = primaryKey)]
    pub fn primary_key(this: &RawKeyCursor) -> JsValue;

    #[wasm_bindgen(method, catch, js_name = "continue")]
    pub fn advance(this: &RawKeyCursor) -> Result<(), JsValue>;
}

/// Looks at an object store through the index methods.
pub fn raw_store(store: &web_sys::IdbObjectStore) -> &RawStore {
    store.unchecked_ref()
}

/// The `success` results (or the error) of one request, in order. A cursor
/// request fires `success` once per `continue()`.
pub struct RequestEvents {
    request: IdbRequest,
    events: mpsc::UnboundedReceiver<Result<JsValue, JsValue>>,
    _on_success: Closure<dyn FnMut()>,
    _on_error: Closure<dyn FnMut()>,
}

impl RequestEvents {
    pub fn new(request: IdbRequest) -> Self {
        let (sender, events) = mpsc::unbounded();
        let on_success = {
            let sender = sender.clone();
            let request = request.clone();
            Closure::<dyn FnMut()>::new(move || {
                // The receiver only goes away together with these closures.
                let _ = sender.unbounded_send(request.result());
            })
        };
        let on_error = {
            let request = request.clone();
            Closure::<dyn FnMut()>::new(move || {
                let error = match request.error() {
                    Ok(Some(exception)) => exception.into(),
                    Ok(None) => JsValue::from_str("the request failed"),
                    Err(error) => error,
                };
                let _ = sender.unbounded_send(Err(error));
            })
        };
        request.set_onsuccess(Some(on_success.as_ref().unchecked_ref()));
        request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Self {
            request,
            events,
            _on_success: on_success,
            _on_error: on_error,
        }
    }

    /// The next result of the request.
    pub async fn next(&mut self) -> Result<JsValue, JsValue> {
        match self.events.next().await {
            Some(result) => result,
            None => Err(JsValue::from_str("the request ended without an answer")),
        }
    }
}

impl Drop for RequestEvents {
    fn drop(&mut self) {
        // Unhook before the closures are freed, so a late event cannot call them.
        self.request.set_onsuccess(None);
        self.request.set_onerror(None);
    }
}

/// Readable text for an error thrown by the browser: `"Name: message"` for a
/// `DOMException` or `Error`, the string itself for a string.
pub fn error_text(error: &JsValue) -> String {
    if let Some(exception) = error.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", exception.name(), exception.message());
    }
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        );
    }
    match error.as_string() {
        Some(text) => text,
        None => format!("{error:?}"),
    }
}
