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
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use jid::BareJid;
use minidom::Element;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use xmpp_parsers::{
    data_forms::{DataForm, DataFormType, Field, FieldType},
    ibr::{FieldsQuery, FormQuery, LegacyQuery},
    iq::Iq,
    ns,
    stanza_error::{DefinedCondition, StanzaError},
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

/// Turns a stanza error into a sentence for the user.
fn sentence(e: &StanzaError) -> String {
    use DefinedCondition as C;
    let text = e
        .texts
        .values()
        .next()
        .map(|t| format!(" ({t})"))
        .unwrap_or_default();
    match e.defined_condition {
        C::Conflict => "That username is taken.".into(),
        C::NotAllowed | C::ServiceUnavailable | C::FeatureNotImplemented | C::Forbidden => {
            "Registration is not allowed on this server.".into()
        }
        C::JidMalformed => "That username is not valid.".into(),
        C::ResourceConstraint | C::PolicyViolation => {
            format!("The server refuses new accounts for now; try again later.{text}")
        }
        C::NotAcceptable | C::BadRequest => {
            format!("The server did not accept these details.{text}")
        }
        _ => format!("Registration failed.{text}"),
    }
}

fn kind(t: &FieldType) -> FieldKind {
    match t {
        FieldType::Boolean => FieldKind::Boolean,
        FieldType::Fixed => FieldKind::Fixed,
        FieldType::Hidden => FieldKind::Hidden,
        FieldType::JidMulti => FieldKind::JidMulti,
        FieldType::JidSingle => FieldKind::JidSingle,
        FieldType::ListMulti => FieldKind::ListMulti,
        FieldType::ListSingle => FieldKind::ListSingle,
        FieldType::TextMulti => FieldKind::TextMulti,
        FieldType::TextPrivate => FieldKind::TextPrivate,
        FieldType::TextSingle => FieldKind::TextSingle,
    }
}

/// XEP-0221 media: prefer a `cid:` image carried as XEP-0231 data, else a URL.
fn media(field: &Field, query: &Element) -> Option<(String, String)> {
    let uris = field.media.iter().flat_map(|m| m.uris.iter());
    let mut fallback = None;
    for uri in uris {
        if let Some(cid) = uri.uri.strip_prefix("cid:") {
            let data = query
                .children()
                .find(|c| c.is("data", ns::BOB) && c.attr("cid") == Some(cid));
            if let Some(data) = data {
                let text: String = data.text().split_whitespace().collect();
                if B64.decode(&text).is_ok() {
                    return Some((
                        uri.type_.clone(),
                        format!("data:{};base64,{text}", uri.type_),
                    ));
                }
            }
        } else if fallback.is_none()
            && (uri.uri.starts_with("https:") || uri.uri.starts_with("http:"))
        {
            fallback = Some((uri.type_.clone(), uri.uri.clone()));
        }
    }
    fallback
}

fn legacy_label(name: &str) -> (String, FieldKind) {
    let label = match name {
        "username" => "Username",
        "password" => return ("Password".into(), FieldKind::TextPrivate),
        "email" => "Email",
        "nick" => "Nickname",
        "name" => "Full name",
        "first" => "First name",
        "last" => "Last name",
        "phone" => "Phone",
        "url" => "Web site",
        "key" => return ("Key".into(), FieldKind::Hidden),
        other => other,
    };
    (label.to_owned(), FieldKind::TextSingle)
}

/// Parses a registration query into a form (and the data form to echo).
fn parse_form(query: &Element) -> Option<(RegistrationForm, Option<DataForm>)> {
    if !query.is("query", ns::REGISTER) {
        return None;
    }
    let instructions = query
        .get_child("instructions", ns::REGISTER)
        .map(|i| i.text().trim().to_owned())
        .filter(|i| !i.is_empty());
    let data_form = query
        .get_child("x", ns::DATA_FORMS)
        .and_then(|x| DataForm::try_from(x.clone()).ok())
        .filter(|f| f.type_ == DataFormType::Form);
    if let Some(df) = data_form {
        let fields = df
            .fields
            .iter()
            .filter(|f| !f.is_form_type(&df.type_))
            .map(|f| {
                let var = f.var.clone().unwrap_or_default();
                FormField {
                    label: f.label.clone().unwrap_or_else(|| var.clone()),
                    var,
                    kind: kind(&f.type_),
                    required: f.required,
                    value: f.values.join("\n"),
                    options: f
                        .options
                        .iter()
                        .map(|o| {
                            (
                                o.label.clone().unwrap_or_else(|| o.value.clone()),
                                o.value.clone(),
                            )
                        })
                        .collect(),
                    media: media(f, query),
                }
            })
            .collect();
        let instructions = df.instructions.clone().or(instructions);
        return Some((
            RegistrationForm {
                instructions,
                fields,
                is_data_form: true,
            },
            Some(df),
        ));
    }
    let fields = query
        .children()
        .filter(|c| {
            c.ns() == ns::REGISTER && !matches!(c.name(), "instructions" | "registered" | "remove")
        })
        .map(|c| {
            let (label, kind) = legacy_label(c.name());
            FormField {
                var: c.name().to_owned(),
                label,
                kind,
                required: true,
                value: c.text(),
                options: vec![],
                media: None,
            }
        })
        .collect();
    Some((
        RegistrationForm {
            instructions,
            fields,
            is_data_form: false,
        },
        None,
    ))
}

/// A `type='submit'` form echoing FORM_TYPE and hidden fields.
fn submit_form(df: &DataForm, value_of: &dyn Fn(&str) -> Option<String>) -> FormQuery {
    let fields: Vec<Field> = df
        .fields
        .iter()
        .filter(|f| f.type_ != FieldType::Fixed && !f.is_form_type(&df.type_))
        .filter_map(|f| {
            let var = f.var.as_deref()?;
            let values = match value_of(var) {
                Some(v)
                    if f.type_ == FieldType::TextMulti
                        || f.type_ == FieldType::ListMulti
                        || f.type_ == FieldType::JidMulti =>
                {
                    v.lines().map(str::to_owned).collect()
                }
                Some(v) => vec![v],
                None => f.values.clone(),
            };
            let mut out = Field::new(var, f.type_.clone());
            out.values = values;
            Some(out)
        })
        .collect();
    let form = match df.form_type() {
        Some(ft) => DataForm::new(DataFormType::Submit, ft, fields),
        None => DataForm {
            type_: DataFormType::Submit,
            title: None,
            instructions: None,
            fields,
        },
    };
    FormQuery {
        instructions: None,
        form,
    }
}

/// The legacy `<username/><password/>…` submission.
fn legacy_submit(
    form: &RegistrationForm,
    value_of: &dyn Fn(&str) -> Option<String>,
) -> LegacyQuery {
    let mut q = LegacyQuery::default();
    for f in &form.fields {
        let value = value_of(&f.var).unwrap_or_else(|| f.value.clone());
        let slot = match f.var.as_str() {
            "username" => &mut q.username,
            "password" => &mut q.password,
            "email" => &mut q.email,
            "nick" => &mut q.nick,
            "name" => &mut q.name,
            "first" => &mut q.first,
            "last" => &mut q.last,
            "address" => &mut q.address,
            "city" => &mut q.city,
            "state" => &mut q.state,
            "zip" => &mut q.zip,
            "phone" => &mut q.phone,
            "url" => &mut q.url,
            "date" => &mut q.date,
            "misc" => &mut q.misc,
            "text" => &mut q.text,
            "key" => &mut q.key,
            _ => continue,
        };
        *slot = Some(value);
    }
    q
}

#[cfg(test)]
#[path = "register_tests.rs"]
mod tests;
