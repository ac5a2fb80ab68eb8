//! The shell's half of sending files (issue 5): keeps a picked file's bytes
//! in IndexedDB (pinned) under its message id before the message exists,
//! asks for an upload slot, PUTs the bytes with progress, and reports the
//! outcome to the reducer. It also starts again the uploads of the outbox
//! after a reload or a reconnection, and makes shared files available as
//! object URLs (from the cache, else fetched once).

use super::state::{AppCtx, Controller};
use crate::chat::reducer::Input;
use crate::chat::uploads::awaiting_upload;
use crate::chat::Attachment;
use crate::net::upload::{PutError, UploadHandle};
use crate::store::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Uploads this page runs now.
#[derive(Default)]
pub struct Uploads {
    /// PUTs in flight, by message id ("Cancel" aborts them).
    running: HashMap<String, UploadHandle>,
    /// Slots asked for and not answered yet.
    asked: HashSet<String>,
    /// Media keys being read or fetched for the view.
    loading: HashSet<String>,
}

/// Progress of a running upload: (bytes sent, total).
pub type Progress = HashMap<String, (u64, u64)>;

impl Controller {
    /// The user picked, dropped or pasted `files` in the open chat. Each is
    /// checked against the server's limit, described (dimensions, length,
    /// thumbnail), kept in the store, and added as a Pending message.
    pub fn attach(self: &Rc<Self>, files: Vec<web_sys::File>) {
        let me = self.clone();
        spawn_local(async move {
            for file in files {
                if let Err(text) = me.clone().attach_one(file, None).await {
                    me.notify(text);
                }
            }
        });
    }

    /// `duration_ms`: the length when the caller knows it better than the
    /// file says (a recording's webm has none).
    async fn attach_one(
        self: Rc<Self>,
        file: web_sys::File,
        duration_ms: Option<u64>,
    ) -> Result<(), String> {
        let ctx = self.ctx();
        let name = file.name();
        let size = file.size() as u64;
        let limit = ctx
            .chat
            .with_untracked(|s| s.upload_service.as_ref().map(|u| u.max_size));
        match limit {
            Some(Some(max)) if size > max => {
                return Err(format!(
                    "“{name}” is too large ({}): this server accepts files up to {}.",
                    crate::xmpp::format_size(size),
                    crate::xmpp::format_size(max)
                ))
            }
            None if self.is_online() => {
                return Err("This server does not accept files.".to_owned());
            }
            _ => {}
        }
        let blob: &web_sys::Blob = file.as_ref();
        let info = crate::media::describe(blob, &name)
            .await
            .map_err(|e| format!("“{name}” could not be read: {e}"))?;
        let id = crate::net::ids::random_id();
        let store = self.store_handle().ok_or("Not signed in.")?;
        store
            .put_file(&id, blob, true)
            .await
            .map_err(|e| format!("“{name}” could not be kept for sending: {e}"))?;
        self.show_media(&id, blob);
        self.dispatch(Input::Attach {
            id,
            attachment: Attachment {
                url: String::new(),
                name: info.name,
                mime: info.mime,
                size: info.size,
                width: info.width,
                height: info.height,
                duration_ms: info.duration_ms.or(duration_ms),
                thumbnail: info.thumbnail,
            },
        });
        Ok(())
    }

    /// A recorded voice message (or any ready blob) to send as a file.
    pub fn attach_blob(self: &Rc<Self>, blob: web_sys::Blob, name: String, duration_ms: u64) {
        let me = self.clone();
        spawn_local(async move {
            let mime = blob.type_();
            let init = web_sys::FilePropertyBag::new();
            init.set_type(&mime);
            let parts = js_sys::Array::of1(&blob);
            let Ok(file) = web_sys::File::new_with_blob_sequence_and_options(&parts, &name, &init)
            else {
                me.notify("The recording could not be sent.".to_owned());
                return;
            };
            if let Err(text) = me.clone().attach_one(file, Some(duration_ms)).await {
                me.notify(text);
            }
        });
    }

    /// `Command::RequestUploadSlot`: ask the server where to put the file.
    /// Without a session (or before the service is known) it waits: the
    /// outbox starts it again once the service is discovered.
    pub fn request_slot(self: &Rc<Self>, id: &str, name: &str, size: u64, mime: &str) {
        let Some(client) = self.client_handle() else {
            return;
        };
        if self.uploads.borrow().running.contains_key(id) {
            return;
        }
        match client.request_upload_slot(id, name, size, mime) {
            Ok(()) => {
                self.uploads.borrow_mut().asked.insert(id.to_owned());
            }
            Err(crate::xmpp::UploadError::NotConnected | crate::xmpp::UploadError::NoService)
                if self
                    .ctx()
                    .chat
                    .with_untracked(|s| s.upload_service.is_none()) => {}
            Err(e) => self.dispatch(Input::UploadFailed {
                id: id.to_owned(),
                error: e.to_string(),
            }),
        }
    }

