//! The chat reducer. (Skeleton.)
