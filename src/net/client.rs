//! Drives one [`Session`] over a [`Socket`]: pumps frames both ways, arms the
//! session's timer, and reconnects with exponential back-off and jitter,
//! resuming the XEP-0198 stream when the server still holds it.

use super::ids::BrowserIds;
use super::now;
use super::socket::{Socket, SocketEvent};
use super::timer::Timer;
use crate::chat::Millis;
use crate::xmpp::{
    Config, Event, Extras, Presence, Resumption, Session, SessionError, UploadError, UploadService,
};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// What the connection indicator shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnState {
    Connecting,
    Online,
    /// Not connected; `retry_in_ms` when a retry is scheduled.
    Offline {
        retry_in_ms: Option<u32>,
    },
}

#[derive(Clone, Debug)]
pub enum ClientEvent {
    State(ConnState),
    Xmpp(Event),
    /// The first connection failed before the socket opened.
    Unreachable,
}

type Listener = Rc<dyn Fn(ClientEvent)>;

const MAX_BACKOFF_MS: f64 = 60_000.0;

struct Inner {
    url: String,
    config: Config,
    session: Option<Session>,
    /// What the last session left to resume its stream with (XEP-0198).
    resumption: Option<Resumption>,
    socket: Option<Socket>,
    timer: Option<Timer>,
    retry_timer: Option<Timer>,
    attempts: u32,
    /// XEP-0352 state for new sessions.
    active: bool,
    /// Our presence and idle time for new sessions (their first presence)
    /// and for a resumed stream, which restores the server's older view.
    presence: Presence,
    idle_since: Option<Millis>,
    /// Reconnect on failure (false for an interactive sign-in until it worked).
    retry: bool,
    stopped: bool,
    listener: Listener,
}

/// Handle to the connection; cheap to clone.
#[derive(Clone)]
pub struct Client(Rc<RefCell<Inner>>);

impl Client {
    /// Starts connecting. With `retry` the client keeps trying when the
    /// server cannot be reached (a remembered session); without it the first
    /// failure is reported and the client stops (the sign-in form).
    pub fn connect(
        url: &str,
        config: Config,
        retry: bool,
        listener: impl Fn(ClientEvent) + 'static,
    ) -> Client {
        let client = Client(Rc::new(RefCell::new(Inner {
            url: url.to_string(),
            config,
            session: None,
            resumption: None,
            socket: None,
            timer: None,
            retry_timer: None,
            attempts: 0,
            active: true,
            presence: Presence {
                availability: crate::chat::Availability::Online,
                status: None,
            },
            idle_since: None,
            retry,
            stopped: false,
            listener: Rc::new(listener),
        })));
        client.open();
        client
    }

    pub fn is_online(&self) -> bool {
        self.0
            .borrow()
            .session
            .as_ref()
            .is_some_and(Session::is_online)
    }

    /// Sends a chat message; false when offline (it stays in the outbox).
    /// The Sent tick comes with `Event::Sent` once the server has it.
    pub fn send_message(&self, to: &str, body: &str, id: &str, extras: &Extras) -> bool {
        self.with_session(|s| s.send_message(to, body, id, extras).is_ok())
    }

    /// XEP-0333 displayed marker for message `id` of `to`.
    pub fn send_displayed(&self, to: &str, id: &str) -> bool {
        self.with_session(|s| {
            s.send_displayed(to, id);
            true
        })
    }

    pub fn set_receipts_for_strangers(&self, allow: bool) {
        if let Some(session) = self.0.borrow_mut().session.as_mut() {
            session.set_receipts_for_strangers(allow);
        }
        self.0.borrow_mut().config.receipts_for_strangers = allow;
        self.pump();
    }

    /// Catch up from the archive after `after` (the newest page if `None`).
    pub fn fetch_archive(&self, after: Option<&str>) -> bool {
        self.with_session(|s| {
            s.fetch_archive(after);
            true
        })
    }

