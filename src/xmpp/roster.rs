//! RFC 6121 §2: roster get, set and pushes.

use super::RosterItem;
use crate::chat::Subscription;
use jid::{BareJid, Jid};
use minidom::Element;
use xmpp_parsers::{
    iq::Iq,
    roster::{self, Ask, Item, Roster},
    FromElementError,
};

/// `<iq type='get'><query xmlns='jabber:iq:roster'/></iq>`.
pub fn get(id: &str) -> Iq {
    Iq::from_get(
        id,
        Roster {
            ver: None,
            items: vec![],
        },
    )
}

/// A roster set adding or updating one contact.
pub fn set(id: &str, jid: BareJid, name: Option<&str>) -> Iq {
    let item = Item {
        jid,
        name: name.map(str::to_owned),
        subscription: roster::Subscription::None,
        ask: Ask::None,
        groups: vec![],
        approved: None,
    };
    Iq::from_set(
        id,
        Roster {
            ver: None,
            items: vec![item],
        },
    )
}

/// `<iq type='set'><query><item jid=.. subscription='remove'/></query></iq>`.
pub fn remove(id: &str, jid: BareJid) -> Iq {
    let item = Item {
        jid,
        name: None,
        subscription: roster::Subscription::Remove,
        ask: Ask::None,
        groups: vec![],
        approved: None,
    };
    Iq::from_set(
        id,
        Roster {
            ver: None,
            items: vec![item],
        },
    )
}

pub fn item_from(item: &Item) -> RosterItem {
    RosterItem {
        jid: item.jid.to_string(),
        name: item.name.clone().filter(|n| !n.is_empty()),
        subscription: match item.subscription {
            roster::Subscription::None => Subscription::None,
            roster::Subscription::From => Subscription::From,
            roster::Subscription::To => Subscription::To,
            roster::Subscription::Both => Subscription::Both,
            roster::Subscription::Remove => Subscription::Remove,
        },
        pending_out: item.ask == Ask::Subscribe,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RosterError {
    #[error("not a roster query")]
    NotRoster,
    #[error("invalid roster: {0}")]
    Invalid(String),
    #[error("a roster push must carry exactly one item")]
    ItemCount,
}

fn parse(payload: Element) -> Result<Roster, RosterError> {
    Roster::try_from(payload).map_err(|e| match e {
        FromElementError::Mismatch(_) => RosterError::NotRoster,
        FromElementError::Invalid(e) => RosterError::Invalid(e.to_string()),
    })
}

/// The items of a roster result. An empty result means "no changes" only
/// with versioning, which we do not request, so it is an empty roster.
pub fn parse_result(payload: Option<Element>) -> Result<Vec<RosterItem>, RosterError> {
    match payload {
        None => Ok(vec![]),
        Some(p) => Ok(parse(p)?.items.iter().map(item_from).collect()),
    }
}

/// RFC 6121 §2.1.6: a push is legitimate only without `from` or from our
/// own bare JID; anything else may be a spoofing attempt and is ignored.
pub fn is_trusted_push(from: Option<&Jid>, own: &BareJid) -> bool {
    match from {
        None => true,
        Some(f) => f.is_bare() && f.to_bare() == *own,
    }
}

/// Parses a roster push payload (a `query` with exactly one item).
pub fn parse_push(payload: Element) -> Result<RosterItem, RosterError> {
    let roster = parse(payload)?;
    match roster.items.as_slice() {
        [item] => Ok(item_from(item)),
        _ => Err(RosterError::ItemCount),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        s.parse().unwrap()
    }

    #[test]
    fn roster_get_is_a_plain_query() {
        assert_eq!(
            Element::from(get("r1")),
            el("<iq xmlns='jabber:client' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>")
        );
    }

    #[test]
    fn roster_set_carries_the_name() {
        let iq = set("s1", BareJid::new("bob@example.org").unwrap(), Some("Bob"));
        assert_eq!(
            Element::from(iq),
            el(
                "<iq xmlns='jabber:client' type='set' id='s1'><query xmlns='jabber:iq:roster'>\
                <item jid='bob@example.org' name='Bob'/></query></iq>"
            )
        );
    }

    #[test]
    fn result_items_are_mapped() {
        let items = parse_result(Some(el(
            "<query xmlns='jabber:iq:roster'><item jid='bob@example.org' name='Bob' \
             subscription='both'/><item jid='carol@example.org' ask='subscribe'/></query>",
        )))
        .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].subscription, Subscription::Both);
        assert_eq!(items[0].name.as_deref(), Some("Bob"));
        assert!(items[1].pending_out);
    }

    #[test]
    fn push_from_a_foreign_jid_is_not_trusted() {
        let own = BareJid::new("me@example.org").unwrap();
        assert!(is_trusted_push(None, &own));
        assert!(is_trusted_push(
            Some(&Jid::new("me@example.org").unwrap()),
            &own
        ));
        assert!(!is_trusted_push(
            Some(&Jid::new("evil@example.org").unwrap()),
            &own
        ));
        assert!(!is_trusted_push(
            Some(&Jid::new("example.org").unwrap()),
            &own
        ));
    }

    #[test]
    fn push_with_two_items_is_rejected() {
        let p = el("<query xmlns='jabber:iq:roster'><item jid='a@b'/><item jid='c@d'/></query>");
        assert_eq!(parse_push(p), Err(RosterError::ItemCount));
        assert_eq!(
            parse_push(el("<x xmlns='y'/>")),
            Err(RosterError::NotRoster)
        );
    }
}
