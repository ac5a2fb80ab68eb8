//! XEP-0045 owner and admin requests (§10 room configuration and
//! destruction, §9 affiliation and §8.2 role changes, member lists) and the
//! XEP-0030 discovery of the server's MUC service.

use super::muc::{iq_get, iq_set, text_el, with_attr, Affiliation, Member};
use jid::{BareJid, Jid};
use minidom::Element;
use xmpp_parsers::{
    disco::{DiscoInfoQuery, DiscoInfoResult, DiscoItemsResult},
    iq::Iq,
    ns,
};

pub const NS_MUC_OWNER: &str = "http://jabber.org/protocol/muc#owner";
pub const NS_MUC_ADMIN: &str = "http://jabber.org/protocol/muc#admin";
const ROOMCONFIG: &str = "http://jabber.org/protocol/muc#roomconfig";

/// The JIDs in a disco#items result.
pub fn parse_items(payload: Option<Element>) -> Vec<Jid> {
    payload
        .and_then(|p| DiscoItemsResult::try_from(p).ok())
        .map(|r| r.items.into_iter().map(|i| i.jid).collect())
        .unwrap_or_default()
}

/// disco#info on `to`.
pub fn info_request(id: &str, to: Jid) -> Iq {
    Iq::from_get(id, DiscoInfoQuery { node: None }).with_to(to)
}

/// Whether a disco#info result names a MUC service (identity conference).
pub fn is_conference(payload: Option<Element>) -> bool {
    payload
        .and_then(|p| DiscoInfoResult::try_from(p).ok())
        .is_some_and(|r| r.identities.iter().any(|i| i.category == "conference"))
}

/// The room name from a disco#info result (its conference identity), if
/// the room has one.
pub fn room_name(payload: Option<Element>) -> Option<String> {
    payload
        .and_then(|p| DiscoInfoResult::try_from(p).ok())?
        .identities
        .into_iter()
        .find(|i| i.category == "conference")
        .and_then(|i| i.name)
        .filter(|n| !n.trim().is_empty())
}

/// `<iq type='get' to=ROOM><query xmlns='…muc#owner'/></iq>`.
pub fn config_request(id: &str, room: &BareJid) -> Iq {
    iq_get(
        id,
        Some(Jid::from(room.clone())),
        Element::bare("query", NS_MUC_OWNER),
    )
}

/// What we want of a room we create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomConfig {
    pub name: String,
    pub description: String,
}

/// The value we set for a field of the owner form, if it is one we care about.
fn wanted(var: &str, config: &RoomConfig) -> Option<String> {
    let v = match var {
        "muc#roomconfig_roomname" => config.name.as_str(),
        "muc#roomconfig_roomdesc" => config.description.as_str(),
        "muc#roomconfig_persistentroom" | "muc#roomconfig_membersonly" => "1",
        "muc#roomconfig_publicroom" => "0",
        // Owners and admins (moderators) edit the subject, on every server
        // alike (ejabberd lets anyone by default, Prosody does not).
        "muc#roomconfig_changesubject" => "0",
        // Non-anonymous: everyone sees real JIDs.
        "muc#roomconfig_whois" => "anyone",
        // Prosody (mod_muc_mam) and ejabberd (mod_mam) name it differently.
        "muc#roomconfig_enablearchiving" | "mam" | "muc#roomconfig_mam" => "1",
        _ => return None,
    };
    Some(v.to_owned())
}