    /// The server gave a slot for message `id`: PUT its bytes.
    pub fn on_slot(
        self: &Rc<Self>,
        id: String,
        put_url: String,
        get_url: String,
        headers: Vec<(String, String)>,
    ) {
        if !self.uploads.borrow_mut().asked.remove(&id) {
            return; // Cancelled (or deleted) while the server answered.
        }
        let me = self.clone();
        spawn_local(async move {
            let Some(store) = me.store_handle() else {
                return;
            };
            let blob = match store.file(&id).await {
                Ok(Some(blob)) => blob,
                _ => {
                    me.dispatch(Input::UploadFailed {
                        id,
                        error: "The file is no longer on this device.".to_owned(),
                    });
                    return;
                }
            };
            let ctx = me.ctx();
            let total = blob.size() as u64;
            ctx.uploads.update(|u| {
                u.insert(id.clone(), (0, total));
            });
            let progress_id = id.clone();
            let (handle, done) =
                crate::net::upload::put(&put_url, &headers, &blob, move |sent, total| {
                    ctx.uploads.update(|u| {
                        u.insert(progress_id.clone(), (sent, total));
                    });
                });
            me.uploads.borrow_mut().running.insert(id.clone(), handle);
            let result = done.await;
            ctx.uploads.update(|u| {
                u.remove(&id);
            });
            match result {
                Ok(()) => {
                    let message = store.message(&id).await;
                    // "Cancel" takes the upload out of `running`: a file
                    // that finished just before must not be sent after all.
                    if me.uploads.borrow_mut().running.remove(&id).is_none() {
                        return;
                    }
                    if let Ok(Some(message)) = message {
                        me.dispatch(Input::Uploaded {
                            message: Box::new(message),
                            url: get_url.clone(),
                        });
                    }
                    // The file stays on this device as a cached copy of
                    // the URL, so our own bubble shows it without a fetch.
                    let _ = store.unpin_file(&id, &get_url).await;
                }
                Err(PutError::Cancelled) => {}
                Err(e) => {
                    me.uploads.borrow_mut().running.remove(&id);
                    me.dispatch(Input::UploadFailed {
                        id,
                        error: e.to_string(),
                    })
                }
            }
        });
    }

    /// The server refused a slot.
    pub fn on_slot_refused(self: &Rc<Self>, id: String, error: String) {
        self.uploads.borrow_mut().asked.remove(&id);
        self.dispatch(Input::UploadFailed { id, error });
    }

    /// "Cancel" on an upload: stop it, forget the file and the message
    /// (the reducer's `DeleteMessage` removes both from the store).
    pub fn cancel_upload(self: &Rc<Self>, id: &str) {
        self.forget_upload(id);
        self.dispatch(Input::CancelUpload { id: id.to_owned() });
    }

    /// Stops the upload of message `id`, if one runs or waits for a slot.
    pub(super) fn forget_upload(&self, id: &str) {
        let mut uploads = self.uploads.borrow_mut();
        if let Some(handle) = uploads.running.remove(id) {
            handle.cancel();
        }
        uploads.asked.remove(id);
    }

    /// The upload service is known (a fresh session): start the uploads
    /// of the outbox that are not running.
    pub async fn resume_uploads(self: Rc<Self>) {
        let Some(store) = self.store_handle() else {
            return;
        };
        let Ok(pending) = store.pending_messages().await else {
            return;
        };
        for m in pending.into_iter().filter(awaiting_upload) {
            let busy = {
                let u = self.uploads.borrow();
                u.running.contains_key(&m.id) || u.asked.contains(&m.id)
            };
            if let (false, Some(a)) = (busy, m.rich.attachment.as_ref()) {
                self.request_slot(&m.id, &a.name, a.size, &a.mime);
            }
        }
    }

    /// The view shows the file of message `id` (`url` empty: ours, not
    /// uploaded yet): make an object URL of it available in
    /// [`AppCtx::media`], from the store, else fetched (once) and cached.
    pub fn want_media(self: &Rc<Self>, id: &str, url: &str) {
        let key = if url.is_empty() { id } else { url }.to_owned();
        let ctx = self.ctx();
        if ctx.media.with_untracked(|m| m.contains_key(&key))
            || !self.uploads.borrow_mut().loading.insert(key.clone())
        {
            return;
        }
        let Some(store) = self.store_handle() else {
            return;
        };
        let me = self.clone();
        let url = url.to_owned();
        spawn_local(async move {
            let blob = if url.is_empty() {
                store
                    .file(&key)
                    .await
                    .ok()
                    .flatten()
                    .ok_or_else(|| "The file is no longer on this device.".to_owned())
            } else {
                crate::net::media::fetch_cached(&store, &url)
                    .await
                    .map_err(|e| e.to_string())
            };
            match blob {
                Ok(blob) => me.show_media(&key, &blob),
                Err(e) => ctx.media_errors.update(|m| {
                    m.insert(key.clone(), e);
                }),
            }
            me.uploads.borrow_mut().loading.remove(&key);
        });
    }

    fn show_media(&self, key: &str, blob: &web_sys::Blob) {
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) {
            self.ctx().media.update(|m| {
                if let Some(old) = m.insert(key.to_owned(), url) {
                    let _ = web_sys::Url::revoke_object_url(&old);
                }
            });
        }
    }
}

/// The object URL the view may show for a file, once available.
pub fn media_url(ctx: AppCtx, id: &str, url: &str) -> Option<String> {
    let key = if url.is_empty() { id } else { url };
    ctx.media.with(|m| m.get(key).cloned())
}
