//! The batch and read-modify-write methods of [`IndexedDbStore`]: each one a
//! single transaction, however many messages it touches.
//!
//! Values are serialised before a transaction starts. Where a decision needs
//! the stored record (`mark_read`, `set_status`), the few fields involved are
//! read and written on the JavaScript object in place (see `record.rs`), so
//! nothing but IndexedDB requests happens while the transaction is open.

use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::SerialiseToJs;
use wasm_bindgen::{JsCast, JsValue};

use super::raw::{RawCursor, RequestEvents};
use super::record::{self, MessageRecord};
use super::{
    backend, chat_time_key, decode_message, js_backend, messages_index, IndexedDbStore,
    BY_CHAT_TIME, BY_STANZA_ID, MESSAGES,
};
use crate::chat::{MessageStatus, StoredMessage};
use crate::store::{can_be_marked_read, Before, MessageKey, StoreError};

/// The requests issued for one candidate of `existing`.
struct Pending {
    by_id: RequestEvents,
    by_stanza_id: Option<RequestEvents>,
}

fn serialise(value: impl serde::Serialize) -> Result<JsValue, StoreError> {
    value
        .serialise_to_js()
        .map_err(|error| StoreError::Backend(format!("could not serialise: {error}")))
}

pub(super) async fn put_messages(
    store: &IndexedDbStore,
    messages: &[StoredMessage],
) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let values = messages
        .iter()
        .map(|message| serialise(MessageRecord::from(message)))
        .collect::<Result<Vec<JsValue>, StoreError>>()?;
    let tx = store.write(MESSAGES)?;
    let object_store = tx.object_store(MESSAGES).map_err(backend)?;
    // Requests of one transaction run in order, and a failed one aborts the
    // transaction, which `commit` reports: no need to await each put.
    for value in &values {
        object_store.as_sys().put(value).map_err(js_backend)?;
    }
    tx.commit().await.map_err(backend)
}

pub(super) async fn existing(
    store: &IndexedDbStore,
    candidates: &[MessageKey],
) -> Result<Vec<Option<StoredMessage>>, StoreError> {
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let tx = store.read(MESSAGES)?;
    let object_store = tx.object_store(MESSAGES).map_err(backend)?;
    let by_stanza_id = messages_index(&tx, BY_STANZA_ID)?;
    // Every request first, then the answers: the browser works through them
    // all without a round trip through Rust in between.
    let mut pending = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let by_id = object_store
            .as_sys()
            .get(&JsValue::from_str(&candidate.id))
            .map_err(js_backend)?;
        let by_stanza = match &candidate.stanza_id {
            Some(stanza_id) => Some(RequestEvents::new(
                by_stanza_id
                    .get(&JsValue::from_str(stanza_id))
                    .map_err(js_backend)?,
            )),
            None => None,
        };
        pending.push(Pending {
            by_id: RequestEvents::new(by_id),
            by_stanza_id: by_stanza,
        });
    }
    let mut values = Vec::with_capacity(pending.len());
    for mut requests in pending {
        let by_id = requests.by_id.next().await.map_err(js_backend)?;
        let by_stanza = match &mut requests.by_stanza_id {
            Some(request) => request.next().await.map_err(js_backend)?,
            None => JsValue::UNDEFINED,
        };
        values.push(if by_id.is_undefined() {
            by_stanza
        } else {
            by_id
        });
    }
    drop(tx);
    values
        .into_iter()
        .map(|value| {
            if value.is_undefined() {
                Ok(None)
            } else {
                decode_message(value).map(Some)
            }
        })
        .collect()
}

/// Every key of `chat` in the `chat_time` index up to and including `up_to`.
fn chat_range_up_to(chat: &str, up_to: &Before) -> Result<JsValue, StoreError> {
    let lower = js_sys::Array::of1(&JsValue::from_str(chat));
    let upper = chat_time_key(chat, up_to.timestamp, &up_to.id);
    web_sys::IdbKeyRange::bound_with_lower_open_and_upper_open(&lower, &upper, false, false)
        .map(Into::into)
        .map_err(js_backend)
}

