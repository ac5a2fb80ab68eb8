//! `xmpp:` URIs (RFC 5122, XEP-0147 actions): what a link like
//! `xmpp:room@conference.example.org?join` or `xmpp:bob@example.org`
//! asks the app to do. Links come from messages, web pages and the
//! browser's protocol handler, so everything here is untrusted input.

/// What an `xmpp:` link means for the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmppLink {
    /// `?join`: a group to join (the user confirms and picks a nickname).
    Join { room: String },
    /// An address, with no action or `?message`/`?roster`/`?subscribe`:
    /// a chat with it.
    Chat { jid: String },
}

/// Reads `uri`; `None` when it is not an `xmpp:` URI for a valid address.
/// An authority (`xmpp://me@host/…`) is ignored: we act as our account.
pub fn parse(uri: &str) -> Option<XmppLink> {
    let rest = strip_scheme(uri.trim())?;
    let rest = match rest.strip_prefix("//") {
        Some(with_authority) => with_authority.split_once('/')?.1,
        None => rest,
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let path = percent_decode(path.split('#').next()?)?;
    let jid = jid::Jid::new(&path).ok()?.to_bare().to_string();
    let action = query
        .map(|q| q.split(['#', ';']).next().unwrap_or_default())
        .unwrap_or_default();
    Some(match action {
        "join" => XmppLink::Join { room: jid },
        _ => XmppLink::Chat { jid },
    })
}

fn strip_scheme(s: &str) -> Option<&str> {
    let (scheme, rest) = s.split_once(':')?;
    scheme.eq_ignore_ascii_case("xmpp").then_some(rest)
}

/// `%XX` escapes as UTF-8; `None` on a broken escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(room: &str) -> Option<XmppLink> {
        Some(XmppLink::Join { room: room.into() })
    }

    fn chat(jid: &str) -> Option<XmppLink> {
        Some(XmppLink::Chat { jid: jid.into() })
    }

    #[test]
    fn join_links_name_the_room() {
        assert_eq!(
            parse("xmpp:team@conference.example.org?join"),
            join("team@conference.example.org")
        );
        assert_eq!(
            parse(" XMPP:Team@Conference.Example.org?join;password=x "),
            join("team@conference.example.org")
        );
        assert_eq!(
            parse("xmpp://me@example.org/team@conference.example.org?join"),
            join("team@conference.example.org")
        );
    }

    #[test]
    fn addresses_open_a_chat() {
        assert_eq!(parse("xmpp:bob@example.org"), chat("bob@example.org"));
        assert_eq!(
            parse("xmpp:bob@example.org?message;body=hi"),
            chat("bob@example.org")
        );
        assert_eq!(
            parse("xmpp:bob@example.org?roster"),
            chat("bob@example.org")
        );
        assert_eq!(parse("xmpp:b%C3%B6b@example.org"), chat("böb@example.org"));
        // A resource is dropped: chats are with bare addresses.
        assert_eq!(parse("xmpp:bob@example.org/phone"), chat("bob@example.org"));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "https://example.org",
            "xmpp:",
            "xmpp:?join",
            "xmpp:bob@",
            "xmpp:bo%2",
            "xmpp:bo%ZZb@example.org",
            "xmpp:%FF@example.org",
            "xmpp://authority-only",
            "mailto:bob@example.org",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
