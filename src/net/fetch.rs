//! Small HTTP look-ups: the deployment's `config.json` and XEP-0156 host-meta.

use crate::discovery;
use serde::Deserialize;

#[derive(Deserialize, Default, Clone, Debug)]
pub struct Deployment {
    /// WebSocket URL of the default server.
    pub server: Option<String>,
}

/// `config.json` beside `index.html`; missing or broken means "no default".
pub async fn deployment() -> Deployment {
    match gloo_net::http::Request::get("config.json").send().await {
        Ok(r) if r.ok() => r.json::<Deployment>().await.unwrap_or_default(),
        _ => Deployment::default(),
    }
}

/// XEP-0156: the WebSocket endpoint advertised by `domain`, if any.
pub async fn discover(domain: &str) -> Option<String> {
    let base = format!("https://{domain}/.well-known/host-meta");
    if let Ok(r) = gloo_net::http::Request::get(&format!("{base}.json"))
        .send()
        .await
    {
        if r.ok() {
            if let Some(url) = r
                .text()
                .await
                .ok()
                .and_then(|t| discovery::websocket_from_host_meta_json(&t))
            {
                return Some(url);
            }
        }
    }
    let r = gloo_net::http::Request::get(&base).send().await.ok()?;
    if !r.ok() {
        return None;
    }
    discovery::websocket_from_host_meta_xml(&r.text().await.ok()?)
}
