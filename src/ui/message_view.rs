//! One message bubble. The body is rendered as text nodes and anchors only:
//! never as HTML.

use super::state::use_app;
use super::time;
use crate::chat::reducer::Input;
use crate::chat::text::{segments, Segment};
use crate::chat::{MessageStatus, StoredMessage};
use leptos::prelude::*;

fn tick(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Pending => "🕓",
        MessageStatus::Sent => "✓",
        MessageStatus::Delivered | MessageStatus::Read => "✓✓",
        MessageStatus::Failed => "!",
        MessageStatus::Received => "",
    }
}

#[component]
pub fn MessageView(
    message: StoredMessage,
    /// In a group, who has read this own message.
    read_by: Option<crate::chat::reads::ReadBy>,
) -> impl IntoView {
    let body: Vec<AnyView> = segments(&message.body)
        .into_iter()
        .map(|s| match s {
            Segment::Text(t) => t.to_string().into_any(),
            // xmpp: links stay in the app (a chat, or the Join group dialog).
            Segment::Link { text, href } if href.starts_with("xmpp:") => {
                let target = href.to_string();
                let ctx = use_app();
                view! {
                    <a href=href on:click=move |ev| {
                        if super::links::follow(ctx, &target) {
                            ev.prevent_default();
                        }
                    }>{text.to_string()}</a>
                }
                .into_any()
            }
            Segment::Link { text, href } => view! {
                <a href=href target="_blank" rel="noopener noreferrer">{text.to_string()}</a>
            }
            .into_any(),
        })
        .collect();
    // In a group, others' messages name their author (room/nick).
    let author = (!message.from_me)
        .then(|| {
            message
                .sender
                .split_once('/')
                .map(|(_, nick)| nick.to_owned())
        })
        .flatten();
    let mentioned = author.is_some()
        && use_app().chat.with_untracked(|s| {
            s.room_nick(&message.chat)
                .is_some_and(|nick| crate::xmpp::muc::mentions(&message.body, nick))
        });
    let status = message.status;
    let own = message.from_me;
    let error = message.error.clone();
    let failed = own && status == MessageStatus::Failed;
    let id = message.id.clone();
    let retry = move |_| use_app().dispatch(Input::Retry { id: id.clone() });
    view! {
        <article class="msg" class:own=own class:theirs=!own class:failed=status == MessageStatus::Failed class:mentioned=mentioned>
            {author.map(|nick| view! { <p class="author">{nick}</p> })}
            <p class="body">{body}</p>
            <footer class="meta">
                <time>{time::clock(message.timestamp)}</time>
                {own.then(|| view! {
                    <span role="img" aria-label=status.label() title=status.label()
                        class=format!("tick {}", status.label().to_lowercase())>{tick(status)}</span>
                })}
            </footer>
            {read_by.map(|r| view! { <p class="read-by">{r.sentence()}</p> })}
            {error.map(|e| view! { <p class="error-text">{e}</p> })}
            {failed.then(|| view! { <button class="retry quiet" on:click=retry>"Retry"</button> })}
        </article>
    }
}
