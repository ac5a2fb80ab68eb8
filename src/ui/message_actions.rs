//! The "Message actions" menu of a bubble and what it opens: the reaction
//! picker, "Delete" (for everyone or for me) and "Forward". One menu is
//! open at a time (`AppCtx::msg_menu`), so a long history keeps one set of
//! these elements in the DOM, not one per message.

use super::emoji::{EmojiPicker, QUICK};
use super::state::{use_app, AppCtx};
use crate::chat::reducer::Input;
use crate::chat::StoredMessage;
use leptos::prelude::*;

/// What the open menu of a message shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Menu,
    React,
    Picker,
    Delete,
    Forward,
}

/// What the composer is doing with a message of the open chat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Compose {
    #[default]
    New,
    /// Answering this message (local id).
    Reply(String),
    /// Correcting this own message.
    Edit(String),
}

fn close(ctx: AppCtx) {
    ctx.msg_menu.set(None);
}

fn new_id() -> String {
    crate::net::ids::random_id()
}

/// Toggles our reaction `emoji` on `target`.
pub fn react(ctx: AppCtx, target: &str, emoji: String) {
    ctx.dispatch(Input::React {
        target: target.to_owned(),
        emoji,
        id: new_id(),
    });
}

/// The "⋯" button and, when it is this message's turn, its open pane.
#[component]
pub fn MessageActions(message: StoredMessage) -> impl IntoView {
    let ctx = use_app();
    let id = message.id.clone();
    let pane = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.msg_menu
                .with(|m| m.as_ref().filter(|(i, _)| *i == id).map(|(_, p)| *p))
        })
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            let open = pane.get_untracked().is_some();
            ctx.msg_menu.set((!open).then(|| (id.clone(), Pane::Menu)));
        }
    };
    let m = StoredValue::new(message);
    view! {
        <button type="button" class="quiet msg-menu-button" aria-label="Message actions"
            aria-haspopup="menu" aria-expanded=move || pane.get().is_some().to_string()
            on:click=toggle>"⋯"</button>
        {move || pane.get().map(|p| view! { <ActionPane message=m.get_value() pane=p/> })}
    }
}

#[component]
fn ActionPane(message: StoredMessage, pane: Pane) -> impl IntoView {
    let ctx = use_app();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            close(ctx);
        }
    };
    let view = match pane {
        Pane::Menu => view! { <Menu message/> }.into_any(),
        Pane::React | Pane::Picker => {
            view! { <React message picker=pane == Pane::Picker/> }.into_any()
        }
        Pane::Delete => view! { <Delete message/> }.into_any(),
        Pane::Forward => view! { <Forward message/> }.into_any(),
    };
    view! { <div class="msg-pane" on:keydown=on_key>{view}</div> }
}

#[component]
fn Menu(message: StoredMessage) -> impl IntoView {
    let ctx = use_app();
    let retracted = message.rich.retracted;
    let editable = message.from_me && !retracted && message.rich.attachment.is_none();
    let has_text = !retracted && !message.body.is_empty() && message.rich.attachment.is_none();
    let id = message.id.clone();
    let go = move |pane: Pane| {
        let id = id.clone();
        move |_| ctx.msg_menu.set(Some((id.clone(), pane)))
    };
    let (reply_id, edit_id) = (message.id.clone(), message.id.clone());
    let body = message.body.clone();
    let item = |label: &'static str, on: Box<dyn Fn(leptos::ev::MouseEvent)>| {
        view! { <button type="button" role="menuitem" class="quiet" on:click=on>{label}</button> }
    };
    view! {
        <div role="menu" aria-label="Message actions" class="menu card">
            {(!retracted).then(|| item("Reply", Box::new(move |_| {
                ctx.compose.set(Compose::Reply(reply_id.clone()));
                close(ctx);
                super::composer::focus();
            })))}
            {(!retracted).then(|| item("React", Box::new(go(Pane::React))))}
            {editable.then(|| item("Edit", Box::new(move |_| {
                ctx.compose.set(Compose::Edit(edit_id.clone()));
                close(ctx);
                super::composer::focus();
            })))}
            {has_text.then(|| item("Copy text", Box::new(move |_| {
                copy(&body);
                close(ctx);
            })))}
            {(!retracted).then(|| item("Forward", Box::new(go(Pane::Forward))))}
            {item("Delete", Box::new(go(Pane::Delete)))}
        </div>
    }
}

