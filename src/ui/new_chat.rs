//! "New chat": start a conversation by address (adds the contact and asks
//! to see their presence).

use super::state::use_app;
use crate::chat::reducer::Input;
use crate::xmpp::validate_address;
use leptos::prelude::*;

#[component]
pub fn NewChat() -> impl IntoView {
    let ctx = use_app();
    let open = RwSignal::new(false);
    let address = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(el) = input.get() {
                let _ = el.focus();
            }
        }
    });
    let close = move || {
        open.set(false);
        address.set(String::new());
        error.set(None);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match validate_address(&address.get_untracked()) {
            Ok(jid) => {
                let jid = jid.to_string();
                if ctx
                    .chat
                    .with_untracked(|s| s.me.as_deref() == Some(jid.as_str()))
                {
                    error.set(Some("That is your own address.".into()));
                    return;
                }
                ctx.dispatch(Input::StartChat { jid });
                close();
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <button class="new-chat primary" on:click=move |_| open.set(true)>"New chat"</button>
        <Show when=move || open.get()>
            <div class="backdrop" on:keydown=move |ev| if ev.key() == "Escape" { close() }>
                <form role="dialog" aria-modal="true" aria-label="New chat" class="card dialog" on:submit=submit>
                    <h2>"New chat"</h2>
                    <label>"Address"
                        <input type="text" inputmode="email" node_ref=input placeholder="name@example.org"
                            autocapitalize="none" spellcheck="false"
                            prop:value=move || address.get()
                            on:input=move |ev| address.set(event_target_value(&ev)) />
                    </label>
                    <Show when=move || error.get().is_some()>
                        <p role="alert" class="error">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <div class="actions">
                        <button type="submit" class="primary">"Start chat"</button>
                        <button type="button" on:click=move |_| close()>"Cancel"</button>
                    </div>
                </form>
            </div>
        </Show>
    }
}
