//! Profiles in the online session: XEP-0172 nicknames and XEP-0084
//! avatars over PEP, with XEP-0153/XEP-0054 vCard avatars as the fallback
//! for contacts that have no XEP-0084 avatar.

use super::super::avatar::{self, Announced, AvatarError};
use super::super::iq::{IqOutcome, IqPurpose};
use super::super::pep;
use super::super::vcard::COPY_TO_VCARD;
use super::super::{nick, vcard, Event};
use super::online::reason;
use super::people::PeopleQuery;
use super::Session;
use jid::BareJid;
use std::collections::HashMap;
use xmpp_parsers::{
    message::Message,
    presence::{Presence, Type as PresenceType},
    stanza_error::DefinedCondition,
};

/// Where a contact's avatar comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// XEP-0084 metadata (a PEP notification).
    Pep,
    /// A XEP-0153 hash in presence.
    VCard,
}

#[derive(Clone, Debug)]
struct Known {
    hash: Option<String>,
    source: Source,
    /// The type the metadata announced.
    mime: Option<String>,
}

/// The avatar hash last reported per contact (bare JID), so a XEP-0153
/// hash that repeats what PEP said (XEP-0398) is not reported twice.
#[derive(Clone, Debug, Default)]
pub struct Avatars {
    known: HashMap<String, Known>,
    /// The server converts between PEP avatars and vCard photos itself
    /// (XEP-0398, from the account's disco#info); `None` until known.
    pub(super) vcard_conversion: Option<bool>,
    /// Our new photo (`Some(None)`: removed), to copy into our vCard for
    /// vCard-only clients (XEP-0153) once PEP has it.
    own_photo: Option<Option<(String, Vec<u8>)>>,
}

/// XEP-0398's disco#info feature on the account.
pub const PEP_VCARD_CONVERSION: &str = "urn:xmpp:pep-vcard-conversion:0";

impl Avatars {
    pub fn clear(&mut self) {
        self.known.clear();
        self.own_photo = None;
    }

    /// Records what `jid`'s avatar is; `true` when the hash changed.
    fn record(&mut self, jid: &str, known: Known) -> bool {
        let changed = self.known.get(jid).is_none_or(|k| k.hash != known.hash);
        self.known.insert(jid.to_owned(), known);
        changed
    }

    fn source(&self, jid: &str, hash: &str) -> Option<&Known> {
        self.known
            .get(jid)
            .filter(|k| k.hash.as_deref() == Some(hash))
    }
}

impl Session {
    /// XEP-0172: publish our nickname (readable by our contacts);
    /// `RequestFailed` ("set nickname") when the server refuses.
    pub fn set_nick(&mut self, nick: &str) {
        if !self.is_online() {
            return self.not_connected("set nickname");
        }
        let id = self.ids.next_id();
        self.people_iq(
            nick::publish(&id, nick.trim()),
            IqPurpose::People(PeopleQuery::PublishNick),
        );
    }

    /// XEP-0172: ask `jid`'s nickname → `Event::NickChanged`.
    pub fn fetch_nick(&mut self, jid: &str) {
        let Some(bare) = self.online_contact(jid, &format!("get the nickname of {jid}")) else {
            return;
        };
        let id = self.ids.next_id();
        let purpose = IqPurpose::People(PeopleQuery::FetchNick {
            jid: bare.to_string(),
        });
        self.people_iq(nick::fetch(&id, bare), purpose);
    }

    /// XEP-0084: publish our avatar: the image (`mime`, e.g. "image/png",
    /// `width`×`height` pixels) to the data node, then its metadata; both
    /// readable by our contacts. Our own PEP notification then reports
    /// `Event::AvatarChanged` for our JID; `RequestFailed` ("set avatar")
    /// when the server refuses.
    pub fn set_avatar(&mut self, mime: &str, data: Vec<u8>, width: u16, height: u16) {
        if !self.is_online() {
            return self.not_connected("set avatar");
        }
        let Ok(bytes) = u32::try_from(data.len()) else {
            return self.events.push_back(Event::RequestFailed {
                request: "set avatar".into(),
                reason: "the image is too large".into(),
            });
        };
        let hash = avatar::sha1_hex(&data);
        self.people.avatars.own_photo = Some(Some((mime.to_owned(), data.clone())));
        let announced = Announced {
            hash: hash.clone(),
            bytes,
            mime: mime.to_owned(),
            width: Some(width),
            height: Some(height),
        };
        let id = self.ids.next_id();
        self.people_iq(
            avatar::publish_data(&id, &hash, data),
            IqPurpose::People(PeopleQuery::PublishAvatarData { announced }),
        );
    }

    /// XEP-0084: say we have no avatar (an empty metadata item).
    pub fn remove_avatar(&mut self) {
        if !self.is_online() {
            return self.not_connected("remove avatar");
        }
        self.people.avatars.own_photo = Some(None);
        self.publish_avatar_metadata(None);
    }

