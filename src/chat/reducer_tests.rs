//! Reducer unit tests: inputs in, state and effects checked.
use super::*;
use crate::store::Before;
use crate::xmpp::IncomingMessage;

pub(super) fn signed_in() -> ChatState {
    let mut s = ChatState::new(None);
    s.apply(
        Input::Xmpp(Event::Online {
            jid: "me@x/r".into(),
            scram_keys: None,
        }),
        1,
    );
    s
}

pub(super) fn incoming(from: &str, body: &str, origin: &str) -> Input {
    Input::Xmpp(Event::Message(IncomingMessage {
        from: from.into(),
        chat: from.into(),
        from_me: false,
        markable: true,
        id: Some("s1".into()),
        origin_id: Some(origin.into()),
        stanza_id: None,
        body: body.into(),
        delay: None,
        extras: Default::default(),
    }))
}

#[test]
fn sending_saves_the_pending_message_before_the_command() {
    let mut s = signed_in();
    s.apply(
        Input::StartChat {
            jid: "bob@x".into(),
        },
        5,
    );
    let effects = s.apply(
        Input::Send {
            body: "hi".into(),
            id: "o1".into(),
        },
        10,
    );
    let save = effects
        .iter()
        .position(|e| matches!(e, Effect::SaveMessage(m) if m.status == MessageStatus::Pending));
    let send = effects
        .iter()
        .position(|e| matches!(e, Effect::Command(Command::SendMessage { .. })));
    assert!(
        save.is_some() && send.is_some() && save < send,
        "{effects:?}"
    );
    // Nothing else is written in between: the message goes out right after
    // it is stored (the chat list's preview is saved afterwards).
    assert_eq!(send, save.map(|i| i + 1), "{effects:?}");
    assert!(
        matches!(effects.last(), Some(Effect::SaveChat(_))),
        "{effects:?}"
    );
    assert_eq!(s.messages.len(), 1);
    assert_eq!(s.chats["bob@x"].last_preview, "hi");
}

#[test]
fn starting_a_chat_with_a_stranger_adds_the_contact() {
    let mut s = signed_in();
    let effects = s.apply(
        Input::StartChat {
            jid: "bob@x".into(),
        },
        5,
    );
    assert!(effects.contains(&Effect::Command(Command::AddContact {
        jid: "bob@x".into()
    })));
    assert_eq!(s.open.as_deref(), Some("bob@x"));
    assert!(effects.contains(&Effect::LoadHistory("bob@x".into())));
}

#[test]
fn a_message_for_a_closed_chat_counts_as_unread_and_moves_it_up() {
    let mut s = signed_in();
    s.apply(incoming("bob@x", "one", "a"), 10);
    s.apply(incoming("carol@x", "two", "b"), 20);
    s.apply(incoming("bob@x", "three", "c"), 30);
    let chats = s.sorted_chats();
    assert_eq!(chats[0].jid, "bob@x");
    assert_eq!(chats[0].unread, 2);
    assert_eq!(chats[0].last_preview, "three");
    assert_eq!(chats[1].unread, 1);
}

#[test]
fn opening_a_chat_clears_its_unread_count() {
    let mut s = signed_in();
    s.apply(incoming("bob@x", "one", "a"), 10);
    let effects = s.apply(Input::Open(Some("bob@x".into())), 11);
    assert_eq!(s.chats["bob@x"].unread, 0);
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::SaveChat(c) if c.unread == 0)));
}

#[test]
fn a_message_in_the_open_visible_chat_is_not_unread() {
    let mut s = signed_in();
    s.apply(
        Input::StartChat {
            jid: "bob@x".into(),
        },
        5,
    );
    s.apply(incoming("bob@x", "one", "a"), 10);
    assert_eq!(s.chats["bob@x"].unread, 0);
    assert_eq!(s.messages.len(), 1);
    s.apply(Input::Visible(false), 11);
    s.apply(incoming("bob@x", "two", "b"), 12);
    assert_eq!(s.chats["bob@x"].unread, 1);
}

