//! The one place where core events become signals: the [`Controller`] owns
//! the connection and the store, feeds the reducer and runs its effects in
//! order (a store write completes before the next command goes out).

use super::action_queue::QueuedAction;
use crate::chat::ingest::Batch;
use crate::chat::reducer::{
    ChatState, Command, Effect, Input, MyPresence, Privacy, ARCHIVE_CURSOR, HISTORY_PAGE,
    MY_PRESENCE, READ_RECEIPTS, RECEIPTS_FOR_STRANGERS, SHARE_LAST_SEEN,
};
use crate::net::{self, Client, ClientEvent, ConnState};
use crate::store::indexed_db::IndexedDbStore;
use crate::store::Store;
use crate::xmpp::{Config, Credentials, Event, SessionError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;

/// Database holding which account is remembered (no chat data).
const META_DB: &str = "confab";
const SESSION_KEY: &str = "session";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Loading,
    SignIn,
    Main,
}

/// A remembered sign-in: never the plain password.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedSession {
    pub jid: String,
    pub server: String,
    pub credentials: Credentials,
}

/// Signals shared by every component (all `Copy`).
#[derive(Clone, Copy)]
pub struct AppCtx {
    pub phase: RwSignal<Phase>,
    pub chat: RwSignal<ChatState>,
    pub conn: RwSignal<ConnState>,
    /// A sentence for the sign-in form's alert.
    pub error: RwSignal<Option<String>>,
    /// Address and server for the sign-in form after a remembered session
    /// stopped working.
    pub prefill: RwSignal<Option<(String, String)>>,
    pub busy: RwSignal<bool>,
    /// Default server URL (query parameter or config.json) for the form.
    pub default_server: RwSignal<String>,
    /// Object URLs of the cached avatar images shown so far, by hash
    /// (see [`Controller::want_avatar`]).
    pub avatars: RwSignal<HashMap<String, String>>,
    /// A group address to offer in the Join group dialog (an `xmpp:…?join`
    /// link was followed).
    pub join_prefill: RwSignal<Option<String>>,
    /// Whether the composer answers or corrects a message.
    pub compose: RwSignal<super::message_actions::Compose>,
    /// The message whose actions menu (or one of its panes) is open.
    pub msg_menu: RwSignal<Option<(String, super::message_actions::Pane)>>,
    /// The image open in the viewer: (object URL, server URL, file name).
    pub viewer: RwSignal<Option<(String, String, String)>>,
    /// Running uploads: (bytes sent, total) by message id.
    pub uploads: RwSignal<super::uploads::Progress>,
    /// Object URLs of shared files, by URL (or message id before upload).
    pub media: RwSignal<HashMap<String, String>>,
    /// Why a shared file could not be shown, by the same key.
    pub media_errors: RwSignal<HashMap<String, String>>,
    ctl: StoredValue<Rc<Controller>, LocalStorage>,
}

pub fn use_app() -> AppCtx {
    expect_context::<AppCtx>()
}

impl AppCtx {
    pub fn controller(&self) -> Rc<Controller> {
        self.ctl.get_value()
    }

    /// Feed the reducer and queue its effects.
    pub fn dispatch(&self, input: Input) {
        self.controller().dispatch(input);
    }
}

pub struct Controller {
    ctx: Cell<Option<AppCtx>>,
    store: RefCell<Option<Rc<IndexedDbStore>>>,
    client: RefCell<Option<Client>>,
    queue: RefCell<VecDeque<Job>>,
    draining: Cell<bool>,
    /// Sign-in in progress: what to remember once it works.
    pending: RefCell<Option<(SavedSession, bool)>>,
    /// Avatar hashes being read from the store for the UI.
    avatars_loading: RefCell<HashSet<String>>,
    /// Room presences held to be applied together (`hold_presence`).
    presences: RefCell<Vec<Event>>,
    presence_timer: RefCell<Option<net::timer::Timer>>,
    /// Files being uploaded or loaded for the view (`ui/uploads.rs`).
    pub(super) uploads: RefCell<super::uploads::Uploads>,
}

/// How long room presences are held before they are applied at once.
const PRESENCE_BATCH_MS: u32 = 50;

