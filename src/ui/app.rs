//! The root: sign-in or the main screen.

use super::chat_list::ChatList;
use super::connection_status::ConnectionStatus;
use super::conversation::Conversation;
use super::groups::{Invitations, JoinGroup, NewGroup};
use super::new_chat::NewChat;
use super::requests::Requests;
use super::settings::Settings;
use super::sign_in::SignIn;
use super::state::{provide_app, use_app, Phase};
use crate::chat::reducer::Input;
use leptos::prelude::*;

#[component]
pub fn App() -> impl IntoView {
    let ctx = provide_app();
    watch_visibility();
    // A memo: setting the same phase again (every reconnection says Main)
    // must not rebuild the screen, which would close any open dialog.
    let phase = Memo::new(move |_| ctx.phase.get());
    move || match phase.get() {
        Phase::Loading => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Phase::SignIn => view! { <SignIn/> }.into_any(),
        Phase::Main => view! { <Main/> }.into_any(),
    }
}

#[component]
fn Main() -> impl IntoView {
    let ctx = use_app();
    super::links::follow_startup_link(ctx);
    let sign_out = move |_| ctx.controller().sign_out();
    let has_open = move || ctx.chat.with(|s| s.open.is_some());
    view! {
        <div class="app" class:chat-open=has_open>
            <aside class="sidebar">
                <header class="bar">
                    <h1>"Confab"</h1>
                    <ConnectionStatus/>
                    <Settings/>
                    <button class="quiet" on:click=sign_out>"Sign out"</button>
                    <super::presence::MyStatus/>
                </header>
                <NewChat/>
                <div class="group-buttons"><NewGroup/><JoinGroup/></div>
                <Requests/>
                <Invitations/>
                <ChatList/>
            </aside>
            <main class="pane">
                <Show when=move || ctx.chat.with(|s| s.notice.is_some())>
                    <div role="alert" class="notice">
                        <span>{move || ctx.chat.with(|s| s.notice.clone().unwrap_or_default())}</span>
                        <button class="quiet" on:click=move |_| ctx.dispatch(Input::DismissNotice)>"Dismiss"</button>
                    </div>
                </Show>
                <Show when=move || ctx.chat.with(|s| s.done.is_some())>
                    <div role="status" aria-label="Result" class="notice done">
                        <span>{move || ctx.chat.with(|s| s.done.clone().unwrap_or_default())}</span>
                        <button class="quiet" on:click=move |_| ctx.dispatch(Input::DismissNotice)>"OK"</button>
                    </div>
                </Show>
                <Show when=has_open fallback=|| view! {
                    <div class="empty-pane"><p>"Pick a chat, or start one with New chat."</p></div>
                }>
                    <Conversation/>
                </Show>
            </main>
        </div>
    }
}

/// Unread counting and read markers need to know whether the person can
/// see the chat; network and visibility changes check the connection.
fn watch_visibility() {
    let ctx = use_app();
    let update = move || {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .map(|d| !d.hidden() && d.has_focus().unwrap_or(true))
            .unwrap_or(true);
        if ctx.chat.with_untracked(|s| s.visible) != visible {
            ctx.dispatch(Input::Visible(visible));
            ctx.controller().set_active(visible);
            if visible {
                // Back from a sleeping laptop or a background tab: the
                // socket may be dead without having closed.
                ctx.controller().check_alive();
            }
        }
    };
    let h1 = window_event_listener(leptos::ev::focus, move |_| update());
    let h2 = window_event_listener(leptos::ev::blur, move |_| update());
    let h3 = window_event_listener(leptos::ev::visibilitychange, move |_| update());
    let h4 = window_event_listener(leptos::ev::online, move |_| {
        ctx.controller().reconnect_now()
    });
    // Going offline does not close a WebSocket: find out with a ping.
    let h5 = window_event_listener(leptos::ev::offline, move |_| ctx.controller().check_alive());
    on_cleanup(move || {
        h1.remove();
        h2.remove();
        h3.remove();
        h4.remove();
        h5.remove();
    });
}