    pub fn set_share_last_seen(&self, share: bool) {
        if let Some(session) = self.0.borrow_mut().session.as_mut() {
            session.set_share_last_seen(share);
        }
        self.0.borrow_mut().config.share_last_seen = share;
        self.pump();
    }

    /// XEP-0085 chat state to `to`.
    pub fn send_chat_state(&self, to: &str, state: crate::xmpp::ChatState) {
        self.with_session(|s| s.send_chat_state(to, state));
    }

    /// XEP-0012: when `jid` was last online (`Event::LastSeen`).
    pub fn fetch_last_activity(&self, jid: &str) {
        self.with_session(|s| s.fetch_last_activity(jid));
    }

    pub fn block(&self, jid: &str) {
        self.with_session(|s| s.block(jid));
    }

    pub fn unblock(&self, jid: &str) {
        self.with_session(|s| s.unblock(jid));
    }

    /// XEP-0352: the user is looking at the app (or not). Kept for the
    /// next session too.
    pub fn set_active(&self, active: bool) {
        if let Some(session) = self.0.borrow_mut().session.as_mut() {
            session.set_active(active);
        }
        self.0.borrow_mut().active = active;
        self.pump();
    }

    /// Our presence and XEP-0319 idle time: sent now when online, and the
    /// first presence of every later session.
    pub fn set_presence(&self, presence: &Presence, idle_since: Option<Millis>) {
        {
            let mut me = self.0.borrow_mut();
            me.presence = presence.clone();
            me.idle_since = idle_since;
            if let Some(session) = me.session.as_mut() {
                session.set_presence_idle(presence, idle_since);
            }
        }
        self.pump();
    }

    /// A resumed stream is back to the presence the server knew; send ours
    /// if it changed meanwhile (nothing is sent otherwise).
    fn reapply_presence(&self) {
        let mut me = self.0.borrow_mut();
        let (presence, idle_since) = (me.presence.clone(), me.idle_since);
        if let Some(session) = me.session.as_mut() {
            session.set_presence_idle(&presence, idle_since);
        }
    }

    // ---- groups (XEP-0045) ----

    /// After a fresh session: find the group service, fetch the bookmarks
    /// (which rejoin the rooms).
    pub fn start_groups(&self) {
        self.with_session(|s| {
            s.discover_muc_service();
            s.fetch_bookmarks();
        });
    }

    /// Creates a private group; its address, or why not.
    pub fn create_room(&self, name: &str, description: &str) -> Result<String, String> {
        let mut result = Err("not connected".to_owned());
        self.with_session(|s| {
            result = s
                .create_room(name, description, None)
                .map_err(|e| e.to_string());
        });
        result
    }

    pub fn join_room(&self, room: &str, nick: Option<&str>) -> Result<(), String> {
        let mut result = Err("not connected".to_owned());
        self.with_session(|s| result = s.join_room(room, nick, None).map_err(|e| e.to_string()));
        result
    }

    pub fn fetch_room_info(&self, room: &str) {
        self.with_session(|s| s.fetch_room_info(room));
    }

    pub fn leave_room(&self, room: &str) {
        self.with_session(|s| s.leave_room(room));
    }

    pub fn send_room_message(&self, room: &str, body: &str, id: &str, extras: &Extras) -> bool {
        self.with_session(|s| s.send_room_message(room, body, id, extras).is_ok())
    }

    pub fn send_room_chat_state(&self, room: &str, state: crate::xmpp::ChatState) {
        self.with_session(|s| s.send_room_chat_state(room, state));
    }

    pub fn send_room_displayed(&self, room: &str, stanza_id: &str) {
        self.with_session(|s| s.send_room_displayed(room, stanza_id));
    }

    /// Makes `jid` a member of the (members-only) room and invites it.
    pub fn invite(&self, room: &str, jid: &str) {
        self.with_session(|s| {
            s.set_affiliation(room, jid, crate::xmpp::Affiliation::Member);
            s.invite(room, jid, None);
        });
    }

