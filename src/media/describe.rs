//! What a file about to be sent is: the facts a rich message carries
//! (XEP-0446-style name, type, size, dimensions, duration) and a tiny
//! preview the receiving side shows blurred until the real image arrives.

use super::canvas;
use super::wait::{within, Events};
use super::{js_text, MediaError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, HtmlMediaElement, ImageBitmap};

/// Decoding a large photo takes a few seconds on a slow phone; a decoder
/// silent for longer than this is stuck.
const DECODE_MS: u32 = 15_000;
/// Media elements read the container header in well under a second when
/// the file is fine; some broken files never fire `loadedmetadata` nor
/// `error`.
const METADATA_MS: u32 = 10_000;
/// Finding the end of a recording without a duration header, or seeking to
/// the frame a video thumbnail shows.
const SEEK_MS: u32 = 5_000;
/// Longest side of the preview, in pixels: enough for a blurred
/// placeholder with the right colours and shape.
const THUMBNAIL_SIDE: u32 = 32;
/// Largest preview `data:` URI, in bytes: it travels inside the message
/// stanza, which servers limit in size.
pub const THUMBNAIL_MAX_BYTES: usize = 2048;
/// Where in a video its preview frame is taken (seconds), unless the video
/// is shorter: the very first frame is often black.
const VIDEO_FRAME_S: f64 = 0.5;

/// What [`describe`] found out about a file. `width`/`height` are as
/// displayed (a sideways-stored phone photo is reported upright).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileInfo {
    pub name: String,
    /// The blob's type, else guessed from the name.
    pub mime: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// `None` when unknown: not a media file, unreadable, or a recording
    /// whose length the browser cannot find.
    pub duration_ms: Option<u64>,
    /// A `data:image/jpeg;base64,…` URI of at most
    /// [`THUMBNAIL_MAX_BYTES`], longest side about 32 px.
    pub thumbnail: Option<String>,
}

/// Describes `blob`, to be sent under `name`: for images their dimensions
/// and a preview; for videos dimensions, duration and a preview of an
/// early frame; for audio the duration; for anything else name, type and
/// size only.
///
/// A media file the browser cannot read (damaged, or a format it cannot
/// decode, such as HEIC in Chromium) still gets a `FileInfo` with what is
/// known: it can be sent as a plain file, and the recipient's browser may
/// well show it. Every step is bounded in time, so this always finishes.
/// The only error is a page without a window or document.
pub async fn describe(blob: &Blob, name: &str) -> Result<FileInfo, MediaError> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| MediaError::Browser("no document".into()))?;
    let mime = match blob.type_() {
        t if t.is_empty() => crate::xmpp::guess_mime(name).to_owned(),
        t => t,
    };
    let mut info = FileInfo {
        name: name.to_owned(),
        size: blob.size() as u64,
        ..FileInfo::default()
    };
    let kind = mime
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    info.mime = mime;
    match kind.as_str() {
        "image" => describe_image(blob, &mut info).await,
        "video" => {
            if let Ok(video) = document.create_element("video") {
                describe_media(blob, video.unchecked_ref(), &mut info).await;
            }
        }
        "audio" => {
            if let Ok(audio) = document.create_element("audio") {
                describe_media(blob, audio.unchecked_ref(), &mut info).await;
            }
        }
        _ => {}
    }
    Ok(info)
}

async fn describe_image(blob: &Blob, info: &mut FileInfo) {
    let Some(Ok(bitmap)) = within(DECODE_MS, canvas::decode(blob)).await else {
        return;
    };
    if bitmap.width() > 0 && bitmap.height() > 0 {
        info.width = Some(bitmap.width());
        info.height = Some(bitmap.height());
        info.thumbnail = thumbnail(&bitmap).await;
    }
    bitmap.close();
}

/// Reads a video's or an audio file's header with a detached media element
/// (never attached to the page, nothing plays), then its duration and, for
/// a video, a preview frame. The object URL is revoked and the element
/// emptied afterwards, so the browser frees the decoder and the file.
async fn describe_media(blob: &Blob, element: &HtmlMediaElement, info: &mut FileInfo) {
    let Ok(url) = ObjectUrl::new(blob) else {
        return;
    };
    element.set_muted(true);
    element.set_preload("metadata");
    let mut events = Events::new(element, &["loadedmetadata", "error"]);
    element.set_src(&url.0);
    if events.next(METADATA_MS).await == Some("loadedmetadata") {
        drop(events);
        info.duration_ms = duration_ms(element).await;
        if let Some(video) = element.dyn_ref::<web_sys::HtmlVideoElement>() {
            let (w, h) = (video.video_width(), video.video_height());
            // An audio-only file in a video container has no picture.
            if w > 0 && h > 0 {
                info.width = Some(w);
                info.height = Some(h);
                info.thumbnail = video_thumbnail(video, info.duration_ms).await;
            }
        }
    }
    let _ = element.remove_attribute("src");
    element.load();
}

