//! Nicknames (XEP-0172) and avatars (XEP-0084, XEP-0153 vCard fallback) in
//! the chat state: who calls themselves what and which picture they show.
//!
//! The reducer keeps only the avatar's hash per person; the image is cached
//! once per hash by the store, so the chat list shows pictures offline and
//! a picture is fetched from the server only when its hash is new to us.

use super::model::*;
use super::reducer::{ChatState, Command, Effect};

/// Requests the app makes on its own (not on a user's click): their
/// failure is not worth a notice (a contact without a vCard photo, say).
const BACKGROUND_REQUESTS: [&str; 3] = [
    "get the avatar of ",
    "get the nickname of ",
    crate::xmpp::COPY_TO_VCARD,
];

/// Whether a failed request was one the user did not ask for.
pub(super) fn is_background(request: &str) -> bool {
    BACKGROUND_REQUESTS.iter().any(|p| request.starts_with(p))
}

impl ChatState {
    /// The avatar hash of `jid` (ours too), if we know one.
    pub fn avatar_of(&self, jid: &str) -> Option<&str> {
        self.profiles.get(jid).and_then(|p| p.avatar.as_deref())
    }

    /// The nickname `jid` published, if any.
    pub fn nick_of(&self, jid: &str) -> Option<&str> {
        self.profiles
            .get(jid)
            .and_then(|p| p.nick.as_deref())
            .filter(|n| !n.trim().is_empty())
    }

    /// Profiles read from the store at start-up; what the server said in
    /// this session wins over them.
    pub(super) fn profiles_restored(&mut self, profiles: Vec<Profile>) -> Vec<Effect> {
        for p in profiles {
            self.profiles.entry(p.jid.clone()).or_insert(p);
        }
        vec![]
    }

    fn update_profile(&mut self, jid: String, change: impl FnOnce(&mut Profile)) -> Vec<Effect> {
        let profile = self.profiles.entry(jid.clone()).or_insert_with(|| Profile {
            jid,
            ..Profile::default()
        });
        let before = profile.clone();
        change(profile);
        if *profile == before {
            return vec![];
        }
        vec![Effect::SaveProfile(profile.clone())]
    }

    /// `jid` announced a (new) avatar, or none: remember the hash and make
    /// sure the image is cached.
    pub(super) fn avatar_changed(&mut self, jid: String, hash: Option<String>) -> Vec<Effect> {
        let hash = hash.map(|h| h.to_ascii_lowercase());
        let mut effects = self.update_profile(jid.clone(), |p| p.avatar = hash.clone());
        if let Some(hash) = hash {
            // Also when unchanged: the image may never have been fetched.
            effects.push(Effect::EnsureAvatar { jid, hash });
        }
        effects
    }

    pub(super) fn nick_changed(&mut self, jid: String, nick: Option<String>) -> Vec<Effect> {
        let nick = nick.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        self.update_profile(jid, |p| p.nick = nick)
    }

    /// The image behind a hash arrived (already checked against it).
    pub(super) fn avatar_arrived(&self, hash: String, mime: String, data: Vec<u8>) -> Vec<Effect> {
        vec![Effect::SaveAvatar(AvatarImage {
            hash: hash.to_ascii_lowercase(),
            mime,
            data,
        })]
    }

    /// "Nickname" in the profile settings.
    pub(super) fn set_my_nick(&mut self, nick: String) -> Vec<Effect> {
        let nick = nick.trim().to_owned();
        let Some(me) = self.me.clone() else {
            return vec![];
        };
        let mut effects = self.nick_changed(me, Some(nick.clone()));
        effects.push(Effect::Command(Command::SetNick(nick)));
        effects
    }

    /// A new picture chosen in the profile settings (already scaled by the
    /// shell). It shows at once: cached and recorded before the server
    /// confirms, like a sent message.
    pub(super) fn set_my_avatar(
        &mut self,
        image: AvatarImage,
        width: u16,
        height: u16,
    ) -> Vec<Effect> {
        let Some(me) = self.me.clone() else {
            return vec![];
        };
        let mut effects = vec![Effect::SaveAvatar(image.clone())];
        effects.extend(self.update_profile(me, |p| p.avatar = Some(image.hash.clone())));
        effects.push(Effect::Command(Command::SetAvatar {
            mime: image.mime,
            data: image.data,
            width,
            height,
        }));
        effects
    }

    pub(super) fn remove_my_avatar(&mut self) -> Vec<Effect> {
        let Some(me) = self.me.clone() else {
            return vec![];
        };
        let mut effects = self.update_profile(me, |p| p.avatar = None);
        effects.push(Effect::Command(Command::RemoveAvatar));
        effects
    }
}

#[cfg(test)]
#[path = "profiles_tests.rs"]
mod tests;
