//! XEP-0012: Last Activity — "last seen" of a contact (asked of its bare
//! JID, the server answers with the time since it logged out) and our
//! answer to others' queries.

use jid::Jid;
use minidom::Element;
use xmpp_parsers::iq::Iq;

/// `jabber:iq:last`.
pub const NS: &str = "jabber:iq:last";

/// Why a last-activity answer could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LastError {
    #[error("empty last-activity answer")]
    Empty,
    #[error("unexpected <{0}/> in a last-activity answer")]
    Unexpected(String),
    #[error("invalid seconds in a last-activity answer: {0}")]
    Seconds(String),
}

/// `<iq type='get' to=JID><query xmlns='jabber:iq:last'/></iq>`.
pub fn request(id: &str, to: Jid) -> Iq {
    Iq::Get {
        from: None,
        to: Some(to),
        id: id.to_owned(),
        payload: Element::bare("query", NS),
    }
}

/// Whether `payload` is a last-activity query.
pub fn is_query(payload: &Element) -> bool {
    payload.is("query", NS)
}

/// `<query xmlns='jabber:iq:last' seconds='N'/>`.
pub fn answer(seconds: u64) -> Element {
    Element::builder("query", NS)
        .attr(minidom::rxml::xml_ncname!("seconds").into(), seconds)
        .build()
}

/// The seconds since the last activity in an answer.
pub fn parse_result(payload: Option<Element>) -> Result<u64, LastError> {
    let p = payload.ok_or(LastError::Empty)?;
    if !is_query(&p) {
        return Err(LastError::Unexpected(p.name().to_owned()));
    }
    let seconds = p.attr("seconds").unwrap_or_default();
    seconds
        .trim()
        .parse()
        .map_err(|_| LastError::Seconds(seconds.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_read() {
        let p: Element = "<query xmlns='jabber:iq:last' seconds='903'>Heading home</query>"
            .parse()
            .unwrap();
        assert_eq!(parse_result(Some(p)), Ok(903));
    }

    #[test]
    fn broken_answers_are_errors() {
        assert_eq!(parse_result(None), Err(LastError::Empty));
        let p: Element = "<query xmlns='jabber:iq:last' seconds='-1'/>"
            .parse()
            .unwrap();
        assert!(matches!(parse_result(Some(p)), Err(LastError::Seconds(_))));
        let p: Element = "<query xmlns='jabber:iq:version'/>".parse().unwrap();
        assert!(matches!(
            parse_result(Some(p)),
            Err(LastError::Unexpected(_))
        ));
    }

    #[test]
    fn answer_carries_seconds() {
        let expected: Element = "<query xmlns='jabber:iq:last' seconds='42'/>"
            .parse()
            .unwrap();
        assert_eq!(answer(42), expected);
    }
}
