//! XEP-0045 presence and groupchat messages, XEP-0249 direct invitations and
//! XEP-0045 §7.8.2 mediated invitations: building what we send and reading
//! what rooms send, without any room state.

use super::muc::{child_text, text_el, with_attr, Affiliation, Invitation, Role, RoomMessage};
use crate::chat::Availability;
use jid::{BareJid, FullJid, Jid};
use minidom::Element;
use xmpp_parsers::{
    message::{Id, Lang, Message, MessageType},
    muc::muc::{History, Muc},
    ns,
    presence::{Presence, Show, Type},
    stanza_error::StanzaError,
    stanza_id::OriginId,
};

/// XEP-0249 direct invitations.
pub const NS_CONFERENCE: &str = "jabber:x:conference";

/// Join presence: `<x xmlns='…muc'><history maxchars='0'/></x>` (history
/// comes from the room archive instead), with the password if any.
pub fn join(to: FullJid, password: Option<&str>) -> Presence {
    let mut muc = Muc::new().with_history(History::new().with_maxchars(0));
    if let Some(p) = password {
        muc = muc.with_password(p.to_owned());
    }
    Presence::available()
        .with_to(Jid::from(to))
        .with_payloads(vec![muc.into()])
}

/// Exit presence.
pub fn leave(to: FullJid) -> Presence {
    Presence::unavailable().with_to(Jid::from(to))
}

/// A groupchat message; `id` is the stanza id and the origin-id. No
/// receipt request (XEP-0184 §5.3), but markable.
pub fn groupchat(room: &BareJid, body: &str, id: &str, extras: &super::Extras) -> Message {
    let mut m = Message::groupchat(Some(Jid::from(room.clone())));
    m.id = Some(Id(id.to_owned()));
    let mut m = super::rich::decorate(m, body, extras);
    if extras.wants_receipt() {
        m.payloads
            .push(Element::bare("markable", ns::DISPLAYED_MARKERS));
    }
    m.with_payload(OriginId { id: id.to_owned() })
}

/// Subject change (XEP-0045 §8.1).
pub fn subject(room: &BareJid, subject: &str, id: &str) -> Message {
    let mut m = Message::groupchat(Some(Jid::from(room.clone())));
    m.id = Some(Id(id.to_owned()));
    m.subjects.insert(Lang::new(), subject.to_owned());
    m
}

/// XEP-0333 in a room: to the room, type groupchat, referencing the
/// room's stanza-id of the message.
pub fn displayed(room: &BareJid, stanza_id: &str, id: &str) -> Message {
    let mut m = Message::groupchat(Some(Jid::from(room.clone())));
    m.id = Some(Id(id.to_owned()));
    m.payloads.push(
        with_attr(
            Element::builder("displayed", ns::DISPLAYED_MARKERS),
            "id",
            stanza_id,
        )
        .build(),
    );
    m
}

/// XEP-0249 direct invitation to `to`.
pub fn direct_invite(to: &BareJid, room: &BareJid, reason: Option<&str>, id: &str) -> Message {
    let mut x = with_attr(Element::builder("x", NS_CONFERENCE), "jid", room.as_str());
    if let Some(r) = reason {
        x = with_attr(x, "reason", r);
    }
    let mut m = Message::new_with_type(MessageType::Normal, Some(Jid::from(to.clone())));
    m.id = Some(Id(id.to_owned()));
    m.payloads.push(x.build());
    m
}

fn muc_user(child: Element) -> Element {
    Element::builder("x", ns::MUC_USER).append(child).build()
}

fn reasoned(name: &str, attr: &'static str, jid: &BareJid, reason: Option<&str>) -> Element {
    let mut b = with_attr(Element::builder(name, ns::MUC_USER), attr, jid.as_str());
    if let Some(r) = reason {
        b = b.append(text_el("reason", ns::MUC_USER, r));
    }
    b.build()
}

/// XEP-0045 §7.8.2 mediated invitation, sent through the room.
pub fn mediated_invite(room: &BareJid, to: &BareJid, reason: Option<&str>, id: &str) -> Message {
    let mut m = Message::new_with_type(MessageType::Normal, Some(Jid::from(room.clone())));
    m.id = Some(Id(id.to_owned()));
    m.payloads
        .push(muc_user(reasoned("invite", "to", to, reason)));
    m
}