/// Work the controller does in order, one item at a time.
enum Job {
    Effect(Effect),
    /// Look the batch's messages up in the store (dedup), then reduce it.
    Ingest(Batch),
    /// Online (`fresh`: a new session) or resumed: send the outbox and catch
    /// up. Queued, so the Sent ticks of messages the server acknowledged
    /// while (re)connecting are stored first and those are not sent again.
    Connected {
        fresh: bool,
    },
}

/// Creates the context, provides it, and starts restoring a saved session.
pub fn provide_app() -> AppCtx {
    let controller = Rc::new(Controller {
        ctx: Cell::new(None),
        store: RefCell::new(None),
        client: RefCell::new(None),
        queue: RefCell::new(VecDeque::new()),
        draining: Cell::new(false),
        pending: RefCell::new(None),
        avatars_loading: RefCell::new(HashSet::new()),
        presences: RefCell::new(Vec::new()),
        presence_timer: RefCell::new(None),
        uploads: RefCell::new(Default::default()),
    });
    let ctx = AppCtx {
        phase: RwSignal::new(Phase::Loading),
        chat: RwSignal::new(ChatState::new(None)),
        conn: RwSignal::new(ConnState::Offline { retry_in_ms: None }),
        error: RwSignal::new(None),
        prefill: RwSignal::new(None),
        busy: RwSignal::new(false),
        default_server: RwSignal::new(String::new()),
        avatars: RwSignal::new(HashMap::new()),
        join_prefill: RwSignal::new(None),
        compose: RwSignal::new(Default::default()),
        msg_menu: RwSignal::new(None),
        viewer: RwSignal::new(None),
        uploads: RwSignal::new(Default::default()),
        media: RwSignal::new(Default::default()),
        media_errors: RwSignal::new(Default::default()),
        ctl: StoredValue::new_local(controller.clone()),
    };
    controller.ctx.set(Some(ctx));
    provide_context(ctx);
    spawn_local(async move { controller.restore().await });
    ctx
}

fn account_db(jid: &str) -> String {
    format!("confab:{jid}")
}

async fn meta() -> Option<IndexedDbStore> {
    IndexedDbStore::open(META_DB).await.ok()
}

impl Controller {
    pub(super) fn store_handle(&self) -> Option<Rc<IndexedDbStore>> {
        self.store.borrow().clone()
    }

    pub(super) fn client_handle(&self) -> Option<Client> {
        self.client.borrow().clone()
    }

    pub(super) fn is_online(&self) -> bool {
        self.client.borrow().as_ref().is_some_and(Client::is_online)
    }

    pub(super) fn ctx(&self) -> AppCtx {
        // Set right after construction, before any callback can run.
        self.ctx
            .get()
            .unwrap_or_else(|| unreachable!("controller used before provide_app"))
    }

    async fn restore(self: Rc<Self>) {
        let ctx = self.ctx();
        let query = query_server();
        let deployment = net::fetch::deployment().await.server;
        ctx.default_server.set(
            crate::discovery::choose_server(query.as_deref(), deployment.as_deref(), None)
                .unwrap_or_default(),
        );
        let saved = match meta().await {
            Some(meta) => meta
                .setting(SESSION_KEY)
                .await
                .ok()
                .flatten()
                .and_then(|s| serde_json::from_str::<SavedSession>(&s).ok()),
            None => None,
        };
        let Some(saved) = saved else {
            ctx.phase.set(Phase::SignIn);
            return;
        };
        if self.open_account(&saved.jid).await.is_err() {
            ctx.phase.set(Phase::SignIn);
            return;
        }
        ctx.phase.set(Phase::Main);
        self.connect(saved, false, true);
    }

