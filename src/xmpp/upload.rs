//! XEP-0363 HTTP File Upload, the XMPP half: finding the server's upload
//! service (XEP-0030 items + info, XEP-0128 `max-file-size`), asking it
//! for a slot (a PUT URL with headers and a GET URL), and reading its
//! answers and refusals. The HTTP PUT itself is the browser's job
//! (`net/upload.rs`); the session side is `session/upload.rs`.

use super::iq::describe_error;
use jid::Jid;
use minidom::{Element, Node};
use xmpp_parsers::{
    data_forms::DataForm,
    disco::{DiscoInfoQuery, DiscoInfoResult, DiscoItemsResult},
    http_upload::{SlotRequest, SlotResult},
    iq::Iq,
    ns,
    stanza_error::{DefinedCondition, StanzaError},
};

/// The upload service found on our server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadService {
    /// Its address, e.g. `upload.example.org`.
    pub jid: String,
    /// The largest file it takes, in bytes (`None`: it states no limit).
    pub max_size: Option<u64>,
}

/// Why a file cannot be uploaded. The texts are sentences the UI may show
/// as they are (the user picked a file and waits for it to go out).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// Refused before asking when the service announced its limit, or by
    /// the server's `<file-too-large/>`.
    #[error("The file is too large: this server accepts files up to {}.", format_size(*.max))]
    TooLarge { max: u64 },
    /// `resource-constraint`: Prosody's daily quota or full disk.
    #[error("The server's upload quota is used up; try again later.")]
    QuotaReached,
    /// `forbidden`, `not-authorized` or `not-allowed`.
    #[error("This server does not let your account upload files.")]
    NotAllowed,
    /// Discovery found no XEP-0363 service (or has not finished).
    #[error("This server does not accept files.")]
    NoService,
    #[error("The server did not answer the upload request in time; try again.")]
    TimedOut,
    /// Asked while offline, or the stream ended before the answer came.
    #[error("Not connected to the server; try again when the connection is back.")]
    NotConnected,
    /// Any other refusal (e.g. Prosody's "File type not allowed") or an
    /// answer we cannot use.
    #[error("The server did not give a place for the file: {0}.")]
    Other(String),
}

/// A byte count for people: "900 bytes", "1.5 kB", "52.4 MB" (SI units, as
/// file managers show them).
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

/// What a pending IQ of the upload code was for (one variant of `IqPurpose`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadPurpose {
    /// disco#items on our server.
    Items,
    /// disco#info on one of its items.
    Info { jid: String },
    /// A slot request, by the caller's request id.
    Slot { request: String },
}

/// Where the service discovery is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Discovery {
    /// Waits for the server's own disco#info.
    #[default]
    NotStarted,
    /// The items query, then `infos` disco#info answers, are awaited.
    Running { infos: usize },
    /// Over, with or without a service.
    Done,
}

/// Upload state of a session. The service and the discovery phase are
/// carried over a XEP-0198 resume (the server did not change); requests
/// are not (the stream that carried them ended, so they failed).
#[derive(Clone, Debug, Default)]
pub struct Uploads {
    pub service: Option<UploadService>,
    pub discovery: Discovery,
    /// Slot requests waiting for the server, by request id.
    pub pending: std::collections::BTreeSet<String>,
}

impl Uploads {
    /// What a resumed stream keeps: the service and the discovery phase.
    /// Requests of the old stream already failed with it.
    pub fn resumed(self) -> Self {
        Self {
            service: self.service,
            discovery: self.discovery,
            pending: Default::default(),
        }
    }
}

/// disco#info on `to` (one item).
pub fn info_request(id: &str, to: Jid) -> Iq {
    Iq::from_get(id, DiscoInfoQuery { node: None }).with_to(to)
}

/// The JIDs in a disco#items result (none when it cannot be read).
pub fn parse_items(payload: Option<Element>) -> Vec<Jid> {
    payload
        .and_then(|p| DiscoItemsResult::try_from(p).ok())
        .map(|r| r.items.into_iter().map(|i| i.jid).collect())
        .unwrap_or_default()
}

