//! Transcript tests of group chat: MUC service discovery, creating and
//! configuring rooms (Prosody- and ejabberd-like owner forms), joining,
//! occupants, exits, groupchat messages, invitations, moderation and room
//! archives.

use crate::chat::Availability;
use crate::xmpp::session::harness::*;
use crate::xmpp::*;

pub(super) const ROOM: &str = "team@conference.example.org";
const MUC: &str = "http://jabber.org/protocol/muc";
pub(super) const MUC_USER: &str = "http://jabber.org/protocol/muc#user";

/// Online, the MUC service discovered; the next id is id8.
pub(super) fn with_service() -> T {
    let mut t = T::online();
    t.s.discover_muc_service();
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='example.org' id='id5'>\
        <query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
    ]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='example.org' id='id5'>\
         <query xmlns='http://jabber.org/protocol/disco#items'>\
         <item jid='upload.example.org'/><item jid='conference.example.org'/></query></iq>",
    );
    t.expect_sent(&[
        "<iq xmlns='jabber:client' type='get' to='upload.example.org' id='id6'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
        "<iq xmlns='jabber:client' type='get' to='conference.example.org' id='id7'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    ]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='upload.example.org' id='id6'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='store' type='file'/></query></iq>",
    );
    assert_eq!(t.events(), vec![]);
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='conference.example.org' id='id7'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='conference' type='text' name='Chatrooms'/>\
         <feature var='http://jabber.org/protocol/muc'/></query></iq>",
    );
    assert_eq!(
        t.events(),
        vec![Event::MucService {
            service: Some("conference.example.org".into())
        }]
    );
    t
}

fn join_presence(to: &str) -> String {
    format!(
        "<presence xmlns='jabber:client' to='{to}'><priority>0</priority><x xmlns='{MUC}'><history maxchars='0'/></x>\
         </presence>"
    )
}

pub(super) fn occupant_presence(room: &str, nick: &str, extra: &str, codes: &[u16]) -> String {
    let codes: String = codes
        .iter()
        .map(|c| format!("<status code='{c}'/>"))
        .collect();
    format!(
        "<presence xmlns='jabber:client' from='{room}/{nick}' to='user@example.org/web'>\
         <x xmlns='{MUC_USER}'>{extra}{codes}</x></presence>"
    )
}

pub(super) fn item(affiliation: &str, role: &str, jid: Option<&str>) -> String {
    let jid = jid.map_or(String::new(), |j| format!(" jid='{j}'"));
    format!("<item affiliation='{affiliation}' role='{role}'{jid}/>")
}

pub(super) fn occupant(
    nick: &str,
    jid: Option<&str>,
    role: Role,
    affiliation: Affiliation,
    me: bool,
) -> Occupant {
    Occupant {
        nick: nick.into(),
        jid: jid.map(str::to_owned),
        role,
        affiliation,
        availability: Availability::Online,
        status: None,
        is_me: me,
    }
}

pub(super) fn me_owner() -> Occupant {
    occupant(
        "user",
        Some("user@example.org"),
        Role::Moderator,
        Affiliation::Owner,
        true,
    )
}

/// Online and joined to ROOM as "user" (a member) with bob present; the
/// next id is id5.
pub(super) fn joined() -> T {
    let mut t = T::online();
    t.s.join_room(ROOM, None, None).unwrap();
    t.expect_sent(&[&join_presence(&format!("{ROOM}/user"))]);
    t.recv(&occupant_presence(
        ROOM,
        "bob",
        &item("owner", "moderator", Some("bob@example.org/pc")),
        &[],
    ));
    t.recv(&occupant_presence(
        ROOM,
        "user",
        &item("member", "participant", Some("user@example.org/web")),
        &[100, 110],
    ));
    t.events();
    t
}

#[test]
fn discovery_finds_the_conference_service() {
    let t = with_service();
    assert_eq!(t.s.muc_service(), Some("conference.example.org"));
}

#[test]
fn discovery_without_a_conference_service_reports_none() {
    let mut t = T::online();
    t.s.discover_muc_service();
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='result' from='example.org' id='id5'>\
         <query xmlns='http://jabber.org/protocol/disco#items'><item jid='pubsub.example.org'/>\
         </query></iq>",
    );
    t.sent();
    t.recv(
        "<iq xmlns='jabber:client' type='error' from='pubsub.example.org' id='id6'>\
         <error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
         </error></iq>",
    );
    assert_eq!(t.events(), vec![Event::MucService { service: None }]);
    assert_eq!(t.s.muc_service(), None);
    assert_eq!(t.s.create_room("x", "y", None), Err(MucError::NoService));
}

