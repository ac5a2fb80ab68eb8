#[cfg(target_arch = "wasm32")]
fn main() {
    confab::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("confab is a browser app: build it with `trunk build` (see README.md)");
}
