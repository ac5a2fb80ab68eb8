//! Sans-IO XMPP client core (RFC 6120/6121 over RFC 7395 WebSocket framing).
//!
//! Frames (strings) and the current time go in; frames to send, events and
//! the next timer deadline come out. No clock, randomness or socket is read
//! here: the browser shell (`crate::net`) owns those. The API follows
//! quinn-proto: `handle_frame`, `handle_timeout`, `poll_transmit`,
//! `poll_event`, `poll_timeout`.
//!
//! Public API used by the shell and the UI (keep it stable):
//! - [`Session`], [`Config`], [`Credentials`], [`ScramKeys`], [`Event`],
//!   [`SessionError`], [`IdSource`], [`Presence`] (ours), [`RosterItem`],
//!   [`IncomingMessage`], [`Resumption`] (opaque), [`ArchivePage`],
//!   [`ArchiveQuery`], [`Marker`], [`ChatState`].
//! - [`UploadService`], [`UploadError`], [`format_size`] (XEP-0363).
//! - [`register::Registration`] for XEP-0077 account creation.
//! - [`validate_address`] to check a user-typed address.
//!
//! Delivery (issue 3), on `Session`:
//! - XEP-0198 is enabled with resumption whenever the server offers it;
//!   `Event::Sent { id }` reports a message the server acknowledged.
//!   After `Event::Ended` from a lost connection, `take_resumption()` gives
//!   what `Session::resume(config, ids, resumption)` needs to resume the
//!   stream on a new socket (`Event::Resumed`, unacked stanzas resent) or,
//!   if the server refuses, to bind afresh (`Event::Online`).
//! - `send_message` is idempotent per id while the id is unacknowledged.
//! - XEP-0280 carbons are enabled after bind; carbons not from our own bare
//!   JID are dropped.
//! - `send_displayed(to, id)` sends a XEP-0333 marker; receipts and markers
//!   go to non-contacts only when `Config::receipts_for_strangers`
//!   (`set_receipts_for_strangers` changes it while online).
//! - `fetch_archive(after)` catches up from our XEP-0313 archive page by
//!   page (`Event::Archive`; with `None` only the newest page); a second
//!   call while a catch-up runs is ignored. `fetch_older(chat, before, max)`
//!   pages back in one chat. Results not from our own archive, or for a
//!   query we did not make, are dropped (`Event::Malformed`); a failed or
//!   timed-out query, or the stream ending, gives `Event::ArchiveFailed`.
//! - `check_alive(now)` pings at once (page became visible, browser online).
//!
//! Typing, presence and people (issue 4), on `Session` (see
//! `session/people.rs` and `session/profile.rs`):
//! - XEP-0085 `send_chat_state(to, state)` → `Event::ChatState`;
//!   `set_presence_idle(presence, idle_since)` (our show/status with
//!   XEP-0319 idle in one stanza), XEP-0319 `set_idle`, XEP-0012
//!   `fetch_last_activity` → `Event::LastSeen`
//!   (privacy: `Config::share_last_seen`); XEP-0352 `set_active`.
//! - XEP-0172 `set_nick`/`fetch_nick` → `Event::NickChanged`; XEP-0084
//!   `set_avatar`/`fetch_avatar` → `Event::AvatarChanged`/`Event::Avatar`
//!   (XEP-0153 vCard avatars as fallback); XEP-0115 caps in our presence.
//! - XEP-0191 `block`/`unblock` → `Event::BlockList`/`Blocked`/`Unblocked`.
//!
//! Group chat (issue 4): XEP-0045 rooms, XEP-0249 invitations, room
//! archives and XEP-0402/0048 bookmarks; see the docs of [`muc`].
//!
//! File upload (XEP-0363, `upload.rs` and `session/upload.rs`):
//! - After every fresh bind, once the server's disco#info answered, the
//!   session asks disco#items of the server and disco#info of each item;
//!   the first `store`/`file` identity with `urn:xmpp:http:upload:0` is
//!   reported as `Event::UploadService { jid, max_size }` (`max-file-size`
//!   of its XEP-0128 form; `None`: no limit). No event when the server has
//!   none. A resumed stream keeps the service.
//! - `request_upload_slot(request, filename, size, content_type)`: the
//!   caller's `request` id (the message id) comes back in
//!   `Event::UploadSlot { put_url, get_url, headers }` or
//!   `Event::UploadFailed { error }`. Refused at once with an
//!   [`UploadError`] (no stanza) when offline, without a service
//!   (`NoService`: "This server does not accept files.") or above the
//!   announced limit (`TooLarge`). The server's `<file-too-large/>`,
//!   quota and permission refusals, the 30 s time-out and the stream
//!   ending (`NotConnected`) each have their variant. The PUT itself is
//!   the shell's (`net::upload::put`).

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use crate::chat::{Availability, Millis, Subscription};
use serde::{Deserialize, Serialize};

