//! The chat reducer: protocol events and user intents in, state changes and
//! effects (store writes, protocol commands) out.
//!
//! It owns no IO. The browser shell applies the effects in order and awaits
//! each store write before the next command, which is how "a message is in
//! IndexedDB before it goes to the socket" holds.

use super::ingest::Batch;
use super::model::*;
use crate::xmpp::{ArchiveQuery, Event, RosterItem};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

pub use super::effects::{Command, Effect, Moderation};
pub use super::input::Input;
pub use super::people::{MyPresence, MY_PRESENCE, STATUS_MAX_CHARS};

/// Messages per page when loading history from the store.
pub const HISTORY_PAGE: usize = 50;
/// Setting key of the newest archive id we have (the MAM catch-up cursor);
/// the empty string means "from the oldest message" (the archive was empty).
pub const ARCHIVE_CURSOR: &str = "mam_last";
/// Setting keys of the privacy choices.
pub const READ_RECEIPTS: &str = "read_receipts";
pub const RECEIPTS_FOR_STRANGERS: &str = "receipts_for_strangers";
pub const SHARE_LAST_SEEN: &str = "share_last_seen";

/// How many characters of a message the chat list shows.
const PREVIEW_CHARS: usize = 80;

/// The user's privacy choices for receipts and read markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Privacy {
    /// Send XEP-0333 displayed markers (blue ticks for the other side).
    pub read_receipts: bool,
    /// Send receipts and markers to people who are not contacts.
    pub receipts_for_strangers: bool,
    /// Let contacts see when we were last online (idle time, XEP-0012).
    pub share_last_seen: bool,
}

impl Default for Privacy {
    fn default() -> Self {
        Self {
            read_receipts: true,
            receipts_for_strangers: false,
            share_last_seen: true,
        }
    }
}

