//! Public groups ("channels"): the rooms a MUC service lists to anyone,
//! XEP-0045 §6.3 (disco#items on the service). Private groups are hidden
//! rooms and are not listed.

use minidom::Element;
use xmpp_parsers::disco::DiscoItemsResult;

/// The request's name in `Event::RequestFailed`.
pub const LIST_PUBLIC: &str = "list the public groups";

/// A listed room: its address and the name the service gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicRoom {
    pub jid: String,
    pub name: Option<String>,
}

/// The rooms in a disco#items result, sorted by name (then address) so
/// the list does not reorder between two looks.
pub fn parse(payload: Option<Element>) -> Result<Vec<PublicRoom>, String> {
    let Some(payload) = payload else {
        return Ok(vec![]);
    };
    let result = DiscoItemsResult::try_from(payload).map_err(|e| e.to_string())?;
    let mut rooms: Vec<PublicRoom> = result
        .items
        .into_iter()
        .filter(|i| i.node.is_none())
        .map(|i| PublicRoom {
            jid: i.jid.to_string(),
            name: i.name.filter(|n| !n.trim().is_empty()),
        })
        .collect();
    rooms.sort_by(|a, b| {
        let key = |r: &PublicRoom| r.name.clone().unwrap_or_default().to_lowercase();
        key(a).cmp(&key(b)).then_with(|| a.jid.cmp(&b.jid))
    });
    rooms.dedup_by(|a, b| a.jid == b.jid);
    Ok(rooms)
}
