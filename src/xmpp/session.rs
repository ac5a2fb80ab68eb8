//! The client session state machine. (Skeleton: filled in by the core work.)

use super::{Config, Event, IdSource, Presence, SessionError};
use crate::chat::Millis;
use std::collections::VecDeque;

pub struct Session {
    #[allow(dead_code)]
    config: Config,
    #[allow(dead_code)]
    ids: Box<dyn IdSource>,
    transmit: VecDeque<String>,
    events: VecDeque<Event>,
}

impl Session {
    pub fn new(config: Config, ids: Box<dyn IdSource>) -> Self {
        Self { config, ids, transmit: VecDeque::new(), events: VecDeque::new() }
    }
    /// The socket is open: queue the stream `<open/>`.
    pub fn start(&mut self, _now: Millis) {}
    pub fn handle_frame(&mut self, _frame: &str, _now: Millis) {}
    pub fn handle_timeout(&mut self, _now: Millis) {}
    pub fn poll_timeout(&self) -> Option<Millis> {
        None
    }
    pub fn poll_transmit(&mut self) -> Option<String> {
        self.transmit.pop_front()
    }
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }
    /// The socket closed underneath us.
    pub fn handle_disconnect(&mut self) {}
    pub fn is_online(&self) -> bool {
        false
    }
    /// Send a chat message; `id` is both the stanza id and the XEP-0359 origin-id.
    pub fn send_message(&mut self, _to: &str, _body: &str, _id: &str) -> Result<(), SessionError> {
        Err(SessionError::ConnectionLost)
    }
    /// Roster set + presence subscribe.
    pub fn add_contact(&mut self, _jid: &str, _name: Option<&str>) {}
    /// Presence subscribed, and subscribe back if we are not subscribed yet.
    pub fn accept_subscription(&mut self, _jid: &str) {}
    /// Presence unsubscribed.
    pub fn decline_subscription(&mut self, _jid: &str) {}
    pub fn set_presence(&mut self, _presence: &Presence) {}
    /// Unavailable presence and `<close/>`.
    pub fn close(&mut self) {}
}