/// `Some(max_size)` when a disco#info result describes an upload service:
/// identity `store`/`file` and feature `urn:xmpp:http:upload:0` (XEP-0363
/// §3). The limit is the `max-file-size` field of the XEP-0128 form whose
/// FORM_TYPE is the upload namespace; absent or unreadable means none.
pub fn parse_service(payload: Option<Element>) -> Option<Option<u64>> {
    let info = DiscoInfoResult::try_from(payload?).ok()?;
    let is_store = info
        .identities
        .iter()
        .any(|i| i.category == "store" && i.type_ == "file");
    if !is_store || !info.features.contains(ns::HTTP_UPLOAD) {
        return None;
    }
    Some(info.extensions.iter().find_map(max_file_size))
}

fn max_file_size(form: &DataForm) -> Option<u64> {
    if form.form_type() != Some(ns::HTTP_UPLOAD) {
        return None;
    }
    form.fields
        .iter()
        .find(|f| f.var.as_deref() == Some("max-file-size"))?
        .values
        .first()?
        .trim()
        .parse()
        .ok()
}

/// `<iq type='get' to=SERVICE><request filename size content-type/></iq>`.
/// An empty `content_type` is left out (the server then assumes
/// `application/octet-stream`).
pub fn slot_request(id: &str, to: Jid, filename: &str, size: u64, content_type: &str) -> Iq {
    let content_type = Some(content_type.trim())
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    Iq::from_get(
        id,
        SlotRequest {
            filename: filename.to_owned(),
            size,
            content_type,
        },
    )
    .with_to(to)
}

/// A slot the server gave us.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub put_url: String,
    pub get_url: String,
    /// Headers the PUT must carry (only `Authorization`, `Cookie`,
    /// `Expires`: XEP-0363 §5), newlines stripped.
    pub headers: Vec<(String, String)>,
}

/// XEP-0363 §5 allows only these headers; a client must ignore others.
const ALLOWED_HEADERS: [&str; 3] = ["authorization", "cookie", "expires"];

/// Reads a slot result. Headers other than the three allowed are dropped
/// before parsing (xmpp-parsers refuses the whole slot otherwise), and
/// newlines are stripped from names and values (§5: a header must not
/// smuggle another). Both URLs must be http(s): the GET URL ends up in a
/// message others open.
pub fn parse_slot(payload: Option<Element>) -> Result<Slot, String> {
    let mut payload = payload.ok_or("the answer has no slot")?;
    strip_unknown_headers(&mut payload);
    let slot = SlotResult::try_from(payload).map_err(|e| format!("unreadable slot: {e}"))?;
    for url in [&slot.put.url, &slot.get.url] {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            return Err(format!("the slot address {url} is not a web address"));
        }
    }
    let clean = |s: &str| s.replace(['\r', '\n'], "");
    Ok(Slot {
        headers: slot
            .put
            .headers
            .iter()
            .map(|h| (h.name.as_str().to_owned(), clean(&h.value)))
            .collect(),
        put_url: slot.put.url,
        get_url: slot.get.url,
    })
}

fn strip_unknown_headers(slot: &mut Element) {
    let Some(put) = slot.get_child_mut("put", ns::HTTP_UPLOAD) else {
        return;
    };
    for node in put.take_nodes() {
        let allowed = match &node {
            Node::Element(h) if h.is("header", ns::HTTP_UPLOAD) => {
                h.attr("name").is_some_and(|n| {
                    let n = n.replace(['\r', '\n'], "").to_ascii_lowercase();
                    ALLOWED_HEADERS.contains(&n.as_str())
                })
            }
            _ => true,
        };
        if allowed {
            put.append_node(node);
        }
    }
}

