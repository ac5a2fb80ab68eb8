//! Reducer tests of group chats: rooms, occupants (big rooms batched),
//! room archives and their catch-up.
use super::tests::{archived, open, page, signed_in};
use super::*;
use crate::xmpp::ChatState as Typing;

// ---- groups ----

use crate::xmpp::{Affiliation, Bookmark, Invitation, Role, RoomMessage};

fn room_msg(room: &str, nick: &str, body: &str, origin: &str, from_me: bool) -> RoomMessage {
    RoomMessage {
        room: room.into(),
        nick: nick.into(),
        jid: None,
        from_me,
        markable: true,
        id: Some(origin.into()),
        origin_id: Some(origin.into()),
        stanza_id: Some(format!("S-{origin}")),
        body: body.into(),
        delay: None,
        extras: Default::default(),
    }
}

fn joined(s: &mut ChatState, room: &str) -> Vec<Effect> {
    s.apply(
        Input::Xmpp(Event::RoomJoined {
            room: room.into(),
            nick: "me".into(),
            role: Role::Participant,
            affiliation: Affiliation::Owner,
        }),
        10,
    )
}

#[test]
fn a_new_group_is_named_bookmarked_and_opened_once_created() {
    let mut s = signed_in();
    let fx = s.apply(
        Input::CreateGroup {
            name: "Hikers".into(),
            description: "Sundays".into(),
            avatar: None,
        },
        1,
    );
    assert_eq!(
        fx,
        vec![Effect::Command(Command::CreateRoom {
            name: "Hikers".into(),
            description: "Sundays".into()
        })]
    );
    s.apply(
        Input::GroupCreating {
            room: "r1@muc.x".into(),
            name: "Hikers".into(),
        },
        2,
    );
    let fx = joined(&mut s, "r1@muc.x");
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Command(Command::SetBookmark { room, .. }) if room == "r1@muc.x")));
    assert_eq!(s.open, None, "opened only once configured");
    let fx = s.apply(
        Input::Xmpp(Event::RoomCreated {
            room: "r1@muc.x".into(),
        }),
        3,
    );
    assert_eq!(s.open.as_deref(), Some("r1@muc.x"));
    assert_eq!(s.display_name("r1@muc.x"), "Hikers");
    assert!(s.chats["r1@muc.x"].group);
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Command(Command::SetBookmark { name: Some(n), .. }) if n == "Hikers")));
}

#[test]
fn group_messages_are_sent_to_the_room_and_the_reflection_is_not_a_second_copy() {
    let mut s = signed_in();
    joined(&mut s, "r@muc.x");
    open(&mut s, "r@muc.x");
    let fx = s.apply(
        Input::Send {
            body: "hello all".into(),
            id: "o1".into(),
        },
        20,
    );
    assert!(fx.contains(&Effect::Command(Command::SendRoomMessage {
        room: "r@muc.x".into(),
        body: "hello all".into(),
        id: "o1".into(),
        extras: Default::default(),
    })));
    // The room reflects it with our origin-id: found as already stored.
    let reflection =
        crate::chat::groups::incoming(room_msg("r@muc.x", "me", "hello all", "o1", true));
    let stored = s.messages[0].clone();
    s.apply(
        Input::Ingest(Batch {
            messages: vec![reflection],
            existing: vec![Some(stored)],
            page: None,
            group: true,
        }),
        21,
    );
    assert_eq!(s.messages.len(), 1);
    assert_eq!(s.messages[0].status, MessageStatus::Sent);
    assert_eq!(s.messages[0].stanza_id.as_deref(), Some("S-o1"));
}

