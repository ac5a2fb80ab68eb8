//! Transcript tests of group administration: moderation and affiliations,
//! member lists, room photos (XEP-0486) and the public room list.

use super::muc_tests::{error_from_room, joined, result_from_room, with_service, ROOM};
use crate::xmpp::session::harness::*;
use crate::xmpp::*;

fn admin_iq(id: &str, item: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='set' to='{ROOM}' id='{id}'>\
         <query xmlns='http://jabber.org/protocol/muc#admin'>{item}</query></iq>"
    )
}

#[test]
fn moderation_requests_report_their_result_or_error() {
    let mut t = joined();
    t.s.kick(ROOM, "bob", Some("calm down"));
    t.s.ban(ROOM, "eve@example.org", None);
    t.s.set_affiliation(ROOM, "dave@example.org", Affiliation::Member);
    t.s.set_affiliation(ROOM, "carol@example.org", Affiliation::Admin);
    t.s.destroy_room(ROOM, Some("done"));
    t.expect_sent(&[
        &admin_iq(
            "id5",
            "<item nick='bob' role='none'><reason>calm down</reason></item>",
        ),
        &admin_iq("id6", "<item affiliation='outcast' jid='eve@example.org'/>"),
        &admin_iq("id7", "<item affiliation='member' jid='dave@example.org'/>"),
        &admin_iq("id8", "<item affiliation='admin' jid='carol@example.org'/>"),
        &format!(
            "<iq xmlns='jabber:client' type='set' to='{ROOM}' id='id9'>\
             <query xmlns='http://jabber.org/protocol/muc#owner'><destroy>\
             <reason>done</reason></destroy></query></iq>"
        ),
    ]);
    t.recv(&result_from_room("id5"));
    t.recv(&error_from_room("id6", "not-allowed"));
    t.recv(&result_from_room("id7"));
    t.recv(&result_from_room("id8"));
    t.recv(&error_from_room("id9", "forbidden"));
    let done = |action| Event::RoomActionDone {
        room: ROOM.into(),
        action,
    };
    let failed = |action, error| Event::RoomError {
        room: ROOM.into(),
        action,
        error,
    };
    assert_eq!(
        t.events(),
        vec![
            done(RoomAction::Kick { nick: "bob".into() }),
            failed(
                RoomAction::Ban {
                    jid: "eve@example.org".into()
                },
                MucError::Forbidden
            ),
            done(RoomAction::SetAffiliation {
                jid: "dave@example.org".into(),
                affiliation: Affiliation::Member
            }),
            done(RoomAction::SetAffiliation {
                jid: "carol@example.org".into(),
                affiliation: Affiliation::Admin
            }),
            failed(RoomAction::Destroy, MucError::Forbidden),
        ]
    );
    // A reply from someone else is not the room's answer.
    t.s.kick(ROOM, "bob", None);
    t.sent();
    t.recv("<iq xmlns='jabber:client' type='result' from='mallory@example.org' id='id10'/>");
    assert_eq!(t.events(), vec![]);
    t.advance(30_000);
    let kick_timed_out = failed(RoomAction::Kick { nick: "bob".into() }, MucError::Timeout);
    assert!(t.events().contains(&kick_timed_out));
}

fn list_iq(id: &str, affiliation: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='get' to='{ROOM}' id='{id}'>\
         <query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='{affiliation}'/>\
         </query></iq>"
    )
}

#[test]
fn member_list_forbidden_to_a_member_is_a_clear_error() {
    // Prosody: a member may not read affiliation lists.
    let mut t = joined();
    t.s.fetch_members(ROOM);
    t.expect_sent(&[
        &list_iq("id5", "member"),
        &list_iq("id6", "admin"),
        &list_iq("id7", "owner"),
    ]);
    for id in ["id5", "id6", "id7"] {
        t.recv(&error_from_room(id, "forbidden"));
    }
    assert_eq!(
        t.events(),
        vec![Event::RoomError {
            room: ROOM.into(),
            action: RoomAction::MemberList,
            error: MucError::Forbidden
        }]
    );
}

