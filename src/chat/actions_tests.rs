//! Reducer tests of replies, reactions, corrections, retractions, delete
//! for me, forwards and shared files (issue 5).
use super::tests::{msg, open, signed_in};
use super::*;
use crate::chat::actions::RETRACTED_TEXT;
use crate::xmpp::{Extras, IncomingMessage, Reactions};

fn live(m: IncomingMessage) -> Input {
    Input::Xmpp(Event::Message(m))
}

/// A chat with bob open: his message "b1" and our Sent message "o1".
fn chat_with_bob() -> ChatState {
    let mut s = signed_in();
    open(&mut s, "bob@x");
    s.apply(live(msg("bob@x", "hello there", "b1", false)), 10);
    s.apply(
        Input::Send {
            body: "mine".into(),
            id: "o1".into(),
        },
        20,
    );
    s.apply(Input::Xmpp(Event::Sent { id: "o1".into() }), 21);
    s
}

fn loaded<'a>(s: &'a ChatState, id: &str) -> &'a StoredMessage {
    s.messages.iter().find(|m| m.id == id).expect("loaded")
}

fn sent(fx: &[Effect]) -> (String, String, Extras) {
    fx.iter()
        .find_map(|e| match e {
            Effect::Command(Command::SendMessage {
                to, body, extras, ..
            }) => Some((to.clone(), body.clone(), extras.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no SendMessage in {fx:?}"))
}

fn action(from_bob: bool, extras: Extras, body: &str, at: u64) -> Input {
    live(IncomingMessage {
        delay: Some(at),
        extras: Box::new(extras),
        ..msg("bob@x", body, &format!("act-{at}"), !from_bob)
    })
}

#[test]
fn a_reply_quotes_its_target_and_is_stored_with_the_quote() {
    let mut s = chat_with_bob();
    let fx = s.apply(
        Input::Reply {
            body: "sure".into(),
            id: "o2".into(),
            target: "b1".into(),
        },
        30,
    );
    let quote = Quote {
        id: "b1".into(),
        to: "bob@x".into(),
        text: "hello there".into(),
    };
    let (to, body, extras) = sent(&fx);
    assert_eq!((to.as_str(), body.as_str()), ("bob@x", "sure"));
    assert_eq!(extras.reply, Some(quote.clone()));
    assert_eq!(loaded(&s, "o2").rich.reply, Some(quote));
    // The quote is stored before it is sent.
    assert!(matches!(&fx[0], Effect::SaveMessage(m) if m.rich.reply.is_some()));
}

#[test]
fn a_reaction_toggles_and_sends_our_whole_set() {
    let mut s = chat_with_bob();
    let fx = s.apply(
        Input::React {
            target: "b1".into(),
            emoji: "👍".into(),
            id: "r1".into(),
        },
        30,
    );
    let (_, body, extras) = sent(&fx);
    assert_eq!(body, "");
    assert_eq!(
        extras.reactions,
        Some(Reactions {
            id: "b1".into(),
            emojis: vec!["👍".into()]
        })
    );
    s.apply(
        Input::React {
            target: "b1".into(),
            emoji: "❤️".into(),
            id: "r2".into(),
        },
        31,
    );
    assert_eq!(loaded(&s, "b1").rich.reactions["me@x"], vec!["👍", "❤️"]);
    let fx = s.apply(
        Input::React {
            target: "b1".into(),
            emoji: "👍".into(),
            id: "r3".into(),
        },
        32,
    );
    assert_eq!(sent(&fx).2.reactions.unwrap().emojis, vec!["❤️"]);
    let fx = s.apply(
        Input::React {
            target: "b1".into(),
            emoji: "❤️".into(),
            id: "r4".into(),
        },
        33,
    );
    assert_eq!(sent(&fx).2.reactions.unwrap().emojis, Vec::<String>::new());
    assert!(loaded(&s, "b1").rich.reactions.is_empty());
    assert!(fx.iter().any(
        |e| matches!(e, Effect::SaveMessage(m) if m.id == "b1" && m.rich.reactions.is_empty())
    ));
}

#[test]
fn editing_our_message_sends_a_correction_naming_the_original() {
    let mut s = chat_with_bob();
    let fx = s.apply(
        Input::Edit {
            target: "o1".into(),
            body: "mine, fixed".into(),
            id: "c1".into(),
        },
        40,
    );
    let (_, body, extras) = sent(&fx);
    assert_eq!(body, "mine, fixed");
    assert_eq!(extras.replaces.as_deref(), Some("o1"));
    let m = loaded(&s, "o1");
    assert_eq!(m.body, "mine, fixed");
    assert_eq!(m.rich.edited, Some(40));
    assert_eq!(s.chats["bob@x"].last_preview, "mine, fixed");
    // Someone else's message cannot be edited.
    let fx = s.apply(
        Input::Edit {
            target: "b1".into(),
            body: "hacked".into(),
            id: "c2".into(),
        },
        41,
    );
    assert_eq!(fx, vec![]);
}

#[test]
fn deleting_for_everyone_empties_the_message_here_and_tells_the_other_side() {
    let mut s = chat_with_bob();
    s.apply(
        Input::React {
            target: "o1".into(),
            emoji: "👍".into(),
            id: "r1".into(),
        },
        30,
    );
    let fx = s.apply(
        Input::Retract {
            target: "o1".into(),
            id: "x1".into(),
        },
        40,
    );
    assert_eq!(sent(&fx).2.retracts.as_deref(), Some("o1"));
    let m = loaded(&s, "o1");
    assert!(m.rich.retracted);
    assert_eq!(m.body, "");
    assert!(m.rich.reactions.is_empty());
    assert_eq!(s.chats["bob@x"].last_preview, RETRACTED_TEXT);
    // Not someone else's.
    assert_eq!(
        s.apply(
            Input::Retract {
                target: "b1".into(),
                id: "x2".into()
            },
            41
        ),
        vec![]
    );
}

#[test]
fn deleting_a_pending_message_for_everyone_takes_it_out_of_the_outbox() {
    let mut s = chat_with_bob();
    s.apply(
        Input::Send {
            body: "oops".into(),
            id: "o2".into(),
        },
        50,
    );
    let fx = s.apply(
        Input::Retract {
            target: "o2".into(),
            id: "x1".into(),
        },
        51,
    );
    assert!(fx.contains(&Effect::DeleteMessage("o2".into())));
    assert!(s.messages.iter().all(|m| m.id != "o2"));
    assert_eq!(sent(&fx).2.retracts.as_deref(), Some("o2"));
}

#[test]
fn deleting_for_me_only_removes_it_here() {
    let mut s = chat_with_bob();
    let fx = s.apply(
        Input::DeleteForMe {
            target: "o1".into(),
        },
        60,
    );
    assert!(fx.contains(&Effect::DeleteMessage("o1".into())));
    assert!(!fx.iter().any(|e| matches!(e, Effect::Command(_))));
    assert_eq!(s.messages.len(), 1);
    assert_eq!(s.chats["bob@x"].last_preview, "hello there");
}

#[test]
fn forwarding_sends_a_copy_to_another_chat_without_opening_it() {
    let mut s = chat_with_bob();
    let fx = s.apply(
        Input::Forward {
            target: "b1".into(),
            to: "carol@x".into(),
            id: "f1".into(),
        },
        70,
    );
    let (to, body, extras) = sent(&fx);
    assert_eq!((to.as_str(), body.as_str()), ("carol@x", "hello there"));
    assert_eq!(extras, Extras::default());
    assert_eq!(s.open.as_deref(), Some("bob@x"));
    assert!(s.messages.iter().all(|m| m.id != "f1"));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::SaveMessage(m) if m.id == "f1" && m.chat == "carol@x")));
    assert_eq!(s.chats["carol@x"].last_preview, "hello there");
    assert_eq!(s.done.as_deref(), Some("Forwarded to carol@x"));
}

#[test]
fn a_correction_from_the_author_replaces_the_text_and_an_older_one_does_not() {
    let mut s = chat_with_bob();
    let fix = |body: &str, at| {
        action(
            true,
            Extras {
                replaces: Some("b1".into()),
                ..Extras::default()
            },
            body,
            at,
        )
    };
    let fx = s.apply(fix("hello there!", 100_000), 100_500);
    assert_eq!(loaded(&s, "b1").body, "hello there!");
    assert!(loaded(&s, "b1").rich.edited.is_some());
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::SaveMessage(m) if m.id == "b1" && m.body == "hello there!")));
    // A correction made earlier (an archive replaying it) loses.
    s.apply(fix("hello", 50_000), 100_600);
    assert_eq!(loaded(&s, "b1").body, "hello there!");
    // A correction is not a new message and not unread.
    assert_eq!(s.messages.len(), 2);
    assert_eq!(s.chats["bob@x"].unread, 0);
}

