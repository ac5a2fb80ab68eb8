//! Who has read our messages in a group: the last message each occupant
//! marked displayed (XEP-0333 in the room), turned into "Read by …" under
//! our own messages. Markers cover every earlier message, as one-to-one.

use super::reducer::{ChatState, Effect};
use std::collections::HashMap;

/// How many names "Read by" spells out before "and N others".
pub const READ_BY_NAMES: usize = 3;

/// Who read one of our messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadBy {
    pub count: usize,
    /// The first few nicknames, most recent readers first.
    pub names: Vec<String>,
}

impl ReadBy {
    /// "Read by bob, carol and 3 others".
    pub fn sentence(&self) -> String {
        let shown = self.names.join(", ");
        match self.count.saturating_sub(self.names.len()) {
            0 => format!("Read by {shown}"),
            1 => format!("Read by {shown} and 1 other"),
            n => format!("Read by {shown} and {n} others"),
        }
    }
}

impl ChatState {
    /// `nick` displayed the message with archive id `id` in `room`.
    pub(super) fn room_read(&mut self, room: String, nick: String, id: String) -> Vec<Effect> {
        if self.rooms.get(&room).is_some_and(|r| r.nick == nick) {
            return vec![]; // Our own other session.
        }
        self.room_reads.entry(room).or_default().insert(nick, id);
        vec![]
    }

    /// For the open group, "Read by" per own message id (loaded messages
    /// only); empty for one-to-one chats, which have ticks.
    pub fn read_by(&self) -> HashMap<String, ReadBy> {
        let mut out = HashMap::new();
        let Some(room) = self.open.as_deref().filter(|o| self.is_group(o)) else {
            return out;
        };
        let Some(reads) = self.room_reads.get(room) else {
            return out;
        };
        let position: HashMap<&str, usize> = self
            .messages
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.stanza_id.as_deref().map(|s| (s, i)))
            .collect();
        // Readers by the position they reached, furthest first.
        let mut reached: Vec<(usize, &str)> = reads
            .iter()
            .filter_map(|(nick, id)| position.get(id.as_str()).map(|&i| (i, nick.as_str())))
            .collect();
        reached.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut next = 0;
        let mut current = ReadBy::default();
        for (i, m) in self.messages.iter().enumerate().rev() {
            while next < reached.len() && reached[next].0 >= i {
                current.count += 1;
                if current.names.len() < READ_BY_NAMES {
                    current.names.push(reached[next].1.to_owned());
                }
                next += 1;
            }
            if m.from_me && current.count > 0 {
                out.insert(m.id.clone(), current.clone());
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "reads_tests.rs"]
mod tests;
