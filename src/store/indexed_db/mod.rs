//! IndexedDB store: the browser implementation of [`Store`].
//!
//! One database per account. The schema is created and upgraded by the steps
//! in [`migrations`]; its layout is described in `migrations/v1.rs` and the
//! later steps. Files (attachments) are kept by the browser-only methods in
//! `files.rs`, outside the [`Store`] trait.
//!
//! Every method runs in one transaction, serialises its input before the
//! transaction starts, awaits only IndexedDB requests inside it and commits
//! explicitly (`indexed_db_futures` rolls back uncommitted transactions).

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use indexed_db_futures::database::Database;
use indexed_db_futures::error::OpenDbError;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use indexed_db_futures::DeserialiseFromJs;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::{Before, MessageKey, Store, StoreError, SCHEMA_VERSION};
use crate::chat::{AvatarImage, Chat, Contact, MessageStatus, Profile, StoredMessage};
use raw::{RawCursor, RawIndex, RequestEvents};
use record::MessageRecord;

pub use files::DEFAULT_MEDIA_CACHE_LIMIT;

mod batch;
mod files;
mod migrations;
mod raw;
mod record;

const MESSAGES: &str = "messages";
const CHATS: &str = "chats";
const CONTACTS: &str = "contacts";
const SETTINGS: &str = "settings";
const PROFILES: &str = "profiles";
const AVATARS: &str = "avatars";
const FILES: &str = "files";
const ALL_STORES: [&str; 7] = [
    MESSAGES, CHATS, CONTACTS, SETTINGS, PROFILES, AVATARS, FILES,
];

const BY_CHAT_TIME: &str = "chat_time";
const BY_STANZA_ID: &str = "stanza_id";
const BY_PENDING: &str = "pending";

/// A [`Store`] in one IndexedDB database. Dropping it closes the connection.
pub struct IndexedDbStore {
    db: Database,
    /// Closes the connection when another tab upgrades or deletes the
    /// database, so we never block it; our later calls then fail with
    /// [`StoreError::Backend`].
    _on_version_change: Closure<dyn FnMut()>,
    /// Bytes the unpinned files may take, see `files.rs`.
    media_cache_limit: std::cell::Cell<u64>,
}

impl std::fmt::Debug for IndexedDbStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexedDbStore")
            .field("name", &self.db.name())
            .finish_non_exhaustive()
    }
}

impl Drop for IndexedDbStore {
    fn drop(&mut self) {
        let db = self.db.as_sys();
        db.set_onversionchange(None);
        db.close();
    }
}