#[test]
fn the_same_origin_id_twice_shows_once() {
    let mut s = signed_in();
    s.apply(
        Input::StartChat {
            jid: "bob@x".into(),
        },
        5,
    );
    s.apply(incoming("bob@x", "one", "a"), 10);
    let effects = s.apply(incoming("bob@x", "one", "a"), 11);
    assert!(effects.is_empty());
    assert_eq!(s.messages.len(), 1);
}

#[test]
fn ticks_never_move_backwards() {
    let mut s = signed_in();
    s.apply(
        Input::StartChat {
            jid: "bob@x".into(),
        },
        5,
    );
    s.apply(
        Input::Send {
            body: "hi".into(),
            id: "o1".into(),
        },
        10,
    );
    s.apply(Input::Xmpp(Event::Sent { id: "o1".into() }), 11);
    assert_eq!(s.messages[0].status, MessageStatus::Sent);
    Arc::make_mut(&mut s.messages)[0].status = MessageStatus::Read;
    s.apply(Input::Xmpp(Event::Sent { id: "o1".into() }), 12);
    assert_eq!(s.messages[0].status, MessageStatus::Read);
}

#[test]
fn a_bounced_message_becomes_failed_with_its_reason() {
    let mut s = signed_in();
    s.apply(
        Input::StartChat {
            jid: "bob@x".into(),
        },
        5,
    );
    s.apply(
        Input::Send {
            body: "hi".into(),
            id: "o1".into(),
        },
        10,
    );
    let fx = s.apply(
        Input::Xmpp(Event::MessageFailed {
            id: "o1".into(),
            reason: "no such user".into(),
        }),
        11,
    );
    assert_eq!(s.messages[0].status, MessageStatus::Failed);
    assert_eq!(s.messages[0].error.as_deref(), Some("no such user"));
    assert!(matches!(
        &fx[0],
        Effect::SetStatus {
            status: MessageStatus::Failed,
            ..
        }
    ));
}

#[test]
fn retrying_a_failed_message_sends_it_again_with_the_same_id() {
    let mut s = signed_in();
    s.apply(
        Input::StartChat {
            jid: "bob@x".into(),
        },
        5,
    );
    s.apply(
        Input::Send {
            body: "hi".into(),
            id: "o1".into(),
        },
        10,
    );
    s.apply(
        Input::Xmpp(Event::MessageFailed {
            id: "o1".into(),
            reason: "gone".into(),
        }),
        11,
    );
    let fx = s.apply(Input::Retry { id: "o1".into() }, 12);
    assert_eq!(s.messages[0].status, MessageStatus::Pending);
    assert_eq!(s.messages[0].error, None);
    assert!(fx.contains(&Effect::Command(Command::SendMessage {
        to: "bob@x".into(),
        body: "hi".into(),
        id: "o1".into(),
        extras: Default::default(),
    })));
    // Only failed messages can be retried.
    assert!(s.apply(Input::Retry { id: "o1".into() }, 13).is_empty());
}

#[test]
fn subscription_requests_wait_for_an_answer_and_accepting_opens_a_chat() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::SubscriptionRequest {
            from: "dan@x".into(),
        }),
        5,
    );
    assert!(s.requests.contains("dan@x"));
    let fx = s.apply(
        Input::Accept {
            jid: "dan@x".into(),
        },
        6,
    );
    assert!(s.requests.is_empty());
    assert!(fx.contains(&Effect::Command(Command::Accept {
        jid: "dan@x".into()
    })));
    assert!(s.chats.contains_key("dan@x"));
}

#[test]
fn a_roster_without_a_contact_removes_it_unless_we_just_asked() {
    let mut s = signed_in();
    s.apply(
        Input::StartChat {
            jid: "new@x".into(),
        },
        5,
    );
    let old = RosterItem {
        jid: "old@x".into(),
        name: Some("Old".into()),
        subscription: Subscription::Both,
        pending_out: false,
    };
    s.apply(Input::Xmpp(Event::RosterPush { item: old }), 6);
    assert_eq!(s.display_name("old@x"), "Old");
    let fx = s.apply(Input::Xmpp(Event::Roster { items: vec![] }), 7);
    assert!(fx.contains(&Effect::RemoveContact("old@x".into())));
    assert!(s.contacts.contains_key("new@x"));
}

