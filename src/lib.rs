//! Confab: a browser XMPP messenger.
//!
//! The crate is layered so that everything that speaks a protocol or holds
//! state is plain Rust, testable natively; only `net`, `media`, `ui` and the
//! IndexedDB store touch the browser. See `docs/ARCHITECTURE.md`.

pub mod chat;
pub mod discovery;
pub mod store;
pub mod xmpp;

#[cfg(target_arch = "wasm32")]
pub mod media;
#[cfg(target_arch = "wasm32")]
pub mod net;
#[cfg(target_arch = "wasm32")]
pub mod ui;
