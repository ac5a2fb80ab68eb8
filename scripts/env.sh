# Source me: `. scripts/env.sh` (bash). Sets the paths and switches every
# Confab script uses. Safe to source more than once.
#
#   CONFAB_ROOT   the repository root (derived from this file's location)
#   CONFAB_TOOLS  git-ignored tool folder (.tools): npm binaryen (wasm-opt 132)
#   PATH          .tools/npm/node_modules/.bin (wasm-opt 132 must win over
#                 Debian's broken 108) and ~/.cargo/bin (trunk, wasm-bindgen)
CONFAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONFAB_TOOLS="${CONFAB_TOOLS:-$CONFAB_ROOT/.tools}"
export CONFAB_ROOT CONFAB_TOOLS

case ":$PATH:" in
  *":$CONFAB_TOOLS/npm/node_modules/.bin:"*) ;;
  *) PATH="$CONFAB_TOOLS/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH" ;;
esac
export PATH

# trunk: never ask the internet for a newer trunk.
export TRUNK_SKIP_VERSION_CHECK=true
# Browser + driver from Debian (chromium, chromium-driver).
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# Browser tests (wasm-bindgen-test) even without .cargo/config.toml.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER:-wasm-bindgen-test-runner}"
# Prosody config of this project (ports/data dir come from PROSODY_* env vars).
export CONFAB_PROSODY_CFG="$CONFAB_ROOT/scripts/prosody/confab.cfg.lua"

# Prints "==> message" in bold when on a terminal.
confab_step() {
  if [ -t 1 ]; then printf '\n\033[1m==> %s\033[0m\n' "$*"; else printf '\n==> %s\n' "$*"; fi
}

# Prints a free TCP port on 127.0.0.1.
confab_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The wasm-bindgen version pinned by Cargo.lock.
confab_wasm_bindgen_version() {
  sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"/\1/p}' "$CONFAB_ROOT/Cargo.lock"
}