    /// An owner's or moderator's action; `false` when not online.
    pub fn moderate(&self, room: &str, action: crate::chat::reducer::Moderation) -> bool {
        use crate::chat::reducer::Moderation;
        self.with_session(|s| {
            match action {
                Moderation::Kick { nick } => s.kick(room, &nick, None),
                Moderation::Ban { jid } => s.ban(room, &jid, None),
                Moderation::Affiliation { jid, affiliation } => {
                    s.set_affiliation(room, &jid, affiliation)
                }
                Moderation::SetSubject { subject } => s.set_subject(room, &subject),
                Moderation::Destroy => s.destroy_room(room, None),
            }
            true
        })
    }

    /// XEP-0486: set or remove a room's photo; `false` when not online.
    pub fn set_room_avatar(&self, room: &str, photo: Option<(String, Vec<u8>)>) -> bool {
        self.with_session(move |s| {
            match photo {
                Some((mime, data)) => s.set_room_avatar(room, Some((&mime, data))),
                None => s.set_room_avatar(room, None),
            }
            true
        })
    }

    /// The group service's public rooms → `Event::PublicRooms`.
    /// `false` when not online.
    pub fn list_public_rooms(&self) -> bool {
        self.with_session(|s| {
            s.list_public_rooms();
            true
        })
    }

    /// The room's members, admins and owners → `Event::MemberList`.
    pub fn fetch_members(&self, room: &str) {
        self.with_session(|s| s.fetch_members(room));
    }

    pub fn decline_invitation(&self, room: &str, inviter: &str) {
        self.with_session(|s| s.decline_invitation(room, inviter, None));
    }

    pub fn set_bookmark(&self, room: &str, name: Option<&str>, nick: Option<&str>) {
        self.with_session(|s| s.set_bookmark(room, name, true, nick));
    }

    pub fn remove_bookmark(&self, room: &str) {
        self.with_session(|s| s.remove_bookmark(room));
    }

    pub fn fetch_room_archive(&self, room: &str, after: Option<&str>) {
        self.with_session(|s| s.fetch_room_archive(room, after));
    }

    pub fn fetch_room_older(&self, room: &str, before: Option<&str>, max: usize) -> bool {
        self.with_session(|s| {
            s.fetch_room_older(room, before, max);
            true
        })
    }

    /// Catch up over the whole archive, oldest first.
    pub fn fetch_archive_from_start(&self) -> bool {
        self.with_session(|s| {
            s.fetch_archive_from_start();
            true
        })
    }

    /// One older page of `chat` from the archive; false when offline.
    pub fn fetch_older(&self, chat: &str, before: Option<&str>, max: usize) -> bool {
        self.with_session(|s| {
            s.fetch_older(chat, before, max);
            true
        })
    }

    /// XEP-0172: publish our nickname; `false` when not online.
    pub fn set_nick(&self, nick: &str) -> bool {
        self.with_session(|s| {
            s.set_nick(nick);
            true
        })
    }

    /// XEP-0084: publish our avatar; `false` when not online.
    pub fn set_avatar(&self, mime: &str, data: Vec<u8>, width: u16, height: u16) -> bool {
        self.with_session(|s| {
            s.set_avatar(mime, data, width, height);
            true
        })
    }

    /// XEP-0084: say we have no avatar; `false` when not online.
    pub fn remove_avatar(&self) -> bool {
        self.with_session(|s| {
            s.remove_avatar();
            true
        })
    }

    /// The image `hash` of `jid` → `Event::Avatar` (when online).
    pub fn fetch_avatar(&self, jid: &str, hash: &str) {
        self.with_session(|s| s.fetch_avatar(jid, hash));
    }

    // ---- XEP-0363 HTTP File Upload ----

