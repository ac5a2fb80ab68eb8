//! Transcript tests of XEP-0172 nicknames and XEP-0084 avatars over PEP
//! (publish with publish-options, notifications, fetch with the SHA-1
//! check) and the XEP-0153 vCard avatar fallback.

use super::super::harness::*;
use crate::xmpp::Event;

/// SHA-1 of "abc" (base64 "YWJj").
const ABC: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";

fn options() -> &'static str {
    "<publish-options><x xmlns='jabber:x:data' type='submit'>\
     <field var='FORM_TYPE' type='hidden'>\
     <value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
     <field var='pubsub#persist_items'><value>true</value></field>\
     <field var='pubsub#access_model'><value>presence</value></field></x></publish-options>"
}

fn event(from: &str, node: &str, item: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{from}' to='user@example.org/web' type='headline'>\
         <event xmlns='http://jabber.org/protocol/pubsub#event'><items node='{node}'>{item}\
         </items></event></message>"
    )
}

fn metadata_event(from: &str, hash: &str) -> String {
    event(
        from,
        "urn:xmpp:avatar:metadata",
        &format!(
            "<item id='{hash}'><metadata xmlns='urn:xmpp:avatar:metadata'>\
             <info bytes='3' id='{hash}' type='image/png' width='1' height='1'/>\
             </metadata></item>"
        ),
    )
}

fn changed(jid: &str, hash: Option<&str>) -> Event {
    Event::AvatarChanged {
        jid: jid.into(),
        hash: hash.map(str::to_owned),
    }
}

fn avatar(jid: &str, mime: &str) -> Event {
    Event::Avatar {
        jid: jid.into(),
        hash: ABC.into(),
        mime: mime.into(),
        data: b"abc".to_vec(),
    }
}

#[test]
fn set_nick_publishes_to_pep_for_contacts() {
    let mut t = T::online();
    t.s.set_nick(" Alice ");
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' id='id5'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <publish node='http://jabber.org/protocol/nick'><item id='current'>\
         <nick xmlns='http://jabber.org/protocol/nick'>Alice</nick></item></publish>{}\
         </pubsub></iq>",
        options()
    )]);
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id5'><error type='cancel'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::RequestFailed {
            request: "set nickname".into(),
            reason: "conflict".into()
        }]
    );
}

#[test]
fn nick_notifications_and_fetch_report_the_nick() {
    let mut t = T::online();
    t.recv(&event(
        "bob@example.org",
        "http://jabber.org/protocol/nick",
        "<item id='current'><nick xmlns='http://jabber.org/protocol/nick'>Bobby</nick></item>",
    ));
    // From a full JID: not a PEP service, ignored.
    t.recv(&event(
        "bob@example.org/a",
        "http://jabber.org/protocol/nick",
        "<item id='current'><nick xmlns='http://jabber.org/protocol/nick'>Fake</nick></item>",
    ));
    t.s.fetch_nick("carol@example.org");
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='carol@example.org' id='id5'>\
        <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
        <items node='http://jabber.org/protocol/nick' max_items='1'/></pubsub></iq>",
    ]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='carol@example.org' id='id5'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <items node='http://jabber.org/protocol/nick'><item id='current'>\
         <nick xmlns='http://jabber.org/protocol/nick'>Caz</nick></item></items></pubsub></iq>",
    );
    t.s.fetch_nick("dave@example.org");
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' from='dave@example.org' id='id6'>\
         <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></iq>",
    );
    let nick = |jid: &str, nick: Option<&str>| Event::NickChanged {
        jid: jid.into(),
        nick: nick.map(str::to_owned),
    };
    assert_eq!(
        t.events(),
        vec![
            nick("bob@example.org", Some("Bobby")),
            nick("carol@example.org", Some("Caz")),
            nick("dave@example.org", None),
        ]
    );
}

#[test]
fn set_avatar_publishes_data_then_metadata() {
    let mut t = T::online();
    t.s.set_avatar("image/png", b"abc".to_vec(), 64, 48);
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' id='id5'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <publish node='urn:xmpp:avatar:data'><item id='{ABC}'>\
         <data xmlns='urn:xmpp:avatar:data'>YWJj</data></item></publish>{}</pubsub></iq>",
        options()
    )]);
    t.recv("<iq xmlns='jabber:client' type='result' id='id5'/>");
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' id='id6'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'>\
         <publish node='urn:xmpp:avatar:metadata'><item id='{ABC}'>\
         <metadata xmlns='urn:xmpp:avatar:metadata'>\
         <info bytes='3' width='64' height='48' id='{ABC}' type='image/png'/>\
         </metadata></item></publish>{}</pubsub></iq>",
        options()
    )]);
    t.recv("<iq xmlns='jabber:client' type='result' id='id6'/>");
    assert_eq!(t.events(), vec![]);
    // Our own PEP notification tells every device.
    t.recv(&metadata_event("user@example.org", ABC));
    assert_eq!(t.events(), vec![changed("user@example.org", Some(ABC))]);
}

