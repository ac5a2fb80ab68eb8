//! XEP-0402: PEP Native Bookmarks (node `urn:xmpp:bookmarks:1`, one item
//! per room), with XEP-0048 bookmarks in XEP-0049 private XML storage as
//! the fallback when our account does not advertise
//! `urn:xmpp:bookmarks:1#compat` (then both stores may differ, and only
//! the legacy one is used).
//!
//! Read leniently with minidom (unknown children are kept out of the way);
//! built strictly.

use super::muc::{iq_get, iq_set, text_el, with_attr, Bookmark};
use jid::BareJid;
use minidom::Element;
use std::collections::BTreeMap;
use xmpp_parsers::{iq::Iq, message::Message, ns};

const PUBLISH_OPTIONS: &str = "http://jabber.org/protocol/pubsub#publish-options";
/// Our +notify feature for `urn:xmpp:bookmarks:1` (XEP-0163 §4).
pub const NOTIFY: &str = "urn:xmpp:bookmarks:1+notify";

/// Which store the account uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Not asked yet.
    #[default]
    Unknown,
    /// disco#info on our bare JID sent.
    Asking,
    /// XEP-0402.
    Pep,
    /// XEP-0048 in private storage.
    Legacy,
}

/// A change the user asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Set(Bookmark),
    Remove(String),
}

/// Bookmarks as last fetched, plus what waits for the fetch.
#[derive(Clone, Debug, Default)]
pub struct BookmarkStore {
    pub mode: Mode,
    /// The list was fetched (changes can be applied).
    pub fetched: bool,
    /// A fetch is on its way.
    pub fetching: bool,
    pub rooms: BTreeMap<String, Bookmark>,
    /// XEP-0048 storage children that are not conferences (URLs…), kept
    /// when we write the storage back.
    pub legacy_other: Vec<Element>,
    /// Changes asked before the list was fetched.
    pub queued: Vec<Op>,
}

impl BookmarkStore {
    pub fn list(&self) -> Vec<Bookmark> {
        self.rooms.values().cloned().collect()
    }
}

/// `<pubsub><items node='urn:xmpp:bookmarks:1'/></pubsub>`.
pub fn pep_get(id: &str) -> Iq {
    let items = with_attr(
        Element::builder("items", ns::PUBSUB),
        "node",
        ns::BOOKMARKS2,
    );
    iq_get(
        id,
        None,
        Element::builder("pubsub", ns::PUBSUB)
            .append(items.build())
            .build(),
    )
}

fn conference(b: &Bookmark, namespace: &str, legacy: bool) -> Element {
    let mut c = Element::builder("conference", namespace);
    if legacy {
        c = with_attr(c, "jid", b.room.as_str());
    }
    if let Some(name) = &b.name {
        c = with_attr(c, "name", name.as_str());
    }
    if b.autojoin {
        c = with_attr(c, "autojoin", "true");
    }
    if let Some(nick) = &b.nick {
        c = c.append(text_el("nick", namespace, nick));
    }
    if let Some(password) = &b.password {
        c = c.append(text_el("password", namespace, password));
    }
    c.build()
}

fn field(var: &'static str, value: &str, hidden: bool) -> Element {
    let mut f = with_attr(Element::builder("field", ns::DATA_FORMS), "var", var);
    if hidden {
        f = with_attr(f, "type", "hidden");
    }
    f.append(text_el("value", ns::DATA_FORMS, value)).build()
}

/// Publishes one bookmark (item id = room JID) with the publish-options
/// XEP-0402 §3.3 requires: persistent, as many items as needed, private.
pub fn pep_publish(id: &str, b: &Bookmark) -> Iq {
    let item = with_attr(Element::builder("item", ns::PUBSUB), "id", b.room.as_str())
        .append(conference(b, ns::BOOKMARKS2, false))
        .build();
    let publish = with_attr(
        Element::builder("publish", ns::PUBSUB),
        "node",
        ns::BOOKMARKS2,
    )
    .append(item)
    .build();
    let form = with_attr(Element::builder("x", ns::DATA_FORMS), "type", "submit")
        .append(field("FORM_TYPE", PUBLISH_OPTIONS, true))
        .append(field("pubsub#persist_items", "true", false))
        .append(field("pubsub#max_items", "max", false))
        .append(field("pubsub#send_last_published_item", "never", false))
        .append(field("pubsub#access_model", "whitelist", false))
        .build();
    let options = Element::builder("publish-options", ns::PUBSUB)
        .append(form)
        .build();
    let pubsub = Element::builder("pubsub", ns::PUBSUB)
        .append(publish)
        .append(options)
        .build();
    iq_set(id, None, pubsub)
}

