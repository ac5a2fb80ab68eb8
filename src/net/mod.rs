//! The browser shell: the only place that owns a WebSocket, timers, the
//! clock and randomness. It drives the sans-IO [`crate::xmpp::Session`].

pub mod client;
pub mod fetch;
pub mod ids;
pub mod media;
pub mod register;
mod socket;
pub mod timer;
pub mod upload;

pub use client::{Client, ClientEvent, ConnState};

/// Milliseconds since the epoch from the browser clock.
pub fn now() -> crate::chat::Millis {
    js_sys::Date::now() as crate::chat::Millis
}
