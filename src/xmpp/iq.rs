//! RFC 6120 §8.2.3: IQ request tracking and default answers.
//!
//! Every request we send is remembered under (addressee, id) with a
//! deadline. A reply is accepted only from the JID we sent to; a request
//! without `to` goes to our own account, so its reply may come without
//! `from`, from our bare or full JID, or from our server's domain.

use crate::chat::Millis;
use jid::Jid;
use minidom::Element;
use std::collections::HashMap;
use xmpp_parsers::{
    iq::Iq,
    stanza_error::{DefinedCondition, ErrorType, StanzaError},
};

/// Default time to wait for an IQ reply.
pub const IQ_TIMEOUT: Millis = 30_000;

/// What a pending request was for, so its reply reaches whoever asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IqPurpose {
    Bind,
    RosterGet,
    RosterSet {
        jid: String,
    },
    RosterRemove {
        jid: String,
    },
    DiscoInfo,
    Ping,
    /// XEP-0280 enable.
    Carbons,
    /// A XEP-0313 query, by its `queryid`.
    Archive {
        queryid: String,
    },
    /// Typing, presence and people requests (blocking, last activity, PEP
    /// nick and avatar, vCard).
    People(super::session::people::PeopleQuery),
    /// Group chat and bookmarks (`muc_rooms.rs`).
    Muc(super::muc_rooms::MucPurpose),
    /// XEP-0363 service discovery and slot requests (`upload.rs`).
    Upload(super::upload::UploadPurpose),
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum IqOutcome {
    Result(Option<Element>),
    Error(StanzaError),
    Timeout,
}

struct Pending {
    purpose: IqPurpose,
    deadline: Millis,
}

/// The JIDs that stand for "our own account" when a request had no `to`.
pub struct Own<'a> {
    pub bare: &'a jid::BareJid,
    pub full: Option<&'a jid::FullJid>,
}

impl Own<'_> {
    fn is_own(&self, jid: &Jid) -> bool {
        let bare = jid.to_bare();
        if jid.is_bare()
            && (bare == *self.bare
                || (bare.node().is_none() && bare.domain() == self.bare.domain()))
        {
            return true;
        }
        self.full
            .is_some_and(|f| jid.try_as_full().is_ok_and(|j| j == f))
    }
}

#[derive(Default)]
pub struct IqTable {
    pending: HashMap<(String, String), Pending>,
}

fn key(to: Option<&Jid>, id: &str) -> (String, String) {
    (to.map(|j| j.to_string()).unwrap_or_default(), id.to_owned())
}

impl IqTable {
    pub fn insert(&mut self, to: Option<&Jid>, id: &str, purpose: IqPurpose, deadline: Millis) {
        self.pending
            .insert(key(to, id), Pending { purpose, deadline });
    }

    /// Matches a reply (`result` or `error`) to a request; `None` when it
    /// answers nothing we asked, or comes from the wrong JID.
    pub fn take_reply(&mut self, from: Option<&Jid>, id: &str, own: &Own) -> Option<IqPurpose> {
        if let Some(p) = self.pending.remove(&key(from, id)) {
            return Some(p.purpose);
        }
        if from.is_some_and(|f| own.is_own(f)) {
            return self.pending.remove(&key(None, id)).map(|p| p.purpose);
        }
        None
    }

    /// Removes and returns the requests whose deadline has passed.
    pub fn expire(&mut self, now: Millis) -> Vec<IqPurpose> {
        let expired: Vec<_> = self
            .pending
            .iter()
            .filter(|(_, p)| p.deadline <= now)
            .map(|(k, _)| k.clone())
            .collect();
        let mut out: Vec<(Millis, IqPurpose)> = expired
            .into_iter()
            .filter_map(|k| self.pending.remove(&k))
            .map(|p| (p.deadline, p.purpose))
            .collect();
        out.sort_by_key(|(d, _)| *d);
        out.into_iter().map(|(_, p)| p).collect()
    }

    pub fn next_deadline(&self) -> Option<Millis> {
        self.pending.values().map(|p| p.deadline).min()
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }
}

