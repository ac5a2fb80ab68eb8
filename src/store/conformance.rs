//! Conformance suite shared by every [`Store`].
//!
//! Each check is a `pub async fn` taking a fresh, empty store. It returns
//! `Err` when the store itself fails and panics (through `assert!`) when the
//! store answers wrongly, like any test. [`for_each_store_check!`] lists every
//! check once, so the native tests of `MemoryStore` and the browser tests of
//! `IndexedDbStore` (`tests/store_web.rs`) always run the same suite:
//!
//! ```text
//! macro_rules! check {
//!     ($name:ident) => {
//!         #[test]
//!         fn $name() { block_on(conformance::$name(&MemoryStore::default())).unwrap() }
//!     };
//! }
//! confab::for_each_store_check!(check);
//! ```
//!
//! Ids and JIDs here are ASCII: IndexedDB orders strings by UTF-16 code unit
//! and Rust by code point, which differ only outside the BMP.

use super::{Before, MessageKey, Store, StoreError};
use crate::chat::{
    AvatarImage, Chat, Contact, MessageStatus, Profile, StoredMessage, Subscription,
};

/// Calls `$m!(check_name);` for every check in this module.
#[macro_export]
macro_rules! for_each_store_check {
    ($m:ident) => {
        $m!(a_put_message_is_read_back_with_every_field);
        $m!(a_deleted_message_is_gone_from_history_the_index_and_the_outbox);
        $m!(deleting_an_unknown_message_is_not_an_error);
        $m!(an_unknown_message_id_reads_as_none);
        $m!(putting_a_message_with_a_known_id_replaces_it);
        $m!(a_replaced_message_moves_to_its_new_place_in_history);
        $m!(messages_without_before_are_the_newest_returned_oldest_first);
        $m!(paging_with_before_reaches_the_very_first_message);
        $m!(before_breaks_equal_timestamps_by_id);
        $m!(messages_of_other_chats_are_excluded);
        $m!(an_unknown_chat_has_no_messages);
        $m!(a_limit_of_zero_returns_nothing);
        $m!(before_the_first_message_returns_nothing);
        $m!(pending_messages_are_own_pending_ones_oldest_first);
        $m!(a_sent_message_leaves_the_outbox);
        $m!(a_message_is_found_by_its_stanza_id);
        $m!(a_changed_stanza_id_no_longer_finds_the_message);
        $m!(chats_are_listed_most_recent_first);
        $m!(putting_a_chat_with_a_known_jid_replaces_it);
        $m!(contacts_are_added_replaced_and_removed);
        $m!(removing_an_unknown_contact_is_not_an_error);
        $m!(settings_are_set_replaced_and_removed);
        $m!(profiles_are_put_replaced_and_listed_by_jid);
        $m!(avatars_are_cached_by_hash_byte_for_byte);
        $m!(clear_forgets_everything);
        $m!(the_store_is_usable_after_clear);
        $m!(a_batch_is_paged_like_messages_put_one_by_one);
        $m!(a_batch_replaces_known_messages_and_the_last_duplicate_wins);
        $m!(a_batch_keeps_the_outbox_in_step);
        $m!(an_empty_batch_changes_nothing);
        $m!(existing_finds_by_id_then_by_stanza_id_in_input_order);
        $m!(existing_of_no_candidates_is_empty);
        $m!(mark_read_marks_own_messages_up_to_and_including_the_bound);
        $m!(mark_read_leaves_failed_incoming_and_other_chats_alone);
        $m!(mark_read_does_not_stop_at_an_own_read_message);
        $m!(mark_read_of_an_unknown_chat_or_twice_changes_nothing);
        $m!(set_status_moves_only_forward);
        $m!(set_status_keeps_the_outbox_and_the_other_fields_in_step);
        $m!(set_status_of_an_unknown_message_changes_nothing);
        $m!(set_stanza_id_fills_a_missing_archive_id_and_keeps_the_status);
    };
}

const ALICE: &str = "alice@example.org";
const BOB: &str = "bob@example.org";
/// A JID that shares ALICE's prefix, to catch sloppy key ranges.
const ALICE_LONGER: &str = "alice@example.org.evil";

/// An incoming message in `chat`.
pub fn incoming(chat: &str, id: &str, timestamp: u64) -> StoredMessage {
    StoredMessage {
        id: id.to_owned(),
        chat: chat.to_owned(),
        from_me: false,
        sender: chat.to_owned(),
        body: format!("body of {id}"),
        timestamp,
        status: MessageStatus::Received,
        stanza_id: None,
        error: None,
        rich: Default::default(),
    }
}

