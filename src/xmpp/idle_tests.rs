//! Transcript tests of XEP-0319 idle in presence, XEP-0012 last activity
//! (asking and answering, with the "share last seen" setting), XEP-0352
//! client state indication and XEP-0115 caps queries.

use super::super::harness::*;
use crate::chat::Availability;
use crate::xmpp::{Event, Presence};

/// 2002-09-10T23:08:25Z.
const SINCE: u64 = 1_031_699_305_000;

fn presence(inner: &str) -> String {
    format!(
        "<presence xmlns='jabber:client'><priority>0</priority>{}{inner}</presence>",
        caps()
    )
}

const IDLE: &str = "<idle xmlns='urn:xmpp:idle:1' since='2002-09-10T23:08:25+00:00'/>";

fn online_with_bob() -> T {
    let mut t = T::online();
    t.recv(
        "<iq xmlns='jabber:client' type='result' id='id2'><query xmlns='jabber:iq:roster'>\
         <item jid='bob@example.org' subscription='both'/></query></iq>",
    );
    t.events();
    t
}

#[test]
fn idle_goes_into_our_presence_and_out_again() {
    let mut t = T::online();
    t.s.set_idle(Some(SINCE));
    t.expect_sent(&[&presence(IDLE)]);
    t.s.set_idle(Some(SINCE));
    assert_eq!(t.sent(), vec![], "unchanged: nothing sent");
    t.s.set_presence(&Presence {
        availability: Availability::Away,
        status: Some("lunch".into()),
    });
    t.expect_sent(&[&format!(
        "<presence xmlns='jabber:client'><show>away</show><status>lunch</status>\
         <priority>0</priority>{}{IDLE}</presence>",
        caps()
    )]);
    t.s.set_presence(&Presence {
        availability: Availability::Online,
        status: None,
    });
    t.sent();
    t.s.set_idle(None);
    t.expect_sent(&[&presence("")]);
}

#[test]
fn idle_is_not_shared_when_the_user_says_no() {
    let mut t = T::online();
    t.s.set_share_last_seen(false);
    assert_eq!(t.sent(), vec![]);
    t.s.set_idle(Some(SINCE));
    assert_eq!(t.sent(), vec![], "nothing to tell");
    t.s.set_share_last_seen(true);
    t.expect_sent(&[&presence(IDLE)]);
    t.s.set_share_last_seen(false);
    t.expect_sent(&[&presence("")]);
}

#[test]
fn idle_set_before_login_is_in_the_initial_presence() {
    let mut t = T::password();
    t.s.set_idle(Some(SINCE));
    t.authenticated();
    t.bind();
    let sent = t.sent();
    assert_eq!(sent[1], el(&presence(IDLE)));
}

#[test]
fn contacts_idle_time_is_reported_with_their_presence() {
    let mut t = T::online();
    t.recv(
        "<presence xmlns='jabber:client' from='bob@example.org/a'><show>away</show>\
         <idle xmlns='urn:xmpp:idle:1' since='2002-09-11T01:08:25+02:00'/></presence>",
    );
    t.recv("<presence xmlns='jabber:client' from='bob@example.org/a'><show>away</show></presence>");
    let p = |idle_since| Event::ContactPresence {
        jid: "bob@example.org".into(),
        availability: Availability::Away,
        status: None,
        idle_since,
    };
    assert_eq!(t.events(), vec![p(Some(SINCE)), p(None)]);
}

#[test]
fn last_activity_of_a_contact_is_asked_of_its_bare_jid() {
    let mut t = T::online();
    t.now = 100_000;
    t.s.fetch_last_activity("bob@example.org");
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='bob@example.org' id='id5'>\
        <query xmlns='jabber:iq:last'/></iq>",
    ]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='bob@example.org' id='id5'>\
         <query xmlns='jabber:iq:last' seconds='60'/></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::LastSeen {
            jid: "bob@example.org".into(),
            seconds_ago: 60,
            at: 40_000,
        }]
    );
}

#[test]
fn failed_last_activity_is_a_failed_request() {
    let mut t = T::online();
    t.s.fetch_last_activity("bob@example.org");
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' from='bob@example.org' id='id5'>\
         <error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::RequestFailed {
            request: "last seen bob@example.org".into(),
            reason: "forbidden".into(),
        }]
    );
}

const LAST_QUERY: &str = "<query xmlns='jabber:iq:last'/>";