/// XEP-0045 §7.8.2 declining a mediated invitation from `inviter`.
pub fn decline(room: &BareJid, inviter: &BareJid, reason: Option<&str>, id: &str) -> Message {
    let mut m = Message::new_with_type(MessageType::Normal, Some(Jid::from(room.clone())));
    m.id = Some(Id(id.to_owned()));
    m.payloads
        .push(muc_user(reasoned("decline", "to", inviter, reason)));
    m
}

/// An incoming invitation of either kind.
pub fn invitation(m: &Message) -> Option<Invitation> {
    let from = m.from.as_ref()?;
    if m.type_ == MessageType::Error {
        return None;
    }
    if let Some(x) = m.payloads.iter().find(|p| p.is("x", NS_CONFERENCE)) {
        let room = BareJid::new(x.attr("jid")?).ok()?;
        return Some(Invitation {
            room: room.to_string(),
            from: from.to_bare().to_string(),
            reason: x
                .attr("reason")
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
            password: x.attr("password").map(str::to_owned),
            mediated: false,
        });
    }
    let x = m.payloads.iter().find(|p| p.is("x", ns::MUC_USER))?;
    let invite = x.get_child("invite", ns::MUC_USER)?;
    let inviter = Jid::new(invite.attr("from")?).ok()?;
    Some(Invitation {
        room: from.to_bare().to_string(),
        from: inviter.to_bare().to_string(),
        reason: child_text(invite, "reason", ns::MUC_USER),
        password: child_text(x, "password", ns::MUC_USER),
        mediated: true,
    })
}

/// The `<item/>` of a room presence or archived message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemInfo {
    pub role: Role,
    pub affiliation: Affiliation,
    pub jid: Option<String>,
    /// The new nick with status 303.
    pub nick: Option<String>,
    pub reason: Option<String>,
}

fn item_info(x: &Element) -> Option<ItemInfo> {
    let item = x.get_child("item", ns::MUC_USER)?;
    Some(ItemInfo {
        role: Role::parse(item.attr("role")),
        affiliation: Affiliation::parse(item.attr("affiliation")),
        jid: item
            .attr("jid")
            .and_then(|j| Jid::new(j).ok())
            .map(|j| j.to_bare().to_string()),
        nick: item.attr("nick").map(str::to_owned),
        reason: child_text(item, "reason", ns::MUC_USER),
    })
}

