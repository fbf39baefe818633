# shellcheck shell=bash disable=SC2034
# Shared by scripts/postgres-up and scripts/postgres-down (sourced, not run).
# Expects ROOT to be the repository root.

# One state file per checkout, so two clones on one machine do not collide.
PG_STATE_FILE=${POND_PG_STATE_FILE:-"${TMPDIR:-/tmp}/pond-test-postgres-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1).state"}

# Print the directory holding initdb and pg_ctl, or fail.
pg_find_bin() {
  local initdb dir
  if initdb=$(command -v initdb 2>/dev/null); then
    dir=$(dirname "$(readlink -f "$initdb")")
    if [ -x "$dir/pg_ctl" ]; then
      printf '%s\n' "$dir"
      return 0
    fi
  fi
  # Debian keeps the server binaries off PATH, one directory per major version.
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    printf '%s\n' "$dir"
    return 0
  fi
  return 1
}

# Run a server-side command as the cluster owner: PostgreSQL refuses to run as root.
pg_as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    (cd / && "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- "$@")
  else
    local cmd
    cmd=$(printf '%q ' "$@")
    (cd / && su postgres -s /bin/sh -c "$cmd")
  fi
}

# Run a client tool, preferring the one next to the server binaries.
pg_tool() {
  local tool=$1
  shift
  if [ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/$tool" ]; then
    "$PG_BIN/$tool" "$@"
  else
    "$tool" "$@"
  fi
}
