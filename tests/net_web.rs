//! The browser shell (WebSocket + sans-IO session) against a real Prosody.
//!
//! `scripts/test.sh` starts a throw-away Prosody and compiles these tests
//! with `CONFAB_TEST_WS=ws://127.0.0.1:PORT/xmpp-websocket`; each test
//! creates its own account through XEP-0077 with the app's own `Registrar`.

#![cfg(target_arch = "wasm32")]

use confab::net::register::Registrar;
use confab::net::{Client, ClientEvent, ConnState};
use confab::xmpp::register::RegistrationEvent;
use confab::xmpp::{Config, Credentials, Event, SessionError};
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
    assert!(client.send_message(&jid, "note to self", "origin-1"));
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
