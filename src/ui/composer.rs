//! The message composer: Enter sends, Shift+Enter makes a new line; in a
//! group, "@" offers the members to mention. It also answers a message
//! ("Replying to …") or corrects one of ours ("Editing message"; Arrow Up
//! in an empty composer edits our last message), as WhatsApp does.

use super::message_actions::Compose;
use super::state::use_app;
use crate::chat::reducer::Input;
use crate::chat::StoredMessage;
use leptos::prelude::*;

/// Puts the caret in the composer (after "Reply" or "Edit").
pub fn focus() {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("textarea.composer-text").ok().flatten());
    if let Some(el) =
        el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = el.focus();
    }
}

/// The loaded message the composer refers to, if it is still there.
fn referred(ctx: super::state::AppCtx, id: &str) -> Option<StoredMessage> {
    ctx.chat
        .with(|s| s.messages.iter().find(|m| m.id == id).cloned())
}

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
        let id = crate::net::ids::random_id();
        let input = match ctx.compose.get_untracked() {
            Compose::New => Input::Send { body, id },
            Compose::Reply(target) => Input::Reply { body, id, target },
            Compose::Edit(target) => Input::Edit { target, body, id },
        };
        ctx.compose.set(Compose::New);
        ctx.dispatch(input);
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
            ctx.compose.set(Compose::New);
        }
        current
    });
    // Editing starts from the message's text; leaving edit mode empties it.
    Effect::new(move |was_editing: Option<bool>| {
        let compose = ctx.compose.get();
        let editing = matches!(compose, Compose::Edit(_));
        if let Compose::Edit(id) = &compose {
            // Untracked: only a change of mode may reset the draft, not
            // every state change while the user types.
            if let Some(m) = untrack(|| referred(ctx, id)) {
                text.set(m.body.clone());
            }
        } else if was_editing == Some(true) {
            text.set(String::new());
        }
        editing
    });
    // What the banner above the field says.
    let banner = Memo::new(move |_| {
        let (verb, id) = match ctx.compose.get() {
            Compose::New => return None,
            Compose::Reply(id) => ("Replying to", id),
            Compose::Edit(id) => ("Editing message", id),
        };
        let m = referred(ctx, &id)?;
        let who = if verb == "Editing message" {
            String::new()
        } else {
            super::message_view::author_name(ctx, &m)
        };
        let line = crate::chat::actions::summary(&m.body, &m.rich);
        Some((verb, who, line))
    });
    let cancel = move |_| {
        ctx.compose.set(Compose::New);
        focus();
    };
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
        {move || banner.get().map(|(verb, who, line)| {
            let cancel_label = if verb == "Replying to" { "Cancel reply" } else { "Cancel editing" };
            view! {
                <div class="compose-banner" role="status" aria-label=verb>
                    <div class="quote-inner">
                        <span class="quote-author">{format!("{verb} {who}").trim_end().to_owned()}</span>
                        <span class="quote-text">{line}</span>
                    </div>
                    <button type="button" class="quiet" aria-label=cancel_label on:click=cancel>"✕"</button>
                </div>
            }
        })}
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); send() }>
            <super::attach::AttachButton/>
            <textarea aria-label="Message" rows="1" placeholder="Message" node_ref=area class="composer-text"
                on:paste=move |ev: leptos::ev::ClipboardEvent| {
                    // A pasted image (a screenshot) is attached, not typed.
                    let files = super::attach::files_of(ev.clipboard_data().and_then(|d| d.files()));
                    if !files.is_empty() {
                        ev.prevent_default();
                        ctx.controller().attach(files);
                    }
                }
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
                    if ev.key() == "Escape" && ctx.compose.get_untracked() != Compose::New {
                        ctx.compose.set(Compose::New);
                    }
                    // Arrow Up in an empty composer edits our last message.
                    if ev.key() == "ArrowUp" && text.with_untracked(String::is_empty) {
                        let last = ctx.chat.with_untracked(|s| {
                            s.messages.iter().rev()
                                .find(|m| m.from_me && !m.rich.retracted && m.rich.attachment.is_none())
                                .map(|m| m.id.clone())
                        });
                        if let Some(id) = last {
                            ev.prevent_default();
                            ctx.compose.set(Compose::Edit(id));
                        }
                    }
                }></textarea>
            <super::attach::ShareLocation/>
            <super::attach::VoiceButton/>
            <button type="submit" class="primary send">"Send"</button>
        </form>
    }
}
