//! The chat reducer: protocol events and user intents in, state changes and
//! effects (store writes, protocol commands) out.
//!
//! It owns no IO. The browser shell applies the effects in order and awaits
//! each store write before the next command, which is how "a message is in
//! IndexedDB before it goes to the socket" holds.

use super::model::*;
use crate::xmpp::{Event, IncomingMessage, RosterItem};
use std::collections::{BTreeSet, HashMap};

/// How many characters of a message the chat list shows.
const PREVIEW_CHARS: usize = 80;

/// Something the shell must do after a state change.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    SaveMessage(StoredMessage),
    SaveChat(Chat),
    SaveContact(Contact),
    /// Move a stored message's status forward (see [`MessageStatus::advances_to`]).
    SetStatus {
        id: String,
        status: MessageStatus,
        error: Option<String>,
    },
    RemoveContact(String),
    /// Load the newest page of a chat's history from the store.
    LoadHistory(String),
    Command(Command),
}

/// Protocol work for the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    SendMessage {
        to: String,
        body: String,
        id: String,
    },
    AddContact {
        jid: String,
    },
    Accept {
        jid: String,
    },
    Decline {
        jid: String,
    },
}

/// A user intent or a result that changes the chat state.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// Cached chats and contacts read from the store at start-up.
    Restored {
        chats: Vec<Chat>,
        contacts: Vec<Contact>,
    },
    /// A page of history for `chat` read from the store (oldest first).
    History {
        chat: String,
        messages: Vec<StoredMessage>,
    },
    Xmpp(Event),
    /// The user opens a chat (or closes it with `None`).
    Open(Option<String>),
    /// The user starts a chat with an address (already validated).
    StartChat {
        jid: String,
    },
    /// The user sends `body` in the open chat; `id` becomes the origin-id.
    Send {
        body: String,
        id: String,
    },
    /// The message left through the socket.
    Transmitted {
        id: String,
    },
    /// The user asks to send a Failed message of the open chat again.
    Retry {
        id: String,
    },
    Accept {
        jid: String,
    },
    Decline {
        jid: String,
    },
    /// Whether the page is visible and focused (unread counting).
    Visible(bool),
}

/// What the UI shows, derived from events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChatState {
    /// Our bare JID once signed in.
    pub me: Option<String>,
    pub chats: HashMap<String, Chat>,
    pub contacts: HashMap<String, Contact>,
    pub presence: HashMap<String, (Availability, Option<String>)>,
    /// Incoming contact requests waiting for Accept or Decline.
    pub requests: BTreeSet<String>,
    pub open: Option<String>,
    /// The loaded messages of the open chat, oldest first.
    pub messages: Vec<StoredMessage>,
    pub visible: bool,
    /// A failure to tell the user about (shown until dismissed).
    pub notice: Option<String>,
}

impl ChatState {
    pub fn new(me: Option<String>) -> Self {
        Self {
            me,
            visible: true,
            ..Self::default()
        }
    }

    /// Chats sorted for the list: most recent activity first.
    pub fn sorted_chats(&self) -> Vec<Chat> {
        let mut chats: Vec<Chat> = self.chats.values().cloned().collect();
        chats.sort_by(|a, b| {
            b.last_activity
                .cmp(&a.last_activity)
                .then(a.jid.cmp(&b.jid))
        });
        chats
    }

