//! Pictures on a detached canvas: decoding an image file upright, scaling a
//! part of it, encoding the result. Shared by the avatar picker
//! (`ui/avatar.rs`) and the thumbnails of [`super::describe`].

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap};

/// Decodes an image file into a bitmap turned upright: a phone photo stored
/// sideways with an EXIF orientation comes out as it is displayed, so its
/// width and height are the ones people see (`imageOrientation:
/// "from-image"`, spelled out because older browsers defaulted to
/// ignoring EXIF). Rejects what the browser cannot decode.
pub async fn decode(blob: &Blob) -> Result<ImageBitmap, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_image_orientation(web_sys::ImageOrientation::FromImage);
    let promise = window.create_image_bitmap_with_blob_and_image_bitmap_options(blob, &options)?;
    JsFuture::from(promise).await?.dyn_into()
}

/// A new detached `width`×`height` canvas showing the region (`sx`, `sy`,
/// `sw`, `sh`) of `bitmap` scaled to fill it. `backdrop` (a CSS colour) is
/// painted first: JPEG has no transparency, and transparent pixels would
/// otherwise turn black.
pub fn draw(
    bitmap: &ImageBitmap,
    (sx, sy, sw, sh): (u32, u32, u32, u32),
    width: u32,
    height: u32,
    backdrop: Option<&str>,
) -> Result<HtmlCanvasElement, JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2D canvas"))?
        .dyn_into()?;
    if let Some(colour) = backdrop {
        context.set_fill_style_str(colour);
        context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    }
    context.draw_image_with_image_bitmap_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
        bitmap,
        f64::from(sx),
        f64::from(sy),
        f64::from(sw),
        f64::from(sh),
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    )?;
    Ok(canvas)
}

/// The canvas as a `data:` URI of type `mime` (`quality` from 0 to 1 for
/// lossy types). A browser that cannot encode `mime` gives PNG instead:
/// callers check the prefix when the type matters.
pub fn data_url(
    canvas: &HtmlCanvasElement,
    mime: &str,
    quality: Option<f64>,
) -> Result<String, JsValue> {
    match quality {
        Some(q) => canvas.to_data_url_with_type_and_encoder_options(mime, &JsValue::from_f64(q)),
        None => canvas.to_data_url_with_type(mime),
    }
}
