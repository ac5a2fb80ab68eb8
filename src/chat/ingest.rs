//! Messages coming in (live, XEP-0280 carbons, XEP-0313 archive pages) and
//! read state (XEP-0333 markers, the "New messages" divider, older pages).
//!
//! The shell looks every message's [`key`] up in the store before it hands
//! the batch over, so the reducer can drop what is already stored without
//! doing IO: the same message may come live, as a carbon, as an offline
//! message and again from the archive, and must show once.

use super::model::*;
use super::reducer::{bare, ChatState, Command, Effect, OlderState, ARCHIVE_CURSOR, HISTORY_PAGE};
use crate::store::{Before, MessageKey};
use crate::xmpp::{ArchivePage, ArchiveQuery, IncomingMessage, Marker};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// Messages that arrived together, with what the store holds for each.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub messages: Vec<IncomingMessage>,
    /// Same length as `messages`: the stored message with the same key
    /// (by id, else by archive id), if any. Shorter means "not looked up".
    pub existing: Vec<Option<StoredMessage>>,
    /// Set for archive pages.
    pub page: Option<PageInfo>,
    /// Group (room) messages: the author is `room/nick`.
    pub group: bool,
}

/// What an archive page says besides its messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageInfo {
    pub query: ArchiveQuery,
    pub markers: Vec<Marker>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub complete: bool,
    /// A room's archive (its own cursor), not the account's.
    pub room: Option<String>,
}

impl Batch {
    /// One live message, not looked up in the store.
    pub fn live(message: IncomingMessage) -> Self {
        Self {
            messages: vec![message],
            existing: vec![],
            page: None,
            group: false,
        }
    }

    /// Room messages (live, or an archive page of the room).
    pub fn group(messages: Vec<IncomingMessage>, page: Option<PageInfo>) -> Self {
        Self {
            messages,
            existing: vec![],
            page,
            group: true,
        }
    }

    pub fn page(page: ArchivePage) -> Self {
        Self {
            messages: page.messages,
            existing: vec![],
            page: Some(PageInfo {
                query: page.query,
                markers: page.markers,
                first: page.first,
                last: page.last,
                complete: page.complete,
                room: None,
            }),
            group: false,
        }
    }

    /// The store keys to look up, one per message: its own, or for an
    /// action (reactions, correction, retraction) the message it names.
    pub fn keys(&self) -> Vec<MessageKey> {
        self.messages
            .iter()
            .map(|m| match m.extras.target() {
                Some(target) if m.extras.is_action() => MessageKey {
                    id: target.to_owned(),
                    stanza_id: Some(target.to_owned()),
                },
                _ => key(m),
            })
            .collect()
    }
}

/// The store key of a message: the XEP-0359 origin-id the author chose
/// (which is also the id of our own messages), else the author's stanza id
/// scoped to the chat (what their corrections, reactions and retractions
/// name), else the archive id. Messages with none of these cannot be
/// deduplicated and get a key from their body and time.
pub fn key(m: &IncomingMessage) -> MessageKey {
    let chat = bare(&m.chat);
    let id = m
        .origin_id
        .clone()
        .or_else(|| m.id.as_ref().map(|id| format!("{chat}/{id}")))
        .or_else(|| m.stanza_id.clone())
        .unwrap_or_else(|| format!("{chat}/{}/{}", m.delay.unwrap_or(0), m.body.len()));
    MessageKey {
        id,
        stanza_id: m.stanza_id.clone(),
    }
}

/// The id to put in a displayed marker for a stored incoming message: the
/// stanza id the sender gave it (our key strips the chat prefix again).
pub fn marker_id(m: &StoredMessage) -> &str {
    m.id.strip_prefix(&format!("{}/", m.chat)).unwrap_or(&m.id)
}

/// How many messages of the open chat stay loaded while a catch-up adds
/// to it: the newest ones. The rest are in the store, and "Load older
/// messages" reads them back; otherwise 10,000 caught-up messages would all
/// be rendered, and each page would search and re-render all of them.
pub const CATCH_UP_WINDOW: usize = 4 * super::reducer::HISTORY_PAGE;

