//! What a user does to a message besides sending it (issue 5): reply
//! (XEP-0461), react (XEP-0444), edit (XEP-0308), delete for everyone
//! (XEP-0424) or only here, forward; and the same actions arriving from
//! others, applied to the message they name.
//!
//! The wire names a message differently per chat kind: in a group by the
//! stanza-id the room gave it (everyone sees the same one), in a
//! one-to-one chat by the id its author chose. A correction always names
//! the original's own id (XEP-0308 §4).

use super::ingest::marker_id;
use super::model::*;
use super::reducer::{bare, ChatState, Command, Effect};
use crate::xmpp::{Extras, IncomingMessage, Reactions};

/// Shown (and previewed) instead of a retracted message.
pub const RETRACTED_TEXT: &str = "This message was deleted";

/// How a message is named in replies, reactions and retractions.
pub fn wire_id(m: &StoredMessage, group: bool) -> Option<String> {
    if group {
        m.stanza_id.clone()
    } else {
        Some(marker_id(m).to_owned())
    }
}

/// Whether the wire id `id` names `m` (any of the names it may go by).
pub fn is_named(m: &StoredMessage, id: &str) -> bool {
    m.id == id || m.stanza_id.as_deref() == Some(id) || marker_id(m) == id
}

/// A line for the chat list and the quote of a reply: the text, or what
/// kind of file it is.
pub fn summary(body: &str, rich: &Rich) -> String {
    if rich.retracted {
        return RETRACTED_TEXT.to_owned();
    }
    if let Some(a) = &rich.attachment {
        return match a.kind() {
            AttachmentKind::Image => "📷 Photo".to_owned(),
            AttachmentKind::Video => "🎥 Video".to_owned(),
            AttachmentKind::Audio if a.name.starts_with("voice-") => "🎤 Voice message".to_owned(),
            AttachmentKind::Audio => format!("🎵 {}", a.name),
            AttachmentKind::File => format!("📄 {}", a.name),
        };
    }
    if super::text::geo(body).is_some() {
        return "📍 Location".to_owned();
    }
    body.to_owned()
}

impl ChatState {
    /// A loaded message of the open chat.
    fn loaded(&self, id: &str) -> Option<&StoredMessage> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Who we are as a reactor in `chat` (see [`Rich::reactions`]).
    fn me_in(&self) -> String {
        self.me.clone().unwrap_or_default()
    }

    /// The protocol command that sends `body` with `extras` in `chat`.
    pub(super) fn command_for(
        &self,
        chat: &str,
        body: String,
        id: String,
        extras: Extras,
    ) -> Command {
        if self.is_group(chat) {
            Command::SendRoomMessage {
                room: chat.to_owned(),
                body,
                id,
                extras,
            }
        } else {
            Command::SendMessage {
                to: chat.to_owned(),
                body,
                id,
                extras,
            }
        }
    }

    /// What a stored message of ours carries on the wire when it is sent
    /// (again, from the outbox).
    pub fn extras_of(m: &StoredMessage) -> Extras {
        Extras {
            attachment: m.rich.attachment.clone().filter(|a| !a.url.is_empty()),
            reply: m.rich.reply.clone(),
            ..Extras::default()
        }
    }

    /// The quote for a reply to loaded message `target`.
    pub(super) fn quote(&self, target: &str) -> Option<Quote> {
        let t = self.loaded(target)?;
        let group = self.is_group(&t.chat);
        Some(Quote {
            id: wire_id(t, group).unwrap_or_else(|| t.id.clone()),
            to: if group {
                t.sender.clone()
            } else {
                bare(&t.sender).to_owned()
            },
            text: summary(&t.body, &t.rich),
        })
    }

