//! The client session state machine: stream set-up (RFC 6120 §4–7 over
//! RFC 7395 framing), then the online session (roster, presence, messages,
//! IQ bookkeeping and keepalive). No IO: see the module docs in `mod.rs`.

use super::framing::{self, Frame};
use super::iq::{self, IqOutcome, IqPurpose, IqTable, Own, IQ_TIMEOUT};
use super::message::{self, Incoming};
use super::ping::{self, Keepalive, PING_TIMEOUT};
use super::presence::{self, PresenceUpdate, Presences};
use super::sasl::{self, SaslClient, SaslStep};
use super::{disco, roster};
use super::{Config, Credentials, Event, IdSource, Presence, ScramKeys, SessionError};
use crate::chat::{Availability, Millis, Subscription};
use jid::{BareJid, FullJid, Jid};
use minidom::Element;
use std::collections::{BTreeSet, HashMap, VecDeque};
use xmpp_parsers::{
    bind::{BindQuery, BindResponse},
    iq::Iq,
    message::Message,
    ns,
    presence::Type as PresenceType,
    stanza_error::DefinedCondition,
};

/// Time allowed from `start` until the session is online.
const HANDSHAKE_TIMEOUT: Millis = 30_000;
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
    Online {
        jid: FullJid,
    },
    Closing,
    Ended,
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
    now: Millis,
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
            now: 0,
        }
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
            Ok(f) => self.handle_parsed(f),
            Err(e) => self.events.push_back(Event::Malformed {
                reason: e.to_string(),
            }),
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
            let id = self.ids.next_id();
            let server = Jid::from(BareJid::from_parts(None, self.config.jid.domain()));
            let deadline = now.saturating_add(PING_TIMEOUT);
            self.send_iq(ping::request(&id, server), IqPurpose::Ping, deadline);
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
        [self.deadline, self.iqs.next_deadline(), keepalive]
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

    /// Send a chat message; `id` is both the stanza id and the XEP-0359 origin-id.
    pub fn send_message(&mut self, to: &str, body: &str, id: &str) -> Result<(), SessionError> {
        if !self.is_online() {
            return Err(SessionError::ConnectionLost);
        }
        let to =
            Jid::new(to).map_err(|e| SessionError::Protocol(format!("invalid address: {e}")))?;
        self.send(message::outgoing(to, body, id));
        Ok(())
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
            self.send(presence::outgoing(presence));
        }
    }

    /// Unavailable presence and `<close/>`.
    pub fn close(&mut self) {
        match self.state {
            State::Ended | State::Closing => return,
            State::Idle => return self.end(None),
            State::Online { .. } => {
                self.send(presence::outgoing(&Presence {
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
        self.transmit.push_back(framing::to_frame(&element.into()));
    }

    fn send_iq(&mut self, iq: Iq, purpose: IqPurpose, deadline: Millis) {
        self.iqs.insert(iq.to(), iq.id(), purpose, deadline);
        self.send(iq);
    }

    fn fail(&mut self, error: SessionError) {
        self.send(framing::close());
        self.end(Some(error));
    }

    fn end(&mut self, error: Option<SessionError>) {
        if matches!(self.state, State::Ended) {
            return;
        }
        self.state = State::Ended;
        self.iqs.clear();
        self.presences.clear();
        self.deadline = None;
        self.events.push_back(Event::Ended { error });
    }

    fn online_contact(&mut self, jid: &str, request: &str) -> Option<BareJid> {
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
            Frame::Iq(iq) => self.handle_iq(*iq),
            Frame::Message(m) => self.handle_message(&m),
            Frame::Presence(p) => match self.presences.handle(&p, &self.config.jid) {
                Some(PresenceUpdate::Contact {
                    jid,
                    availability,
                    status,
                }) => self.events.push_back(Event::ContactPresence {
                    jid,
                    availability,
                    status,
                }),
                Some(PresenceUpdate::SubscriptionRequest { from }) => {
                    self.events.push_back(Event::SubscriptionRequest { from })
                }
                None => {}
            },
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
                let id = self.ids.next_id();
                let bind = Iq::from_set(id, BindQuery::new(self.config.resource.clone()));
                let deadline = self.now.saturating_add(IQ_TIMEOUT);
                self.send_iq(bind, IqPurpose::Bind, deadline);
                self.state = State::Binding;
            }
            _ => {} // Features at any other time are ignored.
        }
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

    fn handle_iq(&mut self, iq: Iq) {
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
                } else {
                    iq::error_reply(from, id, DefinedCondition::ServiceUnavailable)
                };
                self.send(reply);
            }
            Iq::Set {
                from, id, payload, ..
            } => {
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
                        self.roster
                            .insert(item.jid.clone(), (item.subscription, item.pending_out));
                        self.send(iq::empty_result(from, id));
                        self.events.push_back(Event::RosterPush { item });
                    }
                    Err(e) => {
                        self.send(iq::error_reply(from, id, DefinedCondition::BadRequest));
                        self.events.push_back(Event::Malformed {
                            reason: e.to_string(),
                        });
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

    fn handle_reply(&mut self, purpose: IqPurpose, outcome: IqOutcome) {
        let reason = |o: &IqOutcome| match o {
            IqOutcome::Error(e) => iq::describe_error(e),
            IqOutcome::Timeout => "no answer in time".to_owned(),
            IqOutcome::Result(_) => String::new(),
        };
        match (purpose, outcome) {
            (IqPurpose::Bind, IqOutcome::Result(Some(p))) => match BindResponse::try_from(p) {
                Ok(bound) => self.go_online(bound.jid),
                Err(e) => self.fail(SessionError::Protocol(format!("bad bind result: {e}"))),
            },
            (IqPurpose::Bind, IqOutcome::Timeout) => self.fail(SessionError::Timeout),
            (IqPurpose::Bind, o) => self.fail(SessionError::Protocol(format!(
                "resource binding failed: {}",
                reason(&o)
            ))),
            (IqPurpose::RosterGet, IqOutcome::Result(p)) => match roster::parse_result(p) {
                Ok(items) => {
                    self.roster = items
                        .iter()
                        .map(|i| (i.jid.clone(), (i.subscription, i.pending_out)))
                        .collect();
                    self.events.push_back(Event::Roster { items });
                }
                Err(e) => self.events.push_back(Event::Malformed {
                    reason: e.to_string(),
                }),
            },
            (IqPurpose::RosterGet, o) => self.events.push_back(Event::RequestFailed {
                request: "roster".into(),
                reason: reason(&o),
            }),
            (IqPurpose::RosterSet { .. }, IqOutcome::Result(_)) => {}
            (IqPurpose::RosterSet { jid }, o) => self.events.push_back(Event::RequestFailed {
                request: format!("add contact {jid}"),
                reason: reason(&o),
            }),
            (IqPurpose::DiscoInfo, IqOutcome::Result(p)) => match disco::parse_features(p) {
                Ok(f) => self.server_features = f,
                Err(reason) => self.events.push_back(Event::Malformed { reason }),
            },
            (IqPurpose::DiscoInfo, _) => {}
            (IqPurpose::Ping, IqOutcome::Timeout) => self.end(Some(SessionError::Timeout)),
            (IqPurpose::Ping, _) => self.keepalive.answered(),
        }
    }

    fn go_online(&mut self, jid: FullJid) {
        self.deadline = None;
        self.keepalive = Keepalive::new(self.now);
        self.events.push_back(Event::Online {
            jid: jid.to_string(),
            scram_keys: self.derived_keys.take(),
        });
        self.state = State::Online { jid };
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        let id = self.ids.next_id();
        self.send_iq(roster::get(&id), IqPurpose::RosterGet, deadline);
        if self.presence.availability != Availability::Offline {
            self.send(presence::outgoing(&self.presence.clone()));
        }
        let id = self.ids.next_id();
        let server = Jid::from(BareJid::from_parts(None, self.config.jid.domain()));
        self.send_iq(disco::request(&id, server), IqPurpose::DiscoInfo, deadline);
    }

    fn handle_message(&mut self, m: &Message) {
        match message::incoming(m, &self.config.jid) {
            Incoming::Message(im) => {
                if self.is_online() {
                    let id = self.ids.next_id();
                    if let Some(receipt) = message::receipt_for(m, &id) {
                        self.send(receipt);
                    }
                }
                self.events.push_back(Event::Message(im));
            }
            Incoming::Failed { id, reason } => {
                self.events.push_back(Event::MessageFailed { id, reason })
            }
            Incoming::Receipt { from, id } => self.events.push_back(Event::Receipt { from, id }),
            Incoming::Ignored => {}
        }
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