    /// Asks the server's upload service for a slot for a file of `size`
    /// bytes; `request` (the id of the message the file goes with) comes
    /// back in `Event::UploadSlot` or `Event::UploadFailed`. Refused at
    /// once, with no stanza sent, when offline, when the server accepts no
    /// files or when the file is above its limit. The PUT is
    /// `net::upload::put`.
    pub fn request_upload_slot(
        &self,
        request: &str,
        filename: &str,
        size: u64,
        content_type: &str,
    ) -> Result<(), UploadError> {
        let mut result = Err(UploadError::NotConnected);
        self.with_session(|s| {
            result = s.request_upload_slot(request, filename, size, content_type);
        });
        result
    }

    /// The upload service found after the current session went online
    /// (`Event::UploadService` reported it); `None` when there is none or
    /// discovery has not finished.
    pub fn upload_service(&self) -> Option<UploadService> {
        self.0
            .borrow()
            .session
            .as_ref()
            .and_then(|s| s.upload_service().cloned())
    }

    /// The page became visible or the network changed: check a live
    /// connection with a ping now, or retry a dead one now.
    pub fn check_alive(&self) {
        if self.is_online() {
            self.with_session(|s| s.check_alive(now()));
        } else {
            self.reconnect_now();
        }
    }

    pub fn remove_contact(&self, jid: &str) {
        self.with_session(|s| s.remove_contact(jid));
    }

    pub fn add_contact(&self, jid: &str) {
        self.with_session(|s| s.add_contact(jid, None));
    }

    pub fn accept(&self, jid: &str) {
        self.with_session(|s| s.accept_subscription(jid));
    }

    pub fn decline(&self, jid: &str) {
        self.with_session(|s| s.decline_subscription(jid));
    }

    /// Try now instead of waiting for the back-off (the browser went online).
    pub fn reconnect_now(&self) {
        let waiting = {
            let me = self.0.borrow();
            !me.stopped && me.socket.is_none() && me.retry_timer.is_some()
        };
        if waiting {
            self.0.borrow_mut().retry_timer = None;
            self.open();
        }
    }

    /// Ends the session for good (sign out).
    pub fn stop(&self) {
        {
            let mut me = self.0.borrow_mut();
            me.stopped = true;
            me.resumption = None;
            if let Some(session) = me.session.as_mut() {
                session.close();
            }
        }
        self.flush();
        let mut me = self.0.borrow_mut();
        me.socket = None;
        me.session = None;
        me.timer = None;
        me.retry_timer = None;
    }

    fn with_session<R: Default>(&self, f: impl FnOnce(&mut Session) -> R) -> R {
        let result = match self.0.borrow_mut().session.as_mut() {
            Some(session) if session.is_online() => f(session),
            _ => R::default(),
        };
        self.pump();
        result
    }

    fn open(&self) {
        let weak = Rc::downgrade(&self.0);
        let url = self.0.borrow().url.clone();
        let on_event = move |ev: SocketEvent| {
            if let Some(inner) = Weak::upgrade(&weak) {
                Client(inner).on_socket(ev);
            }
        };
        self.emit(ClientEvent::State(ConnState::Connecting));
        match Socket::open(&url, on_event) {
            Ok(socket) => self.0.borrow_mut().socket = Some(socket),
            Err(_) => self.on_socket(SocketEvent::Closed { was_open: false }),
        }
    }

    fn on_socket(&self, ev: SocketEvent) {
        match ev {
            SocketEvent::Open => {
                let mut me = self.0.borrow_mut();
                let config = me.config.clone();
                let mut session = match me.resumption.take() {
                    Some(r) => Session::resume(config, Box::new(BrowserIds), r),
                    None => Session::new(config, Box::new(BrowserIds)),
                };
                if !me.active {
                    session.set_active(false);
                }
                session.set_presence_idle(&me.presence, me.idle_since);
                session.start(now());
                me.session = Some(session);
            }
            SocketEvent::Frame(frame) => {
                if let Some(session) = self.0.borrow_mut().session.as_mut() {
                    session.handle_frame(&frame, now());
                }
            }
            SocketEvent::Closed { was_open } => {
                let had_session = {
                    let mut me = self.0.borrow_mut();
                    me.socket = None;
                    match me.session.as_mut() {
                        Some(session) => {
                            session.handle_disconnect();
                            true
                        }
                        None => false,
                    }
                };
                if !had_session {
                    self.failed(was_open, None);
                    return;
                }
            }
        }
        self.pump();
    }