#[test]
fn others_in_a_group_are_unread_with_their_nick_and_mentions_count() {
    let mut s = signed_in();
    joined(&mut s, "r@muc.x");
    let fx = s.apply(
        Input::Xmpp(Event::RoomMessage(room_msg(
            "r@muc.x", "ann", "hi", "a1", false,
        ))),
        30,
    );
    let Some(Effect::SaveMessage(m)) = fx.first() else {
        panic!("{fx:?}")
    };
    assert_eq!(m.sender, "r@muc.x/ann");
    assert_eq!(m.chat, "r@muc.x");
    s.apply(
        Input::Xmpp(Event::RoomMessage(room_msg(
            "r@muc.x", "ann", "@me look", "a2", false,
        ))),
        31,
    );
    assert_eq!(s.chats["r@muc.x"].unread, 2);
    assert_eq!(s.chats["r@muc.x"].mentions, 1);
    // Opening it: one room marker, by the room's archive id.
    open(&mut s, "r@muc.x");
    assert_eq!(s.chats["r@muc.x"].mentions, 0);
    let history: Vec<StoredMessage> = vec![StoredMessage {
        id: "a2".into(),
        chat: "r@muc.x".into(),
        from_me: false,
        sender: "r@muc.x/ann".into(),
        body: "@me look".into(),
        timestamp: 31,
        status: MessageStatus::Received,
        stanza_id: Some("S-a2".into()),
        error: None,
        rich: Default::default(),
    }];
    let fx = s.apply(
        Input::History {
            chat: "r@muc.x".into(),
            messages: history,
        },
        32,
    );
    assert_eq!(
        fx,
        vec![Effect::Command(Command::SendRoomDisplayed {
            room: "r@muc.x".into(),
            stanza_id: "S-a2".into()
        })]
    );
}

#[test]
fn bookmarks_bring_groups_back_and_join_them_and_invitations_wait_for_an_answer() {
    let mut s = signed_in();
    let fx = s.apply(
        Input::Xmpp(Event::Bookmarks {
            rooms: vec![Bookmark {
                room: "r@muc.x".into(),
                name: Some("Team".into()),
                autojoin: true,
                nick: Some("me".into()),
                password: None,
            }],
        }),
        1,
    );
    assert!(fx.contains(&Effect::Command(Command::JoinRoom {
        room: "r@muc.x".into(),
        nick: Some("me".into())
    })));
    assert_eq!(s.display_name("r@muc.x"), "Team");
    let invitation = Invitation {
        room: "other@muc.x".into(),
        from: "bob@x".into(),
        reason: None,
        password: None,
        mediated: true,
    };
    s.apply(Input::Xmpp(Event::Invitation(invitation.clone())), 2);
    s.apply(Input::Xmpp(Event::Invitation(invitation)), 3);
    assert_eq!(s.invitations.len(), 1, "once");
    let fx = s.apply(
        Input::AnswerInvitation {
            room: "other@muc.x".into(),
            accept: false,
        },
        4,
    );
    assert_eq!(
        fx,
        vec![Effect::Command(Command::DeclineInvitation {
            room: "other@muc.x".into(),
            from: "bob@x".into()
        })]
    );
    assert!(s.invitations.is_empty());
    // Leaving forgets the bookmark.
    joined(&mut s, "r@muc.x");
    open(&mut s, "r@muc.x");
    let fx = s.apply(Input::LeaveGroup, 5);
    assert!(fx.contains(&Effect::Command(Command::RemoveBookmark {
        room: "r@muc.x".into()
    })));
    assert!(!s.rooms["r@muc.x"].joined);
}

#[test]
fn moderation_goes_to_the_open_group_and_removal_is_told() {
    let mut s = signed_in();
    joined(&mut s, "r@muc.x");
    open(&mut s, "r@muc.x");
    let action = super::Moderation::Kick { nick: "ann".into() };
    let fx = s.apply(Input::Moderate(action.clone()), 1);
    assert_eq!(
        fx,
        vec![Effect::Command(Command::Moderate {
            room: "r@muc.x".into(),
            action
        })]
    );
    s.apply(
        Input::Xmpp(Event::RoomLeft {
            room: "r@muc.x".into(),
            exit: crate::xmpp::RoomExit::Kicked { reason: None },
        }),
        2,
    );
    assert!(!s.rooms["r@muc.x"].joined);
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("removed")));
}