/// How far (ms) arrival-order stamps may run ahead of (or behind) the
/// server's whole-second stamp before the stamp wins again.
const DRIFT: Millis = 60_000;

impl ChatState {
    pub(super) fn ingest(&mut self, batch: Batch, now: Millis) -> Vec<Effect> {
        let older = matches!(
            batch.page.as_ref().map(|p| &p.query),
            Some(ArchiveQuery::Older { .. })
        );
        let catch_up = matches!(
            batch.page.as_ref().map(|p| &p.query),
            Some(ArchiveQuery::CatchUp)
        );
        let mut saves: Vec<StoredMessage> = vec![];
        let mut learned: Vec<Effect> = vec![];
        let mut touched: BTreeSet<String> = BTreeSet::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut new_in_open = 0usize;
        let mut newest_stanza_id: Option<String> = None;
        let stamps = self.stamps(&batch.messages, older, now);
        for (i, m) in batch.messages.iter().enumerate() {
            if m.extras.is_action() {
                let chat = bare(&m.chat).to_string();
                if !m.from_me && self.blocked.contains(&chat) {
                    continue;
                }
                let target = batch.existing.get(i).cloned().flatten();
                if let Some(changed) = self.apply_action(m, batch.group, stamps[i], target, &saves)
                {
                    match saves.iter_mut().find(|s| s.id == changed.id) {
                        Some(s) => *s = changed,
                        None => saves.push(changed),
                    }
                    touched.insert(chat);
                }
                continue;
            }
            let k = key(m);
            if m.stanza_id.is_some() {
                newest_stanza_id = m.stanza_id.clone();
            }
            if !seen.insert(k.id.clone()) {
                continue;
            }
            let stored = batch.existing.get(i).cloned().flatten().or_else(|| {
                self.messages
                    .iter()
                    .find(|x| x.id == k.id || (k.stanza_id.is_some() && x.stanza_id == k.stanza_id))
                    .cloned()
            });
            if let Some(old) = stored {
                learned.extend(self.learn(&old, m));
                continue;
            }
            let chat = bare(&m.chat).to_string();
            if !m.from_me {
                if self.blocked.contains(&chat) {
                    // Blocked: never shown, not even from the archive.
                    continue;
                }
                // A message ends "typing…".
                if batch.group {
                    let nick = m.from.split_once('/').map(|(_, n)| n.to_owned());
                    if let (Some(nick), Some(who)) = (nick, self.room_typing.get_mut(&chat)) {
                        who.remove(&nick);
                        if who.is_empty() {
                            self.room_typing.remove(&chat);
                            self.typing.remove(&chat);
                        }
                    }
                } else {
                    self.typing.remove(&chat);
                }
            }
            let timestamp = stamps[i];
            let message = StoredMessage {
                id: k.id.clone(),
                chat: chat.clone(),
                from_me: m.from_me,
                sender: if batch.group {
                    m.from.clone()
                } else {
                    bare(&m.from).to_string()
                },
                body: m.body.clone(),
                timestamp,
                status: if m.from_me {
                    MessageStatus::Sent
                } else {
                    MessageStatus::Received
                },
                stanza_id: m.stanza_id.clone(),
                error: None,
                rich: Rich {
                    attachment: m.extras.attachment.clone(),
                    reply: m.extras.reply.clone(),
                    ..Rich::default()
                },
            };
            let line = super::actions::summary(&m.body, &message.rich);
            if !m.markable && !m.from_me {
                self.not_markable.insert(k.id.clone());
            }
            if batch.group {
                touched.extend(
                    self.ensure_group_chat(&chat, timestamp)
                        .into_iter()
                        .map(|_| chat.clone()),
                );
            }
            let is_open = self.open.as_deref() == Some(chat.as_str());
            if is_open {
                self.upsert_loaded(message.clone());
                new_in_open += 1;
            }
            if older {
                // Old history: the chat row (preview, unread) stays as it is.
                if self.ensure_chat(&chat, timestamp).is_some() {
                    touched.insert(chat);
                }
            } else if m.from_me {
                // We wrote in this chat from another device: we have read it.
                self.touch_chat(&chat, &line, timestamp, false);
                self.unread_ids.remove(&chat);
                if let Some(c) = self.chats.get_mut(&chat) {
                    c.unread = 0;
                }
                touched.insert(chat);
            } else {
                let unread = !(is_open && self.visible);
                self.touch_chat(&chat, &line, timestamp, unread);
                if unread {
                    self.unread_ids
                        .entry(chat.clone())
                        .or_default()
                        .push(k.id.clone());
                    if batch.group && self.mentions_me(&chat, &m.body) {
                        if let Some(c) = self.chats.get_mut(&chat) {
                            c.mentions += 1;
                        }
                    }
                }
                touched.insert(chat);
            }
            saves.push(message);
        }
        if catch_up && new_in_open > 0 {
            self.trim_loaded();
        }
        let mut effects = vec![];
        match saves.len() {
            0 => {}
            1 => effects.push(Effect::SaveMessage(saves.remove(0))),
            _ => effects.push(Effect::SaveMessages(saves)),
        }
        effects.extend(learned);
        for chat in &touched {
            if let Some(c) = self.chats.get(chat) {
                effects.push(Effect::SaveChat(c.clone()));
            }
        }
        match batch.page {
            Some(page) => {
                for marker in page.markers {
                    effects.extend(self.marker(marker));
                }
                match page.query {
                    ArchiveQuery::CatchUp => {
                        // The cursor moves only after the page's messages
                        // are stored (effects run in order).
                        let key = match &page.room {
                            Some(room) => format!("{}{room}", super::groups::ROOM_CURSOR),
                            None => ARCHIVE_CURSOR.to_owned(),
                        };
                        if let Some(last) = page.last {
                            effects.push(Effect::SaveSetting { key, value: last });
                        }
                        if page.complete {
                            match &page.room {
                                Some(room) => self.room_synced(room),
                                None => {
                                    self.account_syncing = false;
                                    self.sync_changed();
                                }
                            }
                        }
                    }
                    ArchiveQuery::Older { chat } => {
                        if self.open.as_deref() == Some(chat.as_str()) {
                            effects.extend(self.older_from_archive(
                                &chat,
                                new_in_open,
                                page.first,
                                page.complete,
                            ));
                        }
                    }
                }
            }
            None => {
                // Once caught up, live archive ids move the cursor too, so
                // the next catch-up does not fetch them again.
                if !self.account_syncing && !batch.group {
                    if let Some(id) = newest_stanza_id {
                        effects.push(cursor(id));
                    }
                }
            }
        }
        if new_in_open > 0 && !older {
            effects.extend(self.mark_displayed());
        }
        effects
    }

