//! The room table: rooms we join or joined, our nick in each, and their
//! occupants as presences tell (XEP-0045 §7.1–7.2, §7.6, §9–10 exits).
//! Pure state: the session turns each [`Step`] into events and stanzas.

use super::bookmarks::BookmarkStore;
use super::muc::{
    join_error, Affiliation, Member, MucError, Occupant, OccupantChange, RoomAction, RoomExit,
};
use super::muc_admin::RoomConfig;
use super::muc_archive::RoomQueries;
use super::muc_stanza::{RoomPresence, RoomPresenceKind};
use jid::BareJid;
use std::collections::HashMap;

/// What a pending IQ of the group-chat code was for (one variant of
/// `IqPurpose`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MucPurpose {
    /// disco#items on our server.
    ServiceItems,
    /// disco#info on one of its items.
    ServiceInfo {
        jid: String,
    },
    ConfigForm {
        room: String,
    },
    ConfigSubmit {
        room: String,
    },
    Admin {
        room: String,
        action: RoomAction,
    },
    MemberList {
        room: String,
    },
    Archive {
        queryid: String,
    },
    /// disco#info on a room (its name).
    RoomInfo {
        room: String,
    },
    /// disco#info on our bare JID (does PEP have `bookmarks:1#compat`?).
    AccountInfo,
    /// disco#items on the service: its public rooms.
    PublicRooms,
    BookmarksGet,
    BookmarksSet,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Join presence sent; `retried` once a nick conflict made us try the
    /// alternative nick.
    Joining {
        retried: bool,
    },
    Joined,
}

#[derive(Clone, Debug)]
pub struct Room {
    /// Our nick (the one asked for while joining, then the room's).
    pub nick: String,
    pub base_nick: String,
    pub password: Option<String>,
    pub phase: Phase,
    /// Set by `create_room`: the configuration to submit on status 201.
    pub create: Option<RoomConfig>,
    pub occupants: HashMap<String, Occupant>,
    /// Message-borne requests (subject, invitations) by stanza id, until
    /// the room reflects or refuses them.
    pub pending: HashMap<String, RoomAction>,
}

impl Room {
    pub fn joining(nick: &str, password: Option<&str>, create: Option<RoomConfig>) -> Self {
        Self {
            nick: nick.to_owned(),
            base_nick: nick.to_owned(),
            password: password.map(str::to_owned),
            phase: Phase::Joining { retried: false },
            create,
            occupants: HashMap::new(),
            pending: HashMap::new(),
        }
    }
}

/// A member list being gathered from three affiliation queries.
#[derive(Clone, Debug, Default)]
pub struct MemberList {
    pub remaining: u8,
    pub members: Vec<Member>,
    pub error: Option<MucError>,
}

/// Everything the group-chat code keeps (carried over a XEP-0198 resume).
#[derive(Clone, Debug, Default)]
pub struct Groups {
    /// The MUC service found by discovery.
    pub service: Option<String>,
    /// disco#info answers still awaited during discovery.
    pub discovering: usize,
    pub rooms: HashMap<String, Room>,
    pub member_lists: HashMap<String, MemberList>,
    pub archive: RoomQueries,
    pub bookmarks: BookmarkStore,
}

/// What a room presence means for the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A change in a joined room.
    Occupant(OccupantChange),
    /// Our self-presence (110) completed the join: every occupant so far,
    /// us included; `created` with status 201 (the room is new and locked).
    Joined {
        me: Occupant,
        occupants: Vec<OccupantChange>,
        created: bool,
    },
    /// We are out of the room (it is forgotten).
    Exit(RoomExit),
    /// The nick is taken: join again as `nick`.
    RetryNick { nick: String },
    /// The join failed (the room is forgotten); `creating` from `create_room`.
    JoinFailed { error: MucError, creating: bool },
}

