//! XEP-0313: Message Archive Management, paged with XEP-0059 RSM.
//!
//! Only our own account's archive is queried (no `to`). Results are
//! collected per `queryid` until the `<fin/>` answer to the query arrives,
//! then reported as one [`ArchivePage`].

use super::message::{self, Incoming};
use super::{ArchivePage, ArchiveQuery, IncomingMessage, Marker};
use jid::BareJid;
use minidom::Element;
use std::collections::HashMap;
use xmpp_parsers::{
    data_forms::{DataForm, DataFormType, Field},
    iq::Iq,
    mam::{Fin, Query, QueryId, Result_},
    message::Message,
    ns,
    rsm::SetQuery,
};

/// Messages per catch-up page.
pub const PAGE_SIZE: usize = 250;

/// Which way a query pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paging {
    /// From the oldest archived message forward (RSM with only `<max/>`),
    /// page after page until complete.
    Start,
    /// RSM `<after>id</after>`: forward, page after page until complete.
    After(String),
    /// RSM `<before>id</before>` (empty `<before/>` for the newest page).
    Before(Option<String>),
}

/// The query IQ: `<query queryid=..>[form with=..]<set>max + after|before</set></query>`.
pub fn query(id: &str, queryid: &str, with: Option<&str>, paging: &Paging, max: usize) -> Iq {
    let form = with.map(|w| {
        DataForm::new(
            DataFormType::Submit,
            ns::MAM,
            vec![Field::text_single("with", w)],
        )
    });
    let (after, before) = match paging {
        Paging::Start => (None, None),
        Paging::After(a) => (Some(a.clone()), None),
        Paging::Before(b) => (None, Some(b.clone().unwrap_or_default())),
    };
    let q = Query {
        queryid: Some(QueryId(queryid.to_owned())),
        node: None,
        form,
        set: Some(SetQuery {
            max: Some(max),
            after,
            before,
            index: None,
        }),
        flip_page: false,
    };
    let mut payload = Element::from(q);
    if let Some(set) = payload.get_child_mut("set", ns::RSM) {
        // RSM §2.5: an empty <before/> asks for the last page; the typed
        // struct would write it with an empty text node.
        if set
            .get_child("before", ns::RSM)
            .is_some_and(|b| b.text().is_empty())
        {
            set.remove_child("before", ns::RSM);
            set.append_child(Element::bare("before", ns::RSM));
        }
    }
    Iq::Set {
        from: None,
        to: None,
        id: id.to_owned(),
        payload,
    }
}

/// One archived item worth reporting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Message(IncomingMessage),
    Marker(Marker),
}

/// What a message means as an archive result.
#[derive(Debug, PartialEq, Eq)]
pub enum ArchiveResult {
    /// Not a MAM result.
    None,
    /// A result we must not use (foreign archive, broken).
    Rejected(String),
    /// A result for `queryid`; `None` when there is nothing to show.
    Result { queryid: String, item: Option<Item> },
}

/// Reads a `<result/>` wrapper. XEP-0313 §10 (security): results are
/// trusted only from our own archive, i.e. without `from` or from our bare
/// JID; anyone else could inject "archived" messages.
pub fn parse_result(m: &Message, own: &BareJid) -> ArchiveResult {
    let Some(payload) = m.payloads.iter().find(|p| p.is("result", ns::MAM)) else {
        return ArchiveResult::None;
    };
    if let Some(from) = &m.from {
        if !(from.is_bare() && from.to_bare() == *own) {
            return ArchiveResult::Rejected(format!("archive result from {from}, not our archive"));
        }
    }
    let result = match Result_::try_from(payload.clone()) {
        Ok(r) => r,
        Err(e) => return ArchiveResult::Rejected(format!("invalid archive result: {e}")),
    };
    let Some(queryid) = result.queryid.map(|q| q.0) else {
        return ArchiveResult::Rejected("archive result without queryid".into());
    };
    let inner = result.forwarded.message;
    let delay = result
        .forwarded
        .delay
        .and_then(|d| crate::chat::Millis::try_from(d.stamp.0.timestamp_millis()).ok());
    let item = item(&inner, own).map(|item| match item {
        Item::Message(mut im) => {
            im.stanza_id = Some(result.id.clone());
            im.delay = delay.or(im.delay);
            Item::Message(im)
        }
        marker => marker,
    });
    ArchiveResult::Result { queryid, item }
}

/// The message or marker an archived `inner` message holds.
fn item(inner: &Message, own: &BareJid) -> Option<Item> {
    match message::incoming(inner, own) {
        Incoming::Message(im) => Some(Item::Message(im)),
        Incoming::Displayed(marker) => Some(Item::Marker(marker)),
        _ => None,
    }
}

/// The `<fin/>` payload of the query's result.
pub fn parse_fin(payload: Option<Element>) -> Result<Fin, String> {
    let p = payload.ok_or("archive answer without <fin/>")?;
    Fin::try_from(p).map_err(|e| format!("invalid <fin/>: {e}"))
}

/// How a query's pages end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Catch-up forward: continues after each page's last id until complete.
    Forward,
    /// Catch-up from nothing: the newest page is all there is to fetch.
    Newest,
    /// One older page of a chat: complete as the server says.
    Single,
}

struct Pending {
    query: ArchiveQuery,
    kind: Kind,
    messages: Vec<IncomingMessage>,
    markers: Vec<Marker>,
}

/// A finished page, and where to continue for a forward catch-up.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished {
    pub page: ArchivePage,
    pub next: Option<String>,
}

