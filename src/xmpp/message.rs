//! RFC 6121 §5 chat messages, with XEP-0359 ids, XEP-0203 delay,
//! XEP-0184 receipts and XEP-0333 markers.

use super::{Extras, IncomingMessage, Marker};
use crate::chat::Millis;
use jid::{BareJid, Jid};
use xmpp_parsers::{
    delay::Delay,
    displayed_markers::Markable,
    message::{Id, Message, MessageType},
    ns,
    receipts::{Received, Request},
    stanza_id::{OriginId, StanzaId},
};

/// An outgoing chat message; `id` is both the stanza id and the origin-id,
/// and a delivery receipt and XEP-0333 markers are requested (not for
/// reactions and retractions, which nobody reads as messages).
pub fn outgoing(to: Jid, body: &str, id: &str, extras: &Extras) -> Message {
    let mut m = Message::chat(Some(to));
    m.id = Some(Id(id.to_owned()));
    let mut m = super::rich::decorate(m, body, extras);
    if extras.wants_receipt() {
        m = m.with_payload(Request).with_payload(Markable);
    }
    m.with_payload(OriginId { id: id.to_owned() })
}

/// What an incoming message means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Message(IncomingMessage),
    Failed {
        id: String,
        reason: String,
    },
    Receipt {
        from: String,
        id: String,
    },
    /// A XEP-0333 displayed marker.
    Displayed(Marker),
    /// Nothing for us (no body, groupchat, headline, …).
    Ignored,
}

fn payload<T: TryFrom<minidom::Element>>(m: &Message, name: &str, namespace: &str) -> Vec<T> {
    m.payloads
        .iter()
        .filter(|p| p.is(name, namespace))
        .filter_map(|p| T::try_from(p.clone()).ok())
        .collect()
}

/// Classifies a received message (live, or the inner message of a carbon
/// copy or archive result). A message from our own account is ours
/// (`from_me`) and belongs to the chat with its addressee.
pub fn incoming(m: &Message, own: &BareJid) -> Incoming {
    let Some(from) = m.from.as_ref() else {
        return Incoming::Ignored;
    };
    let from_me = from.to_bare() == *own;
    let chat = if from_me {
        // Without `to` it was delivered to us: a note to ourselves.
        match m.to.as_ref() {
            Some(to) => to.to_bare().to_string(),
            None => own.to_string(),
        }
    } else {
        from.to_bare().to_string()
    };
    let id = m.id.as_ref().map(|i| i.0.clone());
    if m.type_ == MessageType::Error {
        let reason = m
            .payloads
            .iter()
            .find(|p| p.is("error", ns::JABBER_CLIENT))
            .and_then(|e| xmpp_parsers::stanza_error::StanzaError::try_from(e.clone()).ok())
            .map(|e| super::iq::describe_error(&e))
            .unwrap_or_else(|| "error".to_owned());
        return match id {
            Some(id) => Incoming::Failed { id, reason },
            None => Incoming::Ignored,
        };
    }
    if !matches!(m.type_, MessageType::Chat | MessageType::Normal) {
        return Incoming::Ignored;
    }
    let (body, extras) = super::rich::parse(m);
    let body = match body {
        Some(body) => body,
        // A reaction has no body of its own.
        None if extras.is_action() => String::new(),
        None => {
            if let Some(r) = payload::<Received>(m, "received", ns::RECEIPTS)
                .into_iter()
                .next()
            {
                if from_me {
                    return Incoming::Ignored; // Our other device confirmed a message.
                }
                return Incoming::Receipt {
                    from: chat,
                    id: r.id,
                };
            }
            if let Some(id) = super::markers::displayed_id(m) {
                return Incoming::Displayed(Marker { chat, id, from_me });
            }
            return Incoming::Ignored;
        }
    };
    let Tags {
        stanza_id,
        origin_id,
        delay,
        markable,
    } = tags(m, own);
    Incoming::Message(IncomingMessage {
        from: from.to_bare().to_string(),
        chat,
        from_me,
        markable,
        id,
        origin_id,
        stanza_id,
        body,
        delay,
        extras: Box::new(extras),
    })
}

/// What a chat or groupchat message carries besides its body.
pub struct Tags {
    /// XEP-0359 stanza-id stamped by the archive owner `by`.
    pub stanza_id: Option<String>,
    /// XEP-0359 origin-id set by the author.
    pub origin_id: Option<String>,
    /// XEP-0203 delay, ms since the epoch.
    pub delay: Option<Millis>,
    /// XEP-0333 `<markable/>`.
    pub markable: bool,
}

/// Reads [`Tags`]. XEP-0359 §3.1: a stanza-id is trusted only when `by` is
/// the archive that stamped it (our account, or the room for groupchat);
/// anyone else's could be forged by the sender.
pub fn tags(m: &Message, by: &BareJid) -> Tags {
    Tags {
        stanza_id: payload::<StanzaId>(m, "stanza-id", ns::SID)
            .into_iter()
            .find(|s| s.by.is_bare() && s.by.to_bare() == *by)
            .map(|s| s.id),
        origin_id: payload::<OriginId>(m, "origin-id", ns::SID)
            .into_iter()
            .next()
            .map(|o| o.id),
        delay: payload::<Delay>(m, "delay", ns::DELAY)
            .into_iter()
            .next()
            .and_then(|d| Millis::try_from(d.stamp.0.timestamp_millis()).ok()),
        markable: m
            .payloads
            .iter()
            .any(|p| p.is("markable", ns::DISPLAYED_MARKERS)),
    }
}

