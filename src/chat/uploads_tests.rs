//! Reducer tests of sending a file: stored first, uploaded, then sent;
//! failure, retry and cancel.
use super::tests::{open, signed_in};
use super::*;
use crate::chat::uploads::awaiting_upload;

fn photo() -> Attachment {
    Attachment {
        url: "ignored-until-uploaded".into(),
        name: "cat.jpg".into(),
        mime: "image/jpeg".into(),
        size: 2_000_000,
        width: Some(800),
        height: Some(600),
        duration_ms: None,
        thumbnail: Some("data:image/jpeg;base64,AAAA".into()),
    }
}

fn attached() -> (ChatState, Vec<Effect>) {
    let mut s = signed_in();
    open(&mut s, "bob@x");
    let fx = s.apply(
        Input::Attach {
            id: "f1".into(),
            attachment: photo(),
        },
        10,
    );
    (s, fx)
}

#[test]
fn an_attached_file_is_stored_pending_before_its_upload_is_asked_for() {
    let (s, fx) = attached();
    let Effect::SaveMessage(m) = &fx[0] else {
        panic!("{fx:?}")
    };
    assert_eq!(m.status, MessageStatus::Pending);
    assert_eq!(m.rich.attachment.as_ref().unwrap().url, "");
    assert!(awaiting_upload(m));
    assert_eq!(
        fx[1],
        Effect::Command(Command::RequestUploadSlot {
            id: "f1".into(),
            name: "cat.jpg".into(),
            size: 2_000_000,
            mime: "image/jpeg".into(),
        })
    );
    assert!(matches!(&fx[2], Effect::SaveChat(c) if c.last_preview == "📷 Photo"));
    assert_eq!(s.messages.len(), 1);
    // The outbox does not send it without its URL.
    assert_eq!(ChatState::extras_of(m).attachment, None);
}

#[test]
fn once_uploaded_the_message_carries_the_url_and_goes_out() {
    let (mut s, fx) = attached();
    let Effect::SaveMessage(stored) = fx[0].clone() else {
        panic!()
    };
    let fx = s.apply(
        Input::Uploaded {
            message: Box::new(stored),
            url: "http://up/cat.jpg".into(),
        },
        20,
    );
    let Effect::SaveMessage(m) = &fx[0] else {
        panic!("{fx:?}")
    };
    assert_eq!(m.body, "http://up/cat.jpg");
    assert!(!awaiting_upload(m));
    let Effect::Command(Command::SendMessage {
        to, body, extras, ..
    }) = &fx[1]
    else {
        panic!("{fx:?}")
    };
    assert_eq!((to.as_str(), body.as_str()), ("bob@x", "http://up/cat.jpg"));
    let a = extras.attachment.as_ref().unwrap();
    assert_eq!(
        (a.url.as_str(), a.width, a.height),
        ("http://up/cat.jpg", Some(800), Some(600))
    );
    assert_eq!(s.messages[0].body, "http://up/cat.jpg");
}

#[test]
fn a_failed_upload_fails_the_message_and_retry_uploads_again() {
    let (mut s, _) = attached();
    let fx = s.apply(
        Input::UploadFailed {
            id: "f1".into(),
            error: "The file is too large".into(),
        },
        20,
    );
    assert!(fx.iter().any(|e| matches!(
        e,
        Effect::SetStatus {
            status: MessageStatus::Failed,
            ..
        }
    )));
    assert_eq!(s.messages[0].status, MessageStatus::Failed);
    assert_eq!(
        s.messages[0].error.as_deref(),
        Some("The file is too large")
    );
    let fx = s.apply(Input::Retry { id: "f1".into() }, 30);
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Command(Command::RequestUploadSlot { id, .. }) if id == "f1")));
    assert_eq!(s.messages[0].status, MessageStatus::Pending);
}

#[test]
fn a_cancelled_upload_removes_the_message() {
    let (mut s, _) = attached();
    let fx = s.apply(Input::CancelUpload { id: "f1".into() }, 20);
    assert!(fx.contains(&Effect::DeleteMessage("f1".into())));
    assert!(s.messages.is_empty());
}

#[test]
fn the_upload_service_is_known_per_session() {
    let mut s = signed_in();
    s.apply(
        Input::Xmpp(Event::UploadService {
            jid: "upload.x".into(),
            max_size: Some(1000),
        }),
        1,
    );
    assert_eq!(s.upload_service.as_ref().unwrap().max_size, Some(1000));
    s.apply(
        Input::Xmpp(Event::Online {
            jid: "me@x/r".into(),
            scram_keys: None,
        }),
        2,
    );
    assert_eq!(s.upload_service, None);
}