    /// The image `hash` of `jid` (announced by `Event::AvatarChanged`) →
    /// `Event::Avatar`, its SHA-1 checked. From XEP-0084 PEP, or the
    /// vCard when the hash came from a XEP-0153 presence or PEP has no
    /// such image. `RequestFailed` ("get the avatar of JID") otherwise.
    pub fn fetch_avatar(&mut self, jid: &str, hash: &str) {
        let request = format!("get the avatar of {jid}");
        let Some(bare) = self.online_contact(jid, &request) else {
            return;
        };
        let jid = bare.to_string();
        let hash = hash.to_ascii_lowercase();
        let from_vcard = self
            .people
            .avatars
            .source(&jid, &hash)
            .is_some_and(|k| k.source == Source::VCard);
        if from_vcard {
            return self.fetch_vcard(bare, hash);
        }
        let id = self.ids.next_id();
        self.people_iq(
            avatar::fetch_data(&id, bare, &hash),
            IqPurpose::People(PeopleQuery::FetchAvatar { jid, hash }),
        );
    }

    // ---- internals ----

    fn not_connected(&mut self, request: &str) {
        self.events.push_back(Event::RequestFailed {
            request: request.to_owned(),
            reason: "not connected".into(),
        });
    }

    fn publish_avatar_metadata(&mut self, announced: Option<&Announced>) {
        let id = self.ids.next_id();
        match avatar::publish_metadata(&id, announced) {
            Ok(iq) => self.people_iq(iq, IqPurpose::People(PeopleQuery::PublishAvatarMetadata)),
            Err(e) => self.events.push_back(Event::RequestFailed {
                request: "set avatar".into(),
                reason: e.to_string(),
            }),
        }
    }

    fn fetch_vcard(&mut self, bare: BareJid, hash: String) {
        let id = self.ids.next_id();
        let jid = bare.to_string();
        self.people_iq(
            vcard::request(&id, bare),
            IqPurpose::People(PeopleQuery::FetchVCard { jid, hash }),
        );
    }

    /// A PEP notification about a nick or avatar: reported, `true`. Any
    /// other message: `false`.
    pub(super) fn people_event(&mut self, m: &Message) -> bool {
        let Some(n) = pep::notification(m, &[nick::NODE, avatar::METADATA]) else {
            return false;
        };
        if self.people.blocked.blocks(&n.from.clone().into()) {
            return true;
        }
        let jid = n.from.to_string();
        if n.node == nick::NODE {
            let nick = nick::from_items(&n.items);
            self.events.push_back(Event::NickChanged { jid, nick });
            return true;
        }
        let announced = avatar::from_metadata(&n.items);
        let known = Known {
            hash: announced.as_ref().map(|a| a.hash.clone()),
            source: Source::Pep,
            mime: announced.map(|a| a.mime),
        };
        let hash = known.hash.clone();
        if self.people.avatars.record(&jid, known) {
            self.events.push_back(Event::AvatarChanged { jid, hash });
        }
        true
    }

    /// XEP-0153: an avatar hash in a contact's presence, used when the
    /// contact has no XEP-0084 avatar.
    pub(super) fn presence_avatar(&mut self, p: &Presence) {
        let Some(from) = p.from.as_ref() else {
            return;
        };
        let bare = from.to_bare();
        if bare == self.config.jid || p.type_ != PresenceType::None {
            return;
        }
        let Some(hash) = vcard::update_hash(p) else {
            return;
        };
        let jid = bare.to_string();
        if let Some(k) = self.people.avatars.known.get(&jid) {
            if k.hash == hash || (k.source == Source::Pep && k.hash.is_some()) {
                return; // The same image, or PEP has the authoritative one.
            }
        }
        let known = Known {
            hash: hash.clone(),
            source: Source::VCard,
            mime: None,
        };
        if self.people.avatars.record(&jid, known) {
            self.events.push_back(Event::AvatarChanged { jid, hash });
        }
    }

    fn avatar_fetched(&mut self, jid: String, hash: String, mime: Option<String>, data: Vec<u8>) {
        let mime = mime
            .filter(|m| !m.is_empty())
            .or_else(|| {
                self.people
                    .avatars
                    .source(&jid, &hash)
                    .and_then(|k| k.mime.clone())
            })
            .unwrap_or_else(|| avatar::sniff(&data).to_owned());
        self.events.push_back(Event::Avatar {
            jid,
            hash,
            mime,
            data,
        });
    }

    fn avatar_failed(&mut self, jid: &str, reason: String) {
        self.events.push_back(Event::RequestFailed {
            request: format!("get the avatar of {jid}"),
            reason,
        });
    }

