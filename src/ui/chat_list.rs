//! The chat list: most recent first, with name, presence, preview, time and
//! unread count.

use super::avatar::Avatar;
use super::state::use_app;
use super::time;
use crate::chat::reducer::Input;
use crate::chat::Chat;
use leptos::prelude::*;

#[component]
pub fn ChatList() -> impl IntoView {
    let ctx = use_app();
    let chats = Memo::new(move |_| ctx.chat.with(|s| s.sorted_chats()));
    view! {
        <nav aria-label="Chats" class="chat-list">
            <Show when=move || ctx.chat.with(|s| s.chats.is_empty())>
                <p class="hint">"No chats yet."</p>
            </Show>
            <ul>
                <For each=move || chats.get() key=|c: &Chat| (c.jid.clone(), c.last_activity, c.unread, c.mentions, c.last_preview.clone(), c.name.clone())
                    children=move |c: Chat| view! { <ChatRow chat=c/> } />
            </ul>
        </nav>
    }
}

#[component]
fn ChatRow(chat: Chat) -> impl IntoView {
    let ctx = use_app();
    let jid = chat.jid.clone();
    let name = {
        let jid = jid.clone();
        move || ctx.chat.with(|s| s.display_name(&jid))
    };
    let presence = {
        let jid = jid.clone();
        move || ctx.chat.with(|s| s.availability(&jid)).label()
    };
    let presence_class = {
        let jid = jid.clone();
        move || {
            format!(
                "presence {}",
                ctx.chat.with(|s| s.availability(&jid)).label()
            )
        }
    };
    let status_jid = jid.clone();
    let typing = {
        let jid = jid.clone();
        Memo::new(move |_| ctx.chat.with(|s| s.typing.contains(&jid)))
    };
    let preview = chat.last_preview.clone();
    let selected = {
        let jid = jid.clone();
        move || ctx.chat.with(|s| s.open.as_deref() == Some(jid.as_str()))
    };
    let open = {
        let jid = jid.clone();
        move |_| ctx.dispatch(Input::Open(Some(jid.clone())))
    };
    let when = time::short(chat.last_activity, crate::net::now());
    let unread = chat.unread;
    view! {
        <li>
            <button class="chat-row" class:selected=selected.clone()
                aria-current=move || selected().then_some("true") on:click=open>
                <Avatar jid=jid.clone()/>
                <span class="row-main">
                    <span class="row-top">
                        <span class="name">{name}</span>
                        <span class="when">{when}</span>
                    </span>
                    <span class="row-bottom">
                        {(!chat.group).then(|| view! { <span class=presence_class>{presence}</span> })}
                        {move || ctx.chat.with(|s| s.status_message(&status_jid).map(|t| view! { <span class="status-msg">{t.to_owned()}</span> }))}
                        <span class="preview" class:typing=move || typing.get()>
                            {move || if typing.get() { "typing…".to_owned() } else { preview.clone() }}
                        </span>
                        {(chat.mentions > 0).then(|| view! {
                            <span class="badge mention" aria-label="mentioned">"@"</span>
                        })}
                        {(unread > 0).then(|| view! {
                            <span class="badge" aria-label=format!("{unread} unread")>{unread}</span>
                        })}
                    </span>
                </span>
            </button>
        </li>
    }
}
