//! "Read by" in groups from the occupants' displayed markers.
use super::*;
use crate::chat::model::*;
use crate::chat::reducer::Input;
use crate::xmpp::Event;
use std::sync::Arc;

const ROOM: &str = "team@conference.x";

fn message(id: &str, stanza_id: &str, from_me: bool) -> StoredMessage {
    StoredMessage {
        id: id.into(),
        chat: ROOM.into(),
        sender: if from_me {
            "me@x".into()
        } else {
            format!("{ROOM}/bob")
        },
        body: id.into(),
        timestamp: 1,
        from_me,
        status: if from_me {
            MessageStatus::Sent
        } else {
            MessageStatus::Received
        },
        stanza_id: Some(stanza_id.into()),
        error: None,
        rich: Default::default(),
    }
}

fn open_group() -> ChatState {
    let mut s = ChatState::new(Some("me@x".into()));
    s.rooms.insert(
        ROOM.into(),
        crate::chat::groups::Room {
            nick: "me".into(),
            joined: true,
            ..Default::default()
        },
    );
    s.open = Some(ROOM.into());
    s.messages = Arc::new(vec![
        message("m1", "s1", true),
        message("m2", "s2", false),
        message("m3", "s3", true),
        message("m4", "s4", true),
    ]);
    s
}

fn displayed(s: &mut ChatState, nick: &str, id: &str) {
    s.apply(
        Input::Xmpp(Event::RoomDisplayed {
            room: ROOM.into(),
            nick: nick.into(),
            id: id.into(),
            from_me: false,
        }),
        2,
    );
}

#[test]
fn a_marker_covers_every_earlier_own_message() {
    let mut s = open_group();
    displayed(&mut s, "bob", "s3");
    displayed(&mut s, "carol", "s4");
    let r = s.read_by();
    assert_eq!(r["m4"].count, 1);
    assert_eq!(r["m4"].sentence(), "Read by carol");
    assert_eq!(r["m3"].count, 2);
    assert_eq!(r["m1"].count, 2);
    assert!(!r.contains_key("m2"), "not our message");
    // A later marker moves the reader on.
    displayed(&mut s, "bob", "s4");
    assert_eq!(s.read_by()["m4"].sentence(), "Read by bob, carol");
}

#[test]
fn many_readers_are_summed_up() {
    let mut s = open_group();
    for nick in ["a", "b", "c", "d", "e"] {
        displayed(&mut s, nick, "s4");
    }
    let r = &s.read_by()["m4"];
    assert_eq!(r.count, 5);
    assert_eq!(r.sentence(), "Read by a, b, c and 2 others");
}

#[test]
fn our_other_session_and_unknown_ids_do_not_count() {
    let mut s = open_group();
    displayed(&mut s, "me", "s4");
    displayed(&mut s, "bob", "not-loaded");
    assert!(s.read_by().is_empty());
}

#[test]
fn one_to_one_chats_have_no_read_by() {
    let mut s = open_group();
    displayed(&mut s, "bob", "s4");
    s.open = Some("bob@x".into());
    s.rooms.clear();
    assert!(s.read_by().is_empty());
}
