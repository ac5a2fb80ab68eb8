//! Finding the WebSocket endpoint of an XMPP server: the deployment's choice
//! first, then XEP-0156 host-meta. Pure functions; `net` does the fetching.

use serde::Deserialize;

/// The link relation XEP-0156 uses for RFC 7395 endpoints.
pub const WEBSOCKET_REL: &str = "urn:xmpp:alt-connections:websocket";

/// Picks the server URL in the documented order: the `server` query
/// parameter, the deployment's `config.json`, then what the user typed.
/// `None` means: discover it from the address's domain.
pub fn choose_server(
    query: Option<&str>,
    deployment: Option<&str>,
    typed: Option<&str>,
) -> Option<String> {
    [typed, query, deployment]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

/// Checks a user-supplied endpoint and says what is wrong in words.
pub fn validate_endpoint(url: &str) -> Result<(), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("wss://")
        .or_else(|| url.strip_prefix("ws://"))
        .ok_or_else(|| format!("\u{201c}{url}\u{201d} is not a WebSocket address: it must start with wss:// (or ws:// for a local server)."))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Err(format!("\u{201c}{url}\u{201d} has no host name."));
    }
    Ok(())
}

/// SASL PLAIN sends the password itself, so we allow it only where nobody
/// can read the wire: TLS (`wss://`) or this machine.
pub fn is_private_channel(url: &str) -> bool {
    let url = url.trim();
    if url.starts_with("wss://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("ws://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[derive(Deserialize)]
struct HostMetaJson {
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct Link {
    rel: String,
    href: Option<String>,
}

/// The WebSocket endpoint from a `host-meta.json` document, preferring `wss://`.
pub fn websocket_from_host_meta_json(doc: &str) -> Option<String> {
    let meta: HostMetaJson = serde_json::from_str(doc).ok()?;
    pick(
        meta.links
            .into_iter()
            .filter(|l| l.rel == WEBSOCKET_REL)
            .filter_map(|l| l.href),
    )
}

/// The WebSocket endpoint from an XRD `host-meta` document.
pub fn websocket_from_host_meta_xml(doc: &str) -> Option<String> {
    let root: minidom::Element = doc.parse().ok()?;
    pick(
        root.children()
            .filter(|c| c.name() == "Link" && c.attr("rel") == Some(WEBSOCKET_REL))
            .filter_map(|c| c.attr("href").map(str::to_string)),
    )
}

fn pick(candidates: impl Iterator<Item = String>) -> Option<String> {
    let all: Vec<String> = candidates
        .filter(|h| validate_endpoint(h).is_ok())
        .collect();
    all.iter()
        .find(|h| h.starts_with("wss://"))
        .or(all.first())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_server_wins_then_the_query_then_the_deployment() {
        assert_eq!(
            choose_server(Some("q"), Some("d"), Some("t")).as_deref(),
            Some("t")
        );
        assert_eq!(
            choose_server(Some("q"), Some("d"), Some("  ")).as_deref(),
            Some("q")
        );
        assert_eq!(choose_server(None, Some("d"), None).as_deref(), Some("d"));
        assert_eq!(choose_server(None, None, None), None);
    }

    #[test]
    fn endpoints_must_be_websocket_urls_with_a_host() {
        assert!(validate_endpoint("wss://example.org/xmpp-websocket").is_ok());
        assert!(validate_endpoint("ws://127.0.0.1:5280/xmpp-websocket").is_ok());
        assert!(validate_endpoint("https://example.org")
            .unwrap_err()
            .contains("wss://"));
        assert!(validate_endpoint("ws:///x")
            .unwrap_err()
            .contains("no host"));
    }

    #[test]
    fn plain_auth_is_private_only_over_tls_or_loopback() {
        assert!(is_private_channel("wss://example.org/ws"));
        assert!(is_private_channel("ws://127.0.0.1:5280/xmpp-websocket"));
        assert!(is_private_channel("ws://localhost/ws"));
        assert!(is_private_channel("ws://[::1]:5280/ws"));
        assert!(!is_private_channel("ws://example.org/ws"));
        assert!(!is_private_channel("ws://127.0.0.1.evil.org/ws"));
    }

    #[test]
    fn host_meta_json_prefers_secure_websocket() {
        let doc = r#"{"links":[
            {"rel":"urn:xmpp:alt-connections:xbosh","href":"https://x/bosh"},
            {"rel":"urn:xmpp:alt-connections:websocket","href":"ws://x/ws"},
            {"rel":"urn:xmpp:alt-connections:websocket","href":"wss://x/ws"}]}"#;
        assert_eq!(
            websocket_from_host_meta_json(doc).as_deref(),
            Some("wss://x/ws")
        );
        assert_eq!(websocket_from_host_meta_json("not json"), None);
    }

    #[test]
    fn host_meta_xrd_is_understood() {
        let doc = "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\
            <Link rel='urn:xmpp:alt-connections:websocket' href='wss://example.org/xmpp-websocket'/>\
            </XRD>";
        assert_eq!(
            websocket_from_host_meta_xml(doc).as_deref(),
            Some("wss://example.org/xmpp-websocket")
        );
    }
}
