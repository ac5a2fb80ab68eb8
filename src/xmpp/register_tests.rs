//! Transcript tests of in-band registration.

use super::*;

struct Counter(u32);

impl IdSource for Counter {
    fn next_id(&mut self) -> String {
        self.0 += 1;
        format!("r{}", self.0)
    }
}

fn el(s: &str) -> Element {
    s.parse().unwrap()
}

fn sent(r: &mut Registration) -> Vec<Element> {
    std::iter::from_fn(|| r.poll_transmit())
        .map(|f| el(&f))
        .collect()
}

fn events(r: &mut Registration) -> Vec<RegistrationEvent> {
    std::iter::from_fn(|| r.poll_event()).collect()
}

fn started() -> Registration {
    let mut r = Registration::new("example.org", Box::new(Counter(0)));
    r.start(0);
    r.handle_frame(
        "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.org' id='1' version='1.0'/>",
        0,
    );
    r.handle_frame(
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
         <register xmlns='http://jabber.org/features/iq-register'/></stream:features>",
        0,
    );
    assert_eq!(
        sent(&mut r),
        vec![
            el("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>"),
            el("<iq xmlns='jabber:client' type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>"),
        ]
    );
    r
}

const PROSODY_FORM: &str = "<iq xmlns='jabber:client' type='result' id='r1'>\
    <query xmlns='jabber:iq:register'><instructions>Choose a username and password.</instructions>\
    <username/><password/>\
    <x xmlns='jabber:x:data' type='form'><title>Creating a new account</title>\
    <instructions>Choose a username and password for use with this service.</instructions>\
    <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>\
    <field var='username' type='text-single' label='Username'><required/></field>\
    <field var='password' type='text-private' label='Password'><required/></field>\
    <field var='challenge' type='hidden'><value>xyz</value></field>\
    <field var='ocr' type='text-single' label='Enter the text'>\
    <media xmlns='urn:xmpp:media-element'><uri type='image/png'>cid:sha1+abc@bob.xmpp.org</uri></media>\
    </field></x>\
    <data xmlns='urn:xmpp:bob' cid='sha1+abc@bob.xmpp.org' type='image/png'>iVBORw0KGgo=</data>\
    </query></iq>";

#[test]
fn registration_with_a_data_form_renders_and_submits_that_form() {
    let mut r = started();
    r.handle_frame(PROSODY_FORM, 0);
    let ev = events(&mut r);
    let [RegistrationEvent::Form(form)] = ev.as_slice() else {
        panic!("{ev:?}")
    };
    assert!(form.is_data_form);
    assert_eq!(
        form.instructions.as_deref(),
        Some("Choose a username and password for use with this service.")
    );
    let vars: Vec<_> = form
        .fields
        .iter()
        .map(|f| (f.var.as_str(), f.kind))
        .collect();
    assert_eq!(
        vars,
        vec![
            ("username", FieldKind::TextSingle),
            ("password", FieldKind::TextPrivate),
            ("challenge", FieldKind::Hidden),
            ("ocr", FieldKind::TextSingle)
        ]
    );
    assert!(form.fields[0].required);
    assert_eq!(
        form.fields[3].media,
        Some((
            "image/png".into(),
            "data:image/png;base64,iVBORw0KGgo=".into()
        ))
    );
    r.submit(vec![
        ("username".into(), "alice".into()),
        ("password".into(), "secret".into()),
        ("ocr".into(), "7x3".into()),
    ]);
    let out = sent(&mut r);
    let expected = el(
        "<iq xmlns='jabber:client' type='set' id='r2'><query xmlns='jabber:iq:register'>\
        <x xmlns='jabber:x:data' type='submit'>\
        <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>\
        <field var='username'><value>alice</value></field>\
        <field var='password' type='text-private'><value>secret</value></field>\
        <field var='challenge' type='hidden'><value>xyz</value></field>\
        <field var='ocr'><value>7x3</value></field></x></query></iq>",
    );
    assert_eq!(out, vec![expected]);
    r.handle_frame("<iq xmlns='jabber:client' type='result' id='r2'/>", 0);
    assert_eq!(
        events(&mut r),
        vec![RegistrationEvent::Registered {
            username: "alice".into()
        }]
    );
    assert_eq!(
        sent(&mut r),
        vec![el("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")]
    );
}

