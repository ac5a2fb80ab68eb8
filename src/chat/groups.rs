//! Group chats (XEP-0045 rooms) in the chat state: rooms we are in, their
//! occupants, invitations and bookmarks. Room messages go through the same
//! ingest as one-to-one messages (see `ingest.rs`), keyed by the room.

use super::ingest::Batch;
use super::model::*;
use super::reducer::{bare, ChatState, Command, Effect};
use crate::xmpp::{
    Affiliation, Bookmark, IncomingMessage, Invitation, MucError, Occupant, OccupantChange, Role,
    RoomAction, RoomExit, RoomMessage,
};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Setting key prefix of a room's archive cursor (`mam_last:<room>`).
pub const ROOM_CURSOR: &str = "mam_last:";

/// A room we are in (or were in this session).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Room {
    pub nick: String,
    pub joined: bool,
    pub role: Option<Role>,
    pub affiliation: Option<Affiliation>,
    /// By nickname. Shared, so a view can tell by pointer that a state
    /// change elsewhere (a message, a typing notice) did not touch the list
    /// of a 2,000-occupant room; changed with `Arc::make_mut`.
    pub occupants: Arc<BTreeMap<String, Occupant>>,
    pub subject: String,
}

impl ChatState {
    pub fn is_group(&self, jid: &str) -> bool {
        self.chats.get(jid).is_some_and(|c| c.group) || self.rooms.contains_key(jid)
    }

    /// Groups where `jid` is in now (as the rooms show real addresses).
    pub fn shared_groups(&self, jid: &str) -> Vec<String> {
        let mut rooms: Vec<String> = self
            .rooms
            .iter()
            .filter(|(_, r)| {
                r.joined
                    && r.occupants
                        .values()
                        .any(|o| o.jid.as_deref().map(super::reducer::bare) == Some(jid))
            })
            .map(|(room, _)| self.display_name(room))
            .collect();
        rooms.sort();
        rooms
    }

    /// Our nickname in `room`, once joined.
    pub fn room_nick(&self, room: &str) -> Option<&str> {
        self.rooms.get(room).map(|r| r.nick.as_str())
    }

    pub(super) fn create_group(&mut self, name: String, description: String) -> Vec<Effect> {
        vec![Effect::Command(Command::CreateRoom { name, description })]
    }

    /// The shell created `room` for a "New group" called `name`.
    pub(super) fn group_creating(&mut self, room: String, name: String) -> Vec<Effect> {
        self.opening_room = Some(room.clone());
        self.creating.insert(room, name);
        vec![]
    }

    pub(super) fn join_group(&mut self, room: String, nick: Option<String>) -> Vec<Effect> {
        self.opening_room = Some(room.clone());
        vec![Effect::Command(Command::JoinRoom { room, nick })]
    }

    pub(super) fn leave_group(&mut self) -> Vec<Effect> {
        let Some(room) = self.open.clone().filter(|o| self.is_group(o)) else {
            return vec![];
        };
        if let Some(r) = self.rooms.get_mut(&room) {
            r.joined = false;
            r.occupants = Arc::default();
        }
        self.bookmarks.retain(|b| b.room != room);
        vec![
            Effect::Command(Command::LeaveRoom { room: room.clone() }),
            Effect::Command(Command::RemoveBookmark { room }),
        ]
    }

    pub(super) fn invite(&mut self, jid: String) -> Vec<Effect> {
        let Some(room) = self.open.clone().filter(|o| self.is_group(o)) else {
            return vec![];
        };
        vec![Effect::Command(Command::Invite { room, jid })]
    }

    pub(super) fn answer_invitation(&mut self, room: &str, accept: bool) -> Vec<Effect> {
        let Some(at) = self.invitations.iter().position(|i| i.room == room) else {
            return vec![];
        };
        let invitation = self.invitations.remove(at);
        if accept {
            self.join_group(invitation.room, None)
        } else if invitation.mediated {
            vec![Effect::Command(Command::DeclineInvitation {
                room: invitation.room,
                from: invitation.from,
            })]
        } else {
            vec![]
        }
    }

    pub(super) fn room_joined(
        &mut self,
        room: String,
        nick: String,
        role: Role,
        affiliation: Affiliation,
        now: Millis,
    ) -> Vec<Effect> {
        let r = self.rooms.entry(room.clone()).or_default();
        r.nick = nick.clone();
        r.joined = true;
        r.role = Some(role);
        r.affiliation = Some(affiliation);
        r.occupants = Arc::default();
        // The shell catches the room up from its archive on every join.
        self.rooms_syncing.insert(room.clone());
        self.sync_changed();
        let mut effects = self.ensure_group_chat(&room, now);
        if !self.bookmarks.iter().any(|b| b.room == room) {
            let name = self.chats.get(&room).and_then(|c| c.name.clone());
            self.bookmarks.push(Bookmark {
                room: room.clone(),
                name: name.clone(),
                autojoin: true,
                nick: Some(nick.clone()),
                password: None,
            });
            effects.push(Effect::Command(Command::SetBookmark {
                room: room.clone(),
                name,
                nick: Some(nick),
            }));
        }
        if self.opening_room.as_deref() == Some(room.as_str()) && !self.creating.contains_key(&room)
        {
            self.opening_room = None;
            effects.extend(self.open_room(room));
        }
        effects
    }