/// One of our own messages in `chat` with `status`.
pub fn own(chat: &str, id: &str, timestamp: u64, status: MessageStatus) -> StoredMessage {
    StoredMessage {
        from_me: true,
        sender: "me@example.org".to_owned(),
        status,
        ..incoming(chat, id, timestamp)
    }
}

fn chat(jid: &str, last_activity: u64) -> Chat {
    Chat {
        jid: jid.to_owned(),
        last_activity,
        last_preview: format!("preview {jid}"),
        unread: 0,
        // Every field round-trips, group ones included.
        group: last_activity.is_multiple_of(2),
        name: Some(format!("name of {jid}")),
        mentions: 1,
    }
}

fn contact(jid: &str, name: Option<&str>) -> Contact {
    Contact {
        jid: jid.to_owned(),
        name: name.map(str::to_owned),
        subscription: Subscription::Both,
        pending_out: false,
    }
}

fn before(message: &StoredMessage) -> Before {
    Before {
        timestamp: message.timestamp,
        id: message.id.clone(),
    }
}

fn ids(messages: &[StoredMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.id.as_str()).collect()
}

async fn put_all<S: Store>(store: &S, messages: &[StoredMessage]) -> Result<(), StoreError> {
    for message in messages {
        store.put_message(message).await?;
    }
    Ok(())
}

pub async fn a_put_message_is_read_back_with_every_field<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let message = StoredMessage {
        body: "héllo ✓ 👋 <b>&amp;</b>\nline two".to_owned(),
        stanza_id: Some("archive-1".to_owned()),
        error: Some("recipient-unavailable".to_owned()),
        // Large but still exact in a JavaScript number.
        timestamp: (1 << 53) - 1,
        rich: crate::chat::Rich {
            attachment: Some(crate::chat::Attachment {
                url: "http://localhost/f/a b.png".to_owned(),
                name: "a b.png".to_owned(),
                mime: "image/png".to_owned(),
                size: 5_000_000_000,
                width: Some(640),
                height: Some(480),
                duration_ms: Some(1500),
                thumbnail: Some("data:image/png;base64,AAAA".to_owned()),
            }),
            reply: Some(crate::chat::Quote {
                id: "x1".to_owned(),
                to: "room@muc/nick".to_owned(),
                text: "quoted ✓".to_owned(),
            }),
            reactions: [
                (BOB.to_owned(), vec!["👍".to_owned(), "❤️".to_owned()]),
                (ALICE.to_owned(), vec!["😂".to_owned()]),
            ]
            .into_iter()
            .collect(),
            edited: Some((1 << 53) - 2),
            retracted: false,
        },
        ..own(ALICE, "m1", 0, MessageStatus::Failed)
    };
    store.put_message(&message).await?;
    assert_eq!(store.message("m1").await?, Some(message));
    Ok(())
}

pub async fn a_deleted_message_is_gone_from_history_the_index_and_the_outbox<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let doomed = StoredMessage {
        stanza_id: Some("s1".to_owned()),
        ..own(ALICE, "m1", 1, MessageStatus::Pending)
    };
    store.put_message(&doomed).await?;
    store.put_message(&incoming(ALICE, "m2", 2)).await?;
    store.delete_message("m1").await?;
    assert_eq!(store.message("m1").await?, None);
    assert_eq!(store.message_by_stanza_id("s1").await?, None);
    assert_eq!(store.pending_messages().await?, vec![]);
    let ids: Vec<String> = store
        .messages(ALICE, None, 10)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, vec!["m2".to_owned()]);
    Ok(())
}

pub async fn deleting_an_unknown_message_is_not_an_error<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store.delete_message("nothing").await?;
    Ok(())
}

pub async fn an_unknown_message_id_reads_as_none<S: Store>(store: &S) -> Result<(), StoreError> {
    store.put_message(&incoming(ALICE, "m1", 1)).await?;
    assert_eq!(store.message("m2").await?, None);
    assert_eq!(store.message("").await?, None);
    Ok(())
}

pub async fn putting_a_message_with_a_known_id_replaces_it<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store
        .put_message(&own(ALICE, "m1", 10, MessageStatus::Pending))
        .await?;
    let delivered = StoredMessage {
        stanza_id: Some("s1".to_owned()),
        ..own(ALICE, "m1", 10, MessageStatus::Delivered)
    };
    store.put_message(&delivered).await?;
    assert_eq!(store.message("m1").await?, Some(delivered.clone()));
    assert_eq!(store.messages(ALICE, None, 10).await?, vec![delivered]);
    Ok(())
}

