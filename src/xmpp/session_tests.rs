//! Transcript tests: frames in, frames and events out, with a fake clock
//! and a scripted id source.

use super::harness::*;
use super::*;
use crate::xmpp::{IncomingMessage, RosterItem};
use base64::{engine::general_purpose::STANDARD as B64, Engine};

#[test]
fn login_with_scram_sha1_binds_and_goes_online() {
    let mut t = T::password();
    t.scram_sha1_until_success();
    t.success();
    t.bind();
    assert!(t.s.is_online());
    assert_eq!(t.s.bound_jid().as_deref(), Some("user@example.org/web"));
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id2'><query xmlns='jabber:iq:roster'/></iq>",
        &format!(
            "<presence xmlns='jabber:client'><priority>0</priority>{}</presence>",
            caps()
        ),
        "<iq xmlns='jabber:client' type='get' id='id3' to='example.org'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
        "<iq xmlns='jabber:client' type='set' id='id4'><enable xmlns='urn:xmpp:carbons:2'/></iq>",
    ]);
    let events = t.events();
    let [Event::Online {
        jid,
        scram_keys: Some(keys),
    }] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(jid, "user@example.org/web");
    assert_eq!(keys.mechanism, "SCRAM-SHA-1");
    assert_eq!(keys.iterations, 4096);
    assert_eq!(keys.salt, B64.decode("QSXCR+Q6sek8bf92").unwrap());
}

#[test]
fn login_with_scram_sha256_uses_the_rfc7677_vector() {
    let ids = TestIds {
        scripted: ["rOprNGfwEbeRWgbNEkqO".to_owned()].into(),
        n: 0,
    };
    let mut s = Session::new(
        config(Credentials::Password("pencil".into()), false),
        Box::new(ids),
    );
    s.start(0);
    s.handle_frame(OPEN, 0);
    s.handle_frame(
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
         <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>\
         <mechanism>SCRAM-SHA-256</mechanism><mechanism>SCRAM-SHA-256-PLUS</mechanism>\
         </mechanisms></stream:features>",
        0,
    );
    let sent: Vec<Element> = std::iter::from_fn(|| s.poll_transmit())
        .map(|f| el(&f))
        .collect();
    assert_eq!(
        sent[1],
        el(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>{}</auth>",
            b64("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")
        ))
    );
    s.handle_frame(
        &format!(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</challenge>",
            b64("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
        ),
        0,
    );
    assert_eq!(
        s.poll_transmit().map(|f| el(&f)),
        Some(el(&format!(
            "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</response>",
            b64(
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                 p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
            )
        )))
    );
    s.handle_frame(
        &format!(
            "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</success>",
            b64("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
        ),
        0,
    );
    assert_eq!(
        s.poll_transmit().map(|f| el(&f)),
        Some(el(
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>"
        ))
    );
    assert_eq!(s.poll_event(), None);
}

#[test]
fn login_with_plain_when_allowed() {
    let mut t = T::new(config(Credentials::Password("pencil".into()), true));
    t.recv(OPEN);
    t.features(&["PLAIN"]);
    let sent = t.sent();
    assert_eq!(
        sent[1],
        el(&format!(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{}</auth>",
            b64("\0user\0pencil")
        ))
    );
    t.recv("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    t.sent();
    t.bind();
    let events = t.events();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Online {
                scram_keys: None,
                ..
            }]
        ),
        "{events:?}"
    );
}

#[test]
fn plain_is_refused_when_not_allowed() {
    let mut t = T::password();
    t.recv(OPEN);
    t.features(&["PLAIN"]);
    assert_eq!(
        t.events(),
        vec![ended(Some(SessionError::NoMechanism("PLAIN".into())))]
    );
    let sent = t.sent();
    assert_eq!(
        sent.last(),
        Some(&el("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"))
    );
    assert!(!sent.iter().any(|e| e.name() == "auth"));
}

#[test]
fn wrong_server_signature_ends_the_session() {
    let mut t = T::password();
    t.scram_sha1_until_success();
    t.recv(&format!(
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</success>",
        b64("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    ));
    let events = t.events();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Ended {
                error: Some(SessionError::Protocol(_))
            }]
        ),
        "{events:?}"
    );
    assert!(!t.s.is_online());
}

