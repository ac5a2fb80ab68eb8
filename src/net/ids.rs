//! Random ids from the browser's CSPRNG.

use base64::Engine;

/// `crypto.getRandomValues` as the session's [`crate::xmpp::IdSource`].
pub struct BrowserIds;

impl crate::xmpp::IdSource for BrowserIds {
    fn next_id(&mut self) -> String {
        random_id()
    }
}

/// 96 random bits, URL-safe base64 (16 characters).
pub fn random_id() -> String {
    let mut bytes = [0u8; 12];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|c| c.get_random_values_with_u8_array(&mut bytes).ok())
        .is_some();
    if !filled {
        // No Web Crypto (very old browser): fall back to Math.random, which is
        // fine for ids; SCRAM nonces then are weaker but still unique.
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