    /// Opens the account's database and shows what it holds.
    async fn open_account(self: &Rc<Self>, jid: &str) -> Result<(), String> {
        let store = IndexedDbStore::open(&account_db(jid))
            .await
            .map_err(|e| e.to_string())?;
        let chats = store.chats().await.unwrap_or_default();
        let contacts = store.contacts().await.unwrap_or_default();
        let profiles = store.profiles().await.unwrap_or_default();
        let flag = |v: Option<String>, default: bool| v.map_or(default, |v| v == "true");
        let defaults = Privacy::default();
        let privacy = Privacy {
            read_receipts: flag(
                store.setting(READ_RECEIPTS).await.ok().flatten(),
                defaults.read_receipts,
            ),
            receipts_for_strangers: flag(
                store.setting(RECEIPTS_FOR_STRANGERS).await.ok().flatten(),
                defaults.receipts_for_strangers,
            ),
            share_last_seen: flag(
                store.setting(SHARE_LAST_SEEN).await.ok().flatten(),
                defaults.share_last_seen,
            ),
        };
        let my_presence = store.setting(MY_PRESENCE).await.ok().flatten();
        *self.store.borrow_mut() = Some(Rc::new(store));
        let ctx = self.ctx();
        ctx.chat.set(ChatState::new(Some(jid.to_string())));
        self.dispatch(Input::Restored {
            chats,
            contacts,
            privacy,
        });
        self.dispatch(Input::Profiles(profiles));
        // "My status" as last chosen: the first presence of the session.
        if let Some(p) = my_presence.as_deref().and_then(MyPresence::from_setting) {
            ctx.chat.update(|s| s.my_presence = p);
        }
        Ok(())
    }

    /// Interactive sign-in from the form.
    pub async fn sign_in(self: Rc<Self>, session: SavedSession, remember: bool) {
        let ctx = self.ctx();
        ctx.error.set(None);
        if let Err(e) = self.open_account(&session.jid).await {
            ctx.error
                .set(Some(format!("This browser cannot store data: {e}")));
            ctx.busy.set(false);
            return;
        }
        self.connect(session, remember, false);
    }

    fn connect(self: &Rc<Self>, session: SavedSession, remember: bool, restored: bool) {
        let Ok(jid) = jid::BareJid::new(&session.jid) else {
            return;
        };
        let config = Config {
            jid,
            credentials: session.credentials.clone(),
            allow_plain: crate::discovery::is_private_channel(&session.server),
            resource: None,
            receipts_for_strangers: self
                .ctx()
                .chat
                .with_untracked(|s| s.privacy.receipts_for_strangers),
            share_last_seen: self
                .ctx()
                .chat
                .with_untracked(|s| s.privacy.share_last_seen),
        };
        *self.pending.borrow_mut() = Some((session.clone(), remember || restored));
        let weak = Rc::downgrade(self);
        let restored_flag = restored;
        let client = Client::connect(&session.server, config, restored, move |event| {
            if let Some(me) = weak.upgrade() {
                me.on_client(event, restored_flag);
            }
        });
        let (presence, idle_since) = self
            .ctx()
            .chat
            .with_untracked(|s| (s.wire_presence(), s.my_idle_since));
        client.set_presence(&presence, idle_since);
        if let Some(old) = self.client.borrow_mut().replace(client) {
            old.stop();
        }
    }

