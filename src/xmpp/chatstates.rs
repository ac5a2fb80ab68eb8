//! XEP-0085: Chat State Notifications — "typing…", paused, gone.
//!
//! [`parse`] reads the state of any message (one-to-one or groupchat, so
//! the group-chat code can reuse it); [`standalone`] builds a state-only
//! message, which carries a XEP-0334 `<no-store/>` hint so archives and
//! offline storage do not fill up with typing notifications.

use jid::Jid;
use minidom::Element;
use serde::{Deserialize, Serialize};
use xmpp_parsers::{
    chatstates::ChatState as Xep0085,
    message::{Id, Message, MessageType},
    ns,
};

/// XEP-0334 hints namespace (`<no-store/>`).
pub const HINTS: &str = "urn:xmpp:hints";

/// A XEP-0085 chat state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChatState {
    /// Taking part in the chat (sent with every message we send).
    Active,
    /// Typing a message.
    Composing,
    /// Stopped typing for a while without sending.
    Paused,
    /// Not looking at the chat.
    Inactive,
    /// Closed the chat.
    Gone,
}

impl From<ChatState> for Xep0085 {
    fn from(s: ChatState) -> Self {
        match s {
            ChatState::Active => Xep0085::Active,
            ChatState::Composing => Xep0085::Composing,
            ChatState::Paused => Xep0085::Paused,
            ChatState::Inactive => Xep0085::Inactive,
            ChatState::Gone => Xep0085::Gone,
        }
    }
}

impl From<Xep0085> for ChatState {
    fn from(s: Xep0085) -> Self {
        match s {
            Xep0085::Active => ChatState::Active,
            Xep0085::Composing => ChatState::Composing,
            Xep0085::Paused => ChatState::Paused,
            Xep0085::Inactive => ChatState::Inactive,
            Xep0085::Gone => ChatState::Gone,
        }
    }
}

/// The chat state a message carries, if any (an unknown element in the
/// chat states namespace is ignored). Error messages carry none.
pub fn parse(m: &Message) -> Option<ChatState> {
    if m.type_ == MessageType::Error {
        return None;
    }
    m.payloads
        .iter()
        .filter(|p| p.ns() == ns::CHATSTATES)
        .find_map(|p| Xep0085::try_from(p.clone()).ok())
        .map(ChatState::from)
}

/// A message with only a chat state (no body), of type `type_` (`chat`, or
/// `groupchat` for a room), marked `<no-store/>`.
pub fn standalone(to: Jid, type_: MessageType, state: ChatState, id: &str) -> Message {
    let mut m = Message::new_with_type(type_, Some(to));
    m.id = Some(Id(id.to_owned()));
    let mut m = m.with_payload(Xep0085::from(state));
    m.payloads.push(Element::bare("no-store", HINTS));
    m
}

/// Adds a chat state to an outgoing message.
pub fn with_state(m: Message, state: ChatState) -> Message {
    m.with_payload(Xep0085::from(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(s: &str) -> Message {
        Message::try_from(s.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn a_state_is_read_from_a_standalone_or_body_message() {
        let m = msg("<message xmlns='jabber:client' type='chat' from='b@x/r'>\
            <composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        assert_eq!(parse(&m), Some(ChatState::Composing));
        let m = msg(
            "<message xmlns='jabber:client' type='groupchat' from='r@muc.x/n'>\
            <body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
        );
        assert_eq!(parse(&m), Some(ChatState::Active));
    }

    #[test]
    fn no_or_unknown_state_is_none() {
        let m = msg("<message xmlns='jabber:client' type='chat'><body>x</body></message>");
        assert_eq!(parse(&m), None);
        let m = msg("<message xmlns='jabber:client' type='chat'>\
            <dancing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        assert_eq!(parse(&m), None);
        let m = msg("<message xmlns='jabber:client' type='error'>\
            <paused xmlns='http://jabber.org/protocol/chatstates'/></message>");
        assert_eq!(parse(&m), None);
    }

    #[test]
    fn standalone_state_has_no_body_and_a_no_store_hint() {
        let m = standalone(
            Jid::new("bob@x").unwrap(),
            MessageType::Chat,
            ChatState::Paused,
            "c1",
        );
        let expected: Element = "<message xmlns='jabber:client' type='chat' to='bob@x' id='c1'>\
            <paused xmlns='http://jabber.org/protocol/chatstates'/>\
            <no-store xmlns='urn:xmpp:hints'/></message>"
            .parse()
            .unwrap();
        assert_eq!(Element::from(m), expected);
    }
}
