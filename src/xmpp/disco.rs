//! XEP-0030: Service Discovery — asking the server what it supports and
//! answering others' disco#info queries about us.

use jid::Jid;
use minidom::Element;
use std::collections::BTreeSet;
use xmpp_parsers::{
    disco::{DiscoInfoQuery, DiscoInfoResult, DiscoItemsQuery, Identity},
    iq::Iq,
    ns, FromElementError,
};

/// The features we implement, as advertised to others.
pub const OUR_FEATURES: &[&str] = &[
    ns::DISCO_INFO,
    ns::PING,
    ns::RECEIPTS,
    ns::SID,
    ns::DISPLAYED_MARKERS,
    super::bookmarks::NOTIFY,
];

/// The typing, presence and people features (issue 4); `+notify` asks
/// PEP to send us contacts' nick and avatar changes (XEP-0163 §4).
pub const PEOPLE_FEATURES: &[&str] = &[
    ns::CAPS,
    ns::CHATSTATES,
    ns::IDLE,
    super::last::NS,
    ns::NICK,
    "http://jabber.org/protocol/nick+notify",
    "urn:xmpp:avatar:metadata+notify",
];

/// disco#items on `to` (our server's domain: its MUC and upload services).
pub fn items_request(id: &str, to: Jid) -> Iq {
    Iq::from_get(
        id,
        DiscoItemsQuery {
            node: None,
            rsm: None,
        },
    )
    .with_to(to)
}

/// `<iq type='get' to=DOMAIN><query xmlns='…disco#info'/></iq>`.
pub fn request(id: &str, to: Jid) -> Iq {
    Iq::from_get(id, DiscoInfoQuery { node: None }).with_to(to)
}

/// The features listed in a disco#info result.
pub fn parse_features(payload: Option<Element>) -> Result<BTreeSet<String>, String> {
    match payload.map(DiscoInfoResult::try_from) {
        None => Ok(BTreeSet::new()),
        Some(Ok(info)) => Ok(info.features),
        Some(Err(FromElementError::Mismatch(e))) => Err(format!("unexpected <{}/>", e.name())),
        Some(Err(FromElementError::Invalid(e))) => Err(e.to_string()),
    }
}

/// Whether `payload` asks about us (a disco#info query without a node).
pub fn is_info_query(payload: &Element) -> bool {
    DiscoInfoQuery::try_from(payload.clone()).is_ok_and(|q| q.node.is_none())
}

/// Our answer to a disco#info query.
pub fn our_info() -> DiscoInfoResult {
    DiscoInfoResult {
        node: None,
        identities: vec![Identity::new("client", "web", "en", "Confab")],
        features: OUR_FEATURES
            .iter()
            .chain(PEOPLE_FEATURES)
            .chain(super::rich::RICH_FEATURES)
            .map(|f| f.to_string())
            .collect(),
        extensions: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_features_are_read() {
        let p: Element = "<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='server' type='im'/><feature var='urn:xmpp:carbons:2'/>\
            <feature var='urn:xmpp:ping'/></query>"
            .parse()
            .unwrap();
        let f = parse_features(Some(p)).unwrap();
        assert!(f.contains("urn:xmpp:carbons:2") && f.contains("urn:xmpp:ping"));
    }

    #[test]
    fn a_node_query_is_not_about_us() {
        let q: Element = "<query xmlns='http://jabber.org/protocol/disco#info' node='x'/>"
            .parse()
            .unwrap();
        assert!(!is_info_query(&q));
        let q: Element = "<query xmlns='http://jabber.org/protocol/disco#info'/>"
            .parse()
            .unwrap();
        assert!(is_info_query(&q));
    }

    #[test]
    fn our_info_lists_ping_and_receipts() {
        let e = Element::from(our_info());
        let features: Vec<_> = e.children().filter_map(|c| c.attr("var")).collect();
        assert!(features.contains(&"urn:xmpp:ping") && features.contains(&"urn:xmpp:receipts"));
    }

    #[test]
    fn our_info_announces_reactions_corrections_retractions_and_replies() {
        let e = Element::from(our_info());
        let features: Vec<_> = e.children().filter_map(|c| c.attr("var")).collect();
        for f in [
            "urn:xmpp:reactions:0",
            "urn:xmpp:message-correct:0",
            "urn:xmpp:message-retract:1",
            "urn:xmpp:reply:0",
            "jabber:x:oob",
        ] {
            assert!(features.contains(&f), "{f}");
        }
    }
}
