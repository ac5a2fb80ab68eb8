//! XEP-0045: Multi-User Chat — the public types the chat layer sees, the
//! errors, and the mention helper. Stanzas are built and read in
//! `muc_stanza.rs` (presence, messages, invitations) and `muc_admin.rs`
//! (owner and admin IQs, service discovery); the room table is
//! `muc_rooms.rs`; the `Session` API is in `session/groups.rs`.
//!
//! Group chat on `Session` (issue 4):
//! - `discover_muc_service()` once after `Event::Online` (the service is
//!   carried over a XEP-0198 resume): `Event::MucService`; then
//!   `muc_service()` answers.
//! - `create_room(name, description, nick)` joins a fresh random room on the
//!   service; on status 201 the owner form is fetched and submitted
//!   (persistent, members-only, non-anonymous, hidden, archived where the
//!   form offers it). `Event::RoomJoined` comes with the self-presence,
//!   `Event::RoomCreated` once the configuration is accepted.
//! - `join_room(room, nick, password)` / `leave_room(room)`. After a fresh
//!   bind (`Event::Online`, not `Event::Resumed`) the server has forgotten
//!   our occupancy: the shell calls `join_room` again for every room it
//!   had joined. After `Event::Resumed` nothing is needed.
//! - Occupants come as `Event::Occupants` (the whole list at once when the
//!   join completes, then one change at a time, coalesced with an
//!   `Occupants` event of the same room still queued).
//! - Groupchat messages come as `Event::RoomMessage`, never as
//!   `Event::Message`; our own messages come back from the room (the
//!   reflection, `from_me`, with our origin-id): it is the confirmation
//!   that the room distributed it (`Event::Sent` only says the server has
//!   it). No receipts are sent in rooms (XEP-0184 §5.3).
//! - Room archives: `fetch_room_archive` / `fetch_room_older` give
//!   `Event::RoomArchive` pages of `RoomMessage`s (XEP-0313 on the room
//!   JID; results are accepted only from the room's bare JID).

use crate::chat::{Availability, Millis};
use jid::Jid;
use minidom::rxml::NcName;
use minidom::{Element, ElementBuilder, IntoAttributeValue};
use xmpp_parsers::iq::Iq;

/// An occupant's role in a room (XEP-0045 §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Moderator,
    Participant,
    Visitor,
    None,
}

/// A user's long-lived affiliation with a room (XEP-0045 §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affiliation {
    Owner,
    Admin,
    Member,
    Outcast,
    None,
}

impl Role {
    pub(crate) fn parse(s: Option<&str>) -> Self {
        match s {
            Some("moderator") => Self::Moderator,
            Some("participant") => Self::Participant,
            Some("visitor") => Self::Visitor,
            _ => Self::None,
        }
    }
}

impl Affiliation {
    pub(crate) fn parse(s: Option<&str>) -> Self {
        match s {
            Some("owner") => Self::Owner,
            Some("admin") => Self::Admin,
            Some("member") => Self::Member,
            Some("outcast") => Self::Outcast,
            _ => Self::None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Outcast => "outcast",
            Self::None => "none",
        }
    }
}

/// Someone in a room, as their presence describes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occupant {
    pub nick: String,
    /// Real bare JID, when the room shows it (non-anonymous rooms, or to
    /// moderators).
    pub jid: Option<String>,
    pub role: Role,
    pub affiliation: Affiliation,
    pub availability: Availability,
    pub status: Option<String>,
    /// This occupant is us.
    pub is_me: bool,
}

/// One change in a room's occupant list. A nickname change is `Gone` for
/// the old nick followed by `Present` for the new one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OccupantChange {
    /// Joined, or changed role, affiliation or availability.
    Present(Occupant),
    Gone {
        nick: String,
    },
}

