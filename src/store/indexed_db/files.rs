//! Files of messages with attachments (issue 5), in the `files` object store
//! (schema version 3, see `migrations/v3.rs`).
//!
//! Not part of the [`crate::store::Store`] trait on purpose: a file is a
//! browser `Blob`, stored as one by structured clone, so its bytes stay in
//! the browser (on disk for large ones) and never pass through wasm memory.
//! A sans-IO trait cannot name that type.
//!
//! Two kinds of entry, one store:
//!
//! * **Pinned** files belong to the outbox. A message with an attachment is
//!   saved `Pending` before its upload starts; its file is put here pinned
//!   under a key the message names, so that after a reload the upload can
//!   start again. Pinned files are never evicted.
//! * **Unpinned** files are the media cache: received files fetched by URL
//!   (`net::media::fetch_cached`, keyed by the URL) and our own files once
//!   their upload finished. Their total size is kept within a limit
//!   ([`DEFAULT_MEDIA_CACHE_LIMIT`], [`IndexedDbStore::set_media_cache_limit`])
//!   by dropping the least recently used ones whenever an unpinned file is
//!   stored, and the user can empty the cache in Settings.
//!
//! When an upload finishes, [`IndexedDbStore::unpin_file`] turns the outbox
//! file into a cache entry under its new key (the URL it was uploaded to) in
//! one transaction, so the sent picture shows without downloading it again
//! and a reload in between can neither lose the file nor leave it pinned.
//!
//! Each method takes the current time from [`crate::net::now`]; the `*_at`
//! variants take it as an argument, for tests of the eviction order.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

use super::raw::{self, RawKeyCursor, RequestEvents};
use super::{backend, js_backend, IndexedDbStore, FILES};
use crate::chat::Millis;
use crate::store::StoreError;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::transaction::Transaction;

/// Bytes the media cache may take unless the app sets another limit:
/// 200 MiB, a few hundred photos or a few short videos, well inside what
/// browsers grant a site.
pub const DEFAULT_MEDIA_CACHE_LIMIT: u64 = 200 * 1024 * 1024;

/// The index of unpinned files by age, see `migrations/v3.rs`.
const BY_LRU: &str = "lru";

/// A file in the store's terms: its primary key and size, as the `lru`
/// index holds them.
struct Entry {
    key: JsValue,
    size: u64,
}

impl IndexedDbStore {
    /// Stores `blob` under `key`, replacing any file there. `pinned` files
    /// (the outbox's) are kept until unpinned or deleted; after storing an
    /// unpinned one, the least recently used unpinned files are dropped
    /// until the unpinned total is within the limit. An unpinned file
    /// larger than the whole limit is not kept at all (and nothing else is
    /// dropped for it): the cache never grows past its limit.
    pub async fn put_file(&self, key: &str, blob: &Blob, pinned: bool) -> Result<(), StoreError> {
        self.put_file_at(key, blob, pinned, crate::net::now()).await
    }

    /// [`Self::put_file`] at time `now`.
    #[doc(hidden)]
    pub async fn put_file_at(
        &self,
        key: &str,
        blob: &Blob,
        pinned: bool,
        now: Millis,
    ) -> Result<(), StoreError> {
        let record = file_record(key, blob, pinned, now)?;
        let tx = self.write(FILES)?;
        let store = tx.object_store(FILES).map_err(backend)?;
        store.as_sys().put(&record).map_err(js_backend)?;
        if !pinned {
            self.evict(&tx, key).await?;
        }
        tx.commit().await.map_err(backend)
    }

    /// The file stored under `key`, if any (a `File` if a `File` was
    /// stored). Reading counts as use: the file moves to the back of the
    /// eviction order.
    pub async fn file(&self, key: &str) -> Result<Option<Blob>, StoreError> {
        self.file_at(key, crate::net::now()).await
    }

