//! Moderation, owner requests and invitations in rooms (XEP-0045 §8–10,
//! XEP-0249), and the replies to every group-chat IQ.

use super::super::iq::IqOutcome;
use super::super::muc::{Affiliation, MucError, RoomAction};
use super::super::muc_admin as admin;
use super::super::muc_rooms::{MemberList, MucPurpose};
use super::super::muc_stanza as stanza;
use super::super::Event;
use super::groups::{outcome_error, room_jid};
use super::Session;
use jid::BareJid;

impl Session {
    /// Asks a room for its name: `Event::RoomInfo` (nothing if it has none).
    pub fn fetch_room_info(&mut self, room: &str) {
        let Ok(jid) = BareJid::new(room) else {
            return;
        };
        if !self.is_online() {
            return;
        }
        let id = self.ids.next_id();
        let purpose = MucPurpose::RoomInfo {
            room: jid.to_string(),
        };
        self.send_muc_iq(admin::info_request(&id, jid.into()), purpose);
    }

    /// Changes the subject: `Event::RoomSubject` and `Event::RoomActionDone`
    /// when the room reflects it, or `Event::RoomError`.
    pub fn set_subject(&mut self, room: &str, subject: &str) {
        let Some(room) = self.joined_room(room, &RoomAction::SetSubject) else {
            return;
        };
        let id = self.ids.next_id();
        if let Some(r) = self.groups.rooms.get_mut(room.as_str()) {
            r.pending.insert(id.clone(), RoomAction::SetSubject);
        }
        self.send(stanza::subject(&room, subject, &id));
    }

    /// XEP-0486: the owner sets the room's avatar (`mime`, image bytes) or
    /// removes it (`None`), in the room's vCard → `Event::RoomActionDone`
    /// with `RoomAction::SetAvatar` (the room then announces the new hash
    /// in a presence from its bare address: `Event::AvatarChanged`), or
    /// `Event::RoomError`.
    pub fn set_room_avatar(&mut self, room: &str, photo: Option<(&str, Vec<u8>)>) {
        let Some(room) = self.online_room(room, &RoomAction::SetAvatar) else {
            return;
        };
        let id = self.ids.next_id();
        let purpose = MucPurpose::Admin {
            room: room.to_string(),
            action: RoomAction::SetAvatar,
        };
        self.send_muc_iq(super::super::vcard::set_photo(&id, room, photo), purpose);
    }

    /// Kicks `nick` (role none).
    pub fn kick(&mut self, room: &str, nick: &str, reason: Option<&str>) {
        let action = RoomAction::Kick {
            nick: nick.to_owned(),
        };
        self.admin(room, action, &[("nick", nick), ("role", "none")], reason);
    }

    /// Bans `jid` (affiliation outcast).
    pub fn ban(&mut self, room: &str, jid: &str, reason: Option<&str>) {
        let action = RoomAction::Ban {
            jid: jid.to_owned(),
        };
        self.admin(
            room,
            action,
            &[("affiliation", "outcast"), ("jid", jid)],
            reason,
        );
    }

    /// Grants or revokes membership (`Member` / `None`) or admin (`Admin` /
    /// `Member`), or makes an owner.
    pub fn set_affiliation(&mut self, room: &str, jid: &str, affiliation: Affiliation) {
        let action = RoomAction::SetAffiliation {
            jid: jid.to_owned(),
            affiliation,
        };
        let attrs = [("affiliation", affiliation.as_str()), ("jid", jid)];
        self.admin(room, action, &attrs, None);
    }

    /// The owner destroys the room; the room then tells every occupant
    /// (`Event::RoomLeft` with `RoomExit::Destroyed`).
    pub fn destroy_room(&mut self, room: &str, reason: Option<&str>) {
        let Some(room) = self.online_room(room, &RoomAction::Destroy) else {
            return;
        };
        let id = self.ids.next_id();
        let purpose = MucPurpose::Admin {
            room: room.to_string(),
            action: RoomAction::Destroy,
        };
        self.send_muc_iq(admin::destroy(&id, &room, reason), purpose);
    }

