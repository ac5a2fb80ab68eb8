//! XEP-0461 Message Replies, with a XEP-0428 quote for older clients.

use crate::chat::Quote;
use minidom::rxml::xml_ncname;
use minidom::Element;
use xmpp_parsers::message::Message;

pub const NS: &str = "urn:xmpp:reply:0";

/// How much of the original goes into the fallback quote.
const QUOTE_CHARS: usize = 120;

/// `(id, to)` of `<reply/>`.
pub fn parse(m: &Message) -> Option<(String, Option<String>)> {
    let r = m.payloads.iter().find(|p| p.is("reply", NS))?;
    let id = r.attr("id")?.to_owned();
    Some((id, r.attr("to").map(str::to_owned)))
}

pub fn element(q: &Quote) -> Element {
    let mut b = Element::builder("reply", NS).attr(xml_ncname!("id").into(), q.id.as_str());
    if !q.to.is_empty() {
        b = b.attr(xml_ncname!("to").into(), q.to.as_str());
    }
    b.build()
}

/// The quote other clients show: each line of (the start of) `text`
/// behind "> ", ending with a newline. Empty text, empty quote.
pub fn quote(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let mut short: String = text.chars().take(QUOTE_CHARS).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short.lines().map(|l| format!("> {l}\n")).collect()
}

/// The quoted text without its "> " markers.
pub fn unquote(quoted: &str) -> String {
    quoted
        .lines()
        .map(|l| {
            l.strip_prefix("> ")
                .or_else(|| l.strip_prefix('>'))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}
