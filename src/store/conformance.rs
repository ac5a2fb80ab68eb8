//! Conformance suite shared by every `Store`. (Skeleton.)
