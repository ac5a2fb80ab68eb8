//! The browser media helpers (`confab::media`) in headless Chromium: file
//! descriptions of images, sound and video made in the test, a voice note
//! from Chromium's fake microphone (`--use-fake-device-for-media-stream`
//! and `--use-fake-ui-for-media-stream` in webdriver.json), and files the
//! browser cannot read.
//!
//! Run: `cargo test --target wasm32-unknown-unknown --test media_web`.

#![cfg(target_arch = "wasm32")]

use base64::Engine;
use confab::media::{describe, FileInfo, VoiceRecorder};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

const THUMBNAIL_PREFIX: &str = "data:image/jpeg;base64,";

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn now_ms() -> f64 {
    window().performance().unwrap().now()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

fn blob(bytes: &[u8], mime: &str) -> Blob {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_u8_array_sequence_and_options(&parts, &options).unwrap()
}

/// A `width`×`height` canvas painted in four coloured quarters.
fn painted_canvas(width: u32, height: u32) -> (HtmlCanvasElement, CanvasRenderingContext2d) {
    let canvas: HtmlCanvasElement = window()
        .document()
        .unwrap()
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let (w, h) = (f64::from(width) / 2.0, f64::from(height) / 2.0);
    for (i, colour) in ["#c33", "#3c3", "#33c", "#cc3"].iter().enumerate() {
        context.set_fill_style_str(colour);
        context.fill_rect((i % 2) as f64 * w, (i / 2) as f64 * h, w, h);
    }
    (canvas, context)
}

/// The bytes of a `data:…;base64,` URI.
fn data_url_bytes(url: &str) -> Vec<u8> {
    let (_, b64) = url.split_once(";base64,").unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap()
}

/// An image file of `mime` as the browser encodes the canvas.
fn image_bytes(width: u32, height: u32, mime: &str) -> Vec<u8> {
    let (canvas, _) = painted_canvas(width, height);
    let url = canvas.to_data_url_with_type(mime).unwrap();
    assert!(
        url.starts_with(&format!("data:{mime};")),
        "{mime} not encoded"
    );
    data_url_bytes(&url)
}

/// A JPEG with an EXIF APP1 segment saying "orientation 6" (stored
/// sideways: shown turned 90° clockwise) inserted right after SOI.
fn with_exif_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let mut app1 = vec![0xFF, 0xE1, 0x00, 0x22];
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(b"MM\0\x2A\0\0\0\x08"); // big-endian TIFF, IFD0 at 8
    app1.extend_from_slice(&[0x00, 0x01]); // one entry
    app1.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01]); // Orientation, SHORT, 1
    app1.extend_from_slice(&[0x00, 0x06, 0x00, 0x00]); // value 6
    app1.extend_from_slice(&[0x00, 0x00, 0x00, 0x00]); // no next IFD
    assert_eq!(app1.len(), 2 + 0x22);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A mono 16-bit PCM WAV file of `ms` milliseconds at 8 kHz (a 440 Hz tone).
fn wav(ms: u32) -> Vec<u8> {
    const RATE: u32 = 8_000;
    let samples = RATE * ms / 1000;
    let data_len = samples * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        let t = f64::from(i) / f64::from(RATE);
        let v = (t * 440.0 * std::f64::consts::TAU).sin() * 8000.0;
        out.extend_from_slice(&(v as i16).to_le_bytes());
    }
    out
}

/// Checks that a preview is a small JPEG `data:` URI and returns its size
/// as the browser decodes it.
async fn check_thumbnail(info: &FileInfo) -> (u32, u32) {
    let thumbnail = info.thumbnail.as_deref().expect("a thumbnail");
    assert!(thumbnail.starts_with(THUMBNAIL_PREFIX), "{thumbnail}");
    assert!(
        thumbnail.len() <= 2048,
        "thumbnail of {} bytes",
        thumbnail.len()
    );
    let jpeg = data_url_bytes(thumbnail);
    let preview = describe(&blob(&jpeg, "image/jpeg"), "preview.jpg")
        .await
        .unwrap();
    (preview.width.unwrap(), preview.height.unwrap())
}