    /// The members, admins and owners (`Event::MemberList`). A member
    /// asking Prosody gets `forbidden`: `Event::RoomError` with
    /// `RoomAction::MemberList` and `MucError::Forbidden` (the occupant list
    /// is all there is); ejabberd answers.
    pub fn fetch_members(&mut self, room: &str) {
        let Some(room) = self.online_room(room, &RoomAction::MemberList) else {
            return;
        };
        let key = room.to_string();
        if self.groups.member_lists.contains_key(&key) {
            return;
        }
        self.groups.member_lists.insert(
            key.clone(),
            MemberList {
                remaining: 3,
                ..Default::default()
            },
        );
        for affiliation in [Affiliation::Member, Affiliation::Admin, Affiliation::Owner] {
            let id = self.ids.next_id();
            let iq = admin::affiliation_list(&id, &room, affiliation);
            self.send_muc_iq(iq, MucPurpose::MemberList { room: key.clone() });
        }
    }

    /// XEP-0249 direct invitation. In a members-only room the invitee must
    /// be a member first: an owner or admin calls `set_affiliation(room,
    /// jid, Affiliation::Member)` before, or uses `invite_mediated` (the
    /// room then adds the invitee to the members).
    pub fn invite(&mut self, room: &str, jid: &str, reason: Option<&str>) {
        let action = RoomAction::Invite {
            jid: jid.to_owned(),
        };
        let Some(room) = self.online_room(room, &action) else {
            return;
        };
        let Ok(to) = BareJid::new(jid) else {
            return self.room_error(&room, action, MucError::InvalidAddress(jid.to_owned()));
        };
        let id = self.ids.next_id();
        self.send(stanza::direct_invite(&to, &room, reason, &id));
    }

    /// XEP-0045 §7.8.2 mediated invitation, through the room; a refusal by
    /// the room comes as `Event::RoomError` with `RoomAction::Invite`.
    pub fn invite_mediated(&mut self, room: &str, jid: &str, reason: Option<&str>) {
        let action = RoomAction::Invite {
            jid: jid.to_owned(),
        };
        let Some(room) = self.joined_room(room, &action) else {
            return;
        };
        let Ok(to) = BareJid::new(jid) else {
            return self.room_error(&room, action, MucError::InvalidAddress(jid.to_owned()));
        };
        let id = self.ids.next_id();
        if let Some(r) = self.groups.rooms.get_mut(room.as_str()) {
            r.pending.insert(id.clone(), action);
        }
        self.send(stanza::mediated_invite(&room, &to, reason, &id));
    }

    /// Declines a mediated invitation (`Invitation::mediated`) from `inviter`.
    pub fn decline_invitation(&mut self, room: &str, inviter: &str, reason: Option<&str>) {
        let Some(room) = self.online_room(room, &RoomAction::Decline) else {
            return;
        };
        let Ok(inviter) = BareJid::new(inviter) else {
            return;
        };
        let id = self.ids.next_id();
        self.send(stanza::decline(&room, &inviter, reason, &id));
    }

    // ---- internals ----

