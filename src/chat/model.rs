//! Plain data for the chat domain, shared by the reducer, the store and the UI.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Milliseconds since the Unix epoch. Passed in, never read from a clock here.
pub type Millis = u64;

/// Where one of our own messages is on its way to the recipient.
///
/// Incoming messages carry `Received`. The UI shows the own-message states
/// as tick icons whose accessible names are the variant names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageStatus {
    Pending,
    Sent,
    Delivered,
    Read,
    Failed,
    Received,
}

impl MessageStatus {
    /// The accessible name of the status icon ("Pending", "Sent", ...).
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Sent => "Sent",
            Self::Delivered => "Delivered",
            Self::Read => "Read",
            Self::Failed => "Failed",
            Self::Received => "Received",
        }
    }

    /// Ticks only move forward: a late "Sent" must not undo "Read". A
    /// failure can replace Pending or Sent (the server bounced it), and a
    /// Failed message only goes back to Pending (Retry).
    pub fn advances_to(self, next: MessageStatus) -> bool {
        match (self, next) {
            (Self::Received, _) | (_, Self::Received) => false,
            // A bounce is final until the user retries: a later marker or
            // receipt for newer messages does not make it delivered.
            (Self::Failed, next) => next == Self::Pending,
            (Self::Pending | Self::Sent, Self::Failed) => true,
            (a, b) => b.rank() > a.rank(),
        }
    }

    fn rank(self) -> u8 {
        match self {
            Self::Pending => 0,
            Self::Failed => 1,
            Self::Sent => 2,
            Self::Delivered => 3,
            Self::Read => 4,
            Self::Received => 5,
        }
    }
}

/// One message as stored and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredMessage {
    /// Local primary key. For our own messages it is the XEP-0359 origin-id
    /// we sent; for incoming ones the sender's origin-id, else the stanza id,
    /// else a generated id. Dedup happens on this key and on `stanza_id`.
    pub id: String,
    /// Bare JID of the conversation partner (the chat key).
    pub chat: String,
    pub from_me: bool,
    /// Bare JID of the author.
    pub sender: String,
    pub body: String,
    pub timestamp: Millis,
    pub status: MessageStatus,
    /// XEP-0359 stanza-id assigned by our server's archive, when known.
    pub stanza_id: Option<String>,
    /// Error text when `status` is `Failed`.
    pub error: Option<String>,
    /// Attachment, reply, reactions, edit and retraction (issue 5); empty
    /// for a plain text message, and for every message stored before it.
    #[serde(default)]
    pub rich: Rich,
}

/// What a message carries besides its text. Each part is stored with the
/// message it belongs to, so it survives a reload with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rich {
    /// A shared file (XEP-0363 upload, announced with XEP-0066/XEP-0447).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// The message this one answers (XEP-0461).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Quote>,
    /// XEP-0444: each reactor's current emojis, in the order they chose
    /// them. Keyed by bare JID in one-to-one chats and by `room/nick` in
    /// groups, as `StoredMessage::sender` is.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reactions: BTreeMap<String, Vec<String>>,
    /// XEP-0308: when the newest correction we applied was made. A late
    /// (older) correction from an archive page must not undo a newer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<Millis>,
    /// XEP-0424: the author deleted it for everyone; the text is gone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retracted: bool,
}

impl Rich {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Emoji → who reacted with it, in first-seen order of the emoji, for
    /// the counts under a bubble.
    pub fn reaction_counts(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = vec![];
        for (who, emojis) in &self.reactions {
            for emoji in emojis {
                match out.iter_mut().find(|(e, _)| e == emoji) {
                    Some((_, people)) => people.push(who.clone()),
                    None => out.push((emoji.clone(), vec![who.clone()])),
                }
            }
        }
        out
    }
}

/// A file shared in a message. The URL is where anyone in the chat can GET
/// it; the rest lets the bubble take its final size before the file is
/// fetched (XEP-0446 file metadata).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// Empty while our own upload has not finished.
    pub url: String,
    pub name: String,
    /// e.g. "image/jpeg"; "application/octet-stream" when unknown.
    pub mime: String,
    /// Bytes; 0 when the sender did not say.
    #[serde(default)]
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Audio and video length in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// A small `data:` image (XEP-0264) shown until the file is fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<String>,
}

impl Attachment {
    /// What kind of bubble shows it.
    pub fn kind(&self) -> AttachmentKind {
        match self.mime.split('/').next().unwrap_or("") {
            "image" => AttachmentKind::Image,
            "video" => AttachmentKind::Video,
            "audio" => AttachmentKind::Audio,
            _ => AttachmentKind::File,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentKind {
    Image,
    Video,
    Audio,
    File,
}

/// The message a reply answers, as the wire names it (XEP-0461).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The id the protocol uses for it: the room's stanza-id in groups,
    /// the message id in one-to-one chats.
    pub id: String,
    /// Its author: a bare JID, or `room/nick` in groups.
    #[serde(default)]
    pub to: String,
    /// The quoted text the sender included (the XEP-0428 fallback), shown
    /// when the original is not loaded here.
    #[serde(default)]
    pub text: String,
}

/// RFC 6121 subscription state of a roster item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Subscription {
    #[default]
    None,
    To,
    From,
    Both,
    Remove,
}

/// A roster entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub jid: String,
    pub name: Option<String>,
    pub subscription: Subscription,
    /// We asked to see their presence and they have not answered yet.
    pub pending_out: bool,
}

/// A conversation in the chat list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    /// Bare JID of the partner.
    pub jid: String,
    pub last_activity: Millis,
    pub last_preview: String,
    pub unread: u32,
    /// A group chat (XEP-0045 room); `jid` is the room's address.
    #[serde(default)]
    pub group: bool,
    /// The group's name (rooms have no roster name).
    #[serde(default)]
    pub name: Option<String>,
    /// Unread messages that mention us (groups).
    #[serde(default)]
    pub mentions: u32,
}

impl Chat {
    /// A chat with no messages yet.
    pub fn empty(jid: &str, last_activity: Millis) -> Self {
        Self {
            jid: jid.to_string(),
            last_activity,
            last_preview: String::new(),
            unread: 0,
            group: false,
            name: None,
            mentions: 0,
        }
    }
}

/// Presence availability of a contact, as shown in the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Availability {
    Online,
    Away,
    Busy,
    #[default]
    Offline,
}

impl Availability {
    pub fn label(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Away => "away",
            Self::Busy => "busy",
            Self::Offline => "offline",
        }
    }
}

/// What a person calls themselves and which picture they show (XEP-0172
/// nickname, XEP-0084/XEP-0153 avatar hash), kept per bare JID so the chat
/// list shows names and pictures before the server has answered.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Bare JID (ours too).
    pub jid: String,
    /// Their published nickname, if any.
    #[serde(default)]
    pub nick: Option<String>,
    /// SHA-1 hex of their avatar image, if they have one; the image itself
    /// is an [`AvatarImage`] cached once per hash.
    #[serde(default)]
    pub avatar: Option<String>,
}

/// An avatar image, cached by its SHA-1 so one picture shared by several
/// people (or seen again after a change back) is fetched once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvatarImage {
    /// Lower-case SHA-1 hex of `data`.
    pub hash: String,
    /// e.g. "image/png".
    pub mime: String,
    #[serde(with = "serde_bytes")]
    pub data: Vec<u8>,
}
