#!/usr/bin/env bash
# The smoke check of a deployment, for an operator or an orchestrator to gate on.
#
#   ./ops/smoke.sh BASE_URL [--samples N] [--interval SECONDS] [--timeout SECONDS] [--chat ID] [--no-message]
#
# Waits up to TIMEOUT (120) seconds for N (3) consecutive healthy /healthz samples (HTTP 200), INTERVAL (2) seconds
# apart; prints the router's state, build SHA and config manifest hash on one line (router.state=... build_sha=...
# config_manifest_hash=...). When the router runs the stub Bot API, it then sends one message into chat ID (a
# negative test chat, -4242) and waits up to TIMEOUT seconds more for the bot's reply. Needs curl and jq.
#
# Exit codes: 0 healthy (and answered), 1 not healthy in time, 2 usage, 3 healthy but the message got no reply.
set -euo pipefail

usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() { echo "smoke: $*" >&2; echo >&2; usage >&2; exit 2; }

base="" samples=3 interval=2 timeout=120 chat=-4242 message=true
number() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 takes a whole number, not '$2'"; }
while (($#)); do
  case "$1" in
    --samples) (($# >= 2)) || die "$1 needs a value"; number "$1" "$2"; samples="$2"; shift 2 ;;
    --interval) (($# >= 2)) || die "$1 needs a value"; number "$1" "$2"; interval="$2"; shift 2 ;;
    --timeout) (($# >= 2)) || die "$1 needs a value"; number "$1" "$2"; timeout="$2"; shift 2 ;;
    --chat) (($# >= 2)) || die "$1 needs a value"; [[ "$2" =~ ^-?[0-9]+$ ]] || die "--chat takes a chat id"; chat="$2"; shift 2 ;;
    --no-message) message=false; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option '$1'" ;;
    *) [[ -z "$base" ]] || die "one base URL only"; base="${1%/}"; shift ;;
  esac
done
[[ -n "$base" ]] || die "name the router's base URL, e.g. http://127.0.0.1:8080"
[[ "$base" =~ ^https?://[^/]+ ]] || die "the base URL must start with http:// or https://"
((samples >= 1)) || die "--samples must be at least 1"
command -v curl >/dev/null || die "needs curl"
command -v jq >/dev/null || die "needs jq"

response="$(mktemp)"
trap 'rm -f "$response"' EXIT
deadline=$((SECONDS + timeout))
healthy=0 body="" code=""
while ((healthy < samples)); do
  : >"$response"
  code="$(curl -s -o "$response" -w '%{http_code}' --max-time 5 "$base/healthz" || true)"
  body="$(cat "$response")"
  if [[ "$code" == 200 ]]; then
    healthy=$((healthy + 1))
    echo "smoke: healthy sample $healthy of $samples" >&2
  else
    ((healthy == 0)) || echo "smoke: /healthz answered ${code:-nothing} after $healthy healthy samples; counting again" >&2
    healthy=0
  fi
  ((healthy >= samples)) && break
  if ((SECONDS + interval > deadline)); then
    [[ "$code" =~ ^[1-9] ]] || code=""
    echo "smoke: $base/healthz was not healthy $samples times in a row within ${timeout} s (last answer: ${code:-none})" >&2
    [[ -n "$body" ]] && jq -c '{status, router, telegram: {status: .telegram.status, detail: .telegram.detail}, a2a: .a2a.status, storage: .storage.status}' <<<"$body" >&2 2>/dev/null || true
    exit 1
  fi
  sleep "$interval"
done

jq -r '"router.state=\(.router.state) telegram.status=\(.telegram.status) a2a.status=\(.a2a.status) build_sha=\(.build.sha) config_manifest_hash=\(.build.config_manifest_hash)"' <<<"$body" ||
  { echo "smoke: $base/healthz answered 200, but not with the router's JSON" >&2; exit 1; }

[[ "$message" == true && "$(jq -r '.telegram.transport' <<<"$body")" == stub ]] || exit 0

# Stub mode: one message through the whole path, and its reply, within a timeout of its own.
deadline=$((SECONDS + timeout))
text="smoke $(date -u +%Y-%m-%dT%H:%M:%SZ) $$"
payload="$(jq -cn --arg text "$text" '{text: $text}')"
posted="$(curl -fsS --max-time 5 -X POST -H 'Content-Type: application/json' "$base/stub/chats/$chat/messages" -d "$payload")" &&
  id="$(jq -er '.message_id' <<<"$posted")" ||
  { echo "smoke: the stub Bot API did not take the message" >&2; exit 3; }
# The reply is the bot's message that replies to this one (not one still on its way to an earlier smoke check).
reply='[.messages[] | select(.from == "bot" and .reply_to == ($id | tonumber))][0].text // empty'
while ((SECONDS < deadline)); do
  transcript="$(curl -fsS --max-time 5 "$base/stub/chats/$chat/transcript" || true)"
  answer="$(jq -r --arg id "$id" "$reply" <<<"$transcript" 2>/dev/null || true)"
  if [[ -n "$answer" ]]; then
    echo "smoke: chat $chat answered: $answer"
    exit 0
  fi
  sleep 1
done
echo "smoke: no reply to the smoke message in chat $chat within ${timeout} s" >&2
exit 3
