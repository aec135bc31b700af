# Shared setup for tests that talk to sshd-lite through real clients.
# Source it from a test script: it makes a private directory (not under
# /tmp: StrictModes refuses world-writable parents), host keys, a client key,
# known_hosts and an ssh_config whose ProxyCommand starts the server.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SSHD_LITE=${SSHD_LITE:-$TOP/sshd-lite}
PY=/usr/bin/python3 # Debian's, which has paramiko
# What throwaway users must read (their homes, keys) cannot live in the
# clone, which root may keep where nobody else can enter (/root is 0700):
# tests/run makes SSHL_TESTDIR for a run (root-owned, traversable, removed
# at the end); a test run alone uses the same kind of place.
if [ -z "${SSHL_TESTDIR:-}" ]; then
	if [ "$(id -u)" = 0 ] && [ -d /run ]; then SSHL_TESTDIR=/run/sshl-tests; else SSHL_TESTDIR=$TOP/build/t; fi
fi
mkdir -p "$SSHL_TESTDIR"
chmod 755 "$SSHL_TESTDIR"
T=$(mktemp -d "$SSHL_TESTDIR/$(basename "$0").XXXXXX")
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
pass=0
failn=0

ok() { echo "ok - $*"; pass=$((pass + 1)); }
notok() { echo "not ok - $*"; failn=$((failn + 1)); }
# check NAME COMMAND...: ok when the command succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}
finish() { [ "$failn" -eq 0 ]; exit $?; }

mkdir -p "$T/keys" "$T/home/.ssh"
chmod 700 "$T/home/.ssh"
for t in ed25519 ecdsa rsa; do
	ssh-keygen -q -N '' -t $t -f "$T/keys/host_$t" -C host
done
ssh-keygen -q -N '' -t ed25519 -f "$T/home/.ssh/id_ed25519" -C client
cp "$T/home/.ssh/id_ed25519.pub" "$T/keys/authorized_keys"
chmod 600 "$T/keys/authorized_keys"
for t in ed25519 ecdsa rsa; do
	printf 'sshl %s\n' "$(cut -d' ' -f1,2 "$T/keys/host_$t.pub")"
done >"$T/known_hosts"

# server_cmd ARGS...: the ProxyCommand line, with the host keys and a log
SERVER_ARGS=${SERVER_ARGS:-}
server_cmd() {
	echo "$SSHD_LITE -i -h $T/keys/host_ed25519 -h $T/keys/host_ecdsa -h $T/keys/host_rsa" \
		"-E $T/server.log -o AuthorizedKeysFile=$T/keys/authorized_keys $SERVER_ARGS $*"
}

# sshl [ssh options...] -- runs OpenSSH's ssh against a fresh server
sshl() {
	ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null \
		-o IdentityFile="$T/home/.ssh/id_ed25519" -o IdentitiesOnly=yes \
		-o ProxyCommand="$(server_cmd)" -o ConnectTimeout=20 -o LogLevel=ERROR \
		-l "${SSHL_USER:-$(id -un)}" "$@"
}

# wait_gone PID [SECONDS [WORD]]: until the process has exited (a zombie
# counts), at most SECONDS (20); with WORD, a process whose command line
# lacks it is another that got the pid since
wait_gone() {
	local i st
	for i in $(seq $((${2:-20} * 10))); do
		st=$(ps -o stat=,args= -p "$1" 2>/dev/null)
		case $st in "" | Z*) return 0 ;; esac
		[ -n "${3:-}" ] && [[ $st != *"$3"* ]] && return 0
		sleep 0.1
	done
	return 1
}
# servers_gone [LOG [SECONDS]]: until every server that logged "Connection
# from" in LOG (default $T/server.log) has exited, at most SECONDS (20)
# each. ssh does not wait for its ProxyCommand (it sends it SIGHUP on its
# way out), so what a server logs at its end, the close line, may come
# after ssh has returned.
servers_gone() {
	local pid
	for pid in $(sed -n 's/^sshd-lite\[\([0-9]*\)\]: Connection from .*/\1/p' "${1:-$T/server.log}" 2>/dev/null); do
		wait_gone "$pid" "${2:-20}" sshd-lite
	done
}
# free_port: a TCP port on 127.0.0.1 that nothing listens on now
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_port PORT: until something accepts on 127.0.0.1:PORT (at most 10 s)
wait_port() {
	local i
	for i in $(seq 100); do
		"$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" \
			2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# ssht PORT [ssh options...]: like sshl, over TCP to a server a launcher
# started on 127.0.0.1:PORT; the host keys are the same as sshl's
ssht() {
	local port=$1
	shift
	ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes \
		-o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null -o HostKeyAlias=sshl \
		-o IdentityFile="$T/home/.ssh/id_ed25519" -o IdentitiesOnly=yes \
		-o ConnectTimeout=20 -o LogLevel=ERROR -p "$port" \
		-l "${SSHL_USER:-$(id -un)}" "$@"
}
# add_test_user: as root, creates a throw-away user with /bin/sh and a home
# under $T (so no dotfiles of a real account slow or change its sessions)
# holding .ssh/authorized_keys with the client key, and prints its name;
# the caller removes it with `del_test_user NAME` at exit.
add_test_user() {
	local name="sshlt$$$RANDOM"
	name=${name:0:31}
	mkdir -p "$T/users"
	chmod 755 "$T/users"
	# password "*": no password works, yet the account is not locked ("!")
	useradd -M -d "$T/users/$name" -s /bin/sh -U -p '*' "$name" >/dev/null || return 1
	mkdir -p "$T/users/$name/.ssh"
	cp "$T/keys/authorized_keys" "$T/users/$name/.ssh/authorized_keys"
	chown -R "$name:" "$T/users/$name"
	chmod 755 "$T/users/$name"
	chmod 700 "$T/users/$name/.ssh"
	echo "$name"
}
# del_test_user NAME: removes a user made by add_test_user and whatever of
# theirs still runs (a session that ignored SIGHUP and SIGTERM, a server
# still exiting: plain userdel refuses while they are there)
del_test_user() {
	[ -n "${1:-}" ] || return 0
	pkill -KILL -u "$1" >/dev/null 2>&1
	userdel -f "$1" >/dev/null 2>&1
	getent group "$1" >/dev/null && groupdel "$1" >/dev/null 2>&1
	return 0
}
