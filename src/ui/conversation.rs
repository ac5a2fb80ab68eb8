//! The open chat: header, message log with day separators, composer.

use super::composer::Composer;
use super::message_view::MessageView;
use super::state::use_app;
use super::time;
use crate::chat::reducer::Input;
use crate::chat::StoredMessage;
use leptos::prelude::*;

#[derive(Clone, PartialEq)]
enum Row {
    Day(String),
    Message(StoredMessage),
}

impl Row {
    fn key(&self) -> String {
        match self {
            Row::Day(label) => format!("day:{label}"),
            Row::Message(m) => format!("{}:{}", m.id, m.status.label()),
        }
    }
}

fn rows(messages: &[StoredMessage], now: crate::chat::Millis) -> Vec<Row> {
    let mut out = Vec::with_capacity(messages.len() + 4);
    let mut last_day = None;
    for m in messages {
        let day = time::day_key(m.timestamp);
        if last_day != Some(day) {
            last_day = Some(day);
            out.push(Row::Day(time::day_label(m.timestamp, now)));
        }
        out.push(Row::Message(m.clone()));
    }
    out
}

#[component]
pub fn Conversation() -> impl IntoView {
    let ctx = use_app();
    let jid = Memo::new(move |_| ctx.chat.with(|s| s.open.clone().unwrap_or_default()));
    let name = Memo::new(move |_| ctx.chat.with(|s| s.display_name(&jid.get())));
    let presence = Memo::new(move |_| ctx.chat.with(|s| s.availability(&jid.get())).label());
    let log: NodeRef<leptos::html::Div> = NodeRef::new();
    let messages = Memo::new(move |_| ctx.chat.with(|s| s.messages.clone()));
    let list = move || messages.with(|m| rows(m, crate::net::now()));
    // Keep the newest message in view as messages arrive.
    Effect::new(move |_| {
        messages.track();
        if let Some(el) = log.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    view! {
        <section class="conversation" aria-label=move || format!("Chat with {}", name.get())>
            <header class="bar conv-header">
                <button class="back quiet" aria-label="Back to chats"
                    on:click=move |_| ctx.dispatch(Input::Open(None))>"←"</button>
                <div class="title">
                    <h2>{name}</h2>
                    <span class=move || format!("presence {}", presence.get())>{presence}</span>
                </div>
            </header>
            <div role="log" aria-label="Messages" aria-live="polite" class="log" node_ref=log>
                <For each=list key=Row::key children=move |row: Row| match row {
                    Row::Day(label) => view! { <div class="day" role="separator" aria-label=label.clone()><span>{label.clone()}</span></div> }.into_any(),
                    Row::Message(m) => view! { <MessageView message=m/> }.into_any(),
                }/>
            </div>
            <Composer/>
        </section>
    }
}
