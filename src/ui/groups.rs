//! Group chat controls: "New group" and "Join group" dialogs, invitations
//! waiting for an answer, and the group header actions (Members, Invite,
//! Leave group).

use super::state::use_app;
use crate::chat::reducer::{Input, Moderation};
use crate::xmpp::{validate_address, Affiliation, Occupant, Role};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A modal form with a title, fields, an error line and two buttons.
#[component]
fn Dialog(
    title: &'static str,
    submit_label: &'static str,
    open: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    on_submit: impl Fn() + 'static,
    children: Children,
) -> impl IntoView {
    let close = move || {
        open.set(false);
        error.set(None);
    };
    view! {
        <div class="backdrop" on:keydown=move |ev| if ev.key() == "Escape" { close() }>
            <form role="dialog" aria-modal="true" aria-label=title class="card dialog"
                on:submit=move |ev| { ev.prevent_default(); on_submit() }>
                <h2>{title}</h2>
                {children()}
                <Show when=move || error.get().is_some()>
                    <p role="alert" class="error">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <div class="actions">
                    <button type="submit" class="primary">{submit_label}</button>
                    <button type="button" on:click=move |_| close()>"Cancel"</button>
                </div>
            </form>
        </div>
    }
}

/// A labelled text field for an XMPP address.
#[component]
fn AddressField(
    label: &'static str,
    placeholder: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label>{label}
            <input type="text" inputmode="email" placeholder=placeholder
                autocapitalize="none" spellcheck="false" prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}

#[component]
pub fn NewGroup() -> impl IntoView {
    let ctx = use_app();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let photo = RwSignal::new(None::<crate::chat::AvatarImage>);
    // The chosen photo as an object URL, released when replaced or closed.
    let preview = Memo::new(move |_| {
        photo.with(|p| {
            p.as_ref()
                .and_then(|i| super::avatar::object_url(&i.mime, &i.data).ok())
        })
    });
    Effect::new(move |previous: Option<Option<String>>| {
        if let Some(Some(old)) = previous {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        preview.get()
    });
    let pick = Callback::new(move |(image, _, _)| photo.set(Some(image)));
    let submit = move || {
        let n = name.get_untracked().trim().to_owned();
        if n.is_empty() {
            error.set(Some("Give the group a name.".into()));
            return;
        }
        if ctx.chat.with_untracked(|s| s.muc_service.is_none()) {
            error.set(Some(
                "This server has no group chat service (or it is not known yet).".into(),
            ));
            return;
        }
        ctx.dispatch(Input::CreateGroup {
            name: n,
            description: description.get_untracked().trim().to_owned(),
            avatar: photo.get_untracked(),
        });
        name.set(String::new());
        description.set(String::new());
        photo.set(None);
        open.set(false);
    };
    view! {
        <button class="quiet" on:click=move |_| open.set(true)>"New group"</button>
        <Show when=move || open.get()>
            <Dialog title="New group" submit_label="Create" open error on_submit=submit>
                <label>"Group name"
                    <input type="text" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <label>"Description"
                    <input type="text" prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev)) />
                </label>
                <div class="row">
                    {move || preview.get().map(|src| view! {
                        <span class="avatar" role="img" aria-label="Group photo"><img src=src alt=""/></span>
                    })}
                    <super::avatar::PhotoPicker label="Choose group photo" on_pick=pick error/>
                </div>
            </Dialog>
        </Show>
    }
}

