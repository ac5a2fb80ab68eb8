//! Schema migrations, one file per step: `vN.rs` turns a version `N - 1`
//! database into a version `N` one. [`upgrade`] runs every step from the
//! stored version to the requested one, inside the browser's `versionchange`
//! transaction, so either all steps apply or the database stays as it was.
//!
//! A step is frozen once released: it names its stores and indexes with
//! literals, never with constants that a later version might change.
//!
//! To add version N: write `vN.rs`, add `N => vN::apply(db)?` below and bump
//! `SCHEMA_VERSION` in `store/mod.rs`.

use indexed_db_futures::database::Database;
use wasm_bindgen::JsValue;

mod v1;
mod v2;
mod v3;

/// Applies the steps `old + 1 ..= new` in order.
pub fn upgrade(db: &Database, old: u32, new: u32) -> indexed_db_futures::Result<()> {
    for version in old.saturating_add(1)..=new {
        match version {
            1 => v1::apply(db)?,
            2 => v2::apply(db)?,
            3 => v3::apply(db)?,
            unknown => {
                let text = format!("no migration to schema version {unknown}");
                return Err(JsValue::from_str(&text).into());
            }
        }
    }
    Ok(())
}
