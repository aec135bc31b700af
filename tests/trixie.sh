#!/usr/bin/env bash
# Builds a Debian 13 (trixie) minbase root whose /usr/bin/ssh is an OpenSSH
# 10 client, for tests/interop/t_pq (through tests/interop/ssh10.sh): the
# machine's own Debian 12 ssh is 9.2, which knows no ML-KEM. Its
# /usr/sbin/sshd, OpenSSH 10's server, is `make bench`'s OpenSSH 10 peer
# (bench.py runs it chrooted in inetd mode, with its own keys and config).
# As root:
#   tests/trixie.sh            # into .trixie/ in the clone
#   TRIXIE_ROOT=DIR tests/trixie.sh
# Does nothing when the root's ssh and sshd already run; a root made before
# the server was added gets it with apt inside the root (seconds, not a new
# debootstrap). On success it prints one line, the ssh version; on failure a
# message and a non-zero status (a missing server is only a warning: t_pq
# needs the client alone).
#
# The root is .trixie/, not build/trixie: the Makefile includes every
# `find build -name '*.d'`, which would pick up the root's directories
# (etc/apt/apt.conf.d, ...) and stop make ("Is a directory"), and
# `make clean` would throw away a minute of downloading each time.
#
# debootstrap checks the Release file with Debian 12's debian-archive-keyring,
# which already holds trixie's keys. trixie's own openssh-client is 10.0,
# which offers mlkem768x25519-sha256 but has neither mlkem768nistp256-sha256
# nor the "not using a post-quantum key exchange" warning (both came later),
# so the client is then upgraded from trixie-backports inside the root (apt
# there checks with trixie's keyring, from Debian's packages too). If
# backports cannot be had, 10.0 stays and t_pq skips what needs more.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=${TRIXIE_ROOT:-$PWD/.trixie}
case $ROOT in /*) ;; *) ROOT=$PWD/$ROOT ;; esac
ROOT=${ROOT%/}
MIRROR=${TRIXIE_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
NEW=$ROOT.new
MARK=.sshl-trixie # in a root this script made, so it may remove it

die() {
	echo "tests/trixie.sh: $*" >&2
	exit 1
}
# version DIR: the root's ssh -V line; fails when it does not run
version() { chroot "$1" /usr/bin/ssh -V 2>&1 </dev/null | grep '^OpenSSH_'; }
# has_sshd DIR: the root's sshd runs (-V prints its version, exit 0 or 1)
has_sshd() { chroot "$1" /usr/sbin/sshd -V 2>&1 </dev/null | grep -q '^OpenSSH_'; }
# add_sshd DIR LOG: installs openssh-server in the root, from backports when
# the client came from there (the two must be one version); no service is
# started (policy-rc.d) and the host keys its postinst makes are removed:
# bench.py gives the server keys of its own
add_sshd() {
	local t=
	[ -e "$1/etc/apt/sources.list.d/trixie-backports.list" ] && t="-t trixie-backports"
	printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d" && chmod 755 "$1/usr/sbin/policy-rc.d" || return 1
	# shellcheck disable=SC2086
	{ chroot "$1" env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
		chroot "$1" env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $t openssh-server; } </dev/null >>"$2" 2>&1
	chroot "$1" apt-get clean >/dev/null 2>&1
	rm -f "$1"/etc/ssh/ssh_host_*key* "$1/usr/sbin/policy-rc.d"
	unmount_under "$1"
	has_sshd "$1"
}
# unmounts whatever is still mounted under DIR (a debootstrap that was
# killed leaves its proc and sys there), deepest first
unmount_under() {
	local m
	awk -v d="$1/" 'index($2 "/", d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}
# scrap DIR: removes a root of ours, never anything else
scrap() {
	[ -e "$1" ] || return 0
	[ -e "$1/$MARK" ] || die "$1 exists but was not made by this script; remove it or set TRIXIE_ROOT"
	unmount_under "$1"
	rm -rf --one-file-system "$1" || die "cannot remove $1"
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
case $ROOT in / | /usr | /usr/* | /etc | /etc/* | /bin | /sbin | /lib* | /var | /boot*) die "refusing TRIXIE_ROOT=$ROOT" ;; esac
mkdir -p "$(dirname "$ROOT")" || die "cannot create $(dirname "$ROOT")"
# one build at a time
exec 9>"$ROOT.lock" || die "cannot create $ROOT.lock"
flock -w 1800 9 || die "another tests/trixie.sh holds $ROOT.lock"

if [ -x "$ROOT/usr/bin/ssh" ] && v=$(version "$ROOT"); then
	if ! has_sshd "$ROOT"; then
		log=$(mktemp "${TMPDIR:-/tmp}/trixie.XXXXXX") || die "mktemp failed"
		add_sshd "$ROOT" "$log" || {
			tail -8 "$log" | sed 's/^/  | /' >&2
			echo "tests/trixie.sh: warning: no OpenSSH 10 server in $ROOT (make bench skips it)" >&2
		}
		rm -f "$log"
	fi
	echo "$v ($ROOT)"
	exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap; see .ci/packages)"
[ -s "$KEYRING" ] || die "$KEYRING is missing (apt-get install debian-archive-keyring)"
scrap "$ROOT"
scrap "$NEW"
{ mkdir -p "$NEW" && touch "$NEW/$MARK"; } || die "cannot create $NEW"
log=$(mktemp "${TMPDIR:-/tmp}/trixie.XXXXXX") || die "mktemp failed"
# a failed attempt leaves nothing (on success $NEW is renamed away)
trap 'unmount_under "$NEW"; [ -e "$NEW/$MARK" ] && rm -rf --one-file-system "$NEW"; rm -f "$log"' EXIT
# fail WHAT: the end of the log and the message
fail() {
	tail -25 "$log" | sed 's/^/  | /' >&2
	die "$1"
}

if ! timeout 1800 debootstrap --variant=minbase --include=openssh-client --keyring="$KEYRING" \
	trixie "$NEW" "$MIRROR" >"$log" 2>&1; then
	grep -q 'NO_PUBKEY\|unknown key\|Invalid Release signature' "$log" &&
		echo "tests/trixie.sh: $KEYRING does not know trixie's keys: apt-get install debian-archive-keyring" >&2
	fail "debootstrap of trixie from $MIRROR failed"
fi
unmount_under "$NEW"
version "$NEW" >/dev/null || fail "debootstrap finished but $NEW/usr/bin/ssh does not run"

# openssh-client from trixie-backports; it wants some systemd-sysusers, of
# which the standalone one pulls in the least
echo "deb $MIRROR trixie-backports main" >"$NEW/etc/apt/sources.list.d/trixie-backports.list"
if { chroot "$NEW" env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	chroot "$NEW" env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-t trixie-backports openssh-client systemd-standalone-sysusers; } </dev/null >>"$log" 2>&1 &&
	version "$NEW" >/dev/null; then
	chroot "$NEW" apt-get clean >/dev/null 2>&1
else
	tail -8 "$log" | sed 's/^/  | /' >&2
	echo "tests/trixie.sh: warning: no openssh-client from trixie-backports; keeping trixie's" >&2
	version "$NEW" >/dev/null || fail "the root's ssh no longer runs after the backports attempt"
fi
add_sshd "$NEW" "$log" || echo "tests/trixie.sh: warning: no OpenSSH 10 server in the root (make bench skips it)" >&2
unmount_under "$NEW"
mv "$NEW" "$ROOT" || die "cannot rename $NEW to $ROOT"
v=$(version "$ROOT") || die "$ROOT/usr/bin/ssh does not run"
echo "$v ($ROOT)"
