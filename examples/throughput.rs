//! How fast messages go through the reducer and the in-memory store, and how
//! the batch store methods compare with one call per message. Prints figures,
//! no pass/fail (issue 3: a 5,000-message catch-up must be fast).
//!
//! Run: `cargo run --release --example throughput`.
//!
//! Only `MemoryStore` is measured here: IndexedDB needs a browser. The figures
//! show what the Rust side costs, a floor under what the app pays.

use std::time::{Duration, Instant};

use confab::chat::reducer::{ChatState, Effect, Input};
use confab::chat::{MessageStatus, StoredMessage};
use confab::store::{Before, MemoryStore, MessageKey, Store, StoreError};
use confab::xmpp::{Event, IncomingMessage};
use futures::executor::block_on;

const ME: &str = "me@example.org";
const CHATS: usize = 10;
/// When the catch-up starts, in ms since the epoch (any fixed value).
const START: u64 = 1_700_000_000_000;

fn main() -> Result<(), StoreError> {
    for count in [5_000, 50_000] {
        reducer_and_store(count)?;
    }
    for count in [5_000, 50_000] {
        store_writes(count)?;
    }
    store_reads(5_000)?;
    Ok(())
}

fn chat_jid(n: usize) -> String {
    format!("contact{}@example.org", n % CHATS)
}

/// The `n`th message of a catch-up: round-robin over the chats, with an
/// origin-id, an archive stanza-id and a delay stamp, as an archive page has.
fn incoming(n: usize) -> IncomingMessage {
    let from = chat_jid(n);
    IncomingMessage {
        chat: from.clone(),
        from,
        from_me: false,
        markable: true,
        id: Some(format!("stanza-{n}")),
        origin_id: Some(format!("origin-{n}")),
        stanza_id: Some(format!("archive-{n}")),
        body: format!("message number {n} of the catch-up, with an average length"),
        delay: Some(START + n as u64),
        extras: Default::default(),
    }
}

fn stored(chat: &str, n: usize) -> StoredMessage {
    StoredMessage {
        id: format!("origin-{n}"),
        chat: chat.to_owned(),
        from_me: n.is_multiple_of(3),
        sender: chat.to_owned(),
        body: format!("message number {n} in the store, with an average length"),
        timestamp: START + n as u64,
        status: if n.is_multiple_of(3) {
            MessageStatus::Delivered
        } else {
            MessageStatus::Received
        },
        stanza_id: Some(format!("archive-{n}")),
        error: None,
        rich: Default::default(),
    }
}

/// Prints `label: 5,000 msgs in 12.3 ms = 406,000 msg/s`.
fn report(label: &str, count: usize, unit: &str, elapsed: Duration) {
    let ms = elapsed.as_secs_f64() * 1e3;
    let rate = count as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "{label}: {} {unit} in {ms:.1} ms = {} {unit}/s",
        thousands(count as u64),
        thousands(rate.round() as u64)
    );
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn reducer_and_store(count: usize) -> Result<(), StoreError> {
    let events: Vec<IncomingMessage> = (0..count).map(incoming).collect();
    let store = MemoryStore::default();
    let mut state = ChatState::new(Some(ME.to_owned()));
    let started = Instant::now();
    block_on(async {
        for (n, message) in events.into_iter().enumerate() {
            let now = START + count as u64 + n as u64;
            for effect in state.apply(Input::Xmpp(Event::Message(message)), now) {
                match effect {
                    Effect::SaveMessage(message) => store.put_message(&message).await?,
                    Effect::SaveChat(chat) => store.put_chat(&chat).await?,
                    _ => {}
                }
            }
        }
        Ok::<(), StoreError>(())
    })?;
    report("reducer+store incoming", count, "msgs", started.elapsed());
    Ok(())
}

fn store_writes(count: usize) -> Result<(), StoreError> {
    let messages: Vec<StoredMessage> = (0..count).map(|n| stored(&chat_jid(n), n)).collect();

    let store = MemoryStore::default();
    let started = Instant::now();
    block_on(async {
        for message in &messages {
            store.put_message(message).await?;
        }
        Ok::<(), StoreError>(())
    })?;
    report(
        "store put_message one by one",
        count,
        "msgs",
        started.elapsed(),
    );

    let store = MemoryStore::default();
    let started = Instant::now();
    block_on(async {
        for page in messages.chunks(100) {
            store.put_messages(page).await?;
        }
        Ok::<(), StoreError>(())
    })?;
    report(
        "store put_messages in batches of 100",
        count,
        "msgs",
        started.elapsed(),
    );
    Ok(())
}

fn store_reads(count: usize) -> Result<(), StoreError> {
    let chat = chat_jid(0);
    let messages: Vec<StoredMessage> = (0..count).map(|n| stored(&chat, n)).collect();
    let store = MemoryStore::default();
    block_on(store.put_messages(&messages))?;

    let started = Instant::now();
    let mut read = 0;
    block_on(async {
        let mut cursor: Option<Before> = None;
        loop {
            let page = store.messages(&chat, cursor.as_ref(), 50).await?;
            let Some(first) = page.first() else { break };
            cursor = Some(Before {
                timestamp: first.timestamp,
                id: first.id.clone(),
            });
            read += page.len();
        }
        Ok::<(), StoreError>(())
    })?;
    report(
        &format!(
            "store messages() paging back, pages of 50 ({} pages)",
            read / 50
        ),
        read,
        "msgs",
        started.elapsed(),
    );

    // A catch-up's dedup: a third known by id, a third by stanza-id only
    // (known under another id), a third new.
    let keys: Vec<MessageKey> = (0..count)
        .map(|n| match n % 3 {
            0 => MessageKey {
                id: format!("origin-{n}"),
                stanza_id: Some(format!("archive-{n}")),
            },
            1 => MessageKey {
                id: format!("other-{n}"),
                stanza_id: Some(format!("archive-{n}")),
            },
            _ => MessageKey {
                id: format!("new-{n}"),
                stanza_id: Some(format!("new-archive-{n}")),
            },
        })
        .collect();
    let started = Instant::now();
    let found = block_on(store.existing(&keys))?;
    let elapsed = started.elapsed();
    let hits = found.iter().filter(|m| m.is_some()).count();
    report(
        &format!("store existing() ({hits} found)"),
        keys.len(),
        "keys",
        elapsed,
    );

    let last = &messages[count - 1];
    let up_to = Before {
        timestamp: last.timestamp,
        id: last.id.clone(),
    };
    let started = Instant::now();
    let changed = block_on(store.mark_read(&chat, &up_to))?;
    report(
        &format!("store mark_read over one chat ({} marked)", changed.len()),
        count,
        "msgs",
        started.elapsed(),
    );
    Ok(())
}
