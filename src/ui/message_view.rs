//! One message bubble. The body is rendered as text nodes and anchors only:
//! never as HTML. Around it: the author (groups), the quoted message of a
//! reply, a shared file, a location, the reactions, "edited", and the
//! "Message actions" menu.

use super::message_actions::{react, MessageActions};
use super::state::{use_app, AppCtx};
use super::time;
use crate::chat::actions::{is_named, RETRACTED_TEXT};
use crate::chat::reducer::Input;
use crate::chat::text::{geo, me_action, segments, Geo, Segment};
use crate::chat::{Attachment, AttachmentKind, MessageStatus, Quote, StoredMessage};
use crate::xmpp::format_size;
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

/// The DOM id of a bubble, for "scroll to the replied message".
pub fn dom_id(id: &str) -> String {
    format!("msg-{id}")
}

/// Who a sender is, as a person reads it: "You", a group nickname, or a
/// contact's name.
pub fn person(ctx: AppCtx, who: &str) -> String {
    ctx.chat.with_untracked(|s| {
        if s.me.as_deref() == Some(who) {
            "You".to_owned()
        } else if let Some((_, nick)) = who.split_once('/') {
            nick.to_owned()
        } else {
            s.display_name(who)
        }
    })
}

/// The author of `m` as a person reads it.
pub fn author_name(ctx: AppCtx, m: &StoredMessage) -> String {
    if m.from_me {
        "You".to_owned()
    } else {
        person(ctx, &m.sender)
    }
}

fn text_view(body: &str) -> Vec<AnyView> {
    segments(body)
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
        .collect()
}

/// "0:07", "12:30".
pub fn duration_label(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    format!("{}:{:02}", s / 60, s % 60)
}

#[component]
fn QuoteView(quote: Quote, chat: String) -> impl IntoView {
    let ctx = use_app();
    // The original, when loaded, with its current text and author (it
    // follows an edit or a deletion); else the quote the sender included.
    let id = quote.id.clone();
    let original = Memo::new(move |_| {
        ctx.chat.with(|s| {
            s.messages
                .iter()
                .find(|m| m.chat == chat && is_named(m, &id))
                .map(|m| {
                    (
                        author_name(ctx, m),
                        crate::chat::actions::summary(&m.body, &m.rich),
                        m.id.clone(),
                    )
                })
        })
    });
    let fallback_who = if quote.to.is_empty() {
        String::new()
    } else {
        person(ctx, &quote.to)
    };
    let fallback_text = quote.text.clone();
    let who = move || {
        original
            .with(|o| o.as_ref().map(|(w, _, _)| w.clone()))
            .unwrap_or_else(|| fallback_who.clone())
    };
    let line = move || {
        original
            .with(|o| o.as_ref().map(|(_, l, _)| l.clone()))
            .unwrap_or_else(|| fallback_text.clone())
    };
    let go = move |_| match original.with_untracked(|o| o.as_ref().map(|(_, _, id)| id.clone())) {
        Some(id) => scroll_to(&id),
        None => ctx.dispatch(Input::LoadOlder),
    };
    view! {
        <button type="button" class="quote" title="Show the replied message" on:click=go>
            <span class="quote-author">{who}</span>
            <span class="quote-text">{line}</span>
        </button>
    }
}

/// Scrolls the bubble of message `id` into view and flashes it.
fn scroll_to(id: &str) {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&dom_id(id)))
    else {
        return;
    };
    el.scroll_into_view();
    let list = el.class_list();
    let _ = list.remove_1("flash");
    let _ = list.add_1("flash");
}

/// Upload progress and "Cancel" under our file while it is not on the
/// server yet.
#[component]
fn UploadState(id: String, name: String) -> impl IntoView {
    let ctx = use_app();
    let progress = {
        let id = id.clone();
        Memo::new(move |_| ctx.uploads.with(|u| u.get(&id).copied()))
    };
    let cancel = move |_| ctx.controller().cancel_upload(&id);
    view! {
        <div class="upload">
            {move || match progress.get() {
                Some((sent, total)) => view! {
                    <progress aria-label=format!("Uploading {name}") max=total.max(1) value=sent></progress>
                    <span class="upload-size">{format!("{} of {}", format_size(sent), format_size(total))}</span>
                }.into_any(),
                None => view! { <span class="upload-size">"Waiting to upload…"</span> }.into_any(),
            }}
            <button type="button" class="quiet" on:click=cancel>"Cancel"</button>
        </div>
    }
}

