//! XEP-0198: Stream Management — stanza counters, acknowledgements and the
//! data needed to resume a dropped stream.
//!
//! Counters are `u32` and wrap (XEP-0198 §5: h is modulo 2^32). Inbound
//! stanzas are counted from `<enabled/>` on; outbound stanzas from the
//! moment `<enable/>` is sent, because the server starts counting when it
//! reads it.

use crate::chat::Millis;
use minidom::Element;
use std::collections::VecDeque;
use xmpp_parsers::sm;

/// Resumption time the client asks for and assumes when the server gives no `max`.
pub const DEFAULT_MAX_SECONDS: u32 = 300;

/// One stanza the server has not acknowledged yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unacked {
    /// Value of the outbound counter once this stanza was sent.
    pub seq: u32,
    pub frame: String,
    /// Id of a chat message (reported as `Event::Sent` once acked).
    pub message_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Phase {
    /// Not offered, refused, or not asked yet.
    Off,
    /// `<enable/>` sent, no answer yet: outbound stanzas are counted.
    Requested,
    Enabled {
        id: Option<String>,
        max: Option<u32>,
    },
}

/// Per-stream XEP-0198 state.
#[derive(Clone, Debug)]
pub struct StreamManagement {
    phase: Phase,
    /// Stanzas received and handled since `<enabled/>`.
    inbound: u32,
    /// Stanzas sent since `<enable/>`.
    outbound: u32,
    /// The server's last `h`.
    acked: u32,
    unacked: VecDeque<Unacked>,
    /// An `<r/>` is outstanding.
    request_pending: bool,
    /// The outbound counter when we last sent `<r/>`.
    requested_up_to: u32,
}

/// What the session must do after an `<a/>` or `<resumed/>`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Acked {
    /// Chat message ids the server now has, in sending order.
    pub message_ids: Vec<String>,
    /// The server acknowledged more than we sent (h too high).
    pub too_high: bool,
}

impl Default for StreamManagement {
    fn default() -> Self {
        Self {
            phase: Phase::Off,
            inbound: 0,
            outbound: 0,
            acked: 0,
            unacked: VecDeque::new(),
            request_pending: false,
            requested_up_to: 0,
        }
    }
}

/// Serialises one XEP-0198 nonza.
pub fn nonza(n: impl Into<Element>) -> Element {
    n.into()
}

impl StreamManagement {
    /// `<enable resume='true'/>`; outbound counting starts now.
    pub fn enable(&mut self) -> Element {
        self.phase = Phase::Requested;
        self.inbound = 0;
        self.outbound = 0;
        self.acked = 0;
        self.unacked.clear();
        self.request_pending = false;
        self.requested_up_to = 0;
        nonza(sm::Enable::new().with_resume())
    }

    /// `<enabled/>` arrived; inbound counting starts now.
    pub fn enabled(&mut self, enabled: sm::Enabled) {
        let id = if enabled.resume {
            enabled.id.map(|i| i.0)
        } else {
            None
        };
        self.phase = Phase::Enabled {
            id,
            max: enabled.max,
        };
        self.inbound = 0;
    }

    /// `<failed/>` to our `<enable/>`: SM is off. Returns the chat message
    /// ids that were waiting for an ack (they did leave through the socket).
    pub fn refused(&mut self) -> Vec<String> {
        self.phase = Phase::Off;
        self.request_pending = false;
        self.unacked
            .drain(..)
            .filter_map(|u| u.message_id)
            .collect()
    }

    /// Whether outbound stanzas are counted and kept for acks.
    pub fn is_counting(&self) -> bool {
        !matches!(self.phase, Phase::Off)
    }

    pub fn is_enabled(&self) -> bool {
        matches!(self.phase, Phase::Enabled { .. })
    }

    /// A stanza (message, presence, iq) arrived.
    pub fn received_stanza(&mut self) {
        if self.is_enabled() {
            self.inbound = self.inbound.wrapping_add(1);
        }
    }

    /// The answer to the server's `<r/>`.
    pub fn answer(&self) -> Element {
        nonza(sm::A::new(self.inbound))
    }

