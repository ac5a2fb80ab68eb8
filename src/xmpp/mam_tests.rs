//! Transcript tests of XEP-0313 archive queries paged with RSM.

use super::harness::*;
use super::*;
use crate::xmpp::{ArchivePage, IncomingMessage, Marker};

/// A `<result/>` for `queryid` wrapping `inner`, archived as `id`.
fn result(outer_from: Option<&str>, queryid: &str, id: &str, inner: &str) -> String {
    let from = outer_from.map_or(String::new(), |f| format!(" from='{f}'"));
    format!(
        "<message xmlns='jabber:client'{from} to='user@example.org/web' id='r{id}'>\
         <result xmlns='urn:xmpp:mam:2' queryid='{queryid}' id='{id}'>\
         <forwarded xmlns='urn:xmpp:forward:0'>\
         <delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:0{n}Z'/>{inner}\
         </forwarded></result></message>",
        n = id.trim_start_matches('a')
    )
}

fn from_bob(id: &str, body: &str) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
         to='user@example.org/web' id='{id}'><body>{body}</body>\
         <request xmlns='urn:xmpp:receipts'/></message>"
    )
}

fn to_bob(id: &str, body: &str) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' from='user@example.org/web' \
         to='bob@example.org' id='{id}'><body>{body}</body>\
         <origin-id xmlns='urn:xmpp:sid:0' id='{id}'/></message>"
    )
}

fn fin(iq_id: &str, first: &str, last: &str, complete: bool) -> String {
    let complete = if complete { " complete='true'" } else { "" };
    format!(
        "<iq xmlns='jabber:client' type='result' id='{iq_id}'><fin xmlns='urn:xmpp:mam:2'{complete}>\
         <set xmlns='http://jabber.org/protocol/rsm'><first index='0'>{first}</first>\
         <last>{last}</last></set></fin></iq>"
    )
}

fn query(iq_id: &str, queryid: &str, form: &str, set: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='set' id='{iq_id}'><query xmlns='urn:xmpp:mam:2' \
         queryid='{queryid}'>{form}<set xmlns='http://jabber.org/protocol/rsm'>{set}</set>\
         </query></iq>"
    )
}

/// 2024-01-01T00:00:0n in ms.
fn stamp(n: u64) -> Option<Millis> {
    Some(1_704_067_200_000 + n * 1_000)
}

fn archived(id: &str, body: &str, from_me: bool, n: u64) -> IncomingMessage {
    IncomingMessage {
        from: if from_me {
            "user@example.org"
        } else {
            "bob@example.org"
        }
        .into(),
        chat: "bob@example.org".into(),
        from_me,
        markable: false,
        id: Some(id.into()),
        origin_id: from_me.then(|| id.to_owned()),
        stanza_id: Some(format!("a{n}")),
        body: body.into(),
        delay: stamp(n),
        extras: Default::default(),
    }
}

fn page(
    query: ArchiveQuery,
    messages: Vec<IncomingMessage>,
    first: &str,
    last: &str,
) -> ArchivePage {
    ArchivePage {
        query,
        messages,
        markers: vec![],
        first: Some(first.into()),
        last: Some(last.into()),
        complete: false,
    }
}

