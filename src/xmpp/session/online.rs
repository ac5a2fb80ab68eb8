//! The online half of the session: the API the shell and the chat layer
//! call while online, and the stanzas that arrive then (IQs, messages,
//! carbons, markers, archive results).

use super::super::carbons::{self, Carbon};
use super::super::iq::{self, IqOutcome, IqPurpose, Own, IQ_TIMEOUT};
use super::super::mam::{self, ArchiveResult, Paging};
use super::super::message::{self, Incoming};
use super::super::ping::{self, ALIVE_TIMEOUT};
use super::super::{chatstates, disco, markers, presence, roster};
use super::super::{ArchiveQuery, Event, Extras, Presence, SessionError};
use super::{Session, State};
use crate::chat::{Availability, Millis, Subscription};
use jid::{BareJid, Jid};
use xmpp_parsers::{
    iq::Iq, message::Message, ns, presence::Type as PresenceType, stanza_error::DefinedCondition,
};

/// A short reason for a failed request.
pub(super) fn reason(o: &IqOutcome) -> String {
    match o {
        IqOutcome::Error(e) => iq::describe_error(e),
        IqOutcome::Timeout => "no answer in time".to_owned(),
        IqOutcome::Result(_) => String::new(),
    }
}

impl Session {
    /// Send a chat message; `id` is both the stanza id and the XEP-0359
    /// origin-id. Idempotent while `id` waits for its XEP-0198 ack: the
    /// shell may re-send its outbox after `Event::Resumed`/`Event::Online`.
    /// `extras` makes it a file, a reply, a correction, reactions or a
    /// retraction (issue 5).
    pub fn send_message(
        &mut self,
        to: &str,
        body: &str,
        id: &str,
        extras: &Extras,
    ) -> Result<(), SessionError> {
        if !self.is_online() {
            return Err(SessionError::ConnectionLost);
        }
        let to =
            Jid::new(to).map_err(|e| SessionError::Protocol(format!("invalid address: {e}")))?;
        if self.already_sent(id) {
            return Ok(());
        }
        let to_bare = to.to_bare();
        let mut m = message::outgoing(to, body, id, extras);
        if extras.wants_receipt() && self.may_confirm(to_bare.as_str()) {
            // XEP-0085 §5.1: a message we send says we are active.
            m = chatstates::with_state(m, chatstates::ChatState::Active);
        }
        self.send_tracked(m.into(), Some(id.to_owned()));
        self.request_ack();
        Ok(())
    }

    /// XEP-0333: tell `to` (a bare JID) that we displayed its message `id`
    /// and everything before. Sent only to roster contacts unless
    /// `receipts_for_strangers`; nothing happens when offline.
    pub fn send_displayed(&mut self, to: &str, id: &str) {
        if !self.is_online() {
            return;
        }
        let Ok(bare) = BareJid::new(to) else {
            return;
        };
        if !self.may_confirm(bare.as_str()) {
            return;
        }
        let stanza_id = self.ids.next_id();
        self.send(markers::displayed(Jid::from(bare), id, &stanza_id));
    }

    /// Privacy: whether receipts and markers may go to non-contacts.
    pub fn set_receipts_for_strangers(&mut self, allow: bool) {
        self.config.receipts_for_strangers = allow;
    }

    /// XEP-0313 catch-up over our whole archive. `Some(id)`: every message
    /// after archive id `id`, page after page (`Event::Archive` with
    /// `ArchiveQuery::CatchUp` each, the last one `complete`). `None`: only
    /// the newest page, reported complete. Ignored while a catch-up runs.
    pub fn fetch_archive(&mut self, after: Option<&str>) {
        if !self.is_online() {
            return self.fail_archive(ArchiveQuery::CatchUp, "not connected".into());
        }
        if self.archive.catch_up_running() {
            return;
        }
        let paging = match after {
            Some(a) => Paging::After(a.to_owned()),
            None => Paging::Before(None),
        };
        self.query_archive(ArchiveQuery::CatchUp, paging, mam::PAGE_SIZE);
    }

    /// Catch up over the whole archive, oldest first (`Event::Archive` with
    /// `ArchiveQuery::CatchUp`, page after page): for an account whose
    /// archive was empty when this device first looked, so it has no id yet.
    pub fn fetch_archive_from_start(&mut self) {
        if !self.is_online() {
            return self.fail_archive(ArchiveQuery::CatchUp, "not connected".into());
        }
        if self.archive.catch_up_running() {
            return;
        }
        self.query_archive(ArchiveQuery::CatchUp, Paging::Start, mam::PAGE_SIZE);
    }

