use super::*;
use crate::chat::{Attachment, Quote};
use jid::Jid;
use minidom::Element;
use xmpp_parsers::message::Message;

fn msg(s: &str) -> Message {
    Message::try_from(s.parse::<Element>().unwrap()).unwrap()
}

fn chat() -> Message {
    Message::chat(Some(Jid::new("bob@example.org").unwrap()))
}

/// Parses what `decorate` wrote, as the other side would.
fn round_trip(body: &str, extras: &Extras) -> (Option<String>, Extras) {
    let el: Element = decorate(chat(), body, extras).into();
    parse(&Message::try_from(el).unwrap())
}

#[test]
fn a_reply_from_conversations_is_read_without_its_quote() {
    let m = msg("<message xmlns='jabber:client' type='chat' from='anna@example.com/laptop'>\
        <body>&gt; Anna wrote:\n&gt; We should bake a cake\nGreat idea!</body>\
        <reply to='anna@example.com/laptop' id='message-id1' xmlns='urn:xmpp:reply:0'/>\
        <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='0' end='38'/></fallback>\
        </message>");
    let (body, extras) = parse(&m);
    assert_eq!(body.as_deref(), Some("Great idea!"));
    assert_eq!(
        extras.reply,
        Some(Quote {
            id: "message-id1".into(),
            to: "anna@example.com/laptop".into(),
            text: "Anna wrote:\nWe should bake a cake".into(),
        })
    );
    assert!(!extras.is_action());
}

#[test]
fn fallback_ranges_count_code_points_not_bytes() {
    // "> ü🎂\n" is 5 code points but 9 bytes.
    let m = msg("<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <body>&gt; ü🎂\nyes</body><reply id='r1' xmlns='urn:xmpp:reply:0'/>\
        <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='0' end='5'/></fallback>\
        </message>");
    let (body, extras) = parse(&m);
    assert_eq!(body.as_deref(), Some("yes"));
    assert_eq!(extras.reply.unwrap().text, "ü🎂");
}

#[test]
fn a_fallback_for_something_we_do_not_know_stays_in_the_body() {
    let m = msg(
        "<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <body>[encrypted]</body>\
        <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:something:0'/></message>",
    );
    assert_eq!(parse(&m).0.as_deref(), Some("[encrypted]"));
}

#[test]
fn our_reply_carries_a_quote_and_its_range() {
    let extras = Extras {
        reply: Some(Quote {
            id: "o1".into(),
            to: "bob@example.org".into(),
            text: "two\nlines".into(),
        }),
        ..Extras::default()
    };
    let el: Element = decorate(chat(), "answer", &extras).into();
    let expected: Element = "<message xmlns='jabber:client' type='chat' to='bob@example.org'>\
        <body>&gt; two\n&gt; lines\nanswer</body>\
        <reply xmlns='urn:xmpp:reply:0' id='o1' to='bob@example.org'/>\
        <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'><body start='0' end='14'/></fallback>\
        </message>"
        .parse()
        .unwrap();
    assert_eq!(el, expected);
    let (body, back) = round_trip("answer", &extras);
    assert_eq!(body.as_deref(), Some("answer"));
    assert_eq!(back, extras);
}

#[test]
fn a_long_quote_is_shortened() {
    let long = "x".repeat(500);
    let extras = Extras {
        reply: Some(Quote {
            id: "o1".into(),
            to: String::new(),
            text: long,
        }),
        ..Extras::default()
    };
    let (_, back) = round_trip("ok", &extras);
    let text = back.reply.unwrap().text;
    assert_eq!(text.chars().count(), 121);
    assert!(text.ends_with('…'));
}

#[test]
fn reactions_round_trip_with_a_store_hint_and_no_body() {
    let extras = Extras {
        reactions: Some(Reactions {
            id: "m1".into(),
            emojis: vec!["👍".into(), "❤️".into()],
        }),
        ..Extras::default()
    };
    let el: Element = decorate(chat(), "", &extras).into();
    assert!(el.get_child("body", "jabber:client").is_none());
    assert!(el.get_child("store", "urn:xmpp:hints").is_some());
    let (body, back) = round_trip("", &extras);
    assert_eq!(body, None);
    assert_eq!(back, extras);
    assert!(back.is_action());
    assert_eq!(back.target(), Some("m1"));
    assert!(!back.wants_receipt());
}

#[test]
fn duplicate_and_blank_reactions_are_dropped() {
    let m = msg(
        "<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <reactions id='m1' xmlns='urn:xmpp:reactions:0'><reaction>👍</reaction>\
        <reaction> </reaction><reaction>👍</reaction><reaction>🐢</reaction></reactions></message>",
    );
    assert_eq!(
        parse(&m).1.reactions,
        Some(Reactions {
            id: "m1".into(),
            emojis: vec!["👍".into(), "🐢".into()]
        })
    );
}

#[test]
fn removing_every_reaction_is_an_empty_set() {
    let m = msg(
        "<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <reactions id='m1' xmlns='urn:xmpp:reactions:0'/></message>",
    );
    assert_eq!(parse(&m).1.reactions.unwrap().emojis, Vec::<String>::new());
}