#[test]
fn not_authorized_failure_is_reported() {
    let mut t = T::password();
    t.scram_sha1_until_success();
    t.recv("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
    assert_eq!(
        t.events(),
        vec![ended(Some(SessionError::NotAuthorized(
            "not-authorized".into()
        )))]
    );
}

#[test]
fn stored_scram_keys_are_reused_without_the_password() {
    let salt = B64.decode("QSXCR+Q6sek8bf92").unwrap();
    let keys =
        crate::xmpp::scram::derive_keys(crate::xmpp::scram::ScramHash::Sha1, "pencil", &salt, 4096);
    let mut t = T::new(config(Credentials::Scram(keys), false));
    t.scram_sha1_until_success();
    t.success();
    t.bind();
    let events = t.events();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Online {
                scram_keys: None,
                ..
            }]
        ),
        "{events:?}"
    );
}

#[test]
fn stored_scram_keys_for_another_salt_ask_for_the_password() {
    let keys = crate::xmpp::scram::derive_keys(
        crate::xmpp::scram::ScramHash::Sha1,
        "pencil",
        b"old",
        4096,
    );
    let mut t = T::new(config(Credentials::Scram(keys), false));
    t.recv(OPEN);
    t.features(&["SCRAM-SHA-1"]);
    t.sent();
    t.recv(&format!(
        "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</challenge>",
        b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
    ));
    let events = t.events();
    assert!(
        matches!(
            events.as_slice(),
            [Event::Ended {
                error: Some(SessionError::PasswordNeeded)
            }]
        ),
        "{events:?}"
    );
}

#[test]
fn roster_result_and_push_are_reported() {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='result' id='id2'><query xmlns='jabber:iq:roster'>\
         <item jid='bob@example.org' name='Bob' subscription='both'/></query></iq>",
    );
    let bob = RosterItem {
        jid: "bob@example.org".into(),
        name: Some("Bob".into()),
        subscription: Subscription::Both,
        pending_out: false,
    };
    assert_eq!(t.events(), vec![Event::Roster { items: vec![bob] }]);
    t.recv(
        "<iq xmlns='jabber:client' type='set' id='push1' from='user@example.org'>\
         <query xmlns='jabber:iq:roster'><item jid='carol@example.org' subscription='remove'/>\
         </query></iq>",
    );
    t.expect_sent(&["<iq xmlns='jabber:client' type='result' id='push1' to='user@example.org'/>"]);
    assert_eq!(
        t.events(),
        vec![Event::RosterPush {
            item: RosterItem {
                jid: "carol@example.org".into(),
                name: None,
                subscription: Subscription::Remove,
                pending_out: false,
            }
        }]
    );
}

#[test]
fn roster_push_from_a_foreign_jid_is_rejected() {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='set' id='evil' from='mallory@evil.org/x'>\
         <query xmlns='jabber:iq:roster'><item jid='mallory@evil.org' subscription='both'/>\
         </query></iq>",
    );
    assert_eq!(t.events(), vec![]);
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn roster_result_from_a_foreign_jid_is_not_taken_as_ours() {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='result' id='id2' from='mallory@evil.org'>\
         <query xmlns='jabber:iq:roster'><item jid='mallory@evil.org'/></query></iq>",
    );
    assert_eq!(t.events(), vec![]);
}

#[test]
fn contact_presence_is_aggregated_and_reported() {
    let mut t = T::online();
    t.recv("<presence xmlns='jabber:client' from='bob@example.org/a'><show>dnd</show></presence>");
    t.recv("<presence xmlns='jabber:client' from='bob@example.org/b'/>");
    t.recv("<presence xmlns='jabber:client' type='unavailable' from='bob@example.org/b'/>");
    t.recv("<presence xmlns='jabber:client' type='unavailable' from='bob@example.org/a'/>");
    let p = |a| Event::ContactPresence {
        jid: "bob@example.org".into(),
        availability: a,
        status: None,
        idle_since: None,
    };
    assert_eq!(
        t.events(),
        vec![
            p(Availability::Busy),
            p(Availability::Online),
            p(Availability::Busy),
            p(Availability::Offline)
        ]
    );
}

