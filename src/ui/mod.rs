//! Leptos components, one per file. Components only wire signals; domain
//! logic lives in `chat/`, protocol in `xmpp/`, IO in `net/` and `store/`.

mod action_queue;
mod app;
mod attach;
mod avatar;
mod chat_list;
mod composer;
mod connection_status;
mod conversation;
mod emoji;
pub mod error;
mod group_settings;
mod groups;
mod links;
mod message_actions;
mod message_view;
mod modal;
mod new_chat;
mod presence;
mod register;
mod requests;
mod settings;
mod sign_in;
pub mod state;
mod time;
mod uploads;

/// Mounts the app. A panic shows a message instead of a blank page.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_fatal_error();
    }));
    leptos::mount::mount_to_body(app::App);
}

fn show_fatal_error() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if document.get_element_by_id("fatal").is_some() {
        return;
    }
    if let Ok(el) = document.create_element("div") {
        el.set_id("fatal");
        let _ = el.set_attribute("role", "alert");
        el.set_text_content(Some(
            "Confab hit an internal error and stopped. Reload the page; your messages are safe in this browser.",
        ));
        let _ = body.append_child(&el);
    }
}
