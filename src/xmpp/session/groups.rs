//! The group-chat half of the online session (XEP-0045, XEP-0249, MUC
//! archives): see the module docs of `muc.rs` for the flows. Moderation,
//! invitations and the replies to room IQs are in `room_admin.rs`,
//! bookmarks in `bookmarks.rs` beside this file.

use super::super::iq::{IqOutcome, IqPurpose, IQ_TIMEOUT};
use super::super::mam::{self, Paging};
use super::super::muc::{request_error, MucError, OccupantChange, RoomAction, RoomExit};
use super::super::muc_admin::{self as admin, RoomConfig};
use super::super::muc_archive::{self as archive, RoomArchiveQuery, RoomResult};
use super::super::muc_rooms::{MucPurpose, Phase, Room, Step};
use super::super::muc_stanza::{self as stanza, Groupchat};
use super::super::{Event, Extras};
use super::Session;
use jid::{BareJid, FullJid, Jid};
use minidom::Element;
use xmpp_parsers::{iq::Iq, message::Message, ns, presence::Presence, stanza_error::StanzaError};

/// The defined condition's element name (`forbidden`, `conflict`, …).
pub(super) fn condition(e: &StanzaError) -> String {
    Element::from(e.defined_condition.clone()).name().to_owned()
}

/// A request outcome as a `MucError` (`None` for a result).
pub(super) fn outcome_error(o: &IqOutcome) -> Option<MucError> {
    match o {
        IqOutcome::Result(_) => None,
        IqOutcome::Timeout => Some(MucError::Timeout),
        IqOutcome::Error(e) => Some(request_error(
            &condition(e),
            super::super::iq::describe_error(e),
        )),
    }
}

pub(super) fn room_jid(room: &str) -> Result<BareJid, MucError> {
    match BareJid::new(room.trim()) {
        Ok(j) if j.node().is_some() => Ok(j),
        Ok(_) => Err(MucError::InvalidAddress(format!("{room} is not a room"))),
        Err(e) => Err(MucError::InvalidAddress(e.to_string())),
    }
}

pub(super) fn occupant_jid(room: &BareJid, nick: &str) -> Result<FullJid, MucError> {
    FullJid::new(&format!("{room}/{nick}")).map_err(|e| MucError::InvalidAddress(e.to_string()))
}

impl Session {
    /// The MUC service found by `discover_muc_service`, e.g. `conference.example.org`.
    pub fn muc_service(&self) -> Option<&str> {
        self.groups.service.as_deref()
    }

    /// XEP-0030: disco#items on our server, then disco#info on each item;
    /// the first with an identity of category `conference` is kept.
    /// `Event::MucService` reports the outcome. Call once after
    /// `Event::Online` (the answer is carried over a resume).
    pub fn discover_muc_service(&mut self) {
        if !self.is_online() {
            return;
        }
        if self.groups.service.is_some() {
            let service = self.groups.service.clone();
            return self.events.push_back(Event::MucService { service });
        }
        let id = self.ids.next_id();
        let iq = super::super::disco::items_request(&id, self.domain_jid());
        self.send_muc_iq(iq, MucPurpose::ServiceItems);
    }

    /// Creates a private group on the MUC service: a random room address,
    /// joined as `nick` (default: our account's localpart). On status 201
    /// the owner form is fetched and submitted (persistent, members-only,
    /// non-anonymous, not public, `name`, `description`, archived);
    /// `Event::RoomCreated` follows once the server accepts it, or
    /// `Event::RoomError` with `RoomAction::Create`. Returns the room JID.
    pub fn create_room(
        &mut self,
        name: &str,
        description: &str,
        nick: Option<&str>,
    ) -> Result<String, MucError> {
        if !self.is_online() {
            return Err(MucError::NotConnected);
        }
        let service = self.groups.service.clone().ok_or(MucError::NoService)?;
        let local: String = self
            .ids
            .next_id()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .flat_map(|c| c.to_lowercase())
            .collect();
        let room = room_jid(&format!("{local}@{service}"))?;
        let config = RoomConfig {
            name: name.to_owned(),
            description: description.to_owned(),
        };
        self.join(room.clone(), nick, None, Some(config))?;
        Ok(room.to_string())
    }

