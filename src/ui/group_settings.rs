//! "Group settings" of the open group: change the subject; owners and
//! admins manage membership (add, remove, make or revoke admin), including
//! members who are not in the room now; the owner deletes the group.
//! Results and errors show as the app's status and notice.

use super::modal::Modal;
use super::state::use_app;
use crate::chat::reducer::{Input, Moderation};
use crate::xmpp::{validate_address, Affiliation, Member};
use leptos::prelude::*;

#[component]
pub fn GroupSettings(room: Memo<String>) -> impl IntoView {
    let ctx = use_app();
    let open = RwSignal::new(false);
    let mine = Memo::new(move |_| ctx.chat.with(|s| s.my_affiliation(&room.get())));
    let manages = move || matches!(mine.get(), Affiliation::Owner | Affiliation::Admin);
    let subject = RwSignal::new(String::new());
    let show = move |_| {
        subject.set(ctx.chat.with_untracked(|s| {
            s.rooms
                .get(&room.get_untracked())
                .map(|r| r.subject.clone())
                .unwrap_or_default()
        }));
        open.set(true);
    };
    let act = move |action: Moderation| ctx.dispatch(Input::Moderate(action));
    let change_subject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        act(Moderation::SetSubject {
            subject: subject.get_untracked().trim().to_owned(),
        });
    };
    let confirm_delete = RwSignal::new(false);
    view! {
        <button class="quiet" on:click=show>"Group settings"</button>
        <Modal title="Group settings" open>
                    <form class="row" on:submit=change_subject>
                        <label>"Subject"
                            <input type="text" maxlength="200" prop:value=move || subject.get()
                                on:input=move |ev| subject.set(event_target_value(&ev))/>
                        </label>
                        <button type="submit" class="quiet">"Change subject"</button>
                    </form>
                    <Show when=move || mine.get() == Affiliation::Owner>
                        <GroupPhoto room/>
                    </Show>
                    <Show when=manages>
                        <Membership room mine/>
                    </Show>
                    <Show when=move || mine.get() == Affiliation::Owner>
                        <Show when=move || confirm_delete.get()
                            fallback=move || view! {
                                <button type="button" class="danger"
                                    on:click=move |_| confirm_delete.set(true)>"Delete group"</button>
                            }>
                            <p role="alert">"Delete this group for everyone? Its members are removed and it cannot be joined again."</p>
                            <button type="button" class="danger" on:click=move |_| {
                                confirm_delete.set(false);
                                open.set(false);
                                act(Moderation::Destroy);
                            }>"Delete for everyone"</button>
                            <button type="button" on:click=move |_| confirm_delete.set(false)>"Keep the group"</button>
                        </Show>
                    </Show>
        </Modal>
    }
}

/// The group's photo (XEP-0486), which only the owner changes.
#[component]
fn GroupPhoto(room: Memo<String>) -> impl IntoView {
    let ctx = use_app();
    let error = RwSignal::new(None::<String>);
    let has_photo = Memo::new(move |_| ctx.chat.with(|s| s.avatar_of(&room.get()).is_some()));
    let pick = Callback::new(move |(image, _, _)| ctx.dispatch(Input::SetGroupAvatar(Some(image))));
    view! {
        <div class="row profile">
            <super::avatar::Avatar jid=room large=true
                label=Signal::derive(|| "Group photo".to_owned())/>
            <super::avatar::PhotoPicker label="Choose group photo" on_pick=pick error/>
            <Show when=move || has_photo.get()>
                <button type="button" class="quiet"
                    on:click=move |_| ctx.dispatch(Input::SetGroupAvatar(None))>"Remove group photo"</button>
            </Show>
            {move || error.get().map(|e| view! { <p role="alert" class="error">{e}</p> })}
        </div>
    }
}

/// The member list as the server has it, with the actions the user's
/// affiliation allows (XEP-0045 §9.3–9.6, §10.6–10.7).
#[component]
fn Membership(room: Memo<String>, mine: Memo<Affiliation>) -> impl IntoView {
    let ctx = use_app();
    // Asked whenever the list appears (after it is mounted): also when we
    // become an admin with the dialog open, as our new affiliation can
    // arrive after the click that opened it.
    Effect::new(move |_| ctx.dispatch(Input::ListMembers));
    let members = Memo::new(move |_| ctx.chat.with(|s| s.member_lists.get(&room.get()).cloned()));
    let address = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let act = move |action: Moderation| ctx.dispatch(Input::Moderate(action));
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match validate_address(&address.get_untracked()) {
            Ok(jid) => {
                error.set(None);
                address.set(String::new());
                act(Moderation::Affiliation {
                    jid: jid.to_string(),
                    affiliation: Affiliation::Member,
                });
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let row = move |m: Member| {
        let me = ctx
            .chat
            .with_untracked(|s| s.me.clone().unwrap_or_default());
        let is_me = m.jid == me;
        let owner = mine.get_untracked() == Affiliation::Owner;
        // Admins manage members; owners manage admins and members too.
        let manage = !is_me
            && match m.affiliation {
                Affiliation::Member => true,
                Affiliation::Admin => owner,
                _ => false,
            };
        let label = match m.affiliation {
            Affiliation::Owner => "owner",
            Affiliation::Admin => "admin",
            _ => "member",
        };
        let (remove, promote) = (m.jid.clone(), m.jid.clone());
        let is_admin = m.affiliation == Affiliation::Admin;
        view! {
            <li class="member">
                <span class="address">{m.jid.clone()}</span>
                <span class="role">{if is_me { format!("{label}, you") } else { label.to_owned() }}</span>
                {manage.then(|| view! {
                    <span class="member-actions">
                        <button class="quiet" title=format!("Remove {remove} from the group")
                            on:click=move |_| act(Moderation::Affiliation { jid: remove.clone(), affiliation: Affiliation::None })>
                            "Remove from group"
                        </button>
                        {owner.then(|| view! {
                            <button class="quiet" on:click=move |_| act(Moderation::Affiliation {
                                jid: promote.clone(),
                                affiliation: if is_admin { Affiliation::Member } else { Affiliation::Admin },
                            })>{if is_admin { "Revoke admin" } else { "Make admin" }}</button>
                        })}
                    </span>
                })}
            </li>
        }
    };
    view! {
        <section aria-label="Membership" class="members">
            <h3>"Membership"</h3>
            {move || match members.get() {
                None => view! { <p class="hint">"Loading the member list…"</p> }.into_any(),
                Some(list) => view! {
                    <ul>
                        <For each=move || list.clone()
                            key=|m: &Member| format!("{}:{:?}", m.jid, m.affiliation)
                            children=row/>
                    </ul>
                }.into_any(),
            }}
            <form class="row" on:submit=add>
                <label>"Member address"
                    <input type="text" inputmode="email" autocapitalize="none" spellcheck="false"
                        placeholder="name@example.org" prop:value=move || address.get()
                        on:input=move |ev| address.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="quiet">"Add member"</button>
            </form>
            {move || error.get().map(|e| view! { <p role="alert" class="error">{e}</p> })}
        </section>
    }
}
