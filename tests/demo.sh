#!/usr/bin/env bash
# `make demo`: logs in to a freshly built sshd-lite with OpenSSH's ssh, the
# server started per connection through ProxyCommand as inetd would start
# it. Host and client keys are throwaway ones in build/demo (not /tmp, whose
# world-writable parent StrictModes refuses); nothing outside it changes.
set -eu
cd "$(dirname "$0")/.."
SSHD_LITE=${SSHD_LITE:-$PWD/sshd-lite}
D=$PWD/build/demo
CMD=${DEMO_CMD:-'uname -a; id'}

rm -rf "$D"
mkdir -p "$D"
chmod 755 "$PWD/build"
chmod 700 "$D"
# a host key made by the server itself, a client key by ssh-keygen
"$SSHD_LITE" -K ed25519 -h "$D/host_ed25519"
ssh-keygen -q -N '' -t ed25519 -C demo -f "$D/id_ed25519"
cp "$D/id_ed25519.pub" "$D/authorized_keys"
chmod 600 "$D/authorized_keys"
printf 'demo %s\n' "$(cut -d' ' -f1,2 "$D/host_ed25519.pub")" >"$D/known_hosts"

# ProxyCommand is a shell line and AuthorizedKeysFile a list of blank-
# separated names: a clone path with a blank in it is named through a link
S=$SSHD_LITE
# as root the server separates privileges: the sshd account (Debian's
# openssh-server makes it) and an empty /run/sshd, which `make install`
# makes at boot through tmpfiles.d; a machine with no init running has none
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
	mkdir -m 755 /run/sshd
	echo "(made /run/sshd, privilege separation's directory, as make install would)"
fi
if [[ "$D$S" == *[[:space:]]* ]]; then
	L=$(mktemp -d /tmp/sshl-demo.XXXXXX)
	trap 'rm -rf "$L"' EXIT
	ln -s "$D" "$L/d"
	ln -s "$S" "$L/sshd-lite"
	D=$L/d S=$L/sshd-lite
fi
proxy="$S -i -h $D/host_ed25519 -o AuthorizedKeysFile=$D/authorized_keys -E $D/server.log"
echo "ssh demo '$CMD'   (ProxyCommand: $proxy)"
echo "--"
status=0
ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$D/known_hosts" \
	-o GlobalKnownHostsFile=/dev/null -o IdentityFile="$D/id_ed25519" -o IdentitiesOnly=yes \
	-o ProxyCommand="$proxy" -l "$(id -un)" demo "$CMD" || status=$?
echo "--"
echo "exit status $status; the server's log, $D/server.log:"
sed 's/^/  /' "$D/server.log"
exit "$status"
