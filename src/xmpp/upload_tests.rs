//! Transcript tests of XEP-0363 HTTP File Upload: finding the service
//! (with Prosody 0.12's real answers), the local refusals, slots and the
//! server's refusals, time-outs, and the stream ending or resuming.
//!
//! The Prosody stanzas are recorded from `Component "upload.localhost"
//! "http_file_share"` in scripts/prosody/confab.cfg.lua (50 MiB limit),
//! with `localhost` renamed `example.org`.

use super::super::harness::*;
use crate::xmpp::{Event, SessionError, UploadError, UploadService};

/// Prosody's limit in scripts/prosody/confab.cfg.lua: 50 MiB.
const MAX: u64 = 52_428_800;

/// Our server's disco#info answer (id3), without blocking so that the
/// upload discovery is the only thing it starts.
const SERVER_INFO: &str = "<iq xmlns='jabber:client' type='result' from='example.org' id='id3'>\
    <query xmlns='http://jabber.org/protocol/disco#info'>\
    <identity category='server' type='im'/><feature var='urn:xmpp:ping'/></query></iq>";

/// Prosody's disco#items on the server: its components (and a second vhost).
const PROSODY_ITEMS: &str = "<iq type='result' from='example.org' id='id5' \
    to='user@example.org/web' xmlns='jabber:client'>\
    <query xmlns='http://jabber.org/protocol/disco#items'><item jid='form.example.org'/>\
    <item jid='conference.example.org'/><item jid='upload.example.org'/></query></iq>";

/// Prosody's answer for the second vhost (a server, not an upload service).
const PROSODY_VHOST_INFO: &str = "<iq type='result' from='form.example.org' id='id6' \
    to='user@example.org/web' xmlns='jabber:client'>\
    <query xmlns='http://jabber.org/protocol/disco#info'>\
    <identity type='im' category='server'/><feature var='urn:xmpp:ping'/></query></iq>";

/// Prosody's MUC component.
const PROSODY_MUC_INFO: &str = "<iq type='result' from='conference.example.org' id='id7' \
    to='user@example.org/web' xmlns='jabber:client'>\
    <query xmlns='http://jabber.org/protocol/disco#info'>\
    <identity name='Prosody Chatrooms' type='text' category='conference'/>\
    <feature var='http://jabber.org/protocol/muc#unique'/>\
    <feature var='http://jabber.org/protocol/commands'/><feature var='urn:xmpp:mam:2'/>\
    <feature var='http://jabber.org/protocol/disco#info'/>\
    <feature var='http://jabber.org/protocol/disco#items'/>\
    <feature var='urn:xmpp:occupant-id:0'/><feature var='http://jabber.org/protocol/muc'/>\
    <feature var='vcard-temp'/></query></iq>";

/// Prosody's mod_http_file_share: identity store/file, the feature and the
/// XEP-0128 form with max-file-size.
const PROSODY_UPLOAD_INFO: &str = "<iq type='result' from='upload.example.org' id='id8' \
    to='user@example.org/web' xmlns='jabber:client'>\
    <query xmlns='http://jabber.org/protocol/disco#info'>\
    <identity name='HTTP File Upload' type='file' category='store'/>\
    <feature var='http://jabber.org/protocol/disco#info'/>\
    <feature var='http://jabber.org/protocol/disco#items'/>\
    <feature var='urn:xmpp:http:upload:0'/>\
    <x xmlns='jabber:x:data' type='result'>\
    <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>\
    <field var='max-file-size' type='text-single'><value>52428800</value></field></x>\
    </query></iq>";

const BEARER: &str = "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmaWxlc2l6ZSI6NSwiZmlsZXR5\
    cGUiOiJ0ZXh0L3BsYWluIiwic3ViIjoiYWxpY2VAbG9jYWxob3N0Iiwic2xvdCI6IkhvcTJZLUsxRk5PeGtvYkY0Wl9\
    jME1TeCIsImZpbGVuYW1lIjoiYSBiLnR4dCIsImV4cCI6MTc5NTcwNjExOCwiZXhwaXJlcyI6MTc5NjMxMDYxOCwiaW\
    F0IjoxNzk1NzA1ODE4fQ.yoz6XHkzQS0xBPCm__y6v6yi1sKjdiwly8wD570hPwA";

const SLOT_URL: &str =
    "http://upload.example.org:34135/file_share/Hoq2Y-K1FNOxkobF4Z_c0MSx/a%20b.txt";