/// The error of a refused slot request. XEP-0363 §4.1: a too large file
/// comes with `<file-too-large><max-file-size/></file-too-large>`; a quota
/// with `resource-constraint`; a refusal with `not-allowed` (Prosody says
/// `forbidden`).
pub fn refusal(error: &StanzaError) -> UploadError {
    let too_large = error
        .other
        .as_ref()
        .filter(|o| o.is("file-too-large", ns::HTTP_UPLOAD))
        .and_then(|o| o.get_child("max-file-size", ns::HTTP_UPLOAD))
        .and_then(|m| m.text().trim().parse().ok());
    if let Some(max) = too_large {
        return UploadError::TooLarge { max };
    }
    match error.defined_condition {
        DefinedCondition::ResourceConstraint => UploadError::QuotaReached,
        DefinedCondition::Forbidden
        | DefinedCondition::NotAuthorized
        | DefinedCondition::NotAllowed => UploadError::NotAllowed,
        _ => UploadError::Other(describe_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(s: &str) -> Element {
        s.parse().unwrap()
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(format_size(999), "999 bytes");
        assert_eq!(format_size(1_500), "1.5 kB");
        assert_eq!(format_size(52_428_800), "52.4 MB");
        assert_eq!(format_size(10_000_000), "10 MB");
        assert_eq!(format_size(3_000_000_000_000_000), "3000 TB");
    }

    #[test]
    fn too_large_says_the_limit() {
        assert_eq!(
            UploadError::TooLarge { max: 52_428_800 }.to_string(),
            "The file is too large: this server accepts files up to 52.4 MB."
        );
    }

    #[test]
    fn a_service_without_a_form_has_no_limit() {
        let p = el("<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='store' type='file'/>\
            <feature var='urn:xmpp:http:upload:0'/></query>");
        assert_eq!(parse_service(Some(p)), Some(None));
    }

    #[test]
    fn the_limit_comes_only_from_the_upload_form() {
        let p = el("<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='store' type='file'/>\
            <feature var='urn:xmpp:http:upload:0'/>\
            <x xmlns='jabber:x:data' type='result'>\
            <field var='FORM_TYPE' type='hidden'><value>urn:example:other</value></field>\
            <field var='max-file-size'><value>5</value></field></x>\
            <x xmlns='jabber:x:data' type='result'>\
            <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0</value></field>\
            <field var='max-file-size'><value>1000</value></field></x></query>");
        assert_eq!(parse_service(Some(p)), Some(Some(1000)));
    }

    #[test]
    fn a_store_identity_without_the_feature_is_not_a_service() {
        let p = el("<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='store' type='file'/></query>");
        assert_eq!(parse_service(Some(p)), None);
        let p = el("<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='conference' type='text'/>\
            <feature var='urn:xmpp:http:upload:0'/></query>");
        assert_eq!(parse_service(Some(p)), None);
    }

    #[test]
    fn unknown_headers_are_dropped_and_newlines_stripped() {
        let p = el("<slot xmlns='urn:xmpp:http:upload:0'>\
            <put url='https://up.example.org/a'>\
            <header name='X-Evil'>1</header>\
            <header name='Authorization'>Bearer a\r\nX-Injected: b</header>\
            <header name='Expires'>Tue</header></put>\
            <get url='https://up.example.org/a'/></slot>");
        let slot = parse_slot(Some(p)).unwrap();
        assert_eq!(
            slot.headers,
            vec![
                ("Authorization".into(), "Bearer aX-Injected: b".into()),
                ("Expires".into(), "Tue".into())
            ]
        );
    }

    #[test]
    fn a_slot_must_have_web_addresses() {
        let p = el("<slot xmlns='urn:xmpp:http:upload:0'>\
            <put url='javascript:alert(1)'/><get url='https://up.example.org/a'/></slot>");
        assert!(parse_slot(Some(p)).is_err());
        assert!(parse_slot(None).is_err());
    }

    #[test]
    fn an_empty_content_type_is_left_out() {
        let iq = slot_request("1", Jid::new("up.example.org").unwrap(), "a.txt", 3, "");
        let expected = el(
            "<iq xmlns='jabber:client' type='get' id='1' to='up.example.org'>\
            <request xmlns='urn:xmpp:http:upload:0' filename='a.txt' size='3'/></iq>",
        );
        assert_eq!(Element::from(iq), expected);
    }
}
