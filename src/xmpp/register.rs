//! XEP-0077: In-Band Registration, as a small sans-IO machine of its own.
//!
//! Same poll style as [`super::Session`]: `start`, `handle_frame`,
//! `poll_transmit`, `poll_event`, then `submit` once the user filled in the
//! form. When the server sends a XEP-0004 data form (Prosody) that form is
//! rendered; otherwise the legacy fields (ejabberd). CAPTCHA images
//! (XEP-0221 media, XEP-0231 `cid:` data) are turned into data URIs.

use super::framing::{self, Frame};
use super::IdSource;
use crate::chat::Millis;
use form::{legacy_submit, parse_form, sentence, submit_form};
use jid::BareJid;
use minidom::Element;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use xmpp_parsers::{
    data_forms::DataForm, ibr::FieldsQuery, iq::Iq, stanza_error::DefinedCondition,
};

/// Time allowed for each server answer.
const TIMEOUT: Millis = 30_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldKind {
    TextSingle,
    TextPrivate,
    TextMulti,
    Hidden,
    Boolean,
    ListSingle,
    ListMulti,
    JidSingle,
    JidMulti,
    Fixed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    pub var: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    /// The value the server proposes (or echoes, for hidden fields).
    pub value: String,
    /// `(label, value)` for list fields.
    pub options: Vec<(String, String)>,
    /// `(MIME type, data: URI or URL)` of a CAPTCHA image or similar.
    pub media: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationForm {
    pub instructions: Option<String>,
    pub fields: Vec<FormField>,
    /// True when this is the server's XEP-0004 form, false for legacy fields.
    pub is_data_form: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationEvent {
    Form(RegistrationForm),
    Registered {
        username: String,
    },
    /// A sentence for the user, e.g. "That username is taken."
    Failed(String),
}

enum State {
    Idle,
    Opening,
    Asking {
        id: String,
    },
    /// The form is shown; `data_form` is the server's form, if any.
    Filling {
        form: RegistrationForm,
        data_form: Option<DataForm>,
    },
    Submitted {
        id: String,
        username: String,
        form: RegistrationForm,
        data_form: Option<DataForm>,
    },
    Done,
}

pub struct Registration {
    domain: Option<BareJid>,
    ids: Box<dyn IdSource>,
    transmit: VecDeque<String>,
    events: VecDeque<RegistrationEvent>,
    state: State,
    deadline: Option<Millis>,
    now: Millis,
}

impl Registration {
    pub fn new(domain: &str, ids: Box<dyn IdSource>) -> Self {
        let domain = BareJid::new(domain.trim())
            .ok()
            .filter(|d| d.node().is_none());
        Self {
            domain,
            ids,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            state: State::Idle,
            deadline: None,
            now: 0,
        }
    }

    /// The socket is open: queue the stream `<open/>`.
    pub fn start(&mut self, now: Millis) {
        if !matches!(self.state, State::Idle) {
            return;
        }
        self.now = now;
        match self.domain.clone() {
            Some(d) => {
                self.send(framing::open(&d));
                self.state = State::Opening;
                self.deadline = Some(now.saturating_add(TIMEOUT));
            }
            None => self.fail("That is not a valid server name."),
        }
    }

    pub fn handle_frame(&mut self, frame: &str, now: Millis) {
        self.now = self.now.max(now);
        if matches!(self.state, State::Idle | State::Done) {
            return;
        }
        match framing::parse(frame) {
            Ok(Frame::Features(_)) if matches!(self.state, State::Opening) => {
                let id = self.ids.next_id();
                self.send(Iq::from_get(id.clone(), FieldsQuery));
                self.state = State::Asking { id };
                self.deadline = Some(self.now.saturating_add(TIMEOUT));
            }
            Ok(Frame::Iq(iq)) => self.handle_iq(*iq),
            Ok(Frame::StreamError(_)) | Ok(Frame::Close { .. }) => {
                self.fail("The server closed the connection.")
            }
            Ok(_) | Err(_) => {} // Lenient: anything else is ignored.
        }
    }

    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = self.now.max(now);
        if self.deadline.is_some_and(|d| d <= now) {
            self.fail("The server did not answer in time.");
        }
    }

    pub fn poll_timeout(&self) -> Option<Millis> {
        self.deadline
    }

    pub fn poll_transmit(&mut self) -> Option<String> {
        self.transmit.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<RegistrationEvent> {
        self.events.pop_front()
    }

    /// The socket closed underneath us.
    pub fn handle_disconnect(&mut self) {
        if !matches!(self.state, State::Done | State::Idle) {
            self.fail("The connection to the server was lost.");
        }
    }

    /// Sends the filled-in form: `(var, value)` pairs for the visible fields.
    pub fn submit(&mut self, values: Vec<(String, String)>) {
        let State::Filling { form, data_form } = std::mem::replace(&mut self.state, State::Done)
        else {
            self.events.push_back(RegistrationEvent::Failed(
                "There is no form to send.".into(),
            ));
            return;
        };
        let value_of = |var: &str| {
            values
                .iter()
                .find(|(v, _)| v == var)
                .map(|(_, x)| x.clone())
        };
        let username = value_of("username").unwrap_or_default();
        let id = self.ids.next_id();
        let iq = match &data_form {
            Some(df) => Iq::from_set(id.clone(), submit_form(df, &value_of)),
            None => Iq::from_set(id.clone(), legacy_submit(&form, &value_of)),
        };
        self.send(iq);
        self.deadline = Some(self.now.saturating_add(TIMEOUT));
        self.state = State::Submitted {
            id,
            username,
            form,
            data_form,
        };
    }

    fn send(&mut self, element: impl Into<Element>) {
        self.transmit.push_back(framing::to_frame(&element.into()));
    }

    fn fail(&mut self, sentence: &str) {
        self.events
            .push_back(RegistrationEvent::Failed(sentence.to_owned()));
        if !matches!(self.state, State::Idle) {
            self.send(framing::close());
        }
        self.state = State::Done;
        self.deadline = None;
    }

    fn handle_iq(&mut self, iq: Iq) {
        let (id, outcome) = match iq {
            Iq::Result { id, payload, .. } => (id, Ok(payload)),
            Iq::Error { id, error, .. } => (id, Err(error)),
            Iq::Get { from, id, .. } | Iq::Set { from, id, .. } => {
                return self.send(super::iq::error_reply(
                    from,
                    id,
                    DefinedCondition::ServiceUnavailable,
                ));
            }
        };
        match std::mem::replace(&mut self.state, State::Done) {
            State::Asking { id: asked } if asked == id => match outcome {
                Ok(Some(query)) => match parse_form(&query) {
                    Some((form, data_form)) => {
                        self.deadline = None;
                        self.events.push_back(RegistrationEvent::Form(form.clone()));
                        self.state = State::Filling { form, data_form };
                    }
                    None => self.fail("The server sent a registration form that cannot be read."),
                },
                Ok(None) => self.fail("The server sent an empty registration form."),
                Err(e) => self.fail(&sentence(&e)),
            },
            State::Submitted {
                id: asked,
                username,
                form,
                data_form,
            } if asked == id => {
                self.deadline = None;
                match outcome {
                    Ok(_) => {
                        self.events
                            .push_back(RegistrationEvent::Registered { username });
                        self.send(framing::close());
                        self.state = State::Done;
                    }
                    Err(e) => {
                        // The user may correct the form (e.g. another username).
                        self.events
                            .push_back(RegistrationEvent::Failed(sentence(&e)));
                        self.state = State::Filling { form, data_form };
                    }
                }
            }
            other => self.state = other, // Not an answer to us: ignored.
        }
    }
}

#[path = "register_form.rs"]
mod form;

#[cfg(test)]
#[path = "register_tests.rs"]
mod tests;
