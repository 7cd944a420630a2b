#!/usr/bin/env bash
# Smoke test of the frozen bundle (not the test suite): --version; --demo offscreen
# long enough for the first sync to load the sample data from the sandbox and show
# the main window, then a clean quit; the encrypted secret file round trip (the
# dynamically loaded keyring backend). Prints the bundle size and start-up times.
set -euo pipefail
cd "$(dirname "$0")/.."
BUNDLE=dist/kapusta-desktop
EXE=$BUNDLE/kapusta-desktop
[ -x "$EXE" ] || { echo "no bundle at $BUNDLE: run make package first" >&2; exit 1; }
STAY_MS=${SMOKE_MS:-25000}

fail() { echo "package smoke: $*" >&2; exit 1; }

version=$("$EXE" --version)
echo "$version"
[[ "$version" == kapusta-desktop\ * ]] || fail "unexpected --version output: $version"

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
start=$(date +%s.%N)
rc=0
QT_QPA_PLATFORM=offscreen KAPUSTA_EXIT_AFTER_MS=$STAY_MS \
  timeout 180 "$EXE" --demo --profile "$profile" --lang ru >"$profile/stdout.txt" 2>&1 || rc=$?
end=$(date +%s.%N)
log="$profile/demo/logs/kapusta.log"
[ -f "$log" ] || { cat "$profile/stdout.txt" >&2; fail "no log written"; }
[ "$rc" = 0 ] || { cat "$profile/stdout.txt" "$log" >&2; fail "the demo exited with $rc"; }
grep -q "main window shown" "$log" || { cat "$log" >&2; fail "the main window was never shown"; }
grep -Eq "first sync finished: online; cache holds [1-9][0-9]* companies" "$log" \
  || { cat "$log" >&2; fail "the sample data never arrived through the first sync (raise SMOKE_MS?)"; }
grep -q "desk shut down" "$log" || { cat "$log" >&2; fail "no clean shutdown"; }
if grep -E "Traceback|CRITICAL| ERROR " "$log"; then fail "errors in the frozen run's log"; fi
grep -q "could not be loaded" "$log" && fail "a resource (translation) was not found in the bundle"

# The encrypted file store: keyrings.cryptfile, argon2 and pycryptodome are imported dynamically.
secrets_profile="$profile/secrets"
printf 'smoke-admin-1\nsmoke-admin-1\n' | "$EXE" --profile "$secrets_profile" config set-admin-password >/dev/null
if "$EXE" --profile "$secrets_profile" config show | grep -q "No secure system keyring"; then
  printf 'smoke-admin-1\nsmoke-master-1\n' | "$EXE" --profile "$secrets_profile" config init-file-store >/dev/null
  printf 'smoke-admin-1\n123456789:AAHsmokeSMOKEsmokeSMOKEsmoke_tok0\n' \
    | KAPUSTA_SECRETS_PASSWORD=smoke-master-1 "$EXE" --profile "$secrets_profile" \
      config set --secret telegram.bot_token >/dev/null
  KAPUSTA_SECRETS_PASSWORD=smoke-master-1 "$EXE" --profile "$secrets_profile" config show \
    | grep -q "telegram.bot_token = set" || fail "the encrypted secret file did not keep a secret"
  echo "encrypted secret file: ok"
else
  echo "encrypted secret file: skipped (a system keyring is present)"
fi

python3 - "$log" "$start" "$end" "$STAY_MS" "$(du -sm "$BUNDLE" | cut -f1)" <<'PY'
import datetime as dt
import sys

log, start, end, stay_ms, size = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
lines = open(log, encoding="utf-8").read().splitlines()


def at(pattern: str) -> dt.datetime:
    line = next(line for line in lines if pattern in line)
    return dt.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")


process_start = dt.datetime.fromtimestamp(start)
print(f"bundle_size: {size} MB")
print(f"frozen_process_to_window: {(at('main window shown') - process_start).total_seconds():.2f} s")
print(f"frozen_first_log_to_window: {(at('main window shown') - at('starting on profile')).total_seconds():.2f} s")
print(f"frozen_window_to_demo_data: {(at('first sync finished') - at('main window shown')).total_seconds():.2f} s")
print(f"frozen_demo_run: {end - start:.1f} s (told to stay open {stay_ms / 1000:.0f} s)")
PY