    /// One page of `chat` (a bare JID) before archive id `before` (the
    /// newest page when `None`): `Event::Archive` with `ArchiveQuery::Older`.
    pub fn fetch_older(&mut self, chat: &str, before: Option<&str>, max: usize) {
        let query = ArchiveQuery::Older {
            chat: chat.to_owned(),
        };
        if !self.is_online() {
            return self.fail_archive(query, "not connected".into());
        }
        if let Err(e) = BareJid::new(chat) {
            return self.fail_archive(query, format!("invalid address: {e}"));
        }
        let paging = Paging::Before(before.map(str::to_owned));
        self.query_archive(query, paging, max.max(1));
    }

    /// Ping the server now (the page became visible, the browser went
    /// online) unless a ping is already on its way; no answer within 10 s
    /// ends the session with `SessionError::Timeout` (resumable).
    pub fn check_alive(&mut self, now: Millis) {
        if matches!(self.state, State::Ended | State::Idle) {
            return;
        }
        self.now = self.now.max(now);
        if self.is_online() && self.keepalive.take_now() {
            self.ping(self.now.saturating_add(ALIVE_TIMEOUT));
        }
    }

    /// Roster set + presence subscribe.
    pub fn add_contact(&mut self, jid: &str, name: Option<&str>) {
        let request = format!("add contact {jid}");
        let Some(bare) = self.online_contact(jid, &request) else {
            return;
        };
        let id = self.ids.next_id();
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        let purpose = IqPurpose::RosterSet {
            jid: bare.to_string(),
        };
        self.send_iq(roster::set(&id, bare.clone(), name), purpose, deadline);
        self.send(presence::directed(PresenceType::Subscribe, bare));
    }

    /// RFC 6121 §2.5: removes the contact (and both subscriptions); the
    /// server's roster push reports it.
    pub fn remove_contact(&mut self, jid: &str) {
        let request = format!("remove contact {jid}");
        let Some(bare) = self.online_contact(jid, &request) else {
            return;
        };
        let id = self.ids.next_id();
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        let purpose = IqPurpose::RosterRemove {
            jid: bare.to_string(),
        };
        self.send_iq(roster::remove(&id, bare), purpose, deadline);
    }

    /// Presence subscribed, and subscribe back if we are not subscribed yet.
    pub fn accept_subscription(&mut self, jid: &str) {
        let Some(bare) = self.online_contact(jid, &format!("accept {jid}")) else {
            return;
        };
        self.send(presence::directed(PresenceType::Subscribed, bare.clone()));
        let subscribed = match self.roster.get(bare.as_str()) {
            Some((sub, pending_out)) => {
                *pending_out || matches!(sub, Subscription::To | Subscription::Both)
            }
            None => false,
        };
        if !subscribed {
            self.send(presence::directed(PresenceType::Subscribe, bare));
        }
    }

    /// Presence unsubscribed.
    pub fn decline_subscription(&mut self, jid: &str) {
        let Some(bare) = self.online_contact(jid, &format!("decline {jid}")) else {
            return;
        };
        self.send(presence::directed(PresenceType::Unsubscribed, bare));
    }

    /// Sets our presence; sent now when online, else used as the initial one.
    pub fn set_presence(&mut self, presence: &Presence) {
        self.presence = presence.clone();
        if self.is_online() {
            let p = self.own_presence();
            self.send(p);
        }
    }

    // ---- internals ----

    /// After a fresh bind: roster, initial presence, disco, carbons.
    pub(super) fn after_bind(&mut self) {
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        let id = self.ids.next_id();
        self.send_iq(roster::get(&id), IqPurpose::RosterGet, deadline);
        if self.presence.availability != Availability::Offline {
            let p = self.own_presence();
            self.send(p);
        }
        let id = self.ids.next_id();
        self.send_iq(
            disco::request(&id, self.server()),
            IqPurpose::DiscoInfo,
            deadline,
        );
        let id = self.ids.next_id();
        self.send_iq(carbons::enable(&id), IqPurpose::Carbons, deadline);
        self.people_online();
    }

    pub(super) fn server(&self) -> Jid {
        Jid::from(BareJid::from_parts(None, self.config.jid.domain()))
    }

    pub(super) fn ping(&mut self, deadline: Millis) {
        let id = self.ids.next_id();
        self.send_iq(ping::request(&id, self.server()), IqPurpose::Ping, deadline);
        if let Some(r) = self.sm.request_again() {
            self.send(r);
        }
    }

