#!/usr/bin/env bash
# Installs what yuanqu needs on Debian/Ubuntu, or says exactly what is missing.
#   system: libgdal-dev gdal-bin pkg-config (GDAL formats), fonts-wqy-microhei (Chinese map labels)
#   python: shapely numpy pyproj (the independent oracle used by the tests)
# Idempotent: does nothing when everything is there.
set -euo pipefail

need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
pkg-config --exists gdal 2>/dev/null || need_apt+=(libgdal-dev)
command -v ogr2ogr >/dev/null 2>&1 || need_apt+=(gdal-bin)
fc-list 2>/dev/null | grep -qiE 'wqy|noto sans cjk|notosanscjk' || need_apt+=(fonts-wqy-microhei)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3 python3-pip)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]} (sudo)" >&2
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${need_apt[*]}" >&2
    echo "setup: install them with your package manager (Debian/Ubuntu: apt-get install ${need_apt[*]})" >&2
    exit 2
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo (Rust 1.85 or newer) is missing: install it from https://rustup.rs" >&2
  exit 2
fi

if ! python3 -c 'import shapely, numpy, pyproj' >/dev/null 2>&1; then
  echo "setup: installing the oracle's Python packages (shapely numpy pyproj)" >&2
  python3 -m pip install -q shapely numpy pyproj 2>/dev/null \
    || python3 -m pip install -q --break-system-packages shapely numpy pyproj \
    || { echo "setup: could not install shapely numpy pyproj with pip; install them and rerun" >&2; exit 2; }
fi
