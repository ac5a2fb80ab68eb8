//! A single re-armable `setTimeout`, cleared on drop.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub struct Timer {
    handle: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    pub fn after(ms: u32, f: impl FnOnce() + 'static) -> Option<Timer> {
        let window = web_sys::window()?;
        let callback = Closure::once(f);
        let handle = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                callback.as_ref().unchecked_ref(),
                ms.min(i32::MAX as u32) as i32,
            )
            .ok()?;
        Some(Timer {
            handle,
            _callback: callback,
        })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.handle);
        }
    }
}
