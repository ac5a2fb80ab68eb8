//! RFC 7395 WebSocket (sub-protocol `xmpp`) with its callbacks, detached and
//! closed on drop so no closure outlives the socket.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

pub enum SocketEvent {
    Open,
    Frame(String),
    /// Closed or failed; `was_open` tells an unreachable server apart from a
    /// dropped connection.
    Closed {
        was_open: bool,
    },
}

pub struct Socket {
    ws: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Socket {
    pub fn open(
        url: &str,
        on_event: impl Fn(SocketEvent) + Clone + 'static,
    ) -> Result<Socket, String> {
        let ws = WebSocket::new_with_str(url, "xmpp").map_err(|e| js_error(&e))?;
        let opened = std::rc::Rc::new(std::cell::Cell::new(false));
        let closed = std::rc::Rc::new(std::cell::Cell::new(false));

        let (f, o) = (on_event.clone(), opened.clone());
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| {
            o.set(true);
            f(SocketEvent::Open)
        });
        let f = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(text) = e.data().as_string() {
                f(SocketEvent::Frame(text));
            }
        });
        let (f, o, c) = (on_event.clone(), opened.clone(), closed.clone());
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| {
            if !c.replace(true) {
                f(SocketEvent::Closed { was_open: o.get() })
            }
        });
        let (f, o, c) = (on_event, opened, closed);
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_| {
            if !c.replace(true) {
                f(SocketEvent::Closed { was_open: o.get() })
            }
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Socket {
            ws,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    pub fn send(&self, frame: &str) -> bool {
        self.ws.send_with_str(frame).is_ok()
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
        let _ = self.ws.close();
    }
}

pub fn js_error(e: &wasm_bindgen::JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "unknown error".into())
}
