//! Room bookmarks on the session: XEP-0402 when our account advertises
//! `urn:xmpp:bookmarks:1#compat`, else XEP-0048 in private storage (see
//! `xmpp/bookmarks.rs`).

use super::super::bookmarks::{self, Change, Mode, Op};
use super::super::iq::IqOutcome;
use super::super::muc::Bookmark;
use super::super::muc_admin;
use super::super::muc_rooms::MucPurpose;
use super::super::Event;
use super::Session;
use jid::{BareJid, Jid};
use xmpp_parsers::{message::Message, ns, stanza_error::DefinedCondition};

impl Session {
    /// Fetches the bookmarks (`Event::Bookmarks`, the whole list). The
    /// first call asks our account (disco#info on our bare JID) which store
    /// to use. Call after `Event::Online`; later changes made by other
    /// devices arrive as XEP-0402 notifications (also `Event::Bookmarks`).
    pub fn fetch_bookmarks(&mut self) {
        if !self.is_online() || self.groups.bookmarks.fetching {
            return;
        }
        self.groups.bookmarks.fetching = true;
        match self.groups.bookmarks.mode {
            Mode::Unknown => {
                self.groups.bookmarks.mode = Mode::Asking;
                let id = self.ids.next_id();
                let own = Jid::from(self.config.jid.clone());
                self.send_muc_iq(muc_admin::info_request(&id, own), MucPurpose::AccountInfo);
            }
            Mode::Asking => {}
            Mode::Pep | Mode::Legacy => self.get_bookmarks(),
        }
    }

    /// The bookmarks as last fetched or changed.
    pub fn bookmarks(&self) -> Vec<Bookmark> {
        self.groups.bookmarks.list()
    }

    /// Adds or replaces the bookmark of `room`; `Event::Bookmarks` reports
    /// the new list, `Event::RequestFailed` ("bookmark ROOM") a failure.
    /// Before the first fetch, the list is fetched first.
    pub fn set_bookmark(
        &mut self,
        room: &str,
        name: Option<&str>,
        autojoin: bool,
        nick: Option<&str>,
    ) {
        let Ok(jid) = BareJid::new(room) else {
            return self.bookmark_failed(room, "invalid address".into());
        };
        let password = self
            .groups
            .bookmarks
            .rooms
            .get(jid.as_str())
            .and_then(|b| b.password.clone());
        self.bookmark_op(Op::Set(Bookmark {
            room: jid.to_string(),
            name: name.map(str::to_owned),
            autojoin,
            nick: nick.map(str::to_owned),
            password,
        }));
    }

    /// Removes the bookmark of `room`.
    pub fn remove_bookmark(&mut self, room: &str) {
        self.bookmark_op(Op::Remove(room.to_owned()));
    }

    fn bookmark_op(&mut self, op: Op) {
        if !self.is_online() {
            let room = match &op {
                Op::Set(b) => b.room.clone(),
                Op::Remove(r) => r.clone(),
            };
            return self.bookmark_failed(&room, "not connected".into());
        }
        if !self.groups.bookmarks.fetched {
            self.groups.bookmarks.queued.push(op);
            return self.fetch_bookmarks();
        }
        let store = &mut self.groups.bookmarks;
        let id = self.ids.next_id();
        let pep = match (&op, store.mode) {
            (Op::Set(b), Mode::Pep) => Some(bookmarks::pep_publish(&id, b)),
            (Op::Remove(room), Mode::Pep) => Some(bookmarks::pep_retract(&id, room)),
            _ => None,
        };
        match op {
            Op::Set(b) => store.rooms.insert(b.room.clone(), b),
            Op::Remove(room) => store.rooms.remove(&room),
        };
        // XEP-0048 has no per-item change: the whole storage is written.
        let iq = pep.unwrap_or_else(|| bookmarks::private_set(&id, store));
        let rooms = store.list();
        self.send_muc_iq(iq, MucPurpose::BookmarksSet);
        self.events.push_back(Event::Bookmarks { rooms });
    }