    fn on_client(self: &Rc<Self>, event: ClientEvent, restored: bool) {
        let ctx = self.ctx();
        let event = match event {
            ClientEvent::Xmpp(e @ (Event::Occupants { .. } | Event::ContactPresence { .. })) => {
                return self.hold_presence(e)
            }
            other => other,
        };
        // Held presences go first: the reducer sees events in their order.
        self.flush_presences();
        match event {
            ClientEvent::State(state) => ctx.conn.set(state),
            ClientEvent::Unreachable => {
                if ctx.phase.get_untracked() != Phase::Main {
                    let server = self
                        .pending
                        .borrow()
                        .as_ref()
                        .map(|(s, _)| s.server.clone())
                        .unwrap_or_default();
                    ctx.error.set(Some(format!(
                        "Cannot reach the server at {server}. Check the Server address and your connection."
                    )));
                    ctx.busy.set(false);
                }
            }
            ClientEvent::Xmpp(Event::Message(m)) => self.enqueue(Job::Ingest(Batch::live(m))),
            ClientEvent::Xmpp(Event::Archive(page)) => self.enqueue(Job::Ingest(Batch::page(page))),
            ClientEvent::Xmpp(Event::RoomMessage(m)) => {
                self.enqueue(Job::Ingest(Batch::room_message(m)))
            }
            ClientEvent::Xmpp(Event::RoomArchive(page)) => {
                self.enqueue(Job::Ingest(Batch::room_page(page)))
            }
            ClientEvent::Xmpp(event) => {
                match &event {
                    Event::Online { scram_keys, .. } => {
                        let pending = self.pending.borrow_mut().take();
                        if let Some((mut saved, remember)) = pending {
                            if let Some(keys) = scram_keys.clone() {
                                saved.credentials = Credentials::Scram(keys);
                            }
                            let keep =
                                remember && matches!(saved.credentials, Credentials::Scram(_));
                            spawn_local(remember_session(keep.then_some(saved)));
                        }
                        ctx.busy.set(false);
                        ctx.error.set(None);
                        ctx.phase.set(Phase::Main);
                        self.enqueue(Job::Connected { fresh: true });
                    }
                    Event::UploadService { .. } => {
                        let me = self.clone();
                        spawn_local(me.resume_uploads());
                    }
                    Event::UploadSlot {
                        request,
                        put_url,
                        get_url,
                        headers,
                    } => self.on_slot(
                        request.clone(),
                        put_url.clone(),
                        get_url.clone(),
                        headers.clone(),
                    ),
                    Event::UploadFailed { request, error } => {
                        self.on_slot_refused(request.clone(), error.to_string())
                    }
                    Event::RoomJoined { room, .. } => {
                        let me = self.clone();
                        let room = room.clone();
                        spawn_local(async move {
                            me.clone().flush_outbox(Some(room.clone())).await;
                            me.clone().flush_actions(Some(room.clone())).await;
                            me.catch_up_room(&room).await
                        });
                    }
                    Event::Resumed { .. } => {
                        // The server kept the stream and delivers what it
                        // queued; what was typed offline is left to send. The
                        // catch-up is one short query when nothing was missed,
                        // and covers a server that lost its queue.
                        self.enqueue(Job::Connected { fresh: false });
                    }
                    Event::Ended { error: Some(error) } => self.on_ended(error, restored),
                    _ => {}
                }
                self.dispatch(Input::Xmpp(event));
            }
        }
    }

    /// Room and contact presences come one WebSocket frame each: a room of
    /// 2,000 filling up, or 200 contacts' presences after sign-in, would be
    /// as many state changes, each re-running every view of the chat state. They are held for up to [`PRESENCE_BATCH_MS`] and
    /// applied as one change (merged per room); any other event applies
    /// them first.
    fn hold_presence(self: &Rc<Self>, event: Event) {
        self.presences.borrow_mut().push(event);
        if self.presence_timer.borrow().is_some() {
            return;
        }
        let weak = Rc::downgrade(self);
        let timer = net::timer::Timer::after(PRESENCE_BATCH_MS, move || {
            if let Some(me) = weak.upgrade() {
                me.flush_presences();
            }
        });
        *self.presence_timer.borrow_mut() = timer;
    }

    fn flush_presences(self: &Rc<Self>) {
        // Dropped later: this may run inside the timer's own callback.
        if let Some(timer) = self.presence_timer.borrow_mut().take() {
            spawn_local(async move { drop(timer) });
        }
        let held = std::mem::take(&mut *self.presences.borrow_mut());
        if held.is_empty() {
            return;
        }
        let inputs = crate::chat::groups::merge_occupant_events(held)
            .into_iter()
            .map(Input::Xmpp)
            .collect();
        let effects = self
            .ctx()
            .chat
            .try_update(|s| s.apply_all(inputs, net::now()))
            .unwrap_or_default();
        for effect in effects {
            self.enqueue(Job::Effect(effect));
        }
    }

    fn on_ended(self: &Rc<Self>, error: &SessionError, restored: bool) {
        let ctx = self.ctx();
        let text = super::error::describe(error);
        match error {
            SessionError::NotAuthorized(_)
            | SessionError::NoMechanism(_)
            | SessionError::PasswordNeeded => {
                if restored || ctx.phase.get_untracked() == Phase::Main {
                    // The remembered keys no longer work (password changed):
                    // the form keeps the address and server.
                    if let Some((saved, _)) = self.pending.borrow().as_ref() {
                        ctx.prefill
                            .set(Some((saved.jid.clone(), saved.server.clone())));
                    }
                    spawn_local(remember_session(None));
                    ctx.phase.set(Phase::SignIn);
                }
                ctx.error.set(Some(text));
                ctx.busy.set(false);
            }
            _ if ctx.phase.get_untracked() != Phase::Main => {
                ctx.error.set(Some(text));
                ctx.busy.set(false);
            }
            _ => {}
        }
    }

