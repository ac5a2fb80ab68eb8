//! Typing and presence in the online session: XEP-0085 chat states,
//! XEP-0319 idle and XEP-0012 last activity (with the "share last seen"
//! privacy setting), XEP-0352 client state indication, XEP-0191 blocking
//! and XEP-0115 caps in our presence. Nick and avatar are in `profile`.

use super::super::blocking::{self, BlockList, Push};
use super::super::chatstates::{self, ChatState};
use super::super::iq::{self, IqOutcome, IqPurpose, IQ_TIMEOUT};
use super::super::{avatar::Announced, caps, csi, disco, idle, last, presence, roster};
use super::super::{Event, Presence};
use super::online::reason;
use super::profile::Avatars;
use super::Session;
use crate::chat::{Availability, Millis};
use jid::{BareJid, Jid};
use minidom::Element;
use xmpp_parsers::{
    iq::Iq,
    message::{Message, MessageType},
    ns,
    presence::Presence as XmppPresence,
    stanza_error::DefinedCondition,
};

/// The people requests waiting for an answer (`IqPurpose::People`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeopleQuery {
    BlockList,
    Block {
        jid: String,
    },
    /// `None`: unblock everyone.
    Unblock {
        jid: Option<String>,
    },
    LastActivity {
        jid: String,
    },
    PublishNick,
    /// The image is stored; its metadata goes out next.
    PublishAvatarData {
        announced: Announced,
    },
    PublishAvatarMetadata,
    FetchNick {
        jid: String,
    },
    /// XEP-0084 data; on failure the vCard is tried.
    FetchAvatar {
        jid: String,
        hash: String,
    },
    FetchVCard {
        jid: String,
        hash: String,
    },
    /// Our vCard, to put the new photo in it (servers without XEP-0398).
    OwnVCard,
    SetOwnVCard,
}

/// Typing, presence and people state; carried across a resumed stream.
#[derive(Clone, Debug)]
pub struct People {
    /// XEP-0319: the user is idle since (set by the shell).
    idle_since: Option<Millis>,
    /// XEP-0352: the user looks at the app.
    active: bool,
    /// The post-auth stream features offered XEP-0352.
    csi_offered: bool,
    pub(super) blocked: BlockList,
    pub(super) avatars: Avatars,
}

impl Default for People {
    fn default() -> Self {
        Self {
            idle_since: None,
            active: true,
            csi_offered: false,
            blocked: BlockList::default(),
            avatars: Avatars::default(),
        }
    }
}

impl People {
    /// The stream features just read (before bind or resume).
    pub(super) fn set_csi_offered(&mut self, offered: bool) {
        self.csi_offered = offered;
    }

    /// What a resumed stream takes over from the old one; the new
    /// stream's features stay.
    pub(super) fn restore(&mut self, old: People) {
        let csi_offered = self.csi_offered;
        *self = People { csi_offered, ..old };
    }
}

impl Session {
    /// XEP-0085: tell `to` (a bare JID) that we are typing, paused, … A
    /// standalone state message (no body, `<no-store/>`). Sent only to
    /// roster contacts unless `receipts_for_strangers`, never to a blocked
    /// JID; nothing happens when offline.
    pub fn send_chat_state(&mut self, to: &str, state: ChatState) {
        if !self.is_online() {
            return;
        }
        let Ok(bare) = BareJid::new(to) else {
            return;
        };
        let to = Jid::from(bare);
        if !self.may_confirm(to.as_str()) || self.people.blocked.blocks(&to) {
            return;
        }
        let id = self.ids.next_id();
        self.send(chatstates::standalone(to, MessageType::Chat, state, &id));
    }

    /// XEP-0319: the user is idle since `since` (ms since the epoch), or
    /// active again (`None`). Our presence carries it when
    /// `Config::share_last_seen`; re-sent at once when online.
    pub fn set_idle(&mut self, since: Option<Millis>) {
        if self.people.idle_since == since {
            return;
        }
        self.people.idle_since = since;
        if self.config.share_last_seen {
            self.resend_presence();
        }
    }

