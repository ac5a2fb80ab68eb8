//! "Settings": the profile (nickname, photo) and the privacy choices for
//! receipts, read markers and last seen.

use super::avatar::{Avatar, PhotoPicker};
use super::modal::Modal;
use super::state::use_app;
use crate::chat::reducer::{Input, Privacy};
use leptos::prelude::*;

/// "Open xmpp: links with Confab": the browser's protocol handler.
#[component]
fn LinkHandler() -> impl IntoView {
    let outcome = RwSignal::new(None::<Result<(), String>>);
    view! {
        <button type="button" class="quiet"
            on:click=move |_| outcome.set(Some(super::links::register_handler()))>
            "Open xmpp: links with Confab"
        </button>
        {move || outcome.get().map(|r| match r {
            Ok(()) => view! { <p class="hint" role="status">"Your browser may ask you to confirm."</p> }.into_any(),
            Err(e) => view! { <p role="alert" class="error">{format!("The browser did not allow it: {e}")}</p> }.into_any(),
        })}
    }
}

/// Nickname (XEP-0172) and photo (XEP-0084), as contacts see them.
#[component]
fn Profile() -> impl IntoView {
    let ctx = use_app();
    let me = Memo::new(move |_| ctx.chat.with(|s| s.me.clone().unwrap_or_default()));
    let saved_nick = Memo::new(move |_| {
        ctx.chat
            .with(|s| s.nick_of(&me.get()).map(str::to_owned).unwrap_or_default())
    });
    let nick = RwSignal::new(saved_nick.get_untracked());
    let has_photo = Memo::new(move |_| ctx.chat.with(|s| s.avatar_of(&me.get()).is_some()));
    let error = RwSignal::new(None::<String>);
    let save_nick = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.dispatch(Input::SetNick(nick.get_untracked()));
    };
    let pick = Callback::new(move |(image, width, height)| {
        ctx.dispatch(Input::SetAvatar {
            image,
            width,
            height,
        })
    });
    view! {
        <section aria-label="Profile" class="profile">
            <Avatar jid=me large=true label=Signal::derive(|| "My photo".to_owned())/>
            <div class="profile-fields">
                <form class="row" on:submit=save_nick>
                    <label>"Nickname"
                        <input type="text" maxlength="64" autocomplete="nickname"
                            prop:value=move || nick.get()
                            on:input=move |ev| nick.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit" class="quiet"
                        disabled=move || nick.get().trim() == saved_nick.get()>"Save nickname"</button>
                </form>
                <div class="row">
                    <PhotoPicker label="Choose photo" on_pick=pick error/>
                    <Show when=move || has_photo.get()>
                        <button type="button" class="quiet"
                            on:click=move |_| ctx.dispatch(Input::RemoveAvatar)>"Remove photo"</button>
                    </Show>
                </div>
                {move || error.get().map(|e| view! { <p role="alert" class="error">{e}</p> })}
            </div>
        </section>
    }
}

/// "Stored files": how much the cache of received photos, videos and
/// files takes, and "Clear stored files" (files still to be sent stay).
#[component]
fn MediaCache() -> impl IntoView {
    let ctx = use_app();
    let usage = RwSignal::new(None::<u64>);
    let refresh = move || {
        if let Some(store) = ctx.controller().store_handle() {
            leptos::task::spawn_local(async move {
                usage.set(store.media_cache_usage().await.ok());
            });
        }
    };
    refresh();
    let clear = move |_| {
        if let Some(store) = ctx.controller().store_handle() {
            leptos::task::spawn_local(async move {
                let _ = store.clear_media_cache().await;
                // Shown files come again from the server when shown again.
                ctx.media.update(|m| {
                    for url in m.values() {
                        let _ = web_sys::Url::revoke_object_url(url);
                    }
                    m.clear();
                });
                usage.set(store.media_cache_usage().await.ok());
            });
        }
    };
    view! {
        <section aria-label="Stored files" class="row">
            <p class="hint" role="status" aria-label="Stored files size">
                {move || match usage.get() {
                    Some(bytes) => format!(
                        "Received files stored on this device: {} (up to {}).",
                        crate::xmpp::format_size(bytes),
                        crate::xmpp::format_size(crate::store::indexed_db::DEFAULT_MEDIA_CACHE_LIMIT)
                    ),
                    None => "Received files stored on this device: …".to_owned(),
                }}
            </p>
            <button type="button" class="quiet" on:click=clear>"Clear stored files"</button>
        </section>
    }
}

#[component]
pub fn Settings() -> impl IntoView {
    let ctx = use_app();
    let open = RwSignal::new(false);
    let privacy = Memo::new(move |_| ctx.chat.with(|s| s.privacy));
    let set = move |change: fn(&mut Privacy, bool), on: bool| {
        let mut p = privacy.get_untracked();
        change(&mut p, on);
        ctx.dispatch(Input::SetPrivacy(p));
    };
    let checked = move |ev: &leptos::ev::Event| event_target_checked(ev);
    view! {
        <button class="quiet" on:click=move |_| open.set(true)>"Settings"</button>
        <Modal title="Settings" open>
                    <Profile/>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || privacy.get().read_receipts
                            on:change=move |ev| set(|p, on| p.read_receipts = on, checked(&ev)) />
                        "Send read receipts"
                    </label>
                    <p class="hint">"When off, people do not see when you have read their messages."</p>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || privacy.get().receipts_for_strangers
                            on:change=move |ev| set(|p, on| p.receipts_for_strangers = on, checked(&ev)) />
                        "Send receipts to people not in my contacts"
                    </label>
                    <p class="hint">"Delivery and read receipts tell the sender you are online and reading."</p>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || privacy.get().share_last_seen
                            on:change=move |ev| set(|p, on| p.share_last_seen = on, checked(&ev)) />
                        "Share my last seen"
                    </label>
                    <MediaCache/>
                    <LinkHandler/>
        </Modal>
    }
}
