//! XEP-0077 forms: reading the server's registration form (XEP-0004 data
//! form or legacy fields, XEP-0221/0231 CAPTCHA media) and building the
//! submission; stanza errors turned into sentences.

use super::{FieldKind, FormField, RegistrationForm};
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use minidom::Element;
use xmpp_parsers::{
    data_forms::{DataForm, DataFormType, Field, FieldType},
    ibr::{FormQuery, LegacyQuery},
    ns,
    stanza_error::{DefinedCondition, StanzaError},
};

/// Turns a stanza error into a sentence for the user.
pub(super) fn sentence(e: &StanzaError) -> String {
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
pub(super) fn parse_form(query: &Element) -> Option<(RegistrationForm, Option<DataForm>)> {
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
pub(super) fn submit_form(df: &DataForm, value_of: &dyn Fn(&str) -> Option<String>) -> FormQuery {
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
pub(super) fn legacy_submit(
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
