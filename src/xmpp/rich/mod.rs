//! What a message carries besides its body (issue 5): a shared file
//! (XEP-0066/XEP-0447), a reply (XEP-0461), reactions (XEP-0444), a
//! correction (XEP-0308) or a retraction (XEP-0424), with the XEP-0428
//! fallback text that lets older clients make sense of each.
//!
//! [`Extras`] is read off every chat and groupchat message and written onto
//! outgoing ones by [`decorate`], so the session has one send path for all
//! of them.

mod correction;
mod fallback;
mod oob;
mod reactions;
mod reply;
mod retraction;

use crate::chat::{Attachment, Quote};
use minidom::Element;
use xmpp_parsers::message::{Lang, Message};

pub use oob::guess_mime;

/// What we understand, for our disco#info and caps: clients such as
/// Conversations and Dino offer reactions and corrections only to peers
/// that announce them.
pub const RICH_FEATURES: &[&str] = &[
    "jabber:x:oob",
    "urn:xmpp:message-correct:0",
    "urn:xmpp:reactions:0",
    retraction::NS,
    reply::NS,
    fallback::NS,
    "urn:xmpp:sfs:0",
    "urn:xmpp:file:metadata:0",
];

/// XEP-0334: ask the server to archive a message that has no body of its
/// own (reactions), so the other devices' catch-up sees it.
const HINTS: &str = "urn:xmpp:hints";

/// The non-text parts of one message, as on the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Extras {
    pub attachment: Option<Attachment>,
    pub reply: Option<Quote>,
    /// XEP-0308: this message's body replaces the message with this id.
    pub replaces: Option<String>,
    /// XEP-0424: the author retracts the message with this id.
    pub retracts: Option<String>,
    /// XEP-0444: the sender's whole set of reactions to message `id`
    /// (empty: they took theirs back).
    pub reactions: Option<Reactions>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Reactions {
    pub id: String,
    pub emojis: Vec<String>,
}

impl Extras {
    /// A message that changes another one instead of adding to the chat.
    pub fn is_action(&self) -> bool {
        self.replaces.is_some() || self.retracts.is_some() || self.reactions.is_some()
    }

    /// The message this one acts on, when it is an action.
    pub fn target(&self) -> Option<&str> {
        self.retracts
            .as_deref()
            .or(self.reactions.as_ref().map(|r| r.id.as_str()))
            .or(self.replaces.as_deref())
    }

    /// Receipts and markers make sense for things a person reads, not for
    /// a reaction or a retraction.
    pub fn wants_receipt(&self) -> bool {
        self.retracts.is_none() && self.reactions.is_none()
    }
}

/// Reads the extras of `m` and its body with every fallback we understand
/// removed (the quote of a reply, the "retracted" notice). `None` body: the
/// message had none.
pub fn parse(m: &Message) -> (Option<String>, Extras) {
    let body = m.get_best_body_cloned(vec!["en"]).map(|(_, b)| b);
    let reply = reply::parse(m);
    let retracts = retraction::parse(m);
    let fallbacks = fallback::parse(m);
    let mut quote_text = String::new();
    let body = body.map(|b| {
        let (rest, quoted) = fallback::strip(&b, &fallbacks, reply::NS, retraction::NS);
        quote_text = quoted;
        rest
    });
    let extras = Extras {
        attachment: oob::parse(m, body.as_deref()),
        reply: reply.map(|(id, to)| Quote {
            id,
            to: to.unwrap_or_default(),
            text: reply::unquote(&quote_text),
        }),
        replaces: correction::parse(m),
        retracts,
        reactions: reactions::parse(m),
    };
    // A retraction's body is only its notice for clients without XEP-0424.
    let body = if extras.retracts.is_some() {
        Some(String::new())
    } else {
        body
    };
    (body, extras)
}

/// Puts `body` and `extras` on `m` (which has no body yet).
pub fn decorate(mut m: Message, body: &str, extras: &Extras) -> Message {
    let mut fallbacks: Vec<Element> = vec![];
    let mut text = String::new();
    if let Some(quote) = &extras.reply {
        let quoted = reply::quote(&quote.text);
        if !quoted.is_empty() {
            fallbacks.push(fallback::range(reply::NS, 0, quoted.chars().count()));
        }
        text.push_str(&quoted);
        m.payloads.push(reply::element(quote));
    }
    if let Some(id) = &extras.retracts {
        text.push_str(retraction::FALLBACK_BODY);
        fallbacks.push(fallback::whole(retraction::NS));
        m.payloads.push(retraction::element(id));
    } else {
        text.push_str(body);
    }
    if let Some(a) = &extras.attachment {
        m.payloads.extend(oob::elements(a));
    }
    if let Some(id) = &extras.replaces {
        m.payloads.push(correction::element(id));
    }
    if let Some(r) = &extras.reactions {
        m.payloads.push(reactions::element(r));
    }
    if extras.retracts.is_some() || extras.reactions.is_some() {
        m.payloads.push(Element::bare("store", HINTS));
    }
    m.payloads.extend(fallbacks);
    if !text.is_empty() {
        m.bodies.insert(Lang::new(), text);
    }
    m
}

#[cfg(test)]
mod tests;
