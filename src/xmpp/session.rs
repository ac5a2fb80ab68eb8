//! The client session state machine: stream set-up (RFC 6120 §4–7 over
//! RFC 7395 framing), XEP-0198 stream management and resumption, then the
//! online session (in [`online`]: roster, presence, messages, carbons,
//! markers, archive, IQ bookkeeping and keepalive). No IO: see the module
//! docs in `mod.rs`.

mod bookmarks;
mod channels;
mod groups;
mod online;
pub(super) mod people;
mod profile;
mod room_admin;
mod upload;

use super::framing::{self, Frame};
use super::iq::{IqOutcome, IqPurpose, IqTable, IQ_TIMEOUT};
use super::mam;
use super::muc_rooms::Groups;
use super::ping::Keepalive;
use super::presence::{PresenceUpdate, Presences};
use super::sasl::{self, SaslClient, SaslStep};
use super::sm::{self, Resumption, StreamManagement};
use super::upload::Uploads;
use super::{
    ArchiveQuery, Config, Credentials, Event, IdSource, Presence, ScramKeys, SessionError,
};
use crate::chat::{Availability, Millis, Subscription};
use jid::FullJid;
use minidom::Element;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use xmpp_parsers::{bind::BindQuery, iq::Iq, sm as xsm};

/// Time allowed from `start` until the session is online.
const HANDSHAKE_TIMEOUT: Millis = 30_000;
/// How long a chat message may wait for its XEP-0198 ack before the
/// connection is checked with a ping (`check_alive`): a socket that died
/// silently is found about 20 s after the user sends, not after the next
/// idle keepalive.
const ACK_TIMEOUT: Millis = 10_000;
/// Time allowed for the server to answer our `<close/>`.
const CLOSE_TIMEOUT: Millis = 5_000;

enum State {
    Idle,
    /// `<open/>` sent; waiting for stream features.
    Opening {
        authenticated: bool,
    },
    Authenticating(Box<SaslClient>),
    Binding,
    /// `<resume/>` sent (XEP-0198 §5); waiting for `<resumed/>` or `<failed/>`.
    Resuming(Box<Resumption>),
    Online {
        jid: FullJid,
    },
    Closing,
    Ended,
}

/// Session state that outlives a dropped stream when it is resumed.
#[derive(Clone)]
pub struct Carried {
    roster: HashMap<String, (Subscription, bool)>,
    presences: Presences,
    presence: Presence,
    server_features: BTreeSet<String>,
    people: people::People,
    groups: Groups,
    confirmed: HashSet<String>,
    uploads: Uploads,
}

pub struct Session {
    config: Config,
    ids: Box<dyn IdSource>,
    transmit: VecDeque<String>,
    events: VecDeque<Event>,
    state: State,
    iqs: IqTable,
    keepalive: Keepalive,
    presences: Presences,
    /// Contacts' subscription state as the roster last told us.
    roster: HashMap<String, (Subscription, bool)>,
    server_features: BTreeSet<String>,
    presence: Presence,
    derived_keys: Option<ScramKeys>,
    /// Handshake or close deadline.
    deadline: Option<Millis>,
    /// When an unanswered `<r/>` makes the connection suspect (see
    /// [`ACK_TIMEOUT`]).
    ack_deadline: Option<Millis>,
    now: Millis,
    sm: StreamManagement,
    /// The post-auth stream features offered XEP-0198.
    sm_offered: bool,
    /// A stream to resume once authenticated (`Session::resume`).
    resume_from: Option<Resumption>,
    /// What a lost stream left for `take_resumption`.
    resumption: Option<Resumption>,
    archive: mam::Queries,
    /// Typing, presence and people state (`people.rs`, `profile.rs`).
    people: people::People,
    /// Rooms, MUC service, room archives, bookmarks.
    groups: Groups,
    /// XEP-0363: the upload service and the slot requests in flight.
    uploads: Uploads,
    /// Chat message ids the server acknowledged in this stream (or the
    /// one it resumes): sending one again is a no-op, so an outbox read
    /// before its Sent ticks were stored sends nothing twice. A bounce
    /// takes the id out, so Retry works.
    confirmed: HashSet<String>,
    /// Ids that came back as errors: an ack that follows the bounce does
    /// not make them confirmed (Prosody bounces before it acks).
    bounced: HashSet<String>,
}