/// An error reply to a request we received (RFC 6120 §8.3).
pub fn error_reply(from: Option<Jid>, id: String, condition: DefinedCondition) -> Iq {
    let type_ = match condition {
        DefinedCondition::BadRequest => ErrorType::Modify,
        _ => ErrorType::Cancel,
    };
    Iq::Error {
        from: None,
        to: from,
        id,
        payload: None,
        error: StanzaError {
            type_,
            by: None,
            defined_condition: condition,
            texts: Default::default(),
            other: None,
        },
    }
}

/// An empty result reply to a request we received.
pub fn empty_result(from: Option<Jid>, id: String) -> Iq {
    Iq::Result {
        from: None,
        to: from,
        id,
        payload: None,
    }
}

/// A short human-readable reason for a stanza error.
pub fn describe_error(error: &StanzaError) -> String {
    let condition = match Element::from(error.defined_condition.clone()).name() {
        "" => "error".to_owned(),
        name => name.to_owned(),
    };
    match error.texts.values().next() {
        Some(text) => format!("{condition}: {text}"),
        None => condition,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &str) -> Jid {
        Jid::new(s).unwrap()
    }

    fn own_parts() -> (jid::BareJid, jid::FullJid) {
        (
            jid::BareJid::new("me@example.org").unwrap(),
            jid::FullJid::new("me@example.org/r").unwrap(),
        )
    }

    #[test]
    fn reply_from_the_addressee_is_matched() {
        let (bare, full) = own_parts();
        let own = Own {
            bare: &bare,
            full: Some(&full),
        };
        let mut t = IqTable::default();
        t.insert(Some(&j("example.org")), "1", IqPurpose::DiscoInfo, 100);
        assert_eq!(t.take_reply(Some(&j("evil.org")), "1", &own), None);
        assert_eq!(
            t.take_reply(Some(&j("example.org")), "1", &own),
            Some(IqPurpose::DiscoInfo)
        );
        assert_eq!(t.take_reply(Some(&j("example.org")), "1", &own), None);
    }

    #[test]
    fn reply_to_a_request_without_to_may_come_from_our_account_or_server() {
        let (bare, full) = own_parts();
        let own = Own {
            bare: &bare,
            full: Some(&full),
        };
        let mut t = IqTable::default();
        for (i, from) in [
            None,
            Some(j("me@example.org")),
            Some(j("example.org")),
            Some(j("me@example.org/r")),
        ]
        .into_iter()
        .enumerate()
        {
            let id = i.to_string();
            t.insert(None, &id, IqPurpose::RosterGet, 100);
            assert_eq!(
                t.take_reply(from.as_ref(), &id, &own),
                Some(IqPurpose::RosterGet)
            );
        }
        t.insert(None, "x", IqPurpose::RosterGet, 100);
        assert_eq!(
            t.take_reply(Some(&j("mallory@example.org")), "x", &own),
            None
        );
        assert_eq!(
            t.take_reply(Some(&j("me@example.org/other")), "x", &own),
            None
        );
    }

    #[test]
    fn expired_requests_are_returned_once_in_deadline_order() {
        let mut t = IqTable::default();
        t.insert(None, "a", IqPurpose::Ping, 200);
        t.insert(None, "b", IqPurpose::RosterGet, 100);
        t.insert(None, "c", IqPurpose::DiscoInfo, 300);
        assert_eq!(t.next_deadline(), Some(100));
        assert_eq!(t.expire(250), vec![IqPurpose::RosterGet, IqPurpose::Ping]);
        assert_eq!(t.expire(250), vec![]);
        assert_eq!(t.next_deadline(), Some(300));
    }

    #[test]
    fn service_unavailable_reply_is_a_cancel_error() {
        let iq = error_reply(
            Some(j("a@b/c")),
            "7".into(),
            DefinedCondition::ServiceUnavailable,
        );
        let expected: Element = "<iq xmlns='jabber:client' type='error' to='a@b/c' id='7'>\
            <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
            </error></iq>"
            .parse()
            .unwrap();
        assert_eq!(Element::from(iq), expected);
    }
}