    fn admin(
        &mut self,
        room: &str,
        action: RoomAction,
        attrs: &[(&'static str, &str)],
        reason: Option<&str>,
    ) {
        let Some(room) = self.online_room(room, &action) else {
            return;
        };
        let id = self.ids.next_id();
        let iq = admin::admin_set(&id, &room, attrs, reason);
        let purpose = MucPurpose::Admin {
            room: room.to_string(),
            action,
        };
        self.send_muc_iq(iq, purpose);
    }

    pub(super) fn handle_muc_reply(&mut self, purpose: MucPurpose, o: IqOutcome) {
        match purpose {
            MucPurpose::ServiceItems => {
                let items = match &o {
                    IqOutcome::Result(p) => admin::parse_items(p.clone()),
                    _ => vec![],
                };
                self.groups.discovering = items.len();
                if items.is_empty() {
                    self.events.push_back(Event::MucService { service: None });
                }
                for jid in items {
                    let id = self.ids.next_id();
                    let purpose = MucPurpose::ServiceInfo {
                        jid: jid.to_string(),
                    };
                    self.send_muc_iq(admin::info_request(&id, jid), purpose);
                }
            }
            MucPurpose::ServiceInfo { jid } => {
                self.groups.discovering = self.groups.discovering.saturating_sub(1);
                let found = matches!(&o, IqOutcome::Result(p) if admin::is_conference(p.clone()));
                if found && self.groups.service.is_none() {
                    self.groups.service = Some(jid.clone());
                    self.events
                        .push_back(Event::MucService { service: Some(jid) });
                } else if self.groups.discovering == 0 && self.groups.service.is_none() {
                    self.events.push_back(Event::MucService { service: None });
                }
            }
            MucPurpose::RoomInfo { room } => {
                if let IqOutcome::Result(p) = o {
                    if let Some(name) = admin::room_name(p) {
                        self.events.push_back(Event::RoomInfo { room, name });
                    }
                }
            }
            MucPurpose::ConfigForm { room } => self.config_form(room, o),
            MucPurpose::ConfigSubmit { room } => {
                if let Some(r) = self.groups.rooms.get_mut(&room) {
                    r.create = None;
                }
                let event = match outcome_error(&o) {
                    None => Event::RoomCreated { room },
                    Some(error) => Event::RoomError {
                        room,
                        action: RoomAction::Create,
                        error,
                    },
                };
                self.events.push_back(event);
            }
            MucPurpose::Admin { room, action } => {
                let event = match outcome_error(&o) {
                    None => Event::RoomActionDone { room, action },
                    Some(error) => Event::RoomError {
                        room,
                        action,
                        error,
                    },
                };
                self.events.push_back(event);
            }
            MucPurpose::MemberList { room } => self.member_list_part(room, o),
            MucPurpose::PublicRooms => self.public_rooms_reply(o),
            MucPurpose::Archive { queryid } => self.room_archive_fin(&queryid, o),
            MucPurpose::AccountInfo | MucPurpose::BookmarksGet | MucPurpose::BookmarksSet => {
                self.handle_bookmarks_reply(purpose, o)
            }
        }
    }

    fn config_form(&mut self, room: String, o: IqOutcome) {
        let Ok(jid) = room_jid(&room) else {
            return;
        };
        if let Some(error) = outcome_error(&o) {
            return self.room_error(&jid, RoomAction::Create, error);
        }
        let form = match o {
            IqOutcome::Result(p) => admin::config_form(p),
            _ => None,
        };
        let config = self.groups.room(&jid).and_then(|r| r.create.clone());
        let id = self.ids.next_id();
        let iq = admin::config_submit(&id, &jid, form.as_ref(), config.as_ref());
        self.send_muc_iq(iq, MucPurpose::ConfigSubmit { room });
    }

    fn member_list_part(&mut self, room: String, o: IqOutcome) {
        let Some(list) = self.groups.member_lists.get_mut(&room) else {
            return;
        };
        list.remaining = list.remaining.saturating_sub(1);
        match outcome_error(&o) {
            None => {
                if let IqOutcome::Result(p) = o {
                    list.members.extend(admin::parse_members(p));
                }
            }
            Some(e) => list.error = Some(e),
        }
        if list.remaining > 0 {
            return;
        }
        let Some(list) = self.groups.member_lists.remove(&room) else {
            return;
        };
        let event = match list.error {
            Some(error) if list.members.is_empty() => Event::RoomError {
                room,
                action: RoomAction::MemberList,
                error,
            },
            _ => Event::MemberList {
                room,
                members: list.members,
            },
        };
        self.events.push_back(event);
    }
}