#[test]
fn who_types_in_a_group_is_named_until_their_message() {
    let mut s = signed_in();
    joined(&mut s, "r@muc.x");
    let typing = |nick: &str, state| {
        Input::Xmpp(Event::RoomChatState {
            room: "r@muc.x".into(),
            nick: nick.into(),
            state,
        })
    };
    s.apply(typing("ann", Typing::Composing), 1);
    assert_eq!(s.group_typing("r@muc.x").as_deref(), Some("ann is typing…"));
    s.apply(typing("bob", Typing::Composing), 2);
    assert_eq!(
        s.group_typing("r@muc.x").as_deref(),
        Some("ann and bob are typing…")
    );
    assert!(s.typing.contains("r@muc.x"), "the chat list shows it too");
    s.apply(
        Input::Xmpp(Event::RoomMessage(room_msg(
            "r@muc.x", "ann", "hi", "a1", false,
        ))),
        3,
    );
    assert_eq!(s.group_typing("r@muc.x").as_deref(), Some("bob is typing…"));
    s.apply(typing("bob", Typing::Paused), 4);
    assert_eq!(s.group_typing("r@muc.x"), None);
    assert!(!s.typing.contains("r@muc.x"));
    // Our own typing in a group goes to the room.
    open(&mut s, "r@muc.x");
    let fx = s.apply(
        Input::Composing {
            composing: true,
            has_text: true,
        },
        5,
    );
    assert_eq!(
        fx,
        vec![Effect::Command(Command::SendRoomChatState {
            room: "r@muc.x".into(),
            state: Typing::Composing
        })]
    );
}

#[test]
fn a_burst_sharing_a_millisecond_keeps_its_archive_order() {
    // ejabberd stamps to the microsecond: several messages share one ms.
    let mut s = signed_in();
    let messages: Vec<_> = (0..5u64)
        .map(|i| {
            archived(
                "bob@x",
                &i.to_string(),
                &format!("z{}", 9 - i),
                &format!("A{i}"),
                7_123 + i / 3,
            )
        })
        .collect();
    let fx = s.apply(page(ArchiveQuery::CatchUp, messages, true), 9_000);
    let Some(Effect::SaveMessages(saved)) = fx.first() else {
        panic!("{fx:?}")
    };
    let bodies: Vec<_> = {
        let mut v = saved.clone();
        v.sort_by(|a, b| (a.timestamp, &a.id).cmp(&(b.timestamp, &b.id)));
        v.into_iter().map(|m| m.body).collect()
    };
    assert_eq!(bodies, ["0", "1", "2", "3", "4"]);
}

use crate::xmpp::{Occupant, OccupantChange};

fn guest(nick: &str, role: Role) -> Occupant {
    Occupant {
        nick: nick.into(),
        jid: Some(format!("{nick}@x")),
        role,
        affiliation: Affiliation::None,
        availability: crate::chat::Availability::Online,
        status: None,
        is_me: false,
    }
}

fn presence(room: &str, change: OccupantChange) -> Event {
    Event::Occupants {
        room: room.into(),
        changes: vec![change],
    }
}

/// The shell applies a burst of room presences as one state change
/// (`merge_occupant_events` + `apply_all`): the result must be what the
/// presences give one at a time, joins, changes and departures in order,
/// across two rooms and around another event.
#[test]
fn a_burst_of_room_presences_applied_at_once_equals_one_by_one() {
    use crate::chat::groups::merge_occupant_events;
    let mut burst = vec![];
    for i in 0..2000 {
        burst.push(presence(
            "big@muc.x",
            OccupantChange::Present(guest(&format!("g{i:04}"), Role::Participant)),
        ));
    }
    // One becomes a moderator, one leaves, one changes nick (Gone + Present).
    burst.push(presence(
        "big@muc.x",
        OccupantChange::Present(guest("g0007", Role::Moderator)),
    ));
    burst.push(presence(
        "big@muc.x",
        OccupantChange::Gone {
            nick: "g0008".into(),
        },
    ));
    burst.push(presence(
        "small@muc.x",
        OccupantChange::Present(guest("ann", Role::Participant)),
    ));
    burst.push(presence(
        "big@muc.x",
        OccupantChange::Gone {
            nick: "g0009".into(),
        },
    ));
    burst.push(presence(
        "big@muc.x",
        OccupantChange::Present(guest("nine", Role::Participant)),
    ));
    // Another event in the burst stays in place: the subject set in between.
    burst.push(Event::RoomSubject {
        room: "big@muc.x".into(),
        subject: "Walks".into(),
        nick: Some("g0001".into()),
    });
    burst.push(presence(
        "big@muc.x",
        OccupantChange::Gone {
            nick: "g0001".into(),
        },
    ));

    let mut one_by_one = signed_in();
    joined(&mut one_by_one, "big@muc.x");
    joined(&mut one_by_one, "small@muc.x");
    let mut at_once = one_by_one.clone();
    let mut fx1 = vec![];
    for e in burst.clone() {
        fx1.extend(one_by_one.apply(Input::Xmpp(e), 20));
    }
    let merged = merge_occupant_events(burst);
    // big (2,002 changes), small, big (2), subject, big (1).
    assert_eq!(merged.len(), 5);
    assert!(
        matches!(&merged[0], Event::Occupants { room, changes } if room == "big@muc.x" && changes.len() == 2002)
    );
    let fx2 = at_once.apply_all(merged.into_iter().map(Input::Xmpp).collect(), 20);
    assert_eq!(fx1, fx2);
    assert_eq!(one_by_one, at_once);
    let big = &at_once.rooms["big@muc.x"].occupants;
    assert_eq!(big.len(), 1998, "2,000 in, 3 out, 1 renamed in");
    assert_eq!(big["g0007"].role, Role::Moderator);
    assert!(!big.contains_key("g0008") && !big.contains_key("g0009"));
    assert!(big.contains_key("nine"));
    assert_eq!(at_once.rooms["small@muc.x"].occupants.len(), 1);
}

