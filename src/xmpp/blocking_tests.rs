//! Transcript tests (to come).