pub async fn a_replaced_message_moves_to_its_new_place_in_history<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    put_all(store, &[incoming(ALICE, "a", 10), incoming(ALICE, "b", 20)]).await?;
    // The server's timestamp corrects ours: "a" is now the newest.
    store.put_message(&incoming(ALICE, "a", 30)).await?;
    assert_eq!(ids(&store.messages(ALICE, None, 10).await?), ["b", "a"]);
    // And it may even move to another chat.
    store.put_message(&incoming(BOB, "a", 30)).await?;
    assert_eq!(ids(&store.messages(ALICE, None, 10).await?), ["b"]);
    assert_eq!(ids(&store.messages(BOB, None, 10).await?), ["a"]);
    Ok(())
}

pub async fn messages_without_before_are_the_newest_returned_oldest_first<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    // Put out of order, so insertion order cannot pass for time order.
    put_all(
        store,
        &[
            incoming(ALICE, "m3", 30),
            incoming(ALICE, "m1", 10),
            incoming(ALICE, "m4", 40),
            incoming(ALICE, "m2", 20),
        ],
    )
    .await?;
    assert_eq!(ids(&store.messages(ALICE, None, 2).await?), ["m3", "m4"]);
    assert_eq!(
        ids(&store.messages(ALICE, None, 10).await?),
        ["m1", "m2", "m3", "m4"]
    );
    Ok(())
}

pub async fn paging_with_before_reaches_the_very_first_message<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let all: Vec<StoredMessage> = (0..7u64)
        .map(|i| incoming(ALICE, &format!("m{i}"), 100 + i))
        .collect();
    put_all(store, &all).await?;
    let mut pages = Vec::new();
    let mut cursor: Option<Before> = None;
    loop {
        let page = store.messages(ALICE, cursor.as_ref(), 3).await?;
        let Some(first) = page.first() else { break };
        cursor = Some(before(first));
        pages.push(ids(&page).join(","));
        assert!(pages.len() <= 3, "paging does not end: {pages:?}");
    }
    assert_eq!(pages, ["m4,m5,m6", "m1,m2,m3", "m0"]);
    Ok(())
}

pub async fn before_breaks_equal_timestamps_by_id<S: Store>(store: &S) -> Result<(), StoreError> {
    put_all(
        store,
        &[
            incoming(ALICE, "c", 50),
            incoming(ALICE, "a", 50),
            incoming(ALICE, "b", 50),
            incoming(ALICE, "z", 40),
            incoming(ALICE, "0", 60),
        ],
    )
    .await?;
    assert_eq!(
        ids(&store.messages(ALICE, None, 10).await?),
        ["z", "a", "b", "c", "0"]
    );
    let b = incoming(ALICE, "b", 50);
    assert_eq!(
        ids(&store.messages(ALICE, Some(&before(&b)), 10).await?),
        ["z", "a"]
    );
    assert_eq!(
        ids(&store.messages(ALICE, Some(&before(&b)), 1).await?),
        ["a"]
    );
    // A cursor that is not a stored message works too.
    let between = Before {
        timestamp: 50,
        id: "bb".to_owned(),
    };
    assert_eq!(
        ids(&store.messages(ALICE, Some(&between), 10).await?),
        ["z", "a", "b"]
    );
    Ok(())
}

pub async fn messages_of_other_chats_are_excluded<S: Store>(store: &S) -> Result<(), StoreError> {
    put_all(
        store,
        &[
            incoming(BOB, "b1", 5),
            incoming(ALICE, "a1", 10),
            incoming(ALICE_LONGER, "x1", 15),
            incoming(BOB, "b2", 20),
            incoming(ALICE, "a2", 30),
            incoming(ALICE_LONGER, "x2", 35),
        ],
    )
    .await?;
    assert_eq!(ids(&store.messages(ALICE, None, 10).await?), ["a1", "a2"]);
    let a2 = incoming(ALICE, "a2", 30);
    assert_eq!(
        ids(&store.messages(ALICE, Some(&before(&a2)), 10).await?),
        ["a1"]
    );
    assert_eq!(ids(&store.messages(BOB, None, 10).await?), ["b1", "b2"]);
    assert_eq!(
        ids(&store.messages(ALICE_LONGER, None, 10).await?),
        ["x1", "x2"]
    );
    Ok(())
}

pub async fn an_unknown_chat_has_no_messages<S: Store>(store: &S) -> Result<(), StoreError> {
    store.put_message(&incoming(ALICE, "m1", 1)).await?;
    assert_eq!(store.messages(BOB, None, 10).await?, vec![]);
    assert_eq!(store.messages("alice", None, 10).await?, vec![]);
    Ok(())
}

pub async fn a_limit_of_zero_returns_nothing<S: Store>(store: &S) -> Result<(), StoreError> {
    store.put_message(&incoming(ALICE, "m1", 1)).await?;
    assert_eq!(store.messages(ALICE, None, 0).await?, vec![]);
    Ok(())
}

