#!/usr/bin/env bash
# Release archives into target/dist/ (docs/install.md):
#   sen-VERSION-x86_64-pc-windows-gnu.zip         sen.exe, README, licences, docs, example school
#   sen-VERSION-x86_64-pc-windows-gnu-setup.exe   NSIS installer: per user, on the PATH, in Apps
#   sen-VERSION-x86_64-unknown-linux-musl.tar.gz  static
#   sen-VERSION-aarch64-unknown-linux-musl.tar.gz static
#   SHA256SUMS
# Installs what it needs (Debian packages, rustup targets) when missing; run it again and it
# only rebuilds. Deterministic: file times are the last commit's, entries sorted, owners
# zeroed, paths of this machine kept out of the binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
dist="$target_dir/dist"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
targets=(x86_64-pc-windows-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl)

# --- what the build needs ------------------------------------------------------------------
need=()
for pkg in gcc-mingw-w64-x86-64 nsis zip musl-tools; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
installed="$(rustup target list --installed)"
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done

# --- build -----------------------------------------------------------------------------------
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || echo 0)"
export SOURCE_DATE_EPOCH
# No path of this machine (home, checkout) inside the binaries.
export RUSTFLAGS="--remap-path-prefix=$root=sen --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=cargo"
# aarch64: rustc's own rust-lld with the target's self-contained musl start files and libc,
# so no aarch64 gcc is needed.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=rust-lld
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
for t in "${targets[@]}"; do
  echo "building $t" >&2
  cargo build --release --locked --target "$t"
done

# --- stage and pack ------------------------------------------------------------------------
rm -rf "$dist"
mkdir -p "$dist"
stage() { # stage TARGET BINARY -> prints the staged folder
  local dir="$dist/stage/sen-$version-$1"
  mkdir -p "$dir/examples"
  cp "$target_dir/$1/release/$2" "$dir/"
  cp README.md LICENSE-MIT LICENSE-APACHE "$dir/"
  cp -r docs "$dir/docs"
  cp -r examples/oakfield "$dir/examples/oakfield"
  find "$dir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  echo "$dir"
}
for t in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
  dir="$(stage "$t" sen)"
  tar -C "$(dirname "$dir")" --sort=name --mtime="@$SOURCE_DATE_EPOCH" \
    --owner=0 --group=0 --numeric-owner -cf - "$(basename "$dir")" |
    gzip -9n >"$dist/sen-$version-$t.tar.gz"
done
win="$(stage x86_64-pc-windows-gnu sen.exe)"
(cd "$(dirname "$win")" && find "$(basename "$win")" -print | LC_ALL=C sort |
  TZ=UTC zip -X -q -9 -@ "$dist/sen-$version-x86_64-pc-windows-gnu.zip")
makensis -V2 -DVERSION="$version" -DSTAGE="$win" \
  -DOUTFILE="$dist/sen-$version-x86_64-pc-windows-gnu-setup.exe" dist/windows/installer.nsi
rm -rf "$dist/stage"
(cd "$dist" && sha256sum sen-* >SHA256SUMS)
ls -l "$dist"
