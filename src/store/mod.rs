//! Local persistence behind one trait, so the chat logic runs the same on the
//! in-memory store (native tests) and on IndexedDB (the browser).
//!
//! Both implementations must pass the shared suite in [`conformance`].

use crate::chat::{AvatarImage, Chat, Contact, MessageStatus, Millis, Profile, StoredMessage};

pub mod conformance;
pub mod memory;

#[cfg(target_arch = "wasm32")]
pub mod indexed_db;

pub use memory::MemoryStore;

/// Schema version of the persisted data. Bump it together with a new file in
/// `indexed_db/migrations/`.
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the browser storage is not available: {0}")]
    Unavailable(String),
    #[error("storage operation failed: {0}")]
    Backend(String),
    #[error("stored data could not be decoded: {0}")]
    Decode(String),
}

/// A place in one chat's history, the `(timestamp, id)` pair messages are
/// ordered by.
///
/// As the cursor of [`Store::messages`] it is an exclusive bound (messages
/// strictly older than it); as the bound of [`Store::mark_read`] it is
/// inclusive (the message it names is marked too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Before {
    pub timestamp: Millis,
    pub id: String,
}

/// The ids a received message could already be stored under, for
/// [`Store::existing`]: its local id (the origin-id, see
/// [`StoredMessage::id`]) and the archive's stanza-id, when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageKey {
    pub id: String,
    pub stanza_id: Option<String>,
}

/// Whether [`Store::mark_read`] turns a message into Read: our own, and its
/// status may advance to Read. Failed may not ([`MessageStatus::advances_to`]):
/// a read marker for a later message does not mean a bounced one arrived.
pub fn can_be_marked_read(from_me: bool, status: MessageStatus) -> bool {
    from_me && status.advances_to(MessageStatus::Read)
}

/// Everything the app keeps locally. Methods are async because IndexedDB is.
///
/// Writes are upserts keyed by the record's primary key (`StoredMessage::id`,
/// `Chat::jid`, `Contact::jid`, the setting key).
#[allow(async_fn_in_trait)]
pub trait Store {
    async fn put_message(&self, message: &StoredMessage) -> Result<(), StoreError>;
    /// [`Store::put_message`] for every message, in order, all or nothing (one
    /// IndexedDB transaction). A later message with the same id as an earlier
    /// one wins. This is how a page of archived messages is written.
    async fn put_messages(&self, messages: &[StoredMessage]) -> Result<(), StoreError>;
    async fn message(&self, id: &str) -> Result<Option<StoredMessage>, StoreError>;
    /// Forgets message `id` ("Delete for me"); an unknown id is not an error.
    async fn delete_message(&self, id: &str) -> Result<(), StoreError>;
    /// The message whose server archive id is `stanza_id`, for dedup.
    async fn message_by_stanza_id(
        &self,
        stanza_id: &str,
    ) -> Result<Option<StoredMessage>, StoreError>;
    /// For each candidate, in the same order: the stored message whose id is
    /// `candidate.id`, else the one whose stanza-id is `candidate.stanza_id`
    /// (as [`Store::message_by_stanza_id`]), else `None`. One read for the
    /// whole batch, to drop duplicates before they reach the reducer.
    async fn existing(
        &self,
        candidates: &[MessageKey],
    ) -> Result<Vec<Option<StoredMessage>>, StoreError>;
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
    /// Marks our own messages in `chat` up to and including `up_to` as
    /// [`MessageStatus::Read`] (a XEP-0333 `displayed` marker covers every
    /// earlier message too). Only messages whose status may move to Read
    /// change (see [`can_be_marked_read`]): incoming, already Read and
    /// Failed ones stay as they are. Returns the ids it changed, oldest first.
    ///
    /// It looks at the whole history of `chat` up to `up_to`, not only back
    /// to the newest own Read message: "everything older than a Read message
    /// is Read" does not hold (an archive page can bring in older own
    /// messages as Sent; [`Store::set_status`] marks single messages). In
    /// IndexedDB that is one cursor walk in one transaction, about 0.1 s for
    /// 5,000 messages when nothing changes.
    async fn mark_read(&self, chat: &str, up_to: &Before) -> Result<Vec<String>, StoreError>;
    /// Moves the status of message `id` to `status` (with `error`, which
    /// replaces the stored error text) if [`MessageStatus::advances_to`]
    /// allows it, reading and writing in one transaction. Returns whether it
    /// changed; an unknown id is not an error and changes nothing.
    async fn set_status(
        &self,
        id: &str,
        status: MessageStatus,
        error: Option<String>,
    ) -> Result<bool, StoreError>;

    /// Records the archive id of a stored message that has none yet (our
    /// own message, seen again in the archive), leaving every other field
    /// as it is now: a read-modify-write in one transaction, so a status
    /// change made meanwhile is not lost. Returns whether it changed.
    async fn set_stanza_id(&self, id: &str, stanza_id: &str) -> Result<bool, StoreError>;

    async fn put_chat(&self, chat: &Chat) -> Result<(), StoreError>;
    /// All chats, most recent activity first.
    async fn chats(&self) -> Result<Vec<Chat>, StoreError>;

    async fn put_contact(&self, contact: &Contact) -> Result<(), StoreError>;
    async fn remove_contact(&self, jid: &str) -> Result<(), StoreError>;
    async fn contacts(&self) -> Result<Vec<Contact>, StoreError>;

    /// Upsert keyed by `Profile::jid`.
    async fn put_profile(&self, profile: &Profile) -> Result<(), StoreError>;
    /// Every stored profile, in JID order.
    async fn profiles(&self) -> Result<Vec<Profile>, StoreError>;
    /// Upsert keyed by `AvatarImage::hash`.
    async fn put_avatar(&self, image: &AvatarImage) -> Result<(), StoreError>;
    /// The cached image with this hash, if any.
    async fn avatar(&self, hash: &str) -> Result<Option<AvatarImage>, StoreError>;

    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
    async fn remove_setting(&self, key: &str) -> Result<(), StoreError>;

    /// Forget everything (sign out).
    async fn clear(&self) -> Result<(), StoreError>;
}
