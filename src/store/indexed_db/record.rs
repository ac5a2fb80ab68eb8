//! How a message is laid out in the `messages` object store.
//!
//! Kept apart from the domain type so that the persisted layout changes only
//! with a migration, and so it can carry the fields the indexes need.

use serde::{Deserialize, Serialize};

use crate::chat::{MessageStatus, StoredMessage};

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
        }
    }
}
