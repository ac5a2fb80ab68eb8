//! Typing (XEP-0085), presence details and last seen (XEP-0319/XEP-0012),
//! and blocking (XEP-0191) in the chat state.

use super::model::*;
use super::reducer::{ChatState, Command, Effect};
use crate::xmpp::ChatState as Typing;
use serde::{Deserialize, Serialize};

/// Setting key of the presence the user chose (availability and message).
pub const MY_PRESENCE: &str = "my_presence";
/// Longest status message kept, in characters: a line, not a letter.
pub const STATUS_MAX_CHARS: usize = 140;

/// The presence the user chose in "My status". Kept as a setting so a
/// reload or a reconnect announces the same; idle turns Online into Away
/// only on the wire ([`ChatState::wire_presence`]), never here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPresence {
    pub availability: Availability,
    /// Empty: no status message.
    pub status: String,
}

impl Default for MyPresence {
    fn default() -> Self {
        Self {
            availability: Availability::Online,
            status: String::new(),
        }
    }
}

impl MyPresence {
    /// Trimmed, one line, at most [`STATUS_MAX_CHARS`] characters.
    pub fn new(availability: Availability, status: &str) -> Self {
        let one_line = status.split_whitespace().collect::<Vec<_>>().join(" ");
        Self {
            availability,
            status: one_line.chars().take(STATUS_MAX_CHARS).collect(),
        }
    }

    pub fn to_setting(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `None` for a missing or unreadable setting (the default applies).
    pub fn from_setting(value: &str) -> Option<Self> {
        serde_json::from_str::<Self>(value)
            .ok()
            .map(|p| Self::new(p.availability, &p.status))
    }
}

impl ChatState {
    /// A contact's chat state: only "composing" is shown ("typing…").
    pub(super) fn chat_state(&mut self, from: String, state: Typing) -> Vec<Effect> {
        if state == Typing::Composing && !self.blocked.contains(&from) {
            self.typing.insert(from);
        } else {
            self.typing.remove(&from);
        }
        vec![]
    }

    /// Someone in a group typing (or not).
    pub(super) fn room_chat_state(
        &mut self,
        room: String,
        nick: String,
        state: Typing,
    ) -> Vec<Effect> {
        let who = self.room_typing.entry(room.clone()).or_default();
        if state == Typing::Composing {
            who.insert(nick);
        } else {
            who.remove(&nick);
        }
        if who.is_empty() {
            self.room_typing.remove(&room);
            self.typing.remove(&room);
        } else {
            self.typing.insert(room);
        }
        vec![]
    }

    /// "ann is typing…", "ann and bob are typing…", "3 people are typing…".
    pub fn group_typing(&self, room: &str) -> Option<String> {
        let who: Vec<&String> = self.room_typing.get(room)?.iter().collect();
        Some(match who.as_slice() {
            [] => return None,
            [one] => format!("{one} is typing…"),
            [a, b] => format!("{a} and {b} are typing…"),
            more => format!("{} people are typing…", more.len()),
        })
    }

    /// The user typed in (or emptied) the composer of the open chat, or
    /// stopped for a while (`composing: false` with text left: paused).
    pub(super) fn composing(&mut self, composing: bool, has_text: bool) -> Vec<Effect> {
        let Some(to) = self.open.clone() else {
            return vec![];
        };
        let state = match (composing, has_text) {
            (true, _) => Typing::Composing,
            (false, true) => Typing::Paused,
            (false, false) => Typing::Active,
        };
        let last = self.my_typing.get(&to).copied().unwrap_or(Typing::Active);
        if last == state {
            return vec![];
        }
        self.my_typing.insert(to.clone(), state);
        if self.is_group(&to) {
            return vec![Effect::Command(Command::SendRoomChatState {
                room: to,
                state,
            })];
        }
        vec![Effect::Command(Command::SendChatState { to, state })]
    }

    /// A message we send carries `<active/>`: we are no longer typing.
    pub(super) fn sent_active(&mut self, to: &str) {
        self.my_typing.remove(to);
    }

