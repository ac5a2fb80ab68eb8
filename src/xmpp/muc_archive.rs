//! XEP-0313 on a room JID (MUC archives, XEP-0313 §6): the query is sent
//! to the room and reuses `mam::query` and its RSM paging; results are
//! collected per `queryid` like the account archive's, but are trusted
//! only from the room's bare JID and read as groupchat messages.

use super::mam::{self, Paging};
use super::muc::RoomMessage;
use super::muc_stanza::{groupchat_in, Groupchat};
use jid::{BareJid, Jid};
use std::collections::HashMap;
use xmpp_parsers::{
    iq::Iq,
    mam::{Fin, Result_},
    message::Message,
    ns,
};

/// Which room archive query a page answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoomArchiveQuery {
    /// Catch-up of a room after joining: page after page until complete
    /// (from an archive id), or the newest page only.
    CatchUp { room: String },
    /// One older page (scrolling up), newest messages last.
    Older { room: String },
}

impl RoomArchiveQuery {
    pub fn room(&self) -> &str {
        match self {
            Self::CatchUp { room } | Self::Older { room } => room,
        }
    }
}

/// One page of a room's archive. Each message has `stanza_id` set to the
/// archive id (the room's stanza-id) and `delay` to the archived time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomArchivePage {
    pub query: RoomArchiveQuery,
    /// Oldest first.
    pub messages: Vec<RoomMessage>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub complete: bool,
}

/// The query IQ, addressed to the room.
pub fn query(id: &str, queryid: &str, room: &BareJid, paging: &Paging, max: usize) -> Iq {
    mam::query(id, queryid, None, paging, max).with_to(Jid::from(room.clone()))
}

#[derive(Clone, Debug)]
struct Pending {
    query: RoomArchiveQuery,
    room: BareJid,
    /// Forward catch-up continues after each page; otherwise one page.
    forward: bool,
    newest: bool,
    messages: Vec<RoomMessage>,
}

/// A finished page and, for a forward catch-up, where to continue.
#[derive(Debug, PartialEq, Eq)]
pub struct Finished {
    pub page: RoomArchivePage,
    pub next: Option<String>,
}

/// What a message means as a room archive result.
#[derive(Debug, PartialEq, Eq)]
pub enum RoomResult {
    /// Not a result for one of our room queries.
    NotOurs,
    /// A result for our query but from elsewhere, or broken.
    Rejected(String),
    Accepted,
}

/// Outstanding room archive queries, by `queryid`.
#[derive(Clone, Debug, Default)]
pub struct RoomQueries {
    pending: HashMap<String, Pending>,
}

impl RoomQueries {
    pub fn start(
        &mut self,
        queryid: &str,
        query: RoomArchiveQuery,
        room: BareJid,
        paging: &Paging,
    ) {
        let catch_up = matches!(query, RoomArchiveQuery::CatchUp { .. });
        self.pending.insert(
            queryid.to_owned(),
            Pending {
                query,
                room,
                forward: catch_up && !matches!(paging, Paging::Before(_)),
                newest: catch_up && matches!(paging, Paging::Before(_)),
                messages: Vec::new(),
            },
        );
    }

    pub fn catch_up_running(&self, room: &str) -> bool {
        self.pending
            .values()
            .any(|p| matches!(&p.query, RoomArchiveQuery::CatchUp { room: r } if r == room))
    }

    /// Takes a `<result/>` if it answers one of our room queries. XEP-0313
    /// §10: a result is trusted only from the archive we asked, the room's
    /// bare JID; anyone else could inject "archived" messages.
    pub fn add(
        &mut self,
        m: &Message,
        nick_of: impl Fn(&BareJid) -> Option<String>,
        own: &BareJid,
    ) -> RoomResult {
        let Some(payload) = m.payloads.iter().find(|p| p.is("result", ns::MAM)) else {
            return RoomResult::NotOurs;
        };
        let Some(queryid) = payload.attr("queryid") else {
            return RoomResult::NotOurs;
        };
        let Some(p) = self.pending.get_mut(queryid) else {
            return RoomResult::NotOurs;
        };
        let trusted = m
            .from
            .as_ref()
            .is_some_and(|f| f.is_bare() && f.to_bare() == p.room);
        if !trusted {
            let from = m.from.as_ref().map_or("nobody".into(), |f| f.to_string());
            return RoomResult::Rejected(format!(
                "room archive result from {from}, not {}",
                p.room
            ));
        }
        let result = match Result_::try_from(payload.clone()) {
            Ok(r) => r,
            Err(e) => return RoomResult::Rejected(format!("invalid archive result: {e}")),
        };
        let delay = result
            .forwarded
            .delay
            .and_then(|d| crate::chat::Millis::try_from(d.stamp.0.timestamp_millis()).ok());
        if let Groupchat::Message(mut rm) = groupchat_in(&result.forwarded.message, &p.room) {
            rm.stanza_id = Some(result.id);
            rm.delay = delay.or(rm.delay);
            rm.from_me = nick_of(&p.room).is_some_and(|n| n == rm.nick)
                || rm.jid.as_deref() == Some(own.as_str());
            p.messages.push(rm);
        }
        RoomResult::Accepted
    }

    /// The `<fin/>` arrived.
    pub fn finish(&mut self, queryid: &str, fin: &Fin) -> Option<Finished> {
        let p = self.pending.remove(queryid)?;
        let last = fin.set.last.clone();
        let next = (p.forward && !fin.complete).then(|| last.clone()).flatten();
        let complete = if p.forward {
            next.is_none()
        } else {
            p.newest || fin.complete
        };
        Some(Finished {
            page: RoomArchivePage {
                query: p.query,
                messages: p.messages,
                first: fin.set.first.as_ref().map(|f| f.item.clone()),
                last,
                complete,
            },
            next,
        })
    }

    pub fn fail(&mut self, queryid: &str) -> Option<RoomArchiveQuery> {
        self.pending.remove(queryid).map(|p| p.query)
    }

    pub fn drain(&mut self) -> Vec<RoomArchiveQuery> {
        self.pending.drain().map(|(_, p)| p.query).collect()
    }
}