    fn query_archive(&mut self, query: ArchiveQuery, paging: Paging, max: usize) {
        let id = self.ids.next_id();
        let queryid = self.ids.next_id();
        let with = match &query {
            ArchiveQuery::Older { chat } => Some(chat.clone()),
            ArchiveQuery::CatchUp => None,
        };
        let iq = mam::query(&id, &queryid, with.as_deref(), &paging, max);
        self.archive.start(&queryid, query, &paging);
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        self.send_iq(iq, IqPurpose::Archive { queryid }, deadline);
    }

    /// Privacy: receipts and markers go to roster contacts only, unless
    /// the user allowed them for everyone.
    pub(super) fn may_confirm(&self, bare: &str) -> bool {
        self.config.receipts_for_strangers
            || self
                .roster
                .get(bare)
                .is_some_and(|(sub, _)| *sub != Subscription::Remove)
    }

    pub(super) fn online_contact(&mut self, jid: &str, request: &str) -> Option<BareJid> {
        let reason = if !self.is_online() {
            "not connected".to_owned()
        } else {
            match BareJid::new(jid) {
                Ok(bare) => return Some(bare),
                Err(e) => format!("invalid address: {e}"),
            }
        };
        self.events.push_back(Event::RequestFailed {
            request: request.to_owned(),
            reason,
        });
        None
    }

    pub(super) fn malformed(&mut self, reason: String) {
        self.events.push_back(Event::Malformed { reason });
    }

    pub(super) fn handle_iq(&mut self, iq: Iq) {
        match iq {
            Iq::Get {
                from, id, payload, ..
            } => {
                let reply = if payload.is("ping", ns::PING) {
                    iq::empty_result(from, id)
                } else if disco::is_info_query(&payload) {
                    Iq::Result {
                        from: None,
                        to: from,
                        id,
                        payload: Some(disco::our_info().into()),
                    }
                } else if let Some(reply) = self.people_get(&from, &id, &payload) {
                    reply
                } else {
                    iq::error_reply(from, id, DefinedCondition::ServiceUnavailable)
                };
                self.send(reply);
            }
            Iq::Set {
                from, id, payload, ..
            } => {
                if self.people_set(&from, &id, &payload) {
                    return;
                }
                if !payload.is("query", ns::ROSTER) {
                    return self.send(iq::error_reply(
                        from,
                        id,
                        DefinedCondition::ServiceUnavailable,
                    ));
                }
                if !roster::is_trusted_push(from.as_ref(), &self.config.jid) {
                    // RFC 6121 §2.1.6: a push from anyone but our account is ignored.
                    return;
                }
                match roster::parse_push(payload) {
                    Ok(item) => {
                        if item.subscription == Subscription::Remove {
                            self.roster.remove(&item.jid);
                        } else {
                            self.roster
                                .insert(item.jid.clone(), (item.subscription, item.pending_out));
                        }
                        self.send(iq::empty_result(from, id));
                        self.events.push_back(Event::RosterPush { item });
                    }
                    Err(e) => {
                        self.send(iq::error_reply(from, id, DefinedCondition::BadRequest));
                        self.malformed(e.to_string());
                    }
                }
            }
            Iq::Result {
                from, id, payload, ..
            } => self.reply(from, &id, IqOutcome::Result(payload)),
            Iq::Error {
                from, id, error, ..
            } => self.reply(from, &id, IqOutcome::Error(error)),
        }
    }

    fn reply(&mut self, from: Option<Jid>, id: &str, outcome: IqOutcome) {
        let full = match &self.state {
            State::Online { jid } => Some(jid.clone()),
            _ => None,
        };
        let own = Own {
            bare: &self.config.jid,
            full: full.as_ref(),
        };
        if let Some(purpose) = self.iqs.take_reply(from.as_ref(), id, &own) {
            self.handle_reply(purpose, outcome);
        }
    }