pub async fn before_the_first_message_returns_nothing<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let first = incoming(ALICE, "m1", 10);
    put_all(store, &[first.clone(), incoming(ALICE, "m2", 20)]).await?;
    assert_eq!(
        store.messages(ALICE, Some(&before(&first)), 10).await?,
        vec![]
    );
    let at_zero = Before {
        timestamp: 0,
        id: String::new(),
    };
    assert_eq!(store.messages(ALICE, Some(&at_zero), 10).await?, vec![]);
    Ok(())
}

pub async fn pending_messages_are_own_pending_ones_oldest_first<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    put_all(
        store,
        &[
            own(BOB, "p3", 30, MessageStatus::Pending),
            own(ALICE, "p1", 10, MessageStatus::Pending),
            own(ALICE, "sent", 15, MessageStatus::Sent),
            own(ALICE, "failed", 16, MessageStatus::Failed),
            incoming(ALICE, "in", 17),
            // Not ours, whatever its status says.
            StoredMessage {
                status: MessageStatus::Pending,
                ..incoming(BOB, "foreign", 18)
            },
            own(BOB, "p2b", 20, MessageStatus::Pending),
            own(ALICE, "p2a", 20, MessageStatus::Pending),
        ],
    )
    .await?;
    assert_eq!(
        ids(&store.pending_messages().await?),
        ["p1", "p2a", "p2b", "p3"]
    );
    Ok(())
}

pub async fn a_sent_message_leaves_the_outbox<S: Store>(store: &S) -> Result<(), StoreError> {
    put_all(
        store,
        &[
            own(ALICE, "p1", 10, MessageStatus::Pending),
            own(ALICE, "p2", 20, MessageStatus::Pending),
        ],
    )
    .await?;
    store
        .put_message(&own(ALICE, "p1", 10, MessageStatus::Sent))
        .await?;
    assert_eq!(ids(&store.pending_messages().await?), ["p2"]);
    // A failed message that is retried goes back in.
    store
        .put_message(&own(ALICE, "p1", 10, MessageStatus::Pending))
        .await?;
    assert_eq!(ids(&store.pending_messages().await?), ["p1", "p2"]);
    Ok(())
}

pub async fn a_message_is_found_by_its_stanza_id<S: Store>(store: &S) -> Result<(), StoreError> {
    let archived = StoredMessage {
        stanza_id: Some("archive-7".to_owned()),
        ..incoming(ALICE, "m7", 70)
    };
    put_all(store, &[incoming(ALICE, "m1", 10), archived.clone()]).await?;
    assert_eq!(
        store.message_by_stanza_id("archive-7").await?,
        Some(archived)
    );
    assert_eq!(store.message_by_stanza_id("archive-8").await?, None);
    // The message id is not a stanza id.
    assert_eq!(store.message_by_stanza_id("m1").await?, None);
    Ok(())
}

pub async fn a_changed_stanza_id_no_longer_finds_the_message<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let first = StoredMessage {
        stanza_id: Some("old".to_owned()),
        ..incoming(ALICE, "m1", 10)
    };
    store.put_message(&first).await?;
    let second = StoredMessage {
        stanza_id: Some("new".to_owned()),
        ..first
    };
    store.put_message(&second).await?;
    assert_eq!(store.message_by_stanza_id("old").await?, None);
    assert_eq!(
        store.message_by_stanza_id("new").await?,
        Some(second.clone())
    );
    store
        .put_message(&StoredMessage {
            stanza_id: None,
            ..second
        })
        .await?;
    assert_eq!(store.message_by_stanza_id("new").await?, None);
    Ok(())
}

pub async fn chats_are_listed_most_recent_first<S: Store>(store: &S) -> Result<(), StoreError> {
    store.put_chat(&chat(BOB, 20)).await?;
    store.put_chat(&chat(ALICE, 30)).await?;
    store.put_chat(&chat("carol@example.org", 10)).await?;
    let jids: Vec<String> = store.chats().await?.into_iter().map(|c| c.jid).collect();
    assert_eq!(jids, [ALICE, BOB, "carol@example.org"]);
    Ok(())
}

pub async fn putting_a_chat_with_a_known_jid_replaces_it<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store.put_chat(&chat(ALICE, 30)).await?;
    store.put_chat(&chat(BOB, 20)).await?;
    let bob_again = Chat {
        unread: 3,
        last_preview: "new message".to_owned(),
        ..chat(BOB, 40)
    };
    store.put_chat(&bob_again).await?;
    assert_eq!(store.chats().await?, vec![bob_again, chat(ALICE, 30)]);
    Ok(())
}

