//! The open chat: header, message log with day separators and the "New
//! messages" divider, older history on scrolling up, composer.

use super::avatar::Avatar;
use super::composer::Composer;
use super::group_settings::GroupSettings;
use super::groups::{ContactDetails, GroupActions, Members};
use super::message_view::MessageView;
use super::state::use_app;
use super::time;
use crate::chat::reads::ReadBy;
use crate::chat::reducer::{Input, OlderState};
use crate::chat::StoredMessage;
use leptos::prelude::*;
use std::collections::HashMap;

#[derive(Clone, PartialEq)]
enum Row {
    Day(String),
    Divider,
    Message(Box<StoredMessage>, Option<ReadBy>),
}

impl Row {
    fn key(&self) -> String {
        match self {
            Row::Day(label) => format!("day:{label}"),
            Row::Divider => "divider".to_owned(),
            // Anything shown that can change makes a new row.
            Row::Message(m, read) => format!(
                "{}:{}:{}:{}:{:?}:{}:{}",
                m.id,
                m.status.label(),
                read.as_ref().map_or(0, |r| r.count),
                m.rich.retracted,
                m.rich.edited,
                m.rich.reactions.values().map(Vec::len).sum::<usize>(),
                fingerprint(m),
            ),
        }
    }
}

/// Changes when the text or the reactions change (same-length edits, a
/// swapped emoji).
fn fingerprint(m: &StoredMessage) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    m.body.hash(&mut h);
    m.rich.reactions.hash(&mut h);
    m.rich.attachment.as_ref().map(|a| &a.url).hash(&mut h);
    h.finish()
}

fn rows(
    messages: &[StoredMessage],
    divider: Option<&str>,
    read_by: &HashMap<String, ReadBy>,
    now: crate::chat::Millis,
) -> Vec<Row> {
    let mut out = Vec::with_capacity(messages.len() + 4);
    let mut last_day = None;
    for m in messages {
        let day = time::day_key(m.timestamp);
        if last_day != Some(day) {
            last_day = Some(day);
            out.push(Row::Day(time::day_label(m.timestamp, now)));
        }
        if divider == Some(m.id.as_str()) {
            out.push(Row::Divider);
        }
        out.push(Row::Message(
            Box::new(m.clone()),
            read_by.get(&m.id).cloned(),
        ));
    }
    out
}