#[test]
fn preview_takes_the_first_non_empty_line_and_truncates() {
    assert_eq!(preview("\n  hello\nworld"), "hello");
    assert_eq!(preview(&"x".repeat(100)).chars().count(), PREVIEW_CHARS + 1);
}

// ---- delivery: dedup, carbons, markers, archive pages, older history ----

use super::super::ingest::{Batch, PageInfo};
use crate::xmpp::{ArchiveQuery, Marker};

pub(super) fn msg(chat: &str, body: &str, origin: &str, from_me: bool) -> IncomingMessage {
    IncomingMessage {
        from: if from_me { "me@x".into() } else { chat.into() },
        chat: chat.into(),
        from_me,
        markable: true,
        id: Some(origin.into()),
        origin_id: Some(origin.into()),
        stanza_id: None,
        body: body.into(),
        delay: None,
        extras: Default::default(),
    }
}

pub(super) fn archived(
    chat: &str,
    body: &str,
    origin: &str,
    sid: &str,
    at: u64,
) -> IncomingMessage {
    IncomingMessage {
        stanza_id: Some(sid.into()),
        delay: Some(at),
        ..msg(chat, body, origin, false)
    }
}

pub(super) fn page(query: ArchiveQuery, messages: Vec<IncomingMessage>, complete: bool) -> Input {
    let last = messages.last().and_then(|m| m.stanza_id.clone());
    let first = messages.first().and_then(|m| m.stanza_id.clone());
    Input::Ingest(Batch {
        messages,
        existing: vec![],
        page: Some(PageInfo {
            query,
            markers: vec![],
            first,
            last,
            complete,
            room: None,
        }),
        group: false,
    })
}

pub(super) fn open(s: &mut ChatState, jid: &str) {
    s.apply(Input::Open(Some(jid.into())), 2);
}

#[test]
fn a_message_the_store_already_has_is_dropped_but_teaches_its_archive_id() {
    let mut s = signed_in();
    let stored = StoredMessage {
        id: "o1".into(),
        chat: "bob@x".into(),
        from_me: true,
        sender: "me@x".into(),
        body: "hi".into(),
        timestamp: 5,
        status: MessageStatus::Pending,
        stanza_id: None,
        error: None,
        rich: Default::default(),
    };
    let copy = IncomingMessage {
        stanza_id: Some("A1".into()),
        ..msg("bob@x", "hi", "o1", true)
    };
    let fx = s.apply(
        Input::Ingest(Batch {
            messages: vec![copy],
            existing: vec![Some(stored.clone())],
            page: None,
            group: false,
        }),
        9,
    );
    // Only what it learns is written (the stored copy may be stale): its
    // archive id, and Sent, as the archive has it.
    assert_eq!(
        fx,
        vec![
            Effect::SetArchiveId {
                id: "o1".into(),
                stanza_id: "A1".into()
            },
            Effect::SetStatus {
                id: "o1".into(),
                status: MessageStatus::Sent,
                error: None
            }
        ]
    );
    assert!(s.chats.get("bob@x").is_none_or(|c| c.unread == 0));
}

#[test]
fn the_same_message_twice_in_one_page_is_stored_once() {
    let mut s = signed_in();
    let m = archived("bob@x", "one", "a", "A1", 10);
    let fx = s.apply(page(ArchiveQuery::CatchUp, vec![m.clone(), m], true), 20);
    assert!(matches!(&fx[0], Effect::SaveMessage(m) if m.id == "a"));
    assert_eq!(s.chats["bob@x"].unread, 1);
}

