//! The message composer: Enter sends, Shift+Enter makes a new line; in a
//! group, "@" offers the members to mention.

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
    // "@ann" being typed at the end of the draft: the members whose nick
    // starts with what follows the "@" (not ourselves).
    let mention_prefix = move || {
        text.with(|t| {
            let word = t.rsplit(char::is_whitespace).next().unwrap_or("");
            word.strip_prefix('@').map(str::to_lowercase)
        })
    };
    let candidates = Memo::new(move |_| {
        let Some(prefix) = mention_prefix() else {
            return vec![];
        };
        ctx.chat.with(|s| {
            let Some(room) = s.open.as_ref().and_then(|o| s.rooms.get(o)) else {
                return vec![];
            };
            room.occupants
                .values()
                .filter(|o| !o.is_me && o.nick.to_lowercase().starts_with(&prefix))
                .map(|o| o.nick.clone())
                .take(8)
                .collect::<Vec<_>>()
        })
    });
    let mention = move |nick: String| {
        let mut t = text.get_untracked();
        let cut = t.rfind('@').unwrap_or(t.len());
        t.truncate(cut);
        t.push('@');
        t.push_str(&nick);
        t.push(' ');
        text.set(t);
        if let Some(el) = area.get_untracked() {
            let _ = el.focus();
        }
    };
    view! {
        <Show when=move || !candidates.with(Vec::is_empty)>
            <ul role="listbox" aria-label="Mention" class="mentions">
                <For each=move || candidates.get() key=|n| n.clone() children=move |nick: String| {
                    let n = nick.clone();
                    view! {
                        <li role="option" aria-selected="false" class="mention-option"
                            on:mousedown=move |ev| { ev.prevent_default(); mention(n.clone()) }>
                            {format!("@{nick}")}
                        </li>
                    }
                }/>
            </ul>
        </Show>
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); send() }>
            <textarea aria-label="Message" rows="1" placeholder="Message" node_ref=area
                prop:value=move || text.get()
                on:input=move |ev| typed(event_target_value(&ev))
                on:keydown=move |ev| {
                    // Tab (or Enter) takes the first member offered.
                    let first = candidates.with_untracked(|c| c.first().cloned());
                    if let (Some(nick), "Tab" | "Enter") = (first, ev.key().as_str()) {
                        ev.prevent_default();
                        mention(nick);
                        return;
                    }
                    if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                        ev.prevent_default();
                        send();
                    }
                }></textarea>
            <button type="submit" class="primary send">"Send"</button>
        </form>
    }
}