/// XEP-0184: the receipt to send for `m`, if it asked for one.
pub fn receipt_for(m: &Message, new_id: &str) -> Option<Message> {
    let from = m.from.clone()?;
    let id = m.id.as_ref()?.0.clone();
    if !m.payloads.iter().any(|p| p.is("request", ns::RECEIPTS)) || m.type_ == MessageType::Error {
        return None;
    }
    let mut r = Message::new_with_type(m.type_.clone(), Some(from)).with_payload(Received { id });
    r.id = Some(Id(new_id.to_owned()));
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minidom::Element;

    fn own() -> BareJid {
        BareJid::new("me@example.org").unwrap()
    }

    fn msg(s: &str) -> Message {
        Message::try_from(s.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn outgoing_message_has_origin_id_and_receipt_request() {
        let m = outgoing(
            Jid::new("bob@example.org").unwrap(),
            "hi",
            "m1",
            &Extras::default(),
        );
        let expected: Element = "<message xmlns='jabber:client' type='chat' to='bob@example.org' \
            id='m1'><body>hi</body><request xmlns='urn:xmpp:receipts'/>\
            <markable xmlns='urn:xmpp:chat-markers:0'/><origin-id xmlns='urn:xmpp:sid:0' id='m1'/></message>"
            .parse()
            .unwrap();
        assert_eq!(Element::from(m), expected);
    }

    #[test]
    fn incoming_chat_is_reduced() {
        let m = msg(
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc' id='x'>\
            <body>hello</body><origin-id xmlns='urn:xmpp:sid:0' id='o1'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='bob@example.org'/>\
            <stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='me@example.org'/>\
            <delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/></message>",
        );
        assert_eq!(
            incoming(&m, &own()),
            Incoming::Message(IncomingMessage {
                from: "bob@example.org".into(),
                chat: "bob@example.org".into(),
                from_me: false,
                markable: false,
                id: Some("x".into()),
                origin_id: Some("o1".into()),
                stanza_id: Some("s1".into()),
                body: "hello".into(),
                delay: Some(1_031_699_305_000),
                extras: Default::default(),
            })
        );
    }

    #[test]
    fn stanza_id_from_a_foreign_by_is_ignored() {
        let m = msg("<message xmlns='jabber:client' type='chat' from='bob@example.org/pc'>\
            <body>hello</body><stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='bob@example.org'/></message>");
        let Incoming::Message(im) = incoming(&m, &own()) else {
            panic!()
        };
        assert_eq!(im.stanza_id, None);
    }

    #[test]
    fn a_note_to_ourselves_without_to_is_our_own_message_in_our_own_chat() {
        // Prosody delivers a message to our bare JID without `to`.
        let m = msg(
            "<message xmlns='jabber:client' type='chat' from='me@example.org/web' \
            id='o1'><body>note</body><origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>",
        );
        let Incoming::Message(im) = incoming(&m, &own()) else {
            panic!()
        };
        assert!(im.from_me);
        assert_eq!(im.chat, "me@example.org");
        assert_eq!(im.origin_id.as_deref(), Some("o1"));
    }

    #[test]
    fn message_without_body_is_ignored() {
        let m = msg(
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc'>\
            <active xmlns='http://jabber.org/protocol/chatstates'/></message>",
        );
        assert_eq!(incoming(&m, &own()), Incoming::Ignored);
    }

    #[test]
    fn error_message_names_the_failed_id() {
        let m = msg(
            "<message xmlns='jabber:client' type='error' from='bob@example.org' id='m1'>\
            <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
            </error></message>",
        );
        assert_eq!(
            incoming(&m, &own()),
            Incoming::Failed {
                id: "m1".into(),
                reason: "service-unavailable".into()
            }
        );
    }

    #[test]
    fn receipt_is_reported_and_answered() {
        let r = msg(
            "<message xmlns='jabber:client' from='bob@example.org/pc' id='r'>\
            <received xmlns='urn:xmpp:receipts' id='m1'/></message>",
        );
        assert_eq!(
            incoming(&r, &own()),
            Incoming::Receipt {
                from: "bob@example.org".into(),
                id: "m1".into()
            }
        );
        let m = msg(
            "<message xmlns='jabber:client' type='chat' from='bob@example.org/pc' id='x'>\
            <body>hi</body><request xmlns='urn:xmpp:receipts'/></message>",
        );
        let expected: Element =
            "<message xmlns='jabber:client' type='chat' to='bob@example.org/pc' \
            id='n1'><received xmlns='urn:xmpp:receipts' id='x'/></message>"
                .parse()
                .unwrap();
        assert_eq!(receipt_for(&m, "n1").map(Element::from), Some(expected));
    }
}
