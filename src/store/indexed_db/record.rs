//! How a message is laid out in the `messages` object store.
//!
//! Kept apart from the domain type so that the persisted layout changes only
//! with a migration, and so it can carry the fields the indexes need.

use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

use crate::store::StoreError;

use crate::chat::{MessageStatus, Rich, StoredMessage};

/// Value of [`MessageRecord::pending`] for messages in the outbox.
pub const IN_OUTBOX: u8 = 1;

#[derive(Serialize, Deserialize)]
pub struct MessageRecord {
    pub id: String,
    pub chat: String,
    pub from_me: bool,
    pub sender: String,
    pub body: String,
    /// A JavaScript number: exact up to 2^53 ms, far beyond any real date.
    pub timestamp: u64,
    pub status: MessageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stanza_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// [`IN_OUTBOX`] for own `Pending` messages, absent otherwise, so only
    /// the outbox appears in the `pending` index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<u8>,
    /// Issue 5; absent in records written before it and for plain text.
    #[serde(default, skip_serializing_if = "Rich::is_empty")]
    pub rich: Rich,
}

impl From<&StoredMessage> for MessageRecord {
    fn from(message: &StoredMessage) -> Self {
        let in_outbox = message.from_me && message.status == MessageStatus::Pending;
        Self {
            id: message.id.clone(),
            chat: message.chat.clone(),
            from_me: message.from_me,
            sender: message.sender.clone(),
            body: message.body.clone(),
            timestamp: message.timestamp,
            status: message.status,
            stanza_id: message.stanza_id.clone(),
            error: message.error.clone(),
            pending: in_outbox.then_some(IN_OUTBOX),
            rich: message.rich.clone(),
        }
    }
}

impl From<MessageRecord> for StoredMessage {
    fn from(record: MessageRecord) -> Self {
        Self {
            id: record.id,
            chat: record.chat,
            from_me: record.from_me,
            sender: record.sender,
            body: record.body,
            timestamp: record.timestamp,
            status: record.status,
            stanza_id: record.stanza_id,
            error: record.error,
            rich: record.rich,
        }
    }
}

/// The fields of a stored record (a JavaScript object in the layout of
/// [`MessageRecord`]) that a status change looks at.
pub struct StatusFields {
    pub id: String,
    pub from_me: bool,
    pub status: MessageStatus,
}

/// Reads [`StatusFields`] off a stored record without decoding the rest.
pub fn status_fields(value: &JsValue) -> Result<StatusFields, StoreError> {
    let field = |name: &str| {
        js_sys::Reflect::get(value, &JsValue::from_str(name))
            .map_err(|_| StoreError::Decode(format!("message record without `{name}`")))
    };
    let id = field("id")?
        .as_string()
        .ok_or_else(|| StoreError::Decode("message id is not a string".to_owned()))?;
    let from_me = field("from_me")?
        .as_bool()
        .ok_or_else(|| StoreError::Decode(format!("message {id}: from_me is not a bool")))?;
    let text = field("status")?
        .as_string()
        .ok_or_else(|| StoreError::Decode(format!("message {id}: status is not a string")))?;
    let status = MessageStatus::deserialize(text.as_str().into_deserializer()).map_err(
        |error: serde::de::value::Error| StoreError::Decode(format!("message {id}: {error}")),
    )?;
    Ok(StatusFields {
        id,
        from_me,
        status,
    })
}

/// Writes a new status into a stored record in place, keeping `pending`
/// (the outbox index field) in step, as [`MessageRecord::from`] would.
/// `status` is the serialised [`MessageStatus`]; `error`, when given,
/// replaces the error text (`Some(None)` removes it).
pub fn set_status_fields(
    value: &JsValue,
    status: &JsValue,
    in_outbox: bool,
    error: Option<Option<&str>>,
) -> Result<(), StoreError> {
    let failed = |_| StoreError::Backend("could not change a message record".to_owned());
    let set = |name: &str, field: &JsValue| {
        js_sys::Reflect::set(value, &JsValue::from_str(name), field).map_err(failed)
    };
    let remove = |name: &str| {
        js_sys::Reflect::delete_property(
            value.unchecked_ref::<js_sys::Object>(),
            &JsValue::from_str(name),
        )
        .map_err(failed)
    };
    set("status", status)?;
    if in_outbox {
        set("pending", &JsValue::from(IN_OUTBOX))?;
    } else {
        remove("pending")?;
    }
    match error {
        Some(Some(text)) => set("error", &JsValue::from_str(text))?,
        Some(None) => remove("error")?,
        None => true,
    };
    Ok(())
}