fn last_from(from: &str) -> String {
    format!("<iq xmlns='jabber:client' type='get' from='{from}' id='q1'>{LAST_QUERY}</iq>")
}

fn unavailable_to(to: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='error' to='{to}' id='q1'><error type='cancel'>\
         <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    )
}

#[test]
fn a_contact_asking_our_last_activity_gets_our_idle_time() {
    let mut t = online_with_bob();
    t.recv(&last_from("bob@example.org/a"));
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='result' to='bob@example.org/a' id='q1'>\
        <query xmlns='jabber:iq:last' seconds='0'/></iq>",
    ]);
    t.now = 200_000;
    t.s.set_idle(Some(200_000 - 90_500));
    t.sent();
    t.recv(&last_from("bob@example.org/a"));
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='result' to='bob@example.org/a' id='q1'>\
        <query xmlns='jabber:iq:last' seconds='90'/></iq>",
    ]);
}

#[test]
fn last_activity_is_refused_to_strangers_and_when_not_shared() {
    let mut t = online_with_bob();
    t.recv(&last_from("mallory@evil.org/x"));
    t.expect_sent(&[&unavailable_to("mallory@evil.org/x")]);
    t.s.set_share_last_seen(false);
    t.recv(&last_from("bob@example.org/a"));
    t.expect_sent(&[&unavailable_to("bob@example.org/a")]);
}

const CSI_FEATURES: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/>\
    <csi xmlns='urn:xmpp:csi:0'/></stream:features>";
const INACTIVE: &str = "<inactive xmlns='urn:xmpp:csi:0'/>";
const ACTIVE: &str = "<active xmlns='urn:xmpp:csi:0'/>";

fn online_with(features: &str) -> T {
    let mut t = T::password();
    t.authenticated();
    t.bind_with(features);
    t.sent();
    t.events();
    t
}

#[test]
fn csi_is_sent_on_changes_when_the_server_offers_it() {
    let mut t = online_with(CSI_FEATURES);
    t.s.set_active(true);
    assert_eq!(t.sent(), vec![], "already active");
    t.s.set_active(false);
    t.expect_sent(&[INACTIVE]);
    t.s.set_active(false);
    assert_eq!(t.sent(), vec![]);
    t.s.set_active(true);
    t.expect_sent(&[ACTIVE]);
}

#[test]
fn csi_is_never_sent_when_not_offered() {
    let mut t = online_with(SM_FEATURES);
    t.s.set_active(false);
    t.s.set_active(true);
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn inactive_set_before_login_is_sent_after_bind() {
    let mut t = T::password();
    t.s.set_active(false);
    t.authenticated();
    t.bind_with(CSI_FEATURES);
    let sent = t.sent();
    assert_eq!(sent.last(), Some(&el(INACTIVE)), "{sent:?}");
}

#[test]
fn the_inactive_state_is_kept_across_a_resumption() {
    let mut t = online_with(CSI_FEATURES);
    t.recv("<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true' max='600'/>");
    t.s.set_active(false);
    t.sent();
    t.s.handle_disconnect();
    let r = t.s.take_resumption().expect("resumable");
    let mut t = T::resuming(r, 5_000);
    t.authenticated();
    t.recv(OPEN);
    t.recv(CSI_FEATURES);
    t.expect_sent(&["<resume xmlns='urn:xmpp:sm:3' h='0' previd='sm1'/>"]);
    t.recv("<resumed xmlns='urn:xmpp:sm:3' h='5' previd='sm1'/>");
    let sent = t.sent();
    assert!(sent.contains(&el(INACTIVE)), "{sent:?}");
    t.s.set_active(true);
    t.expect_sent(&[ACTIVE]);
}

#[test]
fn disco_of_our_caps_node_is_answered_with_our_features() {
    let mut t = T::online();
    let ver = crate::xmpp::caps::ver(&crate::xmpp::disco::our_info());
    let node = format!("https://confab.chat#{ver}");
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='get' from='example.org' id='d1'>\
         <query xmlns='http://jabber.org/protocol/disco#info' node='{node}'/></iq>"
    ));
    let sent = t.sent();
    let [reply] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(reply.attr("type"), Some("result"));
    let query = reply.children().next().unwrap();
    assert_eq!(query.attr("node"), Some(node.as_str()));
    let features: Vec<_> = query.children().filter_map(|c| c.attr("var")).collect();
    for f in [
        "http://jabber.org/protocol/caps",
        "http://jabber.org/protocol/chatstates",
        "http://jabber.org/protocol/nick+notify",
        "urn:xmpp:avatar:metadata+notify",
    ] {
        assert!(features.contains(&f), "{f} in {features:?}");
    }
    // The ver the presence announces is the hash of this very answer.
    let info = xmpp_parsers::disco::DiscoInfoResult::try_from(query.clone()).unwrap();
    assert_eq!(crate::xmpp::caps::ver(&info), ver);
    // A stale node is not ours.
    t.recv(
        "<iq xmlns='jabber:client' type='get' from='example.org' id='d2'>\
         <query xmlns='http://jabber.org/protocol/disco#info' node='https://confab.chat#old'/></iq>",
    );
    let sent = t.sent();
    assert_eq!(sent[0].attr("type"), Some("error"));
}