#[test]
fn only_the_author_may_correct_or_retract() {
    let mut s = chat_with_bob();
    // Bob tries to change and delete our message.
    s.apply(
        action(
            true,
            Extras {
                replaces: Some("o1".into()),
                ..Extras::default()
            },
            "you said nothing",
            100_000,
        ),
        100_000,
    );
    s.apply(
        action(
            true,
            Extras {
                retracts: Some("o1".into()),
                ..Extras::default()
            },
            "",
            100_001,
        ),
        100_001,
    );
    let m = loaded(&s, "o1");
    assert_eq!(m.body, "mine");
    assert!(!m.rich.retracted);
}

#[test]
fn a_retraction_from_the_author_deletes_the_message_on_our_side() {
    let mut s = chat_with_bob();
    s.apply(
        action(
            true,
            Extras {
                retracts: Some("b1".into()),
                ..Extras::default()
            },
            "",
            100_000,
        ),
        100_000,
    );
    let m = loaded(&s, "b1");
    assert!(m.rich.retracted);
    assert_eq!(m.body, "");
    // A later correction cannot bring it back.
    s.apply(
        action(
            true,
            Extras {
                replaces: Some("b1".into()),
                ..Extras::default()
            },
            "back",
            100_001,
        ),
        100_001,
    );
    assert_eq!(loaded(&s, "b1").body, "");
}