    /// Our presence and XEP-0319 idle time at once, as one stanza: going
    /// idle also turns "online" into "away" (the shell decides), and
    /// contacts should see one change, not two. Nothing is sent when
    /// neither changed, or when only an unshared idle time did; when not
    /// online both become the initial presence of the next bind.
    pub fn set_presence_idle(&mut self, presence: &Presence, idle_since: Option<Millis>) {
        let presence_changed = self.presence != *presence;
        if !presence_changed && self.people.idle_since == idle_since {
            return;
        }
        self.presence = presence.clone();
        self.people.idle_since = idle_since;
        let visible = presence_changed
            || (self.config.share_last_seen && presence.availability != Availability::Offline);
        if visible && self.is_online() {
            let p = self.own_presence();
            self.send(p);
        }
    }

    /// Privacy: share our idle time (presence and XEP-0012 answers).
    pub fn set_share_last_seen(&mut self, share: bool) {
        if self.config.share_last_seen == share {
            return;
        }
        self.config.share_last_seen = share;
        if self.people.idle_since.is_some() {
            self.resend_presence();
        }
    }

    /// XEP-0352: the tab became visible (`true`) or hidden (`false`). Sent
    /// only when the server offers CSI, and only on a change; the state is
    /// sent again after a reconnect or resumption.
    pub fn set_active(&mut self, active: bool) {
        if self.people.active == active {
            return;
        }
        self.people.active = active;
        if self.is_online() && self.people.csi_offered {
            self.send(csi::nonza(active));
        }
    }

    /// XEP-0012: when `jid` (asked of its bare JID: the server answers
    /// for an offline account) was last active → `Event::LastSeen`, or
    /// `Event::RequestFailed` ("last seen JID").
    pub fn fetch_last_activity(&mut self, jid: &str) {
        let Some(bare) = self.online_contact(jid, &format!("last seen {jid}")) else {
            return;
        };
        let id = self.ids.next_id();
        let purpose = IqPurpose::People(PeopleQuery::LastActivity {
            jid: bare.to_string(),
        });
        self.people_iq(last::request(&id, Jid::from(bare)), purpose);
    }

    /// XEP-0191: block `jid` → `Event::Blocked` (or `RequestFailed`
    /// "block JID").
    pub fn block(&mut self, jid: &str) {
        let Some(bare) = self.online_contact(jid, &format!("block {jid}")) else {
            return;
        };
        let id = self.ids.next_id();
        let purpose = IqPurpose::People(PeopleQuery::Block {
            jid: bare.to_string(),
        });
        self.people_iq(blocking::block(&id, Jid::from(bare)), purpose);
    }

    /// XEP-0191: unblock `jid` → `Event::Unblocked`.
    pub fn unblock(&mut self, jid: &str) {
        let Some(bare) = self.online_contact(jid, &format!("unblock {jid}")) else {
            return;
        };
        let id = self.ids.next_id();
        let purpose = IqPurpose::People(PeopleQuery::Unblock {
            jid: Some(bare.to_string()),
        });
        self.people_iq(blocking::unblock(&id, Some(Jid::from(bare))), purpose);
    }

    /// XEP-0191: unblock everyone → `Event::BlockList { jids: [] }`.
    pub fn unblock_all(&mut self) {
        if !self.is_online() {
            return self.events.push_back(Event::RequestFailed {
                request: "unblock everyone".into(),
                reason: "not connected".into(),
            });
        }
        let id = self.ids.next_id();
        let purpose = IqPurpose::People(PeopleQuery::Unblock { jid: None });
        self.people_iq(blocking::unblock(&id, None), purpose);
    }

    // ---- internals ----

    pub(super) fn people_iq(&mut self, iq: Iq, purpose: IqPurpose) {
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        self.send_iq(iq, purpose, deadline);
    }

