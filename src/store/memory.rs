//! In-memory store: the reference implementation of [`Store`], used by native
//! tests and as a fallback when the browser storage is unavailable.
//!
//! Single-threaded on purpose (`RefCell`, no `Send`): the app runs on the
//! browser's one thread and the tests on `block_on`. No borrow is ever held
//! across an `.await`, so the `RefCell`s cannot be borrowed twice.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use super::{Before, Store, StoreError};
use crate::chat::{Chat, Contact, MessageStatus, StoredMessage};

/// Everything kept in plain collections.
///
/// Messages are kept per chat in a `BTreeMap` ordered by `(timestamp, id)`,
/// the same order the IndexedDB `chat_time` index uses, so paging is a range
/// query here too.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: RefCell<Inner>,
}

type OrderKey = (u64, String);

#[derive(Debug, Default)]
struct Inner {
    /// Message id -> message.
    messages: HashMap<String, StoredMessage>,
    /// Chat JID -> (timestamp, id) -> message id.
    by_chat: HashMap<String, BTreeMap<OrderKey, String>>,
    chats: HashMap<String, Chat>,
    contacts: BTreeMap<String, Contact>,
    settings: HashMap<String, String>,
}

impl Inner {
    fn unlink(&mut self, old: &StoredMessage) {
        if let Some(order) = self.by_chat.get_mut(&old.chat) {
            order.remove(&(old.timestamp, old.id.clone()));
            if order.is_empty() {
                self.by_chat.remove(&old.chat);
            }
        }
    }
}

fn is_pending(message: &StoredMessage) -> bool {
    message.from_me && message.status == MessageStatus::Pending
}

impl Store for MemoryStore {
    async fn put_message(&self, message: &StoredMessage) -> Result<(), StoreError> {
        let mut inner = self.inner.borrow_mut();
        if let Some(old) = inner.messages.remove(&message.id) {
            inner.unlink(&old);
        }
        inner
            .by_chat
            .entry(message.chat.clone())
            .or_default()
            .insert((message.timestamp, message.id.clone()), message.id.clone());
        inner.messages.insert(message.id.clone(), message.clone());
        Ok(())
    }

    async fn message(&self, id: &str) -> Result<Option<StoredMessage>, StoreError> {
        Ok(self.inner.borrow().messages.get(id).cloned())
    }

    async fn message_by_stanza_id(
        &self,
        stanza_id: &str,
    ) -> Result<Option<StoredMessage>, StoreError> {
        let inner = self.inner.borrow();
        // The first by (timestamp, id), so the answer does not depend on hash order
        // should two messages ever carry the same stanza id.
        Ok(inner
            .messages
            .values()
            .filter(|m| m.stanza_id.as_deref() == Some(stanza_id))
            .min_by(|a, b| (a.timestamp, &a.id).cmp(&(b.timestamp, &b.id)))
            .cloned())
    }

    async fn messages(
        &self,
        chat: &str,
        before: Option<&Before>,
        limit: usize,
    ) -> Result<Vec<StoredMessage>, StoreError> {
        let inner = self.inner.borrow();
        let Some(order) = inner.by_chat.get(chat) else {
            return Ok(Vec::new());
        };
        let older: Box<dyn DoubleEndedIterator<Item = &String>> = match before {
            Some(before) => Box::new(
                order
                    .range(..(before.timestamp, before.id.clone()))
                    .map(|(_, id)| id),
            ),
            None => Box::new(order.values()),
        };
        let mut page: Vec<StoredMessage> = older
            .rev()
            .take(limit)
            .filter_map(|id| inner.messages.get(id).cloned())
            .collect();
        page.reverse();
        Ok(page)
    }

    async fn pending_messages(&self) -> Result<Vec<StoredMessage>, StoreError> {
        let inner = self.inner.borrow();
        let mut pending: Vec<StoredMessage> = inner
            .messages
            .values()
            .filter(|m| is_pending(m))
            .cloned()
            .collect();
        pending.sort_by(|a, b| (a.timestamp, &a.id).cmp(&(b.timestamp, &b.id)));
        Ok(pending)
    }

    async fn put_chat(&self, chat: &Chat) -> Result<(), StoreError> {
        self.inner
            .borrow_mut()
            .chats
            .insert(chat.jid.clone(), chat.clone());
        Ok(())
    }

    async fn chats(&self) -> Result<Vec<Chat>, StoreError> {
        let mut chats: Vec<Chat> = self.inner.borrow().chats.values().cloned().collect();
        sort_chats(&mut chats);
        Ok(chats)
    }

    async fn put_contact(&self, contact: &Contact) -> Result<(), StoreError> {
        self.inner
            .borrow_mut()
            .contacts
            .insert(contact.jid.clone(), contact.clone());
        Ok(())
    }

    async fn remove_contact(&self, jid: &str) -> Result<(), StoreError> {
        self.inner.borrow_mut().contacts.remove(jid);
        Ok(())
    }

    async fn contacts(&self) -> Result<Vec<Contact>, StoreError> {
        Ok(self.inner.borrow().contacts.values().cloned().collect())
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.inner.borrow().settings.get(key).cloned())
    }

    async fn put_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.inner
            .borrow_mut()
            .settings
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    async fn remove_setting(&self, key: &str) -> Result<(), StoreError> {
        self.inner.borrow_mut().settings.remove(key);
        Ok(())
    }

    async fn clear(&self) -> Result<(), StoreError> {
        *self.inner.borrow_mut() = Inner::default();
        Ok(())
    }
}

/// The chat list order shared by every store: most recent activity first,
/// ties broken by JID so the order is stable.
pub(crate) fn sort_chats(chats: &mut [Chat]) {
    chats.sort_by(|a, b| {
        b.last_activity
            .cmp(&a.last_activity)
            .then_with(|| a.jid.cmp(&b.jid))
    });
}

#[cfg(test)]
mod tests {
    use super::MemoryStore;

    macro_rules! native_check {
        ($name:ident) => {
            #[test]
            fn $name() {
                let store = MemoryStore::default();
                let result = futures::executor::block_on(crate::store::conformance::$name(&store));
                if let Err(error) = result {
                    panic!("store error: {error}");
                }
            }
        };
    }

    crate::for_each_store_check!(native_check);
}
