//! The store conformance suite on `IndexedDbStore` in a real browser, plus
//! the schema migration tests. Each test gets its own database.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test store_web`.

#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use confab::chat::{Chat, Contact, MessageStatus, StoredMessage, Subscription};
use confab::store::conformance::{incoming, own};
use confab::store::indexed_db::IndexedDbStore;
use confab::store::{Before, Store, StoreError, SCHEMA_VERSION};
use indexed_db_futures::database::Database;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    static COUNTER: Cell<u32> = const { Cell::new(0) };
}

/// A database name no other test (nor an earlier run) uses.
fn unique_name(label: &str) -> String {
    let n = COUNTER.with(|counter| {
        let n = counter.get();
        counter.set(n + 1);
        n
    });
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("confab-test-{label}-{n}-{random}")
}

macro_rules! browser_check {
    ($name:ident) => {
        #[wasm_bindgen_test]
        async fn $name() {
            let name = unique_name(stringify!($name));
            let store = IndexedDbStore::open(&name).await.unwrap();
            let result = confab::store::conformance::$name(&store).await;
            store.close();
            IndexedDbStore::delete_database(&name).await.unwrap();
            result.unwrap();
        }
    };
}

confab::for_each_store_check!(browser_check);

const ALICE: &str = "alice@example.org";

/// One record of every kind, written through the store.
async fn write_sample(store: &IndexedDbStore) -> Result<(), StoreError> {
    store
        .put_message(&StoredMessage {
            stanza_id: Some("archive-1".to_owned()),
            ..incoming(ALICE, "m1", 10)
        })
        .await?;
    store
        .put_message(&own(ALICE, "m2", 20, MessageStatus::Pending))
        .await?;
    store
        .put_chat(&Chat {
            last_preview: "hi".to_owned(),
            unread: 1,
            ..Chat::empty(ALICE, 20)
        })
        .await?;
    store
        .put_contact(&Contact {
            jid: ALICE.to_owned(),
            name: Some("Alice".to_owned()),
            subscription: Subscription::Both,
            pending_out: false,
        })
        .await?;
    store.put_setting("jid", "me@example.org").await
}

/// Reads the sample back, through every index.
async fn assert_sample(store: &IndexedDbStore) -> Result<(), StoreError> {
    let history: Vec<String> = store
        .messages(ALICE, None, 10)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(history, ["m1", "m2"]);
    let m2 = Before {
        timestamp: 20,
        id: "m2".to_owned(),
    };
    assert_eq!(store.messages(ALICE, Some(&m2), 10).await?.len(), 1);
    assert_eq!(
        store.message_by_stanza_id("archive-1").await?.map(|m| m.id),
        Some("m1".to_owned())
    );
    let pending: Vec<String> = store
        .pending_messages()
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(pending, ["m2"]);
    assert_eq!(store.chats().await?.len(), 1);
    assert_eq!(store.contacts().await?.len(), 1);
    assert_eq!(
        store.setting("jid").await?.as_deref(),
        Some("me@example.org")
    );
    Ok(())
}

const CURRENT_STORES: [&str; 7] = [
    "avatars", "chats", "contacts", "files", "messages", "profiles", "settings",
];

