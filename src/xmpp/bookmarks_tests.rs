//! Transcript tests of bookmarks: XEP-0402 when our account has
//! `urn:xmpp:bookmarks:1#compat`, XEP-0048 in private storage otherwise.

use crate::xmpp::session::harness::*;
use crate::xmpp::*;

const ROOM: &str = "team@conference.example.org";

fn account_info(id: &str, compat: bool) -> String {
    let feature = if compat {
        "<feature var='urn:xmpp:bookmarks:1#compat'/>"
    } else {
        ""
    };
    format!(
        "<iq xmlns='jabber:client' type='result' from='user@example.org' id='{id}'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='account' type='registered'/>\
         <feature var='http://jabber.org/protocol/pubsub#publish'/>{feature}</query></iq>"
    )
}

fn bookmark(room: &str, name: Option<&str>, autojoin: bool, nick: Option<&str>) -> Bookmark {
    Bookmark {
        room: room.into(),
        name: name.map(str::to_owned),
        autojoin,
        nick: nick.map(str::to_owned),
        password: None,
    }
}

/// Online, bookmarks fetched with XEP-0402 (one room); the next id is id7.
fn pep_fetched() -> T {
    let mut t = T::online();
    t.s.fetch_bookmarks();
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='user@example.org' id='id5'>\
        <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    ]);
    t.recv(&account_info("id5", true));
    t.expect_sent(&["<iq xmlns='jabber:client' type='get' id='id6'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'/>\
        </pubsub></iq>"]);
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='id6'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:bookmarks:1'>\
         <item id='{ROOM}'><conference xmlns='urn:xmpp:bookmarks:1' name='Team' autojoin='true'>\
         <nick>al</nick><extensions><x xmlns='urn:example'/></extensions></conference></item>\
         <item id='not a jid@'><conference xmlns='urn:xmpp:bookmarks:1'/></item>\
         </items></pubsub></iq>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::Bookmarks {
            rooms: vec![bookmark(ROOM, Some("Team"), true, Some("al"))]
        }]
    );
    t
}

#[test]
fn pep_bookmarks_are_fetched_when_the_account_has_compat() {
    let t = pep_fetched();
    assert_eq!(t.s.bookmarks().len(), 1);
}

#[test]
fn a_pep_bookmark_is_published_with_publish_options_and_retracted() {
    let mut t = pep_fetched();
    t.s.set_bookmark("new@conference.example.org", Some("New"), false, None);
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id7'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
        <publish node='urn:xmpp:bookmarks:1'><item id='new@conference.example.org'>\
        <conference xmlns='urn:xmpp:bookmarks:1' name='New'/></item></publish>\
        <publish-options><x xmlns='jabber:x:data' type='submit'>\
        <field var='FORM_TYPE' type='hidden'>\
        <value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
        <field var='pubsub#persist_items'><value>true</value></field>\
        <field var='pubsub#max_items'><value>max</value></field>\
        <field var='pubsub#send_last_published_item'><value>never</value></field>\
        <field var='pubsub#access_model'><value>whitelist</value></field>\
        </x></publish-options></pubsub></iq>"]);
    assert_eq!(
        t.events(),
        vec![Event::Bookmarks {
            rooms: vec![
                bookmark("new@conference.example.org", Some("New"), false, None),
                bookmark(ROOM, Some("Team"), true, Some("al")),
            ]
        }]
    );
    t.recv("<iq xmlns='jabber:client' type='result' id='id7'/>");
    assert_eq!(t.events(), vec![]);
    t.s.remove_bookmark(ROOM);
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' id='id8'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <retract node='urn:xmpp:bookmarks:1' notify='true'><item id='{ROOM}'/></retract>\
         </pubsub></iq>"
    )]);
    t.events();
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id8'><error type='cancel'>\
         <internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::RequestFailed {
            request: "bookmarks".into(),
            reason: "internal-server-error".into()
        }]
    );
}

