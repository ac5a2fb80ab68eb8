//! Transcript tests of XEP-0280 carbons, XEP-0333 markers, the privacy
//! rule for receipts and markers, and XEP-0160 offline messages.

use super::harness::*;
use super::*;
use crate::xmpp::{IncomingMessage, Marker};

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

fn carbon(outer_from: &str, kind: &str, inner: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{outer_from}' to='user@example.org/web'>\
         <{kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>{inner}\
         </forwarded></{kind}></message>"
    )
}

const FROM_BOB: &str = "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
    to='user@example.org/phone' id='b1'><body>hi</body><request xmlns='urn:xmpp:receipts'/>\
    <markable xmlns='urn:xmpp:chat-markers:0'/></message>";

const TO_BOB: &str = "<message xmlns='jabber:client' type='chat' from='user@example.org/phone' \
    to='bob@example.org' id='o1'><body>hello</body><request xmlns='urn:xmpp:receipts'/>\
    <origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>";

fn bob_message(markable: bool) -> IncomingMessage {
    IncomingMessage {
        from: "bob@example.org".into(),
        chat: "bob@example.org".into(),
        from_me: false,
        markable,
        id: Some("b1".into()),
        origin_id: None,
        stanza_id: None,
        body: "hi".into(),
        delay: None,
        extras: Default::default(),
    }
}

fn marker(id: &str, from_me: bool) -> Event {
    Event::Displayed(Marker {
        chat: "bob@example.org".into(),
        id: id.into(),
        from_me,
    })
}

#[test]
fn carbons_are_enabled_after_bind_and_an_error_is_ignored() {
    let mut t = T::password();
    t.authenticated();
    t.bind();
    let sent = t.sent();
    assert_eq!(
        sent.last(),
        Some(&el("<iq xmlns='jabber:client' type='set' id='id4'>\
            <enable xmlns='urn:xmpp:carbons:2'/></iq>"))
    );
    t.events();
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id4'><error type='cancel'>\
         <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(t.events(), vec![]);
    assert!(t.s.is_online());
}

#[test]
fn received_carbon_is_the_partners_message_without_a_receipt() {
    let mut t = online_with_bob();
    t.recv(&carbon("user@example.org", "received", FROM_BOB));
    assert_eq!(t.events(), vec![Event::Message(bob_message(true))]);
    assert_eq!(t.sent(), vec![], "the device that got it sends the receipt");
}

#[test]
fn sent_carbon_is_our_own_message_in_the_addressees_chat() {
    let mut t = online_with_bob();
    t.recv(&carbon("user@example.org", "sent", TO_BOB));
    assert_eq!(
        t.events(),
        vec![Event::Message(IncomingMessage {
            from: "user@example.org".into(),
            chat: "bob@example.org".into(),
            from_me: true,
            markable: false,
            id: Some("o1".into()),
            origin_id: Some("o1".into()),
            stanza_id: None,
            body: "hello".into(),
            delay: None,
            extras: Default::default(),
        })]
    );
    assert_eq!(t.sent(), vec![], "never a receipt for our own message");
}

