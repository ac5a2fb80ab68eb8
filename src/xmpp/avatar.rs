//! XEP-0084: User Avatar — publishing ours (data node first, then the
//! metadata node that announces it), reading contacts' metadata
//! notifications and fetching their data, which must hash to the id the
//! metadata announced.

use super::pep::{self, Access, NodeItem};
use jid::BareJid;
use minidom::Element;
use sha1::{Digest, Sha1};
use std::str::FromStr;
use xmpp_parsers::{
    avatar::{Data, Info, Metadata},
    hashes::Sha1HexAttribute,
    iq::Iq,
    ns,
};

pub const DATA: &str = ns::AVATAR_DATA;
pub const METADATA: &str = ns::AVATAR_METADATA;
/// Who may see our avatar: our contacts.
pub const ACCESS: Access = Access::Presence;

/// Why avatar data was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AvatarError {
    #[error("no avatar data in the answer")]
    NoData,
    #[error("invalid avatar data: {0}")]
    Invalid(String),
    #[error("avatar data hashes to {actual}, not {expected}")]
    HashMismatch { expected: String, actual: String },
}

/// Lower-case hex SHA-1, the avatar id (XEP-0084 §4.2, XEP-0153 §4.3).
pub fn sha1_hex(data: &[u8]) -> String {
    Sha1::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks that `data` is the image `hash` names.
pub fn verify(data: &[u8], hash: &str) -> Result<(), AvatarError> {
    let actual = sha1_hex(data);
    if actual.eq_ignore_ascii_case(hash) {
        Ok(())
    } else {
        Err(AvatarError::HashMismatch {
            expected: hash.to_owned(),
            actual,
        })
    }
}

/// Publishes the image to the data node, item id = its hash.
pub fn publish_data(id: &str, hash: &str, data: Vec<u8>) -> Iq {
    pep::publish(id, DATA, hash, Data { data }.into(), ACCESS)
}

/// What the metadata node announces about one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub hash: String,
    pub bytes: u32,
    pub mime: String,
    pub width: Option<u16>,
    pub height: Option<u16>,
}

/// Publishes the metadata for `a` (or, with `None`, an empty `<metadata/>`:
/// no avatar). Item id = the hash.
pub fn publish_metadata(id: &str, a: Option<&Announced>) -> Result<Iq, AvatarError> {
    let (item_id, infos) = match a {
        None => ("current".to_owned(), vec![]),
        Some(a) => {
            let sha1 = Sha1HexAttribute::from_str(&a.hash)
                .map_err(|e| AvatarError::Invalid(e.to_string()))?;
            let info = Info {
                bytes: a.bytes,
                width: a.width,
                height: a.height,
                id: sha1,
                type_: a.mime.clone(),
                url: None,
            };
            (a.hash.clone(), vec![info])
        }
    };
    Ok(pep::publish(
        id,
        METADATA,
        &item_id,
        Metadata { infos }.into(),
        ACCESS,
    ))
}

/// Asks `jid` for the data item `hash`.
pub fn fetch_data(id: &str, jid: BareJid, hash: &str) -> Iq {
    pep::items(id, jid, DATA, Some(hash))
}

/// The avatar a metadata item announces: `None` when it says "no avatar"
/// (an empty `<metadata/>`, a retraction) or cannot be read. The image
/// stored in PEP (no `url`) is chosen, PNG first.
pub fn from_metadata(items: &[NodeItem]) -> Option<Announced> {
    let payload = items.last()?.payload.clone()?;
    let metadata = Metadata::try_from(payload).ok()?;
    let mut stored: Vec<&Info> = metadata.infos.iter().filter(|i| i.url.is_none()).collect();
    stored.sort_by_key(|i| i.type_ != "image/png");
    stored.first().map(|i| Announced {
        hash: i.id.to_hex(),
        bytes: i.bytes,
        mime: i.type_.clone(),
        width: i.width,
        height: i.height,
    })
}

/// The image in a data-node answer, checked against `hash`.
pub fn data_from_items(items: Vec<NodeItem>, hash: &str) -> Result<Vec<u8>, AvatarError> {
    let item = items
        .into_iter()
        .find(|i| {
            i.id.as_deref()
                .is_none_or(|id| id.eq_ignore_ascii_case(hash))
        })
        .ok_or(AvatarError::NoData)?;
    let payload = item.payload.ok_or(AvatarError::NoData)?;
    let data = data_payload(payload)?;
    verify(&data, hash)?;
    Ok(data)
}

fn data_payload(payload: Element) -> Result<Vec<u8>, AvatarError> {
    Data::try_from(payload)
        .map(|d| d.data)
        .map_err(|e| AvatarError::Invalid(e.to_string()))
}

/// The image type from its first bytes, when the metadata did not say.
pub fn sniff(data: &[u8]) -> &'static str {
    match data {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [0xff, 0xd8, 0xff, ..] => "image/jpeg",
        [b'G', b'I', b'F', b'8', ..] => "image/gif",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_is_lower_case_hex() {
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(verify(b"abc", "A9993E364706816ABA3E25717850C26C9CD0D89D").is_ok());
        assert!(matches!(
            verify(b"abd", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            Err(AvatarError::HashMismatch { .. })
        ));
    }

    #[test]
    fn metadata_prefers_the_stored_png() {
        let p: Element = "<metadata xmlns='urn:xmpp:avatar:metadata'>\
            <info bytes='9' id='a9993e364706816aba3e25717850c26c9cd0d89d' type='image/jpeg' url='https://x/a.jpg'/>\
            <info bytes='3' id='a9993e364706816aba3e25717850c26c9cd0d89d' type='image/webp'/>\
            <info bytes='4' id='a9993e364706816aba3e25717850c26c9cd0d89d' type='image/png' width='1' height='1'/>\
            </metadata>"
            .parse()
            .unwrap();
        let a = from_metadata(&[NodeItem {
            id: None,
            payload: Some(p),
        }])
        .unwrap();
        assert_eq!((a.mime.as_str(), a.bytes), ("image/png", 4));
        let empty: Element = "<metadata xmlns='urn:xmpp:avatar:metadata'/>"
            .parse()
            .unwrap();
        assert_eq!(
            from_metadata(&[NodeItem {
                id: None,
                payload: Some(empty)
            }]),
            None
        );
    }

    #[test]
    fn image_types_are_sniffed() {
        assert_eq!(sniff(b"\x89PNG\r\n"), "image/png");
        assert_eq!(sniff(b"\xff\xd8\xff\xe0"), "image/jpeg");
        assert_eq!(sniff(b"RIFF1234WEBPVP8"), "image/webp");
    }
}
