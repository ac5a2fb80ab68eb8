//! Group administration results in the chat state: every owner, admin or
//! moderator action ends in a sentence — what was done (`done`, a polite
//! status) or why it failed (`notice`) — and the member list (XEP-0045
//! §9.5, §10.5) that lets owners manage members who are not in the room.

use super::model::{AvatarImage, Profile};
use super::reducer::{ChatState, Command, Effect};
use crate::xmpp::{Affiliation, Member, RoomAction, RoomExit};

impl ChatState {
    /// Our affiliation in `room` (what we may do there); none when unknown.
    pub fn my_affiliation(&self, room: &str) -> Affiliation {
        self.rooms
            .get(room)
            .and_then(|r| r.affiliation)
            .unwrap_or(Affiliation::None)
    }

    /// "change the subject", "make bob@x an admin", … for "Could not …".
    pub(super) fn action_phrase(&self, room: &str, action: &RoomAction) -> String {
        let name = self.display_name(room);
        match action {
            RoomAction::Create => "create the group".to_owned(),
            RoomAction::Join => format!("join {room}"),
            RoomAction::SetSubject => format!("change the subject of {name}"),
            RoomAction::Kick { nick } => format!("remove {nick}"),
            RoomAction::Ban { jid } => format!("ban {jid}"),
            RoomAction::SetAffiliation { jid, affiliation } => match affiliation {
                Affiliation::Owner => format!("make {jid} an owner"),
                Affiliation::Admin => format!("make {jid} an admin"),
                Affiliation::Member => format!("make {jid} a member"),
                Affiliation::None => format!("remove {jid} from the members"),
                Affiliation::Outcast => format!("ban {jid}"),
            },
            RoomAction::Destroy => format!("delete {name}"),
            RoomAction::SetAvatar => format!("change the photo of {name}"),
            RoomAction::MemberList => format!("list the members of {name}"),
            RoomAction::Invite { jid } => format!("invite {jid}"),
            RoomAction::Decline => "decline the invitation".to_owned(),
            RoomAction::SendMessage => format!("send the message to {name}"),
        }
    }

    /// A room request succeeded: say so, and keep the member list in step.
    pub(super) fn room_action_done(&mut self, room: String, action: RoomAction) -> Vec<Effect> {
        let name = self.display_name(&room);
        let text = match &action {
            RoomAction::SetSubject => Some(format!("Subject of {name} changed.")),
            RoomAction::Kick { nick } => Some(format!("{nick} was removed from {name}.")),
            RoomAction::Ban { jid } => Some(format!("{jid} is banned from {name}.")),
            RoomAction::SetAffiliation { jid, affiliation } => Some(match affiliation {
                Affiliation::Owner => format!("{jid} is now an owner of {name}."),
                Affiliation::Admin => format!("{jid} is now an admin of {name}."),
                Affiliation::Member => format!("{jid} is now a member of {name}."),
                Affiliation::None => format!("{jid} is no longer a member of {name}."),
                Affiliation::Outcast => format!("{jid} is banned from {name}."),
            }),
            RoomAction::Destroy => Some(format!("{name} was deleted.")),
            RoomAction::SetAvatar => Some(format!("Photo of {name} changed.")),
            RoomAction::Invite { jid } => Some(format!("{jid} was invited to {name}.")),
            _ => None,
        };
        if let Some(text) = text {
            self.done = Some(text);
        }
        let changed = match action {
            RoomAction::SetAffiliation { jid, affiliation } => Some((jid, affiliation)),
            RoomAction::Ban { jid } => Some((jid, Affiliation::Outcast)),
            _ => None,
        };
        if let Some((jid, affiliation)) = changed {
            if let Some(list) = self.member_lists.get_mut(&room) {
                list.retain(|m| m.jid != jid);
                if matches!(
                    affiliation,
                    Affiliation::Owner | Affiliation::Admin | Affiliation::Member
                ) {
                    list.push(Member {
                        jid,
                        affiliation,
                        nick: None,
                    });
                    sort_members(list);
                }
            }
        }
        vec![]
    }

    /// The members, admins and owners of `room`, as the server listed them.
    pub(super) fn member_list(&mut self, room: String, mut members: Vec<Member>) -> Vec<Effect> {
        sort_members(&mut members);
        self.member_lists.insert(room, members);
        vec![]
    }

    /// Someone else's action on us, or the room's end: a deleted group
    /// is not joined again (its bookmark goes).
    pub(super) fn room_gone(&mut self, room: &str, exit: &RoomExit) -> Vec<Effect> {
        if !matches!(exit, RoomExit::Destroyed { .. }) {
            return vec![];
        }
        self.member_lists.remove(room);
        if !self.bookmarks.iter().any(|b| b.room == room) {
            return vec![];
        }
        self.bookmarks.retain(|b| b.room != room);
        vec![Effect::Command(Command::RemoveBookmark {
            room: room.to_owned(),
        })]
    }
}

impl ChatState {
    /// "Choose group photo" / "Remove group photo" in Group settings: the
    /// picture shows at once (like our own photo) and goes to the room.
    pub(super) fn set_group_avatar(&mut self, image: Option<AvatarImage>) -> Vec<Effect> {
        let Some(room) = self.open.clone().filter(|o| self.is_group(o)) else {
            return vec![];
        };
        self.done = None;
        self.group_avatar_effects(room, image)
    }

    /// The photo chosen in "New group", once the room exists.
    pub(super) fn created_group_avatar(&mut self, room: &str) -> Vec<Effect> {
        match self.creating_avatars.remove(room) {
            Some(image) => self.group_avatar_effects(room.to_owned(), Some(image)),
            None => vec![],
        }
    }

    fn group_avatar_effects(&mut self, room: String, image: Option<AvatarImage>) -> Vec<Effect> {
        let hash = image.as_ref().map(|i| i.hash.clone());
        let mut effects: Vec<Effect> = image.iter().cloned().map(Effect::SaveAvatar).collect();
        let profile = self
            .profiles
            .entry(room.clone())
            .or_insert_with(|| Profile {
                jid: room.clone(),
                ..Profile::default()
            });
        if profile.avatar != hash {
            profile.avatar = hash;
            effects.push(Effect::SaveProfile(profile.clone()));
        }
        effects.push(Effect::Command(Command::SetRoomAvatar {
            room,
            photo: image.map(|i| (i.mime, i.data)),
        }));
        effects
    }
}

/// Owners, then admins, then members; by address within each.
fn sort_members(list: &mut [Member]) {
    let rank = |a: Affiliation| match a {
        Affiliation::Owner => 0,
        Affiliation::Admin => 1,
        Affiliation::Member => 2,
        Affiliation::None => 3,
        Affiliation::Outcast => 4,
    };
    list.sort_by(|a, b| {
        rank(a.affiliation)
            .cmp(&rank(b.affiliation))
            .then_with(|| a.jid.cmp(&b.jid))
    });
}

#[cfg(test)]
#[path = "group_admin_tests.rs"]
mod tests;
