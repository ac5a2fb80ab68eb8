//! XEP-0428 Fallback Indication: which part of a body is there only for
//! clients that do not understand a payload (the quote of a reply, the
//! notice of a retraction), so we can show the body without it.

use minidom::rxml::xml_ncname;
use minidom::Element;
use xmpp_parsers::message::Message;

pub const NS: &str = "urn:xmpp:fallback:0";

/// One `<fallback for=…>`: the namespace it stands in for and its body
/// ranges in Unicode code points (`None` end: to the end of the body).
#[derive(Debug, PartialEq, Eq)]
pub struct Fallback {
    pub for_ns: String,
    pub ranges: Vec<(usize, Option<usize>)>,
}

pub fn parse(m: &Message) -> Vec<Fallback> {
    m.payloads
        .iter()
        .filter(|p| p.is("fallback", NS))
        .filter_map(|f| {
            let for_ns = f.attr("for")?.to_owned();
            let bodies: Vec<&Element> = f.children().filter(|c| c.is("body", NS)).collect();
            let ranges = if bodies.is_empty() {
                // No <body/>: the whole body is the fallback.
                vec![(0, None)]
            } else {
                bodies
                    .iter()
                    .map(|b| {
                        let start = b.attr("start").and_then(|s| s.parse().ok()).unwrap_or(0);
                        (start, b.attr("end").and_then(|s| s.parse().ok()))
                    })
                    .collect()
            };
            Some(Fallback { for_ns, ranges })
        })
        .collect()
}

/// `body` without the ranges that stand in for `strip_ns` or `whole_ns`,
/// and the text of the `strip_ns` ranges (the quote of a reply).
pub fn strip(
    body: &str,
    fallbacks: &[Fallback],
    quote_ns: &str,
    other_ns: &str,
) -> (String, String) {
    let chars: Vec<char> = body.chars().collect();
    let mut drop = vec![false; chars.len()];
    let mut quoted = String::new();
    for f in fallbacks
        .iter()
        .filter(|f| f.for_ns == quote_ns || f.for_ns == other_ns)
    {
        for &(start, end) in &f.ranges {
            let end = end.unwrap_or(chars.len()).min(chars.len());
            let start = start.min(end);
            for (i, d) in drop.iter_mut().enumerate().take(end).skip(start) {
                *d = true;
                if f.for_ns == quote_ns {
                    quoted.push(chars[i]);
                }
            }
        }
    }
    let rest = chars
        .iter()
        .zip(&drop)
        .filter(|(_, d)| !**d)
        .map(|(c, _)| *c)
        .collect();
    (rest, quoted)
}

/// `<fallback for=ns><body start end/></fallback>`.
pub fn range(for_ns: &str, start: usize, end: usize) -> Element {
    Element::builder("fallback", NS)
        .attr(xml_ncname!("for").into(), for_ns)
        .append(
            Element::builder("body", NS)
                .attr(xml_ncname!("start").into(), start.to_string())
                .attr(xml_ncname!("end").into(), end.to_string()),
        )
        .build()
}

/// `<fallback for=ns/>`: the whole body.
pub fn whole(for_ns: &str) -> Element {
    Element::builder("fallback", NS)
        .attr(xml_ncname!("for").into(), for_ns)
        .build()
}