    /// The name to show for a JID: roster name, else the address.
    pub fn display_name(&self, jid: &str) -> String {
        self.contacts
            .get(jid)
            .and_then(|c| c.name.clone())
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| jid.to_string())
    }

    pub fn availability(&self, jid: &str) -> Availability {
        self.presence.get(jid).map(|p| p.0).unwrap_or_default()
    }

    pub fn apply(&mut self, input: Input, now: Millis) -> Vec<Effect> {
        match input {
            Input::Restored { chats, contacts } => {
                for c in chats {
                    self.chats.entry(c.jid.clone()).or_insert(c);
                }
                for c in contacts {
                    self.contacts.entry(c.jid.clone()).or_insert(c);
                }
                vec![]
            }
            Input::History { chat, messages } => {
                if self.open.as_deref() == Some(chat.as_str()) {
                    for m in messages {
                        self.upsert_loaded(m);
                    }
                }
                vec![]
            }
            Input::Xmpp(event) => self.on_event(event, now),
            Input::Open(jid) => self.open_chat(jid),
            Input::StartChat { jid } => {
                let mut effects = vec![];
                if !self.contacts.contains_key(&jid) {
                    let contact = Contact {
                        jid: jid.clone(),
                        name: None,
                        subscription: Subscription::None,
                        pending_out: true,
                    };
                    self.contacts.insert(jid.clone(), contact.clone());
                    effects.push(Effect::SaveContact(contact));
                    effects.push(Effect::Command(Command::AddContact { jid: jid.clone() }));
                }
                effects.extend(self.ensure_chat(&jid, now));
                effects.extend(self.open_chat(Some(jid)));
                effects
            }
            Input::Send { body, id } => self.send(body, id, now),
            Input::Transmitted { id } => self.set_status(&id, MessageStatus::Sent, None),
            Input::Retry { id } => self.retry(&id),
            Input::Accept { jid } => {
                self.requests.remove(&jid);
                let mut effects = vec![Effect::Command(Command::Accept { jid: jid.clone() })];
                effects.extend(self.ensure_chat(&jid, now));
                effects
            }
            Input::Decline { jid } => {
                self.requests.remove(&jid);
                vec![Effect::Command(Command::Decline { jid })]
            }
            Input::Visible(visible) => {
                self.visible = visible;
                match (visible, self.open.clone()) {
                    (true, Some(jid)) => self.clear_unread(&jid),
                    _ => vec![],
                }
            }
        }
    }

    fn open_chat(&mut self, jid: Option<String>) -> Vec<Effect> {
        self.open = jid.clone();
        self.messages.clear();
        match jid {
            Some(jid) => {
                let mut effects = self.clear_unread(&jid);
                effects.push(Effect::LoadHistory(jid));
                effects
            }
            None => vec![],
        }
    }

    fn clear_unread(&mut self, jid: &str) -> Vec<Effect> {
        match self.chats.get_mut(jid) {
            Some(chat) if chat.unread > 0 => {
                chat.unread = 0;
                vec![Effect::SaveChat(chat.clone())]
            }
            _ => vec![],
        }
    }

    fn send(&mut self, body: String, id: String, now: Millis) -> Vec<Effect> {
        let (Some(to), Some(me)) = (self.open.clone(), self.me.clone()) else {
            return vec![];
        };
        if body.trim().is_empty() {
            return vec![];
        }
        let message = StoredMessage {
            id: id.clone(),
            chat: to.clone(),
            from_me: true,
            sender: me,
            body: body.clone(),
            timestamp: now,
            status: MessageStatus::Pending,
            stanza_id: None,
            error: None,
        };
        self.upsert_loaded(message.clone());
        let chat = self.touch_chat(&to, &body, now, false);
        vec![
            Effect::SaveMessage(message),
            Effect::SaveChat(chat),
            Effect::Command(Command::SendMessage { to, body, id }),
        ]
    }

    /// Sends a Failed message again with the same id, so the recipient can
    /// still tell a duplicate apart.
    fn retry(&mut self, id: &str) -> Vec<Effect> {
        let Some(m) = self
            .messages
            .iter()
            .find(|m| m.id == id && m.status == MessageStatus::Failed)
        else {
            return vec![];
        };
        let command = Command::SendMessage {
            to: m.chat.clone(),
            body: m.body.clone(),
            id: m.id.clone(),
        };
        let mut effects = self.set_status(id, MessageStatus::Pending, None);
        effects.push(Effect::Command(command));
        effects
    }

    fn on_event(&mut self, event: Event, now: Millis) -> Vec<Effect> {
        match event {
            Event::Online { jid, .. } => {
                self.me = Some(bare(&jid).to_string());
                vec![]
            }
            Event::Roster { items } => {
                let mut effects = vec![];
                let keep: BTreeSet<String> = items.iter().map(|i| i.jid.clone()).collect();
                let gone: Vec<String> = self
                    .contacts
                    .keys()
                    .filter(|j| !keep.contains(*j))
                    .cloned()
                    .collect();
                for jid in gone {
                    // A contact we just asked for may not be in the server's answer yet.
                    if self.contacts.get(&jid).is_some_and(|c| !c.pending_out) {
                        self.contacts.remove(&jid);
                        effects.push(Effect::RemoveContact(jid));
                    }
                }
                for item in items {
                    effects.extend(self.roster_item(item));
                }
                effects
            }
            Event::RosterPush { item } => self.roster_item(item),
            Event::ContactPresence {
                jid,
                availability,
                status,
            } => {
                self.presence.insert(jid, (availability, status));
                vec![]
            }
            Event::SubscriptionRequest { from } => {
                let already = self.contacts.get(&from).is_some_and(|c| {
                    matches!(c.subscription, Subscription::From | Subscription::Both)
                });
                if !already {
                    self.requests.insert(from);
                }
                vec![]
            }
            Event::Message(message) => self.incoming(message, now),
            Event::MessageFailed { id, reason } => {
                self.set_status(&id, MessageStatus::Failed, Some(reason))
            }
            Event::Receipt { id, .. } => self.set_status(&id, MessageStatus::Delivered, None),
            Event::RequestFailed { request, reason } => {
                self.notice = Some(format!("Could not {request}: {reason}"));
                vec![]
            }
            Event::Ended { .. } | Event::Malformed { .. } => vec![],
            Event::Resumed { .. }
            | Event::Sent { .. }
            | Event::Displayed(_)
            | Event::Archive(_)
            | Event::ArchiveFailed { .. } => vec![], // handled in the next commits
        }
    }

    fn roster_item(&mut self, item: RosterItem) -> Vec<Effect> {
        if item.subscription == Subscription::Remove {
            self.contacts.remove(&item.jid);
            return vec![Effect::RemoveContact(item.jid)];
        }
        let contact = Contact {
            jid: item.jid.clone(),
            name: item.name,
            subscription: item.subscription,
            pending_out: item.pending_out,
        };
        if matches!(
            contact.subscription,
            Subscription::From | Subscription::Both
        ) {
            self.requests.remove(&contact.jid);
        }
        // A contact without messages sorts last in the chat list.
        let mut effects: Vec<Effect> = self.ensure_chat(&contact.jid, 0).into_iter().collect();
        if self.contacts.get(&contact.jid) != Some(&contact) {
            self.contacts.insert(contact.jid.clone(), contact.clone());
            effects.push(Effect::SaveContact(contact));
        }
        effects
    }

    fn incoming(&mut self, m: IncomingMessage, now: Millis) -> Vec<Effect> {
        let chat = bare(&m.from).to_string();
        let id = m
            .origin_id
            .clone()
            .or_else(|| m.stanza_id.clone())
            .or_else(|| m.id.clone().map(|id| format!("{chat}/{id}")))
            .unwrap_or_else(|| format!("{chat}/{now}"));
        if self.messages.iter().any(|x| x.id == id) {
            return vec![];
        }
        let timestamp = m.delay.unwrap_or(now);
        let message = StoredMessage {
            id,
            chat: chat.clone(),
            from_me: false,
            sender: chat.clone(),
            body: m.body.clone(),
            timestamp,
            status: MessageStatus::Received,
            stanza_id: m.stanza_id,
            error: None,
        };
        let is_open = self.open.as_deref() == Some(chat.as_str());
        if is_open {
            self.upsert_loaded(message.clone());
        }
        let unread = !(is_open && self.visible);
        let chat_row = self.touch_chat(&chat, &m.body, timestamp, unread);
        vec![Effect::SaveMessage(message), Effect::SaveChat(chat_row)]
    }

    /// Adds an empty chat for `jid` unless there is one; returns its save.
    fn ensure_chat(&mut self, jid: &str, at: Millis) -> Option<Effect> {
        if self.chats.contains_key(jid) {
            return None;
        }
        let chat = Chat::empty(jid, at);
        self.chats.insert(jid.to_string(), chat.clone());
        Some(Effect::SaveChat(chat))
    }

    fn touch_chat(&mut self, jid: &str, body: &str, at: Millis, unread: bool) -> Chat {
        let chat = self
            .chats
            .entry(jid.to_string())
            .or_insert_with(|| Chat::empty(jid, at));
        chat.last_activity = chat.last_activity.max(at);
        chat.last_preview = preview(body);
        if unread {
            chat.unread += 1;
        }
        chat.clone()
    }

    fn set_status(
        &mut self,
        id: &str,
        status: MessageStatus,
        error: Option<String>,
    ) -> Vec<Effect> {
        if let Some(m) = self.messages.iter_mut().find(|m| m.id == id) {
            if m.status.advances_to(status) {
                m.status = status;
                m.error = error.clone();
            }
        }
        // The message may not be loaded (another chat is open): the store
        // applies the same forward-only rule.
        vec![Effect::SetStatus {
            id: id.to_string(),
            status,
            error,
        }]
    }

    /// Insert or replace a message in the loaded window, keeping it ordered.
    fn upsert_loaded(&mut self, message: StoredMessage) {
        if let Some(existing) = self.messages.iter_mut().find(|m| m.id == message.id) {
            *existing = message;
            return;
        }
        let key = (message.timestamp, message.id.clone());
        let at = self
            .messages
            .partition_point(|m| (m.timestamp, m.id.as_str()) <= (key.0, key.1.as_str()));
        self.messages.insert(at, message);
    }
}

