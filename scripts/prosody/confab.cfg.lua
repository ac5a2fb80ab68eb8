-- Confab's own Prosody 0.12 config, for local development and the tests:
-- plain text (no TLS), open in-band registration, loopback only.
-- NEVER expose an instance running with this config.
--
-- Use it through scripts/prosody.sh (start|stop|status|register). By hand:
--   prosody -F --config scripts/prosody/confab.cfg.lua
--   prosodyctl --config scripts/prosody/confab.cfg.lua register alice localhost alicepass
-- (`prosody --version` is NOT a version flag: it starts a server. Use
--  `dpkg-query -W prosody` or `prosodyctl about`.)
--
-- Everything machine-specific comes from the environment (Prosody maps ENV_X
-- to os.getenv("X")):
--   PROSODY_DATA       absolute data directory, must exist (default ./prosody-data)
--   PROSODY_C2S_PORT   client-to-server port      (default 5222)
--   PROSODY_HTTP_PORT  HTTP + WebSocket port      (default 5280)
--   PROSODY_INTERFACE  listen address             (default 127.0.0.1)
--   PROSODY_LOGLEVEL   debug|info|warn|error      (default info)

local data_dir = ENV_PROSODY_DATA or "prosody-data"
local iface = ENV_PROSODY_INTERFACE or "127.0.0.1"

-- CI and dev machines run as root; Prosody refuses root unless told so.
run_as_root = true

data_path = data_dir
pidfile = data_dir .. "/prosody.pid"
admin_socket = data_dir .. "/prosody.sock"
certificates = "."  -- no certs, no TLS (also avoids an error about a missing certs/ dir)
log = { { levels = { min = ENV_PROSODY_LOGLEVEL or "info" }, to = "console" } }

interfaces = { iface }
local_interfaces = { iface }
c2s_interfaces = { iface }
c2s_ports = { tonumber(ENV_PROSODY_C2S_PORT) or 5222 }
c2s_direct_tls_ports = {}
s2s_ports = {}
component_ports = {}
http_interfaces = { iface }
http_ports = { tonumber(ENV_PROSODY_HTTP_PORT) or 5280 }
https_ports = {}
https_interfaces = {}
http_default_host = "localhost"
http_paths = { websocket = "/xmpp-websocket" }

-- No TLS anywhere: dev/test only.
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
-- Makes SASL usable over ws:// on loopback. (cross_domain_websocket is a
-- deprecated no-op in 0.12: WebSocket Origin is not restricted.)
consider_websocket_secure = true

authentication = "internal_hashed"
storage = "internal"

-- Open in-band registration (XEP-0077) for "Create account" and the tests.
-- mod_register_limits (0.12) throttles only when min_seconds_between_registrations
-- or registration_throttle_max is set, and never for allow-listed IPs, so both
-- stay unset (note: registration_throttle_max = 0 would refuse EVERY
-- registration) and loopback is allow-listed explicitly.
allow_registration = true
registration_allowlist = { "127.0.0.1", "::1" }
blocklist_on_registration_throttle_overload = false

-- MAM: archive by default, keep a week.
archive_expires_after = "1w"
default_archive_policy = true
max_archive_query_results = 250

-- Stream management: resumable for a minute.
smacks_hibernation_time = 60

modules_enabled = {
	"roster"; "saslauth"; "disco"; "carbons"; "mam"; "smacks"; "pep";
	"register"; "ping"; "blocklist"; "vcard4"; "vcard_legacy"; "bookmarks"; "private";
	"offline"; "time"; "version"; "lastactivity"; "csi_simple";
	"http"; "websocket";
}
modules_disabled = { "s2s"; "tls" }

VirtualHost "localhost"

-- A second host whose registration form asks for more than a username and a
-- password (an e-mail address), so the tests see the app render the server's form.
VirtualHost "form.localhost"
	additional_registration_fields = { "email+" }

Component "conference.localhost" "muc"
	-- vcard_muc (prosody-modules): room photos in the room vCard (XEP-0486).
	modules_enabled = { "muc_mam"; "vcard_muc" }
	restrict_room_creation = false

-- XEP-0363 HTTP File Upload. The slot URLs are built from the component's
-- host and the HTTP port Prosody listens on: http://upload.localhost:PORT/file_share/…
-- (so no http_host/http_external_url is needed). Chromium resolves every
-- *.localhost name to loopback by itself (no /etc/hosts entry; curl needs
-- --resolve), so the browser reaches them. The app is served from another
-- origin (scripts/serve.mjs, the wasm test runner), so the PUT is cross-origin
-- with the slot's Authorization header: mod_http_file_share declares CORS for
-- its routes (the request's Origin echoed, credentials allowed, methods
-- OPTIONS/PUT/GET, headers Content-Type + Authorization), and the preflight
-- passes with no CORS setting here. tests/net_web.rs checks PUT and GET.
Component "upload.localhost" "http_file_share"
	-- 50 MiB per file, announced as max-file-size in disco#info.
	http_file_share_size_limit = 50 * 1024 * 1024
	-- The default daily quota is 10 files' worth per account (500 MiB at this
	-- limit); the tests and benches upload 20 MB files many times a day, so
	-- allow 10 GiB a day.
	http_file_share_daily_quota = 10 * 1024 * 1024 * 1024