#[test]
fn reactions_of_two_people_are_counted_and_each_replaces_their_own() {
    let mut s = chat_with_bob();
    let react = |emojis: &[&str], from_bob: bool, at| {
        action(
            from_bob,
            Extras {
                reactions: Some(Reactions {
                    id: "o1".into(),
                    emojis: emojis.iter().map(|e| e.to_string()).collect(),
                }),
                ..Extras::default()
            },
            "",
            at,
        )
    };
    s.apply(react(&["👍", "😂"], true, 100_000), 100_000);
    // Our own reaction from another device (a carbon).
    s.apply(react(&["👍"], false, 100_001), 100_001);
    let counts = loaded(&s, "o1").rich.reaction_counts();
    assert_eq!(
        counts,
        vec![
            ("👍".to_owned(), vec!["bob@x".to_owned(), "me@x".to_owned()]),
            ("😂".to_owned(), vec!["bob@x".to_owned()]),
        ]
    );
    s.apply(react(&[], true, 100_002), 100_002);
    assert_eq!(
        loaded(&s, "o1").rich.reaction_counts(),
        vec![("👍".to_owned(), vec!["me@x".to_owned()])]
    );
}

#[test]
fn an_action_on_a_stored_message_that_is_not_loaded_is_saved_to_it() {
    let mut s = signed_in();
    let stored = StoredMessage {
        id: "b1".into(),
        chat: "bob@x".into(),
        from_me: false,
        sender: "bob@x".into(),
        body: "old".into(),
        timestamp: 5,
        status: MessageStatus::Received,
        stanza_id: None,
        error: None,
        rich: Rich::default(),
    };
    let m = IncomingMessage {
        extras: Box::new(Extras {
            reactions: Some(Reactions {
                id: "b1".into(),
                emojis: vec!["🎉".into()],
            }),
            ..Extras::default()
        }),
        ..msg("bob@x", "", "r1", false)
    };
    let batch = Batch {
        messages: vec![m],
        existing: vec![],
        page: None,
        group: false,
    };
    // The shell looks the target up, not the reaction's own id.
    assert_eq!(batch.keys()[0].id, "b1");
    assert_eq!(batch.keys()[0].stanza_id.as_deref(), Some("b1"));
    let fx = s.apply(
        Input::Ingest(Batch {
            existing: vec![Some(stored)],
            ..batch
        }),
        10,
    );
    assert!(fx.iter().any(|e| matches!(e,
        Effect::SaveMessage(m) if m.id == "b1" && m.rich.reactions["bob@x"] == vec!["🎉"])));
    // No chat row for a reaction alone, no unread.
    assert!(s.chats.get("bob@x").is_none_or(|c| c.unread == 0));
}

#[test]
fn a_page_with_a_message_and_its_correction_saves_the_corrected_text_once() {
    let mut s = signed_in();
    let original = IncomingMessage {
        delay: Some(1_000),
        stanza_id: Some("A1".into()),
        ..msg("bob@x", "typo", "b9", false)
    };
    let fix = IncomingMessage {
        delay: Some(2_000),
        stanza_id: Some("A2".into()),
        extras: Box::new(Extras {
            replaces: Some("b9".into()),
            ..Extras::default()
        }),
        ..msg("bob@x", "fixed", "b10", false)
    };
    let fx = s.apply(
        super::tests::page(ArchiveQuery::CatchUp, vec![original, fix], true),
        5_000,
    );
    let saved: Vec<&StoredMessage> = fx
        .iter()
        .flat_map(|e| match e {
            Effect::SaveMessages(v) => v.iter().collect(),
            Effect::SaveMessage(m) => vec![m],
            _ => vec![],
        })
        .collect();
    assert_eq!(saved.len(), 1, "{fx:?}");
    assert_eq!(saved[0].body, "fixed");
    assert_eq!(saved[0].id, "b9");
    assert_eq!(s.chats["bob@x"].last_preview, "fixed");
}