    /// The time each message is sorted by. Servers stamp delayed and
    /// archived messages to the second (Prosody) or to the microsecond
    /// (ejabberd, where a burst shares milliseconds), so a burst would sort
    /// by its random ids; instead, stamps that would not move forward keep
    /// the order the messages arrive in (the archive's order), one
    /// millisecond apart: after the newest we have (catch-up, offline
    /// delivery), or before the oldest loaded one (older pages, which arrive
    /// oldest first, are numbered from their newest end). A burst of more
    /// than 1,000 in a second spills into the next one, up to [`DRIFT`].
    fn stamps(&self, messages: &[IncomingMessage], older: bool, now: Millis) -> Vec<Millis> {
        let whole_second = |d: Millis| d.is_multiple_of(1000);
        let mut out = vec![0; messages.len()];
        let mut bound: HashMap<String, Millis> = HashMap::new();
        if older {
            for (i, m) in messages.iter().enumerate().rev() {
                let chat = bare(&m.chat);
                let Some(d) = m.delay else {
                    out[i] = now;
                    continue;
                };
                let first = self
                    .messages
                    .first()
                    .filter(|_| self.open.as_deref() == Some(chat))
                    .map(|f| f.timestamp);
                let b = bound.get(chat).copied().or(first);
                // A whole-second stamp stands for any moment in that second.
                let latest = if whole_second(d) { d + 999 } else { d };
                out[i] = match b {
                    Some(b) if b <= latest && d < b + DRIFT => b - 1,
                    _ => d,
                };
                bound.insert(chat.to_owned(), out[i]);
            }
        } else {
            for (i, m) in messages.iter().enumerate() {
                let chat = bare(&m.chat);
                let Some(d) = m.delay else {
                    out[i] = now;
                    continue;
                };
                let last = self.chats.get(chat).map(|c| c.last_activity);
                let b = bound.get(chat).copied().or(last);
                out[i] = match b {
                    Some(b) if b >= d && b < d + DRIFT => b + 1,
                    _ => d,
                };
                bound.insert(chat.to_owned(), out[i].max(b.unwrap_or(0)));
            }
        }
        out
    }

