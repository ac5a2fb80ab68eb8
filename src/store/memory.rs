//! In-memory store: the reference implementation of [`Store`], used by native
//! tests and as a fallback when the browser storage is unavailable.
//!
//! Single-threaded on purpose (`RefCell`, no `Send`): the app runs on the
//! browser's one thread and the tests on `block_on`. No borrow is ever held
//! across an `.await`, so the `RefCell`s cannot be borrowed twice.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{can_be_marked_read, Before, MessageKey, Store, StoreError};
use crate::chat::{AvatarImage, Chat, Contact, MessageStatus, Profile, StoredMessage};

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
    /// Stanza id -> ids of the messages carrying it (normally one).
    by_stanza_id: HashMap<String, BTreeSet<String>>,
    chats: HashMap<String, Chat>,
    contacts: BTreeMap<String, Contact>,
    settings: HashMap<String, String>,
    profiles: BTreeMap<String, Profile>,
    avatars: HashMap<String, AvatarImage>,
}

impl Inner {
    fn put(&mut self, message: &StoredMessage) {
        if let Some(old) = self.messages.remove(&message.id) {
            self.unlink(&old);
        }
        self.by_chat
            .entry(message.chat.clone())
            .or_default()
            .insert((message.timestamp, message.id.clone()), message.id.clone());
        if let Some(stanza_id) = &message.stanza_id {
            self.by_stanza_id
                .entry(stanza_id.clone())
                .or_default()
                .insert(message.id.clone());
        }
        self.messages.insert(message.id.clone(), message.clone());
    }

    fn unlink(&mut self, old: &StoredMessage) {
        if let Some(order) = self.by_chat.get_mut(&old.chat) {
            order.remove(&(old.timestamp, old.id.clone()));
            if order.is_empty() {
                self.by_chat.remove(&old.chat);
            }
        }
        if let Some(stanza_id) = &old.stanza_id {
            if let Some(ids) = self.by_stanza_id.get_mut(stanza_id) {
                ids.remove(&old.id);
                if ids.is_empty() {
                    self.by_stanza_id.remove(stanza_id);
                }
            }
        }
    }

    /// Should two messages ever carry the same stanza id, the one with the
    /// lowest id, as the IndexedDB index answers (equal index keys are
    /// ordered by primary key there).
    fn by_stanza_id(&self, stanza_id: &str) -> Option<&StoredMessage> {
        let id = self.by_stanza_id.get(stanza_id)?.first()?;
        self.messages.get(id)
    }
}

fn is_pending(message: &StoredMessage) -> bool {
    message.from_me && message.status == MessageStatus::Pending
}

impl Store for MemoryStore {
    async fn put_message(&self, message: &StoredMessage) -> Result<(), StoreError> {
        self.inner.borrow_mut().put(message);
        Ok(())
    }

    async fn put_messages(&self, messages: &[StoredMessage]) -> Result<(), StoreError> {
        let mut inner = self.inner.borrow_mut();
        for message in messages {
            inner.put(message);
        }
        Ok(())
    }

    async fn delete_message(&self, id: &str) -> Result<(), StoreError> {
        let mut inner = self.inner.borrow_mut();
        if let Some(old) = inner.messages.remove(id) {
            inner.unlink(&old);
        }
        Ok(())
    }

    async fn message(&self, id: &str) -> Result<Option<StoredMessage>, StoreError> {
        Ok(self.inner.borrow().messages.get(id).cloned())
    }

    async fn message_by_stanza_id(
        &self,
        stanza_id: &str,
    ) -> Result<Option<StoredMessage>, StoreError> {
        Ok(self.inner.borrow().by_stanza_id(stanza_id).cloned())
    }

    async fn existing(
        &self,
        candidates: &[MessageKey],
    ) -> Result<Vec<Option<StoredMessage>>, StoreError> {
        let inner = self.inner.borrow();
        Ok(candidates
            .iter()
            .map(|candidate| {
                inner
                    .messages
                    .get(&candidate.id)
                    .or_else(|| {
                        let stanza_id = candidate.stanza_id.as_deref()?;
                        inner.by_stanza_id(stanza_id)
                    })
                    .cloned()
            })
            .collect())
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

    async fn mark_read(&self, chat: &str, up_to: &Before) -> Result<Vec<String>, StoreError> {
        let mut inner = self.inner.borrow_mut();
        let Inner {
            messages, by_chat, ..
        } = &mut *inner;
        let Some(order) = by_chat.get(chat) else {
            return Ok(Vec::new());
        };
        let mut changed = Vec::new();
        for id in order
            .range(..=(up_to.timestamp, up_to.id.clone()))
            .map(|(_, id)| id)
        {
            if let Some(message) = messages.get_mut(id) {
                if can_be_marked_read(message.from_me, message.status) {
                    message.status = MessageStatus::Read;
                    changed.push(id.clone());
                }
            }
        }
        Ok(changed)
    }

    async fn set_status(
        &self,
        id: &str,
        status: MessageStatus,
        error: Option<String>,
    ) -> Result<bool, StoreError> {
        let mut inner = self.inner.borrow_mut();
        match inner.messages.get_mut(id) {
            Some(message) if message.status.advances_to(status) => {
                message.status = status;
                message.error = error;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn set_stanza_id(&self, id: &str, stanza_id: &str) -> Result<bool, StoreError> {
        let Some(mut message) = self.message(id).await? else {
            return Ok(false);
        };
        if message.stanza_id.is_some() {
            return Ok(false);
        }
        message.stanza_id = Some(stanza_id.to_owned());
        self.put_message(&message).await?;
        Ok(true)
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

    async fn put_profile(&self, profile: &Profile) -> Result<(), StoreError> {
        self.inner
            .borrow_mut()
            .profiles
            .insert(profile.jid.clone(), profile.clone());
        Ok(())
    }

    async fn profiles(&self) -> Result<Vec<Profile>, StoreError> {
        Ok(self.inner.borrow().profiles.values().cloned().collect())
    }

    async fn put_avatar(&self, image: &AvatarImage) -> Result<(), StoreError> {
        self.inner
            .borrow_mut()
            .avatars
            .insert(image.hash.clone(), image.clone());
        Ok(())
    }

    async fn avatar(&self, hash: &str) -> Result<Option<AvatarImage>, StoreError> {
        Ok(self.inner.borrow().avatars.get(hash).cloned())
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