/// The bare part of a JID string (`a@b/c` → `a@b`).
pub fn bare(jid: &str) -> &str {
    jid.split('/').next().unwrap_or(jid)
}

fn preview(body: &str) -> String {
    let line = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let mut out: String = line.chars().take(PREVIEW_CHARS).collect();
    if line.chars().count() > PREVIEW_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::IncomingMessage;

    fn signed_in() -> ChatState {
        let mut s = ChatState::new(None);
        s.apply(
            Input::Xmpp(Event::Online {
                jid: "me@x/r".into(),
                scram_keys: None,
            }),
            1,
        );
        s
    }

    fn incoming(from: &str, body: &str, origin: &str) -> Input {
        Input::Xmpp(Event::Message(IncomingMessage {
            from: from.into(),
            chat: from.into(),
            from_me: false,
            markable: true,
            id: Some("s1".into()),
            origin_id: Some(origin.into()),
            stanza_id: None,
            body: body.into(),
            delay: None,
        }))
    }

    #[test]
    fn sending_saves_the_pending_message_before_the_command() {
        let mut s = signed_in();
        s.apply(
            Input::StartChat {
                jid: "bob@x".into(),
            },
            5,
        );
        let effects = s.apply(
            Input::Send {
                body: "hi".into(),
                id: "o1".into(),
            },
            10,
        );
        let save = effects.iter().position(
            |e| matches!(e, Effect::SaveMessage(m) if m.status == MessageStatus::Pending),
        );
        let send = effects
            .iter()
            .position(|e| matches!(e, Effect::Command(Command::SendMessage { .. })));
        assert!(
            save.is_some() && send.is_some() && save < send,
            "{effects:?}"
        );
        assert_eq!(s.messages.len(), 1);
        assert_eq!(s.chats["bob@x"].last_preview, "hi");
    }

    #[test]
    fn starting_a_chat_with_a_stranger_adds_the_contact() {
        let mut s = signed_in();
        let effects = s.apply(
            Input::StartChat {
                jid: "bob@x".into(),
            },
            5,
        );
        assert!(effects.contains(&Effect::Command(Command::AddContact {
            jid: "bob@x".into()
        })));
        assert_eq!(s.open.as_deref(), Some("bob@x"));
        assert!(effects.contains(&Effect::LoadHistory("bob@x".into())));
    }

    #[test]
    fn a_message_for_a_closed_chat_counts_as_unread_and_moves_it_up() {
        let mut s = signed_in();
        s.apply(incoming("bob@x", "one", "a"), 10);
        s.apply(incoming("carol@x", "two", "b"), 20);
        s.apply(incoming("bob@x", "three", "c"), 30);
        let chats = s.sorted_chats();
        assert_eq!(chats[0].jid, "bob@x");
        assert_eq!(chats[0].unread, 2);
        assert_eq!(chats[0].last_preview, "three");
        assert_eq!(chats[1].unread, 1);
    }

    #[test]
    fn opening_a_chat_clears_its_unread_count() {
        let mut s = signed_in();
        s.apply(incoming("bob@x", "one", "a"), 10);
        let effects = s.apply(Input::Open(Some("bob@x".into())), 11);
        assert_eq!(s.chats["bob@x"].unread, 0);
        assert!(effects
            .iter()
            .any(|e| matches!(e, Effect::SaveChat(c) if c.unread == 0)));
    }

    #[test]
    fn a_message_in_the_open_visible_chat_is_not_unread() {
        let mut s = signed_in();
        s.apply(
            Input::StartChat {
                jid: "bob@x".into(),
            },
            5,
        );
        s.apply(incoming("bob@x", "one", "a"), 10);
        assert_eq!(s.chats["bob@x"].unread, 0);
        assert_eq!(s.messages.len(), 1);
        s.apply(Input::Visible(false), 11);
        s.apply(incoming("bob@x", "two", "b"), 12);
        assert_eq!(s.chats["bob@x"].unread, 1);
    }

    #[test]
    fn the_same_origin_id_twice_shows_once() {
        let mut s = signed_in();
        s.apply(
            Input::StartChat {
                jid: "bob@x".into(),
            },
            5,
        );
        s.apply(incoming("bob@x", "one", "a"), 10);
        let effects = s.apply(incoming("bob@x", "one", "a"), 11);
        assert!(effects.is_empty());
        assert_eq!(s.messages.len(), 1);
    }

    #[test]
    fn ticks_never_move_backwards() {
        let mut s = signed_in();
        s.apply(
            Input::StartChat {
                jid: "bob@x".into(),
            },
            5,
        );
        s.apply(
            Input::Send {
                body: "hi".into(),
                id: "o1".into(),
            },
            10,
        );
        s.apply(Input::Transmitted { id: "o1".into() }, 11);
        assert_eq!(s.messages[0].status, MessageStatus::Sent);
        s.messages[0].status = MessageStatus::Read;
        s.apply(Input::Transmitted { id: "o1".into() }, 12);
        assert_eq!(s.messages[0].status, MessageStatus::Read);
    }

    #[test]
    fn a_bounced_message_becomes_failed_with_its_reason() {
        let mut s = signed_in();
        s.apply(
            Input::StartChat {
                jid: "bob@x".into(),
            },
            5,
        );
        s.apply(
            Input::Send {
                body: "hi".into(),
                id: "o1".into(),
            },
            10,
        );
        let fx = s.apply(
            Input::Xmpp(Event::MessageFailed {
                id: "o1".into(),
                reason: "no such user".into(),
            }),
            11,
        );
        assert_eq!(s.messages[0].status, MessageStatus::Failed);
        assert_eq!(s.messages[0].error.as_deref(), Some("no such user"));
        assert!(matches!(
            &fx[0],
            Effect::SetStatus {
                status: MessageStatus::Failed,
                ..
            }
        ));
    }

    #[test]
    fn retrying_a_failed_message_sends_it_again_with_the_same_id() {
        let mut s = signed_in();
        s.apply(
            Input::StartChat {
                jid: "bob@x".into(),
            },
            5,
        );
        s.apply(
            Input::Send {
                body: "hi".into(),
                id: "o1".into(),
            },
            10,
        );
        s.apply(
            Input::Xmpp(Event::MessageFailed {
                id: "o1".into(),
                reason: "gone".into(),
            }),
            11,
        );
        let fx = s.apply(Input::Retry { id: "o1".into() }, 12);
        assert_eq!(s.messages[0].status, MessageStatus::Pending);
        assert_eq!(s.messages[0].error, None);
        assert!(fx.contains(&Effect::Command(Command::SendMessage {
            to: "bob@x".into(),
            body: "hi".into(),
            id: "o1".into()
        })));
        // Only failed messages can be retried.
        assert!(s.apply(Input::Retry { id: "o1".into() }, 13).is_empty());
    }

    #[test]
    fn subscription_requests_wait_for_an_answer_and_accepting_opens_a_chat() {
        let mut s = signed_in();
        s.apply(
            Input::Xmpp(Event::SubscriptionRequest {
                from: "dan@x".into(),
            }),
            5,
        );
        assert!(s.requests.contains("dan@x"));
        let fx = s.apply(
            Input::Accept {
                jid: "dan@x".into(),
            },
            6,
        );
        assert!(s.requests.is_empty());
        assert!(fx.contains(&Effect::Command(Command::Accept {
            jid: "dan@x".into()
        })));
        assert!(s.chats.contains_key("dan@x"));
    }

    #[test]
    fn a_roster_without_a_contact_removes_it_unless_we_just_asked() {
        let mut s = signed_in();
        s.apply(
            Input::StartChat {
                jid: "new@x".into(),
            },
            5,
        );
        let old = RosterItem {
            jid: "old@x".into(),
            name: Some("Old".into()),
            subscription: Subscription::Both,
            pending_out: false,
        };
        s.apply(Input::Xmpp(Event::RosterPush { item: old }), 6);
        assert_eq!(s.display_name("old@x"), "Old");
        let fx = s.apply(Input::Xmpp(Event::Roster { items: vec![] }), 7);
        assert!(fx.contains(&Effect::RemoveContact("old@x".into())));
        assert!(s.contacts.contains_key("new@x"));
    }

    #[test]
    fn preview_takes_the_first_non_empty_line_and_truncates() {
        assert_eq!(preview("\n  hello\nworld"), "hello");
        assert_eq!(preview(&"x".repeat(100)).chars().count(), PREVIEW_CHARS + 1);
    }
}
