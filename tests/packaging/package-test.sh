#!/usr/bin/env bash
# Package test: builds the Debian package (script/package), installs it with apt-get (which pulls its
# dependencies), checks what it installed, runs the INSTALLED binary (--version, a headless import of the demo
# exports, a sandbox start/stop when PostgreSQL's server is there), then removes the package.
# Needs root (or passwordless sudo) and network access to the Debian archive. Exit 0 when all checks pass, 1 otherwise.
#   tests/packaging/package-test.sh [--deb FILE]   (--deb: test an already built package instead of building one)
set -uo pipefail
src=${TT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 1
export DEBIAN_FRONTEND=noninteractive QT_QPA_PLATFORM=offscreen TT_SKIP_OPTIONAL=1

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "package-test: needs root or passwordless sudo to install the package" >&2; exit 1
  fi
fi

failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

work=$(mktemp -d /tmp/tt-package-test.XXXXXX)
installed=0
cleanup() {
  [ -f "$work/sandbox/sandbox.json" ] && /usr/bin/tracktally-recovery sandbox stop --dir "$work/sandbox" >/dev/null 2>&1
  if [ "$installed" = 1 ]; then
    if $SUDO apt-get remove -y -qq tracktally-recovery >/dev/null; then
      if dpkg-query -W -f='${Status}' tracktally-recovery 2>/dev/null | grep -q "install ok installed"; then
        fail "apt-get remove left tracktally-recovery installed"
      elif [ -e /usr/bin/tracktally-recovery ]; then
        fail "/usr/bin/tracktally-recovery is still there after apt-get remove"
      else
        pass "apt-get remove -y tracktally-recovery"
      fi
    else
      fail "apt-get remove -y tracktally-recovery"
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- 1. Build -----------------------------------------------------------------------------------------------
deb=""
if [ "${1:-}" = "--deb" ]; then
  deb=$2
else
  deb=$(script/package | tail -n1) || { fail "script/package failed"; exit 1; }
fi
if [ -f "$deb" ]; then pass "package built: $deb"; else fail "no .deb at '$deb'"; exit 1; fi

# ---- 2. What the package says and holds -----------------------------------------------------------------
version=$(sed -nE 's/^project\(tracktally-recovery VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
[ "$(dpkg-deb -f "$deb" Package)" = tracktally-recovery ] && pass "Package: tracktally-recovery" \
  || fail "Package field is '$(dpkg-deb -f "$deb" Package)'"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] && pass "Version: $version (from CMakeLists.txt)" \
  || fail "Version field is '$(dpkg-deb -f "$deb" Version)', the project says '$version'"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libqt6core6 libqt6gui6 libqt6widgets6 libqt6charts6 libqt6network6 libpqxx-6.4 libzip4 libssl3 libsqlite3-0 \
         postgresql-client qt6-qpa-plugins; do
  grep -Eq "(^|, )$d( |,|$)" <<<"$depends" || fail "Depends lacks $d ($depends)"
done
grep -Eq "(^|, )postgresql( |,|$)" <<<"$(dpkg-deb -f "$deb" Recommends)" && pass "Recommends: postgresql" \
  || fail "Recommends lacks postgresql"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/tracktally-recovery \
         ./usr/share/applications/tracktally-recovery.desktop \
         ./usr/share/metainfo/example.tracktally.recovery.metainfo.xml \
         ./usr/share/mime/packages/tracktally-recovery.xml \
         ./usr/share/icons/hicolor/scalable/apps/tracktally-recovery.svg \
         ./usr/share/icons/hicolor/16x16/apps/tracktally-recovery.png \
         ./usr/share/icons/hicolor/48x48/apps/tracktally-recovery.png \
         ./usr/share/icons/hicolor/256x256/apps/tracktally-recovery.png \
         ./usr/share/man/man1/tracktally-recovery.1.gz \
         ./usr/share/tracktally-recovery/schema/tracktally.sql \
         ./usr/share/tracktally-recovery/demo/incidents.csv \
         ./usr/share/tracktally-recovery/demo/commendations.csv \
         ./usr/share/tracktally-recovery/demo/roster.csv \
         ./usr/share/tracktally-recovery/demo/staff.csv \
         ./usr/share/doc/tracktally-recovery/copyright; do
  grep -qxF "$f" <<<"$contents" || fail "the package does not hold $f"
done
pass "package contents checked"

# ---- 3. Install (apt-get pulls the dependencies) ----------------------------------------------------------
case "$deb" in /*) ;; *) deb="$src/$deb" ;; esac
if $SUDO apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1; then
  installed=1; pass "apt-get install -y $deb"
else
  cat "$work/apt.log" >&2; fail "apt-get install -y $deb"; exit 1
fi
app=/usr/bin/tracktally-recovery
[ -x "$app" ] || { fail "$app is not installed"; exit 1; }

# ---- 4. The installed binary ------------------------------------------------------------------------------
out=$("$app" --version 2>&1)
[ "$out" = "tracktally-recovery $version" ] && pass "--version: $out" || fail "--version said '$out'"

# A headless import of the demo exports. The expected accounting is the one documented in resources/demo/README.md.
expect() { # $1 = file name in the README table, $2 = key
  sed -nE "s/^$1: .*\\b$2 ([0-9]+).*/\\1/p" resources/demo/README.md | head -n1
}
read_exp=$(( $(expect incidents.csv read) + $(expect commendations.csv read) ))
acc_exp=$(( $(expect incidents.csv accepted) + $(expect commendations.csv accepted) ))
idn_exp=$(( $(expect incidents.csv identical) + $(expect commendations.csv identical) ))
con_exp=$(( $(expect incidents.csv conflicting) + $(expect commendations.csv conflicting) ))
qua_exp=$(( $(expect incidents.csv quarantined) + $(expect commendations.csv quarantined) ))
mkdir -p "$work/project"
cp /usr/share/tracktally-recovery/demo/incidents.csv /usr/share/tracktally-recovery/demo/commendations.csv "$work/project/" \
  || fail "the installed demo exports (/usr/share/tracktally-recovery/demo) cannot be read"
(cd "$work/project" && "$app" import --project demo.ttproj --school "Wattle Grove Primary" \
   --domain wattlegrove.example.edu.au --timezone Australia/Melbourne \
   --incidents incidents.csv --commendations commendations.csv) >"$work/import.out" 2>"$work/import.err"
rc=$?
summary=$(grep -E '^Project .*rows read = ' "$work/import.out" | tail -n1)
if [ $rc -ne 0 ]; then
  cat "$work/import.out" "$work/import.err" >&2; fail "import exited $rc"
elif [[ "$summary" =~ ([0-9]+)\ rows\ read\ =\ ([0-9]+)\ accepted\ \+\ ([0-9]+)\ identical\ duplicates\ \+\ ([0-9]+)\ conflicting\ duplicates\ \+\ ([0-9]+)\ quarantined ]]; then
  r=${BASH_REMATCH[1]} a=${BASH_REMATCH[2]} i=${BASH_REMATCH[3]} c=${BASH_REMATCH[4]} q=${BASH_REMATCH[5]}
  [ "$r" -eq $((a + i + c + q)) ] || fail "summary does not add up: $summary"
  if [ "$r" = "$read_exp" ] && [ "$a" = "$acc_exp" ] && [ "$i" = "$idn_exp" ] && [ "$c" = "$con_exp" ] \
     && [ "$q" = "$qua_exp" ]; then
    pass "import: $summary"
  else
    fail "import summary '$summary'; resources/demo/README.md expects read $read_exp, accepted $acc_exp," \
         "identical $idn_exp, conflicting $con_exp, quarantined $qua_exp"
  fi
  perms=$(stat -c %a "$work/project/demo.ttproj" 2>/dev/null)
  [ "$perms" = 600 ] && pass "project file is private (0600)" || fail "project file mode is '$perms', not 600"
else
  cat "$work/import.out" "$work/import.err" >&2; fail "no summary line in the import output"
fi

# As a double-click does: the installed binary given only the project file opens the wizard on it.
title=$(cd "$work/project" && TT_QUIT_AFTER_SHOWN=1 timeout 60 "$app" demo.ttproj 2>"$work/open.err" | tail -n1)
[ "$title" = "Wattle Grove Primary (demo.ttproj) — TrackTally Recovery" ] && pass "opens demo.ttproj: $title" \
  || { cat "$work/open.err" >&2; fail "tracktally-recovery demo.ttproj: window title '$title'"; }

# The sandbox needs the installed schema and PostgreSQL's server (Recommends: postgresql).
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  url=$("$app" sandbox start --dir "$work/sandbox" 2>"$work/sandbox.err" | tail -n1)
  if [[ "$url" == postgresql://* ]]; then
    pass "sandbox start: $url"
    "$app" sandbox stop --dir "$work/sandbox" 2>>"$work/sandbox.err" && pass "sandbox stop" \
      || { cat "$work/sandbox.err" >&2; fail "sandbox stop"; }
  else
    cat "$work/sandbox.err" >&2; fail "sandbox start printed '$url'"
  fi
else
  echo "SKIP: sandbox (PostgreSQL server programs not installed)"
fi

# Desktop integration files are valid (when the validators are installed).
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/tracktally-recovery.desktop && pass "desktop file valid" \
    || fail "desktop-file-validate"
fi
# A .ttproj is a TrackTally Recovery project, and the desktop entry opens one (%f) when asked.
grep -q '^MimeType=.*application/x-tracktally-recovery-project;' /usr/share/applications/tracktally-recovery.desktop \
  && grep -q '^Exec=tracktally-recovery %f$' /usr/share/applications/tracktally-recovery.desktop \
  && pass "desktop entry opens .ttproj files" || fail "the desktop entry does not take .ttproj files (%f, MimeType)"
if command -v xmllint >/dev/null; then
  xmllint --noout /usr/share/mime/packages/tracktally-recovery.xml && pass "MIME type file is well-formed XML" \
    || fail "xmllint /usr/share/mime/packages/tracktally-recovery.xml"
fi
if [ -f /usr/share/mime/globs2 ]; then
  grep -q 'application/x-tracktally-recovery-project:\*\.ttproj' /usr/share/mime/globs2 \
    && pass "*.ttproj registered in the MIME database" || fail "*.ttproj is not in /usr/share/mime/globs2"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net /usr/share/metainfo/example.tracktally.recovery.metainfo.xml >"$work/as.log" 2>&1 \
    && pass "AppStream metainfo valid" || { cat "$work/as.log" >&2; fail "appstreamcli validate"; }
fi
if command -v man >/dev/null; then
  for cmd in import reconstruct report sandbox backup plan apply verify drill preflight snapshot; do
    MANWIDTH=120 man -P cat tracktally-recovery 2>/dev/null | grep -qE "^ +$cmd( |$)" \
      || fail "man tracktally-recovery does not document '$cmd'"
  done
  pass "man page covers every command"
fi

# ---- 5. Remove (in cleanup) --------------------------------------------------------------------------------
cleanup; installed=0; trap - EXIT
if [ $failures -eq 0 ]; then echo "package-test: all checks passed"; exit 0; fi
echo "package-test: $failures check(s) failed" >&2
exit 1