#[test]
fn a_catch_up_page_is_saved_in_one_write_before_its_cursor_moves() {
    let mut s = signed_in();
    assert!(s.syncing);
    let fx = s.apply(
        page(
            ArchiveQuery::CatchUp,
            vec![
                archived("bob@x", "one", "a", "A1", 10),
                archived("bob@x", "two", "b", "A2", 11),
            ],
            false,
        ),
        20,
    );
    let save = fx
        .iter()
        .position(|e| matches!(e, Effect::SaveMessages(v) if v.len() == 2));
    let cursor = fx.iter().position(|e| {
        matches!(e, Effect::SaveSetting { key, value } if key == ARCHIVE_CURSOR && value == "A2")
    });
    assert!(
        save.is_some() && cursor.is_some() && save < cursor,
        "{fx:?}"
    );
    assert!(s.syncing, "more pages to come");
    assert_eq!(s.chats["bob@x"].unread, 2);
    assert_eq!(s.chats["bob@x"].last_activity, 11);
    s.apply(page(ArchiveQuery::CatchUp, vec![], true), 21);
    assert!(!s.syncing);
    // Caught up: a live archive id moves the cursor.
    let live = IncomingMessage {
        stanza_id: Some("A3".into()),
        ..msg("bob@x", "three", "c", false)
    };
    let fx = s.apply(Input::Xmpp(Event::Message(live)), 30);
    assert!(fx.contains(&Effect::SaveSetting {
        key: ARCHIVE_CURSOR.into(),
        value: "A3".into()
    }));
}

#[test]
fn an_own_message_from_another_device_shows_as_ours_and_clears_unread() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::Message(msg("bob@x", "q?", "a", false))),
        10,
    );
    assert_eq!(s.chats["bob@x"].unread, 1);
    let fx = s.apply(
        Input::Xmpp(Event::Message(msg("bob@x", "yes", "b", true))),
        11,
    );
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveMessage(m)
        if m.from_me && m.status == MessageStatus::Sent && m.sender == "me@x" && m.chat == "bob@x")));
    assert_eq!(s.chats["bob@x"].unread, 0);
    assert_eq!(s.chats["bob@x"].last_preview, "yes");
}

#[test]
fn a_marker_from_another_device_clears_unread_up_to_it() {
    let mut s = signed_in();
    for (body, id) in [("1", "a"), ("2", "b"), ("3", "c")] {
        s.apply(
            Input::Xmpp(Event::Message(msg("bob@x", body, id, false))),
            10,
        );
    }
    let marker = |id: &str| {
        Input::Xmpp(Event::Displayed(Marker {
            chat: "bob@x".into(),
            id: id.into(),
            from_me: true,
        }))
    };
    s.apply(marker("b"), 11);
    assert_eq!(s.chats["bob@x"].unread, 1);
    let fx = s.apply(marker("c"), 12);
    assert_eq!(s.chats["bob@x"].unread, 0);
    assert!(matches!(&fx[0], Effect::SaveChat(c) if c.unread == 0));
}

#[test]
fn a_marker_from_the_partner_turns_our_messages_up_to_it_read() {
    let mut s = signed_in();
    open(&mut s, "bob@x");
    for id in ["o1", "o2", "o3"] {
        s.apply(
            Input::Send {
                body: id.into(),
                id: id.into(),
            },
            10,
        );
    }
    s.apply(
        Input::Xmpp(Event::MessageFailed {
            id: "o1".into(),
            reason: "x".into(),
        }),
        11,
    );
    let fx = s.apply(
        Input::Xmpp(Event::Displayed(Marker {
            chat: "bob@x".into(),
            id: "o2".into(),
            from_me: false,
        })),
        12,
    );
    assert_eq!(
        fx,
        vec![Effect::MarkRead {
            chat: "bob@x".into(),
            id: "o2".into()
        }]
    );
    let status: Vec<_> = s.messages.iter().map(|m| m.status).collect();
    assert_eq!(
        status,
        vec![
            MessageStatus::Failed,
            MessageStatus::Read,
            MessageStatus::Pending
        ]
    );
}

