//! Browser shell: WebSocket driver, timers, reconnect. (Skeleton.)
