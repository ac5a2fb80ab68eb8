//! XEP-0115: Entity Capabilities — the `<c/>` in our presence that tells
//! servers and contacts which features we have (so PEP sends us the
//! notifications we `+notify`), and the `node#ver` disco#info queries it
//! leads to.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use minidom::Element;
use sha1::{Digest, Sha1};
use xmpp_parsers::{
    caps::{compute_disco, Caps},
    disco::{DiscoInfoQuery, DiscoInfoResult},
    hashes::Algo,
};

/// Our caps node (the application's URI).
pub const NODE: &str = "https://confab.chat";

/// The XEP-0115 §5.1 verification string of a disco#info result, SHA-1,
/// base64.
pub fn ver(info: &DiscoInfoResult) -> String {
    B64.encode(Sha1::digest(compute_disco(info)))
}

/// `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node=… ver=…/>`
/// for our disco#info.
pub fn ours(info: &DiscoInfoResult) -> Caps {
    Caps {
        ext: None,
        node: NODE.to_owned(),
        hash: Algo::Sha_1,
        ver: Sha1::digest(compute_disco(info)).to_vec(),
    }
}

/// Whether `payload` is a disco#info query for `NODE#ver` (our current ver).
pub fn is_our_node_query(payload: &Element, info: &DiscoInfoResult) -> bool {
    DiscoInfoQuery::try_from(payload.clone())
        .is_ok_and(|q| q.node.is_some_and(|n| n == format!("{NODE}#{}", ver(info))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_parsers::disco::Identity;

    /// XEP-0115 §5.2, "Simple Generation Example" (Exodus).
    #[test]
    fn ver_matches_the_xep0115_example() {
        let info = DiscoInfoResult {
            node: None,
            identities: vec![Identity {
                category: "client".into(),
                type_: "pc".into(),
                lang: None,
                name: Some("Exodus 0.9.1".into()),
            }],
            features: [
                "http://jabber.org/protocol/caps",
                "http://jabber.org/protocol/disco#info",
                "http://jabber.org/protocol/disco#items",
                "http://jabber.org/protocol/muc",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            extensions: vec![],
        };
        assert_eq!(ver(&info), "QgayPKawpkPSDYmwT/WM94uAlu0=");
        let c = Element::from(ours(&info));
        assert_eq!(c.attr("ver"), Some("QgayPKawpkPSDYmwT/WM94uAlu0="));
        assert_eq!(c.attr("hash"), Some("sha-1"));
        assert_eq!(c.attr("node"), Some(NODE));
    }

    #[test]
    fn only_our_current_node_is_ours() {
        let info = crate::xmpp::disco::our_info();
        let q = |node: &str| -> Element {
            format!("<query xmlns='http://jabber.org/protocol/disco#info' node='{node}'/>")
                .parse()
                .unwrap()
        };
        assert!(is_our_node_query(
            &q(&format!("{NODE}#{}", ver(&info))),
            &info
        ));
        assert!(!is_our_node_query(&q(&format!("{NODE}#old")), &info));
    }
}