    /// "My status": a new choice is saved and announced (with the idle
    /// time, if the user is idle now).
    pub(super) fn set_my_presence(&mut self, chosen: MyPresence) -> Vec<Effect> {
        if chosen == self.my_presence {
            return vec![];
        }
        self.my_presence = chosen;
        vec![
            Effect::SaveSetting {
                key: MY_PRESENCE.to_owned(),
                value: self.my_presence.to_setting(),
            },
            self.presence_command(),
        ]
    }

    /// The user stopped interacting at `since`, or is back (`None`).
    pub(super) fn set_my_idle(&mut self, since: Option<Millis>) -> Vec<Effect> {
        if since == self.my_idle_since {
            return vec![];
        }
        self.my_idle_since = since;
        vec![self.presence_command()]
    }

    fn presence_command(&self) -> Effect {
        Effect::Command(Command::SetPresence {
            presence: self.wire_presence(),
            idle_since: self.my_idle_since,
        })
    }

    /// What we announce: the choice, except that an idle user who chose
    /// Online shows as Away (Busy stays Busy: "do not disturb" still holds).
    pub fn wire_presence(&self) -> crate::xmpp::Presence {
        let chosen = &self.my_presence;
        let availability = match (chosen.availability, self.my_idle_since) {
            (Availability::Online, Some(_)) => Availability::Away,
            (a, _) => a,
        };
        crate::xmpp::Presence {
            availability,
            status: Some(chosen.status.clone()).filter(|s| !s.is_empty()),
        }
    }

    /// A contact's status message while it is available.
    pub fn status_message(&self, jid: &str) -> Option<&str> {
        match self.presence.get(jid) {
            Some((a, Some(text))) if *a != Availability::Offline && !text.is_empty() => Some(text),
            _ => None,
        }
    }

    /// Opening a chat with someone who is offline asks when they were last seen.
    pub(super) fn ask_last_seen(&mut self, jid: &str) -> Vec<Effect> {
        let offline = self.availability(jid) == Availability::Offline;
        if offline && self.contacts.contains_key(jid) && self.me.as_deref() != Some(jid) {
            vec![Effect::Command(Command::FetchLastSeen {
                jid: jid.to_owned(),
            })]
        } else {
            vec![]
        }
    }

    pub(super) fn block_list(&mut self, jids: Vec<String>) -> Vec<Effect> {
        self.blocked = jids.into_iter().collect();
        self.typing.retain(|j| !self.blocked.contains(j));
        vec![]
    }

    pub(super) fn blocked_one(&mut self, jid: String, blocked: bool) -> Vec<Effect> {
        if blocked {
            self.typing.remove(&jid);
            self.blocked.insert(jid);
        } else {
            self.blocked.remove(&jid);
        }
        vec![]
    }

    /// What the conversation header says under the name: "typing…",
    /// the presence (with idle time and status message: "away since today
    /// at 14:05 · In a meeting"), or when an offline contact was last seen;
    /// `when` words a moment in the user's time zone ("today at 14:05").
    pub fn status_line(&self, jid: &str, when: impl Fn(Millis) -> String) -> String {
        if self.blocked.contains(jid) {
            return "blocked".to_owned();
        }
        if self.typing.contains(jid) {
            return "typing…".to_owned();
        }
        let availability = self.availability(jid);
        let idle = self.idle.get(jid).copied();
        let line = match (availability, idle, self.last_seen.get(jid)) {
            (Availability::Offline, _, Some(at)) => {
                format!("last seen {}", when(*at))
            }
            (Availability::Away, Some(since), _) => {
                format!("away since {}", when(since))
            }
            (Availability::Offline, _, _) => Availability::Offline.label().to_owned(),
            (a, Some(since), _) => format!("{}, idle since {}", a.label(), when(since)),
            (a, None, _) => a.label().to_owned(),
        };
        match self.status_message(jid) {
            Some(text) => format!("{line} · {text}"),
            None => line,
        }
    }
}
