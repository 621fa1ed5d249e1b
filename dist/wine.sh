#!/usr/bin/env bash
# Source this (`. dist/wine.sh`) to run Windows builds of sen under Wine: it makes a Wine
# prefix of its own under target/ (never the user's ~/.wine) and puts the ProcessPrng
# stand-in DLL (dist/windows/bcryptprimitives.c, built with mingw) in its system32.
# Sets WINEPREFIX, WINEDEBUG and WINEDLLOVERRIDES; returns non-zero if Wine or mingw is
# missing. `sen_wine_start` keeps one Wine server running for a series of runs (a server that
# exits between two runs can drop the next one: "wine client error: Connection reset by
# peer"); `sen_wine_stop` ends it.
sen_wine_setup() {
  local root target
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  target="${CARGO_TARGET_DIR:-$root/target}"
  command -v wine >/dev/null && command -v x86_64-w64-mingw32-gcc >/dev/null || return 1
  export WINEPREFIX="$target/wine-prefix"
  export WINEDEBUG=-all
  export WINEDLLOVERRIDES="bcryptprimitives=n;mscoree=;mshtml="
  local dll="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
  if [ ! -f "$dll" ]; then
    wineboot --init >/dev/null 2>&1 || return 1
    wineserver -w 2>/dev/null || true
    x86_64-w64-mingw32-gcc -O2 -shared -s -o "$dll" \
      "$root/dist/windows/bcryptprimitives.c" "$root/dist/windows/bcryptprimitives.def" || return 1
  fi
}

# One persistent server for the prefix, and Wine's own services (services.exe,
# winedevice.exe) started by wineboot, all with their output closed. Otherwise the first
# program run through a pipe (`cargo test | tee`) starts the services holding that pipe, and
# whatever reads the pipe waits for ever.
sen_wine_start() {
  wineserver -p </dev/null >/dev/null 2>&1
  wineboot </dev/null >/dev/null 2>&1
}

sen_wine_stop() {
  wineserver -k </dev/null >/dev/null 2>&1 || true
}
