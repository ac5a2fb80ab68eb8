//! Leptos UI. (Skeleton.)

pub fn start() {
    console_error_panic_hook::set_once();
}
