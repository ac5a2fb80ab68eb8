//! "Settings": the privacy choices for receipts and read markers.

use super::state::use_app;
use crate::chat::reducer::{Input, Privacy};
use leptos::prelude::*;

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
        <Show when=move || open.get()>
            <div class="backdrop" on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
                <div role="dialog" aria-modal="true" aria-label="Settings" class="card dialog">
                    <h2>"Settings"</h2>
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
                    <div class="actions">
                        <button type="button" class="primary" on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
