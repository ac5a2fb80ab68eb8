//! Transcript tests of XEP-0198: enabling, counters both ways, acks,
//! resumption and its refusal.

use super::harness::*;
use super::*;

const R: &str = "<r xmlns='urn:xmpp:sm:3'/>";

fn a(h: u32) -> String {
    format!("<a xmlns='urn:xmpp:sm:3' h='{h}'/>")
}

fn chat(to: &str, body: &str, id: &str) -> String {
    format!(
        "<message xmlns='jabber:client' type='chat' to='{to}' id='{id}'><body>{body}</body>\
         <request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/>\
         <origin-id xmlns='urn:xmpp:sid:0' id='{id}'/></message>"
    )
}

fn sent(id: &str) -> Event {
    Event::Sent { id: id.into() }
}

const BOB_MESSAGE: &str = "<message xmlns='jabber:client' type='chat' from='bob@example.org/a' \
    id='b1'><body>hi</body></message>";

/// Online with SM; two messages sent (m1 acked with h=5, m2 not) and two
/// stanzas received; then the connection drops.
fn dropped_with_m2_unacked() -> (T, Resumption) {
    let mut t = T::online_sm();
    t.recv(BOB_MESSAGE);
    t.recv("<presence xmlns='jabber:client' from='bob@example.org/a'/>");
    t.s.send_message("bob@example.org", "one", "m1", &Default::default())
        .unwrap();
    t.s.send_message("bob@example.org", "two", "m2", &Default::default())
        .unwrap();
    t.recv(&a(5));
    t.sent();
    assert!(t.events().contains(&sent("m1")));
    t.s.handle_disconnect();
    assert_eq!(
        t.events(),
        vec![Event::Ended {
            error: Some(SessionError::ConnectionLost)
        }]
    );
    let r = t.s.take_resumption().expect("resumable");
    assert!(t.s.take_resumption().is_none(), "taken once");
    (t, r)
}

/// A session resuming `r` at `now`, through SASL and the post-auth features.
fn resuming_until_resume(r: Resumption, now: Millis) -> T {
    let mut t = T::resuming(r, now);
    t.authenticated();
    t.recv(OPEN);
    t.recv(SM_FEATURES);
    t
}

#[test]
fn stream_management_is_enabled_first_after_bind_when_offered() {
    let mut t = T::password();
    t.authenticated();
    t.bind_with(SM_FEATURES);
    let sent = t.sent();
    assert_eq!(sent[0], el("<enable xmlns='urn:xmpp:sm:3' resume='true'/>"));
    assert_eq!(sent.len(), 5, "enable, roster, presence, disco, carbons");
    assert!(matches!(t.events().as_slice(), [Event::Online { .. }]));
}

#[test]
fn stream_management_is_not_enabled_when_not_offered() {
    let mut t = T::online();
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "hi", "m1")]);
    assert_eq!(t.events(), vec![sent("m1")], "sent at once without SM");
    t.recv(R);
    assert_eq!(t.sent(), vec![], "no <a/> without SM");
}

#[test]
fn inbound_stanzas_are_counted_from_enabled_on() {
    let mut t = T::password();
    t.authenticated();
    t.bind_with(SM_FEATURES);
    t.sent();
    // Before <enabled/>: not counted.
    t.recv("<presence xmlns='jabber:client' from='bob@example.org/a'/>");
    t.recv("<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id2'/>");
    t.recv("<presence xmlns='jabber:client' from='carol@example.org/a'/>");
    t.recv(BOB_MESSAGE);
    // A broken stanza still counts; a nonza does not.
    t.recv("<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>");
    t.recv("<x xmlns='urn:example:unknown'/>");
    t.recv(R);
    t.expect_sent(&[&a(4)]);
    t.recv(BOB_MESSAGE);
    t.recv(R);
    t.expect_sent(&[&a(5)]);
}

