//! Profiles in the reducer: nicknames, avatar hashes, the image cache and
//! our own profile edits.
use super::super::reducer::Input;
use super::*;
use crate::xmpp::Event;

fn signed_in() -> ChatState {
    let mut s = ChatState::new(Some("me@x".into()));
    s.apply(
        Input::Xmpp(Event::Online {
            jid: "me@x/r".into(),
            scram_keys: None,
        }),
        1,
    );
    s
}

fn changed(jid: &str, hash: Option<&str>) -> Input {
    Input::Xmpp(Event::AvatarChanged {
        jid: jid.into(),
        hash: hash.map(str::to_owned),
    })
}

fn profile(jid: &str, nick: Option<&str>, avatar: Option<&str>) -> Profile {
    Profile {
        jid: jid.into(),
        nick: nick.map(str::to_owned),
        avatar: avatar.map(str::to_owned),
    }
}

#[test]
fn a_new_avatar_hash_is_saved_and_its_image_ensured() {
    let mut s = signed_in();
    let effects = s.apply(changed("bob@x", Some("ABCD")), 2);
    assert_eq!(
        effects,
        vec![
            Effect::SaveProfile(profile("bob@x", None, Some("abcd"))),
            Effect::EnsureAvatar {
                jid: "bob@x".into(),
                hash: "abcd".into()
            }
        ]
    );
    assert_eq!(s.avatar_of("bob@x"), Some("abcd"));
}

#[test]
fn the_same_hash_again_only_ensures_the_image() {
    let mut s = signed_in();
    s.apply(changed("bob@x", Some("ab")), 2);
    let effects = s.apply(changed("bob@x", Some("ab")), 3);
    assert_eq!(
        effects,
        vec![Effect::EnsureAvatar {
            jid: "bob@x".into(),
            hash: "ab".into()
        }]
    );
}

#[test]
fn a_removed_avatar_forgets_the_hash_and_fetches_nothing() {
    let mut s = signed_in();
    s.apply(changed("bob@x", Some("ab")), 2);
    let effects = s.apply(changed("bob@x", None), 3);
    assert_eq!(
        effects,
        vec![Effect::SaveProfile(profile("bob@x", None, None))]
    );
    assert_eq!(s.avatar_of("bob@x"), None);
}

#[test]
fn an_arrived_image_is_cached_by_its_hash() {
    let mut s = signed_in();
    let effects = s.apply(
        Input::Xmpp(Event::Avatar {
            jid: "bob@x".into(),
            hash: "AB".into(),
            mime: "image/png".into(),
            data: vec![1, 2],
        }),
        2,
    );
    assert_eq!(
        effects,
        vec![Effect::SaveAvatar(AvatarImage {
            hash: "ab".into(),
            mime: "image/png".into(),
            data: vec![1, 2]
        })]
    );
}

#[test]
fn a_nickname_names_a_contact_without_a_roster_name() {
    let mut s = signed_in();
    assert_eq!(s.display_name("bob@x"), "bob@x");
    let effects = s.apply(
        Input::Xmpp(Event::NickChanged {
            jid: "bob@x".into(),
            nick: Some("  Bobby ".into()),
        }),
        2,
    );
    assert_eq!(
        effects,
        vec![Effect::SaveProfile(profile("bob@x", Some("Bobby"), None))]
    );
    assert_eq!(s.display_name("bob@x"), "Bobby");
    // A blank nickname is no nickname.
    s.apply(
        Input::Xmpp(Event::NickChanged {
            jid: "bob@x".into(),
            nick: Some(" ".into()),
        }),
        3,
    );
    assert_eq!(s.display_name("bob@x"), "bob@x");
}

#[test]
fn the_roster_name_wins_over_the_nickname() {
    let mut s = signed_in();
    s.apply(
        Input::Restored {
            chats: vec![],
            contacts: vec![Contact {
                jid: "bob@x".into(),
                name: Some("Robert".into()),
                subscription: Subscription::Both,
                pending_out: false,
            }],
            privacy: Default::default(),
        },
        2,
    );
    s.apply(
        Input::Xmpp(Event::NickChanged {
            jid: "bob@x".into(),
            nick: Some("Bobby".into()),
        }),
        3,
    );
    assert_eq!(s.display_name("bob@x"), "Robert");
}

#[test]
fn stored_profiles_do_not_overwrite_what_the_server_said() {
    let mut s = signed_in();
    s.apply(changed("bob@x", Some("new")), 2);
    s.apply(
        Input::Profiles(vec![
            profile("bob@x", None, Some("old")),
            profile("carol@x", Some("Carol"), Some("cc")),
        ]),
        3,
    );
    assert_eq!(s.avatar_of("bob@x"), Some("new"));
    assert_eq!(s.avatar_of("carol@x"), Some("cc"));
    assert_eq!(s.display_name("carol@x"), "Carol");
}

#[test]
fn my_new_photo_is_cached_and_shown_before_it_is_published() {
    let mut s = signed_in();
    let image = AvatarImage {
        hash: "ff".into(),
        mime: "image/png".into(),
        data: vec![7],
    };
    let effects = s.apply(
        Input::SetAvatar {
            image: image.clone(),
            width: 192,
            height: 192,
        },
        2,
    );
    assert_eq!(
        effects,
        vec![
            Effect::SaveAvatar(image),
            Effect::SaveProfile(profile("me@x", None, Some("ff"))),
            Effect::Command(Command::SetAvatar {
                mime: "image/png".into(),
                data: vec![7],
                width: 192,
                height: 192
            })
        ]
    );
    assert_eq!(s.avatar_of("me@x"), Some("ff"));
    let effects = s.apply(Input::RemoveAvatar, 3);
    assert_eq!(
        effects,
        vec![
            Effect::SaveProfile(profile("me@x", None, None)),
            Effect::Command(Command::RemoveAvatar)
        ]
    );
}

#[test]
fn my_nickname_is_trimmed_recorded_and_published() {
    let mut s = signed_in();
    let effects = s.apply(Input::SetNick(" Me Myself ".into()), 2);
    assert_eq!(
        effects,
        vec![
            Effect::SaveProfile(profile("me@x", Some("Me Myself"), None)),
            Effect::Command(Command::SetNick("Me Myself".into()))
        ]
    );
}

#[test]
fn failed_background_fetches_raise_no_notice_but_user_requests_do() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::RequestFailed {
            request: "get the avatar of bob@x".into(),
            reason: "no photo in the vCard".into(),
        }),
        2,
    );
    assert_eq!(s.notice, None);
    s.apply(
        Input::Xmpp(Event::RequestFailed {
            request: "set avatar".into(),
            reason: "not allowed".into(),
        }),
        3,
    );
    assert_eq!(
        s.notice.as_deref(),
        Some("Could not set avatar: not allowed")
    );
}
