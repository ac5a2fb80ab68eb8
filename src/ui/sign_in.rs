//! The sign-in screen (and the entry to account creation).

use super::state::{use_app, SavedSession};
use crate::discovery;
use crate::xmpp::{validate_address, Credentials};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the form resolved: a valid address and a server URL.
pub struct Target {
    pub jid: jid::BareJid,
    pub server: String,
}

/// Validates the address and finds the server, or says what is wrong.
pub async fn resolve(address: &str, typed_server: &str) -> Result<Target, String> {
    let jid = validate_address(address)?;
    let server = match discovery::choose_server(None, None, Some(typed_server)) {
        Some(s) => s,
        None => crate::net::fetch::discover(jid.domain().as_str())
            .await
            .ok_or_else(|| {
                format!(
                    "Could not find the server for {}. Enter its WebSocket address in Server.",
                    jid.domain()
                )
            })?,
    };
    discovery::validate_endpoint(&server)?;
    Ok(Target { jid, server })
}

#[component]
pub fn SignIn() -> impl IntoView {
    let ctx = use_app();
    let prefill = ctx.prefill.get_untracked();
    let server = RwSignal::new(
        prefill
            .as_ref()
            .map(|(_, s)| s.clone())
            .unwrap_or_else(|| ctx.default_server.get_untracked()),
    );
    // config.json may arrive after the form is shown.
    Effect::new(move |_| {
        let d = ctx.default_server.get();
        if server.get_untracked().is_empty() {
            server.set(d);
        }
    });
    let address = RwSignal::new(prefill.map(|(a, _)| a).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let register_ui = super::register::provide();

    let submit = move |register: bool| {
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.error.set(None);
        if password.get_untracked().is_empty() {
            ctx.error.set(Some("Enter your password.".into()));
            return;
        }
        ctx.busy.set(true);
        spawn_local(async move {
            let target = match resolve(&address.get_untracked(), &server.get_untracked()).await {
                Ok(t) => t,
                Err(e) => {
                    ctx.error.set(Some(e));
                    ctx.busy.set(false);
                    return;
                }
            };
            if register {
                super::register::start(
                    ctx,
                    register_ui,
                    target,
                    password.get_untracked(),
                    remember.get_untracked(),
                );
                return;
            }
            let session = SavedSession {
                jid: target.jid.to_string(),
                server: target.server,
                credentials: Credentials::Password(password.get_untracked()),
            };
            ctx.controller()
                .sign_in(session, remember.get_untracked())
                .await;
        });
    };

    view! {
        <main class="sign-in">
            <form class="card" on:submit=move |ev| { ev.prevent_default(); submit(false) }>
                <h1>"Confab"</h1>
                <p class="lead">"Sign in with your XMPP address."</p>
                <label>"Address"
                    <input type="text" inputmode="email" name="username" autocomplete="username" autocapitalize="none" spellcheck="false"
                        placeholder="name@example.org"
                        prop:value=move || address.get()
                        on:input=move |ev| address.set(event_target_value(&ev)) />
                </label>
                <label>"Password"
                    <input type="password" name="password" autocomplete="current-password"
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </label>
                <label>"Server"
                    <input type="url" name="server" placeholder="wss://example.org/xmpp-websocket (optional)"
                        prop:value=move || server.get()
                        on:input=move |ev| server.set(event_target_value(&ev)) />
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev)) />
                    "Remember me"
                </label>
                <Show when=move || ctx.error.get().is_some()>
                    <p role="alert" class="error">{move || ctx.error.get().unwrap_or_default()}</p>
                </Show>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || ctx.busy.get()>"Sign in"</button>
                    <button type="button" disabled=move || ctx.busy.get()
                        on:click=move |_| submit(true)>"Create account"</button>
                </div>
                <Show when=move || ctx.busy.get()>
                    <p class="hint">"Connecting…"</p>
                </Show>
            </form>
            <super::register::RegisterDialog/>
        </main>
    }
}
