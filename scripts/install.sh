#!/usr/bin/env bash
# Installs everything Confab needs to build, run and test, idempotently:
# a second run with everything present takes a few seconds.
#
#   apt:    chromium chromium-driver prosody prosody-modules (mod_vcard_muc: XEP-0486
#           group photos) (+ nodejs npm if node is missing), and
#           ejabberd (23.01) when CONFAB_E2E_SERVER=ejabberd (scripts/e2e.sh); the
#           package starts no service here, scripts/ejabberd.sh runs private nodes
#   rustup: target wasm32-unknown-unknown
#   cargo:  trunk 0.21.14 (--locked) and wasm-bindgen-cli at Cargo.lock's
#           wasm-bindgen version (WITHOUT --locked: the locked webpki-roots is
#           not on the reachable registry), into ~/.cargo/bin
#   npm:    binaryen@132.0.0 into .tools/npm (wasm-opt 132; Debian's 108
#           corrupts the module), and tests/e2e's dependencies (npm ci)
#
# Nothing is downloaded from anywhere but Debian, crates.io and npm.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$CONFAB_ROOT"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132.0.0

# ---- Debian packages --------------------------------------------------------
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
# ejabberd only when the e2e run is to use it (CI runs against Prosody).
pkgs=(chromium chromium-driver prosody prosody-modules)
[ "${CONFAB_E2E_SERVER:-prosody}" = ejabberd ] && pkgs+=(ejabberd)
for p in "${pkgs[@]}"; do have_pkg "$p" || missing+=("$p"); done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  confab_step "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  # On a machine with systemd the ejabberd package starts a system-wide
  # service on 5222/5280/5269 (Prosody's default ports too): the project only
  # runs its own private nodes (scripts/ejabberd.sh), so switch it off.
  if [[ " ${missing[*]} " == *" ejabberd "* ]] && command -v systemctl >/dev/null \
     && systemctl is-active -q ejabberd 2>/dev/null; then
    echo "install: stopping and disabling the system ejabberd service the package just started"
    $SUDO systemctl disable --now ejabberd || true
  fi
else
  echo "apt: ${pkgs[*]} already installed"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "warning: node $(node --version) is older than 20; the e2e tests need node >= 20" >&2
fi

# ---- Rust target --------------------------------------------------------------
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "rustup: wasm32-unknown-unknown already installed"
else
  confab_step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# ---- cargo-installed tools ------------------------------------------------------
# Plain ~/.cargo/bin (no --root) so a machine handed back keeps them.
if [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ]; then
  echo "trunk $TRUNK_VERSION already installed"
else
  confab_step "cargo install trunk --version $TRUNK_VERSION --locked (about 9 min on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

WB=$(confab_wasm_bindgen_version)
[ -n "$WB" ] || { echo "cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1; }
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $WB" ] \
   && [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $WB" ]; then
  echo "wasm-bindgen-cli $WB already installed"
else
  confab_step "cargo install wasm-bindgen-cli --version $WB (about 3 min; no --locked on purpose)"
  cargo install wasm-bindgen-cli --version "$WB" --force
fi

# ---- npm: wasm-opt (binaryen 132) -------------------------------------------------
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" = "${BINARYEN_VERSION%%.*}" ] \
   && [ -x "$CONFAB_TOOLS/npm/node_modules/.bin/wasm-opt" ]; then
  echo "wasm-opt ${BINARYEN_VERSION%%.*} (npm binaryen) already installed"
else
  confab_step "npm install binaryen@$BINARYEN_VERSION into $CONFAB_TOOLS/npm"
  mkdir -p "$CONFAB_TOOLS/npm"
  npm install --prefix "$CONFAB_TOOLS/npm" --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION"
fi

# ---- npm: end-to-end test dependencies ----------------------------------------------
e2e="$CONFAB_ROOT/tests/e2e"
if [ -f "$e2e/package.json" ]; then
  stamp="$e2e/node_modules/.confab-lock-stamp"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$e2e/package-lock.json"; then
    echo "tests/e2e: npm dependencies up to date"
  else
    confab_step "npm ci in tests/e2e (playwright-core uses the system chromium, downloads no browser)"
    (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
    cp "$e2e/package-lock.json" "$stamp"
  fi
fi

echo "install: done"
