//! `xmpp:` links: in messages, from web pages through the browser's
//! protocol handler (`?uri=xmpp:…`), and the Settings button that makes
//! this app the handler. A join link opens the Join group dialog filled in
//! (the user confirms and may pick a nickname); an address opens a chat.

use super::state::AppCtx;
use crate::chat::reducer::Input;
use crate::xmpp::uri::{parse, XmppLink};
use leptos::prelude::*;

/// The query parameter the protocol handler puts the link in.
const PARAM: &str = "uri";

/// Acts on `uri`; `false` when it is not a usable `xmpp:` link.
pub fn follow(ctx: AppCtx, uri: &str) -> bool {
    match parse(uri) {
        Some(XmppLink::Join { room }) => {
            let joined = ctx
                .chat
                .with_untracked(|s| s.rooms.get(&room).is_some_and(|r| r.joined));
            if joined {
                ctx.dispatch(Input::Open(Some(room)));
            } else {
                ctx.join_prefill.set(Some(room));
            }
            true
        }
        Some(XmppLink::Chat { jid }) => {
            let known = ctx.chat.with_untracked(|s| s.chats.contains_key(&jid));
            ctx.dispatch(if known {
                Input::Open(Some(jid))
            } else {
                Input::StartChat { jid }
            });
            true
        }
        None => false,
    }
}

/// A link the app was opened with (`?uri=`), once signed in; the parameter
/// is then taken out of the address so a reload does not repeat it.
pub fn follow_startup_link(ctx: AppCtx) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(href) = window.location().href() else {
        return;
    };
    let Ok(url) = web_sys::Url::new(&href) else {
        return;
    };
    let Some(uri) = url.search_params().get(PARAM) else {
        return;
    };
    url.search_params().delete(PARAM);
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
    }
    if !follow(ctx, &uri) {
        ctx.chat.update(|s| {
            s.notice = Some(format!(
                "Cannot open the link {uri}: it is not a valid xmpp: address."
            ))
        });
    }
}

/// Asks the browser to open `xmpp:` links with this app.
pub fn register_handler() -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let location = window.location();
    let base = format!(
        "{}{}",
        location.origin().map_err(|_| "no origin")?,
        location.pathname().map_err(|_| "no path")?
    );
    window
        .navigator()
        .register_protocol_handler("xmpp", &format!("{base}?{PARAM}=%s"), "Confab")
        .map_err(|e| {
            e.as_string()
                .or_else(|| {
                    wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(&e)
                        .map(|e| String::from(e.message()))
                })
                .unwrap_or_else(|| "the browser refused".to_owned())
        })
}
