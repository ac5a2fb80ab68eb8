//! The composer's media controls (issue 5): "Attach" (a file input
//! labelled "Attach file"; files can also be dropped on the chat or pasted),
//! "Record voice message" (tap to start and tap to send, or hold and
//! release; "Cancel" discards) and "Share location".

use super::state::use_app;
use crate::chat::reducer::Input;
use crate::media::recorder::VoiceRecorder;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// How long a press must last to count as "hold to record".
const HOLD_MS: f64 = 600.0;

/// The files of a FileList, in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return vec![] };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

fn now() -> f64 {
    js_sys::Date::now()
}

#[component]
pub fn AttachButton() -> impl IntoView {
    let ctx = use_app();
    let input: NodeRef<leptos::html::Input> = NodeRef::new();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files = files_of(el.files());
        el.set_value("");
        if !files.is_empty() {
            ctx.controller().attach(files);
        }
    };
    view! {
        <button type="button" class="quiet icon" aria-label="Attach" title="Attach"
            on:click=move |_| if let Some(el) = input.get() { el.click() }>"📎"</button>
        <input type="file" multiple class="visually-hidden" aria-label="Attach file" node_ref=input
            on:change=on_change/>
    }
}

#[component]
pub fn ShareLocation() -> impl IntoView {
    let ctx = use_app();
    let busy = RwSignal::new(false);
    let share = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match crate::media::location::current_position(20_000).await {
                Ok(p) => ctx.dispatch(Input::Send {
                    body: crate::chat::text::geo_uri(p.lat, p.lon, Some(p.accuracy_m)),
                    id: crate::net::ids::random_id(),
                }),
                Err(e) => ctx.controller().notify(e.to_string()),
            }
            busy.set(false);
        });
    };
    view! {
        <button type="button" class="quiet icon" aria-label="Share location" title="Share location"
            aria-busy=move || busy.get().to_string() on:click=share>"📍"</button>
    }
}

/// Shows the recording's length four times a second while it runs.
fn tick(
    recorder: StoredValue<Option<VoiceRecorder>, LocalStorage>,
    elapsed: RwSignal<u64>,
    ticker: StoredValue<Option<crate::net::timer::Timer>, LocalStorage>,
    recording: RwSignal<bool>,
) {
    if !recording.get_untracked() {
        return;
    }
    recorder.with_value(|r| {
        if let Some(r) = r {
            elapsed.set(r.elapsed_ms());
        }
    });
    ticker.set_value(crate::net::timer::Timer::after(250, move || {
        tick(recorder, elapsed, ticker, recording)
    }));
}

#[component]
pub fn VoiceButton() -> impl IntoView {
    let ctx = use_app();
    let recorder = StoredValue::new_local(None::<VoiceRecorder>);
    let recording = RwSignal::new(false);
    let starting = StoredValue::new(false);
    let elapsed = RwSignal::new(0u64);
    let ticker = StoredValue::new_local(None::<crate::net::timer::Timer>);
    // Press bookkeeping (see the module doc): when the press that started
    // the recording began, and whether the click after a hold is eaten.
    let pressed_at = StoredValue::new(None::<f64>);
    let eat_click = StoredValue::new(false);

    let start = move || {
        if starting.get_value() || recording.get_untracked() {
            return;
        }
        starting.set_value(true);
        spawn_local(async move {
            match VoiceRecorder::start().await {
                Ok(r) => {
                    recorder.set_value(Some(r));
                    recording.set(true);
                    elapsed.set(0);
                    tick(recorder, elapsed, ticker, recording);
                }
                Err(e) => ctx.controller().notify(e.to_string()),
            }
            starting.set_value(false);
        });
    };
    let finish = move |send: bool| {
        ticker.set_value(None);
        recording.set(false);
        let Some(r) = recorder.try_update_value(Option::take).flatten() else {
            return;
        };
        if !send {
            r.cancel();
            return;
        }
        spawn_local(async move {
            match r.stop().await {
                Ok(rec) => {
                    let ext = if rec.mime.contains("ogg") {
                        "ogg"
                    } else if rec.mime.contains("mp4") {
                        "m4a"
                    } else {
                        "webm"
                    };
                    let name = format!("voice-{}.{ext}", crate::net::ids::random_id());
                    ctx.controller()
                        .attach_blob(rec.blob, name, rec.duration_ms);
                }
                Err(e) => ctx.controller().notify(e.to_string()),
            }
        });
    };
    let down = move |_| {
        if !recording.get_untracked() {
            pressed_at.set_value(Some(now()));
            start();
        }
    };
    let up = move |_| {
        if let Some(at) = pressed_at.get_value() {
            if now() - at >= HOLD_MS {
                // Held and released: send.
                pressed_at.set_value(None);
                eat_click.set_value(true);
                finish(true);
            }
        }
    };
    let click = move |_| {
        if eat_click.get_value() {
            eat_click.set_value(false);
            return;
        }
        if pressed_at.get_value().is_some() {
            // A tap started it: it goes on until the next tap.
            pressed_at.set_value(None);
            return;
        }
        if recording.get_untracked() {
            finish(true);
        } else {
            start(); // From the keyboard.
        }
    };
    view! {
        <Show when=move || recording.get()>
            <div class="recording" role="group" aria-label="Recording">
                <span class="rec-dot" aria-hidden="true"></span>
                <span role="timer" aria-label="Recording time">
                    {move || crate::ui::message_view::duration_label(elapsed.get())}
                </span>
                <button type="button" class="quiet" on:click=move |_| finish(false)>"Cancel"</button>
            </div>
        </Show>
        <button type="button" class="quiet icon" class:recording-on=move || recording.get()
            aria-label="Record voice message" title="Record voice message (tap, or hold and release)"
            aria-pressed=move || recording.get().to_string()
            on:pointerdown=down on:pointerup=up on:click=click>"🎤"</button>
    }
}