// ---- room catch-up (issue 4) ----

use crate::xmpp::{RoomArchivePage, RoomArchiveQuery};

/// Room message `n` as the room's archive returns it (archive id `S-o{n}`).
fn room_archived(room: &str, n: usize) -> RoomMessage {
    RoomMessage {
        delay: Some(1_000_000 + n as u64 * 1000),
        ..room_msg(room, "owner", &format!("m{n}"), &format!("o{n}"), false)
    }
}

fn room_catch_up(room: &str, ns: std::ops::Range<usize>, complete: bool) -> Batch {
    let messages: Vec<RoomMessage> = ns.map(|n| room_archived(room, n)).collect();
    Batch::room_page(RoomArchivePage {
        query: RoomArchiveQuery::CatchUp { room: room.into() },
        first: messages.first().and_then(|m| m.stanza_id.clone()),
        last: messages.last().and_then(|m| m.stanza_id.clone()),
        messages,
        complete,
    })
}

fn saved(fx: &[Effect]) -> Vec<StoredMessage> {
    fx.iter()
        .flat_map(|e| match e {
            Effect::SaveMessages(v) => v.clone(),
            Effect::SaveMessage(m) => vec![m.clone()],
            _ => vec![],
        })
        .collect()
}

fn caught_up(s: &mut ChatState) {
    s.apply(page(ArchiveQuery::CatchUp, vec![], true), 3);
}

