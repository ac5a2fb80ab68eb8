//! XEP-0308 Last Message Correction: the body replaces an earlier message
//! of the same author, named by its original id (every correction names
//! the original, not the previous correction).

use minidom::Element;
use xmpp_parsers::message::{Id, Message};
use xmpp_parsers::message_correct::Replace;

pub fn parse(m: &Message) -> Option<String> {
    m.payloads
        .iter()
        .filter(|p| p.is("replace", xmpp_parsers::ns::MESSAGE_CORRECT))
        .find_map(|p| Replace::try_from(p.clone()).ok())
        .map(|r| r.id.0)
}

pub fn element(id: &str) -> Element {
    Replace {
        id: Id(id.to_owned()),
    }
    .into()
}