    pub(super) fn profile_reply(&mut self, query: PeopleQuery, outcome: IqOutcome) {
        match (query, outcome) {
            (PeopleQuery::PublishNick, IqOutcome::Result(_)) => {}
            (PeopleQuery::PublishNick, o) => self.events.push_back(Event::RequestFailed {
                request: "set nickname".into(),
                reason: reason(&o),
            }),
            (PeopleQuery::PublishAvatarData { announced }, IqOutcome::Result(_)) => {
                // XEP-0084 §4.1: the metadata only once the data is stored.
                self.publish_avatar_metadata(Some(&announced))
            }
            (PeopleQuery::PublishAvatarMetadata, IqOutcome::Result(_)) => self.mirror_to_vcard(),
            (PeopleQuery::OwnVCard, o) => self.own_vcard(o),
            (PeopleQuery::SetOwnVCard, IqOutcome::Result(_)) => {}
            (PeopleQuery::SetOwnVCard, o) => self.events.push_back(Event::RequestFailed {
                request: COPY_TO_VCARD.into(),
                reason: reason(&o),
            }),
            (PeopleQuery::PublishAvatarData { .. } | PeopleQuery::PublishAvatarMetadata, o) => {
                self.events.push_back(Event::RequestFailed {
                    request: "set avatar".into(),
                    reason: reason(&o),
                })
            }
            (PeopleQuery::FetchNick { jid }, IqOutcome::Result(p)) => {
                match pep::parse_items(p, nick::NODE) {
                    Ok(items) => self.events.push_back(Event::NickChanged {
                        jid,
                        nick: nick::from_items(&items),
                    }),
                    Err(e) => self.malformed(e),
                }
            }
            (PeopleQuery::FetchNick { jid }, IqOutcome::Error(e))
                if e.defined_condition == DefinedCondition::ItemNotFound =>
            {
                self.events
                    .push_back(Event::NickChanged { jid, nick: None })
            }
            (PeopleQuery::FetchNick { jid }, o) => self.events.push_back(Event::RequestFailed {
                request: format!("get the nickname of {jid}"),
                reason: reason(&o),
            }),
            (PeopleQuery::FetchAvatar { jid, hash }, IqOutcome::Result(p)) => {
                let data = pep::parse_items(p, avatar::DATA)
                    .map_err(AvatarError::Invalid)
                    .and_then(|items| avatar::data_from_items(items, &hash));
                match data {
                    Ok(data) => self.avatar_fetched(jid, hash, None, data),
                    Err(e @ AvatarError::HashMismatch { .. }) => {
                        self.avatar_failed(&jid, e.to_string())
                    }
                    // Not in PEP: perhaps in the vCard.
                    Err(_) => self.vcard_fallback(jid, hash),
                }
            }
            (PeopleQuery::FetchAvatar { jid, hash }, IqOutcome::Error(_)) => {
                self.vcard_fallback(jid, hash)
            }
            (PeopleQuery::FetchAvatar { jid, .. }, o) => self.avatar_failed(&jid, reason(&o)),
            (PeopleQuery::FetchVCard { jid, hash }, IqOutcome::Result(p)) => {
                match vcard::photo(p) {
                    Ok(Some((mime, data))) => match avatar::verify(&data, &hash) {
                        Ok(()) => self.avatar_fetched(jid, hash, Some(mime), data),
                        Err(e) => self.avatar_failed(&jid, e.to_string()),
                    },
                    Ok(None) => self.avatar_failed(&jid, "no photo in the vCard".into()),
                    Err(e) => self.avatar_failed(&jid, e),
                }
            }
            (PeopleQuery::FetchVCard { jid, .. }, o) => self.avatar_failed(&jid, reason(&o)),
            // Answered in `people`.
            (
                PeopleQuery::BlockList
                | PeopleQuery::Block { .. }
                | PeopleQuery::Unblock { .. }
                | PeopleQuery::LastActivity { .. },
                _,
            ) => {}
        }
    }

    /// XEP-0153 for clients that only read vCards, on servers that do not
    /// convert (XEP-0398): our vCard gets the new photo too, its other
    /// fields kept (read, change, write).
    fn mirror_to_vcard(&mut self) {
        if self.people.avatars.vcard_conversion == Some(true)
            || self.people.avatars.own_photo.is_none()
        {
            self.people.avatars.own_photo = None;
            return;
        }
        let id = self.ids.next_id();
        self.people_iq(
            vcard::request_own(&id),
            IqPurpose::People(PeopleQuery::OwnVCard),
        );
    }

    fn own_vcard(&mut self, o: IqOutcome) {
        let Some(photo) = self.people.avatars.own_photo.take() else {
            return;
        };
        let current = match o {
            IqOutcome::Result(p) => match vcard::parse(p) {
                Ok(v) => v,
                Err(e) => return self.malformed(e),
            },
            // No vCard yet.
            IqOutcome::Error(e) if e.defined_condition == DefinedCondition::ItemNotFound => None,
            other => {
                return self.events.push_back(Event::RequestFailed {
                    request: COPY_TO_VCARD.into(),
                    reason: reason(&other),
                })
            }
        };
        let photo = photo.as_ref().map(|(m, d)| (m.as_str(), d.clone()));
        let updated = vcard::with_photo(current, photo);
        let id = self.ids.next_id();
        self.people_iq(
            vcard::set_own(&id, updated),
            IqPurpose::People(PeopleQuery::SetOwnVCard),
        );
    }

    fn vcard_fallback(&mut self, jid: String, hash: String) {
        match BareJid::new(&jid) {
            Ok(bare) => self.fetch_vcard(bare, hash),
            Err(e) => self.avatar_failed(&jid, e.to_string()),
        }
    }
}

#[cfg(test)]
#[path = "../profile_tests.rs"]
mod profile_tests;