    /// A stanza left; it is kept until the server acknowledges it.
    pub fn sent_stanza(&mut self, frame: String, message_id: Option<String>) {
        if !self.is_counting() {
            return;
        }
        self.outbound = self.outbound.wrapping_add(1);
        self.unacked.push_back(Unacked {
            seq: self.outbound,
            frame,
            message_id,
        });
    }

    /// Whether the chat message `id` is still waiting for its ack.
    pub fn is_unacked(&self, id: &str) -> bool {
        self.unacked
            .iter()
            .any(|u| u.message_id.as_deref() == Some(id))
    }

    /// An `<r/>` to send now: when a chat message sent after our last
    /// request waits for its ack. At most one request is outstanding; the
    /// next `<a/>` lets the messages sent meanwhile ask again.
    pub fn request(&mut self) -> Option<Element> {
        self.request_since(self.requested_up_to)
    }

    /// Like [`Self::request`], for every chat message still unacked (with
    /// a keepalive ping, so no message waits for its ack forever, even when
    /// a server answered an earlier request short).
    pub fn request_again(&mut self) -> Option<Element> {
        self.request_since(self.acked)
    }

    fn request_since(&mut self, since: u32) -> Option<Element> {
        if !self.is_enabled() || self.request_pending {
            return None;
        }
        let waiting = self
            .unacked
            .iter()
            .any(|u| u.message_id.is_some() && is_after(u.seq, since));
        if !waiting {
            return None;
        }
        self.request_pending = true;
        self.requested_up_to = self.outbound;
        Some(nonza(sm::R))
    }

    /// The server handled `h` of our stanzas.
    pub fn ack(&mut self, h: u32) -> Acked {
        let newly = h.wrapping_sub(self.acked);
        let in_flight = self.outbound.wrapping_sub(self.acked);
        let mut out = Acked::default();
        if newly > in_flight {
            // Stale (older h) or too high: trust nothing beyond what we sent.
            out.too_high = newly < u32::MAX / 2;
            return out;
        }
        self.acked = h;
        for _ in 0..newly {
            if let Some(u) = self.unacked.pop_front() {
                out.message_ids.extend(u.message_id);
            }
        }
        self.request_pending = false;
        out
    }

    /// Snapshot for resumption (only when the server allowed it).
    pub fn resumable(&self) -> Option<(String, u32, Option<u32>)> {
        match &self.phase {
            Phase::Enabled { id: Some(id), max } => Some((id.clone(), self.inbound, *max)),
            _ => None,
        }
    }

    pub fn acked(&self) -> u32 {
        self.acked
    }

    pub fn unacked(&self) -> &VecDeque<Unacked> {
        &self.unacked
    }

    /// State for a session resuming stream `id`: counters as before.
    pub fn restored(
        id: String,
        max: Option<u32>,
        inbound: u32,
        acked: u32,
        unacked: VecDeque<Unacked>,
    ) -> Self {
        let outbound = unacked.back().map_or(acked, |u| u.seq);
        Self {
            phase: Phase::Enabled { id: Some(id), max },
            inbound,
            outbound,
            acked,
            unacked,
            request_pending: false,
            requested_up_to: acked,
        }
    }

    /// After `<resumed h/>`: acknowledges up to `h`, then returns the frames
    /// to send again; they are counted again from `h` on.
    pub fn resend_after(&mut self, h: u32) -> (Acked, Vec<String>) {
        let acked = self.ack(h);
        // An h we cannot trust: count from it anyway and resend everything left.
        self.acked = h;
        self.outbound = h;
        self.request_pending = false;
        self.requested_up_to = h;
        let mut frames = Vec::with_capacity(self.unacked.len());
        for u in self.unacked.iter_mut() {
            self.outbound = self.outbound.wrapping_add(1);
            u.seq = self.outbound;
            frames.push(u.frame.clone());
        }
        (acked, frames)
    }
}

/// `a` comes after `b` in counter order (modulo 2^32).
fn is_after(a: u32, b: u32) -> bool {
    let d = a.wrapping_sub(b);
    d != 0 && d < u32::MAX / 2
}