impl IndexedDbStore {
    /// Opens (creating or upgrading as needed) the database `name` at
    /// [`SCHEMA_VERSION`].
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        Self::open_at_version(name, SCHEMA_VERSION).await
    }

    /// Opens the database at an older schema `version`, running only the
    /// migrations up to it. For migration tests: the app uses [`Self::open`].
    #[doc(hidden)]
    pub async fn open_at_version(name: &str, version: u32) -> Result<Self, StoreError> {
        if version == 0 || version > SCHEMA_VERSION {
            return Err(StoreError::Unavailable(format!(
                "schema version {version} is not between 1 and {SCHEMA_VERSION}"
            )));
        }
        let db = Database::open(name)
            .with_version(version)
            .with_on_upgrade_needed(move |event, db| {
                // Versions are small whole numbers, so the cast is exact.
                let old = event.old_version() as u32;
                migrations::upgrade(&db, old, version)
            })
            .await
            .map_err(open_error)?;
        let on_version_change = {
            let db = db.clone();
            Closure::<dyn FnMut()>::new(move || db.as_sys().close())
        };
        db.as_sys()
            .set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
        Ok(Self {
            db,
            _on_version_change: on_version_change,
            media_cache_limit: std::cell::Cell::new(DEFAULT_MEDIA_CACHE_LIMIT),
        })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> u32 {
        self.db.version() as u32
    }

    /// The names of the object stores, sorted.
    pub fn object_store_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.db.object_store_names().collect();
        names.sort();
        names
    }

    /// Closes the connection, so the database can be deleted or upgraded
    /// without waiting. Same as dropping the store.
    pub fn close(self) {
        drop(self);
    }

    /// Deletes the database `name` and everything in it. Open
    /// `IndexedDbStore`s on it close themselves first (other open connections
    /// would make this wait).
    pub async fn delete_database(name: &str) -> Result<(), StoreError> {
        Database::delete_by_name(name)
            .map_err(open_error)?
            .await
            .map_err(backend)
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: TransactionMode,
    ) -> Result<Transaction<'_>, StoreError> {
        self.db
            .transaction(stores)
            .with_mode(mode)
            .build()
            .map_err(backend)
    }

    fn read(&self, store: &str) -> Result<Transaction<'_>, StoreError> {
        self.transaction(&[store], TransactionMode::Readonly)
    }

    fn write(&self, store: &str) -> Result<Transaction<'_>, StoreError> {
        self.transaction(&[store], TransactionMode::Readwrite)
    }

    /// Puts one serialisable record (keyed in line) into `store`.
    async fn put_record<T: serde::Serialize>(
        &self,
        store: &str,
        record: &T,
    ) -> Result<(), StoreError> {
        let tx = self.write(store)?;
        tx.object_store(store)
            .map_err(backend)?
            .put(record)
            .serde()
            .map_err(backend)?
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn all_records<T: serde::de::DeserializeOwned>(
        &self,
        store: &str,
    ) -> Result<Vec<T>, StoreError> {
        let tx = self.read(store)?;
        let records = tx
            .object_store(store)
            .map_err(backend)?
            .get_all::<T>()
            .serde()
            .map_err(backend)?
            .await
            .map_err(backend)?
            .collect::<Result<Vec<T>, _>>()
            .map_err(decode)?;
        Ok(records)
    }

    async fn delete_key(&self, store: &str, key: &str) -> Result<(), StoreError> {
        let tx = self.write(store)?;
        tx.object_store(store)
            .map_err(backend)?
            .delete(key)
            .primitive()
            .map_err(backend)?
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}

fn messages_index(tx: &Transaction<'_>, index: &str) -> Result<RawIndex, StoreError> {
    let store = tx.object_store(MESSAGES).map_err(backend)?;
    raw::raw_store(store.as_sys())
        .index(index)
        .map_err(js_backend)
}

fn decode_message(value: JsValue) -> Result<StoredMessage, StoreError> {
    MessageRecord::deserialise_from_js(value)
        .map(StoredMessage::from)
        .map_err(decode)
}

/// `[chat, timestamp, id]`, a key of the `chat_time` index.
fn chat_time_key(chat: &str, timestamp: u64, id: &str) -> JsValue {
    js_sys::Array::of3(
        &JsValue::from_str(chat),
        &JsValue::from_f64(timestamp as f64),
        &JsValue::from_str(id),
    )
    .into()
}

/// Every key of `chat` in the `chat_time` index strictly below `before`
/// (or all of them). `[chat]` sorts before any `[chat, ts, id]`, and an array
/// sorts after every number, so `[chat, []]` is above any of them.
fn chat_range(chat: &str, before: Option<&Before>) -> Result<JsValue, StoreError> {
    let lower = js_sys::Array::of1(&JsValue::from_str(chat));
    let (upper, upper_open): (JsValue, bool) = match before {
        Some(before) => (chat_time_key(chat, before.timestamp, &before.id), true),
        None => (
            js_sys::Array::of2(&JsValue::from_str(chat), &js_sys::Array::new()).into(),
            false,
        ),
    };
    web_sys::IdbKeyRange::bound_with_lower_open_and_upper_open(&lower, &upper, false, upper_open)
        .map(Into::into)
        .map_err(js_backend)
}

impl Store for IndexedDbStore {
    async fn put_message(&self, message: &StoredMessage) -> Result<(), StoreError> {
        self.put_record(MESSAGES, &MessageRecord::from(message))
            .await
    }

    async fn put_messages(&self, messages: &[StoredMessage]) -> Result<(), StoreError> {
        batch::put_messages(self, messages).await
    }

    async fn delete_message(&self, id: &str) -> Result<(), StoreError> {
        self.delete_key(MESSAGES, id).await
    }

    async fn message(&self, id: &str) -> Result<Option<StoredMessage>, StoreError> {
        let tx = self.read(MESSAGES)?;
        let record: Option<MessageRecord> = tx
            .object_store(MESSAGES)
            .map_err(backend)?
            .get(id)
            .serde()
            .map_err(backend)?
            .await
            .map_err(backend)?;
        Ok(record.map(StoredMessage::from))
    }

    async fn message_by_stanza_id(
        &self,
        stanza_id: &str,
    ) -> Result<Option<StoredMessage>, StoreError> {
        let tx = self.read(MESSAGES)?;
        let index = messages_index(&tx, BY_STANZA_ID)?;
        let request = index
            .get(&JsValue::from_str(stanza_id))
            .map_err(js_backend)?;
        let value = RequestEvents::new(request)
            .next()
            .await
            .map_err(js_backend)?;
        if value.is_undefined() {
            return Ok(None);
        }
        decode_message(value).map(Some)
    }

    async fn existing(
        &self,
        candidates: &[MessageKey],
    ) -> Result<Vec<Option<StoredMessage>>, StoreError> {
        batch::existing(self, candidates).await
    }

    async fn messages(
        &self,
        chat: &str,
        before: Option<&Before>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let range = chat_range(chat, before)?;
        let tx = self.read(MESSAGES)?;
        let index = messages_index(&tx, BY_CHAT_TIME)?;
        let request = index.open_cursor(&range, "prev").map_err(js_backend)?;
        let mut events = RequestEvents::new(request);
        let mut values = Vec::with_capacity(limit.min(256));
        loop {
            let result = events.next().await.map_err(js_backend)?;
            // `null` once the range is exhausted.
            let Some(cursor) = result.dyn_ref::<RawCursor>() else {
                break;
            };
            values.push(cursor.value());
            if values.len() >= limit {
                break;
            }
            cursor.advance().map_err(js_backend)?;
        }
        drop(events);
        // Decode after the walk: nothing but IndexedDB requests inside it.
        values.reverse();
        values.into_iter().map(decode_message).collect()
    }

    async fn pending_messages(&self) -> Result<Vec<StoredMessage>, StoreError> {
        let tx = self.read(MESSAGES)?;
        let index = messages_index(&tx, BY_PENDING)?;
        let request = index.get_all().map_err(js_backend)?;
        let value = RequestEvents::new(request)
            .next()
            .await
            .map_err(js_backend)?;
        let array: js_sys::Array = value
            .dyn_into()
            .map_err(|_| StoreError::Decode("getAll did not return an array".to_owned()))?;
        array.iter().map(decode_message).collect()
    }

    async fn mark_read(&self, chat: &str, up_to: &Before) -> Result<Vec<String>, StoreError> {
        batch::mark_read(self, chat, up_to).await
    }

    async fn set_status(
        &self,
        id: &str,
        status: MessageStatus,
        error: Option<String>,
    ) -> Result<bool, StoreError> {
        batch::set_status(self, id, status, error).await
    }

    async fn set_stanza_id(&self, id: &str, stanza_id: &str) -> Result<bool, StoreError> {
        batch::set_stanza_id(self, id, stanza_id).await
    }

    async fn put_chat(&self, chat: &Chat) -> Result<(), StoreError> {
        self.put_record(CHATS, chat).await
    }

    async fn chats(&self) -> Result<Vec<Chat>, StoreError> {
        let mut chats: Vec<Chat> = self.all_records(CHATS).await?;
        super::memory::sort_chats(&mut chats);
        Ok(chats)
    }

    async fn put_contact(&self, contact: &Contact) -> Result<(), StoreError> {
        self.put_record(CONTACTS, contact).await
    }

    async fn remove_contact(&self, jid: &str) -> Result<(), StoreError> {
        self.delete_key(CONTACTS, jid).await
    }

    async fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        self.all_records(CONTACTS).await
    }

    async fn put_profile(&self, profile: &Profile) -> Result<(), StoreError> {
        self.put_record(PROFILES, profile).await
    }

    async fn profiles(&self) -> Result<Vec<Profile>, StoreError> {
        self.all_records(PROFILES).await
    }

    async fn put_avatar(&self, image: &AvatarImage) -> Result<(), StoreError> {
        self.put_record(AVATARS, image).await
    }

    async fn avatar(&self, hash: &str) -> Result<Option<AvatarImage>, StoreError> {
        let tx = self.read(AVATARS)?;
        tx.object_store(AVATARS)
            .map_err(backend)?
            .get(hash)
            .serde()
            .map_err(backend)?
            .await
            .map_err(backend)
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self.read(SETTINGS)?;
        tx.object_store(SETTINGS)
            .map_err(backend)?
            .get(key)
            .primitive()
            .map_err(backend)?
            .await
            .map_err(backend)
    }

    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let tx = self.write(SETTINGS)?;
        tx.object_store(SETTINGS)
            .map_err(backend)?
            .put(value)
            .with_key(key)
            .primitive()
            .map_err(backend)?
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn remove_setting(&self, key: &str) -> Result<(), StoreError> {
        self.delete_key(SETTINGS, key).await
    }

    async fn clear(&self) -> Result<(), StoreError> {
        let tx = self.transaction(&ALL_STORES, TransactionMode::Readwrite)?;
        for name in ALL_STORES {
            tx.object_store(name)
                .map_err(backend)?
                .clear()
                .map_err(backend)?
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }
}

fn open_error(error: OpenDbError) -> StoreError {
    StoreError::Unavailable(match error {
        OpenDbError::Base(error) => error_text(&error),
        other => other.to_string(),
    })
}

fn backend(error: indexed_db_futures::error::Error) -> StoreError {
    StoreError::Backend(error_text(&error))
}

/// `"Name: message"` for a browser exception (the crate's own `Display`
/// repeats the message), the crate's text otherwise.
fn error_text(error: &indexed_db_futures::error::Error) -> String {
    match error {
        indexed_db_futures::error::Error::DomException(exception) => {
            raw::error_text(exception.as_ref())
        }
        other => other.to_string(),
    }
}

fn decode(error: indexed_db_futures::error::Error) -> StoreError {
    StoreError::Decode(error.to_string())
}

fn js_backend(error: JsValue) -> StoreError {
    StoreError::Backend(raw::error_text(&error))
}