    pub(super) fn room_created(&mut self, room: String, now: Millis) -> Vec<Effect> {
        let name = self.creating.remove(&room);
        let mut effects = vec![];
        if let Some(name) = name {
            let chat = self
                .chats
                .entry(room.clone())
                .or_insert_with(|| Chat::empty(&room, now));
            chat.group = true;
            chat.name = Some(name.clone());
            chat.last_activity = chat.last_activity.max(now);
            effects.push(Effect::SaveChat(chat.clone()));
            if let Some(b) = self.bookmarks.iter_mut().find(|b| b.room == room) {
                b.name = Some(name.clone());
            }
            effects.push(Effect::Command(Command::SetBookmark {
                room: room.clone(),
                name: Some(name),
                nick: self.room_nick(&room).map(str::to_owned),
            }));
        }
        if self.opening_room.as_deref() == Some(room.as_str()) {
            self.opening_room = None;
            effects.extend(self.open_room(room));
        }
        effects
    }

    /// A room's own name, for a group known only by its address (joined
    /// from an invitation or by address).
    pub(super) fn room_info(&mut self, room: String, name: String, now: Millis) -> Vec<Effect> {
        let mut effects = self.ensure_group_chat(&room, now);
        if let Some(chat) = self.chats.get_mut(&room) {
            if chat.name.is_none() {
                chat.name = Some(name);
                effects.push(Effect::SaveChat(chat.clone()));
            }
        }
        effects
    }

    fn open_room(&mut self, room: String) -> Vec<Effect> {
        self.open_chat(Some(room))
    }

    pub(super) fn room_left(&mut self, room: String, exit: RoomExit) -> Vec<Effect> {
        if let Some(r) = self.rooms.get_mut(&room) {
            r.joined = false;
            r.occupants = Arc::default();
        }
        self.room_synced(&room);
        let name = self.display_name(&room);
        let why = match exit {
            RoomExit::Left => return vec![],
            RoomExit::Kicked { .. } => "you were removed",
            RoomExit::Banned { .. } => "you were banned",
            RoomExit::MembershipRevoked | RoomExit::MembersOnly => "you are no longer a member",
            RoomExit::Destroyed { .. } => "the group was deleted",
            RoomExit::Shutdown => "the group service stopped",
        };
        self.notice = Some(format!("You left {name}: {why}."));
        vec![]
    }

    pub(super) fn room_error(
        &mut self,
        room: String,
        action: RoomAction,
        error: MucError,
    ) -> Vec<Effect> {
        if matches!(action, RoomAction::Join | RoomAction::Create) {
            self.creating.remove(&room);
            if self.opening_room.as_deref() == Some(room.as_str()) {
                self.opening_room = None;
            }
        }
        let what = self.action_phrase(&room, &action);
        self.notice = Some(format!("Could not {what}: {error}."));
        vec![]
    }

    pub(super) fn occupants(&mut self, room: String, changes: Vec<OccupantChange>) -> Vec<Effect> {
        let r = self.rooms.entry(room).or_default();
        let occupants = Arc::make_mut(&mut r.occupants);
        let mut mine = None;
        for change in changes {
            match change {
                OccupantChange::Present(o) => {
                    if o.is_me {
                        // Made admin, member again, …: what we may do changes.
                        mine = Some((o.affiliation, o.role));
                    }
                    occupants.insert(o.nick.clone(), o);
                }
                OccupantChange::Gone { nick } => {
                    occupants.remove(&nick);
                }
            }
        }
        if let Some((affiliation, role)) = mine {
            r.affiliation = Some(affiliation);
            r.role = Some(role);
        }
        vec![]
    }

    /// Applies several inputs as one state change, in order: what the
    /// shell uses for a burst of room presences, so the view updates once
    /// instead of once per presence (2,000 when a big room fills).
    /// Same state and effects as applying them one by one.
    pub fn apply_all(&mut self, inputs: Vec<super::reducer::Input>, now: Millis) -> Vec<Effect> {
        inputs
            .into_iter()
            .flat_map(|input| self.apply(input, now))
            .collect()
    }