    /// Moves frames out and events up, and re-arms the session timer.
    fn pump(&self) {
        let events = self.flush();
        let mut resumed = false;
        for event in events {
            match &event {
                Event::Online { .. } | Event::Resumed { .. } => {
                    {
                        let mut me = self.0.borrow_mut();
                        me.attempts = 0;
                        me.retry = true;
                    }
                    if matches!(event, Event::Resumed { .. }) {
                        self.reapply_presence();
                        resumed = true;
                    }
                    self.emit(ClientEvent::State(ConnState::Online));
                }
                Event::Ended { error } => {
                    let error = error.clone();
                    {
                        let mut me = self.0.borrow_mut();
                        me.resumption = me.session.as_mut().and_then(Session::take_resumption);
                        me.session = None;
                        me.socket = None;
                        me.timer = None;
                    }
                    self.emit(ClientEvent::Xmpp(event));
                    self.failed(true, error);
                    continue;
                }
                _ => {}
            }
            self.emit(ClientEvent::Xmpp(event));
        }
        if resumed {
            self.pump(); // The presence just queued goes out.
        }
    }

    fn flush(&self) -> Vec<Event> {
        let mut me = self.0.borrow_mut();
        let Inner {
            session, socket, ..
        } = &mut *me;
        let Some(session) = session.as_mut() else {
            return vec![];
        };
        while let Some(frame) = session.poll_transmit() {
            if let Some(socket) = socket.as_ref() {
                socket.send(&frame);
            }
        }
        let mut events = vec![];
        while let Some(event) = session.poll_event() {
            events.push(event);
        }
        let deadline = session.poll_timeout();
        me.timer = deadline.and_then(|at| {
            let weak = Rc::downgrade(&self.0);
            Timer::after(at.saturating_sub(now()) as u32, move || {
                if let Some(inner) = weak.upgrade() {
                    let client = Client(inner);
                    if let Some(s) = client.0.borrow_mut().session.as_mut() {
                        s.handle_timeout(now());
                    }
                    client.pump();
                }
            })
        });
        events
    }

    fn failed(&self, was_open: bool, error: Option<SessionError>) {
        let (stopped, retry) = {
            let me = self.0.borrow();
            (me.stopped, me.retry)
        };
        if stopped {
            self.emit(ClientEvent::State(ConnState::Offline { retry_in_ms: None }));
            return;
        }
        let fatal = matches!(
            error,
            Some(SessionError::NotAuthorized(_))
                | Some(SessionError::NoMechanism(_))
                | Some(SessionError::PasswordNeeded)
        );
        if fatal || !retry {
            self.0.borrow_mut().stopped = true;
            if !was_open {
                self.emit(ClientEvent::Unreachable);
            }
            self.emit(ClientEvent::State(ConnState::Offline { retry_in_ms: None }));
            return;
        }
        let delay = {
            let mut me = self.0.borrow_mut();
            me.attempts += 1;
            let base = (1000.0 * 2f64.powi(me.attempts.min(16) as i32 - 1)).min(MAX_BACKOFF_MS);
            // Full jitter on the upper half so a restarted server is not hit by every client at once.
            (base * (0.5 + 0.5 * js_sys::Math::random())) as u32
        };
        let weak = Rc::downgrade(&self.0);
        let timer = Timer::after(delay, move || {
            if let Some(inner) = weak.upgrade() {
                inner.borrow_mut().retry_timer = None;
                Client(inner).open();
            }
        });
        self.0.borrow_mut().retry_timer = timer;
        self.emit(ClientEvent::State(ConnState::Offline {
            retry_in_ms: Some(delay),
        }));
    }

    fn emit(&self, event: ClientEvent) {
        let listener = self.0.borrow().listener.clone();
        listener(event);
    }
}