#[test]
fn subscription_request_is_reported_and_accepted() {
    let mut t = T::online();
    t.recv("<presence xmlns='jabber:client' type='subscribe' from='dave@example.org'/>");
    assert_eq!(
        t.events(),
        vec![Event::SubscriptionRequest {
            from: "dave@example.org".into()
        }]
    );
    t.s.accept_subscription("dave@example.org");
    t.expect_sent(&[
        "<presence xmlns='jabber:client' type='subscribed' to='dave@example.org'><priority>0</priority></presence>",
        "<presence xmlns='jabber:client' type='subscribe' to='dave@example.org'><priority>0</priority></presence>",
    ]);
    t.s.decline_subscription("eve@example.org");
    t.expect_sent(&["<presence xmlns='jabber:client' type='unsubscribed' to='eve@example.org'><priority>0</priority></presence>"]);
}

#[test]
fn add_contact_sets_the_roster_and_subscribes() {
    let mut t = T::online();
    t.s.add_contact("bob@example.org", Some("Bob"));
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='set' id='id5'><query xmlns='jabber:iq:roster'>\
         <item jid='bob@example.org' name='Bob'/></query></iq>",
        "<presence xmlns='jabber:client' type='subscribe' to='bob@example.org'><priority>0</priority></presence>",
    ]);
}

#[test]
fn remove_contact_sets_subscription_remove_and_reports_a_failure() {
    let mut t = T::online();
    t.s.remove_contact("bob@example.org");
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='set' id='id5'><query xmlns='jabber:iq:roster'>\
         <item jid='bob@example.org' subscription='remove'/></query></iq>",
    ]);
    t.recv(
        "<iq xmlns='jabber:client' type='error' id='id5'><error type='cancel'>\
         <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert!(matches!(
        t.events().as_slice(),
        [Event::RequestFailed { request, .. }] if request == "remove contact bob@example.org"
    ));
}

#[test]
fn outgoing_message_carries_origin_id() {
    let mut t = T::online();
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[
        "<message xmlns='jabber:client' type='chat' to='bob@example.org' id='m1'>\
        <body>hi</body><request xmlns='urn:xmpp:receipts'/>\
        <markable xmlns='urn:xmpp:chat-markers:0'/><origin-id xmlns='urn:xmpp:sid:0' id='m1'/>\
        </message>",
    ]);
}

#[test]
fn incoming_message_ignores_a_stanza_id_from_a_foreign_by() {
    let mut t = T::online();
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' id='x1'>\
         <body>hello</body><stanza-id xmlns='urn:xmpp:sid:0' id='fake' by='bob@example.org'/>\
         <stanza-id xmlns='urn:xmpp:sid:0' id='real' by='user@example.org'/></message>",
    );
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' id='x2'>\
         <body>again</body><stanza-id xmlns='urn:xmpp:sid:0' id='fake' by='bob@example.org'/>\
         </message>",
    );
    t.recv(
        "<message xmlns='jabber:client' type='chat' from='bob@example.org/a'>\
        <composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
    );
    let m = |id: &str, body: &str, sid: Option<&str>| {
        Event::Message(IncomingMessage {
            from: "bob@example.org".into(),
            chat: "bob@example.org".into(),
            from_me: false,
            markable: false,
            id: Some(id.into()),
            origin_id: None,
            stanza_id: sid.map(str::to_owned),
            body: body.into(),
            delay: None,
            extras: Default::default(),
        })
    };
    assert_eq!(
        t.events(),
        vec![
            m("x1", "hello", Some("real")),
            m("x2", "again", None),
            Event::ChatState {
                from: "bob@example.org".into(),
                state: crate::xmpp::ChatState::Composing
            }
        ]
    );
}

#[test]
fn message_error_is_reported_as_failed() {
    let mut t = T::online();
    t.recv(
        "<message xmlns='jabber:client' type='error' from='bob@example.org' id='m1'>\
         <error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></message>",
    );
    assert_eq!(
        t.events(),
        vec![Event::MessageFailed {
            id: "m1".into(),
            reason: "item-not-found".into()
        }]
    );
}