#[test]
fn registration_with_legacy_fields() {
    let mut r = started();
    r.handle_frame(
        "<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:register'>\
         <username/><password/><instructions>Choose a username and password</instructions>\
         </query></iq>",
        0,
    );
    let ev = events(&mut r);
    let [RegistrationEvent::Form(form)] = ev.as_slice() else {
        panic!("{ev:?}")
    };
    assert!(!form.is_data_form);
    assert_eq!(
        form.instructions.as_deref(),
        Some("Choose a username and password")
    );
    let fields: Vec<_> = form
        .fields
        .iter()
        .map(|f| (f.var.as_str(), f.label.as_str(), f.kind))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("username", "Username", FieldKind::TextSingle),
            ("password", "Password", FieldKind::TextPrivate)
        ]
    );
    r.submit(vec![
        ("username".into(), "bob".into()),
        ("password".into(), "pw".into()),
    ]);
    assert_eq!(
        sent(&mut r),
        vec![el(
            "<iq xmlns='jabber:client' type='set' id='r2'><query xmlns='jabber:iq:register'>\
            <username>bob</username><password>pw</password></query></iq>"
        )]
    );
    r.handle_frame("<iq xmlns='jabber:client' type='result' id='r2'/>", 0);
    assert_eq!(
        events(&mut r),
        vec![RegistrationEvent::Registered {
            username: "bob".into()
        }]
    );
}

#[test]
fn a_taken_username_is_reported_and_the_form_can_be_resubmitted() {
    let mut r = started();
    r.handle_frame(
        "<iq xmlns='jabber:client' type='result' id='r1'><query xmlns='jabber:iq:register'>\
         <username/><password/></query></iq>",
        0,
    );
    events(&mut r);
    r.submit(vec![
        ("username".into(), "bob".into()),
        ("password".into(), "pw".into()),
    ]);
    sent(&mut r);
    r.handle_frame(
        "<iq xmlns='jabber:client' type='error' id='r2'><error type='cancel'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
        0,
    );
    assert_eq!(
        events(&mut r),
        vec![RegistrationEvent::Failed("That username is taken.".into())]
    );
    r.submit(vec![
        ("username".into(), "bob2".into()),
        ("password".into(), "pw".into()),
    ]);
    assert_eq!(sent(&mut r).len(), 1);
}

#[test]
fn registration_refused_by_the_server_is_a_sentence() {
    let mut r = started();
    r.handle_frame(
        "<iq xmlns='jabber:client' type='error' id='r1'><error type='cancel'>\
         <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
        0,
    );
    assert_eq!(
        events(&mut r),
        vec![RegistrationEvent::Failed(
            "Registration is not allowed on this server.".into()
        )]
    );
}

#[test]
fn a_silent_server_times_out() {
    let mut r = started();
    assert_eq!(r.poll_timeout(), Some(30_000));
    r.handle_timeout(30_000);
    assert!(matches!(
        events(&mut r).as_slice(),
        [RegistrationEvent::Failed(_)]
    ));
}

#[test]
fn form_types_round_trip_through_serde() {
    let form = RegistrationForm {
        instructions: None,
        fields: vec![FormField {
            var: "username".into(),
            label: "Username".into(),
            kind: FieldKind::TextSingle,
            required: true,
            value: String::new(),
            options: vec![],
            media: None,
        }],
        is_data_form: false,
    };
    let json = serde_json::to_string(&form).unwrap();
    assert_eq!(
        serde_json::from_str::<RegistrationForm>(&json).unwrap(),
        form
    );
}
