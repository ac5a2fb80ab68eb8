//! Reactions, corrections and retractions made while offline (issue 5).
//! A message waits in the store's outbox as a Pending message; an action
//! is not a message of its own, so the ones the session could not send are
//! kept here, in the setting `outbox_actions`, and sent in order once the
//! session is back (a group's once we are in the room again).

use super::state::Controller;
use crate::store::Store;
use crate::xmpp::Extras;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

const KEY: &str = "outbox_actions";

/// One action waiting to be sent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct QueuedAction {
    pub chat: String,
    pub group: bool,
    pub body: String,
    pub id: String,
    pub extras: Extras,
}

impl Controller {
    /// The session could not send `action`: keep it for later. Awaited in
    /// the controller's effect queue, so it is stored before the next
    /// effect runs (and two actions never overwrite each other's write).
    pub async fn queue_action(self: &Rc<Self>, action: QueuedAction) {
        let mut queue = self.queued_actions().await;
        if !queue.iter().any(|q| q.id == action.id) {
            queue.push(action);
        }
        self.save_actions(&queue).await;
    }

    async fn queued_actions(&self) -> Vec<QueuedAction> {
        let Some(store) = self.store_handle() else {
            return vec![];
        };
        store
            .setting(KEY)
            .await
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }

    async fn save_actions(&self, queue: &[QueuedAction]) {
        let Some(store) = self.store_handle() else {
            return;
        };
        let _ = match queue {
            [] => store.remove_setting(KEY).await,
            q => match serde_json::to_string(q) {
                Ok(json) => store.put_setting(KEY, &json).await,
                Err(_) => Ok(()),
            },
        };
    }

    /// Sends the queued actions of one-to-one chats (`room` None, after
    /// the outbox) or of `room` (after rejoining it); keeps what still
    /// cannot go.
    pub async fn flush_actions(self: Rc<Self>, room: Option<String>) {
        let queue = self.queued_actions().await;
        if queue.is_empty() {
            return;
        }
        let Some(client) = self.client_handle() else {
            return;
        };
        let mut left = vec![];
        for q in queue {
            let sent = match (&room, q.group) {
                (None, false) => client.send_message(&q.chat, &q.body, &q.id, &q.extras),
                (Some(r), true) if *r == q.chat => {
                    client.send_room_message(&q.chat, &q.body, &q.id, &q.extras)
                }
                _ => false,
            };
            if !sent {
                left.push(q);
            }
        }
        self.save_actions(&left).await;
    }
}
