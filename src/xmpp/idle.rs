//! XEP-0319: Last User Interaction in Presence — `<idle since='…'/>` in
//! our presence when the user is idle, and read from contacts' presence.

use crate::chat::Millis;
use std::str::FromStr;
use xmpp_parsers::{date::DateTime, idle::Idle, ns, presence::Presence};

/// The idle time a presence carries, in ms since the epoch (`None`
/// without one, or with a broken or pre-1970 timestamp).
pub fn parse(p: &Presence) -> Option<Millis> {
    p.payloads
        .iter()
        .filter(|e| e.is("idle", ns::IDLE))
        .find_map(|e| Idle::try_from(e.clone()).ok())
        .and_then(|i| Millis::try_from(i.since.0.timestamp_millis()).ok())
}

/// `<idle xmlns='urn:xmpp:idle:1' since='…'/>` for `since` (ms since the
/// epoch, UTC).
pub fn element(since: Millis) -> Option<Idle> {
    DateTime::from_str(&xep0082(since))
        .ok()
        .map(|since| Idle { since })
}

/// XEP-0082 date-time in UTC with milliseconds: `2024-05-01T12:00:00.250Z`.
pub fn xep0082(ms: Millis) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        ms % 1000
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`, for non-negative day counts).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use minidom::Element;

    #[test]
    fn dates_are_formatted_in_utc() {
        assert_eq!(xep0082(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(xep0082(1_031_699_305_250), "2002-09-10T23:08:25.250Z");
        assert_eq!(xep0082(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn idle_is_read_from_a_presence_with_an_offset() {
        let p: Element = "<presence xmlns='jabber:client' from='b@x/r'>\
            <idle xmlns='urn:xmpp:idle:1' since='2002-09-11T01:08:25+02:00'/></presence>"
            .parse()
            .unwrap();
        let p = Presence::try_from(p).unwrap();
        assert_eq!(parse(&p), Some(1_031_699_305_000));
    }

    #[test]
    fn idle_element_round_trips() {
        let e = Element::from(element(1_031_699_305_000).unwrap());
        let expected: Element = "<idle xmlns='urn:xmpp:idle:1' since='2002-09-10T23:08:25+00:00'/>"
            .parse()
            .unwrap();
        assert_eq!(
            Idle::try_from(e).unwrap(),
            Idle::try_from(expected).unwrap()
        );
    }
}