/// A groupchat message (live or from a room archive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomMessage {
    /// Bare JID of the room (the chat key).
    pub room: String,
    /// The author's nickname in the room.
    pub nick: String,
    /// The author's real bare JID when the room reveals it.
    pub jid: Option<String>,
    /// Written by us (our nick or our real JID): a reflection of a message
    /// we sent (dedup by `origin_id`) or one from our other device.
    pub from_me: bool,
    pub markable: bool,
    pub id: Option<String>,
    /// XEP-0359 origin-id set by the author.
    pub origin_id: Option<String>,
    /// XEP-0359 stanza-id set by the room (by = the room's bare JID; any
    /// other is ignored). Displayed markers in the room reference it.
    pub stanza_id: Option<String>,
    pub body: String,
    /// XEP-0203 delay (archived or history) in ms since the epoch.
    pub delay: Option<Millis>,
    /// A file, a reply, or an action on another message (issue 5).
    pub extras: Box<super::Extras>,
}

/// A room invitation, direct (XEP-0249) or mediated (XEP-0045 §7.8.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    /// Bare JID of the room.
    pub room: String,
    /// Bare JID of the inviter.
    pub from: String,
    pub reason: Option<String>,
    pub password: Option<String>,
    /// Came through the room: `decline_invitation` may answer it.
    pub mediated: bool,
}

/// A user with an affiliation, from the room's member list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub jid: String,
    pub affiliation: Affiliation,
    pub nick: Option<String>,
}

/// A XEP-0402 (or XEP-0048) room bookmark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bookmark {
    /// Bare JID of the room.
    pub room: String,
    pub name: Option<String>,
    pub autojoin: bool,
    pub nick: Option<String>,
    pub password: Option<String>,
}

/// What we asked a room to do, named in the result or error event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomAction {
    Create,
    Join,
    SetSubject,
    Kick {
        nick: String,
    },
    Ban {
        jid: String,
    },
    /// Grant or revoke membership or admin (`affiliation` is the new one).
    SetAffiliation {
        jid: String,
        affiliation: Affiliation,
    },
    Destroy,
    /// XEP-0486: set (or remove) the room's avatar.
    SetAvatar,
    MemberList,
    Invite {
        jid: String,
    },
    Decline,
    SendMessage,
}

/// Why we are no longer in a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomExit {
    /// We left (`leave_room`).
    Left,
    /// Kicked (307) by a moderator.
    Kicked { reason: Option<String> },
    /// Banned (301).
    Banned { reason: Option<String> },
    /// Removed because our affiliation changed (321), e.g. membership revoked.
    MembershipRevoked,
    /// Removed because the room became members-only (322).
    MembersOnly,
    /// The owner destroyed the room; `alternative` may name a successor.
    Destroyed {
        reason: Option<String>,
        alternative: Option<String>,
    },
    /// The service shut down (332) or failed (333).
    Shutdown,
}

/// Why a room request failed. Texts are for logs; the UI maps variants.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MucError {
    #[error("not connected")]
    NotConnected,
    #[error("no group chat service found on the server")]
    NoService,
    #[error("invalid address: {0}")]
    InvalidAddress(String),
    #[error("not in this room")]
    NotJoined,
    /// `not-authorized` on join.
    #[error("the room needs a password")]
    PasswordRequired,
    /// `registration-required` on join.
    #[error("the room is for members only")]
    MembersOnly,
    /// `forbidden` on join.
    #[error("banned from the room")]
    Banned,
    /// `conflict` on join, also with the alternative nickname.
    #[error("the nickname is taken")]
    NickInUse,
    /// `item-not-found`: no such room (or locked).
    #[error("the room does not exist")]
    NotFound,
    /// `service-unavailable` on join: full room or no service.
    #[error("the room is unavailable")]
    Unavailable,
    /// `forbidden` or `not-allowed` for a request: not our privilege.
    #[error("not allowed")]
    Forbidden,
    #[error("no answer in time")]
    Timeout,
    #[error("{0}")]
    Other(String),
}