    pub(super) fn invitation(&mut self, invitation: Invitation) -> Vec<Effect> {
        let known = self.rooms.get(&invitation.room).is_some_and(|r| r.joined)
            || self.invitations.iter().any(|i| i.room == invitation.room);
        if !known && !self.blocked.contains(&invitation.from) {
            self.invitations.push(invitation);
        }
        vec![]
    }

    /// The bookmark list: groups come back on every device; autojoin ones
    /// are joined.
    pub(super) fn bookmarks_changed(&mut self, rooms: Vec<Bookmark>) -> Vec<Effect> {
        let mut effects = vec![];
        for b in &rooms {
            let chat = self
                .chats
                .entry(b.room.clone())
                .or_insert_with(|| Chat::empty(&b.room, 0));
            let name = b.name.clone().or_else(|| chat.name.clone());
            if !chat.group || chat.name != name {
                chat.group = true;
                chat.name = name;
                effects.push(Effect::SaveChat(chat.clone()));
            }
            let joined = self.rooms.get(&b.room).is_some_and(|r| r.joined);
            if b.autojoin && !joined {
                effects.push(Effect::Command(Command::JoinRoom {
                    room: b.room.clone(),
                    nick: b.nick.clone(),
                }));
            }
        }
        self.bookmarks = rooms;
        effects
    }

    /// A fresh session (not a resume): we are in no room until the
    /// bookmarks, fetched again, join them.
    pub(super) fn rooms_reset(&mut self) {
        for r in self.rooms.values_mut() {
            r.joined = false;
            r.occupants = Arc::default();
        }
        self.rooms_syncing.clear();
        self.sync_changed();
    }

    /// `room`'s catch-up is over (its last page, a failure, or we left).
    pub(super) fn room_synced(&mut self, room: &str) {
        if self.rooms_syncing.remove(room) {
            self.sync_changed();
        }
    }

    /// "Updating…" while the account's or any room's catch-up runs.
    pub(super) fn sync_changed(&mut self) {
        self.syncing = self.account_syncing || !self.rooms_syncing.is_empty();
    }

    pub(super) fn ensure_group_chat(&mut self, room: &str, now: Millis) -> Vec<Effect> {
        let chat = self
            .chats
            .entry(room.to_owned())
            .or_insert_with(|| Chat::empty(room, now));
        if chat.group {
            return vec![];
        }
        chat.group = true;
        vec![Effect::SaveChat(chat.clone())]
    }

    /// A room message or archive page is counted as a mention when it
    /// names our nickname.
    pub(super) fn mentions_me(&self, room: &str, body: &str) -> bool {
        self.room_nick(room)
            .is_some_and(|nick| crate::xmpp::muc::mentions(body, nick))
    }
}

/// Merges a burst of `Occupants` events: consecutive ones of the same room
/// become one (their changes in order), so applying the result is the same
/// as applying the burst one event at a time. Other events are kept as they
/// are, in place.
pub fn merge_occupant_events(events: Vec<crate::xmpp::Event>) -> Vec<crate::xmpp::Event> {
    use crate::xmpp::Event;
    let mut out: Vec<Event> = Vec::with_capacity(events.len().min(16));
    for event in events {
        match (out.last_mut(), event) {
            (
                Some(Event::Occupants {
                    room: last,
                    changes: merged,
                }),
                Event::Occupants { room, changes },
            ) if *last == room => merged.extend(changes),
            (_, event) => out.push(event),
        }
    }
    out
}

/// A room message as the ingest sees it: the author is `room/nick`.
pub(super) fn incoming(m: RoomMessage) -> IncomingMessage {
    IncomingMessage {
        from: format!("{}/{}", bare(&m.room), m.nick),
        chat: m.room,
        from_me: m.from_me,
        markable: m.markable,
        id: m.id,
        origin_id: m.origin_id,
        stanza_id: m.stanza_id,
        body: m.body,
        delay: m.delay,
        extras: m.extras,
    }
}

impl Batch {
    /// A page of a room's archive.
    pub fn room_page(page: crate::xmpp::RoomArchivePage) -> Self {
        use crate::xmpp::{ArchiveQuery, RoomArchiveQuery};
        let (room, query) = match page.query {
            RoomArchiveQuery::CatchUp { room } => (room, ArchiveQuery::CatchUp),
            RoomArchiveQuery::Older { room } => (room.clone(), ArchiveQuery::Older { chat: room }),
        };
        let info = super::ingest::PageInfo {
            query,
            markers: vec![],
            first: page.first,
            last: page.last,
            complete: page.complete,
            room: Some(room),
        };
        Batch::group(
            page.messages.into_iter().map(incoming).collect(),
            Some(info),
        )
    }

    /// One live room message.
    pub fn room_message(m: RoomMessage) -> Self {
        Batch::group(vec![incoming(m)], None)
    }
}
