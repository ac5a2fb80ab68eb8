//! XEP-0199: XMPP Ping, used for dead-connection detection.
//!
//! When nothing was received for [`IDLE_BEFORE_PING`], the session pings
//! the server; the IQ table gives the ping [`PING_TIMEOUT`] to come back.
//! Driven only by the clock values passed to the session.

use crate::chat::Millis;
use jid::Jid;
use xmpp_parsers::{iq::Iq, ping::Ping};

pub const IDLE_BEFORE_PING: Millis = 60_000;
pub const PING_TIMEOUT: Millis = 20_000;
/// Deadline of a ping the shell asked for (`Session::check_alive`).
pub const ALIVE_TIMEOUT: Millis = 10_000;

/// Tracks inbound traffic and whether a keepalive ping is in flight.
#[derive(Debug, Default)]
pub struct Keepalive {
    last_received: Millis,
    in_flight: bool,
}

impl Keepalive {
    pub fn new(now: Millis) -> Self {
        Self {
            last_received: now,
            in_flight: false,
        }
    }

    /// Anything arrived from the server.
    pub fn received(&mut self, now: Millis) {
        self.last_received = self.last_received.max(now);
    }

    /// The ping was answered (with a result or an error: both prove life).
    pub fn answered(&mut self) {
        self.in_flight = false;
    }

    /// True (once) when a ping may be sent now because none is in flight.
    pub fn take_now(&mut self) -> bool {
        !std::mem::replace(&mut self.in_flight, true)
    }

    /// When the next ping is due, unless one is already in flight.
    pub fn deadline(&self) -> Option<Millis> {
        (!self.in_flight).then(|| self.last_received.saturating_add(IDLE_BEFORE_PING))
    }

    /// True (once) when a ping should be sent now.
    pub fn take_due(&mut self, now: Millis) -> bool {
        if self.deadline().is_some_and(|d| d <= now) {
            self.in_flight = true;
            true
        } else {
            false
        }
    }
}

/// `<iq type='get' to=SERVER><ping xmlns='urn:xmpp:ping'/></iq>`.
pub fn request(id: &str, server: Jid) -> Iq {
    Iq::from_get(id, Ping).with_to(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_is_due_after_the_idle_time_only_once() {
        let mut k = Keepalive::new(1000);
        assert_eq!(k.deadline(), Some(61_000));
        assert!(!k.take_due(60_999));
        assert!(k.take_due(61_000));
        assert!(!k.take_due(70_000));
        assert_eq!(k.deadline(), None);
        k.answered();
        k.received(65_000);
        assert_eq!(k.deadline(), Some(125_000));
    }

    #[test]
    fn a_ping_on_demand_waits_for_the_one_in_flight() {
        let mut k = Keepalive::new(0);
        assert!(k.take_now());
        assert!(!k.take_now());
        assert!(!k.take_due(100_000));
        k.answered();
        assert!(k.take_now());
    }

    #[test]
    fn traffic_postpones_the_ping() {
        let mut k = Keepalive::new(0);
        k.received(50_000);
        assert!(!k.take_due(60_000));
        assert!(k.take_due(110_000));
    }

    #[test]
    fn ping_request_is_addressed_to_the_server() {
        let iq = request("p1", Jid::new("example.org").unwrap());
        let expected: minidom::Element = "<iq xmlns='jabber:client' type='get' id='p1' \
            to='example.org'><ping xmlns='urn:xmpp:ping'/></iq>"
            .parse()
            .unwrap();
        assert_eq!(minidom::Element::from(iq), expected);
    }
}