#[test]
fn a_correction_names_the_original() {
    let extras = Extras {
        replaces: Some("orig".into()),
        ..Extras::default()
    };
    let (body, back) = round_trip("fixed text", &extras);
    assert_eq!(body.as_deref(), Some("fixed text"));
    assert_eq!(back.replaces.as_deref(), Some("orig"));
    assert_eq!(back.target(), Some("orig"));
    assert!(back.wants_receipt());
}

#[test]
fn a_retraction_has_the_fallback_body_for_old_clients_and_none_for_us() {
    let extras = Extras {
        retracts: Some("orig".into()),
        ..Extras::default()
    };
    let el: Element = decorate(chat(), "ignored", &extras).into();
    let expected: Element = format!(
        "<message xmlns='jabber:client' type='chat' to='bob@example.org'>\
        <body>{}</body><retract xmlns='urn:xmpp:message-retract:1' id='orig'/>\
        <store xmlns='urn:xmpp:hints'/>\
        <fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/></message>",
        retraction::FALLBACK_BODY.replace('\'', "&apos;")
    )
    .parse()
    .unwrap();
    assert_eq!(el, expected);
    let (body, back) = round_trip("ignored", &extras);
    assert_eq!(body.as_deref(), Some(""));
    assert_eq!(back.retracts.as_deref(), Some("orig"));
}

#[test]
fn the_older_fastened_retraction_is_understood() {
    let m = msg("<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <apply-to xmlns='urn:xmpp:fasten:0' id='orig'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to>\
        <body>/me retracted a previous message, but it's unsupported by your client.</body></message>");
    let (body, extras) = parse(&m);
    assert_eq!(extras.retracts.as_deref(), Some("orig"));
    assert_eq!(body.as_deref(), Some(""));
}

#[test]
fn an_oob_link_that_is_the_whole_body_is_a_file() {
    let m = msg("<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <body>https://up.example.com/abc/holiday%20photo.JPG</body>\
        <x xmlns='jabber:x:oob'><url>https://up.example.com/abc/holiday%20photo.JPG</url></x></message>");
    assert_eq!(
        parse(&m).1.attachment,
        Some(Attachment {
            url: "https://up.example.com/abc/holiday%20photo.JPG".into(),
            name: "holiday photo.JPG".into(),
            mime: "image/jpeg".into(),
            ..Attachment::default()
        })
    );
}

#[test]
fn an_oob_link_beside_other_text_is_not_an_attachment() {
    let m = msg(
        "<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <body>look at https://example.com/a.png</body>\
        <x xmlns='jabber:x:oob'><url>https://example.com/a.png</url></x></message>",
    );
    assert_eq!(parse(&m).1.attachment, None);
    let m = msg(
        "<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <body>javascript:alert(1)</body>\
        <x xmlns='jabber:x:oob'><url>javascript:alert(1)</url></x></message>",
    );
    assert_eq!(parse(&m).1.attachment, None);
}

#[test]
fn a_shared_file_round_trips_with_its_metadata() {
    let a = Attachment {
        url: "http://localhost:5280/file_share/x/pic.png".into(),
        name: "pic.png".into(),
        mime: "image/png".into(),
        size: 12345,
        width: Some(640),
        height: Some(480),
        duration_ms: None,
        thumbnail: Some("data:image/png;base64,iVBORw0KGgo=".into()),
    };
    let extras = Extras {
        attachment: Some(a.clone()),
        ..Extras::default()
    };
    let (body, back) = round_trip(&a.url, &extras);
    assert_eq!(body.as_deref(), Some(a.url.as_str()));
    assert_eq!(back.attachment, Some(a.clone()));
    // Clients with only XEP-0066 still see the URL as the body and in OOB.
    let el: Element = decorate(chat(), &a.url, &extras).into();
    let oob = el.get_child("x", "jabber:x:oob").unwrap();
    assert_eq!(oob.get_child("url", "jabber:x:oob").unwrap().text(), a.url);
}

#[test]
fn a_voice_message_keeps_its_length_and_a_remote_thumbnail_is_refused() {
    let m = msg("<message xmlns='jabber:client' type='chat' from='a@example.com/x'>\
        <body>http://h/v.ogg</body>\
        <file-sharing xmlns='urn:xmpp:sfs:0'><file xmlns='urn:xmpp:file:metadata:0'>\
        <media-type>audio/ogg</media-type><name>voice.ogg</name><size>999</size><length>4200</length>\
        <thumbnail xmlns='urn:xmpp:thumbs:1' uri='https://tracker.example/pixel.png'/></file>\
        <sources><url-data xmlns='http://jabber.org/protocol/url-data' target='http://h/v.ogg'/></sources>\
        </file-sharing></message>");
    let a = parse(&m).1.attachment.unwrap();
    assert_eq!(a.duration_ms, Some(4200));
    assert_eq!(a.size, 999);
    assert_eq!(a.thumbnail, None);
    assert_eq!(a.kind(), crate::chat::AttachmentKind::Audio);
}

#[test]
fn mime_types_are_guessed_from_extensions() {
    assert_eq!(guess_mime("a.webm"), "video/webm");
    assert_eq!(guess_mime("A.PDF"), "application/pdf");
    assert_eq!(guess_mime("noext"), "application/octet-stream");
}
