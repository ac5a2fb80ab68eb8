//! The always-visible connection indicator.

use super::state::use_app;
use crate::net::ConnState;
use leptos::prelude::*;

#[component]
pub fn ConnectionStatus() -> impl IntoView {
    let ctx = use_app();
    let syncing = Memo::new(move |_| ctx.chat.with(|s| s.syncing));
    let text = move || match ctx.conn.get() {
        ConnState::Online if syncing.get() => "Updating…".to_string(),
        ConnState::Online => "Online".to_string(),
        ConnState::Connecting => "Connecting…".to_string(),
        ConnState::Offline {
            retry_in_ms: Some(ms),
        } => {
            format!("Offline, retrying in {}s", ms.div_ceil(1000))
        }
        ConnState::Offline { retry_in_ms: None } => "Offline".to_string(),
    };
    let class = move || match ctx.conn.get() {
        ConnState::Online => "conn online",
        ConnState::Connecting => "conn connecting",
        ConnState::Offline { .. } => "conn offline",
    };
    view! {
        <span role="status" aria-label="Connection" aria-live="polite" class=class>
            <span class="dot" aria-hidden="true"></span>
            <span class="conn-text">{text}</span>
        </span>
    }
}