/// Prosody's slot for `a b.txt`, 5 bytes, text/plain, answering `id`.
fn prosody_slot(id: &str) -> String {
    format!(
        "<iq type='result' from='upload.example.org' id='{id}' to='user@example.org/web' \
         xmlns='jabber:client'><slot xmlns='urn:xmpp:http:upload:0'>\
         <get url='{SLOT_URL}'/><put url='{SLOT_URL}'>\
         <header name='Authorization'>{BEARER}</header></put></slot></iq>"
    )
}

/// Prosody's refusal of a file above its limit, answering `id`.
fn prosody_too_large(id: &str) -> String {
    format!(
        "<iq type='error' from='upload.example.org' id='{id}' to='user@example.org/web' \
         xmlns='jabber:client'><error type='modify'>\
         <not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>File too large</text>\
         <file-too-large xmlns='urn:xmpp:http:upload:0'><max-file-size>52428800</max-file-size>\
         </file-too-large></error></iq>"
    )
}

fn slot_request(id: &str, filename: &str, size: u64, content_type: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='get' id='{id}' to='upload.example.org'>\
         <request xmlns='urn:xmpp:http:upload:0' filename='{filename}' size='{size}' \
         content-type='{content_type}'/></iq>"
    )
}

/// Online; the server's disco#info answered, so the items query (id5) is out.
fn items_asked(mut t: T) -> T {
    t.recv(SERVER_INFO);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id5' to='example.org'>\
        <query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
    ]);
    t
}

/// Discovery against Prosody's answers, up to the service (id8): the
/// session asks each item (id6–id8). Events are drained.
fn discovered(t: T) -> T {
    let mut t = items_asked(t);
    t.recv(PROSODY_ITEMS);
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' id='id6' to='form.example.org'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
        "<iq xmlns='jabber:client' type='get' id='id7' to='conference.example.org'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
        "<iq xmlns='jabber:client' type='get' id='id8' to='upload.example.org'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    ]);
    t.recv(PROSODY_VHOST_INFO);
    t.recv(PROSODY_MUC_INFO);
    t.recv(PROSODY_UPLOAD_INFO);
    let events = t.events();
    assert!(
        events.contains(&Event::UploadService {
            jid: "upload.example.org".into(),
            max_size: Some(MAX)
        }),
        "{events:?}"
    );
    t
}

#[test]
fn prosodys_upload_component_is_found_with_its_limit() {
    let mut t = items_asked(T::online());
    t.recv(PROSODY_ITEMS);
    t.sent();
    t.recv(PROSODY_VHOST_INFO);
    t.recv(PROSODY_MUC_INFO);
    assert_eq!(t.events(), vec![], "neither the vhost nor MUC is it");
    assert_eq!(t.s.upload_service(), None);
    t.recv(PROSODY_UPLOAD_INFO);
    assert_eq!(
        t.events(),
        vec![Event::UploadService {
            jid: "upload.example.org".into(),
            max_size: Some(MAX)
        }]
    );
    assert_eq!(
        t.s.upload_service(),
        Some(&UploadService {
            jid: "upload.example.org".into(),
            max_size: Some(MAX)
        })
    );
    assert_eq!(t.sent(), vec![], "discovery is over");
}

#[test]
fn a_server_without_an_upload_service_sends_no_event_and_refuses_files() {
    let mut t = items_asked(T::online());
    t.recv(
        "<iq type='result' from='example.org' id='id5' xmlns='jabber:client'>\
         <query xmlns='http://jabber.org/protocol/disco#items'>\
         <item jid='conference.example.org'/></query></iq>",
    );
    t.sent();
    t.recv(&PROSODY_MUC_INFO.replace("id7", "id6"));
    assert_eq!(t.events(), vec![]);
    assert_eq!(t.s.upload_service(), None);
    assert_eq!(
        t.s.request_upload_slot("m1", "a.txt", 5, "text/plain"),
        Err(UploadError::NoService)
    );
    assert_eq!(t.sent(), vec![], "refused without asking");
    assert_eq!(
        UploadError::NoService.to_string(),
        "This server does not accept files."
    );
}

