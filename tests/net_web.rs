//! The browser shell (WebSocket + sans-IO session) against a real Prosody.
//!
//! `scripts/test.sh` starts a throw-away Prosody and compiles these tests
//! with `CONFAB_TEST_WS=ws://127.0.0.1:PORT/xmpp-websocket`; each test
//! creates its own account through XEP-0077 with the app's own `Registrar`.

#![cfg(target_arch = "wasm32")]

use confab::net::register::Registrar;
use confab::net::{Client, ClientEvent, ConnState};
use confab::xmpp::register::RegistrationEvent;
use confab::xmpp::{Config, Credentials, Event, SessionError, UploadError};
use futures::channel::mpsc;
use futures::{FutureExt, StreamExt};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

// A missing URL must fail loudly, not skip: the tests are meaningless without a server.
#[allow(clippy::option_env_unwrap)]
fn server() -> &'static str {
    option_env!("CONFAB_TEST_WS")
        .expect("CONFAB_TEST_WS is not set: run the browser tests through scripts/test.sh")
}

/// Port 9 (discard) is closed on the test machine.
const CLOSED_PORT: &str = "ws://127.0.0.1:9/xmpp-websocket";

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .expect("window")
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Next item, or a panic naming what did not come within `ms`.
async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>, ms: i32, what: &str) -> T {
    futures::select! {
        item = rx.next().fuse() => item.unwrap_or_else(|| panic!("channel closed waiting for {what}")),
        _ = sleep(ms).fuse() => panic!("no {what} within {ms} ms"),
    }
}

fn unique(label: &str) -> String {
    format!("{label}{}", (js_sys::Math::random() * 1e12) as u64)
}

/// Registers a fresh account with the server's own form; returns its JID.
async fn register(username: &str, password: &str) -> String {
    let (tx, mut rx) = mpsc::unbounded();
    let registrar = Registrar::start(server(), "localhost", move |e| {
        let _ = tx.unbounded_send(e);
    });
    let form = match next(&mut rx, 10_000, "registration form").await {
        RegistrationEvent::Form(form) => form,
        other => panic!("expected a form, got {other:?}"),
    };
    let values = form
        .fields
        .iter()
        .map(|f| match f.var.as_str() {
            "username" => (f.var.clone(), username.to_string()),
            "password" => (f.var.clone(), password.to_string()),
            _ => (f.var.clone(), f.value.clone()),
        })
        .collect();
    registrar.submit(values);
    match next(&mut rx, 10_000, "registration result").await {
        RegistrationEvent::Registered { .. } => format!("{username}@localhost"),
        other => panic!("registration failed: {other:?}"),
    }
}

fn connect(
    jid: &str,
    password: &str,
    retry: bool,
) -> (Client, mpsc::UnboundedReceiver<ClientEvent>) {
    connect_to(server(), jid, password, retry)
}

fn connect_to(
    url: &str,
    jid: &str,
    password: &str,
    retry: bool,
) -> (Client, mpsc::UnboundedReceiver<ClientEvent>) {
    let (tx, rx) = mpsc::unbounded();
    let config = Config {
        jid: jid::BareJid::new(jid).expect("jid"),
        credentials: Credentials::Password(password.into()),
        allow_plain: true,
        resource: None,
        receipts_for_strangers: false,
        share_last_seen: true,
    };
    let client = Client::connect(url, config, retry, move |e| {
        let _ = tx.unbounded_send(e);
    });
    (client, rx)
}

async fn wait_for<F: Fn(&ClientEvent) -> bool>(
    rx: &mut mpsc::UnboundedReceiver<ClientEvent>,
    what: &str,
    pred: F,
) -> ClientEvent {
    loop {
        let e = next(rx, 10_000, what).await;
        if pred(&e) {
            return e;
        }
    }
}

#[wasm_bindgen_test]
async fn a_registered_account_signs_in_and_gets_scram_keys() {
    let jid = register(&unique("net"), "secret-1").await;
    let (client, mut rx) = connect(&jid, "secret-1", false);
    let online = wait_for(&mut rx, "Online", |e| {
        matches!(e, ClientEvent::Xmpp(Event::Online { .. }))
    })
    .await;
    match online {
        ClientEvent::Xmpp(Event::Online {
            jid: full,
            scram_keys,
        }) => {
            assert!(full.starts_with(&format!("{jid}/")), "bound {full}");
            assert!(
                scram_keys.is_some(),
                "Prosody offers SCRAM, so keys come back"
            );
        }
        _ => unreachable!(),
    }
    wait_for(&mut rx, "roster", |e| {
        matches!(e, ClientEvent::Xmpp(Event::Roster { .. }))
    })
    .await;
    assert!(client.is_online());
    client.stop();
}

