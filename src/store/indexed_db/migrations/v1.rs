//! Version 1: the first schema.
//!
//! * `messages`, keyed by `id`, with the indexes
//!   * `chat_time` on `[chat, timestamp, id]`: history paging, newest first
//!     with a reverse cursor over one chat's key range;
//!   * `stanza_id` on `stanza_id` (absent for most messages, which are then
//!     not in the index): dedup of archive results;
//!   * `pending` on `[pending, timestamp, id]`: the outbox. `pending` is
//!     written only for own messages with status `Pending`, so the index holds
//!     exactly the outbox, oldest first.
//! * `chats`, keyed by `jid`.
//! * `contacts`, keyed by `jid`.
//! * `settings`, keys out of line (the setting name), values strings.

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;
use wasm_bindgen::JsValue;

use super::super::raw::raw_store;

pub fn apply(db: &Database) -> indexed_db_futures::Result<()> {
    let messages = db
        .create_object_store("messages")
        .with_key_path(KeyPath::One("id"))
        .build()?;
    let messages = raw_store(messages.as_sys());
    let no_options = JsValue::UNDEFINED;
    messages.create_index(
        "chat_time",
        &sequence(&["chat", "timestamp", "id"]),
        &no_options,
    )?;
    messages.create_index("stanza_id", &JsValue::from_str("stanza_id"), &no_options)?;
    messages.create_index(
        "pending",
        &sequence(&["pending", "timestamp", "id"]),
        &no_options,
    )?;

    db.create_object_store("chats")
        .with_key_path(KeyPath::One("jid"))
        .build()?;
    db.create_object_store("contacts")
        .with_key_path(KeyPath::One("jid"))
        .build()?;
    db.create_object_store("settings").build()?;
    Ok(())
}

fn sequence(parts: &[&str]) -> JsValue {
    parts
        .iter()
        .map(|part| JsValue::from_str(part))
        .collect::<js_sys::Array>()
        .into()
}
