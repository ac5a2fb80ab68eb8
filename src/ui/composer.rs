//! The message composer: Enter sends, Shift+Enter makes a new line.

use super::state::use_app;
use crate::chat::reducer::Input;
use leptos::prelude::*;

#[component]
pub fn Composer() -> impl IntoView {
    let ctx = use_app();
    let text = RwSignal::new(String::new());
    let area: NodeRef<leptos::html::Textarea> = NodeRef::new();
    // XEP-0085: "composing" while keys come, "paused" after 5 s without.
    let pause_timer = StoredValue::new_local(None::<crate::net::timer::Timer>);
    let typed = move |value: String| {
        let has_text = !value.trim().is_empty();
        text.set(value);
        ctx.dispatch(Input::Composing {
            composing: has_text,
            has_text,
        });
        let timer = has_text
            .then(|| {
                crate::net::timer::Timer::after(5_000, move || {
                    let has_text = !text.get_untracked().trim().is_empty();
                    ctx.dispatch(Input::Composing {
                        composing: false,
                        has_text,
                    });
                })
            })
            .flatten();
        pause_timer.set_value(timer);
    };
    let send = move || {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        text.set(String::new());
        pause_timer.set_value(None);
        ctx.dispatch(Input::Send {
            body,
            id: crate::net::ids::random_id(),
        });
        if let Some(el) = area.get() {
            let _ = el.focus();
        }
    };
    // Reset the draft when another chat opens (a Memo, so that other state
    // changes, like a presence update, do not wipe what is being typed).
    let open = Memo::new(move |_| ctx.chat.with(|s| s.open.clone()));
    Effect::new(move |previous: Option<Option<String>>| {
        let current = open.get();
        if previous.is_some_and(|p| p != current) {
            text.set(String::new());
        }
        current
    });
    view! {
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); send() }>
            <textarea aria-label="Message" rows="1" placeholder="Message" node_ref=area
                prop:value=move || text.get()
                on:input=move |ev| typed(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }></textarea>
            <button type="submit" class="primary send">"Send"</button>
        </form>
    }
}