impl Session {
    pub fn new(config: Config, ids: Box<dyn IdSource>) -> Self {
        Self {
            config,
            ids,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            state: State::Idle,
            iqs: IqTable::default(),
            keepalive: Keepalive::default(),
            presences: Presences::default(),
            roster: HashMap::new(),
            server_features: BTreeSet::new(),
            presence: Presence {
                availability: Availability::Online,
                status: None,
            },
            derived_keys: None,
            deadline: None,
            ack_deadline: None,
            now: 0,
            sm: StreamManagement::default(),
            sm_offered: false,
            resume_from: None,
            resumption: None,
            archive: mam::Queries::default(),
            people: people::People::default(),
            groups: Groups::default(),
            uploads: Uploads::default(),
            confirmed: HashSet::new(),
            bounced: HashSet::new(),
        }
    }

    /// A session that, once authenticated, resumes the stream `resumption`
    /// describes (XEP-0198 §5) if the server still offers stream management
    /// and the resumption has not expired; otherwise it binds afresh.
    pub fn resume(config: Config, ids: Box<dyn IdSource>, resumption: Resumption) -> Self {
        let mut s = Self::new(config, ids);
        s.presence = resumption.carried.presence.clone();
        s.people = resumption.carried.people.clone();
        // Kept whether or not the server resumes: what it acknowledged,
        // it has.
        s.confirmed = resumption.carried.confirmed.clone();
        s.resume_from = Some(resumption);
        s
    }

    /// The socket is open: queue the stream `<open/>`.
    pub fn start(&mut self, now: Millis) {
        if !matches!(self.state, State::Idle) {
            return;
        }
        self.now = now;
        self.keepalive = Keepalive::new(now);
        self.deadline = Some(now.saturating_add(HANDSHAKE_TIMEOUT));
        self.send(framing::open(&self.config.jid));
        self.state = State::Opening {
            authenticated: false,
        };
    }

    pub fn handle_frame(&mut self, frame: &str, now: Millis) {
        if matches!(self.state, State::Ended | State::Idle) {
            return;
        }
        self.now = self.now.max(now);
        self.keepalive.received(now);
        match framing::parse(frame) {
            Ok(f) => {
                if matches!(f, Frame::Iq(_) | Frame::Message(_) | Frame::Presence(_)) {
                    self.sm.received_stanza();
                }
                self.handle_parsed(f)
            }
            Err(e) => {
                if e.is_stanza() {
                    self.sm.received_stanza();
                }
                self.events.push_back(Event::Malformed {
                    reason: e.to_string(),
                })
            }
        }
    }

    pub fn handle_timeout(&mut self, now: Millis) {
        if matches!(self.state, State::Ended | State::Idle) {
            return;
        }
        self.now = self.now.max(now);
        if self.deadline.is_some_and(|d| d <= now) {
            let closing = matches!(self.state, State::Closing);
            return self.end(if closing {
                None
            } else {
                Some(SessionError::Timeout)
            });
        }
        for purpose in self.iqs.expire(now) {
            self.handle_reply(purpose, IqOutcome::Timeout);
            if matches!(self.state, State::Ended) {
                return;
            }
        }
        if self.is_online() && self.keepalive.take_due(now) {
            self.ping(now.saturating_add(super::ping::PING_TIMEOUT));
        }
        if self.ack_deadline.is_some_and(|d| d <= now) {
            // A message waits for its ack: find out now whether the
            // connection is dead instead of at the next keepalive.
            self.ack_deadline = None;
            self.check_alive(now);
        }
    }

    pub fn poll_timeout(&self) -> Option<Millis> {
        if matches!(self.state, State::Ended | State::Idle) {
            return None;
        }
        let keepalive = if self.is_online() {
            self.keepalive.deadline()
        } else {
            None
        };
        let ack = self.ack_deadline.filter(|_| self.is_online());
        [self.deadline, self.iqs.next_deadline(), keepalive, ack]
            .into_iter()
            .flatten()
            .min()
    }

