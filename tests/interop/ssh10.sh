# shellcheck shell=bash
# The OpenSSH 10 client of the Debian 13 root that tests/trixie.sh builds,
# for tests that source lib.sh first. The client runs chrooted (as root);
# the server runs outside, as everywhere else, under systemd-socket-activate
# (or tcpserver) on a free port of 127.0.0.1 for the one connection: a
# chroot shares the network, so nothing is mounted. The client's key and
# known_hosts are copied into the root's /tmp. A test calls ssh10_cleanup
# from its EXIT trap.
TRIXIE_ROOT=${TRIXIE_ROOT:-$TOP/.trixie}
T10= # the copy in the root, as seen from outside; /${T10#$TRIXIE_ROOT/} inside
SSH10_LAUNCHER=

# have_ssh10: true when the root's ssh runs here; says why not otherwise
# (on stdout, for a skip message)
have_ssh10() {
	if [ "$(id -u)" != 0 ]; then
		echo "not root (chroot)"
		return 1
	fi
	if ! [ -x "$TRIXIE_ROOT/usr/bin/ssh" ] || ! chroot "$TRIXIE_ROOT" /usr/bin/ssh -V >/dev/null 2>&1 </dev/null; then
		echo "no OpenSSH 10 client in $TRIXIE_ROOT (run tests/trixie.sh)"
		return 1
	fi
	if ! command -v systemd-socket-activate >/dev/null && ! command -v tcpserver >/dev/null; then
		echo "neither systemd-socket-activate nor tcpserver is installed"
		return 1
	fi
}
# ssh10_version: "OpenSSH_10.6p2 ..." of the root's client
ssh10_version() { chroot "$TRIXIE_ROOT" /usr/bin/ssh -V 2>&1 </dev/null; }

# ssh10 [ssh options...] HOST [command]: like sshl (same keys, known_hosts,
# user and SERVER_ARGS), with the root's ssh; HOST is only a name (the
# known_hosts entry's). No LogLevel is set, so the client's warnings show.
ssh10() {
	local port rc in v envs=()
	if [ -z "$T10" ]; then
		T10=$(mktemp -d "$TRIXIE_ROOT/tmp/sshl10.XXXXXX") || return 1
		cp "$T/home/.ssh/id_ed25519" "$T/known_hosts" "$T10/"
		chmod 600 "$T10/id_ed25519"
	fi
	in=/${T10#"$TRIXIE_ROOT"/}
	port=$(free_port)
	# server_cmd's words are split like the ProxyCommand's shell would
	# shellcheck disable=SC2046
	if command -v systemd-socket-activate >/dev/null; then
		# it passes on only the environment it is told to: the sanitizer
		# build's report settings (.ci/run) must reach the server
		for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
			[ -n "${!v:-}" ] && envs+=(-E "$v")
		done
		systemd-socket-activate -a --inetd "${envs[@]}" -l "127.0.0.1:$port" $(server_cmd) \
			>>"$T/launcher10.log" 2>&1 &
	else
		tcpserver -R -H -l localhost 127.0.0.1 "$port" $(server_cmd) >>"$T/launcher10.log" 2>&1 &
	fi
	SSH10_LAUNCHER=$!
	if ! wait_port "$port"; then
		echo "ssh10: no launcher on 127.0.0.1:$port: $(tail -3 "$T/launcher10.log")" >&2
		ssh10_stop
		return 255
	fi
	chroot "$TRIXIE_ROOT" /usr/bin/ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$in/known_hosts" -o GlobalKnownHostsFile=/dev/null \
		-o IdentityFile="$in/id_ed25519" -o IdentitiesOnly=yes -o ConnectTimeout=20 \
		-o HostName=127.0.0.1 -o HostKeyAlias=sshl -p "$port" \
		-l "${SSHL_USER:-$(id -un)}" "$@"
	rc=$?
	ssh10_stop
	return $rc
}
ssh10_stop() {
	[ -n "$SSH10_LAUNCHER" ] || return 0
	kill "$SSH10_LAUNCHER" 2>/dev/null
	wait "$SSH10_LAUNCHER" 2>/dev/null
	SSH10_LAUNCHER=
}
ssh10_cleanup() {
	ssh10_stop
	[ -n "$T10" ] && rm -rf "$T10"
	T10=
}