pub async fn contacts_are_added_replaced_and_removed<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store.put_contact(&contact(BOB, None)).await?;
    store.put_contact(&contact(ALICE, Some("Alice"))).await?;
    let renamed = Contact {
        subscription: Subscription::To,
        pending_out: true,
        ..contact(BOB, Some("Bobby"))
    };
    store.put_contact(&renamed).await?;
    let mut contacts = store.contacts().await?;
    contacts.sort_by(|a, b| a.jid.cmp(&b.jid));
    assert_eq!(
        contacts,
        vec![contact(ALICE, Some("Alice")), renamed.clone()]
    );

    store.remove_contact(ALICE).await?;
    assert_eq!(store.contacts().await?, vec![renamed]);
    Ok(())
}

pub async fn removing_an_unknown_contact_is_not_an_error<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store.put_contact(&contact(ALICE, None)).await?;
    store.remove_contact(BOB).await?;
    assert_eq!(store.contacts().await?, vec![contact(ALICE, None)]);
    Ok(())
}

pub async fn settings_are_set_replaced_and_removed<S: Store>(store: &S) -> Result<(), StoreError> {
    assert_eq!(store.setting("theme").await?, None);
    store.put_setting("theme", "dark").await?;
    store.put_setting("jid", "me@example.org").await?;
    store.put_setting("theme", "light").await?;
    assert_eq!(store.setting("theme").await?.as_deref(), Some("light"));
    assert_eq!(
        store.setting("jid").await?.as_deref(),
        Some("me@example.org")
    );
    store.put_setting("empty", "").await?;
    assert_eq!(store.setting("empty").await?.as_deref(), Some(""));

    store.remove_setting("theme").await?;
    store.remove_setting("never-set").await?;
    assert_eq!(store.setting("theme").await?, None);
    assert_eq!(
        store.setting("jid").await?.as_deref(),
        Some("me@example.org")
    );
    Ok(())
}

/// Fills every kind of record, for the clear checks.
async fn fill<S: Store>(store: &S) -> Result<(), StoreError> {
    put_all(
        store,
        &[
            StoredMessage {
                stanza_id: Some("s1".to_owned()),
                ..incoming(ALICE, "m1", 10)
            },
            own(ALICE, "p1", 20, MessageStatus::Pending),
        ],
    )
    .await?;
    store.put_chat(&chat(ALICE, 20)).await?;
    store.put_contact(&contact(ALICE, None)).await?;
    store
        .put_profile(&profile(ALICE, Some("Al"), Some("ab12")))
        .await?;
    store.put_avatar(&avatar("ab12", &[1, 2, 3])).await?;
    store.put_setting("theme", "dark").await
}

pub async fn clear_forgets_everything<S: Store>(store: &S) -> Result<(), StoreError> {
    fill(store).await?;
    store.clear().await?;
    assert_eq!(store.message("m1").await?, None);
    assert_eq!(store.message_by_stanza_id("s1").await?, None);
    assert_eq!(store.messages(ALICE, None, 10).await?, vec![]);
    assert_eq!(store.pending_messages().await?, vec![]);
    assert_eq!(store.chats().await?, vec![]);
    assert_eq!(store.contacts().await?, vec![]);
    assert_eq!(store.setting("theme").await?, None);
    assert_eq!(store.profiles().await?, vec![]);
    assert_eq!(store.avatar("ab12").await?, None);
    Ok(())
}

pub async fn the_store_is_usable_after_clear<S: Store>(store: &S) -> Result<(), StoreError> {
    fill(store).await?;
    store.clear().await?;
    fill(store).await?;
    assert_eq!(ids(&store.messages(ALICE, None, 10).await?), ["m1", "p1"]);
    assert_eq!(ids(&store.pending_messages().await?), ["p1"]);
    assert_eq!(store.chats().await?.len(), 1);
    assert_eq!(store.setting("theme").await?.as_deref(), Some("dark"));
    Ok(())
}

fn profile(jid: &str, nick: Option<&str>, avatar: Option<&str>) -> Profile {
    Profile {
        jid: jid.to_owned(),
        nick: nick.map(str::to_owned),
        avatar: avatar.map(str::to_owned),
    }
}

fn avatar(hash: &str, data: &[u8]) -> AvatarImage {
    AvatarImage {
        hash: hash.to_owned(),
        mime: "image/png".to_owned(),
        data: data.to_vec(),
    }
}

pub async fn profiles_are_put_replaced_and_listed_by_jid<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    assert_eq!(store.profiles().await?, vec![]);
    store
        .put_profile(&profile(BOB, Some("Bobby"), None))
        .await?;
    store.put_profile(&profile(ALICE, None, Some("aa"))).await?;
    store
        .put_profile(&profile(ALICE, Some("Al"), Some("bb")))
        .await?;
    assert_eq!(
        store.profiles().await?,
        vec![
            profile(ALICE, Some("Al"), Some("bb")),
            profile(BOB, Some("Bobby"), None)
        ]
    );
    Ok(())
}

