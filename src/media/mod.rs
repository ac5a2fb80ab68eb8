//! Browser media helpers for rich messages (issue 5): what a chosen file is
//! (size, dimensions, duration, a tiny preview), voice notes from the
//! microphone, and the device's location.
//!
//! Browser-only (declared under `cfg(target_arch = "wasm32")`): these are
//! thin wrappers over Web APIs, tested in headless Chromium
//! (`tests/media_web.rs`). Everything here is bounded in time: the browser
//! never answers for some broken files, and a send must not hang on them.

pub mod canvas;
pub mod describe;
pub mod location;
pub mod recorder;
mod wait;

pub use describe::{describe, FileInfo};
pub use location::{current_position, LocationError, Position};
pub use recorder::{Recording, VoiceRecorder};

use wasm_bindgen::{JsCast, JsValue};

/// Why a media helper failed. Sentences the UI may show as they are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The user (or a site setting) refused the microphone: only the
    /// browser's site settings can change that, so say where.
    #[error(
        "Microphone permission was denied: allow it in the browser's site settings to record."
    )]
    PermissionDenied,
    /// No audio input device at all.
    #[error("No microphone was found.")]
    NoMicrophone,
    /// The device exists but could not be opened (another application holds
    /// it, or the system refused it).
    #[error("The microphone could not be started: another application may be using it.")]
    MicrophoneBusy,
    /// No MediaRecorder, no `navigator.mediaDevices`, or none of the audio
    /// formats we can send.
    #[error("This browser cannot record audio.")]
    Unsupported,
    /// Browsers hide the microphone from pages not served over https (or
    /// from localhost); "denied" would send the user to the wrong setting.
    #[error("Recording needs a secure connection: open Confab over https.")]
    InsecurePage,
    /// The recorder failed while recording, or gave no audio.
    #[error("The recording failed: {0}")]
    Recording(String),
    /// Anything else the browser refused, with its own words.
    #[error("The browser could not do that: {0}")]
    Browser(String),
}

/// A JavaScript exception or rejection as text for an error message: its
/// `message` when it is an Error (DOMException included), else itself.
pub fn js_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The `name` of a DOMException (`"NotAllowedError"`, …): the part that
/// says what went wrong; the message differs between browsers.
fn js_error_name(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default()
}

/// Milliseconds on the page's monotonic clock (`performance.now()`): wall
/// time that a clock change cannot move backwards.
fn monotonic_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}