#[component]
fn AttachmentView(attachment: Attachment, id: String, uploading: bool) -> impl IntoView {
    let ctx = use_app();
    let a = attachment;
    let (w, h) = (a.width.unwrap_or(0), a.height.unwrap_or(0));
    // The bubble takes its final size at once (no jump when it loads).
    let ratio = (w > 0 && h > 0).then(|| format!("aspect-ratio: {w} / {h}"));
    let url = a.url.clone();
    let name = a.name.clone();
    let kind = a.kind();
    // Pictures, videos and sounds are fetched (once, then cached) when shown.
    if kind != AttachmentKind::File || url.is_empty() {
        ctx.controller().want_media(&id, &url);
    }
    let key = if url.is_empty() {
        id.clone()
    } else {
        url.clone()
    };
    let src = {
        let (id, url) = (id.clone(), url.clone());
        Memo::new(move |_| super::uploads::media_url(ctx, &id, &url))
    };
    let failed = {
        let key = key.clone();
        Memo::new(move |_| ctx.media_errors.with(|e| e.get(&key).cloned()))
    };
    let upload = uploading.then(|| view! { <UploadState id=id.clone() name=name.clone()/> });
    let body = match kind {
        AttachmentKind::Image => {
            let thumb: String = a
                .thumbnail
                .clone()
                .unwrap_or_default()
                // A data: URI of base64 only: nothing that could end the CSS string.
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || "+/=;:,.-".contains(*c))
                .collect();
            let style = format!(
                "{}; background-image: url(\"{thumb}\")",
                ratio.clone().unwrap_or_default()
            );
            view! {
                <button type="button" class="image-open" aria-label=format!("Open image {name}")
                    on:click={
                        let (url, name) = (url.clone(), name.clone());
                        move |_| if let Some(u) = src.get_untracked() {
                            ctx.viewer.set(Some((u, url.clone(), name.clone())))
                        }
                    }>
                    <img class="image" src=move || src.get() alt=name.clone() decoding="async"
                        width=(w > 0).then_some(w) height=(h > 0).then_some(h) style=style/>
                </button>
            }
            .into_any()
        }
        AttachmentKind::Video => view! {
            <video class="video" controls preload="metadata" src=move || src.get() aria-label=format!("Video {name}")
                width=(w > 0).then_some(w) height=(h > 0).then_some(h) style=ratio.unwrap_or_default()></video>
        }
        .into_any(),
        AttachmentKind::Audio => {
            let voice = a.name.starts_with("voice-");
            let label = if voice {
                format!("Voice message, {}", a.duration_ms.map(duration_label).unwrap_or_default())
            } else {
                format!("Audio {name}")
            };
            view! {
                <div class="audio" class:voice=voice>
                    {voice.then(|| view! { <span aria-hidden="true">"🎤"</span> })}
                    <audio controls preload="metadata" src=move || src.get() aria-label=label></audio>
                    {a.duration_ms.map(|d| view! { <span class="duration">{duration_label(d)}</span> })}
                </div>
            }
            .into_any()
        }
        AttachmentKind::File if url.is_empty() => view! {
            <p class="file">
                <span class="file-icon" aria-hidden="true">"📄"</span>
                <span class="file-name">{name.clone()}</span>
                <span class="file-size">{format_size(a.size)}</span>
            </p>
        }
        .into_any(),
        AttachmentKind::File => view! {
            <a class="file" href=url download=name.clone() target="_blank" rel="noopener noreferrer"
                aria-label=format!("Download {name}")>
                <span class="file-icon" aria-hidden="true">"📄"</span>
                <span class="file-name">{name.clone()}</span>
                {(a.size > 0).then(|| view! { <span class="file-size">{format_size(a.size)}</span> })}
            </a>
        }
        .into_any(),
    };
    view! {
        {body}
        {move || failed.get().map(|e| view! { <p class="error-text">{e}</p> })}
        {upload}
    }
}

#[component]
fn LocationView(geo: Geo) -> impl IntoView {
    let Geo { lat, lon, accuracy } = geo;
    let href = format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}");
    let coords = format!("{lat:.5}, {lon:.5}");
    view! {
        <div class="location" role="group" aria-label="Location">
            <span aria-hidden="true">"📍"</span>
            <span class="coords">{coords}</span>
            {accuracy.map(|u| view! { <span class="accuracy">{format!("± {} m", u.round())}</span> })}
            <a href=href target="_blank" rel="noopener noreferrer">"Open in map"</a>
        </div>
    }
}