    fn get_bookmarks(&mut self) {
        let id = self.ids.next_id();
        let iq = match self.groups.bookmarks.mode {
            Mode::Pep => bookmarks::pep_get(&id),
            _ => bookmarks::private_get(&id),
        };
        self.send_muc_iq(iq, MucPurpose::BookmarksGet);
    }

    fn bookmark_failed(&mut self, room: &str, reason: String) {
        self.events.push_back(Event::RequestFailed {
            request: format!("bookmark {room}"),
            reason,
        });
    }

    pub(super) fn handle_bookmarks_reply(&mut self, purpose: MucPurpose, o: IqOutcome) {
        match purpose {
            MucPurpose::AccountInfo => {
                let features = match &o {
                    IqOutcome::Result(p) => {
                        super::super::disco::parse_features(p.clone()).unwrap_or_default()
                    }
                    _ => Default::default(),
                };
                let compat = features.contains(ns::BOOKMARKS2_COMPAT);
                // The same answer tells whether the server mirrors avatars
                // into vCards (see `profile.rs`).
                self.people.avatars.vcard_conversion =
                    Some(features.contains(super::profile::PEP_VCARD_CONVERSION));
                self.groups.bookmarks.mode = if compat { Mode::Pep } else { Mode::Legacy };
                self.get_bookmarks();
            }
            MucPurpose::BookmarksGet => {
                let store = &mut self.groups.bookmarks;
                store.fetching = false;
                let rooms = match (o, store.mode) {
                    (IqOutcome::Result(p), Mode::Pep) => bookmarks::parse_pep(p),
                    (IqOutcome::Result(p), _) => {
                        let (rooms, other) = bookmarks::parse_private(p);
                        store.legacy_other = other;
                        rooms
                    }
                    // XEP-0402 §3.1: no node yet means no bookmarks.
                    (IqOutcome::Error(e), _)
                        if e.defined_condition == DefinedCondition::ItemNotFound =>
                    {
                        vec![]
                    }
                    (o, _) => {
                        let queued = std::mem::take(&mut store.queued);
                        let reason = super::online::reason(&o);
                        self.events.push_back(Event::RequestFailed {
                            request: "bookmarks".into(),
                            reason: reason.clone(),
                        });
                        for op in queued {
                            let (Op::Set(Bookmark { room, .. }) | Op::Remove(room)) = op;
                            self.bookmark_failed(&room, reason.clone());
                        }
                        return;
                    }
                };
                store.rooms = rooms.into_iter().map(|b| (b.room.clone(), b)).collect();
                store.fetched = true;
                let queued = std::mem::take(&mut store.queued);
                let rooms = store.list();
                self.events.push_back(Event::Bookmarks { rooms });
                for op in queued {
                    self.bookmark_op(op);
                }
            }
            MucPurpose::BookmarksSet if !matches!(o, IqOutcome::Result(_)) => {
                // Our copy may now differ from the server's: fetch anew
                // before the next change.
                self.groups.bookmarks.fetched = false;
                self.events.push_back(Event::RequestFailed {
                    request: "bookmarks".into(),
                    reason: super::online::reason(&o),
                });
            }
            _ => {}
        }
    }

    /// A XEP-0402 notification (the caller checked it comes from our own
    /// account); true when `m` was one.
    pub(super) fn handle_bookmark_notification(&mut self, m: &Message) -> bool {
        let Some(changes) = bookmarks::notification(m) else {
            return false;
        };
        let store = &mut self.groups.bookmarks;
        if store.mode == Mode::Legacy {
            return true; // Not the store we use.
        }
        for change in changes {
            match change {
                Change::Upsert(b) => store.rooms.insert(b.room.clone(), b),
                Change::Retract(room) => store.rooms.remove(&room),
            };
        }
        let rooms = store.list();
        self.events.push_back(Event::Bookmarks { rooms });
        true
    }
}

#[cfg(test)]
#[path = "../bookmarks_tests.rs"]
mod bookmarks_tests;
