//! Reducer unit tests: inputs in, state and effects checked.
use super::*;
use crate::xmpp::IncomingMessage;

fn signed_in() -> ChatState {
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

fn incoming(from: &str, body: &str, origin: &str) -> Input {
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
        id: "o1".into()
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

fn msg(chat: &str, body: &str, origin: &str, from_me: bool) -> IncomingMessage {
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
    }
}

fn archived(chat: &str, body: &str, origin: &str, sid: &str, at: u64) -> IncomingMessage {
    IncomingMessage {
        stanza_id: Some(sid.into()),
        delay: Some(at),
        ..msg(chat, body, origin, false)
    }
}

fn page(query: ArchiveQuery, messages: Vec<IncomingMessage>, complete: bool) -> Input {
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

fn open(s: &mut ChatState, jid: &str) {
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
        id: "o1".into()
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

// ---- "My status" and idle (issue 4) ----

fn presence_command(a: Availability, status: Option<&str>, idle_since: Option<u64>) -> Effect {
    Effect::Command(Command::SetPresence {
        presence: crate::xmpp::Presence {
            availability: a,
            status: status.map(str::to_owned),
        },
        idle_since,
    })
}

#[test]
fn choosing_a_status_saves_it_and_announces_it() {
    let mut s = signed_in();
    assert_eq!(s.my_presence, MyPresence::default());
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Away,
            status: "  In a\n meeting  ".into(),
        },
        1,
    );
    let kept = MyPresence {
        availability: Availability::Away,
        status: "In a meeting".into(),
    };
    assert_eq!(
        fx,
        vec![
            Effect::SaveSetting {
                key: MY_PRESENCE.into(),
                value: kept.to_setting(),
            },
            presence_command(Availability::Away, Some("In a meeting"), None),
        ]
    );
    assert_eq!(s.my_presence, kept);
    // The same again: nothing to do.
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Away,
            status: "In a meeting".into(),
        },
        2,
    );
    assert_eq!(fx, vec![]);
    // An emptied message is no <status/>.
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Busy,
            status: "   ".into(),
        },
        3,
    );
    assert_eq!(fx[1], presence_command(Availability::Busy, None, None));
}

#[test]
fn a_status_message_is_cut_to_a_line() {
    let long = "x".repeat(STATUS_MAX_CHARS + 20);
    let p = MyPresence::new(Availability::Online, &long);
    assert_eq!(p.status.chars().count(), STATUS_MAX_CHARS);
}

#[test]
fn the_chosen_status_round_trips_through_the_setting() {
    let p = MyPresence::new(Availability::Busy, "Do not disturb");
    assert_eq!(MyPresence::from_setting(&p.to_setting()), Some(p));
    assert_eq!(MyPresence::from_setting("garbage"), None);
}

#[test]
fn idle_shows_online_as_away_with_the_idle_time_and_back() {
    let mut s = signed_in();
    let fx = s.apply(Input::Idle(Some(1_000)), 400_000);
    assert_eq!(
        fx,
        vec![presence_command(Availability::Away, None, Some(1_000))]
    );
    assert_eq!(
        s.my_presence.availability,
        Availability::Online,
        "the choice stays"
    );
    assert_eq!(s.apply(Input::Idle(Some(1_000)), 400_001), vec![]);
    let fx = s.apply(Input::Idle(None), 400_002);
    assert_eq!(fx, vec![presence_command(Availability::Online, None, None)]);
}

#[test]
fn idle_keeps_busy_and_its_message() {
    let mut s = signed_in();
    s.apply(
        Input::SetMyPresence {
            availability: Availability::Busy,
            status: "focus".into(),
        },
        1,
    );
    let fx = s.apply(Input::Idle(Some(5)), 2);
    assert_eq!(
        fx,
        vec![presence_command(Availability::Busy, Some("focus"), Some(5))]
    );
    // Choosing while idle announces the idle time too.
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Online,
            status: "focus".into(),
        },
        3,
    );
    assert_eq!(
        fx[1],
        presence_command(Availability::Away, Some("focus"), Some(5))
    );
}

#[test]
fn a_contacts_status_message_shows_with_its_presence() {
    let mut s = signed_in();
    let presence = |a, status: Option<&str>, idle_since| {
        Input::Xmpp(Event::ContactPresence {
            jid: "bob@x".into(),
            availability: a,
            status: status.map(str::to_owned),
            idle_since,
        })
    };
    s.apply(presence(Availability::Away, Some("In a meeting"), None), 1);
    assert_eq!(
        s.status_line("bob@x", |_| String::new()),
        "away · In a meeting"
    );
    assert_eq!(s.status_message("bob@x"), Some("In a meeting"));
    s.apply(presence(Availability::Busy, Some("Writing"), None), 2);
    assert_eq!(s.status_line("bob@x", |_| String::new()), "busy · Writing");
    s.apply(presence(Availability::Online, None, Some(900)), 3);
    assert_eq!(
        s.status_line("bob@x", |at| format!("at {at}")),
        "online, idle since at 900"
    );
    // Gone: an unavailable presence's status is not shown.
    s.apply(presence(Availability::Offline, Some("Logged out"), None), 4);
    assert_eq!(s.status_message("bob@x"), None);
    assert_eq!(s.status_line("bob@x", |_| String::new()), "offline");
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
