#!/usr/bin/env bash
# Backs up the Redis the router keeps its chats, reminders and cluster membership in, and restores a backup into a
# new Redis server.
#
#   ./ops/redis-backup.sh backup  --port PORT [--host HOST] --out FILE|DIR
#   ./ops/redis-backup.sh verify  FILE
#   ./ops/redis-backup.sh restore FILE --dir DIR --port PORT [--bind ADDR] [--keep-membership] [--print]
#
# backup   takes a point-in-time snapshot over the replication protocol (redis-cli --rdb): the consistent RDB file a
#          new replica would get, written to FILE (or DIR/redis-HOST-PORT-<UTC time>.rdb), with FILE.sha256 beside
#          it. Back up a replica, not the primary, when there is one. It prints the file's path.
# verify   checks FILE against FILE.sha256 and reads it through with redis-check-rdb.
# restore  verifies FILE, copies it into DIR (new or empty) and starts redis-server there on PORT (bind ADDR,
#          default 127.0.0.1) from a config file of its own (DIR/redis.conf), waits until the data is loaded, turns
#          the append-only file on, deletes the Orleans membership table (keys */members/*: rows of silos that are
#          gone, which new silos would wait some ninety seconds for before declaring them dead; --keep-membership
#          keeps them), and prints the key count; the server runs on in the background (DIR/redis.pid,
#          DIR/redis.log). --print prints those steps as commands and runs nothing.
#
# The password, when the servers have one, comes from REDISCLI_AUTH, never from the command line (restore gives
# the new server the same one). Needs redis-server and redis-tools (Debian). Exit codes: 0 done, 1 a check or a
# server failed, 2 a usage error.
set -euo pipefail

usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "redis-backup: $*" >&2; echo >&2; usage >&2; exit 2; }
fail() { echo "redis-backup: $*" >&2; exit 1; }

need() { command -v "$1" >/dev/null || fail "$1 is not installed (Debian: apt-get install $2)"; }
cli() { redis-cli --no-auth-warning -h "$1" -p "$2" "${@:3}"; }

# Waits up to $3 seconds until INFO's field $4 on host $1 port $2 reads $5.
wait_for_field() {
  local host="$1" port="$2" seconds="$3" field="$4" want="$5" value
  for ((i = 0; i < seconds * 10; i++)); do
    value="$(cli "$host" "$port" INFO persistence 2>/dev/null | tr -d '\r' | sed -n "s/^$field://p")"
    [[ "$value" == "$want" ]] && return 0
    sleep 0.1
  done
  return 1
}

verify() {
  local file="$1"
  [[ -f "$file" ]] || fail "no such backup: $file"
  [[ -f "$file.sha256" ]] || fail "no checksum beside the backup: $file.sha256"
  (cd "$(dirname "$file")" && sha256sum --quiet --check "$(basename "$file").sha256") >&2 || fail "$file does not match $file.sha256"
  need redis-check-rdb redis-tools
  redis-check-rdb "$file" >/dev/null || fail "redis-check-rdb could not read $file"
}

backup() {
  local host="127.0.0.1" port="" out=""
  while (($#)); do
    case "$1" in
      --host | --port | --out) (($# >= 2)) || die "$1 needs a value" ;;
      *) die "unknown option '$1'" ;;
    esac
    case "$1" in
      --host) host="$2" ;;
      --port) port="$2" ;;
      --out) out="$2" ;;
    esac
    shift 2
  done
  [[ "$port" =~ ^[0-9]+$ ]] || die "backup needs --port PORT"
  [[ -n "$out" ]] || die "backup needs --out FILE or DIR"
  need redis-cli redis-tools
  if [[ -d "$out" ]]; then
    out="$out/redis-$host-$port-$(date -u +%Y%m%dT%H%M%SZ).rdb"
  fi
  if [[ -e "$out" ]]; then
    fail "$out exists already; a backup never overwrites one"
  fi
  mkdir -p "$(dirname "$out")"

  # The server forks and streams its snapshot as it would to a replica: consistent, and written here, not on its disk.
  local partial="$out.partial"
  if ! cli "$host" "$port" --rdb "$partial" >&2; then
    rm -f "$partial"
    fail "redis-cli --rdb from $host:$port failed"
  fi
  mv "$partial" "$out"
  (cd "$(dirname "$out")" && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")
  verify "$out"
  echo "$out"
}