    /// Our presence: availability and status, XEP-0115 caps, and XEP-0319
    /// idle when the user is idle and shares it.
    pub(super) fn own_presence(&self) -> XmppPresence {
        let mut p = presence::outgoing(&self.presence);
        if self.presence.availability == Availability::Offline {
            return p;
        }
        p.payloads.push(caps::ours(&disco::our_info()).into());
        if self.config.share_last_seen {
            if let Some(i) = self.people.idle_since.and_then(idle::element) {
                p.payloads.push(i.into());
            }
        }
        p
    }

    fn resend_presence(&mut self) {
        if self.is_online() && self.presence.availability != Availability::Offline {
            let p = self.own_presence();
            self.send(p);
        }
    }

    /// After a fresh bind: the CSI state again (the server starts active).
    pub(super) fn people_online(&mut self) {
        self.people.avatars.clear();
        self.people.blocked.clear();
        self.resend_csi();
    }

    /// After `<resumed/>`.
    pub(super) fn people_resumed(&mut self) {
        self.resend_csi();
    }

    fn resend_csi(&mut self) {
        if !self.people.active && self.people.csi_offered {
            self.send(csi::nonza(false));
        }
    }

    /// The server's disco#info arrived: fetch the block list if it can.
    pub(super) fn after_server_disco(&mut self) {
        if self.server_features.contains(ns::BLOCKING) {
            let id = self.ids.next_id();
            self.people_iq(
                blocking::request(&id),
                IqPurpose::People(PeopleQuery::BlockList),
            );
        }
    }

    /// Screens a message (live or a carbon's inner message) before the
    /// usual handling: `false` drops it (a blocked sender: XEP-0191 makes
    /// the server drop those, we do too). A one-to-one chat state from
    /// someone else is reported; ours (other devices, sent carbons) never.
    pub(super) fn screen(&mut self, m: &Message) -> bool {
        let Some(from) = m.from.as_ref() else {
            return true;
        };
        let bare = from.to_bare();
        if bare == self.config.jid {
            return true;
        }
        if self.people.blocked.blocks(from) {
            return false;
        }
        if matches!(m.type_, MessageType::Chat | MessageType::Normal) {
            if let Some(state) = chatstates::parse(m) {
                self.events.push_back(Event::ChatState {
                    from: bare.to_string(),
                    state,
                });
            }
        }
        true
    }

    /// Whether `from` (of an IQ) is our own account or server, or a
    /// contact we may tell about ourselves.
    fn may_tell(&self, from: Option<&Jid>) -> bool {
        match from {
            None => true,
            Some(f) => {
                let bare = f.to_bare();
                bare == self.config.jid
                    || bare.as_str() == self.config.jid.domain().as_str()
                    || self.may_confirm(bare.as_str())
            }
        }
    }

    /// Answers the IQ gets of the people features, `None` for any other.
    pub(super) fn people_get(&self, from: &Option<Jid>, id: &str, payload: &Element) -> Option<Iq> {
        if last::is_query(payload) {
            if !self.config.share_last_seen || !self.may_tell(from.as_ref()) {
                return Some(iq::error_reply(
                    from.clone(),
                    id.to_owned(),
                    DefinedCondition::ServiceUnavailable,
                ));
            }
            let idle_ms = self
                .people
                .idle_since
                .map_or(0, |t| self.now.saturating_sub(t));
            return Some(Iq::Result {
                from: None,
                to: from.clone(),
                id: id.to_owned(),
                payload: Some(last::answer(idle_ms / 1000)),
            });
        }
        let info = disco::our_info();
        if caps::is_our_node_query(payload, &info) {
            let node = format!("{}#{}", caps::NODE, caps::ver(&info));
            let mut answer = info;
            answer.node = Some(node);
            return Some(Iq::Result {
                from: None,
                to: from.clone(),
                id: id.to_owned(),
                payload: Some(answer.into()),
            });
        }
        None
    }