pub async fn avatars_are_cached_by_hash_byte_for_byte<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    assert_eq!(store.avatar("0f").await?, None);
    // Every byte value, and a picture-sized image (a Uint8Array in
    // IndexedDB, not an array of numbers).
    let all: Vec<u8> = (0..=255).collect();
    let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    store.put_avatar(&avatar("0f", &all)).await?;
    store.put_avatar(&avatar("1e", &big)).await?;
    assert_eq!(store.avatar("0f").await?, Some(avatar("0f", &all)));
    assert_eq!(store.avatar("1e").await?, Some(avatar("1e", &big)));
    let replaced = AvatarImage {
        mime: "image/jpeg".to_owned(),
        ..avatar("0f", &[9])
    };
    store.put_avatar(&replaced).await?;
    assert_eq!(store.avatar("0f").await?, Some(replaced));
    Ok(())
}

fn key(id: &str, stanza_id: Option<&str>) -> MessageKey {
    MessageKey {
        id: id.to_owned(),
        stanza_id: stanza_id.map(str::to_owned),
    }
}

fn up_to(timestamp: u64, id: &str) -> Before {
    Before {
        timestamp,
        id: id.to_owned(),
    }
}

async fn status_of<S: Store>(store: &S, id: &str) -> Result<Option<MessageStatus>, StoreError> {
    Ok(store.message(id).await?.map(|m| m.status))
}

pub async fn a_batch_is_paged_like_messages_put_one_by_one<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    // Out of order and across chats, as an archive page may be.
    let mut batch: Vec<StoredMessage> = (0..7u64)
        .rev()
        .map(|i| incoming(ALICE, &format!("m{i}"), 100 + i))
        .collect();
    batch.insert(3, incoming(BOB, "b1", 103));
    batch.push(incoming(ALICE_LONGER, "x1", 99));
    store.put_messages(&batch).await?;

    let mut pages = Vec::new();
    let mut cursor: Option<Before> = None;
    loop {
        let page = store.messages(ALICE, cursor.as_ref(), 3).await?;
        let Some(first) = page.first() else { break };
        cursor = Some(before(first));
        pages.push(ids(&page).join(","));
        assert!(pages.len() <= 3, "paging does not end: {pages:?}");
    }
    assert_eq!(pages, ["m4,m5,m6", "m1,m2,m3", "m0"]);
    assert_eq!(ids(&store.messages(BOB, None, 10).await?), ["b1"]);
    for message in &batch {
        assert_eq!(store.message(&message.id).await?.as_ref(), Some(message));
    }
    Ok(())
}

pub async fn a_batch_replaces_known_messages_and_the_last_duplicate_wins<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    put_all(store, &[incoming(ALICE, "a", 10), incoming(ALICE, "b", 20)]).await?;
    let archived_a = StoredMessage {
        stanza_id: Some("s-a".to_owned()),
        ..incoming(ALICE, "a", 30)
    };
    store
        .put_messages(&[
            incoming(ALICE, "c", 5),
            incoming(ALICE, "c", 25),
            archived_a.clone(),
        ])
        .await?;
    assert_eq!(
        ids(&store.messages(ALICE, None, 10).await?),
        ["b", "c", "a"]
    );
    assert_eq!(store.message("a").await?, Some(archived_a.clone()));
    assert_eq!(store.message_by_stanza_id("s-a").await?, Some(archived_a));
    assert_eq!(store.message("c").await?.map(|m| m.timestamp), Some(25));
    Ok(())
}

pub async fn a_batch_keeps_the_outbox_in_step<S: Store>(store: &S) -> Result<(), StoreError> {
    store
        .put_messages(&[
            own(BOB, "p2", 20, MessageStatus::Pending),
            own(ALICE, "p1", 10, MessageStatus::Pending),
            own(ALICE, "sent", 15, MessageStatus::Sent),
            StoredMessage {
                status: MessageStatus::Pending,
                ..incoming(BOB, "foreign", 18)
            },
        ])
        .await?;
    assert_eq!(ids(&store.pending_messages().await?), ["p1", "p2"]);
    store
        .put_messages(&[
            own(ALICE, "p1", 10, MessageStatus::Sent),
            own(ALICE, "sent", 15, MessageStatus::Pending),
        ])
        .await?;
    assert_eq!(ids(&store.pending_messages().await?), ["sent", "p2"]);
    Ok(())
}

pub async fn an_empty_batch_changes_nothing<S: Store>(store: &S) -> Result<(), StoreError> {
    store.put_message(&incoming(ALICE, "m1", 1)).await?;
    store.put_messages(&[]).await?;
    assert_eq!(ids(&store.messages(ALICE, None, 10).await?), ["m1"]);
    Ok(())
}

