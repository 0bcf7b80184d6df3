#!/usr/bin/env bash
# scripts/deps.sh WHAT...: install the Debian packages a make target needs,
# or, without root, print the exact command and fail.
#
#   demo-minimal  QEMU and what building the minimal kernel takes (and ip and
#                 ping, for the namespace hosts the demo adds as root)
#   demo-debian   QEMU and Debian's cloud kernel
#
# Go itself (1.26, see go.mod) is not a Debian package of that version:
# install it from https://go.dev/dl/ first.
set -euo pipefail

pkgs=()
for what in "$@"; do
  case "$what" in
    demo-minimal) pkgs+=(iproute2 iputils-ping qemu-system-x86 linux-source-6.1 gcc libc6-dev make bc bison flex libelf-dev xz-utils zstd) ;;
    demo-debian) pkgs+=(iproute2 iputils-ping qemu-system-x86 linux-image-cloud-amd64) ;;
    *) echo "deps.sh: unknown set $what; want demo-minimal or demo-debian" >&2; exit 2 ;;
  esac
done

if ! command -v go >/dev/null; then
  echo "deps.sh: go not found: install Go 1.26 from https://go.dev/dl/ (Debian's golang package is older)" >&2
  exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: missing Debian packages; install them with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