#[test]
fn a_received_file_is_stored_with_its_attachment_and_previewed_by_kind() {
    let mut s = signed_in();
    let a = Attachment {
        url: "http://h/p.jpg".into(),
        name: "p.jpg".into(),
        mime: "image/jpeg".into(),
        width: Some(4),
        height: Some(3),
        ..Attachment::default()
    };
    let fx = s.apply(
        live(IncomingMessage {
            extras: Box::new(Extras {
                attachment: Some(a.clone()),
                ..Extras::default()
            }),
            ..msg("bob@x", "http://h/p.jpg", "b1", false)
        }),
        10,
    );
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::SaveMessage(m) if m.rich.attachment.as_ref() == Some(&a))));
    assert_eq!(s.chats["bob@x"].last_preview, "📷 Photo");
    assert_eq!(s.chats["bob@x"].unread, 1);
}

#[test]
fn in_a_group_reactions_name_the_rooms_stanza_id_and_the_reactor_by_nick() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::RoomJoined {
            room: "r@muc.x".into(),
            nick: "me".into(),
            role: crate::xmpp::Role::Participant,
            affiliation: crate::xmpp::Affiliation::Member,
        }),
        1,
    );
    open(&mut s, "r@muc.x");
    let ann = crate::xmpp::RoomMessage {
        room: "r@muc.x".into(),
        nick: "ann".into(),
        jid: None,
        from_me: false,
        markable: true,
        id: Some("a1".into()),
        origin_id: Some("a1".into()),
        stanza_id: Some("S-a1".into()),
        body: "pizza?".into(),
        delay: None,
        extras: Default::default(),
    };
    s.apply(Input::Xmpp(Event::RoomMessage(ann.clone())), 10);
    let fx = s.apply(
        Input::React {
            target: "a1".into(),
            emoji: "🍕".into(),
            id: "r1".into(),
        },
        11,
    );
    let Some(Effect::Command(Command::SendRoomMessage { room, extras, .. })) = fx
        .iter()
        .find(|e| matches!(e, Effect::Command(Command::SendRoomMessage { .. })))
    else {
        panic!("{fx:?}")
    };
    assert_eq!(room, "r@muc.x");
    assert_eq!(extras.reactions.as_ref().unwrap().id, "S-a1");
    // Bob reacts too, naming the stanza-id.
    let bob = crate::xmpp::RoomMessage {
        nick: "bob".into(),
        id: Some("b1".into()),
        origin_id: Some("b1".into()),
        stanza_id: Some("S-b1".into()),
        body: String::new(),
        extras: Box::new(Extras {
            reactions: Some(Reactions {
                id: "S-a1".into(),
                emojis: vec!["🍕".into()],
            }),
            ..Extras::default()
        }),
        ..ann.clone()
    };
    s.apply(Input::Xmpp(Event::RoomMessage(bob)), 12);
    assert_eq!(
        loaded(&s, "a1").rich.reaction_counts(),
        vec![(
            "🍕".to_owned(),
            vec!["me@x".to_owned(), "r@muc.x/bob".to_owned()]
        )]
    );
    // A reply names the stanza-id and the occupant.
    let fx = s.apply(
        Input::Reply {
            body: "yes".into(),
            id: "o5".into(),
            target: "a1".into(),
        },
        13,
    );
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Command(Command::SendRoomMessage { extras, .. })
            if extras.reply.as_ref().is_some_and(|q| q.id == "S-a1" && q.to == "r@muc.x/ann"))));
}

#[test]
fn an_action_goes_out_before_the_changed_message_is_saved() {
    let mut s = chat_with_bob();
    for input in [
        Input::React {
            target: "b1".into(),
            emoji: "👍".into(),
            id: "r1".into(),
        },
        Input::Edit {
            target: "o1".into(),
            body: "changed".into(),
            id: "c1".into(),
        },
        Input::Retract {
            target: "o1".into(),
            id: "x1".into(),
        },
    ] {
        let fx = s.apply(input, 50);
        assert!(matches!(fx[0], Effect::Command(_)), "{fx:?}");
        assert!(matches!(fx[1], Effect::SaveMessage(_)), "{fx:?}");
    }
}
