//! The chat domain: what a person sees (chats, contacts, messages) and the
//! reducer that turns protocol events and user intents into state changes,
//! store writes and protocol commands. No browser types here.

pub mod actions;
pub mod channels;
pub mod effects;
mod group_admin;
pub mod groups;
pub mod ingest;
pub mod input;
pub mod model;
mod people;
mod profiles;
pub mod reads;
pub mod reducer;
pub mod text;
pub mod uploads;

pub use model::*;
