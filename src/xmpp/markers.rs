//! XEP-0333: Displayed Markers — the `<displayed/>` marker we send and read.
//!
//! Markers are sent with a XEP-0334 `<store/>` hint so the server archives
//! them (XEP-0313) and carbon-copies them to our other devices (XEP-0280).

use jid::Jid;
use minidom::Element;
use xmpp_parsers::{
    displayed_markers::Displayed,
    message::{Id, Message},
    ns,
};

/// XEP-0334 message processing hints.
pub const HINTS: &str = "urn:xmpp:hints";

/// `<message type='chat' to=TO><displayed id=ID/><store/></message>`.
pub fn displayed(to: Jid, id: &str, stanza_id: &str) -> Message {
    let mut m = Message::chat(Some(to)).with_payload(Displayed {
        id: Id(id.to_owned()),
    });
    m.id = Some(Id(stanza_id.to_owned()));
    m.payloads.push(Element::bare("store", HINTS));
    m
}

/// The id of the message a `<displayed/>` marker in `m` points to.
pub fn displayed_id(m: &Message) -> Option<String> {
    m.payloads
        .iter()
        .filter(|p| p.is("displayed", ns::DISPLAYED_MARKERS))
        .find_map(|p| Displayed::try_from(p.clone()).ok())
        .map(|d| d.id.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displayed_marker_carries_a_store_hint() {
        let m = displayed(Jid::new("bob@example.org").unwrap(), "m1", "x1");
        let expected: Element = "<message xmlns='jabber:client' type='chat' \
            to='bob@example.org' id='x1'><displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/>\
            <store xmlns='urn:xmpp:hints'/></message>"
            .parse()
            .unwrap();
        assert_eq!(Element::from(m), expected);
    }

    #[test]
    fn displayed_id_is_read() {
        let m = Message::try_from(
            "<message xmlns='jabber:client' from='bob@example.org/a'>\
             <displayed xmlns='urn:xmpp:chat-markers:0' id='m7'/></message>"
                .parse::<Element>()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(displayed_id(&m).as_deref(), Some("m7"));
        assert_eq!(displayed_id(&Message::new(None)), None);
    }
}