    /// [`Self::file`] at time `now`.
    #[doc(hidden)]
    pub async fn file_at(&self, key: &str, now: Millis) -> Result<Option<Blob>, StoreError> {
        let tx = self.write(FILES)?;
        let store = tx.object_store(FILES).map_err(backend)?;
        let record = get(store.as_sys(), key).await?;
        if record.is_undefined() {
            return Ok(None);
        }
        let blob: Blob = field(&record, "blob")?
            .dyn_into()
            .map_err(|_| StoreError::Decode(format!("file {key:?} holds no Blob")))?;
        set_field(&record, "used", &JsValue::from_f64(now as f64))?;
        store.as_sys().put(&record).map_err(js_backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(Some(blob))
    }

    /// Whether a file is stored under `key`. Unlike [`Self::file`], this
    /// is not a use: the eviction order stays as it is (e.g. to mark which
    /// attachments are available offline).
    pub async fn has_file(&self, key: &str) -> Result<bool, StoreError> {
        let tx = self.read(FILES)?;
        let store = tx.object_store(FILES).map_err(backend)?;
        let request = store
            .as_sys()
            .count_with_key(&JsValue::from_str(key))
            .map_err(js_backend)?;
        let count = RequestEvents::new(request)
            .next()
            .await
            .map_err(js_backend)?;
        Ok(count.as_f64().is_some_and(|count| count > 0.0))
    }

    /// The upload of the pinned file `key` finished: the file becomes an
    /// ordinary cache entry under `new_key` (the URL it was uploaded to,
    /// which is what `net::media::fetch_cached` looks up; may equal `key`),
    /// counted as just used, and the cache is trimmed as after
    /// [`Self::put_file`]. One transaction. Returns whether `key` was there.
    pub async fn unpin_file(&self, key: &str, new_key: &str) -> Result<bool, StoreError> {
        self.unpin_file_at(key, new_key, crate::net::now()).await
    }

    /// [`Self::unpin_file`] at time `now`.
    #[doc(hidden)]
    pub async fn unpin_file_at(
        &self,
        key: &str,
        new_key: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let tx = self.write(FILES)?;
        let store = tx.object_store(FILES).map_err(backend)?;
        let record = get(store.as_sys(), key).await?;
        if record.is_undefined() {
            return Ok(false);
        }
        set_field(&record, "key", &JsValue::from_str(new_key))?;
        set_field(&record, "pinned", &JsValue::from_f64(0.0))?;
        set_field(&record, "used", &JsValue::from_f64(now as f64))?;
        if new_key != key {
            store
                .as_sys()
                .delete(&JsValue::from_str(key))
                .map_err(js_backend)?;
        }
        store.as_sys().put(&record).map_err(js_backend)?;
        self.evict(&tx, new_key).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    /// Forgets the file under `key`, pinned or not (a pending message with
    /// an attachment was deleted); an unknown key is not an error.
    pub async fn delete_file(&self, key: &str) -> Result<(), StoreError> {
        self.delete_key(FILES, key).await
    }

    /// Bytes taken by the unpinned files (the media cache). Pinned files
    /// are not counted: they are the outbox, not cache.
    pub async fn media_cache_usage(&self) -> Result<u64, StoreError> {
        let tx = self.read(FILES)?;
        let entries = unpinned(&tx).await?;
        Ok(entries.iter().map(|entry| entry.size).sum())
    }

    /// Deletes every unpinned file ("Clear media cache" in Settings); the
    /// outbox's pinned files stay.
    pub async fn clear_media_cache(&self) -> Result<(), StoreError> {
        let tx = self.write(FILES)?;
        let entries = unpinned(&tx).await?;
        let store = tx.object_store(FILES).map_err(backend)?;
        // A failed delete aborts the transaction; `commit` reports it.
        for entry in &entries {
            store.as_sys().delete(&entry.key).map_err(js_backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    /// Sets the bytes the media cache may take. Applied the next time an
    /// unpinned file is stored (nothing is deleted now). Kept for the life
    /// of this store only: a setting the user chooses is stored with the
    /// other settings and applied here after opening.
    pub fn set_media_cache_limit(&self, bytes: u64) {
        self.media_cache_limit.set(bytes);
    }

    /// The current limit of the media cache, in bytes.
    pub fn media_cache_limit(&self) -> u64 {
        self.media_cache_limit.get()
    }

    /// Deletes the least recently used unpinned files until their total is
    /// within the limit. `newest` (the file just stored) is the last to go
    /// whatever its time says (two files can be stored in one millisecond);
    /// if it alone is over the limit, only it goes: emptying the cache would
    /// not make room for it.
    async fn evict(&self, tx: &Transaction<'_>, newest: &str) -> Result<(), StoreError> {
        let mut entries = unpinned(tx).await?;
        let limit = self.media_cache_limit.get();
        let store = tx.object_store(FILES).map_err(backend)?;
        if let Some(at) = entries
            .iter()
            .position(|entry| entry.key.as_string().as_deref() == Some(newest))
        {
            let entry = entries.remove(at);
            if entry.size > limit {
                store.as_sys().delete(&entry.key).map_err(js_backend)?;
                return Ok(());
            }
            entries.push(entry);
        }
        let mut total: u64 = entries.iter().map(|entry| entry.size).sum();
        for entry in &entries {
            if total <= limit {
                break;
            }
            store.as_sys().delete(&entry.key).map_err(js_backend)?;
            total -= entry.size;
        }
        Ok(())
    }
}

/// Every unpinned file, least recently used first, from the `lru` index
/// alone (a key cursor: no record, no blob is read).
async fn unpinned(tx: &Transaction<'_>) -> Result<Vec<Entry>, StoreError> {
    let store = tx.object_store(FILES).map_err(backend)?;
    let index = raw::raw_store(store.as_sys())
        .index(BY_LRU)
        .map_err(js_backend)?;
    // `[0]` sorts before every `[0, used, size]`, `[1]` after all of them.
    let lower = js_sys::Array::of1(&JsValue::from_f64(0.0));
    let upper = js_sys::Array::of1(&JsValue::from_f64(1.0));
    let range =
        web_sys::IdbKeyRange::bound_with_lower_open_and_upper_open(&lower, &upper, false, true)
            .map_err(js_backend)?;
    let request = index.open_key_cursor(&range, "next").map_err(js_backend)?;
    let mut events = RequestEvents::new(request);
    let mut entries = Vec::new();
    loop {
        let result = events.next().await.map_err(js_backend)?;
        // `null` once the range is exhausted.
        let Some(cursor) = result.dyn_ref::<RawKeyCursor>() else {
            break;
        };
        let size = js_sys::Reflect::get_u32(&cursor.key(), 2)
            .map_err(js_backend)?
            .as_f64()
            .ok_or_else(|| StoreError::Decode("a file without a size".to_owned()))?;
        entries.push(Entry {
            key: cursor.primary_key(),
            // Sizes are whole numbers of bytes, far below 2^53.
            size: size as u64,
        });
        cursor.advance().map_err(js_backend)?;
    }
    Ok(entries)
}

/// The record of a file, as `migrations/v3.rs` describes it. The blob is
/// put as it is: IndexedDB copies it by structured clone.
fn file_record(key: &str, blob: &Blob, pinned: bool, now: Millis) -> Result<JsValue, StoreError> {
    let record: JsValue = js_sys::Object::new().into();
    set_field(&record, "key", &JsValue::from_str(key))?;
    set_field(&record, "blob", blob)?;
    set_field(&record, "size", &JsValue::from_f64(blob.size()))?;
    set_field(&record, "mime", &JsValue::from_str(&blob.type_()))?;
    set_field(
        &record,
        "pinned",
        &JsValue::from_f64(f64::from(u8::from(pinned))),
    )?;
    set_field(&record, "used", &JsValue::from_f64(now as f64))?;
    Ok(record)
}

/// The record under `key` in `store` (undefined when there is none).
async fn get(store: &web_sys::IdbObjectStore, key: &str) -> Result<JsValue, StoreError> {
    let request = store.get(&JsValue::from_str(key)).map_err(js_backend)?;
    RequestEvents::new(request).next().await.map_err(js_backend)
}

fn field(record: &JsValue, name: &str) -> Result<JsValue, StoreError> {
    js_sys::Reflect::get(record, &JsValue::from_str(name)).map_err(js_backend)
}

fn set_field(record: &JsValue, name: &str, value: &JsValue) -> Result<(), StoreError> {
    js_sys::Reflect::set(record, &JsValue::from_str(name), value)
        .map(drop)
        .map_err(js_backend)
}