#[test]
fn the_open_visible_chat_sends_one_displayed_marker_for_the_newest_message() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::Message(msg("bob@x", "1", "a", false))),
        10,
    );
    open(&mut s, "bob@x");
    let history = vec![StoredMessage {
        id: "a".into(),
        chat: "bob@x".into(),
        from_me: false,
        sender: "bob@x".into(),
        body: "1".into(),
        timestamp: 10,
        status: MessageStatus::Received,
        stanza_id: None,
        error: None,
        rich: Default::default(),
    }];
    let fx = s.apply(
        Input::History {
            chat: "bob@x".into(),
            messages: history.clone(),
        },
        11,
    );
    let displayed = Effect::Command(Command::SendDisplayed {
        to: "bob@x".into(),
        id: "a".into(),
    });
    assert_eq!(fx, vec![displayed.clone()]);
    assert_eq!(s.divider.as_deref(), Some("a"));
    // Not twice for the same message.
    let fx = s.apply(
        Input::History {
            chat: "bob@x".into(),
            messages: history,
        },
        12,
    );
    assert!(fx.is_empty());
    // Hidden page: nothing until it is visible again.
    s.apply(Input::Visible(false), 13);
    let fx = s.apply(
        Input::Xmpp(Event::Message(msg("bob@x", "2", "b", false))),
        14,
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Command(_))));
    let fx = s.apply(Input::Visible(true), 15);
    assert!(fx.contains(&Effect::Command(Command::SendDisplayed {
        to: "bob@x".into(),
        id: "b".into()
    })));
}

#[test]
fn no_displayed_marker_when_read_receipts_are_off_or_not_asked_for() {
    let mut s = signed_in();
    let fx = s.apply(
        Input::SetPrivacy(Privacy {
            read_receipts: false,
            receipts_for_strangers: true,
            share_last_seen: false,
        }),
        5,
    );
    assert!(fx.contains(&Effect::Command(Command::SetReceiptsForStrangers(true))));
    assert!(fx.contains(&Effect::Command(Command::SetShareLastSeen(false))));
    assert!(fx.contains(&Effect::SaveSetting {
        key: READ_RECEIPTS.into(),
        value: "false".into()
    }));
    open(&mut s, "bob@x");
    let fx = s.apply(
        Input::Xmpp(Event::Message(msg("bob@x", "1", "a", false))),
        10,
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Command(_))));
    s.apply(Input::SetPrivacy(Privacy::default()), 11);
    let unmarkable = IncomingMessage {
        markable: false,
        ..msg("bob@x", "2", "b", false)
    };
    let fx = s.apply(Input::Xmpp(Event::Message(unmarkable)), 12);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Command(_))));
}

#[test]
fn older_history_comes_from_the_store_first_then_the_archive() {
    let mut s = signed_in();
    open(&mut s, "bob@x");
    let stored = |i: u64| StoredMessage {
        id: format!("m{i}"),
        chat: "bob@x".into(),
        from_me: false,
        sender: "bob@x".into(),
        body: format!("{i}"),
        timestamp: 1000 + i,
        status: MessageStatus::Received,
        stanza_id: Some(format!("A{i}")),
        error: None,
        rich: Default::default(),
    };
    s.apply(
        Input::History {
            chat: "bob@x".into(),
            messages: (100..150).map(stored).collect(),
        },
        5,
    );
    let fx = s.apply(Input::LoadOlder, 6);
    assert_eq!(
        fx,
        vec![Effect::LoadOlder {
            chat: "bob@x".into(),
            before: Before {
                timestamp: 1100,
                id: "m100".into()
            }
        }]
    );
    assert_eq!(s.older, OlderState::Loading);
    assert!(
        s.apply(Input::LoadOlder, 6).is_empty(),
        "one load at a time"
    );
    // A short page from the store: the archive is asked, before our oldest id.
    let fx = s.apply(
        Input::Older {
            chat: "bob@x".into(),
            messages: (90..100).map(stored).collect(),
        },
        7,
    );
    assert_eq!(
        fx,
        vec![Effect::Command(Command::FetchOlder {
            chat: "bob@x".into(),
            before: Some("A90".into())
        })]
    );
    assert_eq!(s.messages.len(), 60);
    let older = ArchiveQuery::Older {
        chat: "bob@x".into(),
    };
    let fx = s.apply(
        page(
            older.clone(),
            vec![archived("bob@x", "89", "m89", "A89", 1089)],
            false,
        ),
        8,
    );
    assert!(matches!(&fx[0], Effect::SaveMessage(m) if m.id == "m89"));
    assert_eq!(s.messages[0].id, "m89");
    assert_eq!(s.older, OlderState::Idle);
    assert_eq!(
        s.chats["bob@x"].last_preview, "",
        "old history leaves the preview"
    );
    assert_eq!(s.chats["bob@x"].unread, 0, "old history is not unread");
    s.apply(Input::LoadOlder, 9);
    s.apply(page(older, vec![], true), 10);
    assert_eq!(s.older, OlderState::Exhausted);
}

