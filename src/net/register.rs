//! Drives a XEP-0077 [`Registration`] over its own short-lived socket.

use super::ids::BrowserIds;
use super::now;
use super::socket::{Socket, SocketEvent};
use super::timer::Timer;
use crate::xmpp::register::{Registration, RegistrationEvent};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

struct Inner {
    registration: Registration,
    socket: Option<Socket>,
    timer: Option<Timer>,
    done: bool,
    listener: Rc<dyn Fn(RegistrationEvent)>,
}

#[derive(Clone)]
pub struct Registrar(Rc<RefCell<Inner>>);

impl Registrar {
    /// Connects to `url` and asks `domain` for its registration form. The
    /// listener gets the form, then `Registered` or `Failed`.
    pub fn start(
        url: &str,
        domain: &str,
        listener: impl Fn(RegistrationEvent) + 'static,
    ) -> Registrar {
        let me = Registrar(Rc::new(RefCell::new(Inner {
            registration: Registration::new(domain, Box::new(BrowserIds)),
            socket: None,
            timer: None,
            done: false,
            listener: Rc::new(listener),
        })));
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&me.0);
        let socket = Socket::open(url, move |ev| {
            if let Some(inner) = weak.upgrade() {
                Registrar(inner).on_socket(ev);
            }
        });
        match socket {
            Ok(s) => me.0.borrow_mut().socket = Some(s),
            Err(_) => me.on_socket(SocketEvent::Closed { was_open: false }),
        }
        me
    }

    /// Sends the filled-in form.
    pub fn submit(&self, values: Vec<(String, String)>) {
        self.0.borrow_mut().registration.submit(values);
        self.pump();
    }

    fn on_socket(&self, ev: SocketEvent) {
        match ev {
            SocketEvent::Open => self.0.borrow_mut().registration.start(now()),
            SocketEvent::Frame(f) => self.0.borrow_mut().registration.handle_frame(&f, now()),
            SocketEvent::Closed { was_open } => {
                let done = {
                    let mut me = self.0.borrow_mut();
                    me.socket = None;
                    me.timer = None;
                    me.registration.handle_disconnect();
                    std::mem::replace(&mut me.done, true)
                };
                if !done {
                    let text = if was_open {
                        "The server closed the connection during registration."
                    } else {
                        "Cannot reach the server. Check the Server address and your connection."
                    };
                    self.emit(RegistrationEvent::Failed(text.into()));
                }
                return;
            }
        }
        self.pump();
    }

    fn pump(&self) {
        let events = {
            let mut me = self.0.borrow_mut();
            let Inner {
                registration,
                socket,
                ..
            } = &mut *me;
            while let Some(frame) = registration.poll_transmit() {
                if let Some(s) = socket.as_ref() {
                    s.send(&frame);
                }
            }
            let mut events = vec![];
            while let Some(e) = registration.poll_event() {
                events.push(e);
            }
            let deadline = registration.poll_timeout();
            let weak = Rc::downgrade(&self.0);
            me.timer = deadline.and_then(|at| {
                Timer::after(at.saturating_sub(now()) as u32, move || {
                    if let Some(inner) = weak.upgrade() {
                        inner.borrow_mut().registration.handle_timeout(now());
                        Registrar(inner).pump();
                    }
                })
            });
            events
        };
        for e in events {
            if matches!(
                e,
                RegistrationEvent::Registered { .. } | RegistrationEvent::Failed(_)
            ) {
                let mut me = self.0.borrow_mut();
                me.done = true;
                me.socket = None;
                me.timer = None;
            }
            self.emit(e);
        }
    }

    fn emit(&self, e: RegistrationEvent) {
        let listener = self.0.borrow().listener.clone();
        listener(e);
    }
}