fn notification(from: &str, items: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{from}' to='user@example.org/web'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'>\
         <items node='urn:xmpp:bookmarks:1'>{items}</items></event></message>"
    )
}

#[test]
fn notifications_from_our_account_update_the_list() {
    let mut t = pep_fetched();
    t.recv(&notification(
        "user@example.org",
        "<item id='b@conference.example.org'><conference xmlns='urn:xmpp:bookmarks:1' \
         autojoin='1'/></item>",
    ));
    t.recv(&notification(
        "user@example.org",
        &format!("<retract id='{ROOM}'/>"),
    ));
    // PEP notifications from anyone else are not about our bookmarks.
    t.recv(&notification(
        "mallory@example.org",
        "<item id='evil@conference.example.org'><conference xmlns='urn:xmpp:bookmarks:1' \
         autojoin='true'/></item>",
    ));
    assert_eq!(
        t.events(),
        vec![
            Event::Bookmarks {
                rooms: vec![
                    bookmark("b@conference.example.org", None, true, None),
                    bookmark(ROOM, Some("Team"), true, Some("al")),
                ]
            },
            Event::Bookmarks {
                rooms: vec![bookmark("b@conference.example.org", None, true, None)]
            }
        ]
    );
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn a_change_before_the_first_fetch_waits_for_it_and_no_node_is_no_bookmarks() {
    let mut t = T::online();
    t.s.set_bookmark(ROOM, None, true, Some("al"));
    t.sent();
    t.recv(&account_info("id5", true));
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id6'><error type='cancel'>\
         <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    let only = vec![bookmark(ROOM, None, true, Some("al"))];
    assert_eq!(
        t.events(),
        vec![
            Event::Bookmarks { rooms: vec![] },
            Event::Bookmarks {
                rooms: only.clone()
            }
        ]
    );
    let sent = t.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0]
        .get_child("pubsub", "http://jabber.org/protocol/pubsub")
        .is_some());
}

#[test]
fn without_compat_bookmarks_live_in_private_storage() {
    let mut t = T::online();
    t.s.fetch_bookmarks();
    t.sent();
    t.recv(&account_info("id5", false));
    t.expect_sent(&["<iq xmlns='jabber:client' type='get' id='id6'>\
        <query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>"]);
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='id6'><query xmlns='jabber:iq:private'>\
         <storage xmlns='storage:bookmarks'>\
         <conference jid='{ROOM}' name='Team' autojoin='true'><nick>al</nick></conference>\
         <url name='Site' url='https://example.org'/></storage></query></iq>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::Bookmarks {
            rooms: vec![bookmark(ROOM, Some("Team"), true, Some("al"))]
        }]
    );
    t.s.set_bookmark("b@conference.example.org", Some("B"), false, Some("al"));
    // XEP-0048: the whole storage is written back, other items kept.
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' id='id7'><query xmlns='jabber:iq:private'>\
         <storage xmlns='storage:bookmarks'>\
         <conference jid='b@conference.example.org' name='B'><nick>al</nick></conference>\
         <conference jid='{ROOM}' name='Team' autojoin='true'><nick>al</nick></conference>\
         <url name='Site' url='https://example.org'/></storage></query></iq>"
    )]);
    t.events();
    t.s.remove_bookmark(ROOM);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='set' id='id8'><query xmlns='jabber:iq:private'>\
        <storage xmlns='storage:bookmarks'>\
        <conference jid='b@conference.example.org' name='B'><nick>al</nick></conference>\
        <url name='Site' url='https://example.org'/></storage></query></iq>",
    ]);
}

#[test]
fn we_advertise_bookmark_notifications() {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='get' from='example.org' id='q1'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    );
    let sent = t.sent();
    let features: Vec<_> = sent[0]
        .children()
        .flat_map(|q| q.children())
        .filter_map(|f| f.attr("var"))
        .collect();
    assert!(features.contains(&"urn:xmpp:bookmarks:1+notify"));
}
