//! "My status" in the app header: the presence the user chooses (Online,
//! Away, Busy) and a status message, plus idle detection: with no pointer,
//! key or focus event for the idle time-out the app says Away with the
//! XEP-0319 idle time, and the next interaction brings the choice back.

use super::state::use_app;
use crate::chat::reducer::{Input, STATUS_MAX_CHARS};
use crate::chat::{Availability, Millis};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Idle after 5 minutes without interaction, unless `?idle_seconds=N`
/// says otherwise (end-to-end tests cannot wait 5 minutes).
const IDLE_AFTER_MS: Millis = 5 * 60 * 1000;

const CHOICES: [(Availability, &str, &str); 3] = [
    (Availability::Online, "online", "Online"),
    (Availability::Away, "away", "Away"),
    (Availability::Busy, "busy", "Busy"),
];

#[component]
pub fn MyStatus() -> impl IntoView {
    let ctx = use_app();
    watch_idle();
    let chosen = Memo::new(move |_| ctx.chat.with(|s| s.my_presence.availability));
    let message = Memo::new(move |_| ctx.chat.with(|s| s.my_presence.status.clone()));
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some((availability, _, _)) = CHOICES.iter().find(|(_, v, _)| *v == value) {
            ctx.dispatch(Input::SetMyPresence {
                availability: *availability,
                status: message.get_untracked(),
            });
        }
    };
    // The reducer trims and cuts; the box shows what was kept.
    let apply = move |text: String| {
        ctx.dispatch(Input::SetMyPresence {
            availability: chosen.get_untracked(),
            status: text,
        });
        message.get_untracked()
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            let kept = apply(event_target_value(&ev));
            set_box_value(&ev, &kept);
        }
    };
    let on_blur = move |ev: leptos::ev::FocusEvent| {
        let kept = apply(event_target_value(&ev));
        set_box_value(&ev, &kept);
    };
    view! {
        <div class="my-status">
            <span class=move || format!("presence-dot {}", chosen.get().label()) aria-hidden="true"></span>
            <select aria-label="My status" on:change=choose>
                {CHOICES.iter().map(|(a, value, label)| {
                    let a = *a;
                    view! { <option value=*value prop:selected=move || chosen.get() == a>{*label}</option> }
                }).collect_view()}
            </select>
            <input type="text" aria-label="Status message" placeholder="Status message"
                maxlength=STATUS_MAX_CHARS.to_string() prop:value=move || message.get()
                on:keydown=on_key on:blur=on_blur/>
        </div>
    }
}

fn set_box_value(ev: &web_sys::Event, text: &str) {
    use wasm_bindgen::JsCast;
    if let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.set_value(text);
    }
}

/// The idle time-out: `?idle_seconds=N` (at least 1), else 5 minutes.
fn idle_after_ms() -> Millis {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("idle_seconds"))
        .and_then(|s| s.parse::<Millis>().ok())
        .filter(|s| *s > 0)
        .map_or(IDLE_AFTER_MS, |s| s * 1000)
}

/// Any pointer, key or focus event is an interaction; a check every few
/// seconds turns a long enough pause into `Input::Idle(Some(last))`.
fn watch_idle() {
    let ctx = use_app();
    let idle_after = idle_after_ms();
    let last = Rc::new(Cell::new(crate::net::now()));
    let touch = {
        let last = last.clone();
        move || {
            last.set(crate::net::now());
            if ctx.chat.with_untracked(|s| s.my_idle_since.is_some()) {
                ctx.dispatch(Input::Idle(None));
            }
        }
    };
    let handles = [
        window_event_listener(leptos::ev::pointerdown, {
            let touch = touch.clone();
            move |_| touch()
        }),
        window_event_listener(leptos::ev::pointermove, {
            let touch = touch.clone();
            move |_| touch()
        }),
        window_event_listener(leptos::ev::keydown, {
            let touch = touch.clone();
            move |_| touch()
        }),
        window_event_listener(leptos::ev::wheel, {
            let touch = touch.clone();
            move |_| touch()
        }),
        window_event_listener(leptos::ev::focus, {
            let touch = touch.clone();
            move |_| touch()
        }),
    ];
    let check = move || {
        let since = last.get();
        let idle = crate::net::now().saturating_sub(since) >= idle_after;
        if idle && ctx.chat.with_untracked(|s| s.my_idle_since.is_none()) {
            ctx.dispatch(Input::Idle(Some(since)));
        }
    };
    let every = Duration::from_millis((idle_after / 5).clamp(500, 15_000));
    let interval = set_interval_with_handle(check, every).ok();
    on_cleanup(move || {
        for h in handles {
            h.remove();
        }
        if let Some(i) = interval {
            i.clear();
        }
    });
}