mod bookmarks;
mod carbons;
mod channels;
mod disco;
mod framing;
mod iq;
mod mam;
mod markers;
mod message;
pub mod muc;
mod muc_admin;
mod muc_archive;
mod muc_rooms;
mod muc_stanza;
mod ping;
mod presence;
pub mod register;
mod rich;
mod roster;
mod sasl;
mod scram;
mod session;
mod sm;
mod upload;
pub mod uri;
// Typing, presence and people (issue 4).
mod avatar;
mod blocking;
mod caps;
mod chatstates;
mod csi;
mod idle;
mod last;
mod nick;
mod pep;
mod vcard;

pub use avatar::sha1_hex;
pub use channels::{PublicRoom, LIST_PUBLIC};
pub use chatstates::ChatState;
pub use muc::{
    Affiliation, Bookmark, Invitation, Member, MucError, Occupant, OccupantChange, Role,
    RoomAction, RoomExit, RoomMessage,
};
pub use muc_archive::{RoomArchivePage, RoomArchiveQuery};
pub use rich::{guess_mime, Extras, Reactions};
pub use session::Session;
pub use sm::Resumption;
pub use upload::{format_size, UploadError, UploadService};
pub use vcard::COPY_TO_VCARD;

/// Source of random ids and SCRAM nonces, injected so tests are
/// deterministic. The browser shell implements it with `crypto.getRandomValues`.
pub trait IdSource {
    /// A fresh random id, URL-safe, at least 64 bits of entropy.
    fn next_id(&mut self) -> String;
}

/// How we prove who we are.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Credentials {
    Password(String),
    /// Keys derived by an earlier SCRAM login ("Remember me" without keeping
    /// the plain password, like Converse's `reuse_scram_keys`).
    Scram(ScramKeys),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Password(_) => f.write_str("Password(<redacted>)"),
            Self::Scram(k) => write!(f, "Scram({k:?})"),
        }
    }
}

/// SCRAM client and server keys (RFC 5802 §3) for one mechanism, salt and
/// iteration count. Usable only while the server keeps the same salt.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScramKeys {
    /// "SCRAM-SHA-256" or "SCRAM-SHA-1".
    pub mechanism: String,
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub client_key: Vec<u8>,
    pub server_key: Vec<u8>,
}

impl std::fmt::Debug for ScramKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScramKeys")
            .field("mechanism", &self.mechanism)
            .field("iterations", &self.iterations)
            .finish_non_exhaustive()
    }
}