#[component]
fn ReactionsView(message: StoredMessage) -> impl IntoView {
    let ctx = use_app();
    let me = ctx
        .chat
        .with_untracked(|s| s.me.clone().unwrap_or_default());
    let id = message.id.clone();
    message
        .rich
        .reaction_counts()
        .into_iter()
        .map(|(emoji, people)| {
            let mine = people.contains(&me);
            let names: Vec<String> = people.iter().map(|p| person(ctx, p)).collect();
            let label = format!("{emoji} {}: {}", people.len(), names.join(", "));
            let (id, e) = (id.clone(), emoji.clone());
            view! {
                <button type="button" class="reaction" class:mine=mine aria-pressed=mine.to_string()
                    aria-label=label.clone() title=label on:click=move |_| react(ctx, &id, e.clone())>
                    <span>{emoji.clone()}</span><span class="count">{people.len()}</span>
                </button>
            }
        })
        .collect_view()
}

#[component]
pub fn MessageView(
    message: StoredMessage,
    /// In a group, who has read this own message.
    read_by: Option<crate::chat::reads::ReadBy>,
) -> impl IntoView {
    let ctx = use_app();
    let rich = message.rich.clone();
    let retracted = rich.retracted;
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
        && ctx.chat.with_untracked(|s| {
            s.room_nick(&message.chat)
                .is_some_and(|nick| crate::xmpp::muc::mentions(&message.body, nick))
        });
    let location = (!retracted && rich.attachment.is_none())
        .then(|| geo(&message.body))
        .flatten();
    let action = me_action(&message.body).map(str::to_owned);
    let content = if retracted {
        view! { <p class="body deleted">{RETRACTED_TEXT}</p> }.into_any()
    } else if let Some(a) = rich.attachment.clone() {
        let uploading = crate::chat::uploads::awaiting_upload(&message)
            && message.status == MessageStatus::Pending;
        view! { <AttachmentView attachment=a id=message.id.clone() uploading/> }.into_any()
    } else if let Some(geo) = location {
        view! { <LocationView geo/> }.into_any()
    } else if let Some(rest) = action {
        let who = author_name(ctx, &message);
        let who = if who == "You" {
            ctx.chat.with_untracked(|s| {
                s.me.as_ref()
                    .map(|me| s.display_name(me))
                    .unwrap_or_default()
            })
        } else {
            who
        };
        view! { <p class="body me-action">{format!("* {who} ")}{text_view(&rest)}</p> }.into_any()
    } else {
        view! { <p class="body">{text_view(&message.body)}</p> }.into_any()
    };
    let status = message.status;
    let own = message.from_me;
    let error = message.error.clone();
    let failed = own && status == MessageStatus::Failed;
    let id = message.id.clone();
    let retry = move |_| use_app().dispatch(Input::Retry { id: id.clone() });
    let edited = rich.edited.is_some() && !retracted;
    let has_reactions = !rich.reactions.is_empty();
    let quote = rich.reply.clone().filter(|_| !retracted);
    let chat = message.chat.clone();
    view! {
        <article class="msg" class:own=own class:theirs=!own class:failed=status == MessageStatus::Failed
            class:mentioned=mentioned class:has-reactions=has_reactions id=dom_id(&message.id)>
            <MessageActions message=message.clone()/>
            {author.map(|nick| view! { <p class="author">{nick}</p> })}
            {quote.map(|q| view! { <QuoteView quote=q chat=chat/> })}
            {content}
            <footer class="meta">
                {edited.then(|| view! { <span class="edited">"edited"</span> })}
                <time>{time::clock(message.timestamp)}</time>
                {own.then(|| view! {
                    <span role="img" aria-label=status.label() title=status.label()
                        class=format!("tick {}", status.label().to_lowercase())>{tick(status)}</span>
                })}
            </footer>
            {has_reactions.then(|| view! {
                <div class="reactions" role="group" aria-label="Reactions"><ReactionsView message=message.clone()/></div>
            })}
            {read_by.map(|r| view! { <p class="read-by">{r.sentence()}</p> })}
            {error.map(|e| view! { <p class="error-text">{e}</p> })}
            {failed.then(|| view! { <button class="retry quiet" on:click=retry>"Retry"</button> })}
        </article>
    }
}
