//! Reducer tests of "My status", idle and contacts' status lines.
use super::tests::signed_in;
use super::*;

// ---- "My status" and idle (issue 4) ----

fn presence_command(a: Availability, status: Option<&str>, idle_since: Option<u64>) -> Effect {
    Effect::Command(Command::SetPresence {
        presence: crate::xmpp::Presence {
            availability: a,
            status: status.map(str::to_owned),
        },
        idle_since,
    })
}

#[test]
fn choosing_a_status_saves_it_and_announces_it() {
    let mut s = signed_in();
    assert_eq!(s.my_presence, MyPresence::default());
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Away,
            status: "  In a\n meeting  ".into(),
        },
        1,
    );
    let kept = MyPresence {
        availability: Availability::Away,
        status: "In a meeting".into(),
    };
    assert_eq!(
        fx,
        vec![
            Effect::SaveSetting {
                key: MY_PRESENCE.into(),
                value: kept.to_setting(),
            },
            presence_command(Availability::Away, Some("In a meeting"), None),
        ]
    );
    assert_eq!(s.my_presence, kept);
    // The same again: nothing to do.
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Away,
            status: "In a meeting".into(),
        },
        2,
    );
    assert_eq!(fx, vec![]);
    // An emptied message is no <status/>.
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Busy,
            status: "   ".into(),
        },
        3,
    );
    assert_eq!(fx[1], presence_command(Availability::Busy, None, None));
}

#[test]
fn a_status_message_is_cut_to_a_line() {
    let long = "x".repeat(STATUS_MAX_CHARS + 20);
    let p = MyPresence::new(Availability::Online, &long);
    assert_eq!(p.status.chars().count(), STATUS_MAX_CHARS);
}

#[test]
fn the_chosen_status_round_trips_through_the_setting() {
    let p = MyPresence::new(Availability::Busy, "Do not disturb");
    assert_eq!(MyPresence::from_setting(&p.to_setting()), Some(p));
    assert_eq!(MyPresence::from_setting("garbage"), None);
}

#[test]
fn idle_shows_online_as_away_with_the_idle_time_and_back() {
    let mut s = signed_in();
    let fx = s.apply(Input::Idle(Some(1_000)), 400_000);
    assert_eq!(
        fx,
        vec![presence_command(Availability::Away, None, Some(1_000))]
    );
    assert_eq!(
        s.my_presence.availability,
        Availability::Online,
        "the choice stays"
    );
    assert_eq!(s.apply(Input::Idle(Some(1_000)), 400_001), vec![]);
    let fx = s.apply(Input::Idle(None), 400_002);
    assert_eq!(fx, vec![presence_command(Availability::Online, None, None)]);
}

#[test]
fn idle_keeps_busy_and_its_message() {
    let mut s = signed_in();
    s.apply(
        Input::SetMyPresence {
            availability: Availability::Busy,
            status: "focus".into(),
        },
        1,
    );
    let fx = s.apply(Input::Idle(Some(5)), 2);
    assert_eq!(
        fx,
        vec![presence_command(Availability::Busy, Some("focus"), Some(5))]
    );
    // Choosing while idle announces the idle time too.
    let fx = s.apply(
        Input::SetMyPresence {
            availability: Availability::Online,
            status: "focus".into(),
        },
        3,
    );
    assert_eq!(
        fx[1],
        presence_command(Availability::Away, Some("focus"), Some(5))
    );
}

#[test]
fn a_contacts_status_message_shows_with_its_presence() {
    let mut s = signed_in();
    let presence = |a, status: Option<&str>, idle_since| {
        Input::Xmpp(Event::ContactPresence {
            jid: "bob@x".into(),
            availability: a,
            status: status.map(str::to_owned),
            idle_since,
        })
    };
    s.apply(presence(Availability::Away, Some("In a meeting"), None), 1);
    assert_eq!(
        s.status_line("bob@x", |_| String::new()),
        "away · In a meeting"
    );
    assert_eq!(s.status_message("bob@x"), Some("In a meeting"));
    s.apply(presence(Availability::Busy, Some("Writing"), None), 2);
    assert_eq!(s.status_line("bob@x", |_| String::new()), "busy · Writing");
    s.apply(presence(Availability::Online, None, Some(900)), 3);
    assert_eq!(
        s.status_line("bob@x", |at| format!("at {at}")),
        "online, idle since at 900"
    );
    // Gone: an unavailable presence's status is not shown.
    s.apply(presence(Availability::Offline, Some("Logged out"), None), 4);
    assert_eq!(s.status_message("bob@x"), None);
    assert_eq!(s.status_line("bob@x", |_| String::new()), "offline");
}
