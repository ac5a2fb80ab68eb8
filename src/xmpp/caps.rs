//! XEP-0115: Entity Capabilities — the `<c/>` in our presence that tells
//! servers and contacts which features we have (so PEP sends us the
//! notifications we `+notify`), and the `node#ver` disco#info queries it
//! leads to.

use base64::{engine::general_purpose::STANDARD as B64, Engine};
use minidom::Element;
use sha1::{Digest, Sha1};
use xmpp_parsers::{
    caps::Caps,
    disco::{DiscoInfoQuery, DiscoInfoResult},
    hashes::Algo,
};

/// Our caps node (the application's URI).
pub const NODE: &str = "https://confab.chat";

/// The XEP-0115 §5.1 verification string of our disco#info (identities
/// and features; we advertise no extension forms).
///
/// Not `xmpp_parsers::caps::compute_disco`: it sorts the features with
/// their `<` appended, so "nick+notify" comes before "nick" ('+' < '<'),
/// and servers that check the hash (ejabberd) then ignore our features,
/// PEP notifications included.
fn verification_string(info: &DiscoInfoResult) -> Vec<u8> {
    let mut identities: Vec<String> = info
        .identities
        .iter()
        .map(|i| {
            format!(
                "{}/{}/{}/{}",
                i.category,
                i.type_,
                i.lang.as_deref().unwrap_or_default(),
                i.name.as_deref().unwrap_or_default()
            )
        })
        .collect();
    identities.sort();
    // A BTreeSet: already in octet order, without duplicates.
    let features = info.features.iter();
    let mut s = String::new();
    for part in identities.iter().chain(features) {
        s.push_str(part);
        s.push('<');
    }
    s.into_bytes()
}

/// The XEP-0115 §5.1 verification string of a disco#info result, SHA-1,
/// base64.
pub fn ver(info: &DiscoInfoResult) -> String {
    B64.encode(Sha1::digest(verification_string(info)))
}

/// `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node=… ver=…/>`
/// for our disco#info.
pub fn ours(info: &DiscoInfoResult) -> Caps {
    Caps {
        ext: None,
        node: NODE.to_owned(),
        hash: Algo::Sha_1,
        ver: Sha1::digest(verification_string(info)).to_vec(),
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

    /// A feature that is a prefix of another sorts first ("nick" before
    /// "nick+notify"), as XEP-0115 §5.1 orders octet strings.
    #[test]
    fn a_prefix_feature_sorts_first() {
        let info = DiscoInfoResult {
            node: None,
            identities: vec![Identity {
                category: "client".into(),
                type_: "web".into(),
                lang: Some("en".into()),
                name: Some("Confab".into()),
            }],
            features: [
                "http://jabber.org/protocol/nick+notify",
                "http://jabber.org/protocol/nick",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            extensions: vec![],
        };
        assert_eq!(
            String::from_utf8(verification_string(&info)).unwrap(),
            "client/web/en/Confab<http://jabber.org/protocol/nick<http://jabber.org/protocol/nick+notify<"
        );
    }

    /// Our own ver, computed independently (Python: base64(sha1(S))) from
    /// the features we answer with.
    #[test]
    fn our_ver_is_the_one_a_checking_server_computes() {
        let info = crate::xmpp::disco::our_info();
        assert!(info.extensions.is_empty(), "forms would need hashing too");
        let s = String::from_utf8(verification_string(&info)).unwrap();
        assert!(
            s.contains("protocol/nick<http://jabber.org/protocol/nick+notify<"),
            "{s}"
        );
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