#[component]
pub fn JoinGroup() -> impl IntoView {
    let ctx = use_app();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let address = RwSignal::new(String::new());
    let nick = RwSignal::new(String::new());
    // An `xmpp:…?join` link was followed: offer that group.
    Effect::new(move |_| {
        if let Some(room) = ctx.join_prefill.get() {
            address.set(room);
            error.set(None);
            open.set(true);
            ctx.join_prefill.set(None);
        }
    });
    let submit = move || {
        let typed = address.get_untracked();
        // xmpp:room@service?join links work too.
        let typed = typed.trim().trim_start_matches("xmpp:");
        let typed = typed.split('?').next().unwrap_or_default();
        match validate_address(typed) {
            Ok(room) => {
                let n = nick.get_untracked().trim().to_owned();
                ctx.dispatch(Input::JoinGroup {
                    room: room.to_string(),
                    nick: (!n.is_empty()).then_some(n),
                });
                address.set(String::new());
                nick.set(String::new());
                open.set(false);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <button class="quiet" on:click=move |_| open.set(true)>"Join group"</button>
        <Show when=move || open.get()>
            <Dialog title="Join group" submit_label="Join" open error on_submit=submit>
                <AddressField label="Group address" placeholder="room@conference.example.org" value=address/>
                <label>"Nickname"
                    <input type="text" placeholder="optional" prop:value=move || nick.get()
                        on:input=move |ev| nick.set(event_target_value(&ev)) />
                </label>
                <PublicGroups address/>
            </Dialog>
        </Show>
    }
}

/// "Browse public groups": the server's open rooms; choosing one fills
/// the Group address.
#[component]
fn PublicGroups(address: RwSignal<String>) -> impl IntoView {
    use crate::chat::channels::PublicGroups as State;
    let ctx = use_app();
    let state = Memo::new(move |_| ctx.chat.with(|s| s.public_groups.clone()));
    view! {
        <button type="button" class="quiet" aria-busy=move || (state.get() == State::Loading).to_string()
            on:click=move |_| ctx.dispatch(Input::BrowsePublicGroups)>"Browse public groups"</button>
        {move || match state.get() {
            State::NotAsked => ().into_any(),
            State::Loading => view! { <p class="hint">"Looking for public groups…"</p> }.into_any(),
            State::Failed(why) => view! { <p role="alert" class="error">{why}</p> }.into_any(),
            State::Loaded(rooms) if rooms.is_empty() => {
                view! { <p class="hint">"This server has no public groups."</p> }.into_any()
            }
            State::Loaded(rooms) => view! {
                <ul aria-label="Public groups" class="public-groups">
                    {rooms.into_iter().map(|r| {
                        let jid = r.jid.clone();
                        let chosen = r.jid.clone();
                        let name = r.name.clone().unwrap_or_else(|| r.jid.clone());
                        view! {
                            <li>
                                <button type="button" class="quiet"
                                    aria-pressed=move || (address.get().trim() == chosen).to_string()
                                    on:click=move |_| address.set(jid.clone())>
                                    <span class="name">{name}</span>
                                    <span class="address">{r.jid.clone()}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

/// Invitations to groups, each with Join and Decline.
#[component]
pub fn Invitations() -> impl IntoView {
    let ctx = use_app();
    let list = move || ctx.chat.with(|s| s.invitations.clone());
    view! {
        <Show when=move || ctx.chat.with(|s| !s.invitations.is_empty())>
            <section aria-label="Group invitations" class="requests">
                <h2>"Group invitations"</h2>
                <ul>
                    <For each=list key=|i| i.room.clone() children=move |i: crate::xmpp::Invitation| {
                        let (a, d) = (i.room.clone(), i.room.clone());
                        let name = ctx.chat.with_untracked(|s| s.display_name(&i.room));
                        view! {
                            <li class="request">
                                <span class="who">{format!("{} invites you to {name}", i.from)}</span>
                                <button class="primary" title=format!("Join {name}")
                                    on:click=move |_| ctx.dispatch(Input::AnswerInvitation { room: a.clone(), accept: true })>"Join"</button>
                                <button title=format!("Decline {name}")
                                    on:click=move |_| ctx.dispatch(Input::AnswerInvitation { room: d.clone(), accept: false })>"Decline"</button>
                            </li>
                        }
                    }/>
                </ul>
            </section>
        </Show>
    }
}

/// The header actions of an open group.
#[component]
pub fn GroupActions(show_members: RwSignal<bool>) -> impl IntoView {
    let ctx = use_app();
    let open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let address = RwSignal::new(String::new());
    let submit = move || match validate_address(&address.get_untracked()) {
        Ok(jid) => {
            ctx.dispatch(Input::Invite {
                jid: jid.to_string(),
            });
            address.set(String::new());
            open.set(false);
        }
        Err(e) => error.set(Some(e)),
    };
    view! {
        <button class="quiet" aria-pressed=move || show_members.get().to_string()
            on:click=move |_| show_members.update(|v| *v = !*v)>"Members"</button>
        <button class="quiet" on:click=move |_| open.set(true)>"Invite"</button>
        <button class="quiet" on:click=move |_| ctx.dispatch(Input::LeaveGroup)>"Leave group"</button>
        <Show when=move || open.get()>
            <Dialog title="Invite" submit_label="Invite" open error on_submit=submit>
                <AddressField label="Address" placeholder="name@example.org" value=address/>
            </Dialog>
        </Show>
    }
}

/// Height of one member row in CSS pixels (`.member-list .member` in
/// style/main.css): rows have a fixed height so the list can be virtualized.
const MEMBER_ROW_PX: f64 = 36.0;
/// Rows rendered above and below the visible ones, so a scroll shows rows
/// at once while the window catches up.
const MEMBER_MARGIN: usize = 10;
/// The list's height until it is measured (more than it ever shows: 40vh).
const MEMBER_VIEW_PX: f64 = 600.0;

/// Owners, then admins, then moderators, then everyone else.
fn member_rank(o: &Occupant) -> u8 {
    match (o.affiliation, o.role) {
        (Affiliation::Owner, _) => 0,
        (Affiliation::Admin, _) => 1,
        (_, Role::Moderator) => 2,
        _ => 3,
    }
}

/// The occupants in a stable order (rank, then nickname ignoring case), so
/// the list does not jump as presences come and go.
fn sorted_members(occupants: &BTreeMap<String, Occupant>) -> Vec<Occupant> {
    let mut list: Vec<Occupant> = occupants.values().cloned().collect();
    list.sort_by_cached_key(|o| (member_rank(o), o.nick.to_lowercase(), o.nick.clone()));
    list
}

/// The rows `[first, end)` to render for a list of `len` rows scrolled to
/// `top` in a viewport `height` pixels high, with the margin.
fn member_window(top: f64, height: f64, len: usize) -> (usize, usize) {
    let first = ((top.max(0.0) / MEMBER_ROW_PX) as usize)
        .saturating_sub(MEMBER_MARGIN)
        .min(len);
    let visible = (height.max(MEMBER_ROW_PX) / MEMBER_ROW_PX).ceil() as usize;
    (first, (first + visible + 2 * MEMBER_MARGIN).min(len))
}

/// The occupants of the open group, with role and affiliation. A room may
/// hold thousands: only the rows in view (plus a margin) are in the DOM,
/// between two spacers that keep the scroll height of the whole list.
#[component]
pub fn Members(room: Memo<String>) -> impl IntoView {
    let ctx = use_app();
    // The shared occupant map: equal by pointer while untouched, so other
    // state changes (messages, typing) do not sort the list again.
    let map = Memo::new(move |_| {
        ctx.chat
            .with(|s| s.rooms.get(&room.get()).map(|r| Arc::clone(&r.occupants)))
    });
    let occupants =
        Memo::new(move |_| map.with(|m| m.as_deref().map(sorted_members).unwrap_or_default()));
    // What we may do to others: owners and admins manage membership,
    // owners make admins (XEP-0045 §9, §10).
    let mine = Memo::new(move |_| ctx.chat.with(|s| s.my_affiliation(&room.get())));
    let scroller = NodeRef::<leptos::html::Div>::new();
    let top = RwSignal::new(0.0_f64);
    let height = RwSignal::new(MEMBER_VIEW_PX);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            top.set(f64::from(el.scroll_top()));
            if el.client_height() > 0 {
                height.set(f64::from(el.client_height()));
            }
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let window =
        Memo::new(move |_| member_window(top.get(), height.get(), occupants.with(Vec::len)));
    let rows = move || {
        let (first, end) = window.get();
        occupants.with(|list| list[first..end].to_vec())
    };
    let above = move || format!("{}px", window.get().0 as f64 * MEMBER_ROW_PX);
    let below = move || {
        let (_, end) = window.get();
        format!(
            "{}px",
            occupants.with(Vec::len).saturating_sub(end) as f64 * MEMBER_ROW_PX
        )
    };
    let label = |o: &Occupant| {
        let mut parts = vec![];
        match o.affiliation {
            Affiliation::Owner => parts.push("owner"),
            Affiliation::Admin => parts.push("admin"),
            _ => {}
        }
        if o.role == Role::Moderator && parts.is_empty() {
            parts.push("moderator");
        }
        if o.is_me {
            parts.push("you");
        }
        parts.join(", ")
    };
    view! {
        <section role="region" aria-label="Members" class="members members-virtual">
            <h3>{move || members_label(occupants.with(Vec::len))}</h3>
            // The address others can join with ("Join group").
            <p class="hint">"Group address: "<span class="address">{move || room.get()}</span></p>
            <div class="member-list" node_ref=scroller on:scroll=move |_| measure()>
                <div aria-hidden="true" style:height=above></div>
                <ul>
                    <For each=rows
                        key=|o| format!("{}:{:?}:{:?}:{:?}", o.nick, o.affiliation, o.role, o.availability)
                        children=move |o| {
                            let note = label(&o);
                            let manage = !o.is_me
                                && matches!(mine.get_untracked(), Affiliation::Owner | Affiliation::Admin)
                                && !matches!(o.affiliation, Affiliation::Owner);
                            let make_admin = manage && mine.get_untracked() == Affiliation::Owner;
                            let nick = o.nick.clone();
                            let jid = o.jid.clone();
                            let is_admin = o.affiliation == Affiliation::Admin;
                            let act = move |action: Moderation| ctx.dispatch(Input::Moderate(action));
                            view! {
                                <li class="member">
                                    <super::avatar::Avatar jid=o.jid.as_deref()
                                        .map(|j| crate::chat::reducer::bare(j).to_owned())
                                        .unwrap_or_else(|| format!("{}/{}", room.get_untracked(), o.nick))/>
                                    <span role="img" aria-label=o.availability.label()
                                        class=format!("presence-dot {}", o.availability.label())></span>
                                    <span class="nick">{o.nick.clone()}</span>
                                    {(!note.is_empty()).then(|| view! { <span class="role">{note}</span> })}
                                    {manage.then(|| {
                                        let (k, b, a) = (nick.clone(), jid.clone(), jid.clone());
                                        view! {
                                            <span class="member-actions">
                                                <button class="quiet" title=format!("Remove {nick}")
                                                    on:click=move |_| act(Moderation::Kick { nick: k.clone() })>"Remove"</button>
                                                {b.map(|jid| view! {
                                                    <button class="quiet" title=format!("Ban {jid}")
                                                        on:click=move |_| act(Moderation::Ban { jid: jid.clone() })>"Ban"</button>
                                                })}
                                                {a.filter(|_| make_admin).map(|jid| {
                                                    let affiliation = if is_admin { Affiliation::Member } else { Affiliation::Admin };
                                                    view! {
                                                        <button class="quiet"
                                                            on:click=move |_| act(Moderation::Affiliation { jid: jid.clone(), affiliation })>
                                                            {if is_admin { "Revoke admin" } else { "Make admin" }}
                                                        </button>
                                                    }
                                                })}
                                            </span>
                                        }
                                    })}
                                </li>
                            }
                        }/>
                </ul>
                <div aria-hidden="true" style:height=below></div>
            </div>
        </section>
    }
}

/// Details of a one-to-one contact: address, name, subscription, groups in
/// common, and "Remove contact".
#[component]
pub fn ContactDetails(jid: Memo<String>) -> impl IntoView {
    let ctx = use_app();
    let info = Memo::new(move |_| {
        ctx.chat.with(|s| {
            let j = jid.get();
            let contact = s.contacts.get(&j).cloned();
            (contact, s.shared_groups(&j))
        })
    });
    let subscription = move || match info.get().0.map(|c| c.subscription) {
        Some(crate::chat::Subscription::Both) => "You see each other's presence",
        Some(crate::chat::Subscription::To) => "You see their presence",
        Some(crate::chat::Subscription::From) => "They see your presence",
        Some(_) => "Not sharing presence",
        None => "Not in your contacts",
    };
    view! {
        <section role="region" aria-label="Contact details" class="members">
            <h3>"Contact details"</h3>
            <super::avatar::Avatar jid large=true
                label=Signal::derive(move || format!("Photo of {}", jid.get()))/>
            <p>"Address: "<span class="address">{move || jid.get()}</span></p>
            {move || info.get().0.and_then(|c| c.name).map(|n| view! { <p>"Name: "{n}</p> })}
            {move || ctx.chat.with(|s| s.nick_of(&jid.get()).map(str::to_owned))
                .map(|n| view! { <p>"Nickname: "{n}</p> })}
            <p class="hint">{subscription}</p>
            {move || {
                let groups = info.get().1;
                (!groups.is_empty()).then(|| view! { <p>"Groups in common: "{groups.join(", ")}</p> })
            }}
            <Show when=move || info.get().0.is_some()>
                <button class="quiet" on:click=move |_| ctx.dispatch(Input::RemoveContact { jid: jid.get_untracked() })>
                    "Remove contact"
                </button>
            </Show>
        </section>
    }
}

/// "1 member", "2 members".
pub fn members_label(n: usize) -> String {
    if n == 1 {
        "1 member".to_owned()
    } else {
        format!("{n} members")
    }
}
