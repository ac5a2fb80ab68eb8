//! Listing the public groups of our server's MUC service
//! (`Event::PublicRooms`), for "Join group".

use super::super::channels::{self, LIST_PUBLIC};
use super::super::iq::IqOutcome;
use super::super::muc_rooms::MucPurpose;
use super::super::Event;
use super::online::reason;
use super::Session;

impl Session {
    /// The service's public rooms → `Event::PublicRooms`, or
    /// `Event::RequestFailed` (not connected, no group service, refused).
    pub fn list_public_rooms(&mut self) {
        let fail = |s: &mut Self, why: &str| {
            s.events.push_back(Event::RequestFailed {
                request: LIST_PUBLIC.into(),
                reason: why.into(),
            })
        };
        if !self.is_online() {
            return fail(self, "not connected");
        }
        let Some(service) = self.groups.service.clone() else {
            return fail(self, "this server has no group chat service");
        };
        let Ok(to) = jid::Jid::new(&service) else {
            return fail(self, "the group chat service has an invalid address");
        };
        let id = self.ids.next_id();
        self.send_muc_iq(
            super::super::disco::items_request(&id, to),
            MucPurpose::PublicRooms,
        );
    }

    pub(super) fn public_rooms_reply(&mut self, o: IqOutcome) {
        let event = match o {
            IqOutcome::Result(p) => match channels::parse(p) {
                Ok(rooms) => Event::PublicRooms { rooms },
                Err(e) => Event::RequestFailed {
                    request: LIST_PUBLIC.into(),
                    reason: format!("the server's answer is not valid: {e}"),
                },
            },
            other => Event::RequestFailed {
                request: LIST_PUBLIC.into(),
                reason: reason(&other),
            },
        };
        self.events.push_back(event);
    }
}