impl Groups {
    /// Applies a presence from `p.room`; empty when the room is not ours.
    pub fn presence(&mut self, p: RoomPresence) -> Vec<Step> {
        let key = p.room.to_string();
        let Some(room) = self.rooms.get_mut(&key) else {
            return vec![];
        };
        let joining = matches!(room.phase, Phase::Joining { .. });
        let nick = p.nick.clone();
        match p.kind.clone() {
            RoomPresenceKind::Error { condition, reason } => {
                let Phase::Joining { retried } = room.phase else {
                    return vec![];
                };
                if condition == "conflict" && !retried {
                    room.nick = format!("{}_2", room.base_nick);
                    room.phase = Phase::Joining { retried: true };
                    return vec![Step::RetryNick {
                        nick: room.nick.clone(),
                    }];
                }
                let creating = room.create.is_some();
                self.rooms.remove(&key);
                vec![Step::JoinFailed {
                    error: join_error(&condition, reason),
                    creating,
                }]
            }
            RoomPresenceKind::Available {
                availability,
                status,
            } => {
                let Some(nick) = nick else {
                    return vec![];
                };
                let is_me = p.has(110) || (!joining && nick == room.nick);
                let item = p.item.as_ref();
                let occupant = Occupant {
                    nick: nick.clone(),
                    jid: item.and_then(|i| i.jid.clone()),
                    role: item.map_or(super::muc::Role::None, |i| i.role),
                    affiliation: item.map_or(Affiliation::None, |i| i.affiliation),
                    availability,
                    status,
                    is_me,
                };
                if is_me {
                    room.nick = nick.clone(); // 210: the room may assign another.
                }
                room.occupants.insert(nick, occupant.clone());
                if is_me && joining {
                    room.phase = Phase::Joined;
                    let occupants = room
                        .occupants
                        .values()
                        .cloned()
                        .map(OccupantChange::Present)
                        .collect();
                    return vec![Step::Joined {
                        me: occupant,
                        occupants,
                        created: p.has(201),
                    }];
                }
                if joining {
                    return vec![]; // Reported all at once with our self-presence.
                }
                vec![Step::Occupant(OccupantChange::Present(occupant))]
            }
            RoomPresenceKind::Unavailable => {
                let Some(nick) = nick else {
                    return vec![];
                };
                let is_me = p.has(110) || (!joining && nick == room.nick);
                room.occupants.remove(&nick);
                if p.has(303) {
                    if let (true, Some(new)) = (is_me, p.item.as_ref().and_then(|i| i.nick.clone()))
                    {
                        room.nick = new;
                    }
                } else if is_me {
                    self.rooms.remove(&key);
                    return vec![Step::Exit(exit(&p))];
                }
                if joining {
                    return vec![];
                }
                vec![Step::Occupant(OccupantChange::Gone { nick })]
            }
        }
    }

    pub fn room(&self, room: &BareJid) -> Option<&Room> {
        self.rooms.get(room.as_str())
    }

    pub fn is_joined(&self, room: &BareJid) -> bool {
        self.room(room).is_some_and(|r| r.phase == Phase::Joined)
    }

    /// Our nick in `room`, when we are in it or joining.
    pub fn nick(&self, room: &BareJid) -> Option<&str> {
        self.room(room).map(|r| r.nick.as_str())
    }
}

/// Why our own unavailable presence took us out (XEP-0045 §9–10 codes).
fn exit(p: &RoomPresence) -> RoomExit {
    let reason = p.item.as_ref().and_then(|i| i.reason.clone());
    if let Some((alternative, reason)) = p.destroy.clone() {
        return RoomExit::Destroyed {
            reason,
            alternative,
        };
    }
    if p.has(301) {
        RoomExit::Banned { reason }
    } else if p.has(307) {
        RoomExit::Kicked { reason }
    } else if p.has(321) {
        RoomExit::MembershipRevoked
    } else if p.has(322) {
        RoomExit::MembersOnly
    } else if p.has(332) || p.has(333) {
        RoomExit::Shutdown
    } else {
        RoomExit::Left
    }
}
