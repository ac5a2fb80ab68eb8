//! Incoming contact requests (RFC 6121 subscription requests).

use super::state::use_app;
use crate::chat::reducer::Input;
use leptos::prelude::*;

#[component]
pub fn Requests() -> impl IntoView {
    let ctx = use_app();
    let requests = move || {
        ctx.chat
            .with(|s| s.requests.iter().cloned().collect::<Vec<_>>())
    };
    view! {
        <Show when=move || ctx.chat.with(|s| !s.requests.is_empty())>
            <section aria-label="Contact requests" class="requests">
                <h2>"Contact requests"</h2>
                <ul>
                    <For each=requests key=|j: &String| j.clone() children=move |jid: String| {
                        let (a, d) = (jid.clone(), jid.clone());
                        view! {
                            <li class="request">
                                <span class="who">{jid.clone()}" wants to chat"</span>
                                <button class="primary" aria-label="Accept" title=format!("Accept {jid}")
                                    on:click=move |_| ctx.dispatch(Input::Accept { jid: a.clone() })>"Accept"</button>
                                <button aria-label="Decline" title=format!("Decline {jid}")
                                    on:click=move |_| ctx.dispatch(Input::Decline { jid: d.clone() })>"Decline"</button>
                            </li>
                        }
                    }/>
                </ul>
            </section>
        </Show>
    }
}
