//! Voice notes: record the microphone with MediaRecorder, in the first
//! format this browser can write that other clients can play.

use super::wait::Events;
use super::{js_error_name, js_text, monotonic_ms, MediaError};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobEvent, MediaRecorder, MediaStream, RecordingState};

/// Recording formats in order of preference: Ogg/Opus plays everywhere
/// (Firefox records it); WebM/Opus is what Chromium records; MP4 (AAC) is
/// Safari's.
pub const FORMATS: [&str; 3] = [
    "audio/ogg;codecs=opus",
    "audio/webm;codecs=opus",
    "audio/mp4",
];

/// MediaRecorder delivers the last chunk and `stop` right after `stop()`;
/// a recorder silent for longer than this is broken.
const STOP_MS: u32 = 5_000;

/// A finished voice note.
#[derive(Clone, Debug)]
pub struct Recording {
    pub blob: Blob,
    /// The type the recorder wrote, e.g. `audio/webm;codecs=opus`; also the
    /// blob's type.
    pub mime: String,
    /// Wall-clock recording time: WebM files from MediaRecorder carry no
    /// duration, so this is the only length known before sending.
    pub duration_ms: u64,
}

/// A recording in progress. Dropping it is [`VoiceRecorder::cancel`]: the
/// microphone is released and the audio discarded.
pub struct VoiceRecorder {
    stream: MediaStream,
    recorder: MediaRecorder,
    mime: String,
    started_ms: f64,
    chunks: Rc<RefCell<Vec<Blob>>>,
    failure: Rc<RefCell<Option<String>>>,
    _on_data: Closure<dyn FnMut(BlobEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl VoiceRecorder {
    /// Asks for the microphone (the browser's permission prompt the first
    /// time) and starts recording. Not bounded in time: the user may take
    /// as long as they like to answer the prompt, and the UI can drop the
    /// future to give up.
    pub async fn start() -> Result<VoiceRecorder, MediaError> {
        let window = web_sys::window().ok_or(MediaError::Unsupported)?;
        if !window.is_secure_context() {
            return Err(MediaError::InsecurePage);
        }
        let has_recorder =
            js_sys::Reflect::has(&window, &JsValue::from_str("MediaRecorder")).unwrap_or(false);
        let devices = window.navigator().media_devices().ok();
        let devices = devices
            .filter(|d| !JsValue::is_undefined(d))
            .filter(|_| has_recorder)
            .ok_or(MediaError::Unsupported)?;
        // Before the prompt: do not ask for a microphone we cannot use.
        let mime = FORMATS
            .into_iter()
            .find(|f| MediaRecorder::is_type_supported(f))
            .ok_or(MediaError::Unsupported)?;

        let constraints = web_sys::MediaStreamConstraints::new();
        constraints.set_audio(&JsValue::TRUE);
        constraints.set_video(&JsValue::FALSE);
        let promise = devices
            .get_user_media_with_constraints(&constraints)
            .map_err(|e| microphone_error(&e))?;
        let stream: MediaStream = JsFuture::from(promise)
            .await
            .map_err(|e| microphone_error(&e))?
            .dyn_into()
            .map_err(|e| MediaError::Browser(js_text(&e)))?;

        let options = web_sys::MediaRecorderOptions::new();
        options.set_mime_type(mime);
        let recorder = match MediaRecorder::new_with_media_stream_and_media_recorder_options(
            &stream, &options,
        ) {
            Ok(recorder) => recorder,
            Err(e) => {
                stop_tracks(&stream);
                return Err(MediaError::Recording(js_text(&e)));
            }
        };
        let chunks = Rc::new(RefCell::new(Vec::new()));
        let on_data = {
            let chunks = chunks.clone();
            Closure::<dyn FnMut(BlobEvent)>::new(move |e: BlobEvent| {
                if let Some(data) = e.data().filter(|d| d.size() > 0.0) {
                    chunks.borrow_mut().push(data);
                }
            })
        };
        let failure = Rc::new(RefCell::new(None));
        let on_error = {
            let failure = failure.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let text = js_sys::Reflect::get(&e, &JsValue::from_str("error"))
                    .map(|e| js_text(&e))
                    .unwrap_or_else(|_| "the recorder stopped".into());
                failure.borrow_mut().get_or_insert(text);
            })
        };
        recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
        recorder.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let recording = VoiceRecorder {
            mime: match recorder.mime_type() {
                m if m.is_empty() => mime.to_owned(),
                m => m,
            },
            stream,
            recorder,
            started_ms: monotonic_ms(),
            chunks,
            failure,
            _on_data: on_data,
            _on_error: on_error,
        };
        // On failure `recording` is dropped, which releases the microphone.
        recording
            .recorder
            .start()
            .map_err(|e| MediaError::Recording(js_text(&e)))?;
        Ok(recording)
    }

