#!/usr/bin/env bash
# Moves the Redis primary to a replica for maintenance, through the Sentinels, losing no write.
#
#   ./ops/redis-switchover.sh --sentinel HOST:PORT [--service NAME] [--pause-ms MS]
#
# Asks the Sentinel for the primary of service NAME (default router) and its replicas, then:
#   1. pauses writes on the primary (CLIENT PAUSE MS WRITE, default 3000): they wait instead of going on;
#   2. waits until every replica has every write (its slave_repl_offset is the primary's master_repl_offset);
#   3. SENTINEL FAILOVER NAME, and waits until the Sentinel names a new primary that says it is one;
#   4. turns the old primary into a replica of the new one, lets the paused writes go (the old primary, a replica
#      now, refuses them: READONLY, and the router writes them again on the new one), and drops its clients so that
#      they reconnect and find the new primary.
# A bare SENTINEL FAILOVER does not wait for the replica: a write the primary acknowledged a moment before may
# never reach the new primary. The pause closes that window; the router's writes wait through it (StackExchange.Redis
# gives up on a command after 5 s, so keep MS under 5000). When a step fails the writes are let go at once.
#
# The password, when the servers and Sentinels have one, comes from REDISCLI_AUTH, never from the command line.
# Needs redis-tools (Debian). It prints "switched over: OLD -> NEW in N ms". Exit codes: 0 done, 1 a check or a
# server failed (the primary has not moved, unless the message says so), 2 a usage error.
set -euo pipefail

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "redis-switchover: $*" >&2; echo >&2; usage >&2; exit 2; }
fail() { echo "redis-switchover: $*" >&2; exit 1; }

cli() { redis-cli --no-auth-warning -h "$1" -p "$2" "${@:3}" | tr -d '\r'; }
field() { sed -n "s/^$1://p"; }
now_ms() { date +%s%3N; }

sentinel="" service="router" pause_ms=3000
while (($#)); do
  case "$1" in
    --sentinel | --service | --pause-ms) (($# >= 2)) || die "$1 needs a value" ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1'" ;;
  esac
  case "$1" in
    --sentinel) sentinel="$2" ;;
    --service) service="$2" ;;
    --pause-ms) pause_ms="$2" ;;
  esac
  shift 2
done
[[ "$sentinel" =~ ^[^:]+:[0-9]+$ ]] || die "needs --sentinel HOST:PORT"
[[ "$pause_ms" =~ ^[0-9]+$ ]] && ((pause_ms >= 500 && pause_ms <= 30000)) || die "--pause-ms must be 500..30000, not '$pause_ms'"
command -v redis-cli >/dev/null || fail "redis-cli is not installed (Debian: apt-get install redis-tools)"
sentinel_host="${sentinel%:*}" sentinel_port="${sentinel##*:}"

# The primary as the Sentinel names it: "HOST PORT", or nothing.
named_primary() { cli "$sentinel_host" "$sentinel_port" SENTINEL get-master-addr-by-name "$service" | paste -sd ' '; }

old="$(named_primary)" || fail "cannot ask the Sentinel at $sentinel for the primary of service '$service'"
[[ "$old" =~ ^[^\ ]+\ [0-9]+$ ]] || fail "the Sentinel at $sentinel names no primary for service '$service'"
read -r old_host old_port <<<"$old"

# The replicas in sync: SENTINEL REPLICAS lists each as field/value lines; a replica flagged down is left out.
mapfile -t replicas < <(cli "$sentinel_host" "$sentinel_port" SENTINEL replicas "$service" | awk '
  NR % 2 == 1 { key = $0; next }
  key == "ip" { ip = $0 } key == "port" { port = $0 }
  key == "flags" { if ($0 !~ /down|disconnected/) print ip " " port }')
((${#replicas[@]} > 0)) || fail "the primary $old_host:$old_port has no replica in sync to move to"

started="$(now_ms)"
paused=false
release() { if $paused; then cli "$old_host" "$old_port" CLIENT UNPAUSE >/dev/null 2>&1 || true; fi; }
trap release EXIT
[[ "$(cli "$old_host" "$old_port" CLIENT PAUSE "$pause_ms" WRITE)" == OK ]] || fail "the primary $old_host:$old_port refused CLIENT PAUSE"
paused=true

# Every replica has every write: the offsets stand still while writes are paused.
deadline=$((started + pause_ms / 2))
while true; do
  sent="$(cli "$old_host" "$old_port" INFO replication | field master_repl_offset)" || fail "cannot read the offset of $old_host:$old_port; nothing moved"
  behind=0
  for replica in "${replicas[@]}"; do
    read -r host port <<<"$replica"
    [[ "$(cli "$host" "$port" INFO replication 2>/dev/null | field slave_repl_offset)" == "$sent" ]] || behind=$((behind + 1))
  done
  ((behind == 0)) && break
  (($(now_ms) < deadline)) || fail "$behind replica(s) did not catch up with $old_host:$old_port within $((pause_ms / 2)) ms; nothing moved"
  sleep 0.01
done

reply="$(cli "$sentinel_host" "$sentinel_port" SENTINEL FAILOVER "$service" 2>&1)" || true
[[ "$reply" == OK ]] || fail "SENTINEL FAILOVER $service: $reply; nothing moved"

# The Sentinel names the new primary, and the new primary says it is one.
while true; do
  new="$(named_primary 2>/dev/null)" || new=""
  if [[ -n "$new" && "$new" != "$old" ]]; then
    read -r new_host new_port <<<"$new"
    [[ "$(cli "$new_host" "$new_port" INFO replication 2>/dev/null | field role)" == master ]] && break
  fi
  (($(now_ms) < started + pause_ms)) || fail "no new primary within $pause_ms ms; the Sentinels may still promote one (SENTINEL get-master-addr-by-name $service)"
  sleep 0.01
done

[[ "$(cli "$old_host" "$old_port" REPLICAOF "$new_host" "$new_port")" == OK ]] ||
  fail "$new_host:$new_port is the primary now, but $old_host:$old_port refused REPLICAOF: the Sentinels demote it within seconds"
release
paused=false
cli "$old_host" "$old_port" CLIENT KILL TYPE normal >/dev/null
echo "switched over: $old_host:$old_port -> $new_host:$new_port in $(($(now_ms) - started)) ms"