#[test]
fn sent_is_reported_in_order_when_the_server_acks() {
    let mut t = T::online_sm();
    // Outbound so far: roster, presence, disco, carbons (h would be 4).
    t.s.send_message("bob@example.org", "one", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "one", "m1"), R]);
    t.s.send_message("bob@example.org", "two", "m2", &Default::default())
        .unwrap();
    t.s.send_message("bob@example.org", "three", "m3", &Default::default())
        .unwrap();
    t.expect_sent(&[
        &chat("bob@example.org", "two", "m2"),
        &chat("bob@example.org", "three", "m3"),
    ]);
    assert_eq!(t.events(), vec![], "nothing is sent before the ack");
    // The answer to our <r/> covers m1 and m2 only.
    t.recv(&a(6));
    assert_eq!(t.events(), vec![sent("m1"), sent("m2")]);
    // m3 went out after our request: it asks again rather than wait.
    t.expect_sent(&[R]);
    t.s.send_message("bob@example.org", "four", "m4", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "four", "m4")]);
    t.recv(&a(8));
    assert_eq!(t.events(), vec![sent("m3"), sent("m4")]);
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn an_ack_for_more_than_we_sent_is_reported_and_ignored() {
    let mut t = T::online_sm();
    t.s.send_message("bob@example.org", "one", "m1", &Default::default())
        .unwrap();
    t.sent();
    t.recv(&a(50));
    let events = t.events();
    assert!(
        matches!(events.as_slice(), [Event::Malformed { .. }]),
        "{events:?}"
    );
    t.recv(&a(5));
    assert_eq!(t.events(), vec![sent("m1")]);
}

#[test]
fn refused_enable_reports_the_waiting_messages_as_sent() {
    let mut t = T::password();
    t.authenticated();
    t.bind_with(SM_FEATURES);
    t.sent();
    t.events();
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "hi", "m1")]);
    assert_eq!(t.events(), vec![]);
    t.recv(
        "<failed xmlns='urn:xmpp:sm:3'><unexpected-request \
            xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>",
    );
    assert_eq!(t.events(), vec![sent("m1")]);
    t.s.send_message("bob@example.org", "again", "m2", &Default::default())
        .unwrap();
    assert_eq!(t.events(), vec![sent("m2")]);
    t.s.handle_disconnect();
    t.events();
    assert!(t.s.take_resumption().is_none());
}

#[test]
fn send_message_is_idempotent_while_the_id_is_unacked() {
    let mut t = T::online_sm();
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    t.sent();
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    assert_eq!(t.sent(), vec![]);
    t.recv(&a(5));
    assert_eq!(t.events(), vec![sent("m1")]);
    // Acked: the server has it. An outbox read before the Sent tick was
    // stored sends nothing twice; the tick is confirmed again.
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    assert_eq!(t.sent(), vec![]);
    assert_eq!(t.events(), vec![sent("m1")]);
    // A bounce makes it sendable again (Retry keeps the id).
    t.recv(
        "<message xmlns='jabber:client' type='error' from='bob@example.org' id='m1'>\
         <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></message>",
    );
    t.events();
    t.s.send_message("bob@example.org", "hi", "m1", &Default::default())
        .unwrap();
    assert_eq!(t.sent().len(), 2, "the message and an ack request");
}

#[test]
fn what_the_server_acknowledged_is_not_sent_again_after_a_refused_resume() {
    let (_, r) = dropped_with_m2_unacked();
    let mut t = resuming_until_resume(r, 5_000);
    t.sent();
    // The server had m2 after all (h=6), then refuses to resume.
    t.recv(
        "<failed xmlns='urn:xmpp:sm:3' h='6'><item-not-found \
            xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>",
    );
    assert!(t.events().contains(&sent("m2")));
    // A new session is bound; the shell's outbox still lists m2.
    let bind = t.sent();
    let bind_id = bind[0].attr("id").unwrap_or_default().to_owned();
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='{bind_id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
         <jid>user@example.org/web</jid></bind></iq>"
    ));
    assert!(t.s.is_online());
    t.events();
    t.sent();
    t.s.send_message("bob@example.org", "two", "m2", &Default::default())
        .unwrap();
    assert_eq!(t.sent(), vec![], "not sent twice");
}

