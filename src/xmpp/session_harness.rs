//! The transcript-test harness shared by the session tests: frames in,
//! frames and events out, with a fake clock and a scripted id source.

use super::*;
use crate::xmpp::{Credentials, IdSource};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use jid::BareJid;

/// Scripted ids first, then "id1", "id2", …
pub(super) struct TestIds {
    pub(super) scripted: VecDeque<String>,
    pub(super) n: u32,
}

impl IdSource for TestIds {
    fn next_id(&mut self) -> String {
        self.scripted.pop_front().unwrap_or_else(|| {
            self.n += 1;
            format!("id{}", self.n)
        })
    }
}

pub(super) const NONCE: &str = "fyko+d2lbbFgONRv9qkxdawL";
pub(super) const OPEN: &str =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.org' id='s1' version='1.0'/>";

pub(super) struct T {
    pub(super) s: Session,
    pub(super) now: Millis,
}

/// Post-auth stream features without and with XEP-0198.
pub(super) const BIND_FEATURES: &str =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";
pub(super) const SM_FEATURES: &str =
    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>";

pub(super) fn b64(s: &str) -> String {
    B64.encode(s)
}

pub(super) fn el(s: &str) -> Element {
    s.parse()
        .unwrap_or_else(|e| panic!("bad test XML {s}: {e}"))
}

pub(super) fn config(credentials: Credentials, allow_plain: bool) -> Config {
    Config {
        jid: BareJid::new("user@example.org").unwrap(),
        credentials,
        allow_plain,
        resource: Some("web".into()),
        receipts_for_strangers: false,
        share_last_seen: true,
    }
}

impl T {
    pub(super) fn new(config: Config) -> Self {
        let ids = TestIds {
            scripted: [NONCE.to_owned()].into(),
            n: 0,
        };
        let mut s = Session::new(config, Box::new(ids));
        s.start(1_000);
        Self { s, now: 1_000 }
    }

    pub(super) fn password() -> Self {
        Self::new(config(Credentials::Password("pencil".into()), false))
    }

    pub(super) fn recv(&mut self, frame: &str) {
        self.s.handle_frame(frame, self.now);
    }

    pub(super) fn advance(&mut self, ms: Millis) {
        self.now += ms;
        self.s.handle_timeout(self.now);
    }

    pub(super) fn sent(&mut self) -> Vec<Element> {
        std::iter::from_fn(|| self.s.poll_transmit())
            .map(|f| el(&f))
            .collect()
    }

    pub(super) fn expect_sent(&mut self, expected: &[&str]) {
        let expected: Vec<Element> = expected.iter().map(|s| el(s)).collect();
        assert_eq!(self.sent(), expected);
    }

    pub(super) fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.s.poll_event()).collect()
    }

    pub(super) fn features(&mut self, mechanisms: &[&str]) {
        let m: String = mechanisms
            .iter()
            .map(|m| format!("<mechanism>{m}</mechanism>"))
            .collect();
        self.recv(&format!(
            "<stream:features xmlns:stream='http://etherx.jabber.org/streams' \
             xmlns='jabber:client'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{m}\
             </mechanisms></stream:features>"
        ));
    }

    /// SCRAM-SHA-1 with the RFC 5802 vector, up to (not including) success.
    pub(super) fn scram_sha1_until_success(&mut self) {
        self.recv(OPEN);
        self.features(&["SCRAM-SHA-1", "PLAIN"]);
        self.expect_sent(&[
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>",
            &format!(
                "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>{}</auth>",
                b64("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")
            ),
        ]);
        self.recv(&format!(
            "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</challenge>",
            b64("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
        ));
        self.expect_sent(&[&format!(
            "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</response>",
            b64("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
        )]);
    }

    pub(super) fn bind(&mut self) {
        self.bind_with(BIND_FEATURES);
    }

    /// Post-auth features, then the bind request (id1) and its result.
    pub(super) fn bind_with(&mut self, features: &str) {
        self.recv(OPEN);
        self.recv(features);
        self.expect_sent(&["<iq xmlns='jabber:client' type='set' id='id1'>\
            <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>web</resource></bind></iq>"]);
        self.recv(
            "<iq xmlns='jabber:client' type='result' id='id1'><bind \
             xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>user@example.org/web</jid></bind></iq>",
        );
    }

    pub(super) fn success(&mut self) {
        self.recv(&format!(
            "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{}</success>",
            b64("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
        ));
        self.expect_sent(&[
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>",
        ]);
    }

    /// Logged in and bound; the initial frames and events are drained.
    pub(super) fn online() -> Self {
        let mut t = Self::password();
        t.scram_sha1_until_success();
        t.success();
        t.bind();
        t.sent();
        t.events();
        t
    }

    /// A session resuming `r`, started at `now`.
    pub(super) fn resuming(r: Resumption, now: Millis) -> Self {
        let ids = TestIds {
            scripted: [NONCE.to_owned()].into(),
            n: 0,
        };
        let mut s = Session::resume(
            config(Credentials::Password("pencil".into()), false),
            Box::new(ids),
            r,
        );
        s.start(now);
        Self { s, now }
    }

    /// Through SASL; the next frames are the post-auth `<open/>` and features.
    pub(super) fn authenticated(&mut self) {
        self.scram_sha1_until_success();
        self.success();
    }

    /// Online with XEP-0198 enabled (id `sm1`, max 600 s); bind was id1,
    /// roster id2, disco id3, carbons id4. Frames and events are drained.
    pub(super) fn online_sm() -> Self {
        let mut t = Self::password();
        t.authenticated();
        t.bind_with(SM_FEATURES);
        t.sent();
        t.events();
        t.recv("<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true' max='600'/>");
        assert_eq!(t.sent(), vec![]);
        assert_eq!(t.events(), vec![]);
        t
    }
}

/// Our XEP-0115 `<c/>`, as every available presence of ours carries it.
pub(super) fn caps() -> String {
    let ver = crate::xmpp::caps::ver(&crate::xmpp::disco::our_info());
    format!("<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://confab.chat' ver='{ver}'/>")
}

pub(super) fn ended(error: Option<SessionError>) -> Event {
    Event::Ended { error }
}
