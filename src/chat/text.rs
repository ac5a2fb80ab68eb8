//! Splits message text into plain runs and links, so the UI can render links
//! as anchors and everything else as text nodes (never as HTML).

/// A piece of a message body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// A URL; `href` is what to open (a `www.` link gets `https://`).
    Link {
        text: &'a str,
        href: String,
    },
}

const SCHEMES: [&str; 4] = ["https://", "http://", "xmpp:", "mailto:"];

/// Characters that end a URL when they are its last character (sentence
/// punctuation is rarely part of a link).
const TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '}', '\'', '"'];

pub fn segments(body: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        let at_word_start = i == 0 || body[..i].ends_with(|c: char| c.is_whitespace() || c == '(');
        let starts = at_word_start
            && (SCHEMES.iter().any(|s| starts_with_ignore_case(rest, s))
                || starts_with_ignore_case(rest, "www."));
        if starts {
            let mut end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            while end > 0 && rest[..end].ends_with(TRAILING) {
                // Keep a closing parenthesis that has its opening one inside the URL.
                let url = &rest[..end];
                if url.ends_with(')') && url.matches('(').count() >= url.matches(')').count() {
                    break;
                }
                end -= 1;
            }
            let text = &rest[..end];
            let has_host = SCHEMES
                .iter()
                .find(|s| starts_with_ignore_case(text, s))
                .map(|s| text.len() > s.len())
                .unwrap_or(text.len() > 4);
            if has_host {
                if plain_start < i {
                    out.push(Segment::Text(&body[plain_start..i]));
                }
                let href = if starts_with_ignore_case(text, "www.") {
                    format!("https://{text}")
                } else {
                    text.to_string()
                };
                out.push(Segment::Link { text, href });
                i += end;
                plain_start = i;
                continue;
            }
        }
        i += rest.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    if plain_start < body.len() {
        out.push(Segment::Text(&body[plain_start..]));
    }
    out
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// A position shared as a RFC 5870 `geo:` URI (what Conversations sends as
/// the whole body): latitude, longitude and, when given, the uncertainty
/// in metres (`;u=`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geo {
    pub lat: f64,
    pub lon: f64,
    pub accuracy: Option<f64>,
}

/// The body as a location, when it is nothing but a valid `geo:` URI.
pub fn geo(body: &str) -> Option<Geo> {
    let rest = body.trim();
    let rest = rest
        .get(..4)
        .filter(|s| s.eq_ignore_ascii_case("geo:"))
        .map(|_| &rest[4..])?;
    if rest.contains(char::is_whitespace) {
        return None;
    }
    let mut parts = rest.split(';');
    let coords = parts.next()?;
    let mut c = coords.split(',');
    let lat: f64 = c.next()?.parse().ok()?;
    let lon: f64 = c.next()?.parse().ok()?;
    if c.next().is_some_and(|alt| alt.parse::<f64>().is_err()) || c.next().is_some() {
        return None;
    }
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    let accuracy = parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("u"))
        .and_then(|(_, v)| v.parse::<f64>().ok())
        .filter(|u| u.is_finite() && *u >= 0.0);
    Some(Geo { lat, lon, accuracy })
}

/// The body for sharing a position, with 6 decimals (about 10 cm).
pub fn geo_uri(lat: f64, lon: f64, accuracy: Option<f64>) -> String {
    match accuracy {
        Some(u) => format!("geo:{lat:.6},{lon:.6};u={}", u.round()),
        None => format!("geo:{lat:.6},{lon:.6}"),
    }
}

/// XEP-0245: "/me waves" is shown as an action of its author.
pub fn me_action(body: &str) -> Option<&str> {
    body.strip_prefix("/me ")
        .filter(|rest| !rest.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_geo_uri_body_is_a_location() {
        assert_eq!(
            geo("geo:52.520008,13.404954"),
            Some(Geo {
                lat: 52.520008,
                lon: 13.404954,
                accuracy: None
            })
        );
        assert_eq!(
            geo(" GEO:-33.9,18.4,12;u=35 ").unwrap().accuracy,
            Some(35.0)
        );
        assert_eq!(geo("geo:91,0"), None);
        assert_eq!(geo("geo:1,2 and more"), None);
        assert_eq!(geo("see geo:1,2"), None);
        assert_eq!(geo("geo:a,b"), None);
        let uri = geo_uri(48.8584, 2.2945, Some(12.4));
        assert_eq!(uri, "geo:48.858400,2.294500;u=12");
        assert_eq!(geo(&uri).unwrap().lat, 48.8584);
    }

    #[test]
    fn slash_me_is_an_action() {
        assert_eq!(me_action("/me waves"), Some("waves"));
        assert_eq!(me_action("/me "), None);
        assert_eq!(me_action("/meow"), None);
        assert_eq!(me_action("hi /me"), None);
    }

    #[test]
    fn plain_text_is_one_segment() {
        assert_eq!(
            segments("hello <b>x</b>"),
            vec![Segment::Text("hello <b>x</b>")]
        );
    }

    #[test]
    fn a_link_in_a_sentence_is_split_out_without_the_full_stop() {
        assert_eq!(
            segments("see https://example.org/a?b=1. ok"),
            vec![
                Segment::Text("see "),
                Segment::Link {
                    text: "https://example.org/a?b=1",
                    href: "https://example.org/a?b=1".into()
                },
                Segment::Text(". ok"),
            ]
        );
    }

    #[test]
    fn www_links_open_over_https() {
        assert_eq!(
            segments("www.example.org"),
            vec![Segment::Link {
                text: "www.example.org",
                href: "https://www.example.org".into()
            }]
        );
    }

    #[test]
    fn javascript_urls_are_not_links() {
        assert_eq!(
            segments("javascript:alert(1)"),
            vec![Segment::Text("javascript:alert(1)")]
        );
    }

    #[test]
    fn a_scheme_alone_is_not_a_link() {
        assert_eq!(segments("http:// x"), vec![Segment::Text("http:// x")]);
    }

    #[test]
    fn wikipedia_style_parentheses_stay_in_the_link() {
        let s = segments("(https://en.wikipedia.org/wiki/Rust_(language))");
        assert_eq!(
            s[1],
            Segment::Link {
                text: "https://en.wikipedia.org/wiki/Rust_(language)",
                href: "https://en.wikipedia.org/wiki/Rust_(language)".into()
            }
        );
    }

    #[test]
    fn multibyte_text_around_links_is_kept_intact() {
        let s = segments("héllo wörld https://ü.example 👋");
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], Segment::Text("héllo wörld "));
        assert_eq!(s[2], Segment::Text(" 👋"));
    }
}
