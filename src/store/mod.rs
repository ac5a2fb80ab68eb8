//! Local persistence behind one trait, so the chat logic runs the same on the
//! in-memory store (native tests) and on IndexedDB (the browser).
//!
//! Both implementations must pass the shared suite in [`conformance`].

use crate::chat::{Chat, Contact, Millis, StoredMessage};

pub mod conformance;
pub mod memory;

#[cfg(target_arch = "wasm32")]
pub mod indexed_db;

pub use memory::MemoryStore;

/// Schema version of the persisted data. Bump it together with a new file in
/// `indexed_db/migrations/`.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the browser storage is not available: {0}")]
    Unavailable(String),
    #[error("storage operation failed: {0}")]
    Backend(String),
    #[error("stored data could not be decoded: {0}")]
    Decode(String),
}

/// Cursor for paging history backwards: messages strictly older than this
/// (timestamp, id) pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Before {
    pub timestamp: Millis,
    pub id: String,
}

/// How a message is looked up for dedup: its primary key, else its archive id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageKey {
    pub id: String,
    pub stanza_id: Option<String>,
}

/// Everything the app keeps locally. Methods are async because IndexedDB is.
///
/// Writes are upserts keyed by the record's primary key (`StoredMessage::id`,
/// `Chat::jid`, `Contact::jid`, the setting key).
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn put_message(&self, message: &StoredMessage) -> Result<(), StoreError>;
    async fn message(&self, id: &str) -> Result<Option<StoredMessage>, StoreError>;
    /// The message whose server archive id is `stanza_id`, for dedup.
    async fn message_by_stanza_id(
        &self,
        stanza_id: &str,
    ) -> Result<Option<StoredMessage>, StoreError>;
    /// Up to `limit` messages of `chat`, the newest ones older than `before`
    /// (or the newest overall), returned oldest first.
    async fn messages(
        &self,
        chat: &str,
        before: Option<&Before>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError>;
    /// Own messages still `Pending`, oldest first (the outbox).
    async fn pending_messages(&self) -> Result<Vec<StoredMessage>, StoreError>;

    async fn put_chat(&self, chat: &Chat) -> Result<(), StoreError>;
    /// All chats, most recent activity first.
    async fn chats(&self) -> Result<Vec<Chat>, StoreError>;

    async fn put_contact(&self, contact: &Contact) -> Result<(), StoreError>;
    async fn remove_contact(&self, jid: &str) -> Result<(), StoreError>;
    async fn contacts(&self) -> Result<Vec<Contact>, StoreError>;

    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
    async fn remove_setting(&self, key: &str) -> Result<(), StoreError>;

    /// Forget everything (sign out).
    async fn clear(&self) -> Result<(), StoreError>;
}
