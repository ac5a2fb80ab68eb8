//! RFC 7395: XMPP over WebSocket framing.
//!
//! Every WebSocket text frame carries exactly one complete XML element: the
//! `<open/>`/`<close/>` framing elements, stream features, SASL nonzas, stream
//! errors or a stanza. [`parse`] turns one frame into a [`Frame`], keeping
//! "not XML at all" apart from "a known element that is broken".

use minidom::Element;
use std::collections::BTreeMap;
use xmpp_parsers::FromElementError;
use xmpp_parsers::{
    iq::Iq, message::Message, ns, presence::Presence, sasl, sm, stream_error::StreamError,
    stream_features::StreamFeatures, websocket::Open,
};

/// One parsed incoming frame.
#[derive(Debug)]
pub enum Frame {
    /// The server's `<open/>` (stream header).
    Open(#[allow(dead_code)] Open),
    /// The server's `<close/>`; `see_other_uri` when it redirects us.
    Close {
        see_other_uri: Option<String>,
    },
    Features(Box<StreamFeatures>),
    StreamError(StreamError),
    Sasl(sasl::Nonza),
    /// XEP-0198 stream management nonza.
    Sm(sm::Nonza),
    Iq(Box<Iq>),
    Message(Box<Message>),
    Presence(Box<Presence>),
    /// A well-formed element we do not know (ignored, as RFC 6120 asks).
    Other(#[allow(dead_code)] Element),
}

/// Why a frame could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The frame is not one well-formed XML element.
    #[error("not well-formed XML: {0}")]
    NotXml(String),
    /// A known element whose content is broken.
    #[error("invalid <{element}/>: {reason}")]
    Invalid { element: String, reason: String },
}

/// `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to=DOMAIN version='1.0'/>`.
pub fn open(domain: &jid::BareJid) -> Element {
    // The stream is addressed to the domain only (RFC 6120 §4.7.2).
    let to = jid::BareJid::from_parts(None, domain.domain());
    Open::new(to).into()
}

/// `<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>`.
pub fn close() -> Element {
    Element::bare("close", ns::WEBSOCKET)
}

/// Whether `element` is a stanza (counted by XEP-0198), not a nonza.
pub fn is_stanza(element: &Element) -> bool {
    element.ns() == ns::JABBER_CLIENT && matches!(element.name(), "message" | "presence" | "iq")
}

/// Serialises an element to the text of one frame.
pub fn to_frame(element: &Element) -> String {
    String::from(element)
}

/// Parses one frame. Elements without a namespace are read as `jabber:client`
/// and the `stream:` prefix is pre-declared, so servers that rely on the
/// stream root's declarations (as over TCP) are understood too.
pub fn parse(frame: &str) -> Result<Frame, FrameError> {
    let mut prefixes = BTreeMap::new();
    prefixes.insert(None, ns::JABBER_CLIENT.to_owned());
    prefixes.insert(Some("stream".to_owned()), ns::STREAM.to_owned());
    let element = Element::from_reader_with_prefixes(frame.trim().as_bytes(), prefixes)
        .map_err(|e| FrameError::NotXml(e.to_string()))?;
    classify(element)
}

impl FrameError {
    /// A message, presence or iq that could not be used: it still counts
    /// as received for XEP-0198.
    pub fn is_stanza(&self) -> bool {
        matches!(self, Self::Invalid { element, .. } if matches!(element.as_str(), "iq" | "message" | "presence"))
    }
}

fn invalid(element: &str, err: impl std::fmt::Display) -> FrameError {
    FrameError::Invalid {
        element: element.to_owned(),
        reason: err.to_string(),
    }
}

fn convert<T>(element: Element, name: &str) -> Result<T, FrameError>
where
    T: TryFrom<Element, Error = FromElementError>,
{
    T::try_from(element).map_err(|e| invalid(name, e))
}

fn classify(element: Element) -> Result<Frame, FrameError> {
    let ns = element.ns();
    let frame = match (ns.as_str(), element.name()) {
        (ns::WEBSOCKET, "open") => Frame::Open(convert(element, "open")?),
        (ns::WEBSOCKET, "close") => Frame::Close {
            see_other_uri: element.attr("see-other-uri").map(str::to_owned),
        },
        (ns::STREAM, "features") => Frame::Features(Box::new(convert(element, "features")?)),
        (ns::STREAM, "error") => Frame::StreamError(convert(element, "stream:error")?),
        (ns::SASL, _) => match sasl::Nonza::try_from(element) {
            Ok(nonza) => Frame::Sasl(nonza),
            Err(FromElementError::Mismatch(other)) => Frame::Other(other),
            Err(FromElementError::Invalid(e)) => return Err(invalid("sasl", e)),
        },
        // xmpp-parsers 0.23 requires `h` on <failed/>, which XEP-0198 makes optional.
        (ns::SM, "failed") => Frame::Sm(sm::Nonza::Failed(sm::Failed {
            h: match element.attr("h").map(str::parse) {
                Some(Ok(h)) => Some(h),
                Some(Err(e)) => return Err(invalid("failed", e)),
                None => None,
            },
            error: None,
        })),
        (ns::SM, _) => match sm::Nonza::try_from(element) {
            Ok(nonza) => Frame::Sm(nonza),
            Err(FromElementError::Mismatch(other)) => Frame::Other(other),
            Err(FromElementError::Invalid(e)) => return Err(invalid("sm", e)),
        },
        (ns::JABBER_CLIENT, "iq") => Frame::Iq(Box::new(convert(element, "iq")?)),
        (ns::JABBER_CLIENT, "message") => Frame::Message(Box::new(convert(element, "message")?)),
        (ns::JABBER_CLIENT, "presence") => Frame::Presence(Box::new(convert(element, "presence")?)),
        _ => Frame::Other(element),
    };
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        s.parse().unwrap()
    }