    /// Joins `room` as `nick` (default: our account's localpart), asking
    /// for no history (it comes from `fetch_room_archive`). A taken nick is
    /// retried once as `nick_2`. `Event::RoomJoined` and `Event::Occupants`
    /// (the full list) follow, or `Event::RoomError` with `RoomAction::Join`.
    /// After a fresh bind (`Event::Online`, not `Event::Resumed`) the shell
    /// calls this again for every room it was in.
    pub fn join_room(
        &mut self,
        room: &str,
        nick: Option<&str>,
        password: Option<&str>,
    ) -> Result<(), MucError> {
        if !self.is_online() {
            return Err(MucError::NotConnected);
        }
        let room = room_jid(room)?;
        if self.groups.room(&room).is_some() {
            return Ok(()); // Joining or joined already.
        }
        self.join(room, nick, password, None)
    }

    fn join(
        &mut self,
        room: BareJid,
        nick: Option<&str>,
        password: Option<&str>,
        create: Option<RoomConfig>,
    ) -> Result<(), MucError> {
        let nick = match nick.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => n.to_owned(),
            None => self
                .config
                .jid
                .node()
                .map(|n| n.to_string())
                .unwrap_or_else(|| "me".to_owned()),
        };
        let to = occupant_jid(&room, &nick)?;
        self.groups
            .rooms
            .insert(room.to_string(), Room::joining(&nick, password, create));
        self.send(stanza::join(to, password));
        Ok(())
    }

    /// Leaves `room`: `Event::RoomLeft` with `RoomExit::Left` once the room
    /// confirms (at once when offline).
    pub fn leave_room(&mut self, room: &str) {
        let Ok(room) = room_jid(room) else {
            return;
        };
        let Some(nick) = self.groups.nick(&room).map(str::to_owned) else {
            return;
        };
        match (self.is_online(), occupant_jid(&room, &nick)) {
            (true, Ok(to)) => self.send(stanza::leave(to)),
            _ => {
                self.groups.rooms.remove(room.as_str());
                self.events.push_back(Event::RoomLeft {
                    room: room.to_string(),
                    exit: RoomExit::Left,
                });
            }
        }
    }

    /// Our nick in `room`, while joining or joined.
    pub fn room_nick(&self, room: &str) -> Option<&str> {
        self.groups.rooms.get(room).map(|r| r.nick.as_str())
    }

    /// Sends a groupchat message; `id` is the stanza id and the origin-id.
    /// Counted by XEP-0198 like a chat message (`Event::Sent`), idempotent
    /// while unacknowledged. The room's reflection (`Event::RoomMessage`
    /// with `from_me` and this origin-id) confirms the room distributed it.
    pub fn send_room_message(
        &mut self,
        room: &str,
        body: &str,
        id: &str,
        extras: &Extras,
    ) -> Result<(), MucError> {
        if !self.is_online() {
            return Err(MucError::NotConnected);
        }
        let room = room_jid(room)?;
        if !self.groups.is_joined(&room) {
            return Err(MucError::NotJoined);
        }
        if self.already_sent(id) {
            return Ok(());
        }
        let m = stanza::groupchat(&room, body, id, extras);
        self.send_tracked(m.into(), Some(id.to_owned()));
        self.request_ack();
        Ok(())
    }

    /// XEP-0333 in a room: we displayed the message with the room's
    /// stanza-id `stanza_id` and everything before it. Sent to the room
    /// only (type groupchat), never to the author.
    pub fn send_room_displayed(&mut self, room: &str, stanza_id: &str) {
        let Ok(room) = room_jid(room) else {
            return;
        };
        if self.is_online() && self.groups.is_joined(&room) {
            let id = self.ids.next_id();
            self.send(stanza::displayed(&room, stanza_id, &id));
        }
    }

    /// XEP-0085 in a room we are in: typing, paused or active.
    pub fn send_room_chat_state(&mut self, room: &str, state: super::super::ChatState) {
        let Ok(room) = room_jid(room) else {
            return;
        };
        if self.is_online() && self.groups.is_joined(&room) {
            let id = self.ids.next_id();
            self.send(super::super::chatstates::standalone(
                room.into(),
                xmpp_parsers::message::MessageType::Groupchat,
                state,
                &id,
            ));
        }
    }

    /// XEP-0313 catch-up of `room`'s archive: `Some(id)`, everything after
    /// archive id `id`, page after page (`Some("")`: from the oldest, for a
    /// room whose archive was empty when we first looked); `None`, the
    /// newest page only (`Event::RoomArchive` with
    /// `RoomArchiveQuery::CatchUp`). Ignored while a catch-up of the same
    /// room runs.
    pub fn fetch_room_archive(&mut self, room: &str, after: Option<&str>) {
        let query = RoomArchiveQuery::CatchUp {
            room: room.to_owned(),
        };
        if self.groups.archive.catch_up_running(room) {
            return;
        }
        let paging = match after {
            Some("") => Paging::Start,
            Some(a) => Paging::After(a.to_owned()),
            None => Paging::Before(None),
        };
        self.query_room_archive(query, paging, mam::PAGE_SIZE);
    }

    /// One page of `room` before archive id `before` (the newest when
    /// `None`): `Event::RoomArchive` with `RoomArchiveQuery::Older`.
    pub fn fetch_room_older(&mut self, room: &str, before: Option<&str>, max: usize) {
        let query = RoomArchiveQuery::Older {
            room: room.to_owned(),
        };
        let paging = Paging::Before(before.map(str::to_owned));
        self.query_room_archive(query, paging, max.max(1));
    }

    // ---- internals ----

    fn domain_jid(&self) -> Jid {
        Jid::from(BareJid::from_parts(None, self.config.jid.domain()))
    }

    pub(super) fn send_muc_iq(&mut self, iq: Iq, purpose: MucPurpose) {
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        self.send_iq(iq, IqPurpose::Muc(purpose), deadline);
    }

    pub(super) fn room_error(&mut self, room: &BareJid, action: RoomAction, error: MucError) {
        self.events.push_back(Event::RoomError {
            room: room.to_string(),
            action,
            error,
        });
    }

    /// The room's JID when online and the address is valid; else an error event.
    pub(super) fn online_room(&mut self, room: &str, action: &RoomAction) -> Option<BareJid> {
        let error = if self.is_online() {
            match room_jid(room) {
                Ok(j) => return Some(j),
                Err(e) => e,
            }
        } else {
            MucError::NotConnected
        };
        self.events.push_back(Event::RoomError {
            room: room.to_owned(),
            action: action.clone(),
            error,
        });
        None
    }

    /// Like `online_room`, and we must be in the room.
    pub(super) fn joined_room(&mut self, room: &str, action: &RoomAction) -> Option<BareJid> {
        let room = self.online_room(room, action)?;
        if self.groups.is_joined(&room) {
            return Some(room);
        }
        self.room_error(&room, action.clone(), MucError::NotJoined);
        None
    }

    fn query_room_archive(&mut self, query: RoomArchiveQuery, paging: Paging, max: usize) {
        if !self.is_online() {
            return self.events.push_back(Event::RoomArchiveFailed {
                query,
                reason: "not connected".into(),
            });
        }
        let room = match room_jid(query.room()) {
            Ok(r) => r,
            Err(e) => {
                return self.events.push_back(Event::RoomArchiveFailed {
                    query,
                    reason: e.to_string(),
                })
            }
        };
        let id = self.ids.next_id();
        let queryid = self.ids.next_id();
        let iq = archive::query(&id, &queryid, &room, &paging, max);
        self.groups.archive.start(&queryid, query, room, &paging);
        self.send_muc_iq(iq, MucPurpose::Archive { queryid });
    }

    /// Whether a presence is about a room (ours, or any MUC presence).
    pub(super) fn is_room_presence(&self, p: &Presence) -> bool {
        p.from
            .as_ref()
            .is_some_and(|f| self.groups.rooms.contains_key(f.to_bare().as_str()))
            || p.payloads.iter().any(|e| e.is("x", ns::MUC_USER))
    }

    pub(super) fn handle_room_presence(&mut self, p: &Presence) {
        if p.from.as_ref().is_some_and(|f| f.resource().is_none()) {
            // XEP-0486: the room itself announces its avatar hash.
            return self.presence_avatar(p);
        }
        let Some(rp) = stanza::room_presence(p) else {
            return;
        };
        let room = rp.room.clone();
        for step in self.groups.presence(rp) {
            self.room_step(&room, step);
        }
    }

    pub(super) fn room_step(&mut self, room: &BareJid, step: Step) {
        let key = room.to_string();
        match step {
            Step::Occupant(change) => self.occupant_change(key, change),
            Step::Joined {
                me,
                occupants,
                created,
            } => {
                self.events.push_back(Event::RoomJoined {
                    room: key.clone(),
                    nick: me.nick,
                    role: me.role,
                    affiliation: me.affiliation,
                });
                self.events.push_back(Event::Occupants {
                    room: key.clone(),
                    changes: occupants,
                });
                if created {
                    // SERVERS.md: a new room is locked until the owner
                    // submits the configuration; always do it now.
                    let id = self.ids.next_id();
                    let creating = self.groups.room(room).is_some_and(|r| r.create.is_some());
                    if creating {
                        let iq = admin::config_request(&id, room);
                        self.send_muc_iq(iq, MucPurpose::ConfigForm { room: key });
                    } else {
                        let iq = admin::config_submit(&id, room, None, None);
                        self.send_muc_iq(iq, MucPurpose::ConfigSubmit { room: key });
                    }
                }
            }
            Step::Exit(exit) => self.events.push_back(Event::RoomLeft { room: key, exit }),
            Step::RetryNick { nick } => {
                let password = self.groups.room(room).and_then(|r| r.password.clone());
                if let Ok(to) = occupant_jid(room, &nick) {
                    self.send(stanza::join(to, password.as_deref()));
                }
            }
            Step::JoinFailed { error, creating } => {
                let action = if creating {
                    RoomAction::Create
                } else {
                    RoomAction::Join
                };
                self.room_error(room, action, error);
            }
        }
    }

    /// Reports one occupant change, merged into an `Occupants` event of the
    /// same room still waiting in the queue (O(1) per presence).
    fn occupant_change(&mut self, room: String, change: OccupantChange) {
        if let Some(Event::Occupants { room: r, changes }) = self.events.back_mut() {
            if *r == room {
                changes.push(change);
                return;
            }
        }
        self.events.push_back(Event::Occupants {
            room,
            changes: vec![change],
        });
    }

    /// Group-chat messages, room archive results, invitations and bookmark
    /// notifications; false when `m` is none of these.
    pub(super) fn handle_group_message(&mut self, m: &Message) -> bool {
        let own = self.config.jid.clone();
        let rooms = &self.groups.rooms;
        let nick_of = |r: &BareJid| rooms.get(r.as_str()).map(|r| r.nick.clone());
        match self.groups.archive.add(m, nick_of, &own) {
            RoomResult::NotOurs => {}
            RoomResult::Rejected(reason) => {
                self.events.push_back(Event::Malformed { reason });
                return true;
            }
            RoomResult::Accepted => return true,
        }
        let from_own = m
            .from
            .as_ref()
            .is_none_or(|f| f.is_bare() && f.to_bare() == own);
        if from_own && self.handle_bookmark_notification(m) {
            return true;
        }
        if let Some(invitation) = stanza::invitation(m) {
            self.events.push_back(Event::Invitation(invitation));
            return true;
        }
        let Some(room) = m.from.as_ref().map(|f| f.to_bare()) else {
            return false;
        };
        if !self.groups.rooms.contains_key(room.as_str()) {
            return false;
        }
        self.handle_groupchat(m, &room)
    }

    fn handle_groupchat(&mut self, m: &Message, room: &BareJid) -> bool {
        let key = room.to_string();
        let own = self.config.jid.clone();
        let Some(r) = self.groups.rooms.get_mut(&key) else {
            return false;
        };
        match stanza::groupchat_in(m, room) {
            Groupchat::Message(mut rm) => {
                let occupant_jid = r.occupants.get(&rm.nick).and_then(|o| o.jid.clone());
                rm.jid = rm.jid.or(occupant_jid);
                rm.from_me = rm.nick == r.nick || rm.jid.as_deref() == Some(own.as_str());
                self.events.push_back(Event::RoomMessage(rm));
            }
            Groupchat::Subject { nick, subject, id } => {
                // Prosody sends the new subject in a stanza of its own (a
                // new id): ours is the one from our nick while we wait.
                let ours = nick.as_deref() == Some(r.nick.as_str());
                let done = id.and_then(|id| r.pending.remove(&id)).or_else(|| {
                    let key = r
                        .pending
                        .iter()
                        .find(|(_, a)| ours && **a == RoomAction::SetSubject)
                        .map(|(k, _)| k.clone())?;
                    r.pending.remove(&key)
                });
                self.events.push_back(Event::RoomSubject {
                    room: key.clone(),
                    subject,
                    nick,
                });
                if let Some(action) = done {
                    self.events
                        .push_back(Event::RoomActionDone { room: key, action });
                }
            }
            Groupchat::ChatState { nick, state } => {
                if nick != r.nick {
                    self.events.push_back(Event::RoomChatState {
                        room: key,
                        nick,
                        state,
                    });
                }
            }
            Groupchat::Displayed { nick, id } => {
                let from_me = nick == r.nick;
                self.events.push_back(Event::RoomDisplayed {
                    room: key,
                    nick,
                    id,
                    from_me,
                });
            }
            Groupchat::Error {
                id,
                condition,
                reason,
            } => {
                if let Some(action) = id.as_ref().and_then(|id| r.pending.remove(id)) {
                    let error = request_error(&condition, reason);
                    self.room_error(room, action, error);
                    return true;
                }
                if condition == "not-acceptable" && r.phase == Phase::Joined {
                    // SERVERS.md: on an ejabberd cluster the room lost us
                    // when its node died; join again.
                    r.phase = Phase::Joining { retried: false };
                    r.occupants.clear();
                    let (nick, password) = (r.nick.clone(), r.password.clone());
                    if let Ok(to) = occupant_jid(room, &nick) {
                        self.send(stanza::join(to, password.as_deref()));
                    }
                }
                if let Some(id) = id {
                    self.events.push_back(Event::MessageFailed { id, reason });
                }
            }
            Groupchat::Ignored => return m.type_ == xmpp_parsers::message::MessageType::Groupchat,
        }
        true
    }

    pub(super) fn room_archive_fin(&mut self, queryid: &str, o: IqOutcome) {
        let fin = match o {
            IqOutcome::Result(p) => mam::parse_fin(p),
            IqOutcome::Error(e) => Err(super::super::iq::describe_error(&e)),
            IqOutcome::Timeout => Err("no answer in time".to_owned()),
        };
        let fin = match fin {
            Ok(fin) => fin,
            Err(reason) => {
                if let Some(query) = self.groups.archive.fail(queryid) {
                    self.events
                        .push_back(Event::RoomArchiveFailed { query, reason });
                }
                return;
            }
        };
        let Some(finished) = self.groups.archive.finish(queryid, &fin) else {
            return;
        };
        let query = finished.page.query.clone();
        self.events.push_back(Event::RoomArchive(finished.page));
        if let Some(after) = finished.next {
            self.query_room_archive(query, Paging::After(after), mam::PAGE_SIZE);
        }
    }

    /// The stream ended: pending room archive queries fail; the rooms stay
    /// for a resume (a fresh session starts without them).
    pub(super) fn end_groups(&mut self) {
        for query in self.groups.archive.drain() {
            self.events.push_back(Event::RoomArchiveFailed {
                query,
                reason: "connection lost".into(),
            });
        }
        self.groups.member_lists.clear();
        self.groups.discovering = 0;
    }
}

#[cfg(test)]
#[path = "../muc_tests.rs"]
mod muc_tests;

#[cfg(test)]
#[path = "../muc_admin_tests.rs"]
mod muc_admin_tests;