    /// Our correction of loaded own message `target`.
    pub(super) fn edit(
        &mut self,
        target: &str,
        body: String,
        id: String,
        now: Millis,
    ) -> Vec<Effect> {
        let body = body.trim_end().to_owned();
        let Some(t) = self.loaded(target).cloned() else {
            return vec![];
        };
        if !t.from_me || t.rich.retracted || body.trim().is_empty() || body == t.body {
            return vec![];
        }
        let mut changed = t.clone();
        changed.body = body.clone();
        changed.rich.edited = Some(now);
        // A Pending message is sent from the outbox with the new text; the
        // correction still goes, in case the old text already left (a
        // correction of a message the other side never got is dropped).
        let extras = Extras {
            replaces: Some(t.id.clone()),
            reply: t.rich.reply.clone(),
            ..Extras::default()
        };
        let command = self.command_for(&t.chat, body, id, extras);
        action_first(command, self.replace_loaded(changed))
    }

    /// Toggles our `emoji` on loaded message `target`.
    pub(super) fn react(&mut self, target: &str, emoji: String, id: String) -> Vec<Effect> {
        let emoji = emoji.trim().to_owned();
        let Some(t) = self.loaded(target).cloned() else {
            return vec![];
        };
        let group = self.is_group(&t.chat);
        let Some(wire) = wire_id(&t, group) else {
            return vec![];
        };
        if emoji.is_empty() || t.rich.retracted {
            return vec![];
        }
        let me = self.me_in();
        let mut changed = t.clone();
        let mine = changed.rich.reactions.entry(me.clone()).or_default();
        match mine.iter().position(|e| *e == emoji) {
            Some(i) => {
                mine.remove(i);
            }
            None => mine.push(emoji),
        }
        let emojis = mine.clone();
        if emojis.is_empty() {
            changed.rich.reactions.remove(&me);
        }
        let extras = Extras {
            reactions: Some(Reactions { id: wire, emojis }),
            ..Extras::default()
        };
        let command = self.command_for(&t.chat, String::new(), id, extras);
        action_first(command, self.replace_loaded(changed))
    }

    /// Deletes our own loaded message `target` for everyone.
    pub(super) fn retract(&mut self, target: &str, id: String) -> Vec<Effect> {
        let Some(t) = self.loaded(target).cloned() else {
            return vec![];
        };
        if !t.from_me || t.rich.retracted {
            return vec![];
        }
        let group = self.is_group(&t.chat);
        let wire = if group {
            t.stanza_id.clone()
        } else {
            Some(t.id.clone())
        };
        let command = wire.map(|wire| {
            let extras = Extras {
                retracts: Some(wire),
                ..Extras::default()
            };
            self.command_for(&t.chat, String::new(), id, extras)
        });
        let effects = if t.status == MessageStatus::Pending {
            // It must not leave the outbox later. It may be on its way
            // already, so the retraction still follows it.
            self.delete_for_me(target)
        } else {
            self.replace_loaded(retracted(t.clone()))
        };
        match command {
            Some(command) => action_first(command, effects),
            None => effects,
        }
    }

    /// Removes loaded message `target` from this device only.
    pub(super) fn delete_for_me(&mut self, target: &str) -> Vec<Effect> {
        let Some(t) = self.loaded(target).cloned() else {
            return vec![];
        };
        std::sync::Arc::make_mut(&mut self.messages).retain(|m| m.id != target);
        let mut effects = vec![Effect::DeleteMessage(t.id.clone())];
        effects.extend(self.refresh_preview(&t.chat));
        effects
    }

    /// Sends a copy of loaded message `target` (its text or its file, not
    /// its reply or reactions) to chat `to`.
    pub(super) fn forward(
        &mut self,
        target: &str,
        to: String,
        id: String,
        now: Millis,
    ) -> Vec<Effect> {
        let Some(t) = self.loaded(target).cloned() else {
            return vec![];
        };
        if t.rich.retracted {
            return vec![];
        }
        let rich = Rich {
            attachment: t.rich.attachment.clone(),
            ..Rich::default()
        };
        self.done = Some(format!("Forwarded to {}", self.display_name(&to)));
        self.send_in(to, t.body.clone(), id, rich, now)
    }

