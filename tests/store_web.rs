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

#[wasm_bindgen_test]
async fn a_v2_database_with_data_opens_at_the_current_schema_with_files() {
    let name = unique_name("v2");
    let v2 = IndexedDbStore::open_at_version(&name, 2).await.unwrap();
    assert_eq!(v2.schema_version(), 2);
    write_sample(&v2).await.unwrap();
    let image = confab::chat::AvatarImage {
        hash: "ab".into(),
        mime: "image/png".into(),
        data: vec![0, 255, 7],
    };
    let profile = confab::chat::Profile {
        jid: ALICE.into(),
        nick: Some("Al".into()),
        avatar: Some("ab".into()),
    };
    v2.put_avatar(&image).await.unwrap();
    v2.put_profile(&profile).await.unwrap();
    v2.close();

    let current = IndexedDbStore::open(&name).await.unwrap();
    assert_eq!(current.schema_version(), SCHEMA_VERSION);
    assert_eq!(current.object_store_names(), CURRENT_STORES);
    assert_sample(&current).await.unwrap();
    assert_eq!(current.avatar("ab").await.unwrap(), Some(image));
    assert_eq!(current.profiles().await.unwrap(), vec![profile]);
    // The store version 3 added works on the upgraded database.
    assert_eq!(current.media_cache_usage().await.unwrap(), 0);
    current
        .put_file("f", &blob(&[1, 2, 3], "image/png"), false)
        .await
        .unwrap();
    let file = current.file("f").await.unwrap().expect("the file just put");
    assert_eq!(bytes(&file).await, [1, 2, 3]);
    assert_eq!(current.media_cache_usage().await.unwrap(), 3);
    current.close();
    IndexedDbStore::delete_database(&name).await.unwrap();
}

/// A Blob of `data` (copied from wasm memory: test input only).
fn blob(data: &[u8], mime: &str) -> web_sys::Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(data));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap()
}

/// The bytes of `blob`, read back through `arrayBuffer()`.
async fn bytes(blob: &web_sys::Blob) -> Vec<u8> {
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .unwrap();
    js_sys::Uint8Array::new(&buffer).to_vec()
}

/// Whether a file is stored under `key` (not a use: the order stays).
async fn has_file(store: &IndexedDbStore, key: &str) -> bool {
    store.has_file(key).await.unwrap()
}

