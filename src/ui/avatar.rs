//! Avatars: a person's picture where we have it (cached by hash in the
//! store, shown through an object URL), else their initial on a colour
//! derived from their address; and turning a chosen file into a small
//! square picture to publish.

use super::state::use_app;
use crate::chat::AvatarImage;
use crate::media::{canvas, js_text};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Side of the published square picture, in pixels: sharp at the largest
/// size we show (the header, 2× displays) and a few kilobytes as PNG.
const SIDE: u32 = 192;
/// Larger PNGs are re-encoded as JPEG (photos compress badly as PNG).
const PNG_LIMIT: usize = 48 * 1024;
/// Files larger than this are refused before decoding.
pub const MAX_FILE_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

/// An object URL for image bytes.
pub fn object_url(mime: &str, data: &[u8]) -> Result<String, String> {
    let bytes = js_sys::Uint8Array::from(data);
    let parts = js_sys::Array::of1(&bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| js_text(&e))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| js_text(&e))
}

/// One of eight hues, the same for an address everywhere.
fn hue(jid: &str) -> u32 {
    let sum = jid
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    (sum % 8) * 45
}

/// The picture of `jid`, or its initial. Decorative (`aria-hidden`) unless
/// `label` is given, because the name is always next to it; the header and
/// contact details label it ("Avatar of …") so tests and screen readers can
/// tell a picture is there.
#[component]
pub fn Avatar(
    #[prop(into)] jid: Signal<String>,
    #[prop(optional, into)] label: Option<Signal<String>>,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let ctx = use_app();
    let hash = Memo::new(move |_| {
        ctx.chat
            .with(|s| s.avatar_of(&jid.get()).map(str::to_owned))
    });
    let url = Memo::new(move |_| {
        let hash = hash.get()?;
        let url = ctx.avatars.with(|a| a.get(&hash).cloned());
        if url.is_none() {
            ctx.controller().want_avatar(&hash);
        }
        url
    });
    let initial = move || {
        ctx.chat
            .with(|s| s.display_name(&jid.get()))
            .chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default()
    };
    let style = move || format!("--avatar-hue: {}", hue(&jid.get()));
    let class = if large { "avatar large" } else { "avatar" };
    let label = move || label.map(|l| l.get());
    let hidden = move || label().is_none().then_some("true");
    let role = move || label().is_some().then_some("img");
    view! {
        <span class=class style=style role=role aria-label=label aria-hidden=hidden
            data-avatar=move || hash.get().unwrap_or_default()>
            {move || match url.get() {
                Some(src) => view! { <img src=src alt="" draggable="false"/> }.into_any(),
                None => view! { <span class="initial">{initial}</span> }.into_any(),
            }}
        </span>
    }
}

/// A chosen image file as a centred square [`SIDE`]×[`SIDE`] picture
/// (PNG, or JPEG when the PNG would be large), with its hash; a sentence
/// for the user when the file cannot be used.
pub async fn prepare(file: web_sys::File) -> Result<(AvatarImage, u16, u16), String> {
    if file.size() > MAX_FILE_BYTES {
        return Err("That image is too large (20 MB at most).".into());
    }
    let not_image = || "That file is not an image this browser can read.".to_owned();
    let bitmap = canvas::decode(&file).await.map_err(|_| not_image())?;
    let (w, h) = (bitmap.width(), bitmap.height());
    if w == 0 || h == 0 {
        return Err(not_image());
    }
    let side = w.min(h);
    let (sx, sy) = ((w - side) / 2, (h - side) / 2);
    let out = SIDE.min(side);
    let canvas = canvas::draw(&bitmap, (sx, sy, side, side), out, out, None);
    bitmap.close();
    let canvas = canvas.map_err(|e| js_text(&e))?;
    let mut image = encode(&canvas, "image/png", None)?;
    if image.data.len() > PNG_LIMIT {
        image = encode(&canvas, "image/jpeg", Some(0.85))?;
    }
    let side = u16::try_from(out).unwrap_or(u16::MAX);
    Ok((image, side, side))
}

fn encode(
    canvas: &web_sys::HtmlCanvasElement,
    mime: &str,
    quality: Option<f64>,
) -> Result<AvatarImage, String> {
    let url = canvas::data_url(canvas, mime, quality).map_err(|e| js_text(&e))?;
    let (_, b64) = url
        .split_once(";base64,")
        .ok_or("the browser could not encode the picture")?;
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| e.to_string())?;
    Ok(AvatarImage {
        hash: crate::xmpp::sha1_hex(&data),
        mime: mime.to_owned(),
        data,
    })
}

/// A "choose a photo" control: a labelled file input that turns the chosen
/// file into a square picture ([`prepare`]) and hands it to `on_pick`, or
/// puts the reason it cannot be used into `error`.
#[component]
pub fn PhotoPicker(
    label: &'static str,
    on_pick: Callback<(AvatarImage, u16, u16)>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let choose = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // The same file chosen again must fire `change` again.
        input.set_value("");
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match prepare(file).await {
                Ok(picked) => on_pick.run(picked),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <label class="button quiet file-button" aria-busy=move || busy.get().to_string()>
            {label}
            <input type="file" accept="image/*" on:change=choose/>
        </label>
    }
}