#[test]
fn stream_error_ends_the_session() {
    let mut t = T::online();
    t.recv(
        "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    );
    assert_eq!(
        t.events(),
        vec![ended(Some(SessionError::StreamError("conflict".into())))]
    );
    t.s.handle_disconnect();
    assert_eq!(t.events(), vec![]);
}

#[test]
fn server_close_ends_the_session_and_is_answered() {
    let mut t = T::online();
    t.recv("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    t.expect_sent(&["<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"]);
    let events = t.events();
    assert!(matches!(
        events.as_slice(),
        [Event::Ended {
            error: Some(SessionError::StreamError(_))
        }]
    ));
}

#[test]
fn malformed_frame_does_not_end_the_session() {
    let mut t = T::online();
    t.recv("<message><body>unterminated");
    t.recv("<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
    let events = t.events();
    assert!(matches!(
        events.as_slice(),
        [Event::Malformed { .. }, Event::Malformed { .. }]
    ));
    assert!(t.s.is_online());
    t.s.send_message("bob@example.org", "still here", "m2", &Default::default())
        .unwrap();
}

#[test]
fn iq_timeout_is_reported_to_whoever_asked() {
    let mut t = T::online();
    t.s.add_contact("bob@example.org", None);
    t.sent();
    t.advance(29_000);
    assert_eq!(t.events(), vec![]);
    t.advance(1_000);
    let events = t.events();
    assert!(events.contains(&Event::RequestFailed {
        request: "roster".into(),
        reason: "no answer in time".into()
    }));
    assert!(events.contains(&Event::RequestFailed {
        request: "add contact bob@example.org".into(),
        reason: "no answer in time".into()
    }));
    assert!(t.s.is_online());
}

#[test]
fn keepalive_ping_is_sent_after_silence_and_an_answer_keeps_the_session() {
    let mut t = T::online();
    // Answer the initial requests so only the keepalive is pending.
    t.recv("<iq xmlns='jabber:client' type='result' id='id2'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id3' from='example.org'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id4'/>");
    // The upload service discovery the disco#info answer started: no items.
    t.recv("<iq xmlns='jabber:client' type='result' id='id5' from='example.org'/>");
    t.sent();
    t.events();
    assert_eq!(t.s.poll_timeout(), Some(t.now + 60_000));
    t.advance(60_000);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id6' to='example.org'>\
        <ping xmlns='urn:xmpp:ping'/></iq>",
    ]);
    assert_eq!(t.s.poll_timeout(), Some(t.now + 20_000));
    t.now += 5_000;
    t.recv("<iq xmlns='jabber:client' type='result' id='id6' from='example.org'/>");
    t.advance(20_000);
    assert_eq!(t.events(), vec![]);
    assert!(t.s.is_online());
}

#[test]
fn unanswered_ping_detects_a_dead_connection() {
    let mut t = T::online();
    t.recv("<iq xmlns='jabber:client' type='result' id='id2'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id3' from='example.org'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id4'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id5' from='example.org'/>");
    t.sent();
    t.events();
    t.advance(60_000);
    assert_eq!(t.sent().len(), 1);
    t.advance(19_999);
    assert_eq!(t.events(), vec![]);
    t.advance(1);
    assert_eq!(t.events(), vec![ended(Some(SessionError::Timeout))]);
    assert_eq!(t.s.poll_timeout(), None);
}

#[test]
fn unknown_iq_is_answered_with_service_unavailable_and_ping_with_a_result() {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='get' id='v1' from='bob@example.org/a'>\
         <query xmlns='jabber:iq:version'/></iq>",
    );
    t.recv(
        "<iq xmlns='jabber:client' type='get' id='p1' from='example.org'>\
         <ping xmlns='urn:xmpp:ping'/></iq>",
    );
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='error' id='v1' to='bob@example.org/a'>\
         <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></iq>",
        "<iq xmlns='jabber:client' type='result' id='p1' to='example.org'/>",
    ]);
}

#[test]
fn server_features_are_stored_from_disco() {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='result' id='id3' from='example.org'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <feature var='urn:xmpp:carbons:2'/></query></iq>",
    );
    assert!(t.s.server_features().contains("urn:xmpp:carbons:2"));
}

#[test]
fn disconnect_is_connection_lost_unless_we_closed() {
    let mut t = T::online();
    t.s.handle_disconnect();
    assert_eq!(t.events(), vec![ended(Some(SessionError::ConnectionLost))]);
    let mut t = T::online();
    t.s.close();
    t.expect_sent(&[
        "<presence xmlns='jabber:client' type='unavailable'><priority>0</priority></presence>",
        "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
    ]);
    t.s.handle_disconnect();
    assert_eq!(t.events(), vec![ended(None)]);
}

#[test]
fn handshake_times_out_when_the_server_is_silent() {
    let mut t = T::password();
    t.advance(30_000);
    assert_eq!(t.events(), vec![ended(Some(SessionError::Timeout))]);
}