/// What a session needs to log in.
#[derive(Clone, Debug)]
pub struct Config {
    /// The account's bare JID, e.g. `alice@example.org`.
    pub jid: jid::BareJid,
    pub credentials: Credentials,
    /// Allow SASL PLAIN: only true when the socket is `wss://` or loopback.
    pub allow_plain: bool,
    /// Preferred resource; the server may assign another.
    pub resource: Option<String>,
    /// Privacy: send XEP-0184 receipts and XEP-0333 markers to people who
    /// are not in our roster. Off by default (like Conversations); can be
    /// changed while online with `Session::set_receipts_for_strangers`.
    pub receipts_for_strangers: bool,
    /// Privacy: put XEP-0319 idle in our presence and answer XEP-0012
    /// last-activity queries from contacts. On by default; can be changed
    /// while online with `Session::set_share_last_seen`.
    pub share_last_seen: bool,
}

/// Our own presence as the user sets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presence {
    pub availability: Availability,
    pub status: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterItem {
    pub jid: String,
    pub name: Option<String>,
    pub subscription: Subscription,
    /// `ask="subscribe"`: our request is pending.
    pub pending_out: bool,
}

/// A chat message that arrived (live, as a XEP-0280 carbon, as an offline
/// message or from the XEP-0313 archive), already checked and reduced to
/// what the chat layer needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingMessage {
    /// Bare JID of the author (our own bare JID when `from_me`).
    pub from: String,
    /// Bare JID of the conversation partner (the chat key): the sender for
    /// a received message, the addressee for one we sent from another device.
    pub chat: String,
    /// Sent by our own account (sent carbon or archived own message).
    pub from_me: bool,
    /// The sender asked for XEP-0333 chat markers (`<markable/>`).
    pub markable: bool,
    /// Stanza `id` attribute, if any.
    pub id: Option<String>,
    /// XEP-0359 origin-id set by the sender.
    pub origin_id: Option<String>,
    /// XEP-0359 stanza-id set by our own server (by = our bare JID).
    pub stanza_id: Option<String>,
    pub body: String,
    /// XEP-0203 delay stamp in ms since the epoch, if the message was delayed.
    pub delay: Option<Millis>,
    /// A file, a reply, or an action on another message (issue 5).
    pub extras: Box<Extras>,
}

/// Which archive query a page of results answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveQuery {
    /// Catch-up over the whole account archive after a (re)connect; the
    /// session fetches page after page until `complete`.
    CatchUp,
    /// One older page of one chat (scrolling up), newest messages last.
    Older { chat: String },
}

/// One page of XEP-0313 results (RSM), only from our own archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchivePage {
    pub query: ArchiveQuery,
    /// Messages in archive order (oldest first); each has `stanza_id` set to
    /// the archive id and `delay` to the archived time.
    pub messages: Vec<IncomingMessage>,
    /// XEP-0333 displayed markers found on this page, oldest first.
    pub markers: Vec<Marker>,
    /// RSM `<first/>` and `<last/>` of the page (archive ids).
    pub first: Option<String>,
    pub last: Option<String>,
    /// No more pages in this direction (`<fin complete='true'/>`).
    pub complete: bool,
}

/// XEP-0333 displayed marker: in `chat`, message `id` (the origin-id / stanza
/// id the author gave it) and everything before it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    /// Bare JID of the conversation partner.
    pub chat: String,
    /// The id of the displayed message.
    pub id: String,
    /// True when one of our own devices displayed a message the partner sent
    /// (clears unread here); false when the partner read our message (Read tick).
    pub from_me: bool,
}

/// Why a session ended or could not start. Texts are for logs; the UI maps
/// variants to its own words (see `ui/error.rs`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("authentication failed: {0}")]
    NotAuthorized(String),
    /// The remembered SCRAM keys no longer fit (new salt or mechanism,
    /// e.g. the password changed or the server does not keep a salt): the
    /// user must type the password again.
    #[error("the remembered login keys no longer work")]
    PasswordNeeded,
    #[error("no supported authentication mechanism (server offers {0})")]
    NoMechanism(String),
    #[error("the server closed the stream: {0}")]
    StreamError(String),
    #[error("protocol violation: {0}")]
    Protocol(String),
    #[error("the server did not answer in time")]
    Timeout,
    #[error("connection lost")]
    ConnectionLost,
}