    pub fn poll_transmit(&mut self) -> Option<String> {
        self.transmit.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// The socket closed underneath us.
    pub fn handle_disconnect(&mut self) {
        match self.state {
            State::Ended => {}
            State::Closing | State::Idle => self.end(None),
            _ => self.end(Some(SessionError::ConnectionLost)),
        }
    }

    /// After `Event::Ended` from a lost connection or a time-out: what
    /// `Session::resume` needs to resume the stream, if the server allowed
    /// resumption. `None` after a clean close, a stream error or a failed
    /// login, and on a second call.
    pub fn take_resumption(&mut self) -> Option<Resumption> {
        self.resumption.take()
    }

    pub fn is_online(&self) -> bool {
        matches!(self.state, State::Online { .. })
    }

    /// The full JID the server bound for us, once online.
    pub fn bound_jid(&self) -> Option<String> {
        match &self.state {
            State::Online { jid } => Some(jid.to_string()),
            _ => None,
        }
    }

    /// Features the server announced in its XEP-0030 disco#info answer
    /// (empty until that answer arrives).
    pub fn server_features(&self) -> &BTreeSet<String> {
        &self.server_features
    }

    /// Unavailable presence and `<close/>`.
    pub fn close(&mut self) {
        match self.state {
            State::Ended | State::Closing => return,
            State::Idle => return self.end(None),
            State::Online { .. } => {
                self.send(super::presence::outgoing(&Presence {
                    availability: Availability::Offline,
                    status: None,
                }));
            }
            _ => {}
        }
        self.send(framing::close());
        self.state = State::Closing;
        self.iqs.clear();
        self.deadline = Some(self.now.saturating_add(CLOSE_TIMEOUT));
    }

    // ---- internals ----

    fn send(&mut self, element: impl Into<Element>) {
        self.send_tracked(element.into(), None);
    }

    /// Sends one element; a stanza is kept for XEP-0198 acks, and a chat
    /// message (`message_id`) is reported as `Event::Sent` once the server
    /// has it (at once without stream management).
    fn send_tracked(&mut self, element: Element, message_id: Option<String>) {
        let frame = framing::to_frame(&element);
        if framing::is_stanza(&element) && self.sm.is_counting() {
            self.sm.sent_stanza(frame.clone(), message_id);
        } else if let Some(id) = message_id {
            self.events.push_back(Event::Sent { id });
        }
        self.transmit.push_back(frame);
    }

    fn send_iq(&mut self, iq: Iq, purpose: IqPurpose, deadline: Millis) {
        self.iqs.insert(iq.to(), iq.id(), purpose, deadline);
        self.send(iq);
    }

    /// Asks for an ack if a chat message waits for one.
    fn request_ack(&mut self) {
        if let Some(r) = self.sm.request() {
            self.send(r);
            self.ack_deadline
                .get_or_insert(self.now.saturating_add(ACK_TIMEOUT));
        }
    }

    fn sent(&mut self, message_ids: Vec<String>) {
        for id in message_ids {
            if !self.bounced.contains(&id) {
                self.confirmed.insert(id.clone());
            }
            self.events.push_back(Event::Sent { id });
        }
    }

    /// Whether sending message `id` again would be a duplicate: it waits
    /// for its ack, or the server acknowledged it (`Event::Sent` repeated
    /// so the shell's tick catches up).
    pub(super) fn already_sent(&mut self, id: &str) -> bool {
        if self.sm.is_unacked(id) {
            return true;
        }
        if self.bounced.remove(id) {
            // Retry of a bounced message: send it again.
            return false;
        }
        if self.confirmed.contains(id) {
            self.events.push_back(Event::Sent { id: id.to_owned() });
            return true;
        }
        false
    }

    fn fail(&mut self, error: SessionError) {
        self.send(framing::close());
        self.end(Some(error));
    }

    fn end(&mut self, error: Option<SessionError>) {
        if matches!(self.state, State::Ended) {
            return;
        }
        let lost = matches!(
            error,
            Some(SessionError::ConnectionLost | SessionError::Timeout)
        );
        let state = std::mem::replace(&mut self.state, State::Ended);
        self.resumption = if lost { self.snapshot(state) } else { None };
        self.resume_from = None;
        for query in self.archive.drain() {
            self.events.push_back(Event::ArchiveFailed {
                query,
                reason: "connection lost".into(),
            });
        }
        self.end_groups();
        self.end_uploads();
        self.iqs.clear();
        self.presences.clear();
        self.deadline = None;
        self.events.push_back(Event::Ended { error });
    }

    /// What a resumed stream needs, taken when the connection was lost in `state`.
    fn snapshot(&mut self, state: State) -> Option<Resumption> {
        match state {
            State::Resuming(r) => Some(*r),
            State::Online { jid } => {
                let (id, inbound, max) = self.sm.resumable()?;
                Some(Resumption {
                    id,
                    max,
                    inbound,
                    acked: self.sm.acked(),
                    unacked: self.sm.unacked().clone(),
                    jid,
                    expiry: sm::expiry(self.now, max),
                    carried: Carried {
                        roster: self.roster.clone(),
                        presences: self.presences.clone(),
                        presence: self.presence.clone(),
                        server_features: self.server_features.clone(),
                        people: self.people.clone(),
                        groups: self.groups.clone(),
                        confirmed: self.confirmed.clone(),
                        uploads: self.uploads.clone(),
                    },
                })
            }
            // Not resumed yet: the stream we came to resume is still there.
            _ => self.resume_from.take(),
        }
    }

    fn handle_parsed(&mut self, frame: Frame) {
        match frame {
            Frame::Open(_) | Frame::Other(_) => {}
            Frame::Close { see_other_uri } => {
                if matches!(self.state, State::Closing) {
                    return self.end(None);
                }
                self.send(framing::close());
                let reason = match see_other_uri {
                    Some(uri) => format!("see-other-uri {uri}"),
                    None => "closed by the server".to_owned(),
                };
                self.end(Some(SessionError::StreamError(reason)));
            }
            Frame::StreamError(e) => self.end(Some(SessionError::StreamError(e.to_string()))),
            Frame::Features(features) => self.handle_features(&features),
            Frame::Sasl(nonza) => self.handle_sasl(nonza),
            Frame::Sm(nonza) => self.handle_sm(nonza),
            Frame::Iq(iq) => self.handle_iq(*iq),
            Frame::Message(m) => self.handle_message(&m),
            Frame::Presence(p) if self.is_room_presence(&p) => self.handle_room_presence(&p),
            Frame::Presence(p) => {
                match self.presences.handle(&p, &self.config.jid) {
                    Some(PresenceUpdate::Contact {
                        jid,
                        availability,
                        status,
                        idle_since,
                    }) => self.events.push_back(Event::ContactPresence {
                        jid,
                        availability,
                        status,
                        idle_since,
                    }),
                    Some(PresenceUpdate::SubscriptionRequest { from }) => {
                        self.events.push_back(Event::SubscriptionRequest { from })
                    }
                    None => {}
                }
                self.presence_avatar(&p);
            }
        }
    }

    fn handle_features(&mut self, features: &xmpp_parsers::stream_features::StreamFeatures) {
        match self.state {
            State::Opening {
                authenticated: false,
            } => {
                let mech = match sasl::select(
                    &features.sasl_mechanisms,
                    &self.config.credentials,
                    self.config.allow_plain,
                ) {
                    Ok(m) => m,
                    Err(e) => return self.fail(e),
                };
                let Some(user) = self.config.jid.node().map(|n| n.to_string()) else {
                    return self.fail(SessionError::Protocol(
                        "the address has no user name".into(),
                    ));
                };
                let nonce = self.ids.next_id();
                match SaslClient::start(mech, &user, &self.config.credentials, &nonce) {
                    Ok((client, auth)) => {
                        self.send(auth);
                        self.state = State::Authenticating(Box::new(client));
                    }
                    Err(e) => self.fail(e),
                }
            }
            State::Opening {
                authenticated: true,
            } => {
                self.sm_offered = features.stream_management.is_some();
                self.people.set_csi_offered(super::csi::offered(features));
                if let Some(r) = self.resume_from.take() {
                    if self.sm_offered && self.now < r.expiry {
                        self.send(xsm::Resume {
                            h: r.inbound,
                            previd: xsm::StreamId(r.id.clone()),
                        });
                        self.state = State::Resuming(Box::new(r));
                        return;
                    }
                    // Expired or no longer offered: the chat layer re-sends
                    // its pending messages after `Event::Online`.
                }
                self.bind();
            }
            _ => {} // Features at any other time are ignored.
        }
    }

    fn bind(&mut self) {
        let id = self.ids.next_id();
        let bind = Iq::from_set(id, BindQuery::new(self.config.resource.clone()));
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        self.send_iq(bind, IqPurpose::Bind, deadline);
        self.state = State::Binding;
    }

    fn handle_sasl(&mut self, nonza: xmpp_parsers::sasl::Nonza) {
        let State::Authenticating(client) = &mut self.state else {
            return self.fail(SessionError::Protocol(
                "SASL element outside authentication".into(),
            ));
        };
        let from_password = matches!(self.config.credentials, Credentials::Password(_));
        match client.handle(nonza, from_password) {
            Ok(SaslStep::Send(reply)) => self.send(reply),
            Ok(SaslStep::Success { derived_keys }) => {
                self.derived_keys = derived_keys;
                // RFC 6120 §6.4.6: restart the stream after SASL success.
                self.send(framing::open(&self.config.jid));
                self.state = State::Opening {
                    authenticated: true,
                };
            }
            Err(e) => self.fail(e),
        }
    }

    fn handle_sm(&mut self, nonza: xsm::Nonza) {
        match nonza {
            xsm::Nonza::Req(_) if self.sm.is_enabled() => {
                let a = self.sm.answer();
                self.send(a);
            }
            xsm::Nonza::Ack(a) if self.sm.is_enabled() => {
                self.ack_deadline = None;
                let acked = self.sm.ack(a.h);
                if acked.too_high {
                    self.events.push_back(Event::Malformed {
                        reason: format!(
                            "the server acknowledged {} stanzas, more than we sent",
                            a.h
                        ),
                    });
                }
                self.sent(acked.message_ids);
                self.request_ack();
            }
            xsm::Nonza::Enabled(e) if self.sm.is_counting() && !self.sm.is_enabled() => {
                self.sm.enabled(e);
                self.request_ack();
            }
            xsm::Nonza::Resumed(r) => self.resumed(r),
            xsm::Nonza::Failed(f) => {
                if matches!(self.state, State::Resuming(_)) {
                    return self.resume_failed(f);
                }
                if self.sm.is_counting() && !self.sm.is_enabled() {
                    // Our <enable/> was refused: what we sent did leave.
                    let ids = self.sm.refused();
                    self.sent(ids);
                }
            }
            _ => {} // Requests or acks without SM, client-side nonzas: ignored.
        }
    }

    /// `<resumed/>`: the server kept our session.
    fn resumed(&mut self, resumed: xsm::Resumed) {
        let State::Resuming(r) = std::mem::replace(&mut self.state, State::Binding) else {
            return; // Not asked for: ignored.
        };
        let r = *r;
        let Carried {
            roster,
            presences,
            presence,
            server_features,
            people,
            groups,
            uploads,
            ..
        } = r.carried;
        self.roster = roster;
        self.presences = presences;
        self.presence = presence;
        self.server_features = server_features;
        self.people.restore(people);
        self.groups = groups;
        self.uploads = uploads.resumed();
        self.sm = StreamManagement::restored(r.id, r.max, r.inbound, r.acked, r.unacked);
        let (acked, frames) = self.sm.resend_after(resumed.h);
        self.sent(acked.message_ids);
        self.transmit.extend(frames);
        self.request_ack();
        self.deadline = None;
        self.keepalive = Keepalive::new(self.now);
        self.events.push_back(Event::Resumed {
            jid: r.jid.to_string(),
        });
        self.state = State::Online { jid: r.jid };
        self.people_resumed();
        self.uploads_resumed();
    }

    /// `<failed/>` to our `<resume/>`: bind afresh. Stanzas the server
    /// handled (`h`, when given) are reported as sent; the rest is dropped
    /// (the chat layer re-sends its pending messages with the same ids).
    fn resume_failed(&mut self, failed: xsm::Failed) {
        let State::Resuming(r) = std::mem::replace(&mut self.state, State::Binding) else {
            return;
        };
        if let Some(h) = failed.h {
            let mut old = StreamManagement::restored(r.id, r.max, r.inbound, r.acked, r.unacked);
            let acked = old.ack(h);
            self.sent(acked.message_ids);
        }
        self.bind();
    }

    fn handle_reply(&mut self, purpose: IqPurpose, outcome: IqOutcome) {
        match (purpose, outcome) {
            (IqPurpose::Bind, IqOutcome::Result(Some(p))) => {
                match xmpp_parsers::bind::BindResponse::try_from(p) {
                    Ok(bound) => self.go_online(bound.jid),
                    Err(e) => self.fail(SessionError::Protocol(format!("bad bind result: {e}"))),
                }
            }
            (IqPurpose::Bind, IqOutcome::Timeout) => self.fail(SessionError::Timeout),
            (IqPurpose::Bind, o) => self.fail(SessionError::Protocol(format!(
                "resource binding failed: {}",
                online::reason(&o)
            ))),
            (purpose, outcome) => self.handle_online_reply(purpose, outcome),
        }
    }

    /// Bound: enable stream management first (so the server counts what
    /// follows), then roster, presence, disco and carbons.
    fn go_online(&mut self, jid: FullJid) {
        self.deadline = None;
        self.keepalive = Keepalive::new(self.now);
        if self.sm_offered {
            let enable = self.sm.enable();
            self.send(enable);
        }
        self.events.push_back(Event::Online {
            jid: jid.to_string(),
            scram_keys: self.derived_keys.take(),
        });
        self.state = State::Online { jid };
        self.after_bind();
    }

    fn fail_archive(&mut self, query: ArchiveQuery, reason: String) {
        self.events
            .push_back(Event::ArchiveFailed { query, reason });
    }
}

#[cfg(test)]
#[path = "carbons_tests.rs"]
mod carbons_tests;
#[cfg(test)]
#[path = "session_harness.rs"]
mod harness;
#[cfg(test)]
#[path = "mam_tests.rs"]
mod mam_tests;
#[cfg(test)]
#[path = "sm_tests.rs"]
mod sm_tests;
#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