#[test]
fn a_refused_avatar_data_publish_stops_before_the_metadata() {
    let mut t = T::online();
    t.s.set_avatar("image/png", b"abc".to_vec(), 1, 1);
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id5'><error type='cancel'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         <precondition-not-met xmlns='http://jabber.org/protocol/pubsub#errors'/></error></iq>",
    );
    assert_eq!(t.sent(), vec![]);
    assert_eq!(
        t.events(),
        vec![Event::RequestFailed {
            request: "set avatar".into(),
            reason: "conflict".into()
        }]
    );
}

fn data_result(id: &str, from: &str, data: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='result' from='{from}' id='{id}'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:avatar:data'>\
         <item id='{ABC}'><data xmlns='urn:xmpp:avatar:data'>{data}</data></item>\
         </items></pubsub></iq>"
    )
}

#[test]
fn avatar_notification_then_fetch_checks_the_hash() {
    let mut t = T::online();
    t.recv(&metadata_event("bob@example.org", ABC));
    assert_eq!(t.events(), vec![changed("bob@example.org", Some(ABC))]);
    t.recv(&metadata_event("bob@example.org", ABC));
    assert_eq!(t.events(), vec![], "the same avatar again");
    t.s.fetch_avatar("bob@example.org", ABC);
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='get' to='bob@example.org' id='id5'>\
         <pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:avatar:data'>\
         <item id='{ABC}'/></items></pubsub></iq>"
    )]);
    t.recv(&data_result("id5", "bob@example.org", "YWJj"));
    assert_eq!(t.events(), vec![avatar("bob@example.org", "image/png")]);
}

#[test]
fn avatar_data_with_a_wrong_hash_is_rejected() {
    let mut t = T::online();
    t.recv(&metadata_event("bob@example.org", ABC));
    t.events();
    t.s.fetch_avatar("bob@example.org", ABC);
    t.sent();
    // "abd", not "abc".
    t.recv(&data_result("id5", "bob@example.org", "YWJk"));
    let events = t.events();
    assert!(
        matches!(events.as_slice(), [Event::RequestFailed { request, reason }]
            if request == "get the avatar of bob@example.org" && reason.contains(ABC)),
        "{events:?}"
    );
    assert_eq!(t.sent(), vec![], "no fallback for a forged image");
}

#[test]
fn a_retracted_or_empty_metadata_means_no_avatar() {
    let mut t = T::online();
    t.recv(&metadata_event("bob@example.org", ABC));
    t.recv(&event(
        "bob@example.org",
        "urn:xmpp:avatar:metadata",
        "<item id='current'><metadata xmlns='urn:xmpp:avatar:metadata'/></item>",
    ));
    assert_eq!(
        t.events(),
        vec![
            changed("bob@example.org", Some(ABC)),
            changed("bob@example.org", None)
        ]
    );
}

fn vcard_presence(photo: &str) -> String {
    format!(
        "<presence xmlns='jabber:client' from='carol@example.org/pc'>\
         <x xmlns='vcard-temp:x:update'>{photo}</x></presence>"
    )
}

const VCARD_RESULT: &str = "<iq xmlns='jabber:client' type='result' from='carol@example.org' \
    id='ID'><vCard xmlns='vcard-temp'><FN>Carol</FN><PHOTO><TYPE>image/jpeg</TYPE>\
    <BINVAL>YWJj</BINVAL></PHOTO></vCard></iq>";

#[test]
fn a_vcard_hash_in_presence_is_fetched_from_the_vcard() {
    let mut t = T::online();
    t.recv(&vcard_presence(&format!("<photo>{ABC}</photo>")));
    let events = t.events();
    assert_eq!(
        events.last(),
        Some(&changed("carol@example.org", Some(ABC)))
    );
    t.s.fetch_avatar("carol@example.org", ABC);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='carol@example.org' id='id5'>\
        <vCard xmlns='vcard-temp'/></iq>",
    ]);
    t.recv(&VCARD_RESULT.replace("ID", "id5"));
    assert_eq!(t.events(), vec![avatar("carol@example.org", "image/jpeg")]);
    // The same hash again, or "not ready" (no <photo/>): nothing new.
    t.recv(&vcard_presence(&format!("<photo>{ABC}</photo>")));
    t.recv(&vcard_presence(""));
    t.recv(&vcard_presence("<photo/>"));
    let events = t.events();
    assert_eq!(events.last(), Some(&changed("carol@example.org", None)));
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::AvatarChanged { .. }))
            .count(),
        1
    );
}

