//! XEP-0191: Blocking Command — our server's block list, blocking and
//! unblocking, and the pushes the server sends to every resource that
//! asked for the list.

use jid::Jid;
use minidom::Element;
use std::collections::BTreeSet;
use xmpp_parsers::{
    blocking::{Block, BlocklistRequest, BlocklistResult, Unblock},
    iq::Iq,
    ns, FromElementError,
};

/// `<iq type='get'><blocklist xmlns='urn:xmpp:blocking'/></iq>`.
pub fn request(id: &str) -> Iq {
    Iq::from_get(id, BlocklistRequest)
}

/// `<iq type='set'><block><item jid=…/></block></iq>`.
pub fn block(id: &str, jid: Jid) -> Iq {
    Iq::from_set(id, Block { items: vec![jid] })
}

/// `<iq type='set'><unblock><item jid=…/></unblock></iq>`; `None` unblocks
/// everyone.
pub fn unblock(id: &str, jid: Option<Jid>) -> Iq {
    Iq::from_set(
        id,
        Unblock {
            items: jid.into_iter().collect(),
        },
    )
}

/// A block-list push from our server (XEP-0191 §3.3, §3.4, §3.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Push {
    Block(Vec<String>),
    /// An empty list unblocks everyone.
    Unblock(Vec<String>),
}

fn strings(items: Vec<Jid>) -> Vec<String> {
    items.into_iter().map(|j| j.to_string()).collect()
}

/// A push in an IQ set payload: `None` when it is not about blocking.
pub fn parse_push(payload: &Element) -> Option<Result<Push, String>> {
    if payload.ns() != ns::BLOCKING {
        return None;
    }
    let parsed = match payload.name() {
        "block" => Block::try_from(payload.clone()).map(|b| Push::Block(strings(b.items))),
        "unblock" => Unblock::try_from(payload.clone()).map(|u| Push::Unblock(strings(u.items))),
        _ => return None,
    };
    Some(parsed.map_err(|e| format!("invalid block-list push: {e}")))
}

/// The JIDs in a block-list result.
pub fn parse_list(payload: Option<Element>) -> Result<Vec<String>, String> {
    match payload.map(BlocklistResult::try_from) {
        None => Ok(vec![]),
        Some(Ok(list)) => Ok(strings(list.items)),
        Some(Err(FromElementError::Mismatch(e))) => Err(format!("unexpected <{}/>", e.name())),
        Some(Err(FromElementError::Invalid(e))) => Err(format!("invalid block list: {e}")),
    }
}

/// The JIDs we block, as the server last told us.
#[derive(Clone, Debug, Default)]
pub struct BlockList {
    jids: BTreeSet<String>,
}

impl BlockList {
    /// Whether `from` is blocked: XEP-0191 §3.2 items may be a full JID, a
    /// bare JID or a domain.
    pub fn blocks(&self, from: &Jid) -> bool {
        if self.jids.is_empty() {
            return false;
        }
        let bare = from.to_bare();
        self.jids.contains(from.as_str())
            || self.jids.contains(bare.as_str())
            || self.jids.contains(bare.domain().as_str())
    }

    pub fn replace(&mut self, jids: &[String]) {
        self.jids = jids.iter().cloned().collect();
    }

    /// True when `jid` was not blocked before.
    pub fn insert(&mut self, jid: &str) -> bool {
        self.jids.insert(jid.to_owned())
    }

    /// True when `jid` was blocked before.
    pub fn remove(&mut self, jid: &str) -> bool {
        self.jids.remove(jid)
    }

    pub fn clear(&mut self) {
        self.jids.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        s.parse().unwrap()
    }

    #[test]
    fn requests() {
        let expected = el("<iq xmlns='jabber:client' type='set' id='b1'>\
            <block xmlns='urn:xmpp:blocking'><item jid='spam@x'/></block></iq>");
        assert_eq!(
            Element::from(block("b1", Jid::new("spam@x").unwrap())),
            expected
        );
        let expected = el("<iq xmlns='jabber:client' type='set' id='u1'>\
            <unblock xmlns='urn:xmpp:blocking'/></iq>");
        assert_eq!(Element::from(unblock("u1", None)), expected);
    }

    #[test]
    fn pushes_are_read_and_other_payloads_are_not_ours() {
        let p = el("<unblock xmlns='urn:xmpp:blocking'/>");
        assert_eq!(parse_push(&p), Some(Ok(Push::Unblock(vec![]))));
        let p = el("<block xmlns='urn:xmpp:blocking'><item jid='a@x'/></block>");
        assert_eq!(parse_push(&p), Some(Ok(Push::Block(vec!["a@x".into()]))));
        let p = el("<block xmlns='urn:xmpp:blocking'><item jid='@@'/></block>");
        assert!(matches!(parse_push(&p), Some(Err(_))));
        assert_eq!(parse_push(&el("<query xmlns='jabber:iq:roster'/>")), None);
    }

    #[test]
    fn a_domain_or_bare_item_blocks_every_resource() {
        let mut list = BlockList::default();
        list.replace(&["spam.org".into(), "eve@x".into(), "carl@x/phone".into()]);
        let j = |s: &str| Jid::new(s).unwrap();
        assert!(list.blocks(&j("bot@spam.org/a")));
        assert!(list.blocks(&j("eve@x/pc")));
        assert!(list.blocks(&j("carl@x/phone")));
        assert!(!list.blocks(&j("carl@x/pc")));
        assert!(!list.blocks(&j("bob@x/pc")));
    }
}