/// XEP-0045 §7.2.7 and friends: a join error's condition as a `MucError`.
pub(crate) fn join_error(condition: &str, text: String) -> MucError {
    match condition {
        "not-authorized" => MucError::PasswordRequired,
        "registration-required" => MucError::MembersOnly,
        "forbidden" => MucError::Banned,
        "conflict" => MucError::NickInUse,
        "item-not-found" => MucError::NotFound,
        "service-unavailable" => MucError::Unavailable,
        _ => MucError::Other(text),
    }
}

/// A request error's condition as a `MucError`.
pub(crate) fn request_error(condition: &str, text: String) -> MucError {
    match condition {
        "forbidden" | "not-allowed" | "not-authorized" => MucError::Forbidden,
        "item-not-found" => MucError::NotFound,
        _ => MucError::Other(text),
    }
}

/// Whether a groupchat `body` mentions `nick`: case-insensitive, as a whole
/// word (not inside a longer word), with or without a leading `@`.
pub fn mentions(body: &str, nick: &str) -> bool {
    let nick = nick.trim();
    if nick.is_empty() {
        return false;
    }
    let body: Vec<char> = body.chars().flat_map(char::to_lowercase).collect();
    let nick: Vec<char> = nick.chars().flat_map(char::to_lowercase).collect();
    let word = |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || *c == '_');
    (0..body.len())
        .filter(|&i| body[i..].starts_with(&nick))
        .any(|i| {
            !word(i.checked_sub(1).and_then(|p| body.get(p))) && !word(body.get(i + nick.len()))
        })
}

/// An IQ get with a hand-built payload (`to: None`: our own account).
pub(crate) fn iq_get(id: &str, to: Option<Jid>, payload: Element) -> Iq {
    Iq::Get {
        from: None,
        to,
        id: id.to_owned(),
        payload,
    }
}

/// An IQ set with a hand-built payload (`to: None`: our own account).
pub(crate) fn iq_set(id: &str, to: Option<Jid>, payload: Element) -> Iq {
    Iq::Set {
        from: None,
        to,
        id: id.to_owned(),
        payload,
    }
}

/// Adds an attribute to an element being built (names are static and valid).
pub(crate) fn with_attr(
    b: ElementBuilder,
    name: &'static str,
    v: impl IntoAttributeValue,
) -> ElementBuilder {
    match NcName::try_from(name) {
        Ok(n) => b.attr(n, v),
        Err(_) => b,
    }
}

/// `<name xmlns=ns>text</name>`.
pub(crate) fn text_el(name: &str, ns: &str, text: &str) -> Element {
    Element::builder(name, ns).append(text.to_owned()).build()
}

/// The text of child `name` in `ns`, if present and not empty.
pub(crate) fn child_text(e: &Element, name: &str, ns: &str) -> Option<String> {
    e.get_child(name, ns)
        .map(Element::text)
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_is_a_whole_word_in_any_case() {
        assert!(mentions("hi Alice!", "alice"));
        assert!(mentions("@alice look", "Alice"));
        assert!(mentions("ALICE", "alice"));
        assert!(mentions("ping Ünal, please", "ünal"));
        assert!(mentions("ask bob, alice", "alice"));
        assert!(!mentions("malice aforethought", "alice"));
        assert!(!mentions("alice_b is here", "alice"));
        assert!(!mentions("alices", "alice"));
        assert!(!mentions("anything", ""));
    }

    #[test]
    fn nick_with_spaces_is_found() {
        assert!(mentions("thanks, Anna Lee.", "anna lee"));
        assert!(!mentions("thanks Anna Leeds", "anna lee"));
    }

    #[test]
    fn join_errors_are_named() {
        assert_eq!(
            join_error("registration-required", String::new()),
            MucError::MembersOnly
        );
        assert_eq!(
            join_error("not-authorized", String::new()),
            MucError::PasswordRequired
        );
        assert_eq!(join_error("forbidden", String::new()), MucError::Banned);
        assert_eq!(
            request_error("forbidden", String::new()),
            MucError::Forbidden
        );
    }
}