/// Retracts one bookmark, notifying our other devices.
pub fn pep_retract(id: &str, room: &str) -> Iq {
    let item = with_attr(Element::builder("item", ns::PUBSUB), "id", room);
    let retract = with_attr(
        with_attr(
            Element::builder("retract", ns::PUBSUB),
            "node",
            ns::BOOKMARKS2,
        ),
        "notify",
        "true",
    )
    .append(item.build())
    .build();
    iq_set(
        id,
        None,
        Element::builder("pubsub", ns::PUBSUB)
            .append(retract)
            .build(),
    )
}

/// `<query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query>`.
pub fn private_get(id: &str) -> Iq {
    let storage = Element::bare("storage", ns::BOOKMARKS);
    iq_get(
        id,
        None,
        Element::builder("query", ns::PRIVATE)
            .append(storage)
            .build(),
    )
}

/// Writes the whole XEP-0048 storage.
pub fn private_set(id: &str, store: &BookmarkStore) -> Iq {
    let storage = Element::builder("storage", ns::BOOKMARKS)
        .append_all(
            store
                .rooms
                .values()
                .map(|b| conference(b, ns::BOOKMARKS, true)),
        )
        .append_all(store.legacy_other.iter().cloned())
        .build();
    iq_set(
        id,
        None,
        Element::builder("query", ns::PRIVATE)
            .append(storage)
            .build(),
    )
}

fn parse_conference(room: &str, c: &Element, namespace: &str) -> Option<Bookmark> {
    let room = BareJid::new(room).ok()?;
    let text = |name: &str| super::muc::child_text(c, name, namespace);
    Some(Bookmark {
        room: room.to_string(),
        name: c.attr("name").filter(|n| !n.is_empty()).map(str::to_owned),
        autojoin: matches!(c.attr("autojoin"), Some("true" | "1")),
        nick: text("nick"),
        password: text("password"),
    })
}

fn pep_item(item: &Element) -> Option<Bookmark> {
    let c = item.get_child("conference", ns::BOOKMARKS2)?;
    parse_conference(item.attr("id")?, c, ns::BOOKMARKS2)
}

/// The bookmarks in a XEP-0402 items answer.
pub fn parse_pep(payload: Option<Element>) -> Vec<Bookmark> {
    let Some(items) = payload
        .as_ref()
        .and_then(|p| p.get_child("items", ns::PUBSUB))
    else {
        return vec![];
    };
    items
        .children()
        .filter(|i| i.is("item", ns::PUBSUB))
        .filter_map(pep_item)
        .collect()
}

/// The conferences and the other children of a XEP-0048 storage answer.
pub fn parse_private(payload: Option<Element>) -> (Vec<Bookmark>, Vec<Element>) {
    let Some(storage) = payload
        .as_ref()
        .and_then(|p| p.get_child("storage", ns::BOOKMARKS))
    else {
        return (vec![], vec![]);
    };
    let mut rooms = Vec::new();
    let mut other = Vec::new();
    for c in storage.children() {
        if c.is("conference", ns::BOOKMARKS) {
            if let Some(b) = c
                .attr("jid")
                .and_then(|j| parse_conference(j, c, ns::BOOKMARKS))
            {
                rooms.push(b);
            }
        } else {
            other.push(c.clone());
        }
    }
    (rooms, other)
}

/// A change announced by a PEP notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Upsert(Bookmark),
    Retract(String),
}

/// The bookmark changes in a XEP-0402 notification; `None` when `m` is not
/// one. XEP-0163: PEP notifications come from our own bare JID (or without
/// `from`); the caller checks the sender.
pub fn notification(m: &Message) -> Option<Vec<Change>> {
    let event = m
        .payloads
        .iter()
        .find(|p| p.is("event", ns::PUBSUB_EVENT))?;
    let items = event
        .get_child("items", ns::PUBSUB_EVENT)
        .filter(|i| i.attr("node") == Some(ns::BOOKMARKS2))?;
    let mut changes = Vec::new();
    for c in items.children() {
        if c.is("item", ns::PUBSUB_EVENT) {
            if let Some(b) = pep_item(c) {
                changes.push(Change::Upsert(b));
            }
        } else if c.is("retract", ns::PUBSUB_EVENT) {
            if let Some(id) = c.attr("id") {
                changes.push(Change::Retract(id.to_owned()));
            }
        }
    }
    Some(changes)
}