pub async fn existing_finds_by_id_then_by_stanza_id_in_input_order<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let m1 = StoredMessage {
        stanza_id: Some("s1".to_owned()),
        ..incoming(ALICE, "m1", 10)
    };
    let m2 = StoredMessage {
        stanza_id: Some("s2".to_owned()),
        ..own(BOB, "m2", 20, MessageStatus::Sent)
    };
    let m3 = incoming(ALICE, "m3", 30);
    store
        .put_messages(&[m1.clone(), m2.clone(), m3.clone()])
        .await?;
    let found = store
        .existing(&[
            // By id, with or without a stanza id.
            key("m2", None),
            key("m3", Some("unknown")),
            // By stanza id: the archive copy of a message we know under its origin-id.
            key("other-id", Some("s1")),
            // The id wins over a stanza id naming another message.
            key("m3", Some("s2")),
            // Unknown either way, and a message id is not a stanza id.
            key("nothing", None),
            key("nothing", Some("m1")),
            // The same key twice is answered twice.
            key("m2", None),
        ])
        .await?;
    assert_eq!(
        found,
        vec![
            Some(m2.clone()),
            Some(m3.clone()),
            Some(m1),
            Some(m3),
            None,
            None,
            Some(m2),
        ]
    );
    Ok(())
}

pub async fn existing_of_no_candidates_is_empty<S: Store>(store: &S) -> Result<(), StoreError> {
    store.put_message(&incoming(ALICE, "m1", 1)).await?;
    assert_eq!(store.existing(&[]).await?, vec![]);
    Ok(())
}

pub async fn mark_read_marks_own_messages_up_to_and_including_the_bound<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store
        .put_messages(&[
            own(ALICE, "a", 10, MessageStatus::Sent),
            own(ALICE, "b", 20, MessageStatus::Delivered),
            // Same timestamp as the bound: ordered by id.
            own(ALICE, "c", 30, MessageStatus::Sent),
            own(ALICE, "d", 30, MessageStatus::Pending),
            own(ALICE, "e", 30, MessageStatus::Sent),
            own(ALICE, "f", 40, MessageStatus::Delivered),
        ])
        .await?;
    let changed = store.mark_read(ALICE, &up_to(30, "d")).await?;
    assert_eq!(changed, ["a", "b", "c", "d"]);
    for id in ["a", "b", "c", "d"] {
        assert_eq!(
            status_of(store, id).await?,
            Some(MessageStatus::Read),
            "{id}"
        );
    }
    assert_eq!(status_of(store, "e").await?, Some(MessageStatus::Sent));
    assert_eq!(status_of(store, "f").await?, Some(MessageStatus::Delivered));
    // A Pending message the peer has read has left the outbox.
    assert_eq!(store.pending_messages().await?, vec![]);
    // The rest of each record is untouched.
    assert_eq!(
        store.message("b").await?,
        Some(own(ALICE, "b", 20, MessageStatus::Read))
    );
    // A bound that is not a stored message works too.
    assert_eq!(store.mark_read(ALICE, &up_to(35, "zz")).await?, ["e"]);
    Ok(())
}

pub async fn mark_read_leaves_failed_incoming_and_other_chats_alone<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let failed = StoredMessage {
        error: Some("service-unavailable".to_owned()),
        ..own(ALICE, "failed", 15, MessageStatus::Failed)
    };
    store
        .put_messages(&[
            own(ALICE, "sent", 10, MessageStatus::Sent),
            failed.clone(),
            incoming(ALICE, "in", 20),
            own(ALICE, "read", 25, MessageStatus::Read),
            own(BOB, "bob", 20, MessageStatus::Sent),
            own(ALICE_LONGER, "longer", 20, MessageStatus::Sent),
        ])
        .await?;
    assert_eq!(store.mark_read(ALICE, &up_to(100, "")).await?, ["sent"]);
    assert_eq!(store.message("failed").await?, Some(failed));
    assert_eq!(store.message("in").await?, Some(incoming(ALICE, "in", 20)));
    assert_eq!(status_of(store, "read").await?, Some(MessageStatus::Read));
    assert_eq!(status_of(store, "bob").await?, Some(MessageStatus::Sent));
    assert_eq!(status_of(store, "longer").await?, Some(MessageStatus::Sent));
    Ok(())
}

