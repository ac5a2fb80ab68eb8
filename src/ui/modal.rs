//! A modal panel with a title, its content and "Close" (Escape closes it
//! too): Settings and Group settings. Forms with their own submit button
//! use `groups::Dialog`.

use leptos::prelude::*;

#[component]
pub fn Modal(title: &'static str, open: RwSignal<bool>, children: ChildrenFn) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <div class="backdrop" on:keydown=move |ev| if ev.key() == "Escape" { open.set(false) }>
                <div role="dialog" aria-modal="true" aria-label=title class="card dialog">
                    <h2>{title}</h2>
                    {children()}
                    <div class="actions">
                        <button type="button" class="primary" on:click=move |_| open.set(false)>"Close"</button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
