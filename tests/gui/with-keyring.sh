#!/bin/sh
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring (the Secret Service
# QtKeychain talks to), in throw-away data and runtime folders: works as root, with no display, and never
# touches the real keyring of whoever runs the tests. Usage: with-keyring.sh COMMAND [ARGS...]
set -eu
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "with-keyring.sh: $tool is not installed (run script/deps)" >&2; exit 1; }
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tt-keyring-XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -m 700 "$scratch/runtime" "$scratch/data"
export XDG_RUNTIME_DIR="$scratch/runtime" XDG_DATA_HOME="$scratch/data"
dbus-run-session -- sh -c '
  # a new "login" keyring with password "pw", unlocked; the daemon prints its environment, not needed here
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1
  exec "$@"' sh "$@"
