//! XEP-0352: Client State Indication — tell the server when the tab is
//! hidden (`<inactive/>`) so it may hold back unimportant traffic, and when
//! it is visible again (`<active/>`). Only when the server advertised
//! `<csi xmlns='urn:xmpp:csi:0'/>` in its post-authentication features.

use minidom::Element;
use xmpp_parsers::{csi, ns, stream_features::StreamFeatures};

/// Whether the stream features offer CSI.
pub fn offered(features: &StreamFeatures) -> bool {
    features.others.iter().any(|e| e.is("csi", ns::CSI))
}

/// The nonza for a state: `<active/>` or `<inactive/>`.
pub fn nonza(active: bool) -> Element {
    if active {
        csi::Active.into()
    } else {
        csi::Inactive.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csi_is_found_among_the_features() {
        let f: Element = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
            <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><csi xmlns='urn:xmpp:csi:0'/>\
            </stream:features>"
            .parse()
            .unwrap();
        assert!(offered(&StreamFeatures::try_from(f).unwrap()));
        let f: Element = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
            <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"
            .parse()
            .unwrap();
        assert!(!offered(&StreamFeatures::try_from(f).unwrap()));
    }

    #[test]
    fn nonzas() {
        assert_eq!(
            nonza(false),
            "<inactive xmlns='urn:xmpp:csi:0'/>"
                .parse::<Element>()
                .unwrap()
        );
        assert_eq!(
            nonza(true),
            "<active xmlns='urn:xmpp:csi:0'/>"
                .parse::<Element>()
                .unwrap()
        );
    }
}
