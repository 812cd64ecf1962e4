#!/usr/bin/env bash
# The smoke check of a deployment, for an operator or an orchestrator to gate on.
#
#   ./ops/smoke.sh BASE_URL [--samples N] [--interval SECONDS] [--timeout SECONDS] [--chat ID] [--no-message]
#
# Waits for N (3) consecutive healthy /healthz samples (HTTP 200), INTERVAL (2) seconds apart, within TIMEOUT (120)
# seconds each; prints the router's state, build SHA and config manifest hash. When the router runs the stub Bot API, it
# then sends one message into chat ID (a negative test chat, -4242) and waits for the reply within the timeout.
# Needs curl and jq.
#
# Exit codes: 0 healthy (and answered), 1 not healthy in time, 2 usage, 3 healthy but the message got no reply.
set -euo pipefail

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
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
    echo "smoke: $base/healthz was not healthy $samples times in a row within ${timeout} s (last answer: ${code:-none})" >&2
    [[ -n "$body" ]] && jq -c '{status, router, telegram: {status: .telegram.status, detail: .telegram.detail}, a2a: .a2a.status, storage: .storage.status}' <<<"$body" >&2 2>/dev/null
    exit 1
  fi
  sleep "$interval"
done

jq -r '"router.state=\(.router.state) telegram.status=\(.telegram.status) a2a.status=\(.a2a.status) build_sha=\(.build.sha) config_manifest_hash=\(.build.config_manifest_hash)"' <<<"$body"

[[ "$message" == true && "$(jq -r '.telegram.transport' <<<"$body")" == stub ]] || exit 0

# Stub mode: one message through the whole path, and its reply, within a timeout of its own.
deadline=$((SECONDS + timeout))
text="smoke $(date -u +%Y-%m-%dT%H:%M:%SZ) $$"
payload="$(jq -cn --arg text "$text" '{text: $text}')"
curl -fsS --max-time 5 -X POST "$base/stub/chats/$chat/messages" -d "$payload" >/dev/null ||
  { echo "smoke: the stub Bot API did not take the message" >&2; exit 3; }
while ((SECONDS < deadline)); do
  transcript="$(curl -fsS --max-time 5 "$base/stub/chats/$chat/transcript" || true)"
  if jq -e --arg text "$text" '.messages | (map(.text) | index($text)) as $i | $i != null and (.[$i + 1:] | any(.from == "bot"))' <<<"$transcript" >/dev/null 2>&1; then
    echo "smoke: chat $chat answered: $(jq -r --arg text "$text" '.messages | (map(.text) | index($text)) as $i | [.[$i + 1:][] | select(.from == "bot")][0].text' <<<"$transcript")"
    exit 0
  fi
  sleep 1
done
echo "smoke: no reply to the smoke message in chat $chat within ${timeout} s" >&2
exit 3
