//! XEP-0163: Personal Eventing Protocol — publishing to our own PEP nodes
//! with XEP-0060 §7.1.5 publish-options, asking a contact's node for its
//! items, and reading `<event/>` notifications.
//!
//! Only the nodes of the people features (nick, avatar) are handled by
//! the session's people code; a notification for another node falls
//! through to whoever else reads PEP (bookmarks, …).

use jid::{BareJid, Jid};
use minidom::Element;
use xmpp_parsers::{
    data_forms::{DataForm, DataFormType, Field},
    iq::Iq,
    message::Message,
    ns,
    pubsub::{
        self,
        event::Payload,
        pubsub::{Item, Items, Publish, PublishOptions},
        ItemId, NodeName, PubSub,
    },
};

/// Who may read a node we publish (`pubsub#access_model`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Contacts with a presence subscription to us.
    Presence,
}

impl Access {
    fn as_str(self) -> &'static str {
        match self {
            Access::Presence => "presence",
        }
    }
}

/// `<iq type='set'><pubsub><publish node=…><item id=…>payload</item>
/// </publish><publish-options>…access_model…</publish-options></pubsub></iq>`,
/// persistent items.
pub fn publish(id: &str, node: &str, item_id: &str, payload: Element, access: Access) -> Iq {
    let form = DataForm::new(
        DataFormType::Submit,
        "http://jabber.org/protocol/pubsub#publish-options",
        vec![
            Field::text_single("pubsub#persist_items", "true"),
            Field::text_single("pubsub#access_model", access.as_str()),
        ],
    );
    Iq::from_set(
        id,
        PubSub::Publish {
            publish: Publish {
                node: NodeName(node.to_owned()),
                items: vec![Item {
                    id: Some(ItemId(item_id.to_owned())),
                    publisher: None,
                    payload: Some(payload),
                }],
            },
            publish_options: Some(PublishOptions { form: Some(form) }),
        },
    )
}

/// `<iq type='get' to=JID><pubsub><items node=… [max_items]><item id/>?</items>
/// </pubsub></iq>`.
pub fn items(id: &str, to: BareJid, node: &str, item_id: Option<&str>) -> Iq {
    let mut items = Items::new(node);
    match item_id {
        Some(i) => items.items.push(Item {
            id: Some(ItemId(i.to_owned())),
            publisher: None,
            payload: None,
        }),
        None => items.max_items = Some(1),
    }
    Iq::from_get(id, PubSub::Items(items)).with_to(Jid::from(to))
}

/// One item of a node: its id and payload.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeItem {
    pub id: Option<String>,
    pub payload: Option<Element>,
}

/// The items of `node` in an items result.
pub fn parse_items(payload: Option<Element>, node: &str) -> Result<Vec<NodeItem>, String> {
    let Some(p) = payload else {
        return Ok(vec![]);
    };
    match PubSub::try_from(p) {
        Ok(PubSub::Items(items)) if items.node.0 == node => Ok(items
            .items
            .into_iter()
            .map(|i| NodeItem {
                id: i.id.map(|i| i.0),
                payload: i.payload,
            })
            .collect()),
        Ok(_) => Err(format!("no items of {node} in the answer")),
        Err(e) => Err(format!("invalid pubsub answer: {e}")),
    }
}

/// A PEP notification: the node changed on `from`'s account.
#[derive(Debug, Clone, PartialEq)]
pub struct Notification {
    pub from: BareJid,
    pub node: String,
    /// The published items (newest last); empty when items were
    /// retracted, or the node purged or deleted.
    pub items: Vec<NodeItem>,
}

/// The `<event/>` of a message about one of `nodes`, from a bare JID (a
/// PEP service is an account); `None` for anything else.
pub fn notification(m: &Message, nodes: &[&str]) -> Option<Notification> {
    let from = m.from.as_ref().filter(|f| f.is_bare())?.to_bare();
    let event = m
        .payloads
        .iter()
        .filter(|p| p.is("event", ns::PUBSUB_EVENT))
        .find_map(|p| pubsub::Event::try_from(p.clone()).ok())?;
    let node = event.payload.node_name().0.clone();
    if !nodes.contains(&node.as_str()) {
        return None;
    }
    let items = match event.payload {
        Payload::Items { published, .. } => published
            .into_iter()
            .map(|i| NodeItem {
                id: i.id.map(|i| i.0),
                payload: i.payload,
            })
            .collect(),
        Payload::Purge { .. } | Payload::Delete { .. } => vec![],
        // A configuration or subscription change says nothing about items.
        Payload::Configuration { .. } | Payload::Subscription { .. } => return None,
    };
    Some(Notification { from, node, items })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        s.parse().unwrap()
    }

    #[test]
    fn publish_carries_publish_options() {
        let iq = publish(
            "p1",
            ns::NICK,
            "current",
            el("<nick xmlns='http://jabber.org/protocol/nick'>Al</nick>"),
            Access::Presence,
        );
        let expected = el("<iq xmlns='jabber:client' type='set' id='p1'>\
            <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
            <publish node='http://jabber.org/protocol/nick'><item id='current'>\
            <nick xmlns='http://jabber.org/protocol/nick'>Al</nick></item></publish>\
            <publish-options><x xmlns='jabber:x:data' type='submit'>\
            <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
            <field var='pubsub#persist_items'><value>true</value></field>\
            <field var='pubsub#access_model'><value>presence</value></field>\
            </x></publish-options></pubsub></iq>");
        assert_eq!(Element::from(iq), expected);
    }

    #[test]
    fn notification_must_come_from_a_bare_jid_and_a_known_node() {
        let m = |from: &str, node: &str| -> Message {
            Message::try_from(el(&format!(
                "<message xmlns='jabber:client' from='{from}' type='headline'>\
                 <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='{node}'>\
                 <item id='i'><nick xmlns='http://jabber.org/protocol/nick'>B</nick></item>\
                 </items></event></message>"
            )))
            .unwrap()
        };
        let n = notification(&m("bob@x", ns::NICK), &[ns::NICK]).unwrap();
        assert_eq!(n.from.as_str(), "bob@x");
        assert_eq!(n.items.len(), 1);
        assert_eq!(notification(&m("bob@x/r", ns::NICK), &[ns::NICK]), None);
        assert_eq!(
            notification(&m("bob@x", "urn:xmpp:bookmarks:1"), &[ns::NICK]),
            None
        );
    }
}