#[wasm_bindgen_test]
async fn a_new_database_opens_at_the_current_schema() {
    let name = unique_name("new");
    let store = IndexedDbStore::open(&name).await.unwrap();
    assert_eq!(store.schema_version(), SCHEMA_VERSION);
    assert_eq!(store.object_store_names(), CURRENT_STORES);
    store.close();
    IndexedDbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_v1_database_with_data_opens_at_the_current_schema_and_keeps_its_data() {
    let name = unique_name("v1");
    let v1 = IndexedDbStore::open_at_version(&name, 1).await.unwrap();
    assert_eq!(v1.schema_version(), 1);
    write_sample(&v1).await.unwrap();
    v1.close();

    let current = IndexedDbStore::open(&name).await.unwrap();
    assert_eq!(current.schema_version(), SCHEMA_VERSION);
    assert_eq!(current.object_store_names(), CURRENT_STORES);
    assert_sample(&current).await.unwrap();
    // The stores version 2 added work on the upgraded database.
    let image = confab::chat::AvatarImage {
        hash: "ab".into(),
        mime: "image/png".into(),
        data: vec![0, 255, 7],
    };
    current.put_avatar(&image).await.unwrap();
    assert_eq!(current.avatar("ab").await.unwrap(), Some(image));
    assert_eq!(current.profiles().await.unwrap(), vec![]);
    current.close();
    IndexedDbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn reopening_a_database_keeps_its_data() {
    let name = unique_name("reopen");
    let first = IndexedDbStore::open(&name).await.unwrap();
    write_sample(&first).await.unwrap();
    first.close();

    let second = IndexedDbStore::open(&name).await.unwrap();
    assert_sample(&second).await.unwrap();
    second.close();
    IndexedDbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_deleted_database_comes_back_empty() {
    let name = unique_name("deleted");
    let first = IndexedDbStore::open(&name).await.unwrap();
    write_sample(&first).await.unwrap();
    first.close();
    IndexedDbStore::delete_database(&name).await.unwrap();

    let second = IndexedDbStore::open(&name).await.unwrap();
    assert_eq!(second.message("m1").await.unwrap(), None);
    assert_eq!(second.setting("jid").await.unwrap(), None);
    second.close();
    IndexedDbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_unknown_schema_version_is_refused() {
    let name = unique_name("unknown-version");
    for version in [0, SCHEMA_VERSION + 1] {
        let result = IndexedDbStore::open_at_version(&name, version).await;
        assert!(
            matches!(result, Err(StoreError::Unavailable(_))),
            "version {version}: {result:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn a_database_written_by_a_newer_app_is_reported_unavailable() {
    let name = unique_name("newer");
    let newer = Database::open(name.as_str())
        .with_version(SCHEMA_VERSION + 1)
        .await
        .unwrap();
    newer.close();

    let result = IndexedDbStore::open(&name).await;
    match result {
        Err(StoreError::Unavailable(text)) => {
            assert!(text.starts_with("VersionError: "), "{text}");
            assert_eq!(text.matches("existing version").count(), 1, "{text}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
    IndexedDbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn deleting_the_database_closes_an_open_store_instead_of_waiting() {
    let name = unique_name("delete-open");
    let store = IndexedDbStore::open(&name).await.unwrap();
    write_sample(&store).await.unwrap();
    // Would hang until the test times out if the open store did not close.
    IndexedDbStore::delete_database(&name).await.unwrap();
    let result = store.message("m1").await;
    assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
}

#[wasm_bindgen_test]
async fn a_dropped_store_releases_the_database() {
    let name = unique_name("dropped");
    let store = IndexedDbStore::open(&name).await.unwrap();
    drop(store);
    IndexedDbStore::delete_database(&name).await.unwrap();
}

/// The batch methods at the scale of a 5,000-message catch-up. Prints how
/// long each takes on a real IndexedDB (see with `-- --nocapture`; the
/// native figures are in `examples/throughput.rs`).
#[wasm_bindgen_test]
async fn a_five_thousand_message_catch_up_goes_through_the_batch_methods() {
    use confab::store::MessageKey;
    use wasm_bindgen_test::console_log;

    fn now() -> f64 {
        js_sys::Date::now()
    }
    let name = unique_name("figures");
    let store = IndexedDbStore::open(&name).await.unwrap();
    let count: u64 = 5_000;
    let messages: Vec<StoredMessage> = (0..count)
        .map(|n| StoredMessage {
            stanza_id: Some(format!("archive-{n}")),
            ..if n.is_multiple_of(3) {
                own(
                    ALICE,
                    &format!("m{n:05}"),
                    1_000 + n,
                    MessageStatus::Delivered,
                )
            } else {
                incoming(ALICE, &format!("m{n:05}"), 1_000 + n)
            }
        })
        .collect();

    let t = now();
    for message in &messages[..500] {
        store.put_message(message).await.unwrap();
    }
    console_log!("put_message one by one: 500 msgs in {} ms", now() - t);

    let t = now();
    for page in messages.chunks(100) {
        store.put_messages(page).await.unwrap();
    }
    console_log!(
        "put_messages, batches of 100: {count} msgs in {} ms",
        now() - t
    );

    let t = now();
    let mut cursor: Option<Before> = None;
    let mut read = 0;
    loop {
        let page = store.messages(ALICE, cursor.as_ref(), 50).await.unwrap();
        let Some(first) = page.first() else { break };
        cursor = Some(Before {
            timestamp: first.timestamp,
            id: first.id.clone(),
        });
        read += page.len();
    }
    assert_eq!(read, messages.len());
    console_log!("messages() pages of 50: {read} msgs in {} ms", now() - t);

    let keys: Vec<MessageKey> = (0..count)
        .map(|n| MessageKey {
            id: format!("other-{n}"),
            stanza_id: Some(format!("archive-{n}")),
        })
        .collect();
    let t = now();
    let found = store.existing(&keys).await.unwrap();
    assert!(found
        .iter()
        .zip(&messages)
        .all(|(f, m)| f.as_ref() == Some(m)));
    console_log!(
        "existing(): {count} keys ({} found) in {} ms",
        found.iter().flatten().count(),
        now() - t
    );

    let last = messages.last().unwrap();
    let up_to = Before {
        timestamp: last.timestamp,
        id: last.id.clone(),
    };
    let t = now();
    let changed = store.mark_read(ALICE, &up_to).await.unwrap();
    assert_eq!(changed.len(), 1_667);
    console_log!(
        "mark_read over {count}: {} marked in {} ms",
        changed.len(),
        now() - t
    );
    let t = now();
    let changed = store.mark_read(ALICE, &up_to).await.unwrap();
    assert_eq!(changed.len(), 0);
    console_log!(
        "mark_read again: {} marked in {} ms",
        changed.len(),
        now() - t
    );

    store.close();
    IndexedDbStore::delete_database(&name).await.unwrap();
}