#[wasm_bindgen_test]
async fn describes_a_png() {
    let png = image_bytes(300, 200, "image/png");
    let info = describe(&blob(&png, "image/png"), "drawing.png")
        .await
        .unwrap();
    assert_eq!(info.name, "drawing.png");
    assert_eq!(info.mime, "image/png");
    assert_eq!(info.size, png.len() as u64);
    assert_eq!((info.width, info.height), (Some(300), Some(200)));
    assert_eq!(info.duration_ms, None);
    // Longest side 32, aspect kept: 300×200 → 32×21.
    assert_eq!(check_thumbnail(&info).await, (32, 21));
}

#[wasm_bindgen_test]
async fn describes_a_jpeg() {
    let jpeg = image_bytes(120, 400, "image/jpeg");
    let info = describe(&blob(&jpeg, "image/jpeg"), "tall.jpg")
        .await
        .unwrap();
    assert_eq!(info.mime, "image/jpeg");
    assert_eq!(info.size, jpeg.len() as u64);
    assert_eq!((info.width, info.height), (Some(120), Some(400)));
    assert_eq!(info.duration_ms, None);
    assert_eq!(check_thumbnail(&info).await, (10, 32));
}

#[wasm_bindgen_test]
async fn a_sideways_phone_photo_is_described_upright() {
    let jpeg = with_exif_orientation_6(&image_bytes(300, 200, "image/jpeg"));
    let info = describe(&blob(&jpeg, "image/jpeg"), "IMG_0001.jpg")
        .await
        .unwrap();
    assert_eq!((info.width, info.height), (Some(200), Some(300)));
    assert_eq!(check_thumbnail(&info).await, (21, 32));
}

#[wasm_bindgen_test]
async fn a_blob_without_a_type_gets_one_from_its_name() {
    let png = image_bytes(40, 30, "image/png");
    let info = describe(&blob(&png, ""), "small.PNG").await.unwrap();
    assert_eq!(info.mime, "image/png");
    // Smaller than a preview: never enlarged.
    assert_eq!((info.width, info.height), (Some(40), Some(30)));
    assert_eq!(check_thumbnail(&info).await, (32, 24));
}

#[wasm_bindgen_test]
async fn describes_a_wav_duration() {
    let bytes = wav(1500);
    let info = describe(&blob(&bytes, "audio/wav"), "tone.wav")
        .await
        .unwrap();
    assert_eq!(info.mime, "audio/wav");
    assert_eq!(info.size, bytes.len() as u64);
    let ms = info.duration_ms.expect("a duration");
    assert!(ms.abs_diff(1500) <= 5, "duration {ms} ms");
    assert_eq!(
        (info.width, info.height, info.thumbnail),
        (None, None, None)
    );
}

#[wasm_bindgen_test]
async fn other_files_get_only_name_type_and_size() {
    let info = describe(&blob(b"hello", "text/plain"), "notes.txt")
        .await
        .unwrap();
    assert_eq!(
        info,
        FileInfo {
            name: "notes.txt".into(),
            mime: "text/plain".into(),
            size: 5,
            ..FileInfo::default()
        }
    );
    let info = describe(&blob(&[1, 2, 3], ""), "data").await.unwrap();
    assert_eq!(info.mime, "application/octet-stream");
    assert_eq!(info.size, 3);
}

#[wasm_bindgen_test]
async fn broken_media_files_are_described_without_media_facts() {
    let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    for (mime, name) in [
        ("image/jpeg", "broken.jpg"),
        ("image/png", "broken.png"),
        ("video/mp4", "broken.mp4"),
        ("audio/ogg", "broken.ogg"),
    ] {
        let started = now_ms();
        let info = describe(&blob(&junk, mime), name).await.unwrap();
        // Decoders reject junk at once: no waiting for a time-out.
        assert!(now_ms() - started < 3000.0, "{name} took long");
        assert_eq!(
            info,
            FileInfo {
                name: name.into(),
                mime: mime.into(),
                size: junk.len() as u64,
                ..FileInfo::default()
            }
        );
    }
}

