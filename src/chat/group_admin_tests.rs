//! Group administration results: sentences for successes and failures, the
//! member list kept in step, and a deleted group's bookmark dropped.
use super::super::reducer::{Input, Moderation};
use super::*;
use crate::xmpp::{Bookmark, Event, MucError};

const ROOM: &str = "hikers@conference.x";

fn in_group() -> ChatState {
    let mut s = ChatState::new(Some("me@x".into()));
    s.apply(
        Input::Xmpp(Event::Online {
            jid: "me@x/r".into(),
            scram_keys: None,
        }),
        1,
    );
    s.apply(
        Input::Xmpp(Event::Bookmarks {
            rooms: vec![Bookmark {
                room: ROOM.into(),
                name: Some("Hikers".into()),
                autojoin: true,
                nick: None,
                password: None,
            }],
        }),
        2,
    );
    s
}

fn member(jid: &str, affiliation: Affiliation) -> Member {
    Member {
        jid: jid.into(),
        affiliation,
        nick: None,
    }
}

fn done(s: &mut ChatState, action: RoomAction) {
    s.apply(
        Input::Xmpp(Event::RoomActionDone {
            room: ROOM.into(),
            action,
        }),
        3,
    );
}

#[test]
fn a_done_action_says_what_changed() {
    let mut s = in_group();
    done(&mut s, RoomAction::SetSubject);
    assert!(s.done.as_deref().unwrap().starts_with("Subject of "));
    done(
        &mut s,
        RoomAction::SetAffiliation {
            jid: "bob@x".into(),
            affiliation: Affiliation::Admin,
        },
    );
    assert!(s
        .done
        .as_deref()
        .unwrap()
        .starts_with("bob@x is now an admin of "));
    // The next action clears the old result; dismissing clears it too.
    s.open = Some(ROOM.into());
    s.apply(
        Input::Moderate(Moderation::SetSubject {
            subject: "x".into(),
        }),
        4,
    );
    assert_eq!(s.done, None);
    done(&mut s, RoomAction::Destroy);
    s.apply(Input::DismissNotice, 5);
    assert_eq!(s.done, None);
}

#[test]
fn a_failed_action_is_named_in_words() {
    let mut s = in_group();
    s.apply(
        Input::Xmpp(Event::RoomError {
            room: ROOM.into(),
            action: RoomAction::SetAffiliation {
                jid: "bob@x".into(),
                affiliation: Affiliation::None,
            },
            error: MucError::Forbidden,
        }),
        3,
    );
    let notice = s.notice.clone().unwrap();
    assert!(
        notice.starts_with("Could not remove bob@x from the members: "),
        "{notice}"
    );
    assert!(!notice.contains('{'), "no debug text: {notice}");
}

#[test]
fn the_member_list_is_sorted_and_follows_changes() {
    let mut s = in_group();
    s.apply(
        Input::Xmpp(Event::MemberList {
            room: ROOM.into(),
            members: vec![
                member("zed@x", Affiliation::Member),
                member("me@x", Affiliation::Owner),
                member("bob@x", Affiliation::Member),
                member("ann@x", Affiliation::Admin),
            ],
        }),
        3,
    );
    let jids = |s: &ChatState| {
        s.member_lists[ROOM]
            .iter()
            .map(|m| (m.jid.clone(), m.affiliation))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        jids(&s),
        vec![
            ("me@x".into(), Affiliation::Owner),
            ("ann@x".into(), Affiliation::Admin),
            ("bob@x".into(), Affiliation::Member),
            ("zed@x".into(), Affiliation::Member),
        ]
    );
    done(
        &mut s,
        RoomAction::SetAffiliation {
            jid: "bob@x".into(),
            affiliation: Affiliation::Admin,
        },
    );
    done(
        &mut s,
        RoomAction::SetAffiliation {
            jid: "zed@x".into(),
            affiliation: Affiliation::None,
        },
    );
    done(
        &mut s,
        RoomAction::SetAffiliation {
            jid: "new@x".into(),
            affiliation: Affiliation::Member,
        },
    );
    assert_eq!(
        jids(&s),
        vec![
            ("me@x".into(), Affiliation::Owner),
            ("ann@x".into(), Affiliation::Admin),
            ("bob@x".into(), Affiliation::Admin),
            ("new@x".into(), Affiliation::Member),
        ]
    );
}