/// What the session reports to the shell and the chat layer.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Authenticated and bound; the roster request and initial presence are
    /// queued. `scram_keys` is set after a SCRAM login, for "Remember me".
    Online {
        jid: String,
        scram_keys: Option<ScramKeys>,
    },
    /// A dropped stream was resumed (XEP-0198): the server kept our session,
    /// unacknowledged stanzas were sent again; roster and presence are as
    /// before, so nothing is re-fetched. The shell should still catch up the
    /// outbox (messages typed while offline) and may call `fetch_archive`.
    Resumed {
        jid: String,
    },
    /// The session is over (the shell may reconnect unless the error is
    /// `NotAuthorized`). After a lost connection, `Session::take_resumption`
    /// may hold what is needed to resume the stream.
    Ended {
        error: Option<SessionError>,
    },
    /// The server has our message `id` (XEP-0198 ack; without stream
    /// management: it left through the socket). Drives the Sent tick.
    Sent {
        id: String,
    },
    /// The full roster (answer to our roster get).
    Roster {
        items: Vec<RosterItem>,
    },
    /// A roster push (added, changed or `Subscription::Remove`).
    RosterPush {
        item: RosterItem,
    },
    /// A contact's presence changed (aggregated over its resources).
    ContactPresence {
        jid: String,
        availability: Availability,
        status: Option<String>,
        /// XEP-0319: idle since (ms since the epoch), from the contact's
        /// most available resource.
        idle_since: Option<Millis>,
    },
    /// Someone asks to see our presence.
    SubscriptionRequest {
        from: String,
    },
    Message(IncomingMessage),
    /// A message we sent came back as an error (`id` = the id we sent).
    MessageFailed {
        id: String,
        reason: String,
    },
    /// A stanza could not be parsed; the session goes on.
    Malformed {
        reason: String,
    },
    /// XEP-0184: `from` (bare JID) received our message `id`.
    Receipt {
        from: String,
        id: String,
    },
    /// XEP-0333 displayed marker (live or carbon-copied).
    Displayed(Marker),
    /// A page of archive results (XEP-0313 with RSM).
    Archive(ArchivePage),
    /// An archive query failed (`query` says which); catch-up stops there.
    ArchiveFailed {
        query: ArchiveQuery,
        reason: String,
    },
    // ---- group chat (see `muc`) ----
    /// The MUC service discovery finished (`None`: the server has none).
    MucService {
        service: Option<String>,
    },
    /// Our self-presence arrived: we are in `room` as `nick`. The next
    /// event is `Occupants` with the whole list (start from empty).
    RoomJoined {
        room: String,
        nick: String,
        role: Role,
        affiliation: Affiliation,
    },
    /// XEP-0085 in a room: `nick` is typing (`Composing`) or stopped.
    RoomChatState {
        room: String,
        nick: String,
        state: ChatState,
    },
    /// A room's name, from its disco#info identity.
    RoomInfo {
        room: String,
        name: String,
    },
    /// The public groups of our server's group service (`list_public_rooms`).
    PublicRooms {
        rooms: Vec<PublicRoom>,
    },
    /// A room we created is configured and unlocked.
    RoomCreated {
        room: String,
    },
    /// We are out of `room` (left, kicked, banned, destroyed, …).
    RoomLeft {
        room: String,
        exit: RoomExit,
    },
    /// A room request failed (joining, creating, moderation, …).
    RoomError {
        room: String,
        action: RoomAction,
        error: MucError,
    },
    /// A moderation or owner request succeeded.
    RoomActionDone {
        room: String,
        action: RoomAction,
    },
    /// Occupants joined, changed or left, in order, batched.
    Occupants {
        room: String,
        changes: Vec<OccupantChange>,
    },
    /// A groupchat message (ours when reflected: `from_me`).
    RoomMessage(RoomMessage),
    /// The room's subject (empty: none); `nick` who set it, if known.
    RoomSubject {
        room: String,
        subject: String,
        nick: Option<String>,
    },
    /// XEP-0333 in a room: `nick` displayed the message with stanza-id `id`.
    RoomDisplayed {
        room: String,
        nick: String,
        id: String,
        from_me: bool,
    },
    /// A direct or mediated invitation to a room.
    Invitation(Invitation),
    /// Answer to `fetch_members`.
    MemberList {
        room: String,
        members: Vec<Member>,
    },
    /// A page of a room's archive.
    RoomArchive(RoomArchivePage),
    /// A room archive query failed.
    RoomArchiveFailed {
        query: RoomArchiveQuery,
        reason: String,
    },
    /// The whole bookmark list, after a fetch, a change or a notification.
    Bookmarks {
        rooms: Vec<Bookmark>,
    },
    /// A request the user made (e.g. adding a contact) failed or timed out;
    /// `request` names it (e.g. "add contact bob@example.org").
    RequestFailed {
        request: String,
        reason: String,
    },
    /// XEP-0085: `from` (a bare JID, one-to-one chat) is typing, paused, …
    ChatState {
        from: String,
        state: ChatState,
    },
    /// XEP-0012 answer to `fetch_last_activity`: `jid` was last active
    /// `seconds_ago` seconds ago, i.e. at `at` (ms since the epoch).
    LastSeen {
        jid: String,
        seconds_ago: u64,
        at: Millis,
    },
    /// A contact's (or our own) avatar changed (XEP-0084 metadata or a
    /// XEP-0153 presence hash); `None`: no avatar. Fetch the image with
    /// `fetch_avatar(jid, hash)` unless it is cached by hash.
    AvatarChanged {
        jid: String,
        hash: Option<String>,
    },
    /// The image of `fetch_avatar`; its SHA-1 is `hash` (checked).
    Avatar {
        jid: String,
        hash: String,
        mime: String,
        data: Vec<u8>,
    },
    /// XEP-0172 nickname of `jid` (a contact or ourselves), from a PEP
    /// notification or `fetch_nick`; `None`: no nickname.
    NickChanged {
        jid: String,
        nick: Option<String>,
    },
    /// XEP-0191: the whole block list (after going online, or empty when
    /// everyone was unblocked).
    BlockList {
        jids: Vec<String>,
    },
    Blocked {
        jid: String,
    },
    Unblocked {
        jid: String,
    },
    // ---- XEP-0363 HTTP File Upload (see `Session::request_upload_slot`) ----
    /// Discovery found the server's upload service, after every fresh
    /// bind (not after a resume: the service is kept). Not sent when the
    /// server has none: until this event, files cannot be sent
    /// (`UploadError::NoService`, "This server does not accept files.").
    UploadService {
        jid: String,
        /// The largest file it takes, in bytes; `None`: no stated limit.
        max_size: Option<u64>,
    },
    /// The slot for `request`: PUT the file to `put_url` with every one of
    /// `headers` (e.g. Prosody's `Authorization`), then share `get_url`.
    UploadSlot {
        request: String,
        put_url: String,
        get_url: String,
        headers: Vec<(String, String)>,
    },
    /// The slot request `request` failed (refused, no answer in time, or
    /// the stream ended before the answer).
    UploadFailed {
        request: String,
        error: UploadError,
    },
}

/// Checks a user-typed address and returns the normalised bare JID, or a
/// sentence saying what is wrong with it.
pub fn validate_address(input: &str) -> Result<jid::BareJid, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Enter an address like name@example.org.".into());
    }
    if !trimmed.contains('@') {
        return Err(format!(
            "\u{201c}{trimmed}\u{201d} is not a valid address: it needs an @, like name@example.org."
        ));
    }
    match jid::BareJid::new(trimmed) {
        Ok(j) if j.node().is_some() => Ok(j),
        _ => Err(format!("\u{201c}{trimmed}\u{201d} is not a valid address.")),
    }
}