const PROSODY_FORM: &str = "<x xmlns='jabber:x:data' type='form'>\
    <title>Configuration for id8@conference.example.org</title>\
    <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>\
    <field type='fixed'><value>Room information</value></field>\
    <field var='muc#roomconfig_roomname' type='text-single' label='Title'/>\
    <field var='muc#roomconfig_roomdesc' type='text-single' label='Description'/>\
    <field var='muc#roomconfig_persistentroom' type='boolean'><value>0</value></field>\
    <field var='muc#roomconfig_publicroom' type='boolean'><value>1</value></field>\
    <field var='muc#roomconfig_membersonly' type='boolean'><value>0</value></field>\
    <field var='muc#roomconfig_whois' type='list-single'><option label='Moderators only'>\
    <value>moderators</value></option><option label='Anyone'><value>anyone</value></option>\
    <value>moderators</value></field>\
    <field var='muc#roomconfig_historylength' type='text-single'><value>20</value></field>\
    <field var='muc#roomconfig_enablearchiving' type='boolean'><value>0</value></field>\
    </x>";

const PROSODY_SUBMIT: &str = "<x xmlns='jabber:x:data' type='submit'>\
    <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>\
    <field var='muc#roomconfig_roomname'><value>Team</value></field>\
    <field var='muc#roomconfig_roomdesc'><value>Our team</value></field>\
    <field var='muc#roomconfig_persistentroom'><value>1</value></field>\
    <field var='muc#roomconfig_publicroom'><value>0</value></field>\
    <field var='muc#roomconfig_membersonly'><value>1</value></field>\
    <field var='muc#roomconfig_whois'><value>anyone</value></field>\
    <field var='muc#roomconfig_historylength'><value>20</value></field>\
    <field var='muc#roomconfig_enablearchiving'><value>1</value></field>\
    </x>";

const EJABBERD_FORM: &str = "<x xmlns='jabber:x:data' type='form'>\
    <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>\
    <field var='muc#roomconfig_roomname' type='text-single'><value/></field>\
    <field var='muc#roomconfig_roomdesc' type='text-single'><value/></field>\
    <field var='muc#roomconfig_persistentroom' type='boolean'><value>false</value></field>\
    <field var='muc#roomconfig_publicroom' type='boolean'><value>true</value></field>\
    <field var='public_list' type='boolean'><value>true</value></field>\
    <field var='muc#roomconfig_membersonly' type='boolean'><value>false</value></field>\
    <field var='muc#roomconfig_whois' type='list-single'><value>moderators</value>\
    <option><value>moderators</value></option><option><value>anyone</value></option></field>\
    <field var='mam' type='boolean'><value>false</value></field>\
    </x>";

const EJABBERD_SUBMIT: &str = "<x xmlns='jabber:x:data' type='submit'>\
    <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>\
    <field var='muc#roomconfig_roomname'><value>Team</value></field>\
    <field var='muc#roomconfig_roomdesc'><value>Our team</value></field>\
    <field var='muc#roomconfig_persistentroom'><value>1</value></field>\
    <field var='muc#roomconfig_publicroom'><value>0</value></field>\
    <field var='public_list'><value>true</value></field>\
    <field var='muc#roomconfig_membersonly'><value>1</value></field>\
    <field var='muc#roomconfig_whois'><value>anyone</value></field>\
    <field var='mam'><value>1</value></field>\
    </x>";

