//! Transcript tests of XEP-0085 chat states: sending (with the privacy
//! gate), `<active/>` on our messages, and incoming states (live, in
//! carbons, from our own devices).

use super::super::harness::*;
use crate::xmpp::{ChatState, Event};

/// Online, with bob in the roster (roster result to id2).
fn online_with_bob() -> T {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='result' id='id2'><query xmlns='jabber:iq:roster'>\
         <item jid='bob@example.org' subscription='both'/></query></iq>",
    );
    t.events();
    t
}

fn state(from: &str, state: ChatState) -> Event {
    Event::ChatState {
        from: from.into(),
        state,
    }
}

#[test]
fn chat_state_to_a_contact_is_a_bodyless_no_store_message() {
    let mut t = online_with_bob();
    t.s.send_chat_state("bob@example.org", ChatState::Composing);
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='bob@example.org' id='id5'>\
        <composing xmlns='http://jabber.org/protocol/chatstates'/>\
        <no-store xmlns='urn:xmpp:hints'/></message>",
    ]);
    t.s.send_chat_state("bob@example.org", ChatState::Gone);
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='bob@example.org' id='id6'>\
        <gone xmlns='http://jabber.org/protocol/chatstates'/>\
        <no-store xmlns='urn:xmpp:hints'/></message>",
    ]);
    assert_eq!(t.events(), vec![]);
}

#[test]
fn chat_state_to_a_stranger_is_sent_only_when_allowed() {
    let mut t = online_with_bob();
    t.s.send_chat_state("carol@example.org", ChatState::Composing);
    assert_eq!(t.sent(), vec![]);
    t.s.set_receipts_for_strangers(true);
    t.s.send_chat_state("carol@example.org", ChatState::Paused);
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='carol@example.org' id='id5'>\
        <paused xmlns='http://jabber.org/protocol/chatstates'/>\
        <no-store xmlns='urn:xmpp:hints'/></message>",
    ]);
}

#[test]
fn chat_state_is_not_sent_offline() {
    let mut t = T::password();
    t.s.send_chat_state("bob@example.org", ChatState::Composing);
    assert_eq!(t.sent().len(), 1, "only the stream <open/>");
}

#[test]
fn our_message_says_active_to_a_contact_only() {
    let mut t = online_with_bob();
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='bob@example.org' id='m1'>\
        <body>hi</body><request xmlns='urn:xmpp:receipts'/>\
        <markable xmlns='urn:xmpp:chat-markers:0'/><origin-id xmlns='urn:xmpp:sid:0' id='m1'/>\
        <active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    ]);
    t.s.send_message("carol@example.org", "hi", "m2", &Default::default())
        .unwrap();
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='carol@example.org' id='m2'>\
        <body>hi</body><request xmlns='urn:xmpp:receipts'/>\
        <markable xmlns='urn:xmpp:chat-markers:0'/><origin-id xmlns='urn:xmpp:sid:0' id='m2'/>\
        </message>",
    ]);
}

#[test]
fn incoming_states_standalone_or_with_a_body_are_reported_by_bare_jid() {
    let mut t = online_with_bob();
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a'>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' id='b1'>\
         <body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    let events = t.events();
    assert_eq!(events[0], state("bob@example.org", ChatState::Composing));
    assert_eq!(events[1], state("bob@example.org", ChatState::Active));
    assert!(
        matches!(&events[2], Event::Message(m) if m.body == "hi"),
        "{events:?}"
    );
    assert_eq!(events.len(), 3);
}

#[test]
fn groupchat_and_error_states_are_not_one_to_one_states() {
    let mut t = online_with_bob();
    t.recv(
        "<message xmlns='jabber:client' type='groupchat' from='room@muc.example.org/bob'>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    t.recv(
        "<message xmlns='jabber:client' type='error' from='bob@example.org/a'>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    assert_eq!(t.events(), vec![]);
}

fn carbon(kind: &str, inner: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='user@example.org' to='user@example.org/web'>\
         <{kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>{inner}\
         </forwarded></{kind}></message>"
    )
}

#[test]
fn states_of_our_own_devices_are_ignored() {
    let mut t = online_with_bob();
    // A sent carbon: our phone is typing to bob.
    t.recv(&carbon(
        "sent",
        "<message xmlns='jabber:client' type='chat' from='user@example.org/phone' \
         to='bob@example.org'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
    ));
    // Our phone's state sent to us directly.
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='user@example.org/phone'>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    assert_eq!(t.events(), vec![]);
}

#[test]
fn a_contacts_state_in_a_received_carbon_is_reported() {
    let mut t = online_with_bob();
    t.recv(&carbon(
        "received",
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
         to='user@example.org/phone'><paused xmlns='http://jabber.org/protocol/chatstates'/></message>",
    ));
    assert_eq!(
        t.events(),
        vec![state("bob@example.org", ChatState::Paused)]
    );
}