#[test]
fn a_failed_items_query_means_no_service() {
    let mut t = items_asked(T::online());
    t.recv(
        "<iq type='error' from='example.org' id='id5' xmlns='jabber:client'>\
         <error type='cancel'><service-unavailable \
         xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(t.sent(), vec![]);
    assert_eq!(t.events(), vec![]);
    assert_eq!(
        t.s.request_upload_slot("m1", "a.txt", 5, "text/plain"),
        Err(UploadError::NoService)
    );
}

#[test]
fn a_file_above_the_announced_limit_is_refused_without_asking() {
    let mut t = discovered(T::online());
    assert_eq!(
        t.s.request_upload_slot("m1", "big.bin", MAX + 1, "application/octet-stream"),
        Err(UploadError::TooLarge { max: MAX })
    );
    assert_eq!(t.sent(), vec![]);
    assert_eq!(t.events(), vec![]);
    // Exactly the limit is allowed.
    t.s.request_upload_slot("m2", "big.bin", MAX, "application/octet-stream")
        .unwrap();
    t.expect_sent(&[&slot_request(
        "id9",
        "big.bin",
        MAX,
        "application/octet-stream",
    )]);
}

#[test]
fn a_slot_comes_with_the_put_url_its_authorization_header_and_the_get_url() {
    let mut t = discovered(T::online());
    t.s.request_upload_slot("m1", "a b.txt", 5, "text/plain")
        .unwrap();
    t.expect_sent(&[&slot_request("id9", "a b.txt", 5, "text/plain")]);
    // Asking again for the same request while it waits sends nothing.
    t.s.request_upload_slot("m1", "a b.txt", 5, "text/plain")
        .unwrap();
    assert_eq!(t.sent(), vec![]);
    t.recv(&prosody_slot("id9"));
    assert_eq!(
        t.events(),
        vec![Event::UploadSlot {
            request: "m1".into(),
            put_url: SLOT_URL.into(),
            get_url: SLOT_URL.into(),
            headers: vec![("Authorization".into(), BEARER.into())],
        }]
    );
    // The answer is used once.
    t.recv(&prosody_slot("id9"));
    assert_eq!(t.events(), vec![]);
}

#[test]
fn a_slot_from_someone_else_than_the_service_is_ignored() {
    let mut t = discovered(T::online());
    t.s.request_upload_slot("m1", "a b.txt", 5, "text/plain")
        .unwrap();
    t.sent();
    t.recv(&prosody_slot("id9").replace("from='upload.example.org'", "from='evil.org'"));
    assert_eq!(t.events(), vec![]);
    t.recv(&prosody_slot("id9"));
    assert!(matches!(t.events().as_slice(), [Event::UploadSlot { .. }]));
}

#[test]
fn the_servers_file_too_large_error_gives_its_limit() {
    let mut t = items_asked(T::online());
    // A service that states no limit: the request goes out, the server refuses.
    t.recv(
        "<iq type='result' from='example.org' id='id5' xmlns='jabber:client'>\
         <query xmlns='http://jabber.org/protocol/disco#items'>\
         <item jid='upload.example.org'/></query></iq>",
    );
    t.sent();
    t.recv(
        "<iq type='result' from='upload.example.org' id='id6' xmlns='jabber:client'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='store' type='file'/>\
         <feature var='urn:xmpp:http:upload:0'/></query></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::UploadService {
            jid: "upload.example.org".into(),
            max_size: None
        }]
    );
    t.s.request_upload_slot("m1", "big.bin", 60 << 20, "application/octet-stream")
        .unwrap();
    t.expect_sent(&[&slot_request(
        "id7",
        "big.bin",
        60 << 20,
        "application/octet-stream",
    )]);
    t.recv(&prosody_too_large("id7"));
    assert_eq!(
        t.events(),
        vec![Event::UploadFailed {
            request: "m1".into(),
            error: UploadError::TooLarge { max: MAX }
        }]
    );
}