    /// Sends what is still Pending, oldest first, with its original id:
    /// one-to-one messages when the session is up, a group's messages
    /// (`room`) once we are back in the room.
    async fn flush_outbox(self: Rc<Self>, room: Option<String>) {
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        let Ok(pending) = store.pending_messages().await else {
            return;
        };
        let chat = self.ctx().chat;
        for m in pending {
            let group = chat.with_untracked(|s| s.is_group(&m.chat));
            let Some(client) = self.client.borrow().clone() else {
                return;
            };
            if crate::chat::uploads::awaiting_upload(&m) {
                continue; // Its upload starts once the service is known.
            }
            let extras = ChatState::extras_of(&m);
            match (&room, group) {
                (None, false) => {
                    client.send_message(&m.chat, &m.body, &m.id, &extras);
                }
                (Some(room), true) if *room == m.chat => {
                    client.send_room_message(&m.chat, &m.body, &m.id, &extras);
                }
                _ => {}
            }
        }
    }

    /// Asks the archive for everything after the newest archive id we have.
    async fn catch_up(self: Rc<Self>) {
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        let Ok(cursor) = store.setting(ARCHIVE_CURSOR).await else {
            return;
        };
        if cursor.is_none() {
            // First look at the archive from this device: the newest page
            // only (older pages load on scrolling). If the archive is empty
            // the page moves no cursor, and "" makes the next catch-up
            // start from the oldest message instead of the newest page.
            let _ = store.put_setting(ARCHIVE_CURSOR, "").await;
        }
        let client = self.client.borrow().clone();
        if let Some(client) = client {
            match cursor.as_deref() {
                None => client.fetch_archive(None),
                Some("") => client.fetch_archive_from_start(),
                Some(after) => client.fetch_archive(Some(after)),
            };
        }
    }

    /// A joined room's history after the newest archive id we have of it
    /// (its newest page the first time).
    async fn catch_up_room(self: Rc<Self>, room: &str) {
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        let key = format!("{}{room}", crate::chat::groups::ROOM_CURSOR);
        let read = store.setting(&key).await;
        let after = read.as_ref().ok().cloned().flatten();
        if matches!(read, Ok(None)) {
            // As for the account: if the room's archive is empty the first
            // page moves no cursor, and "" makes the next catch-up start
            // from the oldest message instead of the newest page.
            let _ = store.put_setting(&key, "").await;
        }
        if let Some(client) = self.client.borrow().clone() {
            client.fetch_room_info(room);
            client.fetch_room_archive(room, after.as_deref());
        }
    }

    pub(super) fn notify(&self, text: String) {
        self.ctx().chat.update(|s| s.notice = Some(text));
    }

    /// XEP-0352: whether the user is looking at the app.
    pub fn set_active(&self, active: bool) {
        if let Some(client) = self.client.borrow().as_ref() {
            client.set_active(active);
        }
    }

    /// The page became visible or the network came back.
    pub fn check_alive(&self) {
        if let Some(client) = self.client.borrow().as_ref() {
            client.check_alive();
        }
    }

    pub fn sign_out(self: &Rc<Self>) {
        let ctx = self.ctx();
        if let Some(client) = self.client.borrow_mut().take() {
            client.stop();
        }
        let store = self.store.borrow_mut().take();
        self.queue.borrow_mut().clear();
        self.presences.borrow_mut().clear();
        ctx.chat.set(ChatState::new(None));
        forget_avatars(ctx);
        ctx.conn.set(ConnState::Offline { retry_in_ms: None });
        ctx.error.set(None);
        ctx.busy.set(false);
        // The sign-in form appears only once the session is forgotten, so a
        // reload or a closed tab right after "Sign out" cannot sign back in.
        ctx.phase.set(Phase::Loading);
        spawn_local(async move {
            remember_session(None).await;
            if let Some(store) = store {
                let _ = store.clear().await;
            }
            ctx.phase.set(Phase::SignIn);
        });
    }