#[test]
fn a_room_catch_up_shows_updating_and_pages_through_everything_after_the_cursor() {
    let mut s = signed_in();
    caught_up(&mut s);
    assert!(!s.syncing);
    joined(&mut s, "r@muc.x");
    assert!(s.syncing, "the join starts the room's catch-up: Updating…");
    let mut stored = vec![];
    for (at, (ns, complete)) in [(0..250, false), (250..500, false), (500..600, true)]
        .into_iter()
        .enumerate()
    {
        let last = format!("S-o{}", ns.end - 1);
        let fx = s.apply(Input::Ingest(room_catch_up("r@muc.x", ns, complete)), 20);
        let save = fx.iter().position(|e| matches!(e, Effect::SaveMessages(_)));
        let cursor = fx.iter().position(|e| {
            matches!(e, Effect::SaveSetting { key, value }
                if key == "mam_last:r@muc.x" && *value == last)
        });
        assert!(save.is_some() && save < cursor, "page {at}: {fx:?}");
        stored.extend(saved(&fx));
        assert_eq!(s.syncing, !complete, "Updating… until the last page");
    }
    let bodies: Vec<String> = stored.iter().map(|m| m.body.clone()).collect();
    let want: Vec<String> = (0..600).map(|n| format!("m{n}")).collect();
    assert_eq!(bodies, want, "every message once, in order");
    assert!(stored.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
    assert_eq!(s.chats["r@muc.x"].unread, 600);
    assert_eq!(s.chats["r@muc.x"].last_preview, "m599");
}

#[test]
fn a_message_already_stored_from_an_earlier_page_is_not_stored_or_counted_again() {
    let mut s = signed_in();
    caught_up(&mut s);
    joined(&mut s, "r@muc.x");
    let fx = s.apply(Input::Ingest(room_catch_up("r@muc.x", 0..250, false)), 20);
    let first = saved(&fx);
    // The next page starts with the last one again (as the shell finds it
    // in the store).
    let mut next = room_catch_up("r@muc.x", 249..400, true);
    next.existing = vec![None; next.messages.len()];
    next.existing[0] = Some(first[249].clone());
    let fx = s.apply(Input::Ingest(next), 21);
    let second = saved(&fx);
    assert_eq!(second.len(), 150);
    assert_eq!(second[0].body, "m250");
    assert_eq!(s.chats["r@muc.x"].unread, 400);
}

#[test]
fn updating_lasts_until_the_account_and_every_room_are_caught_up() {
    let mut s = signed_in();
    assert!(s.syncing, "the account's catch-up");
    joined(&mut s, "a@muc.x");
    joined(&mut s, "b@muc.x");
    caught_up(&mut s);
    assert!(s.syncing, "two rooms still catching up");
    s.apply(Input::Ingest(room_catch_up("a@muc.x", 0..3, true)), 20);
    assert!(s.syncing, "one room still catching up");
    s.apply(
        Input::Xmpp(Event::RoomArchiveFailed {
            query: RoomArchiveQuery::CatchUp {
                room: "b@muc.x".into(),
            },
            reason: "timeout".into(),
        }),
        21,
    );
    assert!(!s.syncing, "a failed catch-up is over too");

    // A room's catch-up ending first does not end the account's.
    s.apply(
        Input::Xmpp(Event::Resumed {
            jid: "me@x/r".into(),
        }),
        30,
    );
    joined(&mut s, "a@muc.x");
    s.apply(Input::Ingest(room_catch_up("a@muc.x", 3..5, true)), 31);
    assert!(s.syncing, "the account's catch-up still runs");
    caught_up(&mut s);
    assert!(!s.syncing);

    // The stream ends, or we leave: no catch-up is running any more.
    joined(&mut s, "a@muc.x");
    assert!(s.syncing);
    s.apply(Input::Xmpp(Event::Ended { error: None }), 40);
    assert!(!s.syncing);
    s.apply(
        Input::Xmpp(Event::Online {
            jid: "me@x/r".into(),
            scram_keys: None,
        }),
        41,
    );
    caught_up(&mut s);
    joined(&mut s, "a@muc.x");
    s.apply(
        Input::Xmpp(Event::RoomLeft {
            room: "a@muc.x".into(),
            exit: crate::xmpp::RoomExit::Left,
        }),
        42,
    );
    assert!(!s.syncing);
}

#[test]
fn the_open_room_keeps_only_its_newest_messages_loaded_during_a_catch_up() {
    let mut s = signed_in();
    caught_up(&mut s);
    joined(&mut s, "r@muc.x");
    open(&mut s, "r@muc.x");
    s.older = OlderState::Exhausted;
    let mut stored = 0;
    for k in 0..4 {
        let fx = s.apply(
            Input::Ingest(room_catch_up("r@muc.x", k * 250..(k + 1) * 250, k == 3)),
            20,
        );
        stored += saved(&fx).len();
        assert!(s.messages.len() <= crate::chat::ingest::CATCH_UP_WINDOW);
    }
    assert_eq!(stored, 1000, "all stored");
    assert_eq!(s.messages.len(), crate::chat::ingest::CATCH_UP_WINDOW);
    assert_eq!(s.messages.last().map(|m| m.body.as_str()), Some("m999"));
    let first = 1000 - crate::chat::ingest::CATCH_UP_WINDOW;
    assert_eq!(s.messages[0].body, format!("m{first}"));
    assert!(s
        .messages
        .windows(2)
        .all(|w| w[0].timestamp < w[1].timestamp));
    assert_eq!(s.older, OlderState::Idle, "older ones are in the store");
    // Older messages come back from the store, before the oldest loaded.
    let fx = s.apply(Input::LoadOlder, 30);
    assert!(
        matches!(&fx[..], [Effect::LoadOlder { before, .. }] if before.id == format!("o{first}")),
        "{fx:?}"
    );
    assert!(!s.syncing);
}