#[test]
fn quota_and_permission_refusals_are_told_apart() {
    let mut t = discovered(T::online());
    let refusal = |id: &str, kind: &str, condition: &str| {
        format!(
            "<iq type='error' from='upload.example.org' id='{id}' xmlns='jabber:client'>\
             <error type='{kind}'><{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             </error></iq>"
        )
    };
    for (n, (kind, condition, expected)) in [
        ("wait", "resource-constraint", UploadError::QuotaReached),
        ("auth", "forbidden", UploadError::NotAllowed),
        ("auth", "not-authorized", UploadError::NotAllowed),
        ("cancel", "not-allowed", UploadError::NotAllowed),
        (
            "modify",
            "bad-request",
            UploadError::Other("bad-request".into()),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let request = format!("m{n}");
        t.s.request_upload_slot(&request, "a.txt", 5, "text/plain")
            .unwrap();
        t.sent();
        t.recv(&refusal(&format!("id{}", 9 + n), kind, condition));
        assert_eq!(
            t.events(),
            vec![Event::UploadFailed {
                request,
                error: expected
            }]
        );
    }
    assert_eq!(
        UploadError::QuotaReached.to_string(),
        "The server's upload quota is used up; try again later."
    );
}

#[test]
fn an_unanswered_slot_request_times_out() {
    let mut t = discovered(T::online());
    // Answer the other initial requests so only the slot request is pending.
    t.recv("<iq xmlns='jabber:client' type='result' id='id2'/>");
    t.recv("<iq xmlns='jabber:client' type='result' id='id4'/>");
    t.events();
    t.s.request_upload_slot("m1", "a.txt", 5, "text/plain")
        .unwrap();
    t.sent();
    t.advance(29_999);
    assert_eq!(t.events(), vec![]);
    t.advance(1);
    assert_eq!(
        t.events(),
        vec![Event::UploadFailed {
            request: "m1".into(),
            error: UploadError::TimedOut
        }]
    );
}

#[test]
fn the_stream_ending_fails_waiting_requests_before_ended() {
    let mut t = discovered(T::online());
    t.s.request_upload_slot("m1", "a.txt", 5, "text/plain")
        .unwrap();
    t.s.request_upload_slot("m2", "b.txt", 5, "text/plain")
        .unwrap();
    t.sent();
    t.s.handle_disconnect();
    assert_eq!(
        t.events(),
        vec![
            Event::UploadFailed {
                request: "m1".into(),
                error: UploadError::NotConnected
            },
            Event::UploadFailed {
                request: "m2".into(),
                error: UploadError::NotConnected
            },
            ended(Some(SessionError::ConnectionLost)),
        ]
    );
    // The answer after the end changes nothing, and offline requests are refused.
    t.recv(&prosody_slot("id9"));
    assert_eq!(t.events(), vec![]);
    assert_eq!(
        t.s.request_upload_slot("m3", "a.txt", 5, "text/plain"),
        Err(UploadError::NotConnected)
    );
}

#[test]
fn a_resumed_stream_keeps_the_service_and_a_failed_request_can_be_asked_again() {
    let mut t = discovered(T::online_sm());
    t.s.request_upload_slot("m1", "a b.txt", 5, "text/plain")
        .unwrap();
    t.sent();
    t.s.handle_disconnect();
    assert_eq!(
        t.events(),
        vec![
            Event::UploadFailed {
                request: "m1".into(),
                error: UploadError::NotConnected
            },
            ended(Some(SessionError::ConnectionLost)),
        ]
    );
    let r = t.s.take_resumption().expect("resumable");
    let mut t = T::resuming(r, 5_000);
    t.authenticated();
    t.recv(OPEN);
    t.recv(SM_FEATURES);
    t.sent();
    // The server had everything we sent (4 initial stanzas, 4 disco, 1 slot request).
    t.recv("<resumed xmlns='urn:xmpp:sm:3' h='9' previd='sm1'/>");
    assert_eq!(t.sent(), vec![], "no new discovery, nothing resent");
    assert_eq!(
        t.events(),
        vec![Event::Resumed {
            jid: "user@example.org/web".into()
        }]
    );
    assert_eq!(
        t.s.upload_service().map(|s| s.jid.as_str()),
        Some("upload.example.org")
    );
    t.s.request_upload_slot("m1", "a b.txt", 5, "text/plain")
        .unwrap();
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    let id = sent[0].attr("id").unwrap().to_owned();
    t.recv(&prosody_slot(&id));
    assert!(matches!(
        t.events().as_slice(),
        [Event::UploadSlot { request, .. }] if request == "m1"
    ));
}

#[test]
fn a_discovery_cut_short_by_the_drop_runs_again_after_a_resume() {
    let mut t = items_asked(T::online_sm());
    t.s.handle_disconnect();
    t.events();
    let r = t.s.take_resumption().expect("resumable");
    let mut t = T::resuming(r, 5_000);
    t.authenticated();
    t.recv(OPEN);
    t.recv(SM_FEATURES);
    t.sent();
    t.recv("<resumed xmlns='urn:xmpp:sm:3' h='5' previd='sm1'/>");
    let sent = t.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0]
        .get_child("query", "http://jabber.org/protocol/disco#items")
        .is_some());
}