fn own(availability: Availability, status: Option<&str>) -> Presence {
    Presence {
        availability,
        status: status.map(str::to_owned),
    }
}

#[test]
fn presence_and_idle_together_are_one_stanza() {
    let mut t = T::online();
    // The user chose Busy with a message: show dnd and the status.
    t.s.set_presence_idle(&own(Availability::Busy, Some("In a meeting")), None);
    t.expect_sent(&[&format!(
        "<presence xmlns='jabber:client'><show>dnd</show><status>In a meeting</status>\
         <priority>0</priority>{}</presence>",
        caps()
    )]);
    // Online, then idle: away with the idle time, in one stanza.
    t.s.set_presence_idle(&own(Availability::Online, None), None);
    t.sent();
    t.s.set_presence_idle(&own(Availability::Away, None), Some(SINCE));
    t.expect_sent(&[&format!(
        "<presence xmlns='jabber:client'><show>away</show><priority>0</priority>{}{IDLE}</presence>",
        caps()
    )]);
    t.s.set_presence_idle(&own(Availability::Away, None), Some(SINCE));
    assert_eq!(t.sent(), vec![], "unchanged: nothing sent");
    // Back: online without idle.
    t.s.set_presence_idle(&own(Availability::Online, None), None);
    t.expect_sent(&[&presence("")]);
}

#[test]
fn unshared_idle_still_shows_away_but_without_the_time() {
    let mut t = T::online();
    t.s.set_share_last_seen(false);
    t.s.set_presence_idle(&own(Availability::Away, Some("brb")), Some(SINCE));
    t.expect_sent(&[&format!(
        "<presence xmlns='jabber:client'><show>away</show><status>brb</status>\
         <priority>0</priority>{}</presence>",
        caps()
    )]);
    // Only the idle time changes: nobody may see it, nothing is sent.
    t.s.set_presence_idle(&own(Availability::Away, Some("brb")), Some(SINCE + 1_000));
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn presence_set_before_login_is_the_initial_presence() {
    let mut t = T::password();
    t.s.set_presence_idle(&own(Availability::Away, Some("lunch")), Some(SINCE));
    t.authenticated();
    t.bind();
    let sent = t.sent();
    assert_eq!(
        sent[1],
        el(&format!(
            "<presence xmlns='jabber:client'><show>away</show><status>lunch</status>\
             <priority>0</priority>{}{IDLE}</presence>",
            caps()
        ))
    );
}

#[test]
fn a_presence_changed_while_disconnected_is_sent_after_resuming() {
    let mut t = online_with(CSI_FEATURES);
    t.recv("<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true' max='600'/>");
    t.s.handle_disconnect();
    let r = t.s.take_resumption().expect("resumable");
    let mut t = T::resuming(r, 5_000);
    // What the shell does with a new session: the wanted presence first.
    t.s.set_presence_idle(&own(Availability::Busy, None), None);
    t.authenticated();
    t.recv(OPEN);
    t.recv(CSI_FEATURES);
    t.sent();
    t.recv("<resumed xmlns='urn:xmpp:sm:3' h='0' previd='sm1'/>");
    t.sent();
    // The resumed stream restored the server's view (online): set again.
    t.s.set_presence_idle(&own(Availability::Busy, None), None);
    let sent = t.sent();
    assert!(
        sent.contains(&el(&format!(
            "<presence xmlns='jabber:client'><show>dnd</show><priority>0</priority>{}</presence>",
            caps()
        ))),
        "{sent:?}"
    );
    t.s.set_presence_idle(&own(Availability::Busy, None), None);
    assert_eq!(t.sent(), vec![], "then unchanged");
}
