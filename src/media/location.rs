//! The device's position, for sharing a location in a chat.

use super::wait::within;
use futures::channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// How long past `timeout_ms` we wait for the browser before giving up
/// ourselves. The browser's own time-out only starts once the user has
/// answered the permission prompt, so this leaves time to read it; it
/// catches browsers that never call back (seen with the system's location
/// service switched off).
const PROMPT_MS: u32 = 60_000;

/// A position fix in WGS 84 degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    /// Radius of 95 % confidence, in metres.
    pub accuracy_m: f64,
}

/// Why no position was found. Sentences the UI may show as they are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// Refused by the user or a site setting.
    #[error("Location permission was denied: allow it in the browser's site settings to share your location.")]
    Denied,
    /// The device could not determine a position (no GPS, no network
    /// location service, location services off).
    #[error("Your location is not available: check that location services are on.")]
    Unavailable,
    /// No fix within the time-out.
    #[error("Finding your location took too long. Try again.")]
    Timeout,
    /// No `navigator.geolocation`.
    #[error("This browser cannot share a location.")]
    Unsupported,
    /// Browsers refuse the position to pages not served over https; saying
    /// "denied" would send the user to the wrong setting.
    #[error("Sharing a location needs a secure connection: open Confab over https.")]
    InsecurePage,
}

/// The current position, as precise as the device can (GPS on phones),
/// found within `timeout_ms` of the user allowing it. A fix up to 10 s old
/// is accepted: the user has not gone far since.
pub async fn current_position(timeout_ms: u32) -> Result<Position, LocationError> {
    let window = web_sys::window().ok_or(LocationError::Unsupported)?;
    if !window.is_secure_context() {
        return Err(LocationError::InsecurePage);
    }
    let navigator = window.navigator();
    if !js_sys::Reflect::has(&navigator, &JsValue::from_str("geolocation")).unwrap_or(false) {
        return Err(LocationError::Unsupported);
    }
    let geolocation = navigator
        .geolocation()
        .map_err(|_| LocationError::Unsupported)?;

    let (tx, rx) = oneshot::channel();
    let tx = Rc::new(RefCell::new(Some(tx)));
    let settle = move |result: Result<Position, LocationError>| {
        if let Some(tx) = tx.borrow_mut().take() {
            let _ = tx.send(result);
        }
    };
    // The browser hands over a GeolocationPosition; web-sys names it
    // `Position` in its stable API (the `Geolocation*` names need
    // `web_sys_unstable_apis`). The getters read properties by name, so
    // the unchecked cast is sound; a checked one would look for a global
    // `Position` class, which browsers no longer have.
    let success = {
        let settle = settle.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |p: JsValue| {
            let coords = p.unchecked_into::<web_sys::Position>().coords();
            settle(Ok(Position {
                lat: coords.latitude(),
                lon: coords.longitude(),
                accuracy_m: coords.accuracy(),
            }))
        })
    };
    let failure =
        Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| settle(Err(position_error(&e))));
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(timeout_ms);
    options.set_maximum_age(10_000);
    geolocation
        .get_current_position_with_error_callback_and_options(
            success.as_ref().unchecked_ref(),
            Some(failure.as_ref().unchecked_ref()),
            &options,
        )
        .map_err(|_| LocationError::Unsupported)?;
    match within(timeout_ms.saturating_add(PROMPT_MS), rx).await {
        Some(Ok(result)) => result,
        Some(Err(_)) => Err(LocationError::Unavailable),
        None => {
            // The browser may still call back: keep the callbacks alive
            // (a few bytes) rather than let it call freed closures.
            success.forget();
            failure.forget();
            Err(LocationError::Timeout)
        }
    }
}

/// A GeolocationPositionError as the sentence for the user.
fn position_error(e: &JsValue) -> LocationError {
    match e.unchecked_ref::<web_sys::PositionError>().code() {
        web_sys::PositionError::PERMISSION_DENIED => LocationError::Denied,
        web_sys::PositionError::TIMEOUT => LocationError::Timeout,
        _ => LocationError::Unavailable,
    }
}