#[test]
fn resumption_resends_only_unacked_stanzas_and_counters_continue() {
    let (_, r) = dropped_with_m2_unacked();
    let mut t = resuming_until_resume(r, 5_000);
    t.expect_sent(&["<resume xmlns='urn:xmpp:sm:3' h='2' previd='sm1'/>"]);
    assert!(!t.s.is_online());
    t.recv("<resumed xmlns='urn:xmpp:sm:3' h='5' previd='sm1'/>");
    // m2 again (now outbound 6), and a request for its ack; no roster,
    // presence, disco or carbons.
    t.expect_sent(&[&chat("bob@example.org", "two", "m2"), R]);
    assert_eq!(
        t.events(),
        vec![Event::Resumed {
            jid: "user@example.org/web".into()
        }]
    );
    assert!(t.s.is_online());
    assert_eq!(t.s.bound_jid().as_deref(), Some("user@example.org/web"));
    // Inbound h continues from 2.
    t.recv(BOB_MESSAGE);
    t.events();
    t.recv(R);
    t.expect_sent(&[&a(3)]);
    // The shell re-sends its outbox: m2 is still unacked, so nothing goes out.
    t.s.send_message("bob@example.org", "two", "m2", &Default::default())
        .unwrap();
    assert_eq!(t.sent(), vec![]);
    t.s.send_message("bob@example.org", "three", "m3", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "three", "m3")]);
    t.recv(&a(7));
    assert_eq!(t.events(), vec![sent("m2"), sent("m3")]);
}

#[test]
fn stanzas_acked_by_resumed_are_reported_before_resumed() {
    let (_, r) = dropped_with_m2_unacked();
    let mut t = resuming_until_resume(r, 5_000);
    t.sent();
    t.recv("<resumed xmlns='urn:xmpp:sm:3' h='6' previd='sm1'/>");
    assert_eq!(t.sent(), vec![]);
    assert_eq!(
        t.events(),
        vec![
            sent("m2"),
            Event::Resumed {
                jid: "user@example.org/web".into()
            }
        ]
    );
}

#[test]
fn refused_resumption_binds_afresh_without_resending() {
    let (_, r) = dropped_with_m2_unacked();
    let mut t = resuming_until_resume(r, 5_000);
    t.sent();
    t.recv(
        "<failed xmlns='urn:xmpp:sm:3'><item-not-found \
         xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>",
    );
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id1'>\
        <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>web</resource></bind></iq>"]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' id='id1'><bind \
         xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>user@example.org/web2</jid></bind></iq>",
    );
    let sent_frames = t.sent();
    assert_eq!(
        sent_frames[0],
        el("<enable xmlns='urn:xmpp:sm:3' resume='true'/>")
    );
    assert!(
        !sent_frames.iter().any(|f| f.name() == "message"),
        "m2 is not resent by the session"
    );
    let events = t.events();
    assert!(
        matches!(events.as_slice(), [Event::Online { jid, scram_keys: Some(_) }] if jid == "user@example.org/web2"),
        "{events:?}"
    );
    // The shell's outbox re-sends m2 with the same id.
    t.s.send_message("bob@example.org", "two", "m2", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "two", "m2")]);
}

#[test]
fn refused_resumption_with_h_reports_what_the_server_had() {
    let (_, r) = dropped_with_m2_unacked();
    let mut t = resuming_until_resume(r, 5_000);
    t.sent();
    t.recv(
        "<failed xmlns='urn:xmpp:sm:3' h='6'><item-not-found \
            xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>",
    );
    assert_eq!(t.events(), vec![sent("m2")]);
}

#[test]
fn expired_resumption_binds_without_asking() {
    let (_, r) = dropped_with_m2_unacked();
    // Dropped at 1 000 ms with max 600 s.
    let mut t = resuming_until_resume(r, 601_000);
    t.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id1'>\
        <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>web</resource></bind></iq>"]);
}

#[test]
fn resumption_without_sm_offered_binds() {
    let (_, r) = dropped_with_m2_unacked();
    let mut t = T::resuming(r, 5_000);
    t.authenticated();
    t.bind();
    assert!(matches!(t.events().as_slice(), [Event::Online { .. }]));
}

#[test]
fn a_resumption_survives_a_drop_before_it_was_used() {
    let (_, r) = dropped_with_m2_unacked();
    let mut t = resuming_until_resume(r, 5_000);
    t.s.handle_disconnect();
    let again = t.s.take_resumption().expect("still resumable");
    let mut t = resuming_until_resume(again, 6_000);
    t.expect_sent(&["<resume xmlns='urn:xmpp:sm:3' h='2' previd='sm1'/>"]);
}