/// The submitted owner form: every field the server's form has (not
/// `fixed`), with its value or ours. Without `config` (a room created by
/// `join_room`), an instant room: an empty submit form (XEP-0045 §10.1.2).
/// Read leniently with minidom: servers add fields and children the typed
/// data-form parser may refuse.
pub fn config_submit(
    id: &str,
    room: &BareJid,
    form: Option<&Element>,
    config: Option<&RoomConfig>,
) -> Iq {
    let mut x = with_attr(Element::builder("x", ns::DATA_FORMS), "type", "submit");
    if let (Some(form), Some(config)) = (form, config) {
        for field in form.children().filter(|f| f.is("field", ns::DATA_FORMS)) {
            let Some(var) = field.attr("var") else {
                continue;
            };
            let type_ = field.attr("type").unwrap_or("text-single");
            if type_ == "fixed" {
                continue;
            }
            let values: Vec<String> = match wanted(var, config) {
                Some(v) => vec![v],
                None => field
                    .children()
                    .filter(|v| v.is("value", ns::DATA_FORMS))
                    .map(Element::text)
                    .collect(),
            };
            let mut f = with_attr(Element::builder("field", ns::DATA_FORMS), "var", var);
            if type_ == "hidden" {
                f = with_attr(f, "type", "hidden");
            }
            for v in values {
                f = f.append(text_el("value", ns::DATA_FORMS, &v));
            }
            x = x.append(f.build());
        }
    }
    let query = Element::builder("query", NS_MUC_OWNER)
        .append(x.build())
        .build();
    iq_set(id, Some(Jid::from(room.clone())), query)
}

/// The data form in an owner-form answer.
pub fn config_form(payload: Option<Element>) -> Option<Element> {
    let p = payload?;
    if !p.is("query", NS_MUC_OWNER) {
        return None;
    }
    let form = p.get_child("x", ns::DATA_FORMS)?.clone();
    let is_roomconfig = form
        .children()
        .filter(|f| f.attr("var") == Some("FORM_TYPE"))
        .all(|f| {
            f.get_child("value", ns::DATA_FORMS)
                .is_none_or(|v| v.text() == ROOMCONFIG)
        });
    is_roomconfig.then_some(form)
}

/// A muc#admin set with one item (`nick` for a role change, `jid` for an
/// affiliation change).
pub fn admin_set(
    id: &str,
    room: &BareJid,
    attrs: &[(&'static str, &str)],
    reason: Option<&str>,
) -> Iq {
    let mut item = Element::builder("item", NS_MUC_ADMIN);
    for (name, value) in attrs {
        item = with_attr(item, name, *value);
    }
    if let Some(r) = reason {
        item = item.append(text_el("reason", NS_MUC_ADMIN, r));
    }
    let query = Element::builder("query", NS_MUC_ADMIN)
        .append(item.build())
        .build();
    iq_set(id, Some(Jid::from(room.clone())), query)
}

/// The list of users with `affiliation` (XEP-0045 §9.5).
pub fn affiliation_list(id: &str, room: &BareJid, affiliation: Affiliation) -> Iq {
    let item = with_attr(
        Element::builder("item", NS_MUC_ADMIN),
        "affiliation",
        affiliation.as_str(),
    );
    let query = Element::builder("query", NS_MUC_ADMIN)
        .append(item.build())
        .build();
    iq_get(id, Some(Jid::from(room.clone())), query)
}

/// The members in an affiliation-list answer.
pub fn parse_members(payload: Option<Element>) -> Vec<Member> {
    let Some(p) = payload.filter(|p| p.is("query", NS_MUC_ADMIN)) else {
        return vec![];
    };
    p.children()
        .filter(|i| i.is("item", NS_MUC_ADMIN))
        .filter_map(|i| {
            Some(Member {
                jid: BareJid::new(i.attr("jid")?).ok()?.to_string(),
                affiliation: Affiliation::parse(i.attr("affiliation")),
                nick: i.attr("nick").map(str::to_owned),
            })
        })
        .collect()
}

/// XEP-0045 §10.9: the owner destroys the room.
pub fn destroy(id: &str, room: &BareJid, reason: Option<&str>) -> Iq {
    let mut d = Element::builder("destroy", NS_MUC_OWNER);
    if let Some(r) = reason {
        d = d.append(text_el("reason", NS_MUC_OWNER, r));
    }
    let query = Element::builder("query", NS_MUC_OWNER)
        .append(d.build())
        .build();
    iq_set(id, Some(Jid::from(room.clone())), query)
}