#[test]
fn catch_up_pages_forward_with_rsm_after_until_complete() {
    let mut t = T::online();
    t.s.fetch_archive(Some("a0"));
    t.expect_sent(&[&query("id5", "id6", "", "<max>250</max><after>a0</after>")]);
    t.recv(&result(None, "id6", "a1", &from_bob("b1", "one")));
    t.recv(&result(
        Some("user@example.org"),
        "id6",
        "a2",
        &to_bob("o2", "two"),
    ));
    assert_eq!(t.events(), vec![], "results wait for the page's <fin/>");
    assert_eq!(t.sent(), vec![], "no receipt for archived messages");
    t.recv(&fin("id5", "a1", "a2", false));
    assert_eq!(
        t.events(),
        vec![Event::Archive(page(
            ArchiveQuery::CatchUp,
            vec![
                archived("b1", "one", false, 1),
                archived("o2", "two", true, 2)
            ],
            "a1",
            "a2"
        ))]
    );
    // Page 2: a marker and a chat state (skipped).
    t.expect_sent(&[&query("id7", "id8", "", "<max>250</max><after>a2</after>")]);
    t.recv(&result(
        None,
        "id8",
        "a3",
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
         to='user@example.org/web'><displayed xmlns='urn:xmpp:chat-markers:0' id='o2'/></message>",
    ));
    t.recv(&result(
        None,
        "id8",
        "a4",
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
         to='user@example.org/web'><active xmlns='http://jabber.org/protocol/chatstates'/>\
         </message>",
    ));
    t.recv(&fin("id7", "a3", "a4", false));
    assert_eq!(
        t.events(),
        vec![Event::Archive(ArchivePage {
            markers: vec![Marker {
                chat: "bob@example.org".into(),
                id: "o2".into(),
                from_me: false
            }],
            ..page(ArchiveQuery::CatchUp, vec![], "a3", "a4")
        })]
    );
    // Page 3: the last one.
    t.expect_sent(&[&query("id9", "id10", "", "<max>250</max><after>a4</after>")]);
    t.recv(&result(None, "id10", "a5", &from_bob("b5", "five")));
    t.recv(&fin("id9", "a5", "a5", true));
    assert_eq!(
        t.events(),
        vec![Event::Archive(ArchivePage {
            complete: true,
            ..page(
                ArchiveQuery::CatchUp,
                vec![archived("b5", "five", false, 5)],
                "a5",
                "a5"
            )
        })]
    );
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn catch_up_without_a_start_fetches_only_the_newest_page() {
    let mut t = T::online();
    t.s.fetch_archive(None);
    t.expect_sent(&[&query("id5", "id6", "", "<max>250</max><before/>")]);
    t.recv(&result(None, "id6", "a8", &from_bob("b8", "eight")));
    t.recv(&fin("id5", "a8", "a8", false));
    assert_eq!(
        t.events(),
        vec![Event::Archive(ArchivePage {
            complete: true,
            ..page(
                ArchiveQuery::CatchUp,
                vec![archived("b8", "eight", false, 8)],
                "a8",
                "a8"
            )
        })]
    );
    assert_eq!(t.sent(), vec![], "no second page");
}

#[test]
fn catch_up_from_the_start_pages_forward_from_the_oldest_message() {
    let mut t = T::online();
    t.s.fetch_archive_from_start();
    t.expect_sent(&[&query("id5", "id6", "", "<max>250</max>")]);
    t.recv(&result(None, "id6", "a1", &from_bob("b1", "one")));
    t.recv(&fin("id5", "a1", "a1", false));
    assert_eq!(
        t.events(),
        vec![Event::Archive(ArchivePage {
            complete: false,
            ..page(
                ArchiveQuery::CatchUp,
                vec![archived("b1", "one", false, 1)],
                "a1",
                "a1"
            )
        })]
    );
    // The next page goes on after the last id, like any catch-up.
    t.expect_sent(&[&query("id7", "id8", "", "<max>250</max><after>a1</after>")]);
}

#[test]
fn fetch_older_asks_for_one_page_of_one_chat() {
    let mut t = T::online();
    let form = "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>\
        <value>urn:xmpp:mam:2</value></field><field var='with'><value>bob@example.org</value>\
        </field></x>";
    t.s.fetch_older("bob@example.org", Some("a7"), 20);
    t.expect_sent(&[&query(
        "id5",
        "id6",
        form,
        "<max>20</max><before>a7</before>",
    )]);
    t.recv(&result(None, "id6", "a5", &from_bob("b5", "five")));
    t.recv(&result(None, "id6", "a6", &to_bob("o6", "six")));
    t.recv(&fin("id5", "a5", "a6", true));
    let older = ArchiveQuery::Older {
        chat: "bob@example.org".into(),
    };
    assert_eq!(
        t.events(),
        vec![Event::Archive(ArchivePage {
            complete: true,
            ..page(
                older.clone(),
                vec![
                    archived("b5", "five", false, 5),
                    archived("o6", "six", true, 6)
                ],
                "a5",
                "a6"
            )
        })]
    );
    t.s.fetch_older("bob@example.org", None, 20);
    t.expect_sent(&[&query("id7", "id8", form, "<max>20</max><before/>")]);
    t.recv(&fin("id7", "a1", "a2", false));
    let events = t.events();
    assert!(
        matches!(events.as_slice(), [Event::Archive(p)] if p.query == older && !p.complete),
        "{events:?}"
    );
    assert_eq!(t.sent(), vec![], "older pages are fetched one at a time");
}

#[test]
fn result_from_a_foreign_archive_is_rejected() {
    let mut t = T::online();
    t.s.fetch_archive(None);
    t.sent();
    for from in ["bob@example.org", "user@example.org/phone", "evil.org"] {
        t.recv(&result(Some(from), "id6", "a1", &from_bob("b1", "forged")));
    }
    let events = t.events();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| matches!(e, Event::Malformed { .. })));
    t.recv(&fin("id5", "a1", "a1", true));
    let events = t.events();
    assert!(
        matches!(events.as_slice(), [Event::Archive(p)] if p.messages.is_empty()),
        "{events:?}"
    );
}

