//! XEP-0444 Message Reactions: each reactions message carries the sender's
//! whole current set for one message, so the newest one wins.

use super::Reactions;
use minidom::Element;
use xmpp_parsers::message::Message;
use xmpp_parsers::reactions as xep;

pub fn parse(m: &Message) -> Option<Reactions> {
    let r = m
        .payloads
        .iter()
        .filter(|p| p.is("reactions", xmpp_parsers::ns::REACTIONS))
        .find_map(|p| xep::Reactions::try_from(p.clone()).ok())?;
    let mut emojis: Vec<String> = vec![];
    for e in r.reactions {
        let e = e.emoji.trim().to_owned();
        // §4: one of each, and nothing but the emoji itself.
        if !e.is_empty() && e.chars().count() <= 16 && !emojis.contains(&e) {
            emojis.push(e);
        }
    }
    Some(Reactions { id: r.id, emojis })
}

pub fn element(r: &Reactions) -> Element {
    xep::Reactions {
        id: r.id.clone(),
        reactions: r
            .emojis
            .iter()
            .map(|e| xep::Reaction { emoji: e.clone() })
            .collect(),
    }
    .into()
}