#[test]
fn without_a_pep_avatar_the_fetch_falls_back_to_the_vcard() {
    let mut t = T::online();
    t.s.fetch_avatar("carol@example.org", ABC);
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' from='carol@example.org' id='id5'>\
         <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></iq>",
    );
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='carol@example.org' id='id6'>\
        <vCard xmlns='vcard-temp'/></iq>",
    ]);
    t.recv(&VCARD_RESULT.replace("ID", "id6").replace("YWJj", "YWJk"));
    let events = t.events();
    assert!(
        matches!(events.as_slice(), [Event::RequestFailed { reason, .. }] if reason.contains(ABC)),
        "a vCard photo with the wrong hash is rejected too: {events:?}"
    );
}

#[test]
fn a_pep_avatar_wins_over_the_vcard_hash_in_presence() {
    let mut t = T::online();
    t.recv(&metadata_event("carol@example.org", ABC));
    // XEP-0398: the server mirrors the PEP avatar into presence.
    t.recv(&vcard_presence(&format!("<photo>{ABC}</photo>")));
    // An older vCard photo: PEP has the real one.
    t.recv(&vcard_presence(
        "<photo>01b87fcd030b72895ff8e88db57ec525450f000d</photo>",
    ));
    let avatars: Vec<_> = t
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::AvatarChanged { .. }))
        .collect();
    assert_eq!(avatars, vec![changed("carol@example.org", Some(ABC))]);
}

/// Publishes "abc" as our avatar (ids id5, id6) up to the metadata result.
fn published(t: &mut T) {
    t.s.set_avatar("image/png", b"abc".to_vec(), 1, 1);
    t.sent();
    t.recv("<iq xmlns='jabber:client' type='result' id='id5'/>");
    t.sent();
    t.recv("<iq xmlns='jabber:client' type='result' id='id6'/>");
}

#[test]
fn without_xep_0398_our_photo_is_copied_into_our_vcard_keeping_its_fields() {
    let mut t = T::online();
    published(&mut t);
    t.expect_sent(&["<iq xmlns='jabber:client' type='get' id='id7'>\
         <vCard xmlns='vcard-temp'/></iq>"]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='user@example.org' id='id7'>\
         <vCard xmlns='vcard-temp'><FN>Alice</FN><PHOTO><TYPE>image/jpeg</TYPE><BINVAL>AAAA</BINVAL></PHOTO></vCard></iq>",
    );
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id8'>\
         <vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>YWJj</BINVAL></PHOTO>\
         <FN>Alice</FN></vCard></iq>"]);
    t.recv("<iq xmlns='jabber:client' type='result' id='id8'/>");
    assert_eq!(t.events(), vec![]);
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn a_first_vcard_is_created_and_a_refusal_is_reported_quietly() {
    let mut t = T::online();
    published(&mut t);
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' from='user@example.org' id='id7'><error type='cancel'>\
         <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id8'>\
         <vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>YWJj</BINVAL></PHOTO></vCard></iq>"]);
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id8'><error type='auth'>\
         <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::RequestFailed {
            request: crate::xmpp::COPY_TO_VCARD.into(),
            reason: "forbidden".into()
        }]
    );
}

#[test]
fn with_xep_0398_the_server_keeps_the_vcard_in_step() {
    let mut t = T::online();
    t.s.fetch_bookmarks();
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='user@example.org' id='id5'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='account' type='registered'/>\
         <feature var='urn:xmpp:pep-vcard-conversion:0'/></query></iq>",
    );
    t.sent();
    t.s.set_avatar("image/png", b"abc".to_vec(), 1, 1);
    let sent = t.sent();
    let data_id = sent[0].attr("id").unwrap().to_owned();
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='{data_id}'/>"
    ));
    let sent = t.sent();
    let meta_id = sent[0].attr("id").unwrap().to_owned();
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='{meta_id}'/>"
    ));
    assert_eq!(t.sent(), vec![], "no vCard traffic");
}