pub async fn mark_read_does_not_stop_at_an_own_read_message<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    // How an older message ends up below a Read one: it came in later
    // (an archive page from another device) or one message was marked alone.
    store
        .put_messages(&[
            own(ALICE, "old", 10, MessageStatus::Sent),
            own(ALICE, "read", 20, MessageStatus::Read),
            own(ALICE, "new", 30, MessageStatus::Delivered),
        ])
        .await?;
    assert_eq!(
        store.mark_read(ALICE, &up_to(30, "new")).await?,
        ["old", "new"]
    );
    assert_eq!(status_of(store, "old").await?, Some(MessageStatus::Read));
    Ok(())
}

pub async fn mark_read_of_an_unknown_chat_or_twice_changes_nothing<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store
        .put_message(&own(ALICE, "m1", 10, MessageStatus::Sent))
        .await?;
    assert_eq!(
        store.mark_read(BOB, &up_to(100, "")).await?,
        Vec::<String>::new()
    );
    assert_eq!(store.mark_read(ALICE, &up_to(100, "")).await?, ["m1"]);
    assert_eq!(
        store.mark_read(ALICE, &up_to(100, "")).await?,
        Vec::<String>::new()
    );
    Ok(())
}

pub async fn set_status_moves_only_forward<S: Store>(store: &S) -> Result<(), StoreError> {
    store
        .put_message(&own(ALICE, "m1", 10, MessageStatus::Pending))
        .await?;
    let steps = [
        (MessageStatus::Sent, true),
        (MessageStatus::Pending, false),
        (MessageStatus::Read, true),
        (MessageStatus::Delivered, false),
        (MessageStatus::Sent, false),
        (MessageStatus::Failed, false),
        (MessageStatus::Read, false),
    ];
    let mut expected = MessageStatus::Pending;
    for (status, changes) in steps {
        let changed = store.set_status("m1", status, None).await?;
        assert_eq!(changed, changes, "to {status:?}");
        if changes {
            expected = status;
        }
        assert_eq!(
            status_of(store, "m1").await?,
            Some(expected),
            "to {status:?}"
        );
    }
    // An incoming message has no ticks to move.
    store.put_message(&incoming(ALICE, "in", 20)).await?;
    assert!(!store.set_status("in", MessageStatus::Read, None).await?);
    assert_eq!(status_of(store, "in").await?, Some(MessageStatus::Received));
    Ok(())
}

pub async fn set_status_keeps_the_outbox_and_the_other_fields_in_step<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    let pending = StoredMessage {
        stanza_id: Some("s1".to_owned()),
        ..own(ALICE, "m1", 10, MessageStatus::Pending)
    };
    store.put_message(&pending).await?;
    // The server bounced it: it leaves the outbox with the error text.
    let error = Some("recipient-unavailable".to_owned());
    assert!(
        store
            .set_status("m1", MessageStatus::Failed, error.clone())
            .await?
    );
    let failed = StoredMessage {
        status: MessageStatus::Failed,
        error,
        ..pending.clone()
    };
    assert_eq!(store.message("m1").await?, Some(failed));
    assert_eq!(store.pending_messages().await?, vec![]);
    // A retry puts it back in the outbox and drops the error.
    assert!(store.set_status("m1", MessageStatus::Pending, None).await?);
    assert_eq!(store.message("m1").await?, Some(pending.clone()));
    assert_eq!(ids(&store.pending_messages().await?), ["m1"]);
    assert_eq!(ids(&store.messages(ALICE, None, 10).await?), ["m1"]);
    assert_eq!(store.message_by_stanza_id("s1").await?, Some(pending));
    Ok(())
}

pub async fn set_status_of_an_unknown_message_changes_nothing<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store
        .put_message(&own(ALICE, "m1", 10, MessageStatus::Pending))
        .await?;
    assert!(!store.set_status("m2", MessageStatus::Sent, None).await?);
    assert_eq!(store.message("m2").await?, None);
    assert_eq!(status_of(store, "m1").await?, Some(MessageStatus::Pending));
    Ok(())
}

pub async fn set_stanza_id_fills_a_missing_archive_id_and_keeps_the_status<S: Store>(
    store: &S,
) -> Result<(), StoreError> {
    store
        .put_message(&own(ALICE, "m1", 10, MessageStatus::Delivered))
        .await?;
    assert!(store.set_stanza_id("m1", "A1").await?);
    let m = store.message("m1").await?;
    assert_eq!(m.as_ref().and_then(|m| m.stanza_id.as_deref()), Some("A1"));
    assert_eq!(m.map(|m| m.status), Some(MessageStatus::Delivered));
    assert_eq!(
        store.message_by_stanza_id("A1").await?.map(|m| m.id),
        Some("m1".to_owned())
    );
    // A known archive id is not replaced; an unknown message is no error.
    assert!(!store.set_stanza_id("m1", "A2").await?);
    assert!(!store.set_stanza_id("nope", "A3").await?);
    assert!(store.message_by_stanza_id("A2").await?.is_none());
    Ok(())
}
