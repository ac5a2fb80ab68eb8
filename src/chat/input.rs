//! What goes into the reducer: the user's intents and the shell's results
//! and events ([`Input`]).

use super::effects::Moderation;
use super::ingest::Batch;
use super::model::*;
use super::reducer::Privacy;
use crate::xmpp::Event;

/// A user intent or a result that changes the chat state.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// Cached chats and contacts read from the store at start-up.
    Restored {
        chats: Vec<Chat>,
        contacts: Vec<Contact>,
        privacy: Privacy,
    },
    /// A page of history for `chat` read from the store (oldest first).
    History {
        chat: String,
        messages: Vec<StoredMessage>,
    },
    /// A page of `chat` older than the loaded ones, read from the store
    /// after [`Effect::LoadOlder`] (oldest first; fewer than
    /// [`HISTORY_PAGE`] means the store has nothing older).
    Older {
        chat: String,
        messages: Vec<StoredMessage>,
    },
    /// Messages that arrived (live, carbons, archive pages), each with what
    /// the store already holds under its key (see [`ingest::key`]).
    ///
    /// [`ingest::key`]: super::ingest::key
    Ingest(Batch),
    Xmpp(Event),
    /// The user opens a chat (or closes it with `None`).
    Open(Option<String>),
    /// The user starts a chat with an address (already validated).
    StartChat {
        jid: String,
    },
    /// The user sends `body` in the open chat; `id` becomes the origin-id.
    Send {
        body: String,
        id: String,
    },
    /// The user answers loaded message `target` of the open chat (XEP-0461).
    Reply {
        body: String,
        id: String,
        target: String,
    },
    /// The user corrects their loaded message `target` (XEP-0308); `id` is
    /// the correction's own stanza id.
    Edit {
        target: String,
        body: String,
        id: String,
    },
    /// The user toggles `emoji` on loaded message `target` (XEP-0444).
    React {
        target: String,
        emoji: String,
        id: String,
    },
    /// The user deletes their loaded message `target` for everyone (XEP-0424).
    Retract {
        target: String,
        id: String,
    },
    /// The user removes loaded message `target` from this device only.
    DeleteForMe {
        target: String,
    },
    /// The user sends a copy of loaded message `target` to chat `to`.
    Forward {
        target: String,
        to: String,
        id: String,
    },
    /// The user attached a file in the open chat; the shell keeps its
    /// bytes under `id` (the message id) and uploads them.
    Attach {
        id: String,
        attachment: Attachment,
    },
    /// The shell uploaded the file of our stored `message` to `url`.
    Uploaded {
        message: Box<StoredMessage>,
        url: String,
    },
    /// The upload of our message `id` failed with this sentence.
    UploadFailed {
        id: String,
        error: String,
    },
    /// The user cancelled the upload of our message `id`.
    CancelUpload {
        id: String,
    },
    /// The user scrolled to the top of the open chat.
    LoadOlder,
    /// The user asks to send a Failed message of the open chat again.
    Retry {
        id: String,
    },
    Accept {
        jid: String,
    },
    Decline {
        jid: String,
    },
    /// Whether the page is visible and focused (unread counting).
    Visible(bool),
    /// The composer of the open chat: being typed in (`composing`), or
    /// idle for a while; `has_text` tells paused from cleared.
    Composing {
        composing: bool,
        has_text: bool,
    },
    Block {
        jid: String,
    },
    Unblock {
        jid: String,
    },
    SetPrivacy(Privacy),
    /// "My status": availability and status message (trimmed and cut here).
    SetMyPresence {
        availability: Availability,
        status: String,
    },
    /// No pointer, key or focus since `Some(at)` for the idle time-out, or
    /// the user is back (`None`).
    Idle(Option<Millis>),
    // ---- groups ----
    /// "New group": create a private room.
    CreateGroup {
        name: String,
        description: String,
        /// The group's photo, already scaled by the shell.
        avatar: Option<AvatarImage>,
    },
    /// The shell asked the server for `room` on behalf of `CreateGroup`.
    GroupCreating {
        room: String,
        name: String,
    },
    /// "Join group" by address.
    JoinGroup {
        room: String,
        /// The nickname to use (public channels); our account name if none.
        nick: Option<String>,
    },
    /// Leave the open group (and forget its bookmark).
    LeaveGroup,
    /// Invite `jid` to the open group.
    Invite {
        jid: String,
    },
    /// An action on the open group.
    Moderate(Moderation),
    /// The owner or an admin looks at the open group's membership.
    ListMembers,
    /// "Browse public groups" in the Join group dialog.
    BrowsePublicGroups,
    /// A new photo for the open group (`None`: remove it); owners only.
    SetGroupAvatar(Option<AvatarImage>),
    /// "Remove contact" (the chat and its history stay).
    RemoveContact {
        jid: String,
    },
    /// The user closed the notice.
    DismissNotice,
    /// Join (`accept`) or decline the invitation to `room`.
    AnswerInvitation {
        room: String,
        accept: bool,
    },
    // ---- profiles ----
    /// Nicknames and avatar hashes read from the store at start-up.
    Profiles(Vec<Profile>),
    /// "Nickname" in the profile settings.
    SetNick(String),
    /// A new picture for our profile, already scaled by the shell.
    SetAvatar {
        image: AvatarImage,
        width: u16,
        height: u16,
    },
    /// "Remove photo" in the profile settings.
    RemoveAvatar,
}
