//! XEP-0424 Message Retraction (`urn:xmpp:message-retract:1`), and the
//! older `:0` form inside XEP-0422 `<apply-to/>` that earlier Converse.js
//! and Gajim versions send.

use minidom::rxml::xml_ncname;
use minidom::Element;
use xmpp_parsers::message::Message;

pub const NS: &str = "urn:xmpp:message-retract:1";
const NS_0: &str = "urn:xmpp:message-retract:0";
const FASTEN: &str = "urn:xmpp:fasten:0";

/// What clients without XEP-0424 show instead.
pub const FALLBACK_BODY: &str =
    "This person attempted to retract a previous message, but it's unsupported by your client.";

pub fn parse(m: &Message) -> Option<String> {
    if let Some(r) = m.payloads.iter().find(|p| p.is("retract", NS)) {
        return r.attr("id").map(str::to_owned);
    }
    m.payloads
        .iter()
        .filter(|p| p.is("apply-to", FASTEN))
        .find(|a| a.children().any(|c| c.is("retract", NS_0)))
        .and_then(|a| a.attr("id").map(str::to_owned))
}

pub fn element(id: &str) -> Element {
    Element::builder("retract", NS)
        .attr(xml_ncname!("id").into(), id)
        .build()
}
