//! Transcript tests of XEP-0191 blocking: the block list after going
//! online, block and unblock, pushes (unblock-all too), and messages and
//! chat states from blocked JIDs dropped in the core.

use super::super::harness::*;
use crate::xmpp::{ChatState, Event};

const DISCO_WITH_BLOCKING: &str = "<iq xmlns='jabber:client' type='result' from='example.org' \
    id='id3'><query xmlns='http://jabber.org/protocol/disco#info'>\
    <identity category='server' type='im'/><feature var='urn:xmpp:blocking'/></query></iq>";

/// Online with bob in the roster and the block list `items` fetched (id5);
/// the upload service discovery that follows the server's disco#info (id6)
/// finds nothing.
fn online_blocking(items: &str) -> T {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='result' id='id2'><query xmlns='jabber:iq:roster'>\
         <item jid='bob@example.org' subscription='both'/></query></iq>",
    );
    t.recv(DISCO_WITH_BLOCKING);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id5'>\
         <blocklist xmlns='urn:xmpp:blocking'/></iq>",
        "<iq xmlns='jabber:client' type='get' id='id6' to='example.org'>\
         <query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
    ]);
    t.recv("<iq xmlns='jabber:client' type='result' id='id6' from='example.org'/>");
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='id5'>\
         <blocklist xmlns='urn:xmpp:blocking'>{items}</blocklist></iq>"
    ));
    t
}

fn push(from: &str, inner: &str) -> String {
    format!("<iq xmlns='jabber:client' type='set' {from} id='push1'>{inner}</iq>")
}

const PUSH_RESULT: &str = "<iq xmlns='jabber:client' type='result' id='push1'/>";

#[test]
fn the_block_list_is_fetched_when_the_server_supports_blocking() {
    let mut t = online_blocking("<item jid='spam@evil.org'/><item jid='evil.org'/>");
    assert_eq!(
        t.events(),
        vec![
            Event::Roster {
                items: vec![crate::xmpp::RosterItem {
                    jid: "bob@example.org".into(),
                    name: None,
                    subscription: crate::chat::Subscription::Both,
                    pending_out: false,
                }]
            },
            Event::BlockList {
                jids: vec!["spam@evil.org".into(), "evil.org".into()]
            }
        ]
    );
}

#[test]
fn no_block_list_without_server_support() {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='example.org' id='id3'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <feature var='urn:xmpp:ping'/></query></iq>",
    );
    // Only the upload service discovery, no block list request.
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id5' to='example.org'>\
        <query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
    ]);
}

#[test]
fn block_and_unblock_report_once_even_with_the_servers_push() {
    let mut t = online_blocking("");
    t.events();
    t.s.block("mallory@evil.org");
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id7'>\
        <block xmlns='urn:xmpp:blocking'><item jid='mallory@evil.org'/></block></iq>"]);
    t.recv(&push(
        "",
        "<block xmlns='urn:xmpp:blocking'><item jid='mallory@evil.org'/></block>",
    ));
    t.expect_sent(&[PUSH_RESULT]);
    t.recv("<iq xmlns='jabber:client' type='result' id='id7'/>");
    assert_eq!(
        t.events(),
        vec![Event::Blocked {
            jid: "mallory@evil.org".into()
        }]
    );
    t.s.unblock("mallory@evil.org");
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id8'>\
        <unblock xmlns='urn:xmpp:blocking'><item jid='mallory@evil.org'/></unblock></iq>"]);
    t.recv("<iq xmlns='jabber:client' type='result' id='id8'/>");
    t.recv(&push(
        "from='user@example.org'",
        "<unblock xmlns='urn:xmpp:blocking'><item jid='mallory@evil.org'/></unblock>",
    ));
    t.expect_sent(&["<iq xmlns='jabber:client' type='result' to='user@example.org' id='push1'/>"]);
    assert_eq!(
        t.events(),
        vec![Event::Unblocked {
            jid: "mallory@evil.org".into()
        }]
    );
}

#[test]
fn an_unblock_push_without_items_unblocks_everyone() {
    let mut t = online_blocking("<item jid='a@evil.org'/><item jid='b@evil.org'/>");
    t.events();
    t.recv(&push("", "<unblock xmlns='urn:xmpp:blocking'/>"));
    t.expect_sent(&[PUSH_RESULT]);
    assert_eq!(t.events(), vec![Event::BlockList { jids: vec![] }]);
    // a@evil.org is heard again.
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='a@evil.org/x'>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    assert_eq!(
        t.events(),
        vec![Event::ChatState {
            from: "a@evil.org".into(),
            state: ChatState::Composing
        }]
    );
}

#[test]
fn unblock_all_asks_with_an_empty_unblock() {
    let mut t = online_blocking("<item jid='a@evil.org'/>");
    t.events();
    t.s.unblock_all();
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id7'>\
        <unblock xmlns='urn:xmpp:blocking'/></iq>"]);
    t.recv("<iq xmlns='jabber:client' type='result' id='id7'/>");
    assert_eq!(t.events(), vec![Event::BlockList { jids: vec![] }]);
}

#[test]
fn a_push_from_anyone_but_our_account_is_ignored() {
    let mut t = online_blocking("");
    t.events();
    t.recv(&push(
        "from='mallory@evil.org/x'",
        "<unblock xmlns='urn:xmpp:blocking'/>",
    ));
    assert_eq!(t.sent(), vec![]);
    assert_eq!(t.events(), vec![]);
}

#[test]
fn a_refused_block_is_a_failed_request() {
    let mut t = online_blocking("");
    t.events();
    t.s.block("mallory@evil.org");
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id7'><error type='cancel'>\
         <not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::RequestFailed {
            request: "block mallory@evil.org".into(),
            reason: "not-allowed".into()
        }]
    );
}

#[test]
fn messages_and_chat_states_from_blocked_jids_are_dropped() {
    let mut t = online_blocking("<item jid='bob@example.org'/><item jid='evil.org'/>");
    t.events();
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' id='b1'>\
         <body>hi</body><request xmlns='urn:xmpp:receipts'/>\
         <active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='spammer@evil.org/a'>\
         <body>buy</body></message>",
    );
    t.recv(
        "<message xmlns='jabber:client' from='user@example.org' to='user@example.org/web'>\
         <received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
         <message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
         to='user@example.org/phone'><body>hi</body>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>\
         </forwarded></received></message>",
    );
    assert_eq!(t.events(), vec![]);
    assert_eq!(t.sent(), vec![], "no receipt either");
}

#[test]
fn no_chat_state_goes_to_a_blocked_contact() {
    let mut t = online_blocking("<item jid='bob@example.org'/>");
    t.events();
    t.s.send_chat_state("bob@example.org", ChatState::Composing);
    assert_eq!(t.sent(), vec![]);
}
