//! RFC 6121 §3–4: contacts' presence and subscription requests.
//!
//! A contact may be online with several resources; the UI shows one
//! availability per contact, the "most available" resource's.

use super::Presence as OwnPresence;
use crate::chat::{Availability, Millis};
use jid::{BareJid, Jid};
use std::collections::HashMap;
use xmpp_parsers::presence::{Presence, Show, Type};

/// What a received presence means for the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresenceUpdate {
    Contact {
        jid: String,
        availability: Availability,
        status: Option<String>,
        /// XEP-0319 idle since, of the reported resource.
        idle_since: Option<Millis>,
    },
    SubscriptionRequest {
        from: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    availability: Availability,
    status: Option<String>,
    priority: i8,
    idle_since: Option<Millis>,
}

fn rank(a: Availability) -> u8 {
    match a {
        Availability::Online => 3,
        Availability::Busy => 2,
        Availability::Away => 1,
        Availability::Offline => 0,
    }
}

fn availability(show: Option<&Show>) -> Availability {
    match show {
        None | Some(Show::Chat) => Availability::Online,
        Some(Show::Away) | Some(Show::Xa) => Availability::Away,
        Some(Show::Dnd) => Availability::Busy,
    }
}

fn status(p: &Presence) -> Option<String> {
    p.statuses
        .values()
        .next()
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty())
}

type Reported = (Availability, Option<String>, Option<Millis>);

/// Contacts' resources and what was last reported per contact.
#[derive(Clone, Default)]
pub struct Presences {
    resources: HashMap<String, HashMap<String, Entry>>,
    reported: HashMap<String, Reported>,
}

impl Presences {
    /// Handles a presence from someone else; `None` when nothing changed
    /// or the presence is not for us to report.
    pub fn handle(&mut self, p: &Presence, own: &BareJid) -> Option<PresenceUpdate> {
        let from = p.from.as_ref()?;
        let bare = from.to_bare();
        if bare == *own {
            return None; // Our other resources: not a contact.
        }
        let key = bare.to_string();
        let resource = from.resource().map(|r| r.to_string()).unwrap_or_default();
        match p.type_ {
            Type::Subscribe => return Some(PresenceUpdate::SubscriptionRequest { from: key }),
            Type::None => {
                let entry = Entry {
                    availability: availability(p.show.as_ref()),
                    status: status(p),
                    priority: p.priority.0,
                    idle_since: super::idle::parse(p),
                };
                self.resources
                    .entry(key.clone())
                    .or_default()
                    .insert(resource, entry);
            }
            Type::Unavailable => {
                if let Some(map) = self.resources.get_mut(&key) {
                    if resource.is_empty() {
                        map.clear(); // Bare unavailable: every resource is gone.
                    } else {
                        map.remove(&resource);
                    }
                }
            }
            _ => return None,
        }
        let (availability, status, idle_since) = self.aggregate(&key, p);
        let now = (availability, status.clone(), idle_since);
        if self.reported.get(&key) == Some(&now) {
            return None;
        }
        self.reported.insert(key.clone(), now);
        Some(PresenceUpdate::Contact {
            jid: key,
            availability,
            status,
            idle_since,
        })
    }

    fn aggregate(&mut self, key: &str, last: &Presence) -> Reported {
        let best = self.resources.get(key).and_then(|m| {
            m.values()
                .max_by_key(|e| (rank(e.availability), e.priority))
                .cloned()
        });
        match best {
            Some(e) => (e.availability, e.status, e.idle_since),
            None => {
                self.resources.remove(key);
                (Availability::Offline, status(last), None)
            }
        }
    }

    /// Forget everything (the stream ended).
    pub fn clear(&mut self) {
        self.resources.clear();
        self.reported.clear();
    }
}

/// Our own broadcast presence.
pub fn outgoing(own: &OwnPresence) -> Presence {
    let mut p = match own.availability {
        Availability::Offline => Presence::unavailable(),
        Availability::Online => Presence::available(),
        Availability::Away => Presence::available().with_show(Show::Away),
        Availability::Busy => Presence::available().with_show(Show::Dnd),
    };
    if let Some(s) = own.status.as_deref().filter(|s| !s.is_empty()) {
        p.set_status("", s);
    }
    p
}

/// A directed subscription-management presence (`subscribe`, `subscribed`, …).
pub fn directed(type_: Type, to: BareJid) -> Presence {
    Presence::new(type_).with_to(Jid::from(to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minidom::Element;

    fn own() -> BareJid {
        BareJid::new("me@example.org").unwrap()
    }

    fn p(s: &str) -> Presence {
        Presence::try_from(s.parse::<Element>().unwrap()).unwrap()
    }

    fn contact(jid: &str, a: Availability, status: Option<&str>) -> Option<PresenceUpdate> {
        Some(PresenceUpdate::Contact {
            jid: jid.into(),
            availability: a,
            status: status.map(str::to_owned),
            idle_since: None,
        })
    }

    #[test]
    fn presence_is_aggregated_over_resources() {
        let mut ps = Presences::default();
        let b = "bob@example.org";
        assert_eq!(
            ps.handle(&p("<presence xmlns='jabber:client' from='bob@example.org/phone'><show>away</show></presence>"), &own()),
            contact(b, Availability::Away, None)
        );
        assert_eq!(
            ps.handle(&p("<presence xmlns='jabber:client' from='bob@example.org/pc'><status>here</status></presence>"), &own()),
            contact(b, Availability::Online, Some("here"))
        );
        // The phone going xa changes nothing visible.
        assert_eq!(
            ps.handle(&p("<presence xmlns='jabber:client' from='bob@example.org/phone'><show>xa</show></presence>"), &own()),
            None
        );
        assert_eq!(
            ps.handle(&p("<presence xmlns='jabber:client' type='unavailable' from='bob@example.org/pc'/>"), &own()),
            contact(b, Availability::Away, None)
        );
        assert_eq!(
            ps.handle(&p("<presence xmlns='jabber:client' type='unavailable' from='bob@example.org/phone'/>"), &own()),
            contact(b, Availability::Offline, None)
        );
    }

    #[test]
    fn dnd_is_busy() {
        let mut ps = Presences::default();
        assert_eq!(
            ps.handle(&p("<presence xmlns='jabber:client' from='c@example.org/x'><show>dnd</show></presence>"), &own()),
            contact("c@example.org", Availability::Busy, None)
        );
    }

    #[test]
    fn subscribe_is_a_request() {
        let mut ps = Presences::default();
        assert_eq!(
            ps.handle(
                &p("<presence xmlns='jabber:client' type='subscribe' from='c@example.org'/>"),
                &own()
            ),
            Some(PresenceUpdate::SubscriptionRequest {
                from: "c@example.org".into()
            })
        );
    }

    #[test]
    fn our_own_resources_are_not_contacts() {
        let mut ps = Presences::default();
        assert_eq!(
            ps.handle(
                &p("<presence xmlns='jabber:client' from='me@example.org/other'/>"),
                &own()
            ),
            None
        );
    }

    #[test]
    fn own_presence_maps_to_show() {
        let out = outgoing(&OwnPresence {
            availability: Availability::Busy,
            status: Some("work".into()),
        });
        let expected: Element =
            "<presence xmlns='jabber:client'><show>dnd</show><status>work</status><priority>0</priority></presence>".parse().unwrap();
        assert_eq!(Element::from(out), expected);
    }
}