    /// Puts a changed loaded message back and saves it; the chat list's
    /// preview follows when it was the newest message.
    fn replace_loaded(&mut self, changed: StoredMessage) -> Vec<Effect> {
        let chat = changed.chat.clone();
        self.upsert_loaded(changed.clone());
        let mut effects = vec![Effect::SaveMessage(changed)];
        effects.extend(self.refresh_preview(&chat));
        effects
    }

    /// The chat list's line for `chat` from its newest loaded message.
    pub(super) fn refresh_preview(&mut self, chat: &str) -> Vec<Effect> {
        if self.open.as_deref() != Some(chat) {
            return vec![];
        }
        let line = self
            .messages
            .last()
            .map(|m| super::reducer::preview(&summary(&m.body, &m.rich)))
            .unwrap_or_default();
        match self.chats.get_mut(chat) {
            Some(c) if c.last_preview != line => {
                c.last_preview = line;
                vec![Effect::SaveChat(c.clone())]
            }
            _ => vec![],
        }
    }

    /// Applies a received action (reactions, correction, retraction) to
    /// the message it names: `target` is what the store holds under that
    /// name, looked up before the batch came in; `pending` are this
    /// batch's messages not yet stored (an archive page may hold a message
    /// and its correction). Returns the changed message to save, if any.
    pub(super) fn apply_action(
        &mut self,
        m: &IncomingMessage,
        group: bool,
        stamp: Millis,
        target: Option<StoredMessage>,
        pending: &[StoredMessage],
    ) -> Option<StoredMessage> {
        let name = m.extras.target()?;
        let chat = bare(&m.chat);
        let in_chat = |x: &&StoredMessage| x.chat == chat && is_named(x, name);
        let current = pending
            .iter()
            .rev()
            .find(in_chat)
            .or_else(|| self.messages.iter().find(in_chat))
            .cloned()
            .or(target.filter(|t| t.chat == chat && is_named(t, name)))?;
        let author = if m.from_me {
            self.me_in()
        } else if group {
            m.from.clone()
        } else {
            bare(&m.from).to_owned()
        };
        let by_author = current.from_me == m.from_me && (m.from_me || current.sender == author);
        let mut changed = current.clone();
        let x = &m.extras;
        if let Some(r) = &x.reactions {
            if current.rich.retracted {
                return None;
            }
            if r.emojis.is_empty() {
                changed.rich.reactions.remove(&author);
            } else {
                changed.rich.reactions.insert(author, r.emojis.clone());
            }
        } else if x.retracts.is_some() {
            if !by_author {
                return None;
            }
            changed = retracted(changed);
        } else if x.replaces.is_some() {
            let newer = current.rich.edited.is_none_or(|at| stamp >= at);
            if !by_author || current.rich.retracted || !newer {
                return None;
            }
            changed.body = m.body.clone();
            changed.rich.edited = Some(stamp);
        }
        if changed == current {
            return None;
        }
        if self.open.as_deref() == Some(chat) && self.messages.iter().any(|l| l.id == changed.id) {
            self.upsert_loaded(changed.clone());
        }
        if let Some(c) = self.chats.get_mut(chat) {
            // The chat list shows the newest message: follow its change.
            if c.last_activity <= changed.timestamp {
                c.last_preview = super::reducer::preview(&summary(&changed.body, &changed.rich));
            }
        }
        Some(changed)
    }
}

/// An action goes out (or into the shell's queue of unsent actions) before
/// the changed message is saved: should the page close in between, the
/// action still leaves, and our own copy of it comes back from the archive
/// and changes the message here too. Saved first, the change could stay on
/// this device only.
fn action_first(command: Command, then: Vec<Effect>) -> Vec<Effect> {
    let mut effects = vec![Effect::Command(command)];
    effects.extend(then);
    effects
}

/// `m` deleted for everyone: nothing of what it said stays.
fn retracted(mut m: StoredMessage) -> StoredMessage {
    m.body = String::new();
    m.rich = Rich {
        retracted: true,
        ..Rich::default()
    };
    m
}