    /// The UI shows the avatar `hash`: make its image available as an
    /// object URL in [`AppCtx::avatars`] if the store has it (once per hash;
    /// an image the store lacks comes with `Effect::EnsureAvatar`).
    pub fn want_avatar(self: &Rc<Self>, hash: &str) {
        let ctx = self.ctx();
        if ctx.avatars.with_untracked(|a| a.contains_key(hash))
            || !self.avatars_loading.borrow_mut().insert(hash.to_owned())
        {
            return;
        }
        let Some(store) = self.store.borrow().clone() else {
            return;
        };
        let me = self.clone();
        let hash = hash.to_owned();
        spawn_local(async move {
            if let Ok(Some(image)) = store.avatar(&hash).await {
                show_avatar(ctx, &image);
            }
            me.avatars_loading.borrow_mut().remove(&hash);
        });
    }

    /// "Browse public groups" while offline: the dialog says so (the
    /// session never saw the request).
    fn public_rooms_not_connected(self: &Rc<Self>) {
        self.dispatch(Input::Xmpp(Event::RequestFailed {
            request: crate::xmpp::LIST_PUBLIC.into(),
            reason: "not connected".into(),
        }));
    }

    fn not_online(&self, request: &str) {
        self.notify(format!("Could not {request}: not connected."));
    }

    pub fn reconnect_now(&self) {
        if let Some(client) = self.client.borrow().as_ref() {
            client.reconnect_now();
        }
    }

    pub fn dispatch(self: &Rc<Self>, input: Input) {
        let ctx = self.ctx();
        let effects = ctx
            .chat
            .try_update(|s| s.apply(input, net::now()))
            .unwrap_or_default();
        for effect in effects {
            self.enqueue(Job::Effect(effect));
        }
    }

    fn enqueue(self: &Rc<Self>, job: Job) {
        self.queue.borrow_mut().push_back(job);
        if !self.draining.replace(true) {
            let me = self.clone();
            spawn_local(async move {
                loop {
                    let next = me.queue.borrow_mut().pop_front();
                    match next {
                        Some(Job::Effect(effect)) => me.run(effect).await,
                        Some(Job::Ingest(batch)) => me.ingest(batch).await,
                        Some(Job::Connected { fresh }) => {
                            me.clone().flush_outbox(None).await;
                            me.clone().flush_actions(None).await;
                            me.clone().catch_up().await;
                            if fresh {
                                if let Some(client) = me.client.borrow().clone() {
                                    client.start_groups();
                                }
                            }
                        }
                        None => break,
                    }
                }
                me.draining.set(false);
            });
        }
    }

    /// Drops what the store already has before the reducer sees it.
    async fn ingest(self: &Rc<Self>, mut batch: Batch) {
        let store = self.store.borrow().clone();
        if let Some(store) = store {
            match store.existing(&batch.keys()).await {
                Ok(existing) => batch.existing = existing,
                Err(e) => web_sys::console::error_1(&format!("store: {e}").into()),
            }
        }
        // The batch's writes run now, before the next queued batch is looked
        // up: otherwise the same message arriving twice in a row (offline
        // delivery, then the archive) would be looked up before the first
        // copy is stored, and shown twice.
        let ctx = self.ctx();
        let effects = ctx
            .chat
            .try_update(|s| s.apply(Input::Ingest(batch), net::now()))
            .unwrap_or_default();
        for effect in effects {
            self.run(effect).await;
        }
    }