#[test]
fn listing_members_asks_the_server_for_the_open_group_only() {
    let mut s = in_group();
    assert_eq!(s.apply(Input::ListMembers, 3), vec![]);
    s.open = Some(ROOM.into());
    assert_eq!(
        s.apply(Input::ListMembers, 4),
        vec![Effect::Command(Command::FetchMembers { room: ROOM.into() })]
    );
}

#[test]
fn a_deleted_group_drops_its_bookmark_and_says_why() {
    let mut s = in_group();
    let effects = s.apply(
        Input::Xmpp(Event::RoomLeft {
            room: ROOM.into(),
            exit: RoomExit::Destroyed {
                reason: None,
                alternative: None,
            },
        }),
        3,
    );
    assert!(
        effects.contains(&Effect::Command(Command::RemoveBookmark {
            room: ROOM.into()
        })),
        "{effects:?}"
    );
    assert!(s.bookmarks.is_empty());
    assert!(s.notice.as_deref().unwrap().contains("deleted"));
    // Being kicked keeps the bookmark (a member may come back).
    let mut s = in_group();
    let effects = s.apply(
        Input::Xmpp(Event::RoomLeft {
            room: ROOM.into(),
            exit: RoomExit::Kicked { reason: None },
        }),
        3,
    );
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::Command(Command::RemoveBookmark { .. }))));
    assert_eq!(s.bookmarks.len(), 1);
}

#[test]
fn our_own_new_affiliation_changes_what_we_may_do() {
    use crate::xmpp::{Occupant, OccupantChange, Role};
    let mut s = in_group();
    let me = |affiliation, role| Occupant {
        nick: "me".into(),
        jid: Some("me@x".into()),
        role,
        affiliation,
        availability: crate::chat::Availability::Online,
        status: None,
        is_me: true,
    };
    for (affiliation, role) in [
        (Affiliation::Member, Role::Participant),
        (Affiliation::Admin, Role::Moderator),
    ] {
        s.apply(
            Input::Xmpp(Event::Occupants {
                room: ROOM.into(),
                changes: vec![OccupantChange::Present(me(affiliation, role))],
            }),
            3,
        );
        assert_eq!(s.rooms[ROOM].affiliation, Some(affiliation));
        assert_eq!(s.rooms[ROOM].role, Some(role));
    }
}

#[test]
fn the_photo_chosen_for_a_new_group_is_set_once_the_room_exists() {
    let mut s = in_group();
    let image = AvatarImage {
        hash: "ab".into(),
        mime: "image/png".into(),
        data: vec![5],
    };
    s.apply(
        Input::CreateGroup {
            name: "Walks".into(),
            description: String::new(),
            avatar: Some(image.clone()),
        },
        3,
    );
    let room = "walks@conference.x";
    s.apply(
        Input::GroupCreating {
            room: room.into(),
            name: "Walks".into(),
        },
        4,
    );
    let effects = s.apply(Input::Xmpp(Event::RoomCreated { room: room.into() }), 5);
    let set = Effect::Command(Command::SetRoomAvatar {
        room: room.into(),
        photo: Some(("image/png".into(), vec![5])),
    });
    assert!(effects.contains(&Effect::SaveAvatar(image)), "{effects:?}");
    assert!(effects.contains(&set), "{effects:?}");
    assert_eq!(s.avatar_of(room), Some("ab"));
    // Only once.
    let again = s.apply(Input::Xmpp(Event::RoomCreated { room: room.into() }), 6);
    assert!(!again.contains(&set));
}

#[test]
fn the_owner_removes_the_open_groups_photo() {
    let mut s = in_group();
    s.open = Some(ROOM.into());
    s.apply(
        Input::Xmpp(Event::AvatarChanged {
            jid: ROOM.into(),
            hash: Some("cd".into()),
        }),
        3,
    );
    let effects = s.apply(Input::SetGroupAvatar(None), 4);
    assert_eq!(
        effects,
        vec![
            Effect::SaveProfile(Profile {
                jid: ROOM.into(),
                nick: None,
                avatar: None
            }),
            Effect::Command(Command::SetRoomAvatar {
                room: ROOM.into(),
                photo: None
            })
        ]
    );
}
