#!/usr/bin/python3
"""Privilege separation (issue 13), as far as it goes: started as root, the
server forks a root monitor that alone loads the host keys and signs the
exchange hashes; the server that talks to the client, and the process that
becomes the user after authentication, hold only public keys. Shown by
searching the memory of every process the user owns, after a login and a
re-key, for each host key's private bytes, and by finding them in the
monitor (so the search itself works)."""
import base64
import os
import re
import socket
import struct
import subprocess
import sys
import time

try:
    import paramiko
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import SSHD_LITE, paramiko_setup  # noqa: E402

if os.getuid() != 0:
    print("# privilege separation needs root; skipped")
    sys.exit(0)
env, rep, key, AK, user, made = paramiko_setup("t_privsep", "v")
T = env.dir
if not made:
    print("# needs useradd; skipped")
    sys.exit(0)
home = made[1]


def secrets_of(path):
    """What no process but the monitor may hold of an openssh-key-v1 file,
    and what the monitor holds: the ed25519 seed and ECDSA's scalar as
    they are; for RSA's d its big-endian bytes (as a file or DER holds
    them) and the first four 60-bit digits of libtommath's mp_int (as the
    loaded key holds them)."""
    with open(path) as f:
        blob = base64.b64decode("".join(line for line in f if not line.startswith("-----")))
    assert blob.startswith(b"openssh-key-v1\0")

    def strings(b, p):
        while p + 4 <= len(b):
            n = struct.unpack(">I", b[p:p + 4])[0]
            yield b[p + 4:p + 4 + n]
            p += 4 + n
    outer = list(strings(blob, len(b"openssh-key-v1\0")))
    # cipher, kdf, kdf options, then uint32 count (read as an empty string
    # and the public key's length: skip by hand)
    p = len(b"openssh-key-v1\0") + sum(4 + len(x) for x in outer[:3]) + 4
    pub_len = struct.unpack(">I", blob[p:p + 4])[0]
    p += 4 + pub_len
    priv = blob[p + 4:p + 4 + struct.unpack(">I", blob[p:p + 4])[0]]
    fields = list(strings(priv, 8))  # after the check-ints
    ktype = fields[0]
    if ktype == b"ssh-ed25519":
        return ("seed", [fields[2][:32]], [fields[2][:32]])
    d = fields[3]  # ecdsa: type, curve, Q, d; rsa: type, n, e, d
    v = int.from_bytes(d, "big")
    limbs = b"".join(struct.pack("<Q", (v >> (60 * i)) & ((1 << 60) - 1)) for i in range(4))
    if ktype.startswith(b"ecdsa-"):  # kept as bytes (kex/sig_ecdsa.c)
        return ("d", [d.lstrip(b"\0")], [d.lstrip(b"\0")])
    return ("d", [d.lstrip(b"\0"), limbs], [limbs])


def readable_maps(pid):
    """readable maps with something resident: a sanitizer build reserves
    gigabytes it never touches, and reading them is most of the time"""
    with open("/proc/%d/smaps" % pid) as smaps:
        cur = None
        for line in smaps:
            head = line.split()
            if "-" in head[0] and len(head) >= 5:
                lo, hi = (int(x, 16) for x in head[0].split("-"))
                cur = (lo, hi) if head[1].startswith("r") and hi - lo <= 256 << 20 else None
            elif head[0] == "Rss:" and cur and int(head[1]) > 0:
                yield cur
                cur = None


def mem_has(pid, needles):
    """which of needles are somewhere in pid's readable memory: one pass
    of one pattern over each map (a sanitizer build's maps are many)"""
    pattern = re.compile(b"|".join(re.escape(n) for n in needles))
    found = set()
    try:
        with open("/proc/%d/mem" % pid, "rb", 0) as mem:
            for lo, hi in readable_maps(pid):
                try:
                    mem.seek(lo)
                    data = mem.read(hi - lo)
                except (OSError, ValueError, OverflowError, MemoryError):
                    continue
                found |= set(pattern.findall(data))
    except OSError:
        pass
    return found


def procs_of(uid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat("/proc/" + d).st_uid == uid:
                    out.append(int(d))
            except OSError:
                pass
    return out


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


secrets = {name: secrets_of(path) for name, path in env.keys.items()}
forbidden = {n for _, ns, _ in secrets.values() for n in ns}
held = {n for _, _, ns in secrets.values() for n in ns}
uid = int(os.popen("id -u " + user).read())

for alg in ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "rsa-sha2-512"):
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK)
    t = paramiko.Transport(sock)
    t.get_security_options().key_types = [alg]
    t.start_client(timeout=30)
    ok = t.get_remote_server_key().asbytes() in env.public_blobs()
    t.auth_publickey(user, key)
    ch = t.open_session()
    ch.exec_command("sleep 30")
    # a re-key after the login: the user's process asks the monitor
    t.renegotiate_keys()
    time.sleep(0.3)
    ok = ok and t.is_active() and t.is_authenticated()
    rep.check("%s: login and a re-key after it" % alg, ok)
    leaked = set()
    for pid in procs_of(uid):
        leaked |= mem_has(pid, forbidden)
    rep.check("%s: no host private key in the memory of the user's %d processes" % (alg, len(procs_of(uid))),
              not leaked and procs_of(uid), "%d keys found" % len(leaked))
    monitors = [p for p in children(proc.pid) if os.stat("/proc/%d" % p).st_uid == 0]
    rep.check("%s: the root monitor holds the host keys" % alg,
              len(monitors) == 1 and mem_has(monitors[0], held) == held,
              "%d monitors, %d of %d keys" % (len(monitors), len(mem_has(monitors[0], held)) if monitors else 0,
                                               len(held)))
    ch.close()
    t.close()
    proc.wait(timeout=30)

# before any key is loaded the server has forked: a missing key (the only
# one: beside others it is skipped, as sshd does) is still said and ends
# the server with status 1
ours, theirs = socket.socketpair()
proc = subprocess.Popen([SSHD_LITE, "-i", "-E", env.log, "-h", os.path.join(T, "missing_key")],
                        stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL)
theirs.close()
ours.close()
proc.wait(timeout=30)
rep.check("a missing host key: exit status 1", proc.returncode == 1, "status %s" % proc.returncode)
rep.check("a missing host key: logged", "missing_key" in env.log_text())
# started as a user (a ProxyCommand, pipe mode) there is no monitor, and
# the log says so once
ulog = os.path.join(home, "user.log")
p = subprocess.Popen(["runuser", "-u", user, "--", SSHD_LITE, "-i", "-o", "PipeAuthentication=yes", "-E", ulog],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
first = p.stdout.readline()
p.stdin.close()
p.wait(timeout=30)
try:
    with open(ulog) as f:
        said = f.read().count("not started as root: no privilege separation")
except OSError:
    said = 0
rep.check("not started as root: served, and said once in the log", first.startswith(b"SSH-2.0-") and said == 1)
rep.finish()
