//! XEP-0172: User Nickname — our nickname published to PEP, and
//! contacts' nicknames from their PEP node.

use super::pep::{self, Access, NodeItem};
use jid::BareJid;
use xmpp_parsers::{iq::Iq, nick::Nick, ns};

/// The PEP node.
pub const NODE: &str = ns::NICK;

/// Publishes `nick` (readable by our contacts).
pub fn publish(id: &str, nick: &str) -> Iq {
    pep::publish(
        id,
        NODE,
        "current",
        Nick(nick.to_owned()).into(),
        Access::Presence,
    )
}

/// Asks `jid`'s PEP service for its nickname.
pub fn fetch(id: &str, jid: BareJid) -> Iq {
    pep::items(id, jid, NODE, None)
}

/// The nickname in a node's items (the newest one); `None` when there is
/// none or it is empty.
pub fn from_items(items: &[NodeItem]) -> Option<String> {
    let payload = items.last()?.payload.clone()?;
    Nick::try_from(payload)
        .ok()
        .map(|n| n.0.trim().to_owned())
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use minidom::Element;

    #[test]
    fn nick_is_read_from_the_newest_item() {
        let item = |n: &str| NodeItem {
            id: Some("current".into()),
            payload: Some(
                format!("<nick xmlns='http://jabber.org/protocol/nick'>{n}</nick>")
                    .parse::<Element>()
                    .unwrap(),
            ),
        };
        assert_eq!(
            from_items(&[item("Old"), item(" Bob ")]),
            Some("Bob".into())
        );
        assert_eq!(from_items(&[item("  ")]), None);
        assert_eq!(from_items(&[]), None);
    }
}