/// Walks `chat` backwards from `up_to` through the whole older history: a
/// message may be below an own Read one and still not be Read (an archive
/// page brings in older own messages as Sent, `set_status` marks single
/// messages Read), so there is no safe place to stop early.
pub(super) async fn mark_read(
    store: &IndexedDbStore,
    chat: &str,
    up_to: &Before,
) -> Result<Vec<String>, StoreError> {
    let range = chat_range_up_to(chat, up_to)?;
    let read = serialise(MessageStatus::Read)?;
    let tx = store.write(MESSAGES)?;
    let index = messages_index(&tx, BY_CHAT_TIME)?;
    let request = index.open_cursor(&range, "prev").map_err(js_backend)?;
    let mut events = RequestEvents::new(request);
    let mut changed = Vec::new();
    let mut updates = Vec::new();
    loop {
        let result = events.next().await.map_err(js_backend)?;
        let Some(cursor) = result.dyn_ref::<RawCursor>() else {
            break;
        };
        let value = cursor.value();
        let fields = record::status_fields(&value)?;
        if can_be_marked_read(fields.from_me, fields.status) {
            record::set_status_fields(&value, &read, false, None)?;
            updates.push(value);
            changed.push(fields.id);
        }
        cursor.advance().map_err(js_backend)?;
    }
    drop(events);
    // Written after the walk: a write during it makes the browser drop the
    // records it has read ahead for the cursor: 3.6 times slower for 5,000
    // messages, 1,667 of them changed.
    // A failed put aborts the transaction; `commit` reports it.
    let object_store = tx.object_store(MESSAGES).map_err(backend)?;
    for value in &updates {
        object_store.as_sys().put(value).map_err(js_backend)?;
    }
    tx.commit().await.map_err(backend)?;
    changed.reverse();
    Ok(changed)
}

/// Reads the message record `id` and, if `change` edits it in place and
/// says so, writes it back: one readwrite transaction, so nothing written
/// meanwhile is lost. Returns whether it changed.
async fn update_message(
    store: &IndexedDbStore,
    id: &str,
    change: impl FnOnce(&JsValue) -> Result<bool, StoreError>,
) -> Result<bool, StoreError> {
    let tx = store.write(MESSAGES)?;
    let object_store = tx.object_store(MESSAGES).map_err(backend)?;
    let request = object_store
        .as_sys()
        .get(&JsValue::from_str(id))
        .map_err(js_backend)?;
    let value = RequestEvents::new(request)
        .next()
        .await
        .map_err(js_backend)?;
    if value.is_undefined() || !change(&value)? {
        return Ok(false);
    }
    object_store.as_sys().put(&value).map_err(js_backend)?;
    tx.commit().await.map_err(backend)?;
    Ok(true)
}

pub(super) async fn set_status(
    store: &IndexedDbStore,
    id: &str,
    status: MessageStatus,
    error: Option<String>,
) -> Result<bool, StoreError> {
    let status_value = serialise(status)?;
    update_message(store, id, |value| {
        let fields = record::status_fields(value)?;
        if !fields.status.advances_to(status) {
            return Ok(false);
        }
        let in_outbox = fields.from_me && status == MessageStatus::Pending;
        record::set_status_fields(value, &status_value, in_outbox, Some(error.as_deref()))?;
        Ok(true)
    })
    .await
}

/// Sets `stanza_id` on a stored message that has none, in one readwrite
/// transaction (see [`crate::store::Store::set_stanza_id`]).
pub(super) async fn set_stanza_id(
    store: &IndexedDbStore,
    id: &str,
    stanza_id: &str,
) -> Result<bool, StoreError> {
    update_message(store, id, |value| {
        let field = JsValue::from_str("stanza_id");
        let current = js_sys::Reflect::get(value, &field).map_err(js_backend)?;
        if !current.is_undefined() && !current.is_null() {
            return Ok(false);
        }
        js_sys::Reflect::set(value, &field, &JsValue::from_str(stanza_id)).map_err(js_backend)?;
        Ok(true)
    })
    .await
}