#[test]
fn result_with_an_unknown_queryid_is_rejected() {
    let mut t = T::online();
    t.s.fetch_archive(None);
    t.sent();
    t.recv(&result(None, "other", "a1", &from_bob("b1", "injected")));
    t.recv(&result(
        None,
        "id5",
        "a2",
        &from_bob("b2", "iq id, not queryid"),
    ));
    let events = t.events();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Malformed { .. }, Event::Malformed { .. }]
        ),
        "{events:?}"
    );
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn archive_error_or_timeout_is_reported_as_failed() {
    let mut t = T::online();
    t.s.fetch_archive(Some("a0"));
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id5'><error type='cancel'>\
         <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::ArchiveFailed {
            query: ArchiveQuery::CatchUp,
            reason: "item-not-found".into()
        }]
    );
    // The results of a failed query are no longer accepted.
    t.recv(&result(None, "id6", "a1", &from_bob("b1", "late")));
    assert!(matches!(t.events().as_slice(), [Event::Malformed { .. }]));
    // Answer the initial requests so only the archive query can time out.
    t.recv("<iq xmlns='jabber:client' type='result' id='id2'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id3' from='example.org'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id4'/>");
    t.events();
    t.s.fetch_older("bob@example.org", None, 50);
    t.sent();
    t.advance(30_000);
    let events = t.events();
    assert!(
        events.contains(&Event::ArchiveFailed {
            query: ArchiveQuery::Older {
                chat: "bob@example.org".into()
            },
            reason: "no answer in time".into()
        }),
        "{events:?}"
    );
}

#[test]
fn archive_queries_fail_when_offline_or_when_the_stream_drops() {
    let mut t = T::password();
    t.s.fetch_archive(None);
    assert_eq!(
        t.events(),
        vec![Event::ArchiveFailed {
            query: ArchiveQuery::CatchUp,
            reason: "not connected".into()
        }]
    );
    let mut t = T::online();
    t.s.fetch_archive(None);
    t.s.fetch_archive(None);
    assert_eq!(t.sent().len(), 1, "one catch-up at a time");
    t.s.handle_disconnect();
    assert_eq!(
        t.events(),
        vec![
            Event::ArchiveFailed {
                query: ArchiveQuery::CatchUp,
                reason: "connection lost".into()
            },
            Event::Ended {
                error: Some(SessionError::ConnectionLost)
            }
        ]
    );
}

#[test]
fn archive_results_are_counted_as_ordinary_stanzas_for_sm() {
    let mut t = T::online_sm();
    t.s.fetch_archive(None);
    t.sent();
    t.recv(&result(None, "id6", "a1", &from_bob("b1", "one")));
    t.recv(&fin("id5", "a1", "a1", true));
    t.recv("<r xmlns='urn:xmpp:sm:3'/>");
    t.expect_sent(&["<a xmlns='urn:xmpp:sm:3' h='2'/>"]);
}
