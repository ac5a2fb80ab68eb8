//! Reactions: the quick set under "React" and a picker that needs no
//! network (the emojis are in the bundle, drawn by the system font).

use leptos::prelude::*;

/// The quick set, as WhatsApp offers it.
pub const QUICK: [&str; 6] = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

/// The picker's groups: (name, emojis separated by spaces).
const GROUPS: [(&str, &str); 7] = [
    (
        "Smileys",
        "😀 😃 😄 😁 😆 😅 🤣 😂 🙂 🙃 😉 😊 😇 🥰 😍 🤩 😘 😗 😚 😙 😋 😛 😜 🤪 😝 🤑 🤗 🤭 🤫 🤔 🤐 🤨 😐 😑 😶 😏 😒 🙄 😬 😌 😔 😪 🤤 😴 😷 🤒 🤕 🤢 🤮 🥵 🥶 🥴 😵 🤯 🤠 🥳 😎 🤓 🧐 😕 😟 🙁 😮 😯 😲 😳 🥺 😦 😧 😨 😰 😥 😢 😭 😱 😖 😣 😞 😓 😩 😫 🥱 😤 😡 😠 🤬 😈 💀 💩 🤡 👻 👽 🤖",
    ),
    (
        "Gestures",
        "👍 👎 👌 🤌 ✌️ 🤞 🤟 🤘 🤙 👈 👉 👆 👇 ☝️ ✋ 🤚 🖐️ 🖖 👋 👏 🙌 👐 🤲 🤝 🙏 ✍️ 💪 🫶 🙈 🙉 🙊",
    ),
    (
        "Hearts",
        "❤️ 🧡 💛 💚 💙 💜 🖤 🤍 🤎 💔 ❣️ 💕 💞 💓 💗 💖 💘 💝 💯 💢 💥 💫 💦 💨 💬 💭 💤",
    ),
    (
        "Animals",
        "🐶 🐱 🐭 🐹 🐰 🦊 🐻 🐼 🐨 🐯 🦁 🐮 🐷 🐸 🐵 🐔 🐧 🐦 🐤 🦆 🦅 🦉 🐺 🐴 🦄 🐝 🐛 🦋 🐌 🐞 🐢 🐍 🐙 🐬 🐳 🐟 🌸 🌹 🌻 🌲 🌵 🍀 🍁 🌈 ☀️ 🌙 ⭐ 🔥 ❄️ 🌊",
    ),
    (
        "Food",
        "🍏 🍎 🍐 🍊 🍋 🍌 🍉 🍇 🍓 🍒 🍑 🥭 🍍 🥥 🥝 🍅 🥑 🥦 🌽 🥕 🥐 🍞 🧀 🥚 🍳 🥓 🍔 🍟 🍕 🌭 🥪 🌮 🍝 🍜 🍣 🍦 🍩 🍪 🎂 🍰 🍫 🍬 ☕ 🍵 🍺 🍻 🥂 🍷 🍸",
    ),
    (
        "Activities",
        "⚽ 🏀 🏈 ⚾ 🎾 🏐 🏓 🏸 🥊 🚴 🏊 🏄 ⛷️ 🏆 🥇 🎉 🎊 🎈 🎁 🎄 🎃 🎮 🎲 🎯 🎵 🎶 🎤 🎧 🎸 🎹 🎨 🎬 📷 ✈️ 🚗 🚲 🚀 🏠 🏖️ ⛰️",
    ),
    (
        "Symbols",
        "✅ ❌ ❓ ❗ ‼️ ⚠️ 🚫 ⭕ 🔴 🟢 🔵 ⚡ 🕐 ⏰ 📌 📎 🔒 🔑 💡 📅 📝 💰 🎓 🏳️ 🏁 ➕ ➖ ✔️ 🆗 🆒 🆕 🔝",
    ),
];

/// The picker: a group of buttons per category, each named by its emoji.
/// `chosen` gets the emoji clicked.
#[component]
pub fn EmojiPicker(#[prop(into)] chosen: Callback<String>) -> impl IntoView {
    let filter = RwSignal::new(0usize);
    view! {
        <div class="emoji-picker" role="group" aria-label="Emoji picker">
            <div role="tablist" aria-label="Emoji groups" class="emoji-tabs">
                {GROUPS.iter().enumerate().map(|(i, (name, list))| {
                    let first = list.split(' ').next().unwrap_or("");
                    view! {
                        <button type="button" role="tab" class="quiet" aria-label=*name title=*name
                            aria-selected=move || (filter.get() == i).to_string()
                            on:click=move |_| filter.set(i)>{first}</button>
                    }
                }).collect_view()}
            </div>
            <div class="emoji-grid" role="tabpanel"
                aria-label=move || GROUPS[filter.get()].0>
                {move || GROUPS[filter.get()].1.split(' ').map(|e| {
                    let emoji = e.to_owned();
                    view! {
                        <button type="button" class="quiet emoji" aria-label=format!("React with {e}")
                            on:click=move |_| chosen.run(emoji.clone())>{e}</button>
                    }
                }).collect_view()}
            </div>
        </div>
    }
}