fn create_with_form(form: &str, submit: &str) {
    let mut t = with_service();
    let room = t.s.create_room("Team", "Our team", None).unwrap();
    assert_eq!(room, "id8@conference.example.org");
    t.expect_sent(&[&join_presence("id8@conference.example.org/user")]);
    t.recv(&occupant_presence(
        &room,
        "user",
        &item("owner", "moderator", Some("user@example.org/web")),
        &[110, 201],
    ));
    assert_eq!(
        t.events(),
        vec![
            Event::RoomJoined {
                room: room.clone(),
                nick: "user".into(),
                role: Role::Moderator,
                affiliation: Affiliation::Owner
            },
            Event::Occupants {
                room: room.clone(),
                changes: vec![OccupantChange::Present(me_owner())]
            }
        ]
    );
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='get' to='{room}' id='id9'>\
         <query xmlns='http://jabber.org/protocol/muc#owner'/></iq>"
    )]);
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' from='{room}' id='id9'>\
         <query xmlns='http://jabber.org/protocol/muc#owner'>{form}</query></iq>"
    ));
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' to='{room}' id='id10'>\
         <query xmlns='http://jabber.org/protocol/muc#owner'>{submit}</query></iq>"
    )]);
    assert_eq!(
        t.events(),
        vec![],
        "created only once the config is accepted"
    );
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' from='{room}' id='id10'/>"
    ));
    assert_eq!(t.events(), vec![Event::RoomCreated { room }]);
}

#[test]
fn created_room_is_configured_with_a_prosody_form() {
    create_with_form(PROSODY_FORM, PROSODY_SUBMIT);
}

#[test]
fn created_room_is_configured_with_an_ejabberd_form() {
    create_with_form(EJABBERD_FORM, EJABBERD_SUBMIT);
}

#[test]
fn a_refused_configuration_is_a_create_error() {
    let mut t = with_service();
    let room = t.s.create_room("Team", "", Some("boss")).unwrap();
    t.expect_sent(&[&join_presence(&format!("{room}/boss"))]);
    t.recv(&occupant_presence(
        &room,
        "boss",
        &item("owner", "moderator", None),
        &[110, 201],
    ));
    t.events();
    t.sent();
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='error' from='{room}' id='id9'><error type='auth'>\
         <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomError {
            room,
            action: RoomAction::Create,
            error: MucError::Forbidden
        }]
    );
}

#[test]
fn joining_a_new_room_submits_an_instant_room_form() {
    let mut t = T::online();
    t.s.join_room(ROOM, Some("Al"), None).unwrap();
    t.expect_sent(&[&join_presence(&format!("{ROOM}/Al"))]);
    t.recv(&occupant_presence(
        ROOM,
        "Al",
        &item("owner", "moderator", None),
        &[110, 201],
    ));
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='set' to='{ROOM}' id='id5'>\
         <query xmlns='http://jabber.org/protocol/muc#owner'>\
         <x xmlns='jabber:x:data' type='submit'/></query></iq>"
    )]);
    t.events();
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' from='{ROOM}' id='id5'/>"
    ));
    assert_eq!(t.events(), vec![Event::RoomCreated { room: ROOM.into() }]);
}

#[test]
fn join_reports_the_occupants_at_once_then_changes_batched() {
    let mut t = T::online();
    t.s.join_room(ROOM, None, Some("secret")).unwrap();
    t.expect_sent(&[&format!(
        "<presence xmlns='jabber:client' to='{ROOM}/user'><priority>0</priority><x xmlns='{MUC}'>\
         <password>secret</password><history maxchars='0'/></x></presence>"
    )]);
    for n in 0..50 {
        t.recv(&occupant_presence(
            ROOM,
            &format!("p{n}"),
            &item("member", "participant", None),
            &[],
        ));
    }
    t.recv(&format!(
        "<presence xmlns='jabber:client' type='unavailable' from='{ROOM}/p49'>\
         <x xmlns='{MUC_USER}'>{}</x></presence>",
        item("member", "none", None)
    ));
    assert_eq!(t.events(), vec![], "nothing before our self-presence");
    t.recv(&occupant_presence(
        ROOM,
        "user",
        &item("member", "participant", Some("user@example.org/web")),
        &[110],
    ));
    let events = t.events();
    assert_eq!(events.len(), 2);
    assert!(
        matches!(&events[0], Event::RoomJoined { nick, affiliation: Affiliation::Member, .. } if nick == "user")
    );
    let Event::Occupants { room, changes } = &events[1] else {
        panic!("{events:?}")
    };
    assert_eq!(room, ROOM);
    assert_eq!(changes.len(), 50, "49 others and us, in one event");
    // Later changes: one per presence, merged while the events wait.
    t.recv(&format!(
        "<presence xmlns='jabber:client' from='{ROOM}/p1'><show>away</show>\
         <x xmlns='{MUC_USER}'>{}</x></presence>",
        item("admin", "moderator", Some("p1@example.org/x"))
    ));
    t.recv(&format!(
        "<presence xmlns='jabber:client' type='unavailable' from='{ROOM}/p2'>\
         <x xmlns='{MUC_USER}'>{}</x></presence>",
        item("member", "none", None)
    ));
    assert_eq!(
        t.events(),
        vec![Event::Occupants {
            room: ROOM.into(),
            changes: vec![
                OccupantChange::Present(Occupant {
                    availability: Availability::Away,
                    ..occupant(
                        "p1",
                        Some("p1@example.org"),
                        Role::Moderator,
                        Affiliation::Admin,
                        false
                    )
                }),
                OccupantChange::Gone { nick: "p2".into() }
            ]
        }]
    );
}