/// What a presence from a room means, before the room table looks at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomPresenceKind {
    Available {
        availability: Availability,
        status: Option<String>,
    },
    Unavailable,
    /// `type='error'`: the defined condition's name and a short reason.
    Error {
        condition: String,
        reason: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomPresence {
    pub room: BareJid,
    /// The occupant's nick (`None` from the bare room JID).
    pub nick: Option<String>,
    pub kind: RoomPresenceKind,
    pub codes: Vec<u16>,
    pub item: Option<ItemInfo>,
    /// `<destroy/>`: (alternative room, reason).
    pub destroy: Option<(Option<String>, Option<String>)>,
}

impl RoomPresence {
    pub fn has(&self, code: u16) -> bool {
        self.codes.contains(&code)
    }
}

fn stanza_error(payloads: &[Element]) -> (String, String) {
    payloads
        .iter()
        .find(|p| p.is("error", ns::JABBER_CLIENT))
        .and_then(|e| StanzaError::try_from(e.clone()).ok())
        .map(|e| {
            let name = Element::from(e.defined_condition.clone()).name().to_owned();
            (name, super::iq::describe_error(&e))
        })
        .unwrap_or_else(|| ("undefined-condition".into(), "error".into()))
}

/// Reads a presence from a room occupant (or the room).
pub fn room_presence(p: &Presence) -> Option<RoomPresence> {
    let from = p.from.as_ref()?;
    let x = p.payloads.iter().find(|e| e.is("x", ns::MUC_USER));
    let kind = match p.type_ {
        Type::None => RoomPresenceKind::Available {
            availability: match p.show {
                None | Some(Show::Chat) => Availability::Online,
                Some(Show::Away) | Some(Show::Xa) => Availability::Away,
                Some(Show::Dnd) => Availability::Busy,
            },
            status: p
                .statuses
                .values()
                .next()
                .cloned()
                .filter(|s| !s.is_empty()),
        },
        Type::Unavailable => RoomPresenceKind::Unavailable,
        Type::Error => {
            let (condition, reason) = stanza_error(&p.payloads);
            RoomPresenceKind::Error { condition, reason }
        }
        _ => return None,
    };
    let codes = x.map_or_else(Vec::new, |x| {
        x.children()
            .filter(|c| c.is("status", ns::MUC_USER))
            .filter_map(|c| c.attr("code")?.parse().ok())
            .collect()
    });
    let destroy = x
        .and_then(|x| x.get_child("destroy", ns::MUC_USER))
        .map(|d| {
            (
                d.attr("jid").map(str::to_owned),
                child_text(d, "reason", ns::MUC_USER),
            )
        });
    Some(RoomPresence {
        room: from.to_bare(),
        nick: from.resource().map(|r| r.to_string()),
        kind,
        codes,
        item: x.and_then(item_info),
        destroy,
    })
}

/// What a groupchat message from a room means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Groupchat {
    /// A message; `from_me` is not set yet (the room table knows our nick).
    Message(RoomMessage),
    /// The subject (empty: cleared); `nick` is `None` when the room set it.
    Subject {
        nick: Option<String>,
        subject: String,
        id: Option<String>,
    },
    Displayed {
        nick: String,
        id: String,
    },
    /// XEP-0085 in a room: `nick` is typing (or stopped).
    ChatState {
        nick: String,
        state: super::ChatState,
    },
    /// An error for a message we sent to the room.
    Error {
        id: Option<String>,
        condition: String,
        reason: String,
    },
    Ignored,
}

/// Reads a message from `room` (live, or the inner message of a room
/// archive result).
pub fn groupchat_in(m: &Message, room: &BareJid) -> Groupchat {
    let id = m.id.as_ref().map(|i| i.0.clone());
    if m.type_ == MessageType::Error {
        let (condition, reason) = stanza_error(&m.payloads);
        return Groupchat::Error {
            id,
            condition,
            reason,
        };
    }
    if m.type_ != MessageType::Groupchat {
        return Groupchat::Ignored;
    }
    let nick = m
        .from
        .as_ref()
        .and_then(|f| f.resource())
        .map(|r| r.to_string());
    let (body, extras) = super::rich::parse(m);
    // A reaction has no body of its own.
    let body = body.or_else(|| extras.is_action().then(String::new));
    let subject = m.get_best_subject_cloned(vec!["en"]).map(|(_, s)| s);
    let (body, nick) = match (body, subject, nick) {
        // XEP-0045 §8.1: a subject without a body is a subject change.
        (None, Some(subject), nick) => return Groupchat::Subject { nick, subject, id },
        (None, None, Some(nick)) => {
            if let Some(id) = super::markers::displayed_id(m) {
                return Groupchat::Displayed { nick, id };
            }
            return match super::chatstates::parse(m) {
                Some(state) => Groupchat::ChatState { nick, state },
                None => Groupchat::Ignored,
            };
        }
        (Some(body), _, Some(nick)) => (body, nick),
        _ => return Groupchat::Ignored,
    };
    // XEP-0045 §7.2.6: in a room, the room itself stamps stanza-ids.
    let super::message::Tags {
        stanza_id,
        origin_id,
        delay,
        markable,
    } = super::message::tags(m, room);
    let jid = m
        .payloads
        .iter()
        .find(|p| p.is("x", ns::MUC_USER))
        .and_then(item_info)
        .and_then(|i| i.jid);
    Groupchat::Message(RoomMessage {
        room: room.to_string(),
        nick,
        jid,
        from_me: false,
        markable,
        id,
        origin_id,
        stanza_id,
        body,
        delay,
        extras: Box::new(extras),
    })
}
