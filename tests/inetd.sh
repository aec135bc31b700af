#!/usr/bin/env bash
# Unpacks Debian's openbsd-inetd into .inetd/ in the clone, for the inetd
# launcher test (tests/interop/t_launchers): Debian 12 cannot install it
# beside xinetd (both provide inet-superserver and conflict), and both
# launchers are tested, so the inetd binary comes from its package without
# installing it. Its libraries are ordinary packages (.ci/packages).
#   tests/inetd.sh             # into .inetd/ in the clone
# Does nothing when .inetd/usr/sbin/inetd exists; prints the binary's path
# on success, a message and a non-zero status on failure.
set -u
cd "$(dirname "$0")/.." || exit 1
DIR=$PWD/.inetd
BIN=$DIR/usr/sbin/inetd
if [ -x "$BIN" ]; then
	echo "$BIN"
	exit 0
fi
tmp=$(mktemp -d "$PWD/.inetd.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download openbsd-inetd >/dev/null 2>&1); then
	echo "tests/inetd.sh: apt-get download openbsd-inetd failed" >&2
	exit 1
fi
rm -rf "$DIR"
if ! dpkg-deb -x "$tmp"/openbsd-inetd_*.deb "$DIR" || [ ! -x "$BIN" ]; then
	echo "tests/inetd.sh: no inetd in the package" >&2
	rm -rf "$DIR"
	exit 1
fi
echo "$BIN"