#[test]
fn a_taken_nick_is_retried_once_then_reported() {
    let mut t = T::online();
    t.s.join_room(ROOM, Some("al"), None).unwrap();
    t.sent();
    let conflict = format!(
        "<presence xmlns='jabber:client' type='error' from='{ROOM}/al'><error type='cancel'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>"
    );
    t.recv(&conflict);
    t.expect_sent(&[&join_presence(&format!("{ROOM}/al_2"))]);
    assert_eq!(t.events(), vec![]);
    t.recv(&conflict.replace("/al'", "/al_2'"));
    assert_eq!(
        t.events(),
        vec![Event::RoomError {
            room: ROOM.into(),
            action: RoomAction::Join,
            error: MucError::NickInUse
        }]
    );
    assert_eq!(t.s.room_nick(ROOM), None, "forgotten");
}

#[test]
fn join_errors_are_named() {
    for (condition, error) in [
        ("registration-required", MucError::MembersOnly),
        ("not-authorized", MucError::PasswordRequired),
        ("forbidden", MucError::Banned),
        ("item-not-found", MucError::NotFound),
    ] {
        let mut t = T::online();
        t.s.join_room(ROOM, None, None).unwrap();
        t.sent();
        t.recv(&format!(
            "<presence xmlns='jabber:client' type='error' from='{ROOM}/user'><error type='auth'>\
             <{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>"
        ));
        assert_eq!(
            t.events(),
            vec![Event::RoomError {
                room: ROOM.into(),
                action: RoomAction::Join,
                error
            }]
        );
    }
}

fn exit_presence(x: &str) -> String {
    format!(
        "<presence xmlns='jabber:client' type='unavailable' from='{ROOM}/user'>\
         <x xmlns='{MUC_USER}'>{x}<status code='110'/></x></presence>"
    )
}

#[test]
fn kicked_banned_removed_and_destroyed_are_told_apart() {
    let cases = [
        (
            "<item affiliation='member' role='none'><reason>spam</reason></item><status code='307'/>",
            RoomExit::Kicked {
                reason: Some("spam".into()),
            },
        ),
        (
            "<item affiliation='outcast' role='none'/><status code='301'/>",
            RoomExit::Banned { reason: None },
        ),
        (
            "<item affiliation='none' role='none'/><status code='321'/>",
            RoomExit::MembershipRevoked,
        ),
        (
            "<item affiliation='member' role='none'/><destroy jid='new@conference.example.org'>\
             <reason>moved</reason></destroy>",
            RoomExit::Destroyed {
                reason: Some("moved".into()),
                alternative: Some("new@conference.example.org".into()),
            },
        ),
    ];
    for (x, exit) in cases {
        let mut t = joined();
        t.recv(&exit_presence(x));
        assert_eq!(
            t.events(),
            vec![Event::RoomLeft {
                room: ROOM.into(),
                exit
            }]
        );
        assert_eq!(t.s.room_nick(ROOM), None);
    }
}

#[test]
fn leaving_is_confirmed_by_the_room() {
    let mut t = joined();
    t.s.leave_room(ROOM);
    t.expect_sent(&[&format!(
        "<presence xmlns='jabber:client' type='unavailable' to='{ROOM}/user'>\
         <priority>0</priority></presence>"
    )]);
    t.recv(&exit_presence("<item affiliation='member' role='none'/>"));
    assert_eq!(
        t.events(),
        vec![Event::RoomLeft {
            room: ROOM.into(),
            exit: RoomExit::Left
        }]
    );
}