#[test]
fn carbon_from_a_foreign_jid_is_rejected() {
    let mut t = online_with_bob();
    for from in [
        "bob@example.org",
        "mallory@evil.org",
        "user@example.org/phone",
        "example.org",
    ] {
        t.recv(&carbon(from, "sent", TO_BOB));
        t.recv(&carbon(from, "received", FROM_BOB));
        let events = t.events();
        assert!(
            matches!(
                events.as_slice(),
                [Event::Malformed { .. }, Event::Malformed { .. }]
            ),
            "{from}: {events:?}"
        );
    }
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn live_displayed_marker_is_reported() {
    let mut t = online_with_bob();
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' id='d1'>\
         <displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/></message>",
    );
    assert_eq!(t.events(), vec![marker("m1", false)]);
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn markers_and_receipts_in_carbons_are_reported() {
    let mut t = online_with_bob();
    // Our other device read bob's message b1.
    t.recv(&carbon(
        "user@example.org",
        "sent",
        "<message xmlns='jabber:client' type='chat' from='user@example.org/phone' \
         to='bob@example.org'><displayed xmlns='urn:xmpp:chat-markers:0' id='b1'/>\
         <store xmlns='urn:xmpp:hints'/></message>",
    ));
    // Bob read our message m1 (copied to us because we have carbons).
    t.recv(&carbon(
        "user@example.org",
        "received",
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
         to='user@example.org/phone'><displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/>\
         </message>",
    ));
    // Bob's device received m2; our other device confirmed b1 (nothing to report).
    t.recv(&carbon(
        "user@example.org",
        "received",
        "<message xmlns='jabber:client' from='bob@example.org/a' to='user@example.org/phone'>\
         <received xmlns='urn:xmpp:receipts' id='m2'/></message>",
    ));
    t.recv(&carbon(
        "user@example.org",
        "sent",
        "<message xmlns='jabber:client' from='user@example.org/phone' to='bob@example.org/a'>\
         <received xmlns='urn:xmpp:receipts' id='b1'/></message>",
    ));
    assert_eq!(
        t.events(),
        vec![
            marker("b1", true),
            marker("m1", false),
            Event::Receipt {
                from: "bob@example.org".into(),
                id: "m2".into()
            },
        ]
    );
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn receipts_go_to_contacts_only_unless_allowed_for_strangers() {
    let mut t = online_with_bob();
    let from_dave = "<message xmlns='jabber:client' type='chat' from='dave@example.org/x' \
        id='d1'><body>hey</body><request xmlns='urn:xmpp:receipts'/></message>";
    t.recv(from_dave);
    assert_eq!(t.sent(), vec![], "dave is not in our roster");
    assert_eq!(t.events().len(), 1, "the message itself is reported");
    t.recv(&FROM_BOB.replace(" to='user@example.org/phone'", ""));
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='bob@example.org/a' \
        id='id5'><received xmlns='urn:xmpp:receipts' id='b1'/></message>",
    ]);
    t.s.set_receipts_for_strangers(true);
    t.recv(from_dave);
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='dave@example.org/x' \
        id='id6'><received xmlns='urn:xmpp:receipts' id='d1'/></message>",
    ]);
}

#[test]
fn a_removed_contact_gets_no_receipts() {
    let mut t = online_with_bob();
    t.recv(
        "<iq xmlns='jabber:client' type='set' id='push1' from='user@example.org'>\
         <query xmlns='jabber:iq:roster'><item jid='bob@example.org' subscription='remove'/>\
         </query></iq>",
    );
    t.sent();
    t.recv(FROM_BOB);
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn send_displayed_goes_to_contacts_only_with_a_store_hint() {
    let mut t = online_with_bob();
    t.s.send_displayed("bob@example.org", "b1");
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='bob@example.org' \
        id='id5'><displayed xmlns='urn:xmpp:chat-markers:0' id='b1'/>\
        <store xmlns='urn:xmpp:hints'/></message>",
    ]);
    t.s.send_displayed("dave@example.org", "d1");
    assert_eq!(t.sent(), vec![]);
    t.s.set_receipts_for_strangers(true);
    t.s.send_displayed("dave@example.org", "d1");
    assert_eq!(t.sent().len(), 1);
}

#[test]
fn offline_message_keeps_its_delay_and_gets_a_receipt() {
    let mut t = online_with_bob();
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
         to='user@example.org' id='b1'><body>hi</body><request xmlns='urn:xmpp:receipts'/>\
         <delay xmlns='urn:xmpp:delay' from='example.org' stamp='2002-09-10T23:08:25Z'>\
         Offline Storage</delay></message>",
    );
    assert_eq!(
        t.events(),
        vec![Event::Message(IncomingMessage {
            delay: Some(1_031_699_305_000),
            ..bob_message(false)
        })]
    );
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='bob@example.org/a' \
        id='id5'><received xmlns='urn:xmpp:receipts' id='b1'/></message>",
    ]);
}