    pub(super) fn handle_online_reply(&mut self, purpose: IqPurpose, outcome: IqOutcome) {
        match (purpose, outcome) {
            (IqPurpose::RosterGet, IqOutcome::Result(p)) => match roster::parse_result(p) {
                Ok(items) => {
                    self.roster = items
                        .iter()
                        .filter(|i| i.subscription != Subscription::Remove)
                        .map(|i| (i.jid.clone(), (i.subscription, i.pending_out)))
                        .collect();
                    self.events.push_back(Event::Roster { items });
                }
                Err(e) => self.malformed(e.to_string()),
            },
            (IqPurpose::RosterGet, o) => self.events.push_back(Event::RequestFailed {
                request: "roster".into(),
                reason: reason(&o),
            }),
            (IqPurpose::RosterSet { .. }, IqOutcome::Result(_)) => {}
            // The roster push that follows removes the contact.
            (IqPurpose::RosterRemove { .. }, IqOutcome::Result(_)) => {}
            (IqPurpose::RosterRemove { jid }, o) => self.events.push_back(Event::RequestFailed {
                request: format!("remove contact {jid}"),
                reason: reason(&o),
            }),
            (IqPurpose::RosterSet { jid }, o) => self.events.push_back(Event::RequestFailed {
                request: format!("add contact {jid}"),
                reason: reason(&o),
            }),
            (IqPurpose::DiscoInfo, IqOutcome::Result(p)) => match disco::parse_features(p) {
                Ok(f) => {
                    self.server_features = f;
                    self.after_server_disco();
                    self.discover_upload_service();
                }
                Err(reason) => self.malformed(reason),
            },
            (IqPurpose::DiscoInfo, _) => {}
            // A server without carbons: we just get no copies.
            (IqPurpose::Carbons, _) => {}
            (IqPurpose::Ping, IqOutcome::Timeout) => self.end(Some(SessionError::Timeout)),
            (IqPurpose::Ping, _) => self.keepalive.answered(),
            (IqPurpose::Archive { queryid }, IqOutcome::Result(p)) => self.archive_fin(&queryid, p),
            (IqPurpose::Archive { queryid }, o) => {
                if let Some(query) = self.archive.fail(&queryid) {
                    self.fail_archive(query, reason(&o));
                }
            }
            (IqPurpose::People(query), o) => self.people_reply(query, o),
            (IqPurpose::Muc(p), o) => self.handle_muc_reply(p, o),
            (IqPurpose::Upload(p), o) => self.upload_reply(p, o),
            // Handled by the stream set-up.
            (IqPurpose::Bind, _) => {}
        }
    }

    fn archive_fin(&mut self, queryid: &str, payload: Option<minidom::Element>) {
        let fin = match mam::parse_fin(payload) {
            Ok(fin) => fin,
            Err(reason) => {
                if let Some(query) = self.archive.fail(queryid) {
                    self.fail_archive(query, reason);
                }
                return;
            }
        };
        let Some(finished) = self.archive.finish(queryid, &fin) else {
            return;
        };
        let query = finished.page.query.clone();
        self.events.push_back(Event::Archive(finished.page));
        if let Some(after) = finished.next {
            self.query_archive(query, Paging::After(after), mam::PAGE_SIZE);
        }
    }

    pub(super) fn handle_message(&mut self, m: &Message) {
        if self.handle_group_message(m) {
            return; // Rooms, room archives, invitations, bookmarks.
        }
        match mam::parse_result(m, &self.config.jid) {
            ArchiveResult::None => {}
            ArchiveResult::Rejected(reason) => return self.malformed(reason),
            ArchiveResult::Result { queryid, item } => {
                if !self.archive.add(&queryid, item) {
                    self.malformed(format!("archive result for unknown query {queryid}"));
                }
                return;
            }
        }
        if self.people_event(m) {
            return; // A PEP nick or avatar notification.
        }
        match carbons::unwrap(m, &self.config.jid) {
            Carbon::None => {
                if self.screen(m) {
                    self.handle_live(m)
                }
            }
            Carbon::Rejected(reason) => self.malformed(reason),
            // The device that got or sent the original answers receipts.
            Carbon::Received(inner) | Carbon::Sent(inner) => {
                if !self.screen(&inner) {
                    return;
                }
                match message::incoming(&inner, &self.config.jid) {
                    Incoming::Message(im) => self.events.push_back(Event::Message(im)),
                    Incoming::Receipt { from, id } => {
                        self.events.push_back(Event::Receipt { from, id })
                    }
                    Incoming::Displayed(marker) => self.events.push_back(Event::Displayed(marker)),
                    Incoming::Failed { .. } | Incoming::Ignored => {}
                }
            }
        }
    }

    fn handle_live(&mut self, m: &Message) {
        match message::incoming(m, &self.config.jid) {
            Incoming::Message(im) => {
                if self.is_online() && !im.from_me && self.may_confirm(&im.chat) {
                    let id = self.ids.next_id();
                    if let Some(receipt) = message::receipt_for(m, &id) {
                        self.send(receipt);
                    }
                }
                self.events.push_back(Event::Message(im));
            }
            Incoming::Failed { id, reason } => {
                self.confirmed.remove(&id);
                self.bounced.insert(id.clone());
                self.events.push_back(Event::MessageFailed { id, reason })
            }
            Incoming::Receipt { from, id } => self.events.push_back(Event::Receipt { from, id }),
            Incoming::Displayed(marker) => self.events.push_back(Event::Displayed(marker)),
            Incoming::Ignored => {}
        }
    }
}