#[test]
fn own_nick_change_keeps_us_in_the_room() {
    let mut t = joined();
    t.recv(&exit_presence(
        "<item affiliation='member' role='participant' nick='u2'/><status code='303'/>",
    ));
    assert_eq!(t.s.room_nick(ROOM), Some("u2"));
    assert_eq!(
        t.events(),
        vec![Event::Occupants {
            room: ROOM.into(),
            changes: vec![OccupantChange::Gone {
                nick: "user".into()
            }]
        }]
    );
}

fn groupchat_from(nick: &str, body: &str, extra: &str) -> String {
    format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/{nick}' \
         to='user@example.org/web' id='g1'><body>{body}</body>{extra}</message>"
    )
}

#[test]
fn groupchat_messages_are_room_messages_without_receipts() {
    let mut t = joined();
    t.recv(&groupchat_from(
        "bob",
        "hello",
        &format!(
            "<request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='user@example.org'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='r1' by='{ROOM}'/>"
        ),
    ));
    assert_eq!(t.sent(), vec![], "XEP-0184 §5.3: no receipts in groupchat");
    assert_eq!(
        t.events(),
        vec![Event::RoomMessage(RoomMessage {
            room: ROOM.into(),
            nick: "bob".into(),
            jid: Some("bob@example.org".into()),
            from_me: false,
            markable: true,
            id: Some("g1".into()),
            origin_id: None,
            stanza_id: Some("r1".into()),
            body: "hello".into(),
            delay: None,
            extras: Default::default(),
        })]
    );
}

#[test]
fn groupchat_messages_are_counted_by_sm_and_the_reflection_is_ours() {
    let mut t = T::online_sm();
    t.s.join_room(ROOM, None, None).unwrap();
    t.recv(&occupant_presence(
        ROOM,
        "user",
        &item("member", "participant", None),
        &[110],
    ));
    t.sent();
    t.events();
    assert_eq!(
        t.s.send_room_message(
            "other@conference.example.org",
            "x",
            "m0",
            &Default::default()
        ),
        Err(MucError::NotJoined)
    );
    t.s.send_room_message(ROOM, "hi all", "m1", &Default::default())
        .unwrap();
    t.expect_sent(&[
        &format!(
            "<message xmlns='jabber:client' type='groupchat' to='{ROOM}' id='m1'>\
             <body>hi all</body><markable xmlns='urn:xmpp:chat-markers:0'/>\
             <origin-id xmlns='urn:xmpp:sid:0' id='m1'/></message>"
        ),
        "<r xmlns='urn:xmpp:sm:3'/>",
    ]);
    // Roster, presence, disco, carbons, join, then the message: h=6.
    t.recv("<a xmlns='urn:xmpp:sm:3' h='5'/>");
    assert_eq!(t.events(), vec![]);
    t.recv("<a xmlns='urn:xmpp:sm:3' h='6'/>");
    assert_eq!(t.events(), vec![Event::Sent { id: "m1".into() }]);
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/user' id='m1'>\
         <body>hi all</body><origin-id xmlns='urn:xmpp:sid:0' id='m1'/>\
         <stanza-id xmlns='urn:xmpp:sid:0' id='r9' by='{ROOM}'/></message>"
    ));
    let events = t.events();
    let [Event::RoomMessage(m)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(m.from_me);
    assert_eq!(m.origin_id.as_deref(), Some("m1"));
    assert_eq!(m.stanza_id.as_deref(), Some("r9"));
}

#[test]
fn not_acceptable_makes_us_join_again() {
    let mut t = joined();
    t.recv(&format!(
        "<message xmlns='jabber:client' type='error' from='{ROOM}' id='m1'><error type='cancel'>\
         <not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
    ));
    t.expect_sent(&[&join_presence(&format!("{ROOM}/user"))]);
    assert_eq!(
        t.events(),
        vec![Event::MessageFailed {
            id: "m1".into(),
            reason: "not-acceptable".into()
        }]
    );
}