/// Puts `text` on the clipboard.
fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

#[component]
fn React(message: StoredMessage, picker: bool) -> impl IntoView {
    let ctx = use_app();
    let id = message.id.clone();
    let mine: Vec<String> = ctx.chat.with_untracked(|s| {
        s.me.as_ref()
            .and_then(|me| message.rich.reactions.get(me))
            .cloned()
            .unwrap_or_default()
    });
    let pick = {
        let id = id.clone();
        Callback::new(move |emoji: String| {
            react(ctx, &id, emoji);
            close(ctx);
        })
    };
    let more = {
        let id = id.clone();
        move |_| ctx.msg_menu.set(Some((id.clone(), Pane::Picker)))
    };
    view! {
        <div role="dialog" aria-label="React" class="react card">
            <div class="quick">
                {QUICK.iter().map(|e| {
                    let emoji = e.to_string();
                    let pressed = mine.contains(&emoji);
                    view! {
                        <button type="button" class="quiet emoji" aria-label=format!("React with {e}")
                            aria-pressed=pressed.to_string()
                            on:click=move |_| pick.run(emoji.clone())>{*e}</button>
                    }
                }).collect_view()}
                {(!picker).then(|| view! {
                    <button type="button" class="quiet" aria-label="More reactions" on:click=more>"＋"</button>
                })}
            </div>
            {picker.then(|| view! { <EmojiPicker chosen=pick/> })}
        </div>
    }
}

#[component]
fn Delete(message: StoredMessage) -> impl IntoView {
    let ctx = use_app();
    let everyone = message.from_me && !message.rich.retracted;
    let (a, b) = (message.id.clone(), message.id.clone());
    view! {
        <div role="dialog" aria-label="Delete message" class="card confirm">
            <p>"Delete this message?"</p>
            {everyone.then(|| view! {
                <button type="button" class="danger" on:click=move |_| {
                    ctx.dispatch(Input::Retract { target: a.clone(), id: new_id() });
                    close(ctx);
                }>"Delete for everyone"</button>
            })}
            <button type="button" on:click=move |_| {
                ctx.dispatch(Input::DeleteForMe { target: b.clone() });
                close(ctx);
            }>"Delete for me"</button>
            <button type="button" class="quiet" on:click=move |_| close(ctx)>"Cancel"</button>
        </div>
    }
}

#[component]
fn Forward(message: StoredMessage) -> impl IntoView {
    let ctx = use_app();
    // Every chat but this one, most recent first, with its shown name.
    // Then the contacts we have not talked to yet.
    let targets: Vec<(String, String)> = ctx.chat.with_untracked(|s| {
        let mut jids: Vec<String> = s
            .sorted_chats()
            .into_iter()
            .map(|c| c.jid.clone())
            .collect();
        let mut others: Vec<&String> = s
            .contacts
            .keys()
            .filter(|j| !s.chats.contains_key(*j))
            .collect();
        others.sort();
        jids.extend(others.into_iter().cloned());
        jids.into_iter()
            .filter(|j| *j != message.chat)
            .map(|j| {
                let name = s.display_name(&j);
                (j, name)
            })
            .collect()
    });
    let id = message.id.clone();
    view! {
        <div role="dialog" aria-label="Forward message" class="card forward">
            <p>"Forward to…"</p>
            <ul role="list" class="forward-list">
                {targets.into_iter().map(|(jid, name)| {
                    let id = id.clone();
                    view! {
                        <li><button type="button" class="quiet" on:click=move |_| {
                            ctx.dispatch(Input::Forward { target: id.clone(), to: jid.clone(), id: new_id() });
                            close(ctx);
                        }>{name}</button></li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" class="quiet" on:click=move |_| close(ctx)>"Cancel"</button>
        </div>
    }
}
