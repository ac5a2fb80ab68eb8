//! XEP-0280: Message Carbons — copies of the messages our other devices
//! sent and received.

use jid::BareJid;
use xmpp_parsers::{
    carbons::{Enable, Received, Sent},
    iq::Iq,
    message::Message,
    ns,
};

/// `<iq type='set'><enable xmlns='urn:xmpp:carbons:2'/></iq>`.
pub fn enable(id: &str) -> Iq {
    Iq::from_set(id, Enable)
}

/// What a message means as far as carbons go.
#[derive(Debug)]
pub enum Carbon {
    /// Not a carbon: an ordinary message.
    None,
    /// A message one of our devices received (the inner message).
    Received(Box<Message>),
    /// A message one of our devices sent (the inner message).
    Sent(Box<Message>),
    /// A carbon we must not use.
    Rejected(String),
}

/// Unwraps a carbon copy. XEP-0280 §11: a carbon is trusted only when it
/// comes from our own bare JID; anyone else could forge messages "from" us
/// or from our contacts this way.
pub fn unwrap(m: &Message, own: &BareJid) -> Carbon {
    let Some(wrapper) = m
        .payloads
        .iter()
        .find(|p| p.ns() == ns::CARBONS && matches!(p.name(), "received" | "sent"))
    else {
        return Carbon::None;
    };
    let trusted = m
        .from
        .as_ref()
        .is_some_and(|f| f.is_bare() && f.to_bare() == *own);
    if !trusted {
        let from = m
            .from
            .as_ref()
            .map_or("nobody".to_owned(), |f| f.to_string());
        return Carbon::Rejected(format!("carbon copy from {from}, not from our account"));
    }
    let parsed = if wrapper.name() == "received" {
        Received::try_from(wrapper.clone()).map(|r| Carbon::Received(Box::new(r.forwarded.message)))
    } else {
        Sent::try_from(wrapper.clone()).map(|s| Carbon::Sent(Box::new(s.forwarded.message)))
    };
    parsed.unwrap_or_else(|e| Carbon::Rejected(format!("invalid carbon copy: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minidom::Element;

    fn msg(s: &str) -> Message {
        Message::try_from(s.parse::<Element>().unwrap()).unwrap()
    }

    fn own() -> BareJid {
        BareJid::new("me@example.org").unwrap()
    }

    const INNER: &str = "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' \
        type='chat' from='bob@example.org/a' to='me@example.org/phone'><body>hi</body>\
        </message></forwarded>";

    #[test]
    fn enable_request() {
        let expected: Element = "<iq xmlns='jabber:client' type='set' id='c1'>\
            <enable xmlns='urn:xmpp:carbons:2'/></iq>"
            .parse()
            .unwrap();
        assert_eq!(Element::from(enable("c1")), expected);
    }

    #[test]
    fn received_carbon_from_our_account_is_unwrapped() {
        let m = msg(&format!(
            "<message xmlns='jabber:client' from='me@example.org' to='me@example.org/web'>\
             <received xmlns='urn:xmpp:carbons:2'>{INNER}</received></message>"
        ));
        let Carbon::Received(inner) = unwrap(&m, &own()) else {
            panic!()
        };
        assert_eq!(inner.from.unwrap().to_string(), "bob@example.org/a");
    }

    #[test]
    fn carbon_from_a_foreign_or_full_jid_is_rejected() {
        for from in ["bob@example.org", "me@example.org/phone", "example.org"] {
            let m = msg(&format!(
                "<message xmlns='jabber:client' from='{from}'>\
                 <sent xmlns='urn:xmpp:carbons:2'>{INNER}</sent></message>"
            ));
            assert!(matches!(unwrap(&m, &own()), Carbon::Rejected(_)), "{from}");
        }
    }

    #[test]
    fn ordinary_message_is_not_a_carbon() {
        let m =
            msg("<message xmlns='jabber:client' from='bob@example.org'><body>x</body></message>");
        assert!(matches!(unwrap(&m, &own()), Carbon::None));
    }
}