#[test]
fn subject_changes_are_reported_and_ours_confirmed() {
    let mut t = joined();
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/bob' id='s0'>\
         <subject>Plans</subject></message>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomSubject {
            room: ROOM.into(),
            subject: "Plans".into(),
            nick: Some("bob".into())
        }]
    );
    t.s.set_subject(ROOM, "New plans");
    t.expect_sent(&[&format!(
        "<message xmlns='jabber:client' type='groupchat' to='{ROOM}' id='id5'>\
         <subject>New plans</subject></message>"
    )]);
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/user' id='id5'>\
         <subject>New plans</subject></message>"
    ));
    assert_eq!(
        t.events(),
        vec![
            Event::RoomSubject {
                room: ROOM.into(),
                subject: "New plans".into(),
                nick: Some("user".into())
            },
            Event::RoomActionDone {
                room: ROOM.into(),
                action: RoomAction::SetSubject
            }
        ]
    );
    t.s.set_subject(ROOM, "Mine");
    t.sent();
    t.recv(&format!(
        "<message xmlns='jabber:client' type='error' from='{ROOM}' id='id6'><error type='auth'>\
         <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomError {
            room: ROOM.into(),
            action: RoomAction::SetSubject,
            error: MucError::Forbidden
        }]
    );
}

#[test]
fn our_subject_change_is_confirmed_when_the_room_sends_it_under_a_new_id() {
    // Prosody builds the subject message afresh: its id is not ours.
    let mut t = joined();
    t.s.set_subject(ROOM, "Walks");
    t.sent();
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/bob' id='other'>\
         <subject>Someone else's</subject></message>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomSubject {
            room: ROOM.into(),
            subject: "Someone else's".into(),
            nick: Some("bob".into())
        }],
        "another occupant's subject does not confirm ours"
    );
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/user' id='lua-1'>\
         <subject>Walks</subject></message>"
    ));
    assert_eq!(
        t.events(),
        vec![
            Event::RoomSubject {
                room: ROOM.into(),
                subject: "Walks".into(),
                nick: Some("user".into())
            },
            Event::RoomActionDone {
                room: ROOM.into(),
                action: RoomAction::SetSubject
            }
        ]
    );
}

#[test]
fn displayed_markers_go_to_the_room_with_its_stanza_id() {
    let mut t = joined();
    t.s.send_room_displayed(ROOM, "r1");
    t.expect_sent(&[&format!(
        "<message xmlns='jabber:client' type='groupchat' to='{ROOM}' id='id5'>\
         <displayed xmlns='urn:xmpp:chat-markers:0' id='r1'/></message>"
    )]);
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/bob'>\
         <displayed xmlns='urn:xmpp:chat-markers:0' id='r1'/></message>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomDisplayed {
            room: ROOM.into(),
            nick: "bob".into(),
            id: "r1".into(),
            from_me: false
        }]
    );
}

#[test]
fn direct_and_mediated_invitations_are_received() {
    let mut t = T::online();
    t.recv(&format!(
        "<message xmlns='jabber:client' from='bob@example.org/pc' to='user@example.org'>\
         <x xmlns='jabber:x:conference' jid='{ROOM}' reason='join us' password='pw'/></message>"
    ));
    t.recv(&format!(
        "<message xmlns='jabber:client' from='{ROOM}' to='user@example.org'>\
         <x xmlns='{MUC_USER}'><invite from='carol@example.org/x'><reason>come</reason></invite>\
         </x></message>"
    ));
    assert_eq!(t.sent(), vec![]);
    assert_eq!(
        t.events(),
        vec![
            Event::Invitation(Invitation {
                room: ROOM.into(),
                from: "bob@example.org".into(),
                reason: Some("join us".into()),
                password: Some("pw".into()),
                mediated: false
            }),
            Event::Invitation(Invitation {
                room: ROOM.into(),
                from: "carol@example.org".into(),
                reason: Some("come".into()),
                password: None,
                mediated: true
            })
        ]
    );
    t.s.decline_invitation(ROOM, "carol@example.org", Some("busy"));
    t.expect_sent(&[&format!(
        "<message xmlns='jabber:client' to='{ROOM}' id='id5'><x xmlns='{MUC_USER}'>\
         <decline to='carol@example.org'><reason>busy</reason></decline></x></message>"
    )]);
}