#[test]
fn messages_stamped_in_the_same_second_keep_their_arrival_order() {
    let mut s = signed_in();
    open(&mut s, "bob@x");
    // Ids sort the other way round from the arrival order.
    let at = 5_000;
    for (body, id) in [("1", "z"), ("2", "y"), ("3", "x")] {
        let m = IncomingMessage {
            delay: Some(at),
            ..msg("bob@x", body, id, false)
        };
        s.apply(Input::Xmpp(Event::Message(m)), 9_000);
    }
    let bodies: Vec<_> = s.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["1", "2", "3"]);
    assert_eq!(s.messages[2].timestamp, at + 2);
    // An older page in the same second goes before them, in its own order.
    s.apply(Input::LoadOlder, 9_001);
    s.apply(
        page(
            ArchiveQuery::Older {
                chat: "bob@x".into(),
            },
            vec![
                archived("bob@x", "-2", "w", "A1", at),
                archived("bob@x", "-1", "v", "A2", at),
            ],
            true,
        ),
        9_002,
    );
    let bodies: Vec<_> = s.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["-2", "-1", "1", "2", "3"]);
    // A stamp with milliseconds is kept as it is.
    let exact = IncomingMessage {
        delay: Some(at + 500),
        ..msg("bob@x", "4", "u", false)
    };
    s.apply(Input::Xmpp(Event::Message(exact)), 9_003);
    assert_eq!(s.messages.last().map(|m| m.timestamp), Some(at + 500));
}

#[test]
fn a_burst_of_more_than_a_thousand_in_one_second_keeps_its_order() {
    let mut s = signed_in();
    let messages: Vec<_> = (0..2500u64)
        .map(|i| {
            archived(
                "bob@x",
                &i.to_string(),
                &format!("o{i}"),
                &format!("A{i}"),
                7_000,
            )
        })
        .collect();
    let fx = s.apply(page(ArchiveQuery::CatchUp, messages, true), 9_000);
    let Some(Effect::SaveMessages(saved)) = fx.first() else {
        panic!("{fx:?}")
    };
    assert!(saved.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
    // The newest message sorts last.
    assert_eq!(s.chats["bob@x"].last_activity, 7_000 + 2_499);
    assert_eq!(s.chats["bob@x"].last_preview, "2499");
}

// ---- typing, last seen, blocking ----

use crate::xmpp::ChatState as Typing;

#[test]
fn typing_shows_until_paused_or_a_message_comes() {
    let mut s = signed_in();
    let state = |st| {
        Input::Xmpp(Event::ChatState {
            from: "bob@x".into(),
            state: st,
        })
    };
    s.apply(state(Typing::Composing), 1);
    assert_eq!(s.status_line("bob@x", |_| String::new()), "typing…");
    s.apply(state(Typing::Paused), 2);
    assert!(!s.typing.contains("bob@x"));
    s.apply(state(Typing::Composing), 3);
    s.apply(
        Input::Xmpp(Event::Message(msg("bob@x", "hi", "a", false))),
        4,
    );
    assert!(!s.typing.contains("bob@x"), "the message ends typing");
}

#[test]
fn our_typing_is_sent_once_per_change_and_ends_with_the_message() {
    let mut s = signed_in();
    open(&mut s, "bob@x");
    let typing = |composing, has_text| Input::Composing {
        composing,
        has_text,
    };
    let sent = |fx: &[Effect]| -> Vec<Typing> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Command(Command::SendChatState { state, .. }) => Some(*state),
                _ => None,
            })
            .collect()
    };
    assert_eq!(sent(&s.apply(typing(true, true), 1)), [Typing::Composing]);
    assert!(
        sent(&s.apply(typing(true, true), 2)).is_empty(),
        "no repeat"
    );
    assert_eq!(sent(&s.apply(typing(false, true), 3)), [Typing::Paused]);
    assert_eq!(sent(&s.apply(typing(true, true), 4)), [Typing::Composing]);
    // Sending carries <active/>: no separate state, and typing again starts anew.
    s.apply(
        Input::Send {
            body: "hi".into(),
            id: "o1".into(),
        },
        5,
    );
    assert_eq!(sent(&s.apply(typing(true, true), 6)), [Typing::Composing]);
    // Leaving the chat while typing says active.
    let fx = s.apply(Input::Open(None), 7);
    assert_eq!(sent(&fx), [Typing::Active]);
}