    /// Handles an IQ set of the people features (block-list pushes);
    /// `false` for any other.
    pub(super) fn people_set(&mut self, from: &Option<Jid>, id: &str, payload: &Element) -> bool {
        let Some(push) = blocking::parse_push(payload) else {
            return false;
        };
        if !roster::is_trusted_push(from.as_ref(), &self.config.jid) {
            // XEP-0191 §3.3: only our own server pushes block-list changes.
            return true;
        }
        match push {
            Ok(push) => {
                self.send(iq::empty_result(from.clone(), id.to_owned()));
                self.block_list_changed(push);
            }
            Err(e) => {
                let reply =
                    iq::error_reply(from.clone(), id.to_owned(), DefinedCondition::BadRequest);
                self.send(reply);
                self.malformed(e);
            }
        }
        true
    }

    fn block_list_changed(&mut self, push: Push) {
        match push {
            Push::Block(jids) => {
                for jid in jids {
                    if self.people.blocked.insert(&jid) {
                        self.events.push_back(Event::Blocked { jid });
                    }
                }
            }
            Push::Unblock(jids) if jids.is_empty() => {
                self.people.blocked.clear();
                self.events.push_back(Event::BlockList { jids });
            }
            Push::Unblock(jids) => {
                for jid in jids {
                    if self.people.blocked.remove(&jid) {
                        self.events.push_back(Event::Unblocked { jid });
                    }
                }
            }
        }
    }

    fn request_failed(&mut self, request: String, outcome: &IqOutcome) {
        self.events.push_back(Event::RequestFailed {
            request,
            reason: reason(outcome),
        });
    }

    pub(super) fn people_reply(&mut self, query: PeopleQuery, outcome: IqOutcome) {
        match (query, outcome) {
            (PeopleQuery::BlockList, IqOutcome::Result(p)) => match blocking::parse_list(p) {
                Ok(jids) => {
                    self.people.blocked.replace(&jids);
                    self.events.push_back(Event::BlockList { jids });
                }
                Err(e) => self.malformed(e),
            },
            (PeopleQuery::BlockList, o) => self.request_failed("load the block list".into(), &o),
            (PeopleQuery::Block { jid }, IqOutcome::Result(_)) => {
                self.block_list_changed(Push::Block(vec![jid]))
            }
            (PeopleQuery::Block { jid }, o) => self.request_failed(format!("block {jid}"), &o),
            (PeopleQuery::Unblock { jid }, IqOutcome::Result(_)) => {
                self.block_list_changed(Push::Unblock(jid.into_iter().collect()))
            }
            (PeopleQuery::Unblock { jid }, o) => {
                let request = match jid {
                    Some(jid) => format!("unblock {jid}"),
                    None => "unblock everyone".to_owned(),
                };
                self.request_failed(request, &o)
            }
            (PeopleQuery::LastActivity { jid }, IqOutcome::Result(p)) => {
                match last::parse_result(p) {
                    Ok(seconds_ago) => {
                        let at = self.now.saturating_sub(seconds_ago.saturating_mul(1000));
                        self.events.push_back(Event::LastSeen {
                            jid,
                            seconds_ago,
                            at,
                        });
                    }
                    Err(e) => self.events.push_back(Event::RequestFailed {
                        request: format!("last seen {jid}"),
                        reason: e.to_string(),
                    }),
                }
            }
            (PeopleQuery::LastActivity { jid }, o) => {
                self.request_failed(format!("last seen {jid}"), &o)
            }
            (query, outcome) => self.profile_reply(query, outcome),
        }
    }
}

#[cfg(test)]
#[path = "../blocking_tests.rs"]
mod blocking_tests;
#[cfg(test)]
#[path = "../chatstates_tests.rs"]
mod chatstates_tests;
#[cfg(test)]
#[path = "../idle_tests.rs"]
mod idle_tests;