#[component]
pub fn Conversation() -> impl IntoView {
    let ctx = use_app();
    let jid = Memo::new(move |_| ctx.chat.with(|s| s.open.clone().unwrap_or_default()));
    let name = Memo::new(move |_| ctx.chat.with(|s| s.display_name(&jid.get())));
    let presence = Memo::new(move |_| ctx.chat.with(|s| s.availability(&jid.get())).label());
    // "typing…", "online", "last seen today at 14:05", …
    let status = Memo::new(move |_| {
        let now = crate::net::now();
        ctx.chat
            .with(|s| s.status_line(&jid.get(), |at| time::relative(at, now)))
    });
    let blocked = Memo::new(move |_| ctx.chat.with(|s| s.blocked.contains(&jid.get())));
    let group = Memo::new(move |_| ctx.chat.with(|s| s.is_group(&jid.get())));
    let show_members = RwSignal::new(false);
    // A group's line under the name: its subject, else how many are in.
    let group_line = Memo::new(move |_| {
        ctx.chat.with(|s| match s.rooms.get(&jid.get()) {
            _ if s.group_typing(&jid.get()).is_some() => {
                s.group_typing(&jid.get()).unwrap_or_default()
            }
            Some(r) if !r.subject.is_empty() => r.subject.clone(),
            Some(r) if r.joined => super::groups::members_label(r.occupants.len()),
            _ => "not joined".to_owned(),
        })
    });
    let is_self = Memo::new(move |_| {
        ctx.chat
            .with(|s| s.me.as_deref() == Some(jid.get().as_str()))
    });
    let toggle_block = move |_| {
        let jid = jid.get_untracked();
        if blocked.get_untracked() {
            ctx.dispatch(Input::Unblock { jid });
        } else {
            ctx.dispatch(Input::Block { jid });
        }
    };
    let log: NodeRef<leptos::html::Div> = NodeRef::new();
    let messages = Memo::new(move |_| ctx.chat.with(|s| s.messages.clone()));
    let divider = Memo::new(move |_| ctx.chat.with(|s| s.divider.clone()));
    let older = Memo::new(move |_| ctx.chat.with(|s| s.older));
    let read_by = Memo::new(move |_| ctx.chat.with(|s| s.read_by()));
    let list = move || {
        let divider = divider.get();
        read_by.with(|r| messages.with(|m| rows(m, divider.as_deref(), r, crate::net::now())))
    };
    // Where the view was before older messages were put on top: (scroll
    // height, scroll top), so the same message stays under the reader's eyes.
    let anchor = StoredValue::new(None::<(i32, i32)>);
    let newest = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let last = messages.with(|m| m.last().map(|m| m.id.clone()));
        let Some(el) = log.get() else { return };
        if newest.get_value() != last {
            // A new message (or the first page): show the newest.
            newest.set_value(last);
            anchor.set_value(None);
            el.set_scroll_top(el.scroll_height());
        } else if let Some((height, top)) = anchor.get_value() {
            el.set_scroll_top(el.scroll_height() - height + top);
            anchor.set_value(None);
        }
    });
    let load_older = move || {
        if older.get_untracked() != OlderState::Idle {
            return;
        }
        if let Some(el) = log.get_untracked() {
            anchor.set_value(Some((el.scroll_height(), el.scroll_top())));
        }
        ctx.dispatch(Input::LoadOlder);
    };
    let on_scroll = move |_| {
        if log.get_untracked().is_some_and(|el| el.scroll_top() < 40) {
            load_older();
        }
    };
    view! {
        <section class="conversation" aria-label=move || format!("Chat with {}", name.get())
            on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| {
                // Files dropped anywhere on the chat are attached to it.
                let files = super::attach::files_of(ev.data_transfer().and_then(|d| d.files()));
                if !files.is_empty() {
                    ev.prevent_default();
                    ctx.controller().attach(files);
                }
            }>
            <header class="bar conv-header">
                <button class="back quiet" aria-label="Back to chats"
                    on:click=move |_| ctx.dispatch(Input::Open(None))>"←"</button>
                <Avatar jid=jid label=Signal::derive(move || format!("Avatar of {}", name.get()))/>
                <div class="title">
                    <h2>{name}</h2>
                    <Show when=move || !group.get()
                        fallback=move || view! { <span class="presence">{group_line}</span> }>
                        <span class=move || format!("presence {}", presence.get()) aria-live="polite">{status}</span>
                    </Show>
                </div>
                <Show when=move || group.get()>
                    <GroupActions show_members/>
                    <GroupSettings room=jid/>
                </Show>
                <Show when=move || !group.get()>
                    <button class="quiet" aria-pressed=move || show_members.get().to_string()
                        on:click=move |_| show_members.update(|v| *v = !*v)>"Details"</button>
                </Show>
                <Show when=move || !is_self.get() && !group.get()>
                    <button class="quiet" on:click=toggle_block>
                        {move || if blocked.get() { "Unblock" } else { "Block" }}
                    </button>
                </Show>
            </header>
            <div role="log" aria-label="Messages" aria-live="polite" class="log" node_ref=log on:scroll=on_scroll>
                <Show when=move || older.get() != OlderState::Exhausted>
                    <button class="older quiet" aria-busy=move || (older.get() == OlderState::Loading).to_string()
                        on:click=move |_| load_older()>"Load older messages"</button>
                </Show>
                <For each=list key=Row::key children=move |row: Row| match row {
                    Row::Day(label) => view! { <div class="day" role="separator" aria-label=label.clone()><span>{label.clone()}</span></div> }.into_any(),
                    Row::Divider => view! { <div class="divider" role="separator" aria-label="New messages"><span>"New messages"</span></div> }.into_any(),
                    Row::Message(m, read_by) => view! { <MessageView message=*m read_by=read_by/> }.into_any(),
                }/>
            </div>
            <Show when=move || group.get() && show_members.get()>
                <Members room=jid/>
            </Show>
            <Show when=move || !group.get() && show_members.get()>
                <ContactDetails jid/>
            </Show>
            <Composer/>
            <ImageViewer/>
        </section>
    }
}

/// The image viewer: a shared photo over the whole window.
#[component]
fn ImageViewer() -> impl IntoView {
    let ctx = use_app();
    view! {
        {move || ctx.viewer.get().map(|(src, url, name)| view! {
            <div class="backdrop viewer" on:keydown=move |ev| if ev.key() == "Escape" { ctx.viewer.set(None) }
                on:click=move |_| ctx.viewer.set(None)>
                <div role="dialog" aria-modal="true" aria-label="Image viewer" class="viewer-frame">
                    <img src=src alt=name.clone()/>
                    <div class="actions" on:click=|ev| ev.stop_propagation()>
                        {(!url.is_empty()).then(|| view! {
                            <a class="button" href=url download=name target="_blank" rel="noopener noreferrer">"Download"</a>
                        })}
                        <button type="button" class="primary" autofocus=true on:click=move |_| ctx.viewer.set(None)>"Close"</button>
                    </div>
                </div>
            </div>
        })}
    }
}