#[test]
fn an_offline_contact_shows_when_last_seen() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::RosterPush {
            item: RosterItem {
                jid: "bob@x".into(),
                name: None,
                subscription: Subscription::Both,
                pending_out: false,
            },
        }),
        1,
    );
    let fx = s.apply(Input::Open(Some("bob@x".into())), 2);
    assert!(fx.contains(&Effect::Command(Command::FetchLastSeen {
        jid: "bob@x".into()
    })));
    s.apply(
        Input::Xmpp(Event::LastSeen {
            jid: "bob@x".into(),
            seconds_ago: 60,
            at: 1_000,
        }),
        3,
    );
    assert_eq!(
        s.status_line("bob@x", |at| format!("at {at}")),
        "last seen at 1000"
    );
    s.apply(
        Input::Xmpp(Event::ContactPresence {
            jid: "bob@x".into(),
            availability: Availability::Away,
            status: None,
            idle_since: Some(900),
        }),
        4,
    );
    assert_eq!(
        s.status_line("bob@x", |at| format!("at {at}")),
        "away since at 900"
    );
    // Online: no question asked when the chat is opened.
    s.apply(
        Input::Xmpp(Event::ContactPresence {
            jid: "bob@x".into(),
            availability: Availability::Online,
            status: None,
            idle_since: None,
        }),
        5,
    );
    let fx = s.apply(Input::Open(Some("bob@x".into())), 6);
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::Command(Command::FetchLastSeen { .. }))));
    assert_eq!(s.status_line("bob@x", |_| String::new()), "online");
}

#[test]
fn a_blocked_contact_never_shows_messages_or_typing() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::Blocked {
            jid: "spam@x".into(),
        }),
        1,
    );
    s.apply(
        Input::Xmpp(Event::ChatState {
            from: "spam@x".into(),
            state: Typing::Composing,
        }),
        2,
    );
    assert!(s.typing.is_empty());
    let fx = s.apply(
        page(
            ArchiveQuery::CatchUp,
            vec![archived("spam@x", "buy", "a", "A1", 10)],
            true,
        ),
        3,
    );
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::SaveMessage(_) | Effect::SaveMessages(_))));
    assert!(!s.chats.contains_key("spam@x"));
    s.apply(
        Input::Xmpp(Event::Unblocked {
            jid: "spam@x".into(),
        }),
        4,
    );
    s.apply(
        Input::Xmpp(Event::Message(msg("spam@x", "hi", "b", false))),
        5,
    );
    assert_eq!(s.chats["spam@x"].unread, 1);
}
