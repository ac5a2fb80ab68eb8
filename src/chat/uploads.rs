//! Sending a file (issue 5): the message is stored Pending with its
//! attachment before anything leaves the device, then the shell uploads the
//! file (XEP-0363 slot, HTTP PUT) and reports back; only then does the
//! message with the file's URL go out. A reload or a lost connection
//! during the upload finds the message in the outbox without a URL, and
//! the shell starts its upload again.

use super::model::*;
use super::reducer::{ChatState, Command, Effect};

/// Ours, Pending, and its file not uploaded yet: the shell must upload it
/// before the message can be sent.
pub fn awaiting_upload(m: &StoredMessage) -> bool {
    m.from_me && m.rich.attachment.as_ref().is_some_and(|a| a.url.is_empty())
}

impl ChatState {
    /// The user attached a file (its description; the shell keeps the
    /// bytes under `id`) in the open chat.
    pub(super) fn attach(
        &mut self,
        id: String,
        attachment: Attachment,
        now: Millis,
    ) -> Vec<Effect> {
        let (Some(chat), Some(me)) = (self.open.clone(), self.me.clone()) else {
            return vec![];
        };
        let attachment = Attachment {
            url: String::new(),
            ..attachment
        };
        let message = StoredMessage {
            id: id.clone(),
            chat: chat.clone(),
            from_me: true,
            sender: me,
            body: String::new(),
            timestamp: now,
            status: MessageStatus::Pending,
            stanza_id: None,
            error: None,
            rich: Rich {
                attachment: Some(attachment.clone()),
                ..Rich::default()
            },
        };
        self.upsert_loaded(message.clone());
        let line = super::actions::summary("", &message.rich);
        let row = self.touch_chat(&chat, &line, now, false);
        vec![
            Effect::SaveMessage(message),
            Effect::Command(upload_command(&id, &attachment)),
            Effect::SaveChat(row),
        ]
    }

    /// The file of our message is on the server at `url`: the message
    /// (as stored: it may not be loaded) gets it and goes out.
    pub(super) fn uploaded(&mut self, mut message: StoredMessage, url: String) -> Vec<Effect> {
        let Some(a) = message.rich.attachment.as_mut() else {
            return vec![];
        };
        a.url = url.clone();
        message.body = url.clone();
        if message.rich.retracted {
            return vec![];
        }
        if self.open.as_deref() == Some(message.chat.as_str())
            && self.messages.iter().any(|m| m.id == message.id)
        {
            self.upsert_loaded(message.clone());
        }
        let extras = Self::extras_of(&message);
        let command = self.command_for(&message.chat, url, message.id.clone(), extras);
        vec![Effect::SaveMessage(message), Effect::Command(command)]
    }

    /// The user stopped the upload of their message `id`: it is gone.
    pub(super) fn cancel_upload(&mut self, id: &str) -> Vec<Effect> {
        let chat = self
            .messages
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.chat.clone());
        std::sync::Arc::make_mut(&mut self.messages).retain(|m| m.id != id);
        let mut effects = vec![Effect::DeleteMessage(id.to_owned())];
        if let Some(chat) = chat {
            effects.extend(self.refresh_preview(&chat));
        }
        effects
    }
}

/// The command that asks the server for a place to put the file.
pub(super) fn upload_command(id: &str, a: &Attachment) -> Command {
    Command::RequestUploadSlot {
        id: id.to_owned(),
        name: a.name.clone(),
        size: a.size,
        mime: a.mime.clone(),
    }
}