/// Opens a fresh database, runs `body` on it, deletes it.
async fn with_store<F, Fut>(label: &str, body: F)
where
    F: FnOnce(std::rc::Rc<IndexedDbStore>) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let name = unique_name(label);
    let store = std::rc::Rc::new(IndexedDbStore::open(&name).await.unwrap());
    body(store.clone()).await;
    drop(store);
    IndexedDbStore::delete_database(&name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_file_comes_back_with_the_same_bytes_and_type() {
    with_store("file-roundtrip", |store| async move {
        let data: Vec<u8> = (0..=255).collect();
        store
            .put_file("photo", &blob(&data, "image/jpeg"), true)
            .await
            .unwrap();
        let file = store.file("photo").await.unwrap().expect("stored");
        assert_eq!(file.type_(), "image/jpeg");
        assert_eq!(file.size(), 256.0);
        assert_eq!(bytes(&file).await, data);
        assert_eq!(store.file("other").await.unwrap(), None);
        // Pinned: not cache.
        assert_eq!(store.media_cache_usage().await.unwrap(), 0);
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_twenty_megabyte_file_round_trips() {
    with_store("file-20mb", |store| async move {
        let data: Vec<u8> = (0..20 * 1024 * 1024u32)
            .map(|n| (n.wrapping_mul(31) % 251) as u8)
            .collect();
        store
            .put_file("video", &blob(&data, "video/mp4"), false)
            .await
            .unwrap();
        let file = store.file("video").await.unwrap().expect("stored");
        assert_eq!(file.type_(), "video/mp4");
        assert!(bytes(&file).await == data, "the bytes differ");
        assert_eq!(store.media_cache_usage().await.unwrap(), data.len() as u64);
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_least_recently_used_unpinned_file_is_evicted_first_and_never_a_pinned_one() {
    with_store("file-lru", |store| async move {
        store.set_media_cache_limit(250);
        let hundred = [7u8; 100];
        // The pinned file is the oldest and alone four times the limit.
        store
            .put_file_at("pinned", &blob(&[1; 1000], "video/mp4"), true, 1)
            .await
            .unwrap();
        for (key, at) in [("a", 10), ("b", 20)] {
            store
                .put_file_at(key, &blob(&hundred, "image/png"), false, at)
                .await
                .unwrap();
        }
        assert_eq!(store.media_cache_usage().await.unwrap(), 200);

        store
            .put_file_at("c", &blob(&hundred, "image/png"), false, 30)
            .await
            .unwrap();
        assert!(
            !has_file(&store, "a").await,
            "a was the least recently used"
        );
        for key in ["pinned", "b", "c"] {
            assert!(has_file(&store, key).await, "{key} was evicted");
        }
        assert_eq!(store.media_cache_usage().await.unwrap(), 200);

        // Reading b makes c the least recently used.
        let b = store.file_at("b", 40).await.unwrap().expect("b is there");
        assert_eq!(bytes(&b).await, hundred);
        store
            .put_file_at("d", &blob(&hundred, "image/png"), false, 50)
            .await
            .unwrap();
        assert!(
            !has_file(&store, "c").await,
            "c was the least recently used"
        );
        for key in ["pinned", "b", "d"] {
            assert!(has_file(&store, key).await, "{key} was evicted");
        }

        // A file larger than the limit is not kept, and evicts nothing.
        store
            .put_file_at("huge", &blob(&[0; 300], "image/png"), false, 60)
            .await
            .unwrap();
        assert!(!has_file(&store, "huge").await);
        for key in ["pinned", "b", "d"] {
            assert!(has_file(&store, key).await, "{key} was evicted");
        }
        assert_eq!(store.media_cache_usage().await.unwrap(), 200);
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_uploaded_file_becomes_a_cache_entry_under_its_url() {
    with_store("file-unpin", |store| async move {
        let data = [5u8; 40];
        store
            .put_file_at("outbox-1", &blob(&data, "image/png"), true, 1)
            .await
            .unwrap();
        assert_eq!(store.media_cache_usage().await.unwrap(), 0);

        let url = "https://upload.example.org/slot/photo.png";
        assert!(store.unpin_file_at("outbox-1", url, 2).await.unwrap());
        assert!(!has_file(&store, "outbox-1").await);
        let file = store.file(url).await.unwrap().expect("under its URL");
        assert_eq!(file.type_(), "image/png");
        assert_eq!(bytes(&file).await, data);
        assert_eq!(store.media_cache_usage().await.unwrap(), 40);
        assert!(!store.unpin_file("outbox-1", url).await.unwrap());

        // Now ordinary cache: evicted like any other entry.
        store.set_media_cache_limit(50);
        store
            .put_file_at("newer", &blob(&data, "image/png"), false, 3)
            .await
            .unwrap();
        assert!(!has_file(&store, url).await);
        assert!(has_file(&store, "newer").await);

        store.delete_file("newer").await.unwrap();
        store.delete_file("never-there").await.unwrap();
        assert!(!has_file(&store, "newer").await);
        assert_eq!(store.media_cache_usage().await.unwrap(), 0);
    })
    .await;
}

#[wasm_bindgen_test]
async fn clearing_the_media_cache_keeps_the_pinned_files() {
    with_store("file-clear-cache", |store| async move {
        store
            .put_file("outbox", &blob(&[1; 10], "image/png"), true)
            .await
            .unwrap();
        store
            .put_file("a", &blob(&[2; 20], "image/png"), false)
            .await
            .unwrap();
        store
            .put_file("b", &blob(&[3; 30], "video/mp4"), false)
            .await
            .unwrap();
        assert_eq!(store.media_cache_usage().await.unwrap(), 50);

        store.clear_media_cache().await.unwrap();
        assert_eq!(store.media_cache_usage().await.unwrap(), 0);
        assert!(!has_file(&store, "a").await);
        assert!(!has_file(&store, "b").await);
        let kept = store.file("outbox").await.unwrap().expect("pinned");
        assert_eq!(bytes(&kept).await, [1; 10]);
    })
    .await;
}

#[wasm_bindgen_test]
async fn clear_forgets_the_files_too() {
    with_store("file-clear", |store| async move {
        write_sample(&store).await.unwrap();
        store
            .put_file("outbox", &blob(&[1; 10], "image/png"), true)
            .await
            .unwrap();
        store
            .put_file("a", &blob(&[2; 20], "image/png"), false)
            .await
            .unwrap();

        store.clear().await.unwrap();
        assert!(!has_file(&store, "outbox").await);
        assert!(!has_file(&store, "a").await);
        assert_eq!(store.media_cache_usage().await.unwrap(), 0);
        assert_eq!(store.message("m1").await.unwrap(), None);
        assert_eq!(store.setting("jid").await.unwrap(), None);
    })
    .await;
}

/// `fetch_cached` against a real HTTP server: the one
/// wasm-bindgen-test-runner serves this test page from, which also serves
/// the files of the package root (its working directory) at their paths.
#[wasm_bindgen_test]
async fn fetch_cached_downloads_once_and_then_uses_the_cache() {
    use confab::net::media::{fetch_cached, MediaFetchError};

    let origin = web_sys::window().unwrap().location().origin().unwrap();
    with_store("fetch-cached", |store| async move {
        let url = format!("{origin}/index.html");
        let fetched = fetch_cached(&store, &url).await.unwrap();
        assert_eq!(bytes(&fetched).await, include_bytes!("../index.html"));
        assert!(
            fetched.type_().starts_with("text/html"),
            "{}",
            fetched.type_()
        );
        let cached = store.file(&url).await.unwrap().expect("cached");
        assert_eq!(bytes(&cached).await, include_bytes!("../index.html"));
        assert_eq!(
            store.media_cache_usage().await.unwrap(),
            include_bytes!("../index.html").len() as u64
        );

        // What the cache holds wins over the server.
        store
            .put_file(&url, &blob(b"from the cache", "text/plain"), false)
            .await
            .unwrap();
        let again = fetch_cached(&store, &url).await.unwrap();
        assert_eq!(bytes(&again).await, b"from the cache");

        let missing = format!("{origin}/no-such-file-{}.png", unique_name("missing"));
        let error = fetch_cached(&store, &missing).await.unwrap_err();
        assert_eq!(error, MediaFetchError::Gone);
        assert_eq!(error.to_string(), "The file is no longer on the server.");
        assert!(!has_file(&store, &missing).await);

        let error = fetch_cached(&store, "not a url").await.unwrap_err();
        assert!(matches!(error, MediaFetchError::Setup(_)), "{error:?}");
    })
    .await;
}

#[wasm_bindgen_test]
fn fetch_errors_follow_the_status() {
    use confab::net::media::MediaFetchError;

    assert_eq!(MediaFetchError::from_status(200), None);
    assert_eq!(MediaFetchError::from_status(206), None);
    assert_eq!(
        MediaFetchError::from_status(404),
        Some(MediaFetchError::Gone)
    );
    assert_eq!(
        MediaFetchError::from_status(410),
        Some(MediaFetchError::Gone)
    );
    assert_eq!(
        MediaFetchError::from_status(503),
        Some(MediaFetchError::Status { status: 503 })
    );
    assert_eq!(
        MediaFetchError::Status { status: 403 }.to_string(),
        "The file server refused to send the file (HTTP 403)."
    );
}