/// A few hundred milliseconds of the canvas as a WebM video made by
/// MediaRecorder, which (like a voice note) has no duration in its header.
async fn recorded_video(width: u32, height: u32, ms: i32) -> Blob {
    let (canvas, context) = painted_canvas(width, height);
    let stream = canvas.capture_stream().unwrap();
    let options = web_sys::MediaRecorderOptions::new();
    options.set_mime_type("video/webm");
    let recorder =
        web_sys::MediaRecorder::new_with_media_stream_and_media_recorder_options(&stream, &options)
            .unwrap();
    let chunks = js_sys::Array::new();
    let on_data = {
        let chunks = chunks.clone();
        Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |e: web_sys::BlobEvent| {
            if let Some(data) = e.data() {
                chunks.push(&data);
            }
        })
    };
    recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
    let mut frame = 0u32;
    let draw = Closure::<dyn FnMut()>::new(move || {
        frame += 1;
        let colour = if frame.is_multiple_of(2) {
            "#fff"
        } else {
            "#000"
        };
        context.set_fill_style_str(colour);
        context.fill_rect(0.0, 0.0, 10.0, 10.0);
    });
    let interval = window()
        .set_interval_with_callback_and_timeout_and_arguments_0(draw.as_ref().unchecked_ref(), 30)
        .unwrap();
    recorder.start().unwrap();
    sleep(ms).await;
    let stopped = js_sys::Promise::new(&mut |resolve, _| {
        recorder.set_onstop(Some(&resolve));
    });
    recorder.stop().unwrap();
    JsFuture::from(stopped).await.unwrap();
    window().clear_interval_with_handle(interval);
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<web_sys::MediaStreamTrack>().stop();
    }
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("video/webm");
    Blob::new_with_blob_sequence_and_options(&chunks, &options).unwrap()
}

#[wasm_bindgen_test]
async fn describes_a_recorded_video() {
    let video = recorded_video(160, 120, 800).await;
    let info = describe(&video, "clip.webm").await.unwrap();
    assert_eq!(info.mime, "video/webm");
    assert_eq!((info.width, info.height), (Some(160), Some(120)));
    let ms = info
        .duration_ms
        .expect("the duration, found past the header");
    assert!((500..=1100).contains(&ms), "duration {ms} ms");
    assert_eq!(check_thumbnail(&info).await, (32, 24));
}

/// Every track of the stream has ended: the microphone is released.
fn assert_all_ended(stream: &web_sys::MediaStream) {
    let tracks = stream.get_tracks();
    assert!(tracks.length() > 0);
    for track in tracks.iter() {
        let state = js_sys::Reflect::get(&track, &JsValue::from_str("readyState")).unwrap();
        assert_eq!(state.as_string().as_deref(), Some("ended"));
    }
}

#[wasm_bindgen_test]
async fn records_a_voice_note_from_the_microphone() {
    let recorder = VoiceRecorder::start().await.unwrap();
    let started = now_ms();
    // `Clone::clone`: `MediaStream::clone` is the JS method, which makes new tracks.
    let stream = Clone::clone(recorder.stream());
    assert!(stream.active());
    sleep(1000).await;
    // The recorder's clock against the test's, whatever the machine's load.
    let within = |ms: u64| ms >= 990 && ms as f64 <= now_ms() - started + 20.0;
    let elapsed = recorder.elapsed_ms();
    assert!(within(elapsed), "elapsed {elapsed} ms");
    let recording = recorder.stop().await.unwrap();
    assert!(recording.blob.size() > 0.0);
    assert!(
        confab::media::recorder::FORMATS
            .iter()
            .any(|f| recording.mime.starts_with(f.split(';').next().unwrap())),
        "{}",
        recording.mime
    );
    assert_eq!(recording.blob.type_(), recording.mime);
    let ms = recording.duration_ms;
    assert!(within(ms), "duration {ms} ms");
    // The microphone is released: the browser's indicator goes off.
    assert_all_ended(&stream);

    // The file plays about as long as it was recorded (WebM from
    // MediaRecorder has no duration header: `describe` finds the end).
    let info = describe(&recording.blob, "voice.webm").await.unwrap();
    assert_eq!(info.mime, recording.mime);
    let played = info
        .duration_ms
        .expect("the duration, found past the header");
    assert!(played.abs_diff(ms) <= 300, "plays {played} ms of {ms} ms");
}

#[wasm_bindgen_test]
async fn a_cancelled_voice_note_releases_the_microphone() {
    let recorder = VoiceRecorder::start().await.unwrap();
    // `Clone::clone`: `MediaStream::clone` is the JS method, which makes new tracks.
    let stream = Clone::clone(recorder.stream());
    sleep(200).await;
    recorder.cancel();
    assert_all_ended(&stream);
    // The microphone can be taken again at once.
    let again = VoiceRecorder::start().await.unwrap();
    sleep(300).await;
    assert!(again.stop().await.unwrap().blob.size() > 0.0);
}
