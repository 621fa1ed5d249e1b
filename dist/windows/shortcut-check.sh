#!/usr/bin/env bash
# Checks the Start-menu entry "sen" that dist/windows/installer.nsi makes, under Wine: the
# entry's program and arguments are read from the installer's CreateShortCut line and run
# exactly as a shortcut runs them (CreateProcess with that command line, in the records
# folder), with a stand-in sen.exe that records what it was given. It checks that
#   - sen gets `--records DIR serve`, DIR whole (spaces; a drive's root `C:\`), and runs in DIR;
#   - a sen that starts (exit 0) leaves no pause behind, and one that cannot (exit 2, as sen
#     does for a folder without school.yaml) keeps the window with "Press any key".
# Not checked here: the installer itself (NSIS installers are 32-bit programs and need
# Debian's wine32), the shortcut file, and Windows' own cmd.exe (this is Wine's).
#   bash dist/windows/shortcut-check.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=dist/wine.sh
. "$root/dist/wine.sh"
sen_wine_setup || { echo "shortcut-check: needs wine and mingw (x86_64-w64-mingw32-gcc)" >&2; exit 2; }
sen_wine_start
trap sen_wine_stop EXIT
nsi="$root/dist/windows/installer.nsi"
line="$(grep -E '^ *CreateShortCut "\$SMPROGRAMS\\sen.lnk"' "$nsi")"
target="$(sed -E 's/^ *CreateShortCut "[^"]*" "([^"]*)" .*/\1/' <<<"$line")"
params="$(sed -E "s/^ *CreateShortCut [^']*'([^']*)'.*/\\1/" <<<"$line")"
[[ $target == '$SYSDIR\cmd.exe' ]] || { echo "FAIL: the entry runs $target, not cmd.exe" >&2; exit 1; }

c="$WINEPREFIX/drive_c"
work="$(mktemp -d)"
trap 'sen_wine_stop; rm -rf "$work" "$c/sen check" "$c/SEN records" "$c/sen-log.txt" "$c/cmdline.txt" "$c/launch.exe" "$c/school.yaml"' EXIT
# The stand-in sen.exe: writes its folder and arguments to C:\sen-log.txt; exit 0 when the
# --records folder holds school.yaml, else 2 (as sen serve does).
cat >"$work/sen.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <windows.h>
int main(int argc, char **argv) {
  char cwd[MAX_PATH], yaml[MAX_PATH * 2] = "";
  GetCurrentDirectoryA(MAX_PATH, cwd);
  FILE *f = fopen("C:\\sen-log.txt", "w");
  fprintf(f, "cwd=%s\n", cwd);
  for (int i = 1; i < argc; i++) fprintf(f, "arg=%s\n", argv[i]);
  fclose(f);
  if (argc == 4 && strcmp(argv[1], "--records") == 0) {
    snprintf(yaml, sizeof yaml, "%s\\school.yaml", argv[2]);
    if (GetFileAttributesA(yaml) != INVALID_FILE_ATTRIBUTES) return 0;
  }
  fputs("error: not a records folder\n", stderr);
  return 2;
}
C
# The shortcut: C:\cmdline.txt's line run as it is, in the folder given.
cat >"$work/launch.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <windows.h>
int main(int argc, char **argv) {
  char line[4096];
  FILE *f = fopen("C:\\cmdline.txt", "r");
  if (!f || !fgets(line, sizeof line, f)) return 9;
  fclose(f);
  line[strcspn(line, "\r\n")] = 0;
  STARTUPINFOA si = {sizeof si};
  PROCESS_INFORMATION pi;
  if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, argv[1], &si, &pi)) return 8;
  WaitForSingleObject(pi.hProcess, INFINITE);
  return 0;
}
C
mkdir -p "$c/sen check"
x86_64-w64-mingw32-gcc -O2 -o "$c/sen check/sen.exe" "$work/sen.c"
x86_64-w64-mingw32-gcc -O2 -o "$c/launch.exe" "$work/launch.c"
fails=0

# check FOLDER(Windows) HAS_SCHOOL: run the entry for FOLDER and check what sen got.
check() {
  local dir="$1" has="$2" arg="$1"
  # As the installer's RecordsArg: a trailing backslash doubled.
  [[ $arg == *\\ ]] && arg="$arg\\"
  # (Replacements quoted: bash 5.2 reads backslashes in an unquoted one.)
  local exe='C:\sen check' cmd
  cmd="${params//\$INSTDIR/"$exe"}"
  cmd="C:\\windows\\system32\\cmd.exe ${cmd//\$RECORDS_ARG/"$arg"}"
  printf '%s\r\n' "$cmd" >"$c/cmdline.txt"
  rm -f "$c/sen-log.txt"
  local out
  out="$(echo | wine 'C:\launch.exe' "$dir" 2>/dev/null | tr -d '\r')"
  local log
  log="$(tr -d '\r' <"$c/sen-log.txt" 2>/dev/null || true)"
  local want
  want="$(printf 'cwd=%s\narg=--records\narg=%s\narg=serve' "$dir" "$dir")"
  if [[ $log != "$want" ]]; then
    echo "FAIL $dir: sen was given"$'\n'"$log"$'\n'"not"$'\n'"$want"; fails=$((fails + 1))
  elif [[ $has == yes && $out == *"Press any key"* ]]; then
    echo "FAIL $dir: a sen that started left a pause"; fails=$((fails + 1))
  elif [[ $has == no && $out != *"Press any key"* ]]; then
    echo "FAIL $dir: a sen that could not start closed its window"; fails=$((fails + 1))
  else
    echo "ok   $dir ($([[ $has == yes ]] && echo starts || echo "cannot start: the window waits"))"
  fi
}
mkdir -p "$c/SEN records"
: >"$c/SEN records/school.yaml"
check 'C:\SEN records' yes
rm "$c/SEN records/school.yaml"
check 'C:\SEN records' no
: >"$c/school.yaml"
check 'C:\' yes
((fails == 0))