    /// The microphone's stream, e.g. for a level meter while recording. It
    /// ends (`active` false) when the recording is stopped or cancelled.
    pub fn stream(&self) -> &MediaStream {
        &self.stream
    }

    /// The format being recorded.
    pub fn mime(&self) -> &str {
        &self.mime
    }

    /// Milliseconds since recording started, for the UI's timer.
    pub fn elapsed_ms(&self) -> u64 {
        (monotonic_ms() - self.started_ms).max(0.0).round() as u64
    }

    /// Ends the recording and returns it. The microphone is released (the
    /// browser's recording indicator goes off) whatever the outcome.
    pub async fn stop(self) -> Result<Recording, MediaError> {
        let duration_ms = self.elapsed_ms();
        // The recorder stops by itself when the microphone goes away
        // (unplugged); it has delivered its data and `stop` already then.
        if self.recorder.state() != RecordingState::Inactive {
            let mut stopped = Events::new(&self.recorder, &["stop"]);
            self.recorder
                .stop()
                .map_err(|e| MediaError::Recording(js_text(&e)))?;
            if stopped.next(STOP_MS).await.is_none() {
                return Err(MediaError::Recording(
                    "the browser did not finish the recording".into(),
                ));
            }
        }
        stop_tracks(&self.stream);
        if let Some(text) = self.failure.borrow().clone() {
            return Err(MediaError::Recording(text));
        }
        let parts: js_sys::Array = self.chunks.borrow().iter().collect();
        if parts.length() == 0 {
            return Err(MediaError::Recording("no audio was recorded".into()));
        }
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(&self.mime);
        let blob = Blob::new_with_blob_sequence_and_options(&parts, &options)
            .map_err(|e| MediaError::Browser(js_text(&e)))?;
        Ok(Recording {
            blob,
            mime: self.mime.clone(),
            duration_ms,
        })
    }

    /// Ends the recording and throws it away; releases the microphone.
    pub fn cancel(self) {
        drop(self);
    }
}

impl Drop for VoiceRecorder {
    fn drop(&mut self) {
        // Detach first: the browser must not call freed closures, and the
        // last chunk of a cancelled recording is not wanted.
        self.recorder.set_ondataavailable(None);
        self.recorder.set_onerror(None);
        if self.recorder.state() != RecordingState::Inactive {
            let _ = self.recorder.stop();
        }
        stop_tracks(&self.stream);
    }
}

/// Stops every track of the stream: only then does the browser release
/// the microphone and turn its recording indicator off.
fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// getUserMedia's DOMException as the sentence for the user.
fn microphone_error(e: &JsValue) -> MediaError {
    match js_error_name(e).as_str() {
        "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => {
            MediaError::PermissionDenied
        }
        "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => {
            MediaError::NoMicrophone
        }
        "NotReadableError" | "AbortError" | "TrackStartError" => MediaError::MicrophoneBusy,
        "NotSupportedError" | "TypeError" => MediaError::Unsupported,
        _ => MediaError::Browser(js_text(e)),
    }
}