/// Where loading older history of the open chat stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OlderState {
    #[default]
    Idle,
    /// A page is being read from the store or fetched from the archive.
    Loading,
    /// Both the store and the archive have nothing older.
    Exhausted,
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
    /// The loaded messages of the open chat, oldest first. Shared, so a
    /// view can hold them and see at once (pointer equality) that a state
    /// change elsewhere did not touch them; changed with `Arc::make_mut`.
    pub messages: Arc<Vec<StoredMessage>>,
    pub visible: bool,
    /// A failure to tell the user about (shown until dismissed).
    pub notice: Option<String>,
    /// A catch-up from an archive is running ("Updating…"): the account's
    /// or a room's.
    pub syncing: bool,
    /// The account archive's catch-up is running.
    pub(super) account_syncing: bool,
    /// Rooms whose archive catch-up is running (from their join until the
    /// last page, or a failure).
    pub(super) rooms_syncing: BTreeSet<String>,
    pub privacy: Privacy,
    /// The "New messages" divider goes before this message of the open chat.
    pub divider: Option<String>,
    /// Unread count of the open chat when it was opened (for the divider).
    pub(super) unread_at_open: u32,
    pub older: OlderState,
    /// Per chat, the ids of unread incoming messages seen in this session,
    /// oldest first, so a marker from another device can clear up to one.
    pub(super) unread_ids: HashMap<String, Vec<String>>,
    /// Per chat, the message we last sent a displayed marker for.
    pub(super) displayed: HashMap<String, String>,
    /// Ids of incoming messages that did not ask for markers (this session).
    pub(super) not_markable: HashSet<String>,
    /// Contacts typing to us now, and groups where someone types.
    pub typing: HashSet<String>,
    /// Who types in each group, by nickname.
    pub room_typing: HashMap<String, BTreeSet<String>>,
    /// The chat state we last sent per chat (absent: active).
    pub(super) my_typing: HashMap<String, crate::xmpp::ChatState>,
    /// When contacts went idle (XEP-0319), from their presence.
    pub idle: HashMap<String, Millis>,
    /// When offline contacts were last online (XEP-0012).
    pub last_seen: HashMap<String, Millis>,
    /// Blocked addresses (XEP-0191).
    pub blocked: BTreeSet<String>,
    /// The presence the user chose ("My status"), restored from settings.
    pub my_presence: MyPresence,
    /// The user is idle since (no interaction for the idle time-out).
    pub my_idle_since: Option<Millis>,
    /// Group chats by room address.
    pub rooms: HashMap<String, super::groups::Room>,
    /// Invitations waiting for Join or Decline.
    pub invitations: Vec<crate::xmpp::Invitation>,
    pub bookmarks: Vec<crate::xmpp::Bookmark>,
    /// The server's group chat service, once discovered.
    pub muc_service: Option<String>,
    /// Rooms being created, with the name the user gave.
    pub(super) creating: HashMap<String, String>,
    /// The room to open once it is joined (or created).
    pub(super) opening_room: Option<String>,
    /// Nickname and avatar hash per bare JID (ours too).
    pub profiles: HashMap<String, Profile>,
    /// What the last group action achieved ("Subject of … changed."),
    /// shown as a status until dismissed or replaced.
    pub done: Option<String>,
    /// Members, admins and owners per room, when the server listed them.
    pub member_lists: HashMap<String, Vec<crate::xmpp::Member>>,
    /// The photo chosen in "New group", until the room has an address,
    /// then until it is created.
    pub(super) new_group_avatar: Option<AvatarImage>,
    pub(super) creating_avatars: HashMap<String, AvatarImage>,
    /// Per group, the last message (archive id) each occupant displayed.
    pub(super) room_reads: HashMap<String, HashMap<String, String>>,
    /// The server's XEP-0363 upload service, once discovered (issue 5).
    pub upload_service: Option<crate::xmpp::UploadService>,
    /// The server's public groups, once asked for.
    pub public_groups: super::channels::PublicGroups,
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

    /// The name to show for a JID: a group's name, the roster name, the
    /// nickname they published (XEP-0172), else the address.
    pub fn display_name(&self, jid: &str) -> String {
        self.chats
            .get(jid)
            .and_then(|c| c.name.clone())
            .or_else(|| self.contacts.get(jid).and_then(|c| c.name.clone()))
            .filter(|n| !n.trim().is_empty())
            .or_else(|| self.nick_of(jid).map(str::to_owned))
            .unwrap_or_else(|| jid.to_string())
    }

    pub fn availability(&self, jid: &str) -> Availability {
        self.presence.get(jid).map(|p| p.0).unwrap_or_default()
    }

    pub fn apply(&mut self, input: Input, now: Millis) -> Vec<Effect> {
        match input {
            Input::Restored {
                chats,
                contacts,
                privacy,
            } => {
                self.privacy = privacy;
                for c in chats {
                    self.chats.entry(c.jid.clone()).or_insert(c);
                }
                for c in contacts {
                    self.contacts.entry(c.jid.clone()).or_insert(c);
                }
                vec![]
            }
            Input::History { chat, messages } => {
                if self.open.as_deref() != Some(chat.as_str()) {
                    return vec![];
                }
                for m in messages {
                    self.upsert_loaded(m);
                }
                self.place_divider();
                self.mark_displayed()
            }
            Input::Older { chat, messages } => self.older_from_store(chat, messages),
            Input::LoadOlder => self.load_older(),
            Input::Ingest(batch) => self.ingest(batch, now),
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
            Input::Send { body, id } => match self.open.clone() {
                Some(chat) => self.send_in(chat, body, id, Rich::default(), now),
                None => vec![],
            },
            Input::Reply { body, id, target } => match (self.open.clone(), self.quote(&target)) {
                (Some(chat), Some(quote)) => {
                    let rich = Rich {
                        reply: Some(quote),
                        ..Rich::default()
                    };
                    self.send_in(chat, body, id, rich, now)
                }
                _ => vec![],
            },
            Input::Edit { target, body, id } => self.edit(&target, body, id, now),
            Input::React { target, emoji, id } => self.react(&target, emoji, id),
            Input::Retract { target, id } => self.retract(&target, id),
            Input::DeleteForMe { target } => self.delete_for_me(&target),
            Input::Forward { target, to, id } => self.forward(&target, to, id, now),
            Input::Attach { id, attachment } => self.attach(id, attachment, now),
            Input::Uploaded { message, url } => self.uploaded(*message, url),
            Input::UploadFailed { id, error } => {
                self.set_status(&id, MessageStatus::Failed, Some(error))
            }
            Input::CancelUpload { id } => self.cancel_upload(&id),
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
                    (true, Some(jid)) => {
                        let mut effects = self.clear_unread(&jid);
                        effects.extend(self.mark_displayed());
                        effects
                    }
                    _ => vec![],
                }
            }
            Input::Composing {
                composing,
                has_text,
            } => self.composing(composing, has_text),
            Input::Block { jid } => vec![Effect::Command(Command::Block { jid })],
            Input::Unblock { jid } => vec![Effect::Command(Command::Unblock { jid })],
            Input::CreateGroup {
                name,
                description,
                avatar,
            } => {
                self.new_group_avatar = avatar;
                self.create_group(name, description)
            }
            Input::GroupCreating { room, name } => {
                if let Some(image) = self.new_group_avatar.take() {
                    self.creating_avatars.insert(room.clone(), image);
                }
                self.group_creating(room, name)
            }
            Input::SetGroupAvatar(image) => self.set_group_avatar(image),
            Input::JoinGroup { room, nick } => self.join_group(room, nick),
            Input::LeaveGroup => self.leave_group(),
            Input::Invite { jid } => self.invite(jid),
            Input::RemoveContact { jid } => {
                vec![Effect::Command(Command::RemoveContact { jid })]
            }
            Input::Profiles(profiles) => self.profiles_restored(profiles),
            Input::SetNick(nick) => self.set_my_nick(nick),
            Input::SetAvatar {
                image,
                width,
                height,
            } => self.set_my_avatar(image, width, height),
            Input::RemoveAvatar => self.remove_my_avatar(),
            Input::BrowsePublicGroups => self.browse_public_groups(),
            Input::ListMembers => match self.open.clone().filter(|o| self.is_group(o)) {
                Some(room) => vec![Effect::Command(Command::FetchMembers { room })],
                None => vec![],
            },
            Input::DismissNotice => {
                self.notice = None;
                self.done = None;
                vec![]
            }
            Input::Moderate(action) => match self.open.clone().filter(|o| self.is_group(o)) {
                Some(room) => {
                    self.done = None;
                    vec![Effect::Command(Command::Moderate { room, action })]
                }
                None => vec![],
            },
            Input::AnswerInvitation { room, accept } => self.answer_invitation(&room, accept),
            Input::SetMyPresence {
                availability,
                status,
            } => self.set_my_presence(MyPresence::new(availability, &status)),
            Input::Idle(since) => self.set_my_idle(since),
            Input::SetPrivacy(privacy) => {
                let mut effects = vec![];
                for (key, old, new) in [
                    (
                        READ_RECEIPTS,
                        self.privacy.read_receipts,
                        privacy.read_receipts,
                    ),
                    (
                        RECEIPTS_FOR_STRANGERS,
                        self.privacy.receipts_for_strangers,
                        privacy.receipts_for_strangers,
                    ),
                    (
                        SHARE_LAST_SEEN,
                        self.privacy.share_last_seen,
                        privacy.share_last_seen,
                    ),
                ] {
                    if old != new {
                        effects.push(Effect::SaveSetting {
                            key: key.to_owned(),
                            value: new.to_string(),
                        });
                    }
                }
                if self.privacy.receipts_for_strangers != privacy.receipts_for_strangers {
                    effects.push(Effect::Command(Command::SetReceiptsForStrangers(
                        privacy.receipts_for_strangers,
                    )));
                }
                if self.privacy.share_last_seen != privacy.share_last_seen {
                    effects.push(Effect::Command(Command::SetShareLastSeen(
                        privacy.share_last_seen,
                    )));
                }
                self.privacy = privacy;
                effects
            }
        }
    }

    pub(super) fn open_chat(&mut self, jid: Option<String>) -> Vec<Effect> {
        let mut effects = vec![];
        if let Some(left) = self.open.clone().filter(|o| Some(o) != jid.as_ref()) {
            // Leaving a chat while typing: say we stopped.
            if self.my_typing.remove(&left).is_some() {
                effects.push(Effect::Command(Command::SendChatState {
                    to: left,
                    state: crate::xmpp::ChatState::Active,
                }));
            }
        }
        self.open = jid.clone();
        self.messages = Arc::default();
        self.divider = None;
        self.older = OlderState::Idle;
        self.unread_at_open = jid
            .as_ref()
            .and_then(|j| self.chats.get(j))
            .map_or(0, |c| c.unread);
        if let Some(jid) = jid {
            effects.extend(self.clear_unread(&jid));
            effects.extend(self.ask_last_seen(&jid));
            effects.push(Effect::LoadHistory(jid));
        }
        effects
    }

    pub(super) fn clear_unread(&mut self, jid: &str) -> Vec<Effect> {
        self.unread_ids.remove(jid);
        match self.chats.get_mut(jid) {
            Some(chat) if chat.unread > 0 || chat.mentions > 0 => {
                chat.unread = 0;
                chat.mentions = 0;
                vec![Effect::SaveChat(chat.clone())]
            }
            _ => vec![],
        }
    }

    /// Adds our message to chat `to` (open or not: a forward) and sends it.
    pub(super) fn send_in(
        &mut self,
        to: String,
        body: String,
        id: String,
        rich: Rich,
        now: Millis,
    ) -> Vec<Effect> {
        let Some(me) = self.me.clone() else {
            return vec![];
        };
        if body.trim().is_empty() && rich.attachment.is_none() {
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
            rich,
        };
        if self.open.as_deref() == Some(to.as_str()) {
            self.upsert_loaded(message.clone());
        }
        // The message carries <active/>: we are no longer typing.
        self.sent_active(&to);
        let line = super::actions::summary(&body, &message.rich);
        let chat = self.touch_chat(&to, &line, now, false);
        let extras = Self::extras_of(&message);
        let command = self.command_for(&to, body, id, extras);
        // Only the message must be stored before it goes out; the chat
        // list's preview can wait one more write (a round trip is ~15 ms
        // shorter).
        vec![
            Effect::SaveMessage(message),
            Effect::Command(command),
            Effect::SaveChat(chat),
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
        let command = match &m.rich.attachment {
            // The file never reached the server: upload it again first.
            Some(a) if a.url.is_empty() => super::uploads::upload_command(&m.id, a),
            _ => self.command_for(&m.chat, m.body.clone(), m.id.clone(), Self::extras_of(m)),
        };
        let mut effects = self.set_status(id, MessageStatus::Pending, None);
        effects.push(Effect::Command(command));
        effects
    }

    fn on_event(&mut self, event: Event, now: Millis) -> Vec<Effect> {
        match event {
            Event::Online { jid, .. } => {
                self.me = Some(bare(&jid).to_string());
                // Discovered again on every fresh session.
                self.upload_service = None;
                // The shell starts the archive catch-up on every fresh session.
                self.account_syncing = true;
                self.rooms_reset();
                self.sync_changed();
                vec![]
            }
            Event::Resumed { .. } => {
                // The shell catches up after a resume too.
                self.account_syncing = true;
                self.sync_changed();
                vec![]
            }
            Event::Ended { .. } => {
                self.account_syncing = false;
                self.rooms_syncing.clear();
                self.sync_changed();
                if self.older == OlderState::Loading {
                    self.older = OlderState::Idle;
                }
                vec![]
            }
            Event::Sent { id } => self.set_status(&id, MessageStatus::Sent, None),
            Event::Displayed(marker) => self.marker(marker),
            Event::Message(m) => self.ingest(Batch::live(m), now),
            Event::Archive(page) => self.ingest(Batch::page(page), now),
            Event::ArchiveFailed { query, reason } => {
                match query {
                    ArchiveQuery::CatchUp => {
                        self.account_syncing = false;
                        self.sync_changed();
                    }
                    ArchiveQuery::Older { .. } => self.older = OlderState::Idle,
                }
                self.notice = Some(format!("Could not load history: {reason}"));
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
                idle_since,
            } => {
                match idle_since {
                    Some(at) => self.idle.insert(jid.clone(), at),
                    None => self.idle.remove(&jid),
                };
                if availability == Availability::Offline {
                    // Gone now: "last seen" is now, unless the server says when.
                    self.typing.remove(&jid);
                }
                self.presence.insert(jid, (availability, status));
                vec![]
            }
            Event::ChatState { from, state } => self.chat_state(from, state),
            Event::LastSeen { jid, at, .. } => {
                self.last_seen.insert(jid, at);
                vec![]
            }
            Event::BlockList { jids } => self.block_list(jids),
            Event::Blocked { jid } => self.blocked_one(jid, true),
            Event::Unblocked { jid } => self.blocked_one(jid, false),
            Event::SubscriptionRequest { from } => {
                let already = self.contacts.get(&from).is_some_and(|c| {
                    matches!(c.subscription, Subscription::From | Subscription::Both)
                });
                if !already {
                    self.requests.insert(from);
                }
                vec![]
            }
            Event::MessageFailed { id, reason } => {
                self.set_status(&id, MessageStatus::Failed, Some(reason))
            }
            Event::Receipt { id, .. } => self.set_status(&id, MessageStatus::Delivered, None),
            Event::RequestFailed { request, .. } if super::profiles::is_background(&request) => {
                vec![]
            }
            Event::RequestFailed { request, reason }
                if self.public_rooms_failed(&request, &reason) =>
            {
                vec![]
            }
            Event::RequestFailed { request, reason } => {
                self.notice = Some(format!("Could not {request}: {reason}"));
                vec![]
            }
            Event::Malformed { .. } => vec![],
            Event::AvatarChanged { jid, hash } => self.avatar_changed(jid, hash),
            Event::NickChanged { jid, nick } => self.nick_changed(jid, nick),
            Event::Avatar {
                hash, mime, data, ..
            } => self.avatar_arrived(hash, mime, data),
            Event::MucService { service } => {
                self.muc_service = service;
                vec![]
            }
            Event::RoomJoined {
                room,
                nick,
                role,
                affiliation,
            } => self.room_joined(room, nick, role, affiliation, now),
            Event::RoomCreated { room } => {
                let mut effects = self.room_created(room.clone(), now);
                effects.extend(self.created_group_avatar(&room));
                effects
            }
            Event::RoomInfo { room, name } => self.room_info(room, name, now),
            Event::RoomChatState { room, nick, state } => self.room_chat_state(room, nick, state),
            Event::RoomLeft { room, exit } => {
                let mut effects = self.room_gone(&room, &exit);
                effects.extend(self.room_left(room, exit));
                effects
            }
            Event::RoomError {
                room,
                action,
                error,
            } => self.room_error(room, action, error),
            Event::Occupants { room, changes } => self.occupants(room, changes),
            Event::RoomMessage(m) => self.ingest(Batch::room_message(m), now),
            Event::RoomSubject { room, subject, .. } => {
                self.rooms.entry(room).or_default().subject = subject;
                vec![]
            }
            Event::RoomDisplayed {
                room,
                id,
                from_me: true,
                ..
            } => self.marker(crate::xmpp::Marker {
                chat: room,
                id,
                from_me: true,
            }),
            Event::Invitation(invitation) => self.invitation(invitation),
            Event::RoomArchive(page) => self.ingest(Batch::room_page(page), now),
            Event::RoomArchiveFailed { query, reason } => {
                match query {
                    crate::xmpp::RoomArchiveQuery::Older { .. } => self.older = OlderState::Idle,
                    crate::xmpp::RoomArchiveQuery::CatchUp { room } => self.room_synced(&room),
                }
                self.notice = Some(format!("Could not load the group's history: {reason}"));
                vec![]
            }
            Event::Bookmarks { rooms } => self.bookmarks_changed(rooms),
            Event::RoomDisplayed { room, nick, id, .. } => self.room_read(room, nick, id),
            Event::RoomActionDone { room, action } => self.room_action_done(room, action),
            Event::PublicRooms { rooms } => self.public_rooms(rooms),
            Event::MemberList { room, members } => self.member_list(room, members),
            Event::UploadService { jid, max_size } => {
                self.upload_service = Some(crate::xmpp::UploadService { jid, max_size });
                vec![]
            }
            // The shell runs uploads (it holds the file); it reports the
            // outcome as `Input::Uploaded` / `Input::UploadFailed`.
            Event::UploadSlot { .. } | Event::UploadFailed { .. } => vec![],
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

    /// Adds an empty chat for `jid` unless there is one; returns its save.
    pub(super) fn ensure_chat(&mut self, jid: &str, at: Millis) -> Option<Effect> {
        if self.chats.contains_key(jid) {
            return None;
        }
        let chat = Chat::empty(jid, at);
        self.chats.insert(jid.to_string(), chat.clone());
        Some(Effect::SaveChat(chat))
    }

    pub(super) fn touch_chat(&mut self, jid: &str, body: &str, at: Millis, unread: bool) -> Chat {
        let chat = self
            .chats
            .entry(jid.to_string())
            .or_insert_with(|| Chat::empty(jid, at));
        if at >= chat.last_activity || chat.last_preview.is_empty() {
            chat.last_preview = preview(body);
        }
        chat.last_activity = chat.last_activity.max(at);
        if unread {
            chat.unread += 1;
        }
        chat.clone()
    }

    pub(super) fn set_status(
        &mut self,
        id: &str,
        status: MessageStatus,
        error: Option<String>,
    ) -> Vec<Effect> {
        if let Some(m) = Arc::make_mut(&mut self.messages)
            .iter_mut()
            .find(|m| m.id == id)
        {
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
    pub(super) fn upsert_loaded(&mut self, message: StoredMessage) {
        let messages = Arc::make_mut(&mut self.messages);
        if let Some(existing) = messages.iter_mut().find(|m| m.id == message.id) {
            *existing = message;
            return;
        }
        let key = (message.timestamp, message.id.clone());
        let at =
            messages.partition_point(|m| (m.timestamp, m.id.as_str()) <= (key.0, key.1.as_str()));
        messages.insert(at, message);
    }
}

/// The bare part of a JID string (`a@b/c` → `a@b`).
pub fn bare(jid: &str) -> &str {
    jid.split('/').next().unwrap_or(jid)
}

pub(super) fn preview(body: &str) -> String {
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
#[path = "reducer_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "actions_tests.rs"]
mod actions_tests;

#[cfg(test)]
#[path = "uploads_tests.rs"]
mod uploads_tests;

#[cfg(test)]
#[path = "groups_tests.rs"]
mod groups_tests;

#[cfg(test)]
#[path = "people_tests.rs"]
mod people_tests;