#[wasm_bindgen_test]
async fn a_message_to_our_own_address_comes_back_through_the_server() {
    let jid = register(&unique("self"), "secret-2").await;
    let (client, mut rx) = connect(&jid, "secret-2", false);
    wait_for(&mut rx, "Online", |e| {
        matches!(e, ClientEvent::Xmpp(Event::Online { .. }))
    })
    .await;
    assert!(client.send_message(&jid, "note to self", "origin-1", &Default::default()));
    // The server's XEP-0198 ack (Sent) and the message coming back, in
    // either order.
    let (mut acked, mut echoed) = (false, None);
    while !acked || echoed.is_none() {
        match next(&mut rx, 10_000, "Sent and the message back").await {
            ClientEvent::Xmpp(Event::Sent { id }) if id == "origin-1" => acked = true,
            ClientEvent::Xmpp(Event::Message(m)) if m.body == "note to self" => echoed = Some(m),
            _ => {}
        }
    }
    let m = echoed.unwrap();
    assert_eq!(m.origin_id.as_deref(), Some("origin-1"));
    assert_eq!(m.from, jid);
    client.stop();
}

#[wasm_bindgen_test]
async fn a_wrong_password_ends_with_not_authorized_and_no_retry() {
    let jid = register(&unique("wrong"), "right").await;
    let (_client, mut rx) = connect(&jid, "wrong", false);
    let ended = wait_for(&mut rx, "Ended", |e| {
        matches!(e, ClientEvent::Xmpp(Event::Ended { .. }))
    })
    .await;
    assert!(matches!(
        ended,
        ClientEvent::Xmpp(Event::Ended {
            error: Some(SessionError::NotAuthorized(_))
        })
    ));
    let state = wait_for(&mut rx, "final state", |e| {
        matches!(e, ClientEvent::State(_))
    })
    .await;
    assert!(matches!(
        state,
        ClientEvent::State(ConnState::Offline { retry_in_ms: None })
    ));
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_reported_without_retrying() {
    let (_client, mut rx) = connect_to(CLOSED_PORT, "nobody@localhost", "x", false);
    wait_for(&mut rx, "Unreachable", |e| {
        matches!(e, ClientEvent::Unreachable)
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_remembered_session_retries_an_unreachable_server_with_backoff() {
    let (client, mut rx) = connect_to(CLOSED_PORT, "nobody@localhost", "x", true);
    let state = wait_for(&mut rx, "retry", |e| {
        matches!(
            e,
            ClientEvent::State(ConnState::Offline {
                retry_in_ms: Some(_)
            })
        )
    })
    .await;
    if let ClientEvent::State(ConnState::Offline {
        retry_in_ms: Some(ms),
    }) = state
    {
        assert!(
            (500..=1000).contains(&ms),
            "first retry after 0.5–1 s, got {ms}"
        );
    }
    client.stop();
}

// ---- XEP-0363 HTTP File Upload against Prosody's mod_http_file_share ----

/// Prosody's limit in scripts/prosody/confab.cfg.lua.
const UPLOAD_MAX: u64 = 50 * 1024 * 1024;

/// A fresh account online (its bare JID), with the upload service
/// discovery done.
async fn online_with_upload(label: &str) -> (Client, mpsc::UnboundedReceiver<ClientEvent>, String) {
    let password = "upload-secret";
    let account = register(&unique(label), password).await;
    let (client, mut rx) = connect(&account, password, false);
    let service = wait_for(&mut rx, "UploadService", |e| {
        matches!(e, ClientEvent::Xmpp(Event::UploadService { .. }))
    })
    .await;
    let ClientEvent::Xmpp(Event::UploadService { jid, max_size }) = service else {
        unreachable!()
    };
    assert_eq!(jid, "upload.localhost");
    assert_eq!(max_size, Some(UPLOAD_MAX), "the 50 MiB of the test config");
    assert_eq!(
        client.upload_service().and_then(|s| s.max_size),
        Some(UPLOAD_MAX)
    );
    (client, rx, account)
}

/// `len` bytes that differ from position to position (a swapped or
/// dropped chunk would show), as a Blob of `mime`.
fn blob(len: usize, mime: &str) -> (Vec<u8>, web_sys::Blob) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).expect("Blob");
    (bytes, blob)
}

struct Slot {
    put_url: String,
    get_url: String,
    headers: Vec<(String, String)>,
}

async fn slot(
    client: &Client,
    rx: &mut mpsc::UnboundedReceiver<ClientEvent>,
    request: &str,
    filename: &str,
    size: u64,
) -> Slot {
    client
        .request_upload_slot(request, filename, size, "application/octet-stream")
        .expect("a slot request within the limit goes out");
    let answer = wait_for(rx, "the slot", |e| {
        matches!(e, ClientEvent::Xmpp(Event::UploadSlot { request: r, .. } | Event::UploadFailed { request: r, .. }) if r == request)
    })
    .await;
    match answer {
        ClientEvent::Xmpp(Event::UploadSlot {
            put_url,
            get_url,
            headers,
            ..
        }) => Slot {
            put_url,
            get_url,
            headers,
        },
        other => panic!("no slot: {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_file_is_put_with_progress_and_comes_back_byte_for_byte() {
    let (client, mut rx, _) = online_with_upload("upload").await;
    let size = 1024 * 1024 + 17;
    let slot = slot(&client, &mut rx, "file-1", "one mb.bin", size as u64).await;
    assert!(
        slot.headers.iter().any(|(name, _)| name == "Authorization"),
        "Prosody's slot carries its token: {:?}",
        slot.headers
    );
    let (bytes, body) = blob(size, "application/octet-stream");
    let progress = std::rc::Rc::new(std::cell::RefCell::new(Vec::<(u64, u64)>::new()));
    let seen = progress.clone();
    let (_handle, done) =
        confab::net::upload::put(&slot.put_url, &slot.headers, &body, move |sent, total| {
            seen.borrow_mut().push((sent, total))
        });
    done.await.expect("the PUT is stored");
    let progress = progress.borrow().clone();
    assert!(!progress.is_empty(), "progress was reported");
    assert_eq!(
        progress.last(),
        Some(&(size as u64, size as u64)),
        "progress reached the total: {progress:?}"
    );
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress only grows: {progress:?}"
    );
    // Download through the GET URL (cross-origin too) and compare.
    let response = gloo_net::http::Request::get(&slot.get_url)
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 200);
    let downloaded = response.binary().await.expect("body");
    assert_eq!(downloaded.len(), bytes.len());
    assert!(
        downloaded == bytes,
        "the bytes that come back are the bytes sent"
    );
    client.stop();
}

#[wasm_bindgen_test]
async fn a_file_above_the_servers_limit_is_refused_without_asking() {
    let (client, mut rx, account) = online_with_upload("toolarge").await;
    let refused = client.request_upload_slot(
        "big-1",
        "huge.bin",
        UPLOAD_MAX + 1,
        "application/octet-stream",
    );
    assert_eq!(refused, Err(UploadError::TooLarge { max: UPLOAD_MAX }));
    assert_eq!(
        refused.unwrap_err().to_string(),
        "The file is too large: this server accepts files up to 52.4 MB."
    );
    // Nothing was asked, so nothing comes back for it; the session goes on.
    assert!(client.send_message(&account, "still here", "after-big", &Default::default()));
    loop {
        match next(&mut rx, 10_000, "Sent after the refusal").await {
            ClientEvent::Xmpp(
                Event::UploadSlot { request, .. } | Event::UploadFailed { request, .. },
            ) => {
                panic!("the server was asked for {request}")
            }
            ClientEvent::Xmpp(Event::Sent { id }) if id == "after-big" => break,
            _ => {}
        }
    }
    client.stop();
}

#[wasm_bindgen_test]
async fn cancel_aborts_a_running_upload_and_the_server_keeps_nothing() {
    let (client, mut rx, _) = online_with_upload("cancel").await;
    let size = 20 * 1000 * 1000;
    let slot = slot(&client, &mut rx, "file-2", "twenty.bin", size as u64).await;
    let (_, body) = blob(size, "application/octet-stream");
    // Cancel from the first progress report, so the body is surely still
    // going out (on loopback 20 MB leave in well under a second).
    let handle = std::rc::Rc::new(std::cell::RefCell::new(
        None::<confab::net::upload::UploadHandle>,
    ));
    let first = std::rc::Rc::new(std::cell::Cell::new(None::<u64>));
    let (h, f) = (handle.clone(), first.clone());
    let (started, done) =
        confab::net::upload::put(&slot.put_url, &slot.headers, &body, move |sent, _| {
            if f.get().is_none() {
                f.set(Some(sent));
                if let Some(handle) = h.borrow().as_ref() {
                    handle.cancel();
                }
            }
        });
    *handle.borrow_mut() = Some(started);
    assert_eq!(done.await, Err(confab::net::upload::PutError::Cancelled));
    let first = first
        .get()
        .expect("a progress report came before the cancel");
    assert!(
        first < size as u64,
        "cancelled mid-way, at {first} of {size}"
    );
    // The server stored nothing under the slot: Prosody answers 410 Gone
    // for a slot it issued that holds no file (404 is for unknown slots).
    let response = gloo_net::http::Request::get(&slot.get_url)
        .send()
        .await
        .expect("GET");
    assert_eq!(
        response.status(),
        410,
        "a cancelled upload is not downloadable"
    );
    client.stop();
}
