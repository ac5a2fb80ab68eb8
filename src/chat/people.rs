//! Typing (XEP-0085), presence details and last seen (XEP-0319/XEP-0012),
//! and blocking (XEP-0191) in the chat state.

use super::model::*;
use super::reducer::{ChatState, Command, Effect};
use crate::xmpp::ChatState as Typing;

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
    /// the presence, or when an offline contact was last seen; `when` words
    /// a moment in the user's time zone ("today at 14:05").
    pub fn status_line(&self, jid: &str, when: impl Fn(Millis) -> String) -> String {
        if self.blocked.contains(jid) {
            return "blocked".to_owned();
        }
        if self.typing.contains(jid) {
            return "typing…".to_owned();
        }
        let availability = self.availability(jid);
        let idle = self.idle.get(jid).copied();
        match (availability, idle, self.last_seen.get(jid)) {
            (Availability::Offline, _, Some(at)) => {
                format!("last seen {}", when(*at))
            }
            (Availability::Away, Some(since), _) => {
                format!("away since {}", when(since))
            }
            (a, _, _) => a.label().to_owned(),
        }
    }
}