restore() {
  local file="" dir="" port="" bind="127.0.0.1" print=false keep_membership=false
  if (($#)) && [[ "$1" != --* ]]; then
    file="$1"
    shift
  fi
  while (($#)); do
    case "$1" in
      --print) print=true; shift; continue ;;
      --keep-membership) keep_membership=true; shift; continue ;;
      --dir | --port | --bind) (($# >= 2)) || die "$1 needs a value" ;;
      *) die "unknown option '$1'" ;;
    esac
    case "$1" in
      --dir) dir="$2" ;;
      --port) port="$2" ;;
      --bind) bind="$2" ;;
    esac
    shift 2
  done
  [[ -n "$file" ]] || die "restore needs the backup FILE"
  [[ -n "$dir" ]] || die "restore needs --dir DIR for the new server's data"
  [[ "$port" =~ ^[0-9]+$ ]] || die "restore needs --port PORT"
  [[ "$dir" == /* ]] || dir="$PWD/$dir"

  if $print; then
    cat <<EOF
sha256sum --check $file.sha256 && redis-check-rdb $file
mkdir -p $dir && cp $file $dir/dump.rdb
printf '%s\n' 'port $port' 'bind $bind' 'dir $dir' 'dbfilename dump.rdb' 'appendonly no' 'save ""' \\
  'daemonize yes' 'pidfile $dir/redis.pid' 'logfile $dir/redis.log' >$dir/redis.conf   # plus: requirepass <password>
redis-server $dir/redis.conf
redis-cli -h $bind -p $port INFO persistence | grep loading:0
redis-cli -h $bind -p $port CONFIG SET appendonly yes
redis-cli -h $bind -p $port INFO persistence | grep -E 'aof_rewrite_in_progress:0|aof_last_bgrewrite_status:ok'
redis-cli -h $bind -p $port CONFIG REWRITE
EOF
    $keep_membership || echo "redis-cli -h $bind -p $port --scan --pattern '*/members/*' | xargs -r redis-cli -h $bind -p $port DEL"
    echo "redis-cli -h $bind -p $port DBSIZE"
    return 0
  fi

  need redis-server redis-server
  need redis-cli redis-tools
  verify "$file"
  if [[ -d "$dir" && -n "$(ls -A "$dir")" ]]; then
    fail "$dir is not empty: restore into a new directory, never over a server's data"
  fi
  if (exec 3<>"/dev/tcp/$bind/$port") 2>/dev/null; then
    fail "something answers on $bind:$port already; a restore starts a new server"
  fi
  mkdir -p "$dir"
  cp "$file" "$dir/dump.rdb"
  (
    umask 077
    printf '%s\n' "port $port" "bind $bind" "dir $dir" "dbfilename dump.rdb" "appendonly no" 'save ""' \
      "daemonize yes" "pidfile $dir/redis.pid" "logfile $dir/redis.log" >"$dir/redis.conf"
    if [[ -n "${REDISCLI_AUTH:-}" ]]; then
      printf 'requirepass %s\nmasterauth %s\n' "$REDISCLI_AUTH" "$REDISCLI_AUTH" >>"$dir/redis.conf"
    fi
  )
  redis-server "$dir/redis.conf" >/dev/null || fail "redis-server did not start; see $dir/redis.log"

  # Loading a large file takes a while: PING answers LOADING until it is in memory.
  for ((i = 0; i < 600; i++)); do
    [[ "$(cli "$bind" "$port" PING 2>/dev/null)" == PONG ]] && break
    sleep 0.1
  done
  wait_for_field "$bind" "$port" 600 loading 0 || fail "the new server did not finish loading $file; see $dir/redis.log"

  # From here on every write is logged: the append-only file starts as a rewrite of what was just loaded.
  [[ "$(cli "$bind" "$port" CONFIG SET appendonly yes)" == OK ]] || fail "could not turn the append-only file on"
  wait_for_field "$bind" "$port" 600 aof_rewrite_in_progress 0 || fail "the append-only file was not written; see $dir/redis.log"
  wait_for_field "$bind" "$port" 600 aof_rewrite_scheduled 0 || fail "the append-only file was not written; see $dir/redis.log"
  wait_for_field "$bind" "$port" 10 aof_last_bgrewrite_status ok || fail "writing the append-only file failed; see $dir/redis.log"
  [[ "$(cli "$bind" "$port" CONFIG REWRITE)" == OK ]] || fail "could not save appendonly yes into $dir/redis.conf"

  # Every silo that wrote these rows is stopped; the ones that start now make the table anew.
  local members=""
  if ! $keep_membership; then
    members="$(cli "$bind" "$port" --scan --pattern '*/members/*')"
    if [[ -n "$members" ]]; then
      xargs -r -d '\n' redis-cli --no-auth-warning -h "$bind" -p "$port" DEL <<<"$members" >/dev/null || fail "could not delete the membership table"
    fi
  fi

  local keys
  keys="$(cli "$bind" "$port" DBSIZE)"
  echo "restored $keys keys from $file into redis-server on $bind:$port (pid $(cat "$dir/redis.pid"), data in $dir)"
  if [[ -n "$members" ]]; then
    echo "deleted the membership table of the stopped cluster: $(tr '\n' ' ' <<<"$members")"
  fi
}

command="${1:-}"
if (($#)); then
  shift
fi
case "$command" in
  backup) backup "$@" ;;
  verify) (($# == 1)) || die "verify needs exactly one FILE"; verify "$1"; echo "$1: checksum and contents good" ;;
  restore) restore "$@" ;;
  -h | --help) usage ;;
  "") die "name a command: backup, verify or restore" ;;
  *) die "unknown command '$command'" ;;
esac
