//! What the reducer asks the shell to do: store writes and loads
//! ([`Effect`]) and protocol work for the session ([`Command`]), run in
//! order by the shell.

use super::model::*;
use crate::store::Before;

/// Something the shell must do after a state change.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    SaveMessage(StoredMessage),
    /// Several messages in one store transaction (a page of history).
    SaveMessages(Vec<StoredMessage>),
    SaveChat(Chat),
    /// A stored message turned out to have this archive id (it came again
    /// from the archive); nothing else about it changes.
    SetArchiveId {
        id: String,
        stanza_id: String,
    },
    SaveContact(Contact),
    /// Move a stored message's status forward (see [`MessageStatus::advances_to`]).
    SetStatus {
        id: String,
        status: MessageStatus,
        error: Option<String>,
    },
    /// The partner displayed our message `id` in `chat`: it and every own
    /// message before it become Read in the store.
    MarkRead {
        chat: String,
        id: String,
    },
    RemoveContact(String),
    /// Remove a message from the store (deleted here only).
    DeleteMessage(String),
    /// Load the newest page of a chat's history from the store.
    LoadHistory(String),
    /// Load the page of `chat` before `before` from the store; the shell
    /// answers with [`Input::Older`].
    LoadOlder {
        chat: String,
        before: Before,
    },
    SaveSetting {
        key: String,
        value: String,
    },
    SaveProfile(Profile),
    /// Cache an avatar image by its hash.
    SaveAvatar(AvatarImage),
    /// Fetch `jid`'s avatar `hash` from the server unless it is cached.
    EnsureAvatar {
        jid: String,
        hash: String,
    },
    Command(Command),
}

/// Protocol work for the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    SendMessage {
        to: String,
        body: String,
        id: String,
        /// A file, a reply, or an action on another message.
        extras: crate::xmpp::Extras,
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
    /// XEP-0333: tell `to` (and our other devices) we displayed message `id`.
    SendDisplayed {
        to: String,
        id: String,
    },
    /// One older page of `chat` from the server archive, before the archive
    /// id `before` (the newest page when `None`).
    FetchOlder {
        chat: String,
        before: Option<String>,
    },
    SetReceiptsForStrangers(bool),
    SetShareLastSeen(bool),
    /// Announce our presence and XEP-0319 idle time (one stanza); also the
    /// initial presence of every later session.
    SetPresence {
        presence: crate::xmpp::Presence,
        idle_since: Option<Millis>,
    },
    /// XEP-0085 chat state in a group.
    SendRoomChatState {
        room: String,
        state: crate::xmpp::ChatState,
    },
    /// XEP-0085 chat state for the chat with `to`.
    SendChatState {
        to: String,
        state: crate::xmpp::ChatState,
    },
    /// XEP-0012: when was `jid` last online.
    FetchLastSeen {
        jid: String,
    },
    Block {
        jid: String,
    },
    Unblock {
        jid: String,
    },
    /// Take `jid` off the roster (both subscriptions end).
    RemoveContact {
        jid: String,
    },
    // ---- groups ----
    CreateRoom {
        name: String,
        description: String,
    },
    JoinRoom {
        room: String,
        nick: Option<String>,
    },
    LeaveRoom {
        room: String,
    },
    SendRoomMessage {
        room: String,
        body: String,
        id: String,
        extras: crate::xmpp::Extras,
    },
    /// XEP-0363: ask for an upload slot for the file of our message `id`.
    RequestUploadSlot {
        id: String,
        name: String,
        size: u64,
        mime: String,
    },
    /// XEP-0333 in a room: we displayed the message with archive id `stanza_id`.
    SendRoomDisplayed {
        room: String,
        stanza_id: String,
    },
    /// Make `jid` a member and send it an invitation.
    Invite {
        room: String,
        jid: String,
    },
    DeclineInvitation {
        room: String,
        from: String,
    },
    SetBookmark {
        room: String,
        name: Option<String>,
        nick: Option<String>,
    },
    RemoveBookmark {
        room: String,
    },
    /// An owner's or moderator's action in a room.
    Moderate {
        room: String,
        action: Moderation,
    },
    /// The public rooms of the group service.
    ListPublicRooms,
    /// XEP-0486: set (`Some((mime, data))`) or remove a room's photo.
    SetRoomAvatar {
        room: String,
        photo: Option<(String, Vec<u8>)>,
    },
    /// The members, admins and owners of a room.
    FetchMembers {
        room: String,
    },
    /// One older page of a room's archive.
    FetchRoomOlder {
        room: String,
        before: Option<String>,
    },
    // ---- profiles ----
    /// XEP-0172: publish our nickname.
    SetNick(String),
    /// XEP-0084: publish our avatar.
    SetAvatar {
        mime: String,
        data: Vec<u8>,
        width: u16,
        height: u16,
    },
    RemoveAvatar,
}

/// What an owner, admin or moderator can do to someone in a group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moderation {
    /// Remove from the room now (role none); they may come back if members.
    Kick {
        nick: String,
    },
    /// Ban for good (affiliation outcast).
    Ban {
        jid: String,
    },
    /// Grant or revoke membership or admin.
    Affiliation {
        jid: String,
        affiliation: crate::xmpp::Affiliation,
    },
    SetSubject {
        subject: String,
    },
    /// Delete the group (owner).
    Destroy,
}
