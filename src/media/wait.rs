//! Bounded waits on the browser: a time-out around any future, and events
//! of an element as a stream. Decoders and media elements stay silent for
//! some broken files (no `load`, no `error`), so nothing in `media` waits
//! without a bound.

use crate::net::timer::Timer;
use futures::channel::{mpsc, oneshot};
use futures::future::{select, Either};
use futures::StreamExt;
use std::future::Future;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

/// Resolves after `ms` milliseconds (at once when there is no window, and
/// so no timer: nothing else would ever end the wait).
pub(crate) async fn sleep(ms: u32) {
    let (tx, rx) = oneshot::channel::<()>();
    let _timer = Timer::after(ms, move || {
        let _ = tx.send(());
    });
    let _ = rx.await;
}

/// `future`'s output, or `None` when it took longer than `ms`; the future
/// is dropped then.
pub(crate) async fn within<F: Future>(ms: u32, future: F) -> Option<F::Output> {
    let future = std::pin::pin!(future);
    let timeout = std::pin::pin!(sleep(ms));
    match select(future, timeout).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(_) => None,
    }
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;

/// Listens to some events of a target from creation until dropped, so an
/// event fired right after an action (setting `src`, seeking) cannot be
/// missed: create it before the action.
pub(crate) struct Events {
    target: EventTarget,
    handlers: Vec<(&'static str, Handler)>,
    rx: mpsc::UnboundedReceiver<&'static str>,
}

impl Events {
    pub(crate) fn new(target: &EventTarget, names: &[&'static str]) -> Events {
        let (tx, rx) = mpsc::unbounded();
        let handlers = names
            .iter()
            .map(|&name| {
                let tx = tx.clone();
                let handler = Handler::new(move |_: web_sys::Event| {
                    let _ = tx.unbounded_send(name);
                });
                let _ =
                    target.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
                (name, handler)
            })
            .collect();
        Events {
            target: target.clone(),
            handlers,
            rx,
        }
    }

    /// The name of the next event, or `None` after `ms` without one.
    pub(crate) async fn next(&mut self, ms: u32) -> Option<&'static str> {
        within(ms, self.rx.next()).await.flatten()
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        // Detach first: the browser must not call freed closures.
        for (name, handler) in &self.handlers {
            let _ = self
                .target
                .remove_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
        }
    }
}
