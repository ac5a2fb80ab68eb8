//! Version 3: files (issue 5, rich messages).
//!
//! * `files`, keyed by `key`: `{ key, blob, size, mime, pinned, used }`.
//!   `blob` is a real `Blob`, stored by structured clone, so its bytes never
//!   pass through wasm memory; `size` and `mime` repeat the blob's own, so
//!   the cache can be measured without opening any blob. `pinned` is `1`
//!   for a file the outbox still needs (a message waiting to be uploaded,
//!   which a reload must be able to restart) and `0` for a cached copy of a
//!   received or sent file; `used` is when it was last stored or read (ms).
//!   A number rather than a boolean because booleans are not valid
//!   IndexedDB keys.
//!   * index `lru` on `[pinned, used, size]`: the unpinned files (`[0]` to
//!     `[1]`), least recently used first. `size` is in the key so the cache
//!     can be summed and trimmed with a key cursor, never reading a record.
//!
//! Nothing in earlier versions changes; existing records stay as they are.

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;
use wasm_bindgen::JsValue;

use super::super::raw::raw_store;

pub fn apply(db: &Database) -> indexed_db_futures::Result<()> {
    let files = db
        .create_object_store("files")
        .with_key_path(KeyPath::One("key"))
        .build()?;
    let lru: js_sys::Array = ["pinned", "used", "size"]
        .iter()
        .map(|part| JsValue::from_str(part))
        .collect();
    raw_store(files.as_sys()).create_index("lru", &lru, &JsValue::UNDEFINED)?;
    Ok(())
}
