//! Public groups in the chat state: "Browse public groups" in the Join
//! group dialog lists the rooms the server's group service shows to anyone.

use super::reducer::{ChatState, Command, Effect};
use crate::xmpp::{PublicRoom, LIST_PUBLIC};

/// Where the list of public groups stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PublicGroups {
    #[default]
    NotAsked,
    Loading,
    Loaded(Vec<PublicRoom>),
    /// Why the list could not be had (shown in the dialog).
    Failed(String),
}

impl ChatState {
    pub(super) fn browse_public_groups(&mut self) -> Vec<Effect> {
        if self.muc_service.is_none() {
            self.public_groups = PublicGroups::Failed(
                "This server has no group chat service (or it is not known yet).".into(),
            );
            return vec![];
        }
        self.public_groups = PublicGroups::Loading;
        vec![Effect::Command(Command::ListPublicRooms)]
    }

    pub(super) fn public_rooms(&mut self, rooms: Vec<PublicRoom>) -> Vec<Effect> {
        self.public_groups = PublicGroups::Loaded(rooms);
        vec![]
    }

    /// A failed listing: `true` when it was this one (told in the dialog,
    /// not as a notice).
    pub(super) fn public_rooms_failed(&mut self, request: &str, reason: &str) -> bool {
        if request != LIST_PUBLIC {
            return false;
        }
        self.public_groups = PublicGroups::Failed(format!("Could not {request}: {reason}."));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::reducer::Input;
    use crate::xmpp::Event;

    fn online() -> ChatState {
        let mut s = ChatState::new(Some("me@x".into()));
        s.apply(
            Input::Xmpp(Event::MucService {
                service: Some("conference.x".into()),
            }),
            1,
        );
        s
    }

    #[test]
    fn browsing_asks_the_service_and_shows_the_list() {
        let mut s = online();
        assert_eq!(
            s.apply(Input::BrowsePublicGroups, 2),
            vec![Effect::Command(Command::ListPublicRooms)]
        );
        assert_eq!(s.public_groups, PublicGroups::Loading);
        let rooms = vec![PublicRoom {
            jid: "lobby@conference.x".into(),
            name: Some("Lobby".into()),
        }];
        s.apply(
            Input::Xmpp(Event::PublicRooms {
                rooms: rooms.clone(),
            }),
            3,
        );
        assert_eq!(s.public_groups, PublicGroups::Loaded(rooms));
    }

    #[test]
    fn a_failed_listing_shows_in_the_dialog_not_as_a_notice() {
        let mut s = online();
        s.apply(Input::BrowsePublicGroups, 2);
        s.apply(
            Input::Xmpp(Event::RequestFailed {
                request: LIST_PUBLIC.into(),
                reason: "not connected".into(),
            }),
            3,
        );
        assert_eq!(
            s.public_groups,
            PublicGroups::Failed("Could not list the public groups: not connected.".into())
        );
        assert_eq!(s.notice, None);
    }

    #[test]
    fn without_a_group_service_nothing_is_asked() {
        let mut s = ChatState::new(Some("me@x".into()));
        assert_eq!(s.apply(Input::BrowsePublicGroups, 2), vec![]);
        assert!(matches!(s.public_groups, PublicGroups::Failed(_)));
    }
}
