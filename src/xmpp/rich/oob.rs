//! A shared file as other clients announce it: XEP-0066 `jabber:x:oob`
//! with the URL as the whole body (what Conversations sends and expects),
//! plus XEP-0447 stateless file sharing carrying XEP-0446 metadata (name,
//! type, size, dimensions, duration, a XEP-0264 thumbnail) so the bubble
//! has its size and a preview before the file is fetched.

use crate::chat::Attachment;
use minidom::rxml::xml_ncname;
use minidom::Element;
use xmpp_parsers::message::Message;
use xmpp_parsers::oob::Oob;

const OOB: &str = "jabber:x:oob";
const SFS: &str = "urn:xmpp:sfs:0";
const METADATA: &str = "urn:xmpp:file:metadata:0";
const URL_DATA: &str = "http://jabber.org/protocol/url-data";
const THUMBS: &str = "urn:xmpp:thumbs:1";

/// A thumbnail is a blurred preview of a few hundred bytes; anything much
/// bigger is refused rather than kept in every copy of the message.
const MAX_THUMBNAIL: usize = 16 * 1024;

/// The attachment of `m`, whose body (fallbacks removed) is `body`.
pub fn parse(m: &Message, body: Option<&str>) -> Option<Attachment> {
    if let Some(a) = m
        .payloads
        .iter()
        .filter(|p| p.is("file-sharing", SFS))
        .find_map(sfs)
    {
        return Some(a);
    }
    let oob = m
        .payloads
        .iter()
        .filter(|p| p.is("x", OOB))
        .find_map(|p| Oob::try_from(p.clone()).ok())?;
    let url = oob.url.trim();
    // Conversations' rule: the body is the URL, else the link is only a
    // reference in a text message.
    let body = body.unwrap_or("").trim();
    if !(body.is_empty() || body == url) || !is_http(url) {
        return None;
    }
    let name = name_from_url(url);
    Some(Attachment {
        url: url.to_owned(),
        mime: guess_mime(&name).to_owned(),
        name,
        ..Attachment::default()
    })
}

fn is_http(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

fn sfs(fs: &Element) -> Option<Attachment> {
    let url = fs
        .children()
        .filter(|c| c.is("sources", SFS))
        .flat_map(|s| s.children())
        .filter(|c| c.is("url-data", URL_DATA))
        .filter_map(|u| u.attr("target"))
        .find(|u| is_http(u))?
        .to_owned();
    let file = fs.children().find(|c| c.is("file", METADATA))?;
    let text = |name: &str| {
        file.children()
            .find(|c| c.is(name, METADATA))
            .map(|c| c.text().trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let name = text("name").unwrap_or_else(|| name_from_url(&url));
    let thumbnail = file
        .children()
        .filter(|c| c.is("thumbnail", THUMBS))
        .filter_map(|t| t.attr("uri"))
        .find(|u| u.starts_with("data:image/") && u.len() <= MAX_THUMBNAIL)
        .map(str::to_owned);
    Some(Attachment {
        mime: text("media-type").unwrap_or_else(|| guess_mime(&name).to_owned()),
        size: text("size").and_then(|s| s.parse().ok()).unwrap_or(0),
        width: text("width").and_then(|s| s.parse().ok()),
        height: text("height").and_then(|s| s.parse().ok()),
        duration_ms: text("length").and_then(|s| s.parse().ok()),
        thumbnail,
        name,
        url,
    })
}

/// The OOB element and the XEP-0447 element for `a`.
pub fn elements(a: &Attachment) -> Vec<Element> {
    let oob: Element = Oob {
        url: a.url.clone(),
        desc: None,
    }
    .into();
    let text = |name: &str, value: String| Element::builder(name, METADATA).append(value).build();
    let mut file = Element::builder("file", METADATA)
        .append(text("media-type", a.mime.clone()))
        .append(text("name", a.name.clone()))
        .build();
    if a.size > 0 {
        file.append_child(text("size", a.size.to_string()));
    }
    if let Some(w) = a.width {
        file.append_child(text("width", w.to_string()));
    }
    if let Some(h) = a.height {
        file.append_child(text("height", h.to_string()));
    }
    if let Some(d) = a.duration_ms {
        file.append_child(text("length", d.to_string()));
    }
    if let Some(t) = &a.thumbnail {
        let media = t
            .strip_prefix("data:")
            .and_then(|t| t.split(';').next())
            .unwrap_or("image/jpeg");
        file.append_child(
            Element::builder("thumbnail", THUMBS)
                .attr(xml_ncname!("uri").into(), t.as_str())
                .attr(xml_ncname!("media-type").into(), media)
                .build(),
        );
    }
    let sources = Element::builder("sources", SFS)
        .append(
            Element::builder("url-data", URL_DATA)
                .attr(xml_ncname!("target").into(), a.url.as_str())
                .build(),
        )
        .build();
    let sfs = Element::builder("file-sharing", SFS)
        .attr(xml_ncname!("disposition").into(), "inline")
        .append(file)
        .append(sources)
        .build();
    vec![oob, sfs]
}

/// The last path segment of `url`, percent-decoded, without query or
/// fragment; "file" when there is none.
fn name_from_url(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    let decoded = percent_decode(last);
    if decoded.is_empty() {
        "file".to_owned()
    } else {
        decoded
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A media type from a file name's extension, for OOB links that carry
/// none. Unknown: "application/octet-stream" (shown as a file to download).
pub fn guess_mime(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "heic" => "image/heic",
        "svg" => "image/svg+xml",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "ogg" | "oga" | "opus" => "audio/ogg",
        "m4a" | "aac" => "audio/mp4",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "weba" => "audio/webm",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}