#[test]
fn invitations_are_sent_directly_or_through_the_room() {
    let mut t = joined();
    t.s.invite(ROOM, "dave@example.org", Some("hi"));
    t.expect_sent(&[&format!(
        "<message xmlns='jabber:client' to='dave@example.org' id='id5'>\
         <x xmlns='jabber:x:conference' jid='{ROOM}' reason='hi'/></message>"
    )]);
    t.s.invite_mediated(ROOM, "dave@example.org", None);
    t.expect_sent(&[&format!(
        "<message xmlns='jabber:client' to='{ROOM}' id='id6'><x xmlns='{MUC_USER}'>\
         <invite to='dave@example.org'/></x></message>"
    )]);
    t.recv(&format!(
        "<message xmlns='jabber:client' type='error' from='{ROOM}' id='id6'><error type='auth'>\
         <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomError {
            room: ROOM.into(),
            action: RoomAction::Invite {
                jid: "dave@example.org".into()
            },
            error: MucError::Forbidden
        }]
    );
}

fn room_result(outer_from: &str, queryid: &str, id: &str, nick: &str, body: &str) -> String {
    format!(
        "<message xmlns='jabber:client' from='{outer_from}' to='user@example.org/web'>\
         <result xmlns='urn:xmpp:mam:2' queryid='{queryid}' id='{id}'>\
         <forwarded xmlns='urn:xmpp:forward:0'>\
         <delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:01Z'/>\
         <message xmlns='jabber:client' type='groupchat' from='{ROOM}/{nick}' id='o{id}'>\
         <body>{body}</body></message></forwarded></result></message>"
    )
}

fn room_query(iq_id: &str, queryid: &str, set: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='set' to='{ROOM}' id='{iq_id}'>\
         <query xmlns='urn:xmpp:mam:2' queryid='{queryid}'>\
         <set xmlns='http://jabber.org/protocol/rsm'>{set}</set></query></iq>"
    )
}

fn fin(iq_id: &str, first: &str, last: &str, complete: bool) -> String {
    let complete = if complete { " complete='true'" } else { "" };
    format!(
        "<iq xmlns='jabber:client' type='result' from='{ROOM}' id='{iq_id}'>\
         <fin xmlns='urn:xmpp:mam:2'{complete}><set xmlns='http://jabber.org/protocol/rsm'>\
         <first index='0'>{first}</first><last>{last}</last></set></fin></iq>"
    )
}

fn archived(id: &str, nick: &str, body: &str) -> RoomMessage {
    RoomMessage {
        room: ROOM.into(),
        nick: nick.into(),
        jid: None,
        from_me: nick == "user",
        markable: false,
        id: Some(format!("o{id}")),
        origin_id: None,
        stanza_id: Some(id.into()),
        body: body.into(),
        delay: Some(1_704_067_201_000),
        extras: Default::default(),
    }
}

#[test]
fn room_archive_catch_up_pages_forward_and_rejects_foreign_results() {
    let mut t = joined();
    t.s.fetch_room_archive(ROOM, Some("r0"));
    t.expect_sent(&[&room_query("id5", "id6", "<max>250</max><after>r0</after>")]);
    t.recv(&room_result(ROOM, "id6", "r1", "bob", "one"));
    t.recv(&room_result(
        "mallory@example.org",
        "id6",
        "r2",
        "bob",
        "forged",
    ));
    t.recv(&room_result(
        &format!("{ROOM}/bob"),
        "id6",
        "r3",
        "bob",
        "forged",
    ));
    t.recv(&room_result(ROOM, "id6", "r4", "user", "mine"));
    let events = t.events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events.iter().all(|e| matches!(e, Event::Malformed { .. })));
    t.recv(&fin("id5", "r1", "r4", false));
    assert_eq!(
        t.events(),
        vec![Event::RoomArchive(RoomArchivePage {
            query: RoomArchiveQuery::CatchUp { room: ROOM.into() },
            messages: vec![archived("r1", "bob", "one"), archived("r4", "user", "mine")],
            first: Some("r1".into()),
            last: Some("r4".into()),
            complete: false,
        })]
    );
    t.expect_sent(&[&room_query("id7", "id8", "<max>250</max><after>r4</after>")]);
    t.recv(&fin("id7", "r5", "r5", true));
    assert!(matches!(
        t.events().as_slice(),
        [Event::RoomArchive(RoomArchivePage { complete: true, .. })]
    ));
    assert_eq!(t.sent(), vec![]);
}