    async fn run(self: &Rc<Self>, effect: Effect) {
        let store = self.store.borrow().clone();
        let Some(store) = store else { return };
        let result = match effect {
            Effect::SaveMessage(m) => store.put_message(&m).await,
            Effect::SaveMessages(m) => store.put_messages(&m).await,
            Effect::SetArchiveId { id, stanza_id } => {
                store.set_stanza_id(&id, &stanza_id).await.map(drop)
            }
            Effect::SaveSetting { key, value } => store.put_setting(&key, &value).await,
            Effect::MarkRead { chat, id } => match store.message(&id).await {
                Ok(Some(m)) if m.chat == chat => store
                    .mark_read(
                        &chat,
                        &crate::store::Before {
                            timestamp: m.timestamp,
                            id: m.id,
                        },
                    )
                    .await
                    .map(drop),
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            },
            Effect::LoadOlder { chat, before } => {
                match store.messages(&chat, Some(&before), HISTORY_PAGE).await {
                    Ok(messages) => {
                        self.dispatch(Input::Older { chat, messages });
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Effect::SaveChat(c) => store.put_chat(&c).await,
            Effect::SaveProfile(p) => store.put_profile(&p).await,
            Effect::SaveAvatar(image) => {
                show_avatar(self.ctx(), &image);
                store.put_avatar(&image).await
            }
            Effect::EnsureAvatar { jid, hash } => match store.avatar(&hash).await {
                // Cached: show it now rather than read it again for the view.
                Ok(Some(image)) => {
                    show_avatar(self.ctx(), &image);
                    Ok(())
                }
                Ok(None) => {
                    if let Some(client) = self.client.borrow().clone() {
                        client.fetch_avatar(&jid, &hash);
                    }
                    Ok(())
                }
                Err(e) => Err(e),
            },
            Effect::SaveContact(c) => store.put_contact(&c).await,
            Effect::RemoveContact(jid) => store.remove_contact(&jid).await,
            Effect::DeleteMessage(id) => {
                // A file still waiting to be sent goes with its message.
                self.forget_upload(&id);
                let _ = store.delete_file(&id).await;
                store.delete_message(&id).await
            }
            Effect::SetStatus { id, status, error } => {
                store.set_status(&id, status, error).await.map(drop)
            }
            Effect::LoadHistory(chat) => match store.messages(&chat, None, HISTORY_PAGE).await {
                Ok(messages) => {
                    self.dispatch(Input::History { chat, messages });
                    Ok(())
                }
                Err(e) => Err(e),
            },
            // No connection yet: an older page cannot come, so say so
            // (the view stops waiting for it).
            Effect::Command(Command::FetchOlder { chat, .. }) if self.client.borrow().is_none() => {
                self.dispatch(Input::Xmpp(Event::ArchiveFailed {
                    query: crate::xmpp::ArchiveQuery::Older { chat },
                    reason: "not connected".into(),
                }));
                Ok(())
            }
            Effect::Command(Command::FetchRoomOlder { room, .. })
                if self.client.borrow().is_none() =>
            {
                self.dispatch(Input::Xmpp(Event::RoomArchiveFailed {
                    query: crate::xmpp::RoomArchiveQuery::Older { room },
                    reason: "not connected".into(),
                }));
                Ok(())
            }
            Effect::Command(Command::ListPublicRooms) if self.client.borrow().is_none() => {
                self.public_rooms_not_connected();
                Ok(())
            }
            Effect::Command(command) => {
                let client = self.client.borrow().clone();
                if let Some(client) = client {
                    match command {
                        Command::RequestUploadSlot {
                            id,
                            name,
                            size,
                            mime,
                        } => self.request_slot(&id, &name, size, &mime),
                        Command::SendMessage {
                            to,
                            body,
                            id,
                            extras,
                        } => {
                            if !client.send_message(&to, &body, &id, &extras) && extras.is_action()
                            {
                                self.queue_action(QueuedAction {
                                    chat: to,
                                    group: false,
                                    body,
                                    id,
                                    extras,
                                })
                                .await;
                            }
                        }
                        Command::AddContact { jid } => client.add_contact(&jid),
                        Command::Accept { jid } => client.accept(&jid),
                        Command::Decline { jid } => client.decline(&jid),
                        Command::SendDisplayed { to, id } => {
                            client.send_displayed(&to, &id);
                        }
                        Command::SetReceiptsForStrangers(allow) => {
                            client.set_receipts_for_strangers(allow)
                        }
                        Command::SetShareLastSeen(share) => client.set_share_last_seen(share),
                        Command::SetPresence {
                            presence,
                            idle_since,
                        } => client.set_presence(&presence, idle_since),
                        Command::SendChatState { to, state } => client.send_chat_state(&to, state),
                        Command::SendRoomChatState { room, state } => {
                            client.send_room_chat_state(&room, state)
                        }
                        Command::FetchLastSeen { jid } => client.fetch_last_activity(&jid),
                        Command::Block { jid } => client.block(&jid),
                        Command::RemoveContact { jid } => client.remove_contact(&jid),
                        Command::Unblock { jid } => client.unblock(&jid),
                        Command::CreateRoom { name, description } => {
                            match client.create_room(&name, &description) {
                                Ok(room) => self.dispatch(Input::GroupCreating { room, name }),
                                Err(e) => self.notify(format!("Could not create the group: {e}.")),
                            }
                        }
                        Command::JoinRoom { room, nick } => {
                            if let Err(e) = client.join_room(&room, nick.as_deref()) {
                                self.notify(format!("Could not join {room}: {e}."));
                            }
                        }
                        Command::LeaveRoom { room } => client.leave_room(&room),
                        Command::Moderate { room, action } => {
                            if !client.moderate(&room, action) {
                                self.not_online("change the group");
                            }
                        }
                        Command::FetchMembers { room } => client.fetch_members(&room),
                        Command::SetRoomAvatar { room, photo } => {
                            if !client.set_room_avatar(&room, photo) {
                                self.not_online("change the group photo");
                            }
                        }
                        Command::ListPublicRooms => {
                            if !client.list_public_rooms() {
                                self.public_rooms_not_connected();
                            }
                        }
                        Command::SendRoomMessage {
                            room,
                            body,
                            id,
                            extras,
                        } => {
                            if !client.send_room_message(&room, &body, &id, &extras)
                                && extras.is_action()
                            {
                                self.queue_action(QueuedAction {
                                    chat: room,
                                    group: true,
                                    body,
                                    id,
                                    extras,
                                })
                                .await;
                            }
                        }
                        Command::SendRoomDisplayed { room, stanza_id } => {
                            client.send_room_displayed(&room, &stanza_id)
                        }
                        Command::Invite { room, jid } => client.invite(&room, &jid),
                        Command::DeclineInvitation { room, from } => {
                            client.decline_invitation(&room, &from)
                        }
                        Command::SetBookmark { room, name, nick } => {
                            client.set_bookmark(&room, name.as_deref(), nick.as_deref())
                        }
                        Command::RemoveBookmark { room } => client.remove_bookmark(&room),
                        Command::SetNick(nick) => {
                            if !client.set_nick(&nick) {
                                self.not_online("set nickname");
                            }
                        }
                        Command::SetAvatar {
                            mime,
                            data,
                            width,
                            height,
                        } => {
                            if !client.set_avatar(&mime, data, width, height) {
                                self.not_online("set avatar");
                            }
                        }
                        Command::RemoveAvatar => {
                            if !client.remove_avatar() {
                                self.not_online("remove avatar");
                            }
                        }
                        Command::FetchRoomOlder { room, before } => {
                            if !client.fetch_room_older(&room, before.as_deref(), HISTORY_PAGE) {
                                self.dispatch(Input::Xmpp(Event::RoomArchiveFailed {
                                    query: crate::xmpp::RoomArchiveQuery::Older { room },
                                    reason: "not connected".into(),
                                }));
                            }
                        }
                        Command::FetchOlder { chat, before } => {
                            if !client.fetch_older(&chat, before.as_deref(), HISTORY_PAGE) {
                                self.dispatch(Input::Xmpp(Event::ArchiveFailed {
                                    query: crate::xmpp::ArchiveQuery::Older { chat },
                                    reason: "not connected".into(),
                                }));
                            }
                        }
                    }
                }
                Ok(())
            }
        };
        if let Err(e) = result {
            web_sys::console::error_1(&format!("store: {e}").into());
        }
    }
}

/// Makes `image` showable: an object URL for its bytes, by hash.
fn show_avatar(ctx: AppCtx, image: &crate::chat::AvatarImage) {
    if ctx.avatars.with_untracked(|a| a.contains_key(&image.hash)) {
        return;
    }
    match super::avatar::object_url(&image.mime, &image.data) {
        Ok(url) => ctx.avatars.update(|a| {
            a.insert(image.hash.clone(), url);
        }),
        Err(e) => web_sys::console::error_1(&format!("avatar: {e}").into()),
    }
}

/// Releases the object URLs (sign-out).
fn forget_avatars(ctx: AppCtx) {
    let urls = ctx.avatars.try_update(std::mem::take).unwrap_or_default();
    for url in urls.into_values() {
        let _ = web_sys::Url::revoke_object_url(&url);
    }
}

async fn remember_session(session: Option<SavedSession>) {
    let Some(meta) = meta().await else { return };
    let _ = match session.and_then(|s| serde_json::to_string(&s).ok()) {
        Some(json) => meta.put_setting(SESSION_KEY, &json).await,
        None => meta.remove_setting(SESSION_KEY).await,
    };
}

/// The `server` query parameter, which embedders use.
pub fn query_server() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("server")
}