    /// Keeps the newest [`CATCH_UP_WINDOW`] messages of the open chat
    /// loaded; older ones come back from the store. Not while an older
    /// page is on its way (it would land beyond a gap).
    fn trim_loaded(&mut self) {
        let over = self.messages.len().saturating_sub(CATCH_UP_WINDOW);
        if over == 0 || self.older == OlderState::Loading {
            return;
        }
        Arc::make_mut(&mut self.messages).drain(..over);
        // The dropped ones are older and stored: there is more to load.
        self.older = OlderState::Idle;
    }

    /// What a stored message learns from a copy of it that came again: its
    /// archive id, and for our own messages that the server has it. Only
    /// those fields change (the stored copy may be older than the truth:
    /// a receipt may have moved the tick since it was read).
    fn learn(&mut self, old: &StoredMessage, m: &IncomingMessage) -> Vec<Effect> {
        let Some(stanza_id) = m.stanza_id.clone() else {
            return vec![];
        };
        let mut effects = vec![];
        if old.stanza_id.is_none() {
            if let Some(x) = Arc::make_mut(&mut self.messages)
                .iter_mut()
                .find(|x| x.id == old.id)
            {
                x.stanza_id = Some(stanza_id.clone());
            }
            effects.push(Effect::SetArchiveId {
                id: old.id.clone(),
                stanza_id,
            });
        }
        if old.from_me && old.status == MessageStatus::Pending {
            effects.extend(self.set_status(&old.id, MessageStatus::Sent, None));
        }
        effects
    }

    /// A XEP-0333 displayed marker.
    pub(super) fn marker(&mut self, marker: Marker) -> Vec<Effect> {
        let chat = bare(&marker.chat).to_string();
        if marker.from_me {
            // Another device of ours showed the chat up to `id`.
            let remaining = match self.unread_ids.get_mut(&chat) {
                Some(ids) => match ids.iter().position(|x| x == &marker.id) {
                    Some(at) => {
                        ids.drain(..=at);
                        ids.len() as u32
                    }
                    None => 0,
                },
                None => 0,
            };
            if remaining == 0 {
                self.unread_ids.remove(&chat);
            }
            match self.chats.get_mut(&chat) {
                Some(c) if c.unread != remaining => {
                    c.unread = remaining;
                    vec![Effect::SaveChat(c.clone())]
                }
                _ => vec![],
            }
        } else {
            if self.open.as_deref() == Some(chat.as_str()) {
                if let Some(upto) = self
                    .messages
                    .iter()
                    .position(|m| m.from_me && m.id == marker.id)
                {
                    for m in Arc::make_mut(&mut self.messages)[..=upto].iter_mut() {
                        if m.from_me && m.status.advances_to(MessageStatus::Read) {
                            m.status = MessageStatus::Read;
                        }
                    }
                }
            }
            vec![Effect::MarkRead {
                chat,
                id: marker.id,
            }]
        }
    }