    #[test]
    fn open_is_addressed_to_the_domain() {
        let jid = jid::BareJid::new("alice@example.org").unwrap();
        assert_eq!(
            open(&jid),
            el("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>")
        );
    }

    #[test]
    fn close_is_the_framing_close() {
        assert_eq!(
            close(),
            el("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>")
        );
        let back = parse(&to_frame(&close())).unwrap();
        assert!(matches!(
            back,
            Frame::Close {
                see_other_uri: None
            }
        ));
    }

    #[test]
    fn prosody_features_frame_is_parsed() {
        let frame = "<stream:features xmlns:stream='http://etherx.jabber.org/streams' \
            xmlns='jabber:client'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
            <mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms>\
            </stream:features>";
        match parse(frame).unwrap() {
            Frame::Features(f) => {
                assert!(f.sasl_mechanisms.contains("SCRAM-SHA-1"));
                assert!(f.sasl_mechanisms.contains("PLAIN"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn open_reply_is_parsed() {
        let frame = "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.org' \
            id='abc' version='1.0' xml:lang='en'/>";
        assert!(matches!(parse(frame).unwrap(), Frame::Open(o) if o.id.as_deref() == Some("abc")));
    }

    #[test]
    fn stream_error_is_parsed() {
        let frame = "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
            <conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
        assert!(matches!(parse(frame).unwrap(), Frame::StreamError(_)));
    }

    #[test]
    fn stanza_without_namespace_is_read_as_jabber_client() {
        let frame = "<message from='bob@example.org' type='chat'><body>hi</body></message>";
        assert!(matches!(parse(frame).unwrap(), Frame::Message(_)));
    }

    #[test]
    fn garbage_is_not_xml() {
        assert!(matches!(
            parse("<message><body>"),
            Err(FrameError::NotXml(_))
        ));
        assert!(matches!(parse(""), Err(FrameError::NotXml(_))));
    }

    #[test]
    fn broken_known_element_is_invalid_not_other() {
        let frame = "<iq xmlns='jabber:client' type='get'><ping xmlns='urn:xmpp:ping'/></iq>";
        assert!(matches!(parse(frame), Err(FrameError::Invalid { .. })));
    }

    #[test]
    fn unknown_element_is_other() {
        let frame = "<x xmlns='urn:example:unknown'/>";
        assert!(matches!(parse(frame).unwrap(), Frame::Other(_)));
    }

    #[test]
    fn stream_management_nonzas_are_parsed() {
        assert!(matches!(
            parse("<r xmlns='urn:xmpp:sm:3'/>").unwrap(),
            Frame::Sm(sm::Nonza::Req(_))
        ));
        assert!(matches!(
            parse("<a xmlns='urn:xmpp:sm:3' h='3'/>").unwrap(),
            Frame::Sm(sm::Nonza::Ack(sm::A { h: 3 }))
        ));
        assert!(matches!(
            parse(
                "<failed xmlns='urn:xmpp:sm:3'><item-not-found \
                xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"
            )
            .unwrap(),
            Frame::Sm(sm::Nonza::Failed(sm::Failed { h: None, .. }))
        ));
        assert!(matches!(
            parse("<failed xmlns='urn:xmpp:sm:3' h='4'/>").unwrap(),
            Frame::Sm(sm::Nonza::Failed(sm::Failed { h: Some(4), .. }))
        ));
        assert!(matches!(
            parse("<a xmlns='urn:xmpp:sm:3' h='x'/>"),
            Err(FrameError::Invalid { .. })
        ));
    }

    /// Whether a frame that could not be used was a stanza (it still counts
    /// for XEP-0198).
    #[test]
    fn broken_stanza_is_recognised() {
        let Err(e) = parse("<iq xmlns='jabber:client' type='get'/>") else {
            panic!()
        };
        assert!(e.is_stanza());
    }
}
