//! In-memory store. (Skeleton: filled in by the store work.)

#[derive(Default)]
pub struct MemoryStore {}
