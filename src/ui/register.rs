//! "Create account": XEP-0077 registration, rendering whatever form the
//! server sends (usernames, invite tokens, CAPTCHAs), then signing in.

use super::sign_in::Target;
use super::state::{AppCtx, SavedSession};
use crate::net::register::Registrar;
use crate::xmpp::register::{FieldKind, FormField, RegistrationEvent, RegistrationForm};
use crate::xmpp::Credentials;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The dialog's state, shared by the sign-in form and the dialog.
#[derive(Clone, Copy)]
pub struct RegisterUi {
    form: RwSignal<Option<RegistrationForm>>,
    values: RwSignal<Vec<(String, String)>>,
    registrar: StoredValue<Option<Registrar>, LocalStorage>,
}

pub fn provide() -> RegisterUi {
    let ui = RegisterUi {
        form: RwSignal::new(None),
        values: RwSignal::new(vec![]),
        registrar: StoredValue::new_local(None),
    };
    provide_context(ui);
    ui
}

/// Prefills the form from what the person typed on the sign-in screen.
fn prefill(form: &RegistrationForm, username: &str, password: &str) -> Vec<(String, String)> {
    form.fields
        .iter()
        .map(|f| {
            let value = match (f.var.as_str(), f.kind) {
                ("username", _) => username.to_string(),
                ("password", _) => password.to_string(),
                _ => f.value.clone(),
            };
            (f.var.clone(), value)
        })
        .collect()
}

fn complete(form: &RegistrationForm, values: &[(String, String)]) -> bool {
    form.fields.iter().all(|f| {
        !f.required
            || matches!(f.kind, FieldKind::Fixed | FieldKind::Hidden)
            || values
                .iter()
                .any(|(k, v)| k == &f.var && !v.trim().is_empty())
    })
}

pub fn start(ctx: AppCtx, ui: RegisterUi, target: Target, password: String, remember: bool) {
    let username = target.jid.node().map(|n| n.to_string()).unwrap_or_default();
    let domain = target.jid.domain().to_string();
    let server = target.server.clone();
    let (user, pass) = (username.clone(), password.clone());
    let (url, host) = (server.clone(), domain.clone());
    let registrar = Registrar::start(&url, &host, move |event| match event {
        RegistrationEvent::Form(form) => {
            let values = prefill(&form, &user, &pass);
            if complete(&form, &values) {
                if let Some(r) = ui.registrar.get_value() {
                    r.submit(values);
                }
            } else {
                ui.values.set(values);
                ui.form.set(Some(form));
            }
        }
        RegistrationEvent::Registered { username } => {
            ui.form.set(None);
            let jid = format!(
                "{}@{}",
                if username.is_empty() {
                    &user
                } else {
                    &username
                },
                domain
            );
            let session = SavedSession {
                jid,
                server: server.clone(),
                credentials: Credentials::Password(
                    ui.values
                        .with_untracked(|v| {
                            v.iter()
                                .find(|(k, _)| k == "password")
                                .map(|(_, v)| v.clone())
                        })
                        .filter(|p| !p.is_empty())
                        .unwrap_or_else(|| pass.clone()),
                ),
            };
            spawn_local(async move { ctx.controller().sign_in(session, remember).await });
        }
        RegistrationEvent::Failed(text) => {
            ui.form.set(None);
            ctx.error.set(Some(text));
            ctx.busy.set(false);
        }
    });
    ui.registrar.set_value(Some(registrar));
}

#[component]
pub fn RegisterDialog() -> impl IntoView {
    let ctx = super::state::use_app();
    let ui = expect_context::<RegisterUi>();
    let cancel = move |_| {
        ui.form.set(None);
        ui.registrar.set_value(None);
        ctx.busy.set(false);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(r) = ui.registrar.get_value() {
            r.submit(ui.values.get_untracked());
        }
    };
    view! {
        <Show when=move || ui.form.with(Option::is_some)>
            <div class="backdrop">
                <form role="dialog" aria-modal="true" aria-label="Create account" class="card dialog" on:submit=submit>
                    <h2>"Create account"</h2>
                    {move || ui.form.get().and_then(|f| f.instructions).map(|t| view! { <p class="lead">{t}</p> })}
                    {move || ui.form.get().map(|f| f.fields.into_iter().map(|field| view! { <Field field/> }).collect_view())}
                    <div class="actions">
                        <button type="submit" class="primary">"Register"</button>
                        <button type="button" on:click=cancel>"Cancel"</button>
                    </div>
                </form>
            </div>
        </Show>
    }
}

#[component]
fn Field(field: FormField) -> impl IntoView {
    let ui = expect_context::<RegisterUi>();
    let var = field.var.clone();
    let value = {
        let var = var.clone();
        move || {
            ui.values
                .with(|v| v.iter().find(|(k, _)| *k == var).map(|(_, v)| v.clone()))
                .unwrap_or_default()
        }
    };
    let set = move |new: String| {
        ui.values
            .update(|v| match v.iter_mut().find(|(k, _)| *k == var) {
                Some(slot) => slot.1 = new,
                None => v.push((var.clone(), new)),
            })
    };
    let label = if field.label.is_empty() {
        field.var.clone()
    } else {
        field.label.clone()
    };
    let media = field
        .media
        .clone()
        .map(|(_, src)| view! { <img class="captcha" src=src alt="Challenge image"/> });
    match field.kind {
        FieldKind::Hidden => ().into_any(),
        FieldKind::Fixed => view! { <p class="fixed">{field.value}</p> }.into_any(),
        FieldKind::Boolean => view! {
            <label class="check">
                <input type="checkbox" prop:checked=move || matches!(value().as_str(), "1" | "true")
                    on:change=move |ev| set(if event_target_checked(&ev) { "1".into() } else { "0".into() }) />
                {label}
            </label>
        }
        .into_any(),
        FieldKind::ListSingle => view! {
            <label>{label}
                <select on:change=move |ev| set(event_target_value(&ev)) prop:value=value.clone()>
                    {field.options.into_iter().map(|(l, v)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
        }
        .into_any(),
        kind => {
            let input_type = if kind == FieldKind::TextPrivate { "password" } else { "text" };
            view! {
                <label>{label}
                    {media}
                    <input type=input_type required=field.required
                        prop:value=value.clone()
                        on:input=move |ev| set(event_target_value(&ev)) />
                </label>
            }
            .into_any()
        }
    }
}