/// Everything needed to resume a dropped stream on a new socket; opaque to
/// the shell. `Debug` shows neither frames nor message bodies.
#[derive(Clone)]
pub struct Resumption {
    pub(super) id: String,
    pub(super) max: Option<u32>,
    pub(super) inbound: u32,
    pub(super) acked: u32,
    pub(super) unacked: VecDeque<Unacked>,
    pub(super) jid: jid::FullJid,
    pub(super) expiry: Millis,
    pub(super) carried: super::session::Carried,
}

impl std::fmt::Debug for Resumption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resumption")
            .field("jid", &self.jid.to_string())
            .field("h", &self.inbound)
            .field("unacked", &self.unacked.len())
            .field("expiry", &self.expiry)
            .finish_non_exhaustive()
    }
}

impl Resumption {
    /// Until when the server keeps the stream (ms since the epoch).
    pub fn expiry(&self) -> Millis {
        self.expiry
    }
}

/// Expiry of a stream that ended at `now` (`max` seconds, default 300 s).
pub fn expiry(now: Millis, max: Option<u32>) -> Millis {
    let seconds = Millis::from(max.unwrap_or(DEFAULT_MAX_SECONDS));
    now.saturating_add(seconds.saturating_mul(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(s: &mut StreamManagement) {
        s.enable();
        s.enabled(sm::Enabled {
            id: Some(sm::StreamId("x".into())),
            location: None,
            max: Some(600),
            resume: true,
        });
    }

    #[test]
    fn enable_asks_for_resumption() {
        let mut s = StreamManagement::default();
        let e: Element = "<enable xmlns='urn:xmpp:sm:3' resume='true'/>"
            .parse()
            .unwrap();
        assert_eq!(s.enable(), e);
    }

    #[test]
    fn acks_pop_the_queue_in_order_and_report_messages() {
        let mut s = StreamManagement::default();
        enabled(&mut s);
        s.sent_stanza("a".into(), Some("m1".into()));
        s.sent_stanza("b".into(), None);
        s.sent_stanza("c".into(), Some("m2".into()));
        assert!(s.request().is_some());
        assert!(s.request().is_none(), "one request at a time");
        assert_eq!(s.ack(2).message_ids, vec!["m1".to_owned()]);
        assert!(s.is_unacked("m2") && !s.is_unacked("m1"));
        assert!(s.request().is_none(), "m2 was covered by the request");
        s.sent_stanza("d".into(), Some("m3".into()));
        assert!(s.request().is_some(), "m3 was sent after the request");
        assert_eq!(s.ack(4).message_ids, vec!["m2".to_owned(), "m3".to_owned()]);
        assert!(s.unacked().is_empty());
    }

    #[test]
    fn a_short_answer_is_asked_again_with_the_next_ping() {
        let mut s = StreamManagement::default();
        enabled(&mut s);
        s.sent_stanza("a".into(), Some("m1".into()));
        s.sent_stanza("b".into(), Some("m2".into()));
        assert!(s.request().is_some());
        assert_eq!(s.ack(1).message_ids, vec!["m1".to_owned()]);
        assert!(s.request().is_none(), "m2 was covered");
        assert!(s.request_again().is_some());
        assert_eq!(s.ack(2).message_ids, vec!["m2".to_owned()]);
        assert!(s.request_again().is_none(), "nothing left");
    }

    #[test]
    fn an_ack_for_more_than_we_sent_is_flagged() {
        let mut s = StreamManagement::default();
        enabled(&mut s);
        s.sent_stanza("a".into(), None);
        assert!(s.ack(5).too_high);
        assert_eq!(s.unacked().len(), 1);
    }

    #[test]
    fn counters_wrap_around() {
        let mut s = StreamManagement::restored("x".into(), None, u32::MAX, u32::MAX, [].into());
        s.received_stanza();
        assert_eq!(s.inbound, 0);
        s.sent_stanza("a".into(), Some("m".into()));
        assert_eq!(s.ack(0).message_ids, vec!["m".to_owned()]);
    }

    #[test]
    fn expiry_defaults_to_five_minutes() {
        assert_eq!(expiry(1_000, None), 301_000);
        assert_eq!(expiry(1_000, Some(600)), 601_000);
    }
}
