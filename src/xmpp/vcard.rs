//! XEP-0054 vcard-temp photos and XEP-0153 vCard-based avatars: the
//! fallback for contacts without a XEP-0084 avatar (XEP-0398 lets Prosody
//! convert between the two; we read both).

use jid::{BareJid, Jid};
use xmpp_parsers::{
    iq::Iq,
    ns,
    presence::Presence,
    vcard::{VCard, VCardQuery},
    vcard_update::VCardUpdate,
};

/// The request's name when copying our photo into our vCard fails: not
/// worth a notice, the PEP avatar is in place (`chat::profiles`).
pub const COPY_TO_VCARD: &str = "copy the photo to the vCard";

/// `<iq type='get' to=JID><vCard xmlns='vcard-temp'/></iq>`.
pub fn request(id: &str, to: BareJid) -> Iq {
    Iq::from_get(id, VCardQuery).with_to(Jid::from(to))
}

/// Sets `to`'s vCard to just a photo (XEP-0486: a room's avatar, set by
/// its owner), or to an empty vCard (no photo) with `None`.
pub fn set_photo(id: &str, to: BareJid, photo: Option<(&str, Vec<u8>)>) -> Iq {
    set(id, to, with_photo(None, photo))
}

/// `vcard` (or an empty one) with its PHOTO replaced by `photo` (removed
/// with `None`), every other field kept.
pub fn with_photo(vcard: Option<VCard>, photo: Option<(&str, Vec<u8>)>) -> VCard {
    use xmpp_parsers::vcard::{Binval, Photo, Type};
    let mut vcard = vcard.unwrap_or(VCard {
        photo: None,
        payloads: vec![],
    });
    vcard.photo = photo.map(|(mime, data)| Photo {
        type_: Type {
            data: mime.to_owned(),
        },
        binval: Binval { data },
    });
    vcard
}

/// `<iq type='set' to=JID>` with `vcard`.
pub fn set(id: &str, to: BareJid, vcard: VCard) -> Iq {
    Iq::from_set(id, vcard).with_to(Jid::from(to))
}

/// Our own vCard (XEP-0054 §3.1: no `to`): get it…
pub fn request_own(id: &str) -> Iq {
    Iq::from_get(id, VCardQuery)
}

/// …and set it.
pub fn set_own(id: &str, vcard: VCard) -> Iq {
    Iq::from_set(id, vcard)
}

/// The vCard in a result (`None`: the result is empty).
pub fn parse(payload: Option<minidom::Element>) -> Result<Option<VCard>, String> {
    payload
        .map(|p| VCard::try_from(p).map_err(|e| format!("invalid vCard: {e}")))
        .transpose()
}

/// The `(type, data)` of the PHOTO in a vCard result, `None` without one.
pub fn photo(payload: Option<minidom::Element>) -> Result<Option<(String, Vec<u8>)>, String> {
    let Some(p) = payload else {
        return Ok(None);
    };
    let vcard = VCard::try_from(p).map_err(|e| format!("invalid vCard: {e}"))?;
    Ok(vcard
        .photo
        .map(|p| (p.type_.data.trim().to_owned(), p.binval.data)))
}

/// XEP-0153 §4.3: the avatar hash in a presence. `None`: the presence says
/// nothing (no `<x/>`, or `<x/>` without `<photo/>`: "not ready");
/// `Some(None)`: no avatar (`<photo/>` empty); `Some(Some(hex))`.
pub fn update_hash(p: &Presence) -> Option<Option<String>> {
    let update = p
        .payloads
        .iter()
        .filter(|e| e.is("x", ns::VCARD_UPDATE))
        .find_map(|e| VCardUpdate::try_from(e.clone()).ok())?;
    let photo = update.photo?;
    Some(
        photo
            .data
            .map(|h| h.iter().map(|b| format!("{b:02x}")).collect()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use minidom::Element;

    fn presence(x: &str) -> Presence {
        Presence::try_from(
            format!("<presence xmlns='jabber:client' from='b@x/r'>{x}</presence>")
                .parse::<Element>()
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn update_hash_reads_the_three_cases() {
        assert_eq!(
            update_hash(&presence(
                "<x xmlns='vcard-temp:x:update'><photo>01B87FCD030B72895FF8E88DB57EC525450F000D</photo></x>"
            )),
            Some(Some("01b87fcd030b72895ff8e88db57ec525450f000d".into()))
        );
        assert_eq!(
            update_hash(&presence("<x xmlns='vcard-temp:x:update'><photo/></x>")),
            Some(None)
        );
        assert_eq!(
            update_hash(&presence("<x xmlns='vcard-temp:x:update'/>")),
            None
        );
        assert_eq!(update_hash(&presence("")), None);
    }

    #[test]
    fn photo_is_read_from_a_vcard() {
        let v: Element = "<vCard xmlns='vcard-temp'><FN>Bob</FN><PHOTO><TYPE>image/png</TYPE>\
            <BINVAL>YWJj</BINVAL></PHOTO></vCard>"
            .parse()
            .unwrap();
        assert_eq!(
            photo(Some(v)),
            Ok(Some(("image/png".into(), b"abc".to_vec())))
        );
        let v: Element = "<vCard xmlns='vcard-temp'><FN>Bob</FN></vCard>"
            .parse()
            .unwrap();
        assert_eq!(photo(Some(v)), Ok(None));
    }
}
