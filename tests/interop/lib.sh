# Shared setup for tests that talk to sshd-lite through real clients.
# Source it from a test script: it makes a private directory (not under
# /tmp: StrictModes refuses world-writable parents), host keys, a client key,
# known_hosts and an ssh_config whose ProxyCommand starts the server.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
SSHD_LITE=${SSHD_LITE:-$TOP/sshd-lite}
PY=/usr/bin/python3 # Debian's, which has paramiko
mkdir -p "$TOP/build/t"
chmod 755 "$TOP/build" "$TOP/build/t"
T=$(mktemp -d "$TOP/build/t/$(basename "$0").XXXXXX")
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