#[test]
fn a_room_archive_that_was_empty_is_caught_up_from_its_oldest_message() {
    // The cursor "" (the archive was empty at the first join): forward
    // from the start, page after page, not only the newest page.
    let mut t = joined();
    t.s.fetch_room_archive(ROOM, Some(""));
    t.expect_sent(&[&room_query("id5", "id6", "<max>250</max>")]);
    t.recv(&room_result(ROOM, "id6", "r1", "bob", "one"));
    t.recv(&fin("id5", "r1", "r1", false));
    t.events();
    // Not complete: the next page goes on after the last one.
    t.expect_sent(&[&room_query("id7", "id8", "<max>250</max><after>r1</after>")]);
}

#[test]
fn an_older_room_page_is_one_query_and_a_failure_is_reported() {
    let mut t = joined();
    t.s.fetch_room_older(ROOM, Some("r5"), 20);
    t.expect_sent(&[&room_query(
        "id5",
        "id6",
        "<max>20</max><before>r5</before>",
    )]);
    t.recv(&error_from_room("id5", "forbidden"));
    assert_eq!(
        t.events(),
        vec![Event::RoomArchiveFailed {
            query: RoomArchiveQuery::Older { room: ROOM.into() },
            reason: "forbidden".into()
        }]
    );
}

#[test]
fn rooms_are_kept_over_a_resume() {
    let mut t = T::online_sm();
    t.s.join_room(ROOM, None, None).unwrap();
    t.recv(&occupant_presence(
        ROOM,
        "user",
        &item("member", "participant", None),
        &[110],
    ));
    t.s.handle_disconnect();
    let r = t.s.take_resumption().expect("resumable");
    let mut t = T::resuming(r, t.now + 1_000);
    t.authenticated();
    t.recv(OPEN);
    t.recv(SM_FEATURES);
    t.recv("<resumed xmlns='urn:xmpp:sm:3' previd='sm1' h='1'/>");
    t.events();
    t.sent();
    assert_eq!(t.s.room_nick(ROOM), Some("user"));
    t.s.send_room_message(ROOM, "still here", "m2", &Default::default())
        .unwrap();
}

#[test]
fn a_room_tells_its_name_through_disco_info() {
    let mut t = joined();
    t.s.fetch_room_info(ROOM);
    t.expect_sent(&[&format!(
        "<iq xmlns='jabber:client' type='get' id='id5' to='{ROOM}'>\
         <query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
    )]);
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='id5' from='{ROOM}'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='conference' type='text' name='Hikers'/>\
         <feature var='http://jabber.org/protocol/muc'/></query></iq>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomInfo {
            room: ROOM.into(),
            name: "Hikers".into()
        }]
    );
    // A room without a name says nothing.
    t.s.fetch_room_info(ROOM);
    t.sent();
    t.recv(&format!(
        "<iq xmlns='jabber:client' type='result' id='id6' from='{ROOM}'>\
         <query xmlns='http://jabber.org/protocol/disco#info'>\
         <identity category='conference' type='text'/></query></iq>"
    ));
    assert_eq!(t.events(), vec![]);
}

#[test]
fn typing_in_a_room_both_ways() {
    let mut t = joined();
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/bob' id='c1'>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>"
    ));
    assert_eq!(
        t.events(),
        vec![Event::RoomChatState {
            room: ROOM.into(),
            nick: "bob".into(),
            state: crate::xmpp::ChatState::Composing
        }]
    );
    // Our own state reflected by the room is not news.
    t.recv(&format!(
        "<message xmlns='jabber:client' type='groupchat' from='{ROOM}/user' id='c2'>\
         <composing xmlns='http://jabber.org/protocol/chatstates'/></message>"
    ));
    assert_eq!(t.events(), vec![]);
    t.s.send_room_chat_state(ROOM, crate::xmpp::ChatState::Paused);
    let sent = t.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].attr("type"), Some("groupchat"));
    assert_eq!(sent[0].attr("to"), Some(ROOM));
    assert!(sent[0].has_child("paused", "http://jabber.org/protocol/chatstates"));
}

pub(super) fn result_from_room(id: &str) -> String {
    format!("<iq xmlns='jabber:client' type='result' from='{ROOM}' id='{id}'/>")
}

pub(super) fn error_from_room(id: &str, condition: &str) -> String {
    format!(
        "<iq xmlns='jabber:client' type='error' from='{ROOM}' id='{id}'><error type='auth'>\
         <{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
    )
}