/// Outstanding queries, by `queryid`.
#[derive(Default)]
pub struct Queries {
    pending: HashMap<String, Pending>,
}

impl Queries {
    pub fn start(&mut self, queryid: &str, query: ArchiveQuery, paging: &Paging) {
        let kind = match (&query, paging) {
            (ArchiveQuery::CatchUp, Paging::After(_) | Paging::Start) => Kind::Forward,
            (ArchiveQuery::CatchUp, Paging::Before(_)) => Kind::Newest,
            (ArchiveQuery::Older { .. }, _) => Kind::Single,
        };
        self.pending.insert(
            queryid.to_owned(),
            Pending {
                query,
                kind,
                messages: Vec::new(),
                markers: Vec::new(),
            },
        );
    }

    pub fn catch_up_running(&self) -> bool {
        self.pending
            .values()
            .any(|p| p.query == ArchiveQuery::CatchUp)
    }

    /// Adds a result; false when no query of ours has this `queryid`.
    pub fn add(&mut self, queryid: &str, item: Option<Item>) -> bool {
        let Some(p) = self.pending.get_mut(queryid) else {
            return false;
        };
        match item {
            Some(Item::Message(m)) => p.messages.push(m),
            Some(Item::Marker(m)) => p.markers.push(m),
            None => {}
        }
        true
    }

    /// The `<fin/>` arrived.
    pub fn finish(&mut self, queryid: &str, fin: &Fin) -> Option<Finished> {
        let p = self.pending.remove(queryid)?;
        let last = fin.set.last.clone();
        let next = match p.kind {
            Kind::Forward if !fin.complete => last.clone(),
            _ => None,
        };
        let complete = match p.kind {
            // A forward page without a last id cannot be continued.
            Kind::Forward => next.is_none(),
            Kind::Newest => true,
            Kind::Single => fin.complete,
        };
        let page = ArchivePage {
            query: p.query,
            messages: p.messages,
            markers: p.markers,
            first: fin.set.first.as_ref().map(|f| f.item.clone()),
            last,
            complete,
        };
        Some(Finished { page, next })
    }

    /// The query failed or was abandoned.
    pub fn fail(&mut self, queryid: &str) -> Option<ArchiveQuery> {
        self.pending.remove(queryid).map(|p| p.query)
    }

    /// Every outstanding query (the stream ended).
    pub fn drain(&mut self) -> Vec<ArchiveQuery> {
        self.pending.drain().map(|(_, p)| p.query).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> BareJid {
        BareJid::new("me@example.org").unwrap()
    }

    fn msg(s: &str) -> Message {
        Message::try_from(s.parse::<Element>().unwrap()).unwrap()
    }

    #[test]
    fn newest_page_query_has_an_empty_before() {
        let iq = query("i1", "q1", None, &Paging::Before(None), 100);
        let expected: Element = "<iq xmlns='jabber:client' type='set' id='i1'>\
            <query xmlns='urn:xmpp:mam:2' queryid='q1'><set xmlns='http://jabber.org/protocol/rsm'>\
            <max>100</max><before/></set></query></iq>"
            .parse()
            .unwrap();
        assert_eq!(Element::from(iq), expected);
    }

    #[test]
    fn older_page_query_filters_with_the_chat() {
        let iq = query(
            "i1",
            "q1",
            Some("bob@example.org"),
            &Paging::Before(Some("a7".into())),
            20,
        );
        let expected: Element = "<iq xmlns='jabber:client' type='set' id='i1'>\
            <query xmlns='urn:xmpp:mam:2' queryid='q1'><x xmlns='jabber:x:data' type='submit'>\
            <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>\
            <field var='with'><value>bob@example.org</value></field></x>\
            <set xmlns='http://jabber.org/protocol/rsm'><max>20</max><before>a7</before></set>\
            </query></iq>"
            .parse()
            .unwrap();
        assert_eq!(Element::from(iq), expected);
    }

    #[test]
    fn own_archived_message_is_from_me_in_the_addressees_chat() {
        let m = msg("<message xmlns='jabber:client' to='me@example.org/web'>\
             <result xmlns='urn:xmpp:mam:2' queryid='q1' id='s9'>\
             <forwarded xmlns='urn:xmpp:forward:0'>\
             <delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>\
             <message xmlns='jabber:client' type='chat' from='me@example.org/phone' \
             to='bob@example.org' id='o1'><body>yo</body>\
             <origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message></forwarded></result></message>");
        let ArchiveResult::Result {
            queryid,
            item: Some(Item::Message(im)),
        } = parse_result(&m, &own())
        else {
            panic!()
        };
        assert_eq!(queryid, "q1");
        assert_eq!(
            im,
            IncomingMessage {
                from: "me@example.org".into(),
                chat: "bob@example.org".into(),
                from_me: true,
                markable: false,
                id: Some("o1".into()),
                origin_id: Some("o1".into()),
                stanza_id: Some("s9".into()),
                body: "yo".into(),
                delay: Some(1_031_699_305_000),
                extras: Default::default(),
            }
        );
    }

    #[test]
    fn result_from_another_archive_is_rejected() {
        let m = msg("<message xmlns='jabber:client' from='mallory@example.org'>\
             <result xmlns='urn:xmpp:mam:2' queryid='q1' id='s9'>\
             <forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' \
             from='bob@example.org' to='me@example.org'><body>x</body></message>\
             </forwarded></result></message>");
        assert!(matches!(
            parse_result(&m, &own()),
            ArchiveResult::Rejected(_)
        ));
    }
}