#[test]
fn member_list_gathers_members_admins_and_owners() {
    // ejabberd answers a member.
    let mut t = joined();
    t.s.fetch_members(ROOM);
    t.sent();
    let answer = |id: &str, items: &str| {
        format!(
            "<iq xmlns='jabber:client' type='result' from='{ROOM}' id='{id}'>\
             <query xmlns='http://jabber.org/protocol/muc#admin'>{items}</query></iq>"
        )
    };
    t.recv(&answer(
        "id5",
        "<item affiliation='member' jid='user@example.org' nick='user'/>\
         <item affiliation='member' jid='dave@example.org'/>",
    ));
    t.recv(&answer("id6", ""));
    assert_eq!(t.events(), vec![]);
    t.recv(&answer(
        "id7",
        "<item affiliation='owner' jid='bob@example.org'/>",
    ));
    let member = |jid: &str, affiliation, nick: Option<&str>| Member {
        jid: jid.into(),
        affiliation,
        nick: nick.map(str::to_owned),
    };
    assert_eq!(
        t.events(),
        vec![Event::MemberList {
            room: ROOM.into(),
            members: vec![
                member("user@example.org", Affiliation::Member, Some("user")),
                member("dave@example.org", Affiliation::Member, None),
                member("bob@example.org", Affiliation::Owner, None),
            ]
        }]
    );
}

#[test]
fn public_rooms_are_listed_by_name_from_the_service() {
    let mut t = with_service();
    t.s.list_public_rooms();
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='conference.example.org' id='id8'>\
         <query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
    ]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='conference.example.org' id='id8'>\
         <query xmlns='http://jabber.org/protocol/disco#items'>\
         <item jid='zoo@conference.example.org' name='Zoo'/>\
         <item jid='lobby@conference.example.org' name='lobby'/>\
         <item jid='plain@conference.example.org'/>\
         <item jid='zoo@conference.example.org' name='Zoo'/></query></iq>",
    );
    let room = |jid: &str, name: Option<&str>| PublicRoom {
        jid: jid.into(),
        name: name.map(str::to_owned),
    };
    assert_eq!(
        t.events(),
        vec![Event::PublicRooms {
            rooms: vec![
                room("plain@conference.example.org", None),
                room("lobby@conference.example.org", Some("lobby")),
                room("zoo@conference.example.org", Some("Zoo")),
            ]
        }]
    );
}

#[test]
fn listing_public_rooms_fails_in_words() {
    // No service known yet.
    let mut t = T::online();
    t.s.list_public_rooms();
    assert_eq!(
        t.events(),
        vec![Event::RequestFailed {
            request: LIST_PUBLIC.into(),
            reason: "this server has no group chat service".into()
        }]
    );
    // The service refuses.
    let mut t = with_service();
    t.s.list_public_rooms();
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' from='conference.example.org' id='id8'>\
         <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    let events = t.events();
    assert!(
        matches!(&events[..], [Event::RequestFailed { request, reason }]
            if request == LIST_PUBLIC && reason.contains("service-unavailable")),
        "{events:?}"
    );
}

#[test]
fn a_room_photo_is_set_in_its_vcard_and_its_announced_hash_reported() {
    // XEP-0486: the owner sets the room's vCard photo…
    let mut t = joined();
    t.s.set_room_avatar(ROOM, Some(("image/png", vec![1, 2, 3])));
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' to='{ROOM}' id='id5'>\
         <vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>AQID</BINVAL></PHOTO></vCard></iq>"
    )]);
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' from='{ROOM}' id='id5'/>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomActionDone {
            room: ROOM.into(),
            action: RoomAction::SetAvatar
        }]
    );
    // …and the room announces the hash from its bare address.
    t.recv(&format!(
        "<presence xmlns='jabber:client' from='{ROOM}'>\
         <x xmlns='vcard-temp:x:update'><photo>7037807198c22a7d2b0807371d763779a84fdfcf</photo></x></presence>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::AvatarChanged {
            jid: ROOM.into(),
            hash: Some("7037807198c22a7d2b0807371d763779a84fdfcf".into())
        }]
    );
    // The image then comes from the room's vCard.
    t.s.fetch_avatar(ROOM, "7037807198c22a7d2b0807371d763779a84fdfcf");
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='get' to='{ROOM}' id='id6'><vCard xmlns='vcard-temp'/></iq>"
    )]);
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' from='{ROOM}' id='id6'>\
         <vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>AQID</BINVAL></PHOTO></vCard></iq>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::Avatar {
            jid: ROOM.into(),
            hash: "7037807198c22a7d2b0807371d763779a84fdfcf".into(),
            mime: "image/png".into(),
            data: vec![1, 2, 3]
        }]
    );
}

#[test]
fn a_refused_room_photo_is_a_room_error() {
    let mut t = joined();
    t.s.set_room_avatar(ROOM, None);
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' to='{ROOM}' id='id5'><vCard xmlns='vcard-temp'/></iq>"
    )]);
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='error' from='{ROOM}' id='id5'><error type='auth'>\
         <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomError {
            room: ROOM.into(),
            action: RoomAction::SetAvatar,
            error: MucError::Forbidden
        }]
    );
}
