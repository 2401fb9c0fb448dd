#!/usr/bin/env bash
# ui/check.sh: builds and checks the web UI, then runs the end-to-end story.
#
#   1. npm ci, npm run build (type check + Vite) and the Vitest component tests in ui/web;
#   2. fails if the committed ui/dist differs from the fresh build, or if the
#      build left files git does not know;
#   3. builds `lineage`, serves the sample warehouse on a temp SQLite store
#      with no tokens configured (the README's first run: a local token is
#      made beside the database), and drives Debian's Chromium through ui/e2e/story.mjs (playwright-core,
#      no browser download), saving a screenshot per step.
#
# Run from anywhere: bash ui/check.sh. Environment:
#   SCREENSHOT_DIR  where the e2e screenshots go (default ui/e2e/screenshots, git-ignored)
#   UI_SKIP_E2E=1   stop after step 2
#   UI_SKIP_DIST_CHECK=1  skip step 2's git comparison (for a tree whose ui/dist is not committed yet)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
say() { printf '\n== ui: %s\n' "$*"; }

say "node $(node --version), npm $(npm --version)"
cd "$root/ui/web"
say "npm ci"
npm ci --no-audit --no-fund --loglevel=error
say "npm run build"
npm run build
say "component tests (vitest)"
npx vitest run

cd "$root"
if [ "${UI_SKIP_DIST_CHECK:-}" = 1 ]; then
	say "skipping the ui/dist check (UI_SKIP_DIST_CHECK=1)"
else
	say "ui/dist matches the committed build"
	if ! git diff --exit-code --stat -- ui/dist; then
		echo "ui/dist differs from the build of ui/web: run 'cd ui/web && npm ci && npm run build' and commit ui/dist." >&2
		exit 1
	fi
	untracked=$(git ls-files --others --exclude-standard -- ui/dist)
	if [ -n "$untracked" ]; then
		printf 'the build made files that are not committed:\n%s\n' "$untracked" >&2
		echo "run 'cd ui/web && npm ci && npm run build' and commit ui/dist." >&2
		exit 1
	fi
	echo "ui/dist is up to date"
fi

if [ "${UI_SKIP_E2E:-}" = 1 ]; then
	say "skipping the end-to-end story (UI_SKIP_E2E=1)"
	exit 0
fi

say "end-to-end story"
chromium_bin=$(command -v chromium || true)
if [ -z "$chromium_bin" ]; then
	echo "chromium not found: installing Debian's package"
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null
	else
		sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
	fi
	chromium_bin=$(command -v chromium)
fi
echo "chromium: $("$chromium_bin" --version 2>/dev/null | head -1)"

tmp=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid"
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/lineage-e2e" ./cmd/lineage
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
base="http://127.0.0.1:$port"
# As the README runs it, on a fresh store and with no tokens configured: the
# built-in sample warehouse loads, and since the server listens on loopback
# only it makes the local token beside the database (e2e.db-token), which the
# story reads as a person would.
env -u LINEAGE_TOKENS -u LINEAGE_TOKENS_FILE "$tmp/lineage-e2e" serve \
	-addr "127.0.0.1:$port" \
	-graph "sqlite:$tmp/e2e.db" >"$tmp/serve.log" 2>&1 &
server_pid=$!

# Wait for /healthz (the sample loads before the server listens).
ready=
for _ in $(seq 1 120); do
	if node -e "fetch('$base/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
		ready=1
		break
	fi
	if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
	sleep 0.5
done
if [ -z "$ready" ]; then
	echo "lineage serve did not become healthy at $base; its log:" >&2
	cat "$tmp/serve.log" >&2
	exit 1
fi
echo "lineage serve is up at $base"
token_file="$tmp/e2e.db-token"
if ! grep -q "$token_file" "$tmp/serve.log" || [ "$(stat -c %a "$token_file")" != 600 ]; then
	echo "lineage serve did not make the local token $token_file (mode 0600) or did not say where it is; its log:" >&2
	cat "$tmp/serve.log" >&2
	exit 1
fi

shots=${SCREENSHOT_DIR:-$root/ui/e2e/screenshots}
status=0
BASE_URL="$base" TOKEN_FILE="$token_file" SCREENSHOT_DIR="$shots" CHROMIUM="$chromium_bin" node ui/e2e/story.mjs || status=$?
if [ "$status" != 0 ]; then
	echo "the end-to-end story failed; the server's log:" >&2
	tail -n 50 "$tmp/serve.log" >&2
fi
echo "ui e2e screenshots: $shots"
exit "$status"