/// The element's duration in milliseconds. Recordings made by
/// MediaRecorder (WebM) have no duration in their header and report
/// `Infinity`: seeking far past the end makes the browser scan to the real
/// end, after which the duration is known. If that does not work in time
/// the answer is `None`: an unknown length rather than a made-up one.
async fn duration_ms(element: &HtmlMediaElement) -> Option<u64> {
    let known = |d: f64| (d.is_finite() && d >= 0.0).then(|| (d * 1000.0).round() as u64);
    let duration = element.duration();
    if duration != f64::INFINITY {
        // Finite, or NaN: no media data at all.
        return known(duration);
    }
    let mut events = Events::new(element, &["durationchange", "seeked", "error"]);
    element.set_current_time(1e101);
    let found = within(SEEK_MS, async {
        loop {
            match events.next(SEEK_MS).await {
                Some("error") | None => return None,
                Some(_) => {
                    if let Some(ms) = known(element.duration()) {
                        return Some(ms);
                    }
                }
            }
        }
    })
    .await
    .flatten();
    drop(events);
    element.set_current_time(0.0);
    found
}

/// A preview of an early frame of a video whose metadata is loaded: seek,
/// wait for the frame, copy it into a bitmap.
async fn video_thumbnail(
    video: &web_sys::HtmlVideoElement,
    duration_ms: Option<u64>,
) -> Option<String> {
    let at = match duration_ms {
        Some(ms) => VIDEO_FRAME_S.min(ms as f64 / 2000.0),
        None => 0.0,
    };
    let mut events = Events::new(video, &["seeked", "error"]);
    video.set_current_time(at);
    if events.next(SEEK_MS).await != Some("seeked") {
        return None;
    }
    drop(events);
    let window = web_sys::window()?;
    let promise = window
        .create_image_bitmap_with_html_video_element(video)
        .ok()?;
    let bitmap: ImageBitmap = within(DECODE_MS, JsFuture::from(promise))
        .await?
        .ok()?
        .dyn_into()
        .ok()?;
    let preview = thumbnail(&bitmap).await;
    bitmap.close();
    preview
}

/// A JPEG `data:` URI of `bitmap` with its longest side [`THUMBNAIL_SIDE`]
/// (never enlarged), at most [`THUMBNAIL_MAX_BYTES`]: if a busy picture
/// comes out larger, it is encoded again smaller and at a lower quality.
async fn thumbnail(bitmap: &ImageBitmap) -> Option<String> {
    for (side, quality) in [(THUMBNAIL_SIDE, 0.5), (24, 0.4), (16, 0.3)] {
        let (w, h) = fit(bitmap.width(), bitmap.height(), side);
        let small = within(DECODE_MS, shrink(bitmap, w, h)).await?.ok()?;
        let canvas = canvas::draw(&small, (0, 0, w, h), w, h, Some("#fff"));
        small.close();
        let url = canvas::data_url(&canvas.ok()?, "image/jpeg", Some(quality)).ok()?;
        if !url.starts_with("data:image/jpeg;base64,") {
            // This browser cannot encode JPEG: no preview rather than a
            // large PNG.
            return None;
        }
        if url.len() <= THUMBNAIL_MAX_BYTES {
            return Some(url);
        }
    }
    None
}

/// `bitmap` scaled to `w`×`h` by the browser's resampler: drawing a
/// 4000 px photo straight onto a 32 px canvas would sample a few pixels
/// and give a noisy preview.
async fn shrink(bitmap: &ImageBitmap, w: u32, h: u32) -> Result<ImageBitmap, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_resize_width(w);
    options.set_resize_height(h);
    options.set_resize_quality(web_sys::ResizeQuality::High);
    let promise =
        window.create_image_bitmap_with_image_bitmap_and_image_bitmap_options(bitmap, &options)?;
    JsFuture::from(promise).await?.dyn_into()
}

/// `width`×`height` scaled so the longest side is at most `side`, keeping
/// the aspect ratio; neither side below 1.
fn fit(width: u32, height: u32, side: u32) -> (u32, u32) {
    let longest = width.max(height).max(1);
    if longest <= side {
        return (width.max(1), height.max(1));
    }
    let scale = |n: u32| {
        ((u64::from(n) * u64::from(side) + u64::from(longest) / 2) / u64::from(longest)).max(1)
            as u32
    };
    (scale(width), scale(height))
}

/// An object URL for a blob, revoked when dropped.
struct ObjectUrl(String);

impl ObjectUrl {
    fn new(blob: &Blob) -> Result<ObjectUrl, MediaError> {
        web_sys::Url::create_object_url_with_blob(blob)
            .map(ObjectUrl)
            .map_err(|e| MediaError::Browser(js_text(&e)))
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}