    /// Sends a displayed marker for the newest incoming message of the open
    /// chat, when the user can see it and allows read receipts.
    pub(super) fn mark_displayed(&mut self) -> Vec<Effect> {
        if !self.visible || !self.privacy.read_receipts {
            return vec![];
        }
        let Some(chat) = self.open.clone() else {
            return vec![];
        };
        let Some(newest) = self.messages.iter().rev().find(|m| !m.from_me) else {
            return vec![];
        };
        if self.not_markable.contains(&newest.id) || self.displayed.get(&chat) == Some(&newest.id) {
            return vec![];
        }
        if self.is_group(&chat) {
            // In a room, markers name the room's archive id.
            let Some(stanza_id) = newest.stanza_id.clone() else {
                return vec![];
            };
            self.displayed.insert(chat.clone(), newest.id.clone());
            return vec![Effect::Command(Command::SendRoomDisplayed {
                room: chat,
                stanza_id,
            })];
        }
        let id = marker_id(newest).to_string();
        self.displayed.insert(chat.clone(), newest.id.clone());
        vec![Effect::Command(Command::SendDisplayed { to: chat, id })]
    }

    /// After the newest page of the open chat is loaded: the divider goes
    /// before the oldest of the messages that were unread at open.
    pub(super) fn place_divider(&mut self) {
        if self.unread_at_open == 0 {
            return;
        }
        self.divider = self
            .messages
            .iter()
            .rev()
            .filter(|m| !m.from_me)
            .nth(self.unread_at_open as usize - 1)
            .or_else(|| self.messages.iter().find(|m| !m.from_me))
            .map(|m| m.id.clone());
    }

    /// The user wants older messages: the store first.
    pub(super) fn load_older(&mut self) -> Vec<Effect> {
        let Some(chat) = self.open.clone() else {
            return vec![];
        };
        if self.older != OlderState::Idle {
            return vec![];
        }
        self.older = OlderState::Loading;
        match self.messages.first() {
            Some(oldest) => vec![Effect::LoadOlder {
                chat,
                before: Before {
                    timestamp: oldest.timestamp,
                    id: oldest.id.clone(),
                },
            }],
            None => vec![self.fetch_older(chat)],
        }
    }

    /// A page from the store; when it runs short, ask the archive.
    pub(super) fn older_from_store(
        &mut self,
        chat: String,
        messages: Vec<StoredMessage>,
    ) -> Vec<Effect> {
        if self.open.as_deref() != Some(chat.as_str()) {
            return vec![];
        }
        let short = messages.len() < HISTORY_PAGE;
        for m in messages {
            self.upsert_loaded(m);
        }
        if short {
            vec![self.fetch_older(chat)]
        } else {
            self.older = OlderState::Idle;
            vec![]
        }
    }

    fn fetch_older(&mut self, chat: String) -> Effect {
        // The oldest archive id we know in this chat; own messages sent
        // from here learn theirs during the catch-up.
        let before = self.messages.iter().find_map(|m| m.stanza_id.clone());
        self.ask_archive_before(chat, before)
    }

    /// One older archive page of `chat` (a room's own archive for groups).
    fn ask_archive_before(&mut self, chat: String, before: Option<String>) -> Effect {
        self.older = OlderState::Loading;
        if self.is_group(&chat) {
            return Effect::Command(Command::FetchRoomOlder { room: chat, before });
        }
        Effect::Command(Command::FetchOlder { chat, before })
    }

    fn older_from_archive(
        &mut self,
        chat: &str,
        added: usize,
        first: Option<String>,
        complete: bool,
    ) -> Vec<Effect> {
        if complete {
            self.older = OlderState::Exhausted;
            return vec![];
        }
        if added == 0 {
            // The whole page was already here: keep going back from it.
            if let Some(before) = first {
                return vec![self.ask_archive_before(chat.to_owned(), Some(before))];
            }
        }
        self.older = OlderState::Idle;
        vec![]
    }
}

fn cursor(id: String) -> Effect {
    Effect::SaveSetting {
        key: ARCHIVE_CURSOR.to_owned(),
        value: id,
    }
}
