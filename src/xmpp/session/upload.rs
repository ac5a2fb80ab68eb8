//! XEP-0363 HTTP File Upload in the online session: the upload service is
//! found after the server's disco#info (`Event::UploadService`), and
//! `request_upload_slot` asks it for a PUT/GET URL pair
//! (`Event::UploadSlot`, or `Event::UploadFailed`). Stanzas and parsing
//! are in `upload.rs`; the PUT is the shell's (`net/upload.rs`).

use super::super::iq::{IqOutcome, IqPurpose, IQ_TIMEOUT};
use super::super::upload::{self, Discovery, UploadError, UploadPurpose, UploadService};
use super::super::Event;
use super::Session;
use jid::Jid;

impl Session {
    /// The upload service discovery found, once it has (carried over a
    /// XEP-0198 resume). `None` also while discovery runs.
    pub fn upload_service(&self) -> Option<&UploadService> {
        self.uploads.service.as_ref()
    }

    /// Asks the upload service for a slot to PUT a file of `size` bytes.
    /// `request` is the caller's id for it (the message the file goes
    /// with) and comes back in `Event::UploadSlot` (the URLs and the
    /// headers the PUT must carry) or `Event::UploadFailed` (refused,
    /// timed out after 30 s, or the stream ended). Refused here, with no
    /// stanza sent, when offline, when the server has no upload service
    /// (or discovery has not found it yet), or when `size` is above the
    /// limit the service announced. Asking again with a `request` still
    /// waiting for its answer sends nothing.
    pub fn request_upload_slot(
        &mut self,
        request: &str,
        filename: &str,
        size: u64,
        content_type: &str,
    ) -> Result<(), UploadError> {
        if !self.is_online() {
            return Err(UploadError::NotConnected);
        }
        let Some(service) = self.uploads.service.as_ref() else {
            return Err(UploadError::NoService);
        };
        if let Some(max) = service.max_size.filter(|max| size > *max) {
            return Err(UploadError::TooLarge { max });
        }
        let to = Jid::new(&service.jid)
            .map_err(|e| UploadError::Other(format!("invalid service address: {e}")))?;
        if !self.uploads.pending.insert(request.to_owned()) {
            return Ok(());
        }
        let id = self.ids.next_id();
        let iq = upload::slot_request(&id, to, filename, size, content_type);
        let purpose = UploadPurpose::Slot {
            request: request.to_owned(),
        };
        self.send_upload_iq(iq, purpose);
        Ok(())
    }

    // ---- internals ----

    /// XEP-0363 §2: disco#items on our server, then disco#info on each
    /// item. Runs after every fresh bind, once the server's own disco#info
    /// answered; the first item that is a `store`/`file` upload service is
    /// reported with `Event::UploadService`. No event when there is none:
    /// `request_upload_slot` then says `UploadError::NoService`.
    pub(super) fn discover_upload_service(&mut self) {
        self.uploads.service = None;
        self.uploads.discovery = Discovery::Running { infos: 0 };
        let id = self.ids.next_id();
        let iq = super::super::disco::items_request(&id, self.server());
        self.send_upload_iq(iq, UploadPurpose::Items);
    }

    /// After `<resumed/>`: the service found before is still there; a
    /// discovery the old stream cut short is run again (its answers went
    /// with the old stream's IQ table).
    pub(super) fn uploads_resumed(&mut self) {
        if matches!(self.uploads.discovery, Discovery::Running { .. }) {
            self.discover_upload_service();
        }
    }

    fn send_upload_iq(&mut self, iq: xmpp_parsers::iq::Iq, purpose: UploadPurpose) {
        let deadline = self.now.saturating_add(IQ_TIMEOUT);
        self.send_iq(iq, IqPurpose::Upload(purpose), deadline);
    }

    pub(super) fn upload_reply(&mut self, purpose: UploadPurpose, outcome: IqOutcome) {
        match purpose {
            UploadPurpose::Items => {
                let items = match outcome {
                    IqOutcome::Result(p) => upload::parse_items(p),
                    _ => vec![],
                };
                self.uploads.discovery = match items.len() {
                    0 => Discovery::Done,
                    infos => Discovery::Running { infos },
                };
                for jid in items {
                    let id = self.ids.next_id();
                    let purpose = UploadPurpose::Info {
                        jid: jid.to_string(),
                    };
                    self.send_upload_iq(upload::info_request(&id, jid), purpose);
                }
            }
            UploadPurpose::Info { jid } => {
                let Discovery::Running { infos } = self.uploads.discovery else {
                    return; // Found already: later answers do not matter.
                };
                let infos = infos.saturating_sub(1);
                let found = match outcome {
                    IqOutcome::Result(p) => upload::parse_service(p),
                    _ => None,
                };
                if let Some(max_size) = found {
                    self.uploads.service = Some(UploadService {
                        jid: jid.clone(),
                        max_size,
                    });
                    self.uploads.discovery = Discovery::Done;
                    self.events
                        .push_back(Event::UploadService { jid, max_size });
                } else if infos == 0 {
                    self.uploads.discovery = Discovery::Done;
                } else {
                    self.uploads.discovery = Discovery::Running { infos };
                }
            }
            UploadPurpose::Slot { request } => {
                if !self.uploads.pending.remove(&request) {
                    return;
                }
                let event = match outcome {
                    IqOutcome::Result(p) => match upload::parse_slot(p) {
                        Ok(slot) => Event::UploadSlot {
                            request,
                            put_url: slot.put_url,
                            get_url: slot.get_url,
                            headers: slot.headers,
                        },
                        Err(e) => Event::UploadFailed {
                            request,
                            error: UploadError::Other(e),
                        },
                    },
                    IqOutcome::Error(e) => Event::UploadFailed {
                        request,
                        error: upload::refusal(&e),
                    },
                    IqOutcome::Timeout => Event::UploadFailed {
                        request,
                        error: UploadError::TimedOut,
                    },
                };
                self.events.push_back(event);
            }
        }
    }

    /// The stream ended: every slot request still waiting fails (its
    /// answer can no longer come); the service stays for a resume.
    pub(super) fn end_uploads(&mut self) {
        for request in std::mem::take(&mut self.uploads.pending) {
            self.events.push_back(Event::UploadFailed {
                request,
                error: UploadError::NotConnected,
            });
        }
    }
}

#[cfg(test)]
#[path = "../upload_tests.rs"]
mod upload_tests;
