//! Version 2: profiles and avatars (issue 4).
//!
//! * `profiles`, keyed by `jid`: nickname and avatar hash per person, so
//!   names and pictures show before the server answers.
//! * `avatars`, keyed by `hash` (SHA-1 hex): the image bytes (a Uint8Array)
//!   and their type, fetched once per hash.
//!
//! Nothing in version 1 changes; existing records stay as they are.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;

pub fn apply(db: &Database) -> indexed_db_futures::Result<()> {
    db.create_object_store("profiles")
        .with_key_path(KeyPath::One("jid"))
        .build()?;
    db.create_object_store("avatars")
        .with_key_path(KeyPath::One("hash"))
        .build()?;
    Ok(())
}