#[test]
fn no_resumption_after_a_clean_close_or_a_stream_error() {
    let mut t = T::online_sm();
    t.s.close();
    t.s.handle_disconnect();
    assert!(t.s.take_resumption().is_none());
    let mut t = T::online_sm();
    t.recv(
        "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    );
    assert!(t.s.take_resumption().is_none());
    let mut t = T::online_sm();
    t.recv("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    assert!(t.s.take_resumption().is_none());
}

#[test]
fn no_resumption_when_the_server_did_not_allow_it() {
    let mut t = T::password();
    t.authenticated();
    t.bind_with(SM_FEATURES);
    t.recv("<enabled xmlns='urn:xmpp:sm:3'/>");
    t.s.handle_disconnect();
    assert!(t.s.take_resumption().is_none());
}

#[test]
fn check_alive_pings_once_and_a_timeout_is_resumable() {
    let mut t = T::online_sm();
    t.now += 1_000;
    t.s.check_alive(t.now);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id5' to='example.org'>\
        <ping xmlns='urn:xmpp:ping'/></iq>",
    ]);
    t.s.check_alive(t.now);
    assert_eq!(t.sent(), vec![], "one ping at a time");
    assert_eq!(t.s.poll_timeout(), Some(t.now + 10_000));
    t.advance(9_999);
    assert!(t.s.is_online());
    t.advance(1);
    let events = t.events();
    assert_eq!(
        events.last(),
        Some(&Event::Ended {
            error: Some(SessionError::Timeout)
        })
    );
    assert!(t.s.take_resumption().is_some());
}

#[test]
fn check_alive_answered_keeps_the_session() {
    let mut t = T::online_sm();
    t.s.check_alive(t.now);
    t.sent();
    t.recv("<iq xmlns='jabber:client' type='result' id='id5' from='example.org'/>");
    t.advance(10_000);
    assert!(t.s.is_online());
    t.s.check_alive(t.now);
    assert_eq!(t.sent().len(), 1, "a new ping once the last was answered");
}

#[test]
fn a_message_left_out_of_an_ack_is_asked_for_again_with_the_ping() {
    let mut t = T::online_sm();
    t.s.send_message("bob@example.org", "one", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "one", "m1"), R]);
    // A short answer: the server had not counted m1 yet.
    t.recv(&a(4));
    assert_eq!(t.sent(), vec![]);
    t.s.check_alive(t.now);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id5' to='example.org'>\
         <ping xmlns='urn:xmpp:ping'/></iq>",
        R,
    ]);
    t.recv(&a(6));
    assert_eq!(t.events(), vec![sent("m1")]);
}

#[test]
fn a_message_whose_ack_does_not_come_makes_the_session_check_the_connection() {
    let mut t = T::online_sm();
    t.s.send_message("bob@example.org", "one", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[&chat("bob@example.org", "one", "m1"), R]);
    assert_eq!(t.s.poll_timeout(), Some(t.now + 10_000));
    t.advance(10_000);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id5' to='example.org'>\
        <ping xmlns='urn:xmpp:ping'/></iq>",
    ]);
    // Nothing comes back: the session ends, resumable, 20 s after sending.
    t.advance(10_000);
    assert_eq!(
        t.events().last(),
        Some(&Event::Ended {
            error: Some(SessionError::Timeout)
        })
    );
    assert!(t.s.take_resumption().is_some());
}

#[test]
fn an_ack_in_time_means_no_extra_ping() {
    let mut t = T::online_sm();
    t.s.send_message("bob@example.org", "one", "m1", &Default::default())
        .unwrap();
    t.sent();
    t.advance(5_000);
    t.recv(&a(5));
    t.advance(10_000);
    assert_eq!(t.sent(), vec![], "no ping");
    assert!(t.s.is_online());
}

#[test]
fn a_bounce_before_its_ack_still_lets_retry_send_it() {
    let mut t = T::online_sm();
    t.s.send_message("ghost@example.org", "hi", "m1", &Default::default())
        .unwrap();
    t.sent();
    // Prosody bounces first, then acks the stanza it handled.
    t.recv(
        "<message xmlns='jabber:client' type='error' from='ghost@example.org' id='m1'>\
         <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></message>",
    );
    t.recv(&a(5));
    t.events();
    t.s.send_message("ghost@example.org", "hi", "m1", &Default::default())
        .unwrap();
    assert_eq!(t.sent().len(), 2, "the retried message and an ack request");
}
