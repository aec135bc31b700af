"""What the privilege-separation tests (t_privsep*.py, issue 13) look at
from outside: a connection's processes, which of them holds the client's
socket, their ids and sandbox from /proc, the host private keys' bytes
in their memory, and the login records written since a moment."""
import base64
import os
import re
import socket
import struct
import subprocess
import time

from sshl_py import SSHD_LITE

_serial = [0]


PRIVSEP_DIR = "/run/sshd"


def require_privsep():
    """The sshd account's entry, after making PRIVSEP_DIR if missing (as a
    started ssh service or make install's tmpfiles.d entry would); exits,
    saying why, where privilege separation cannot run."""
    import pwd
    import sys
    if os.getuid() != 0:
        print("# privilege separation needs root; skipped")
        sys.exit(0)
    try:
        acct = pwd.getpwnam("sshd")
    except KeyError:
        print("# no sshd account (Debian's openssh-server makes it); skipped")
        sys.exit(0)
    if not os.path.isdir(PRIVSEP_DIR):
        os.mkdir(PRIVSEP_DIR, 0o755)
    return acct


def start(env, *args, extra_env=None, log=None):
    """sshd-lite -i on a socket pair, as Env.server starts it, with a tag
    in its environment that every process forked from it keeps (so the
    connection's processes are found even once re-parented), and the inode
    of the server's end (what the process talking to the client holds).
    log: another -E than env's. Returns (our socket, the process, inode,
    tag)."""
    _serial[0] += 1
    tag = "SSHL_PRIVSEP_TAG=%d.%d" % (os.getpid(), _serial[0])
    ours, theirs = socket.socketpair()
    inode = os.fstat(theirs.fileno()).st_ino
    cmd = [SSHD_LITE, "-i", "-E", log or env.log]
    for path in env.keys.values():
        cmd += ["-h", path]
    e = dict(os.environ)
    e.update(extra_env or {})
    e[tag.split("=")[0]] = tag.split("=")[1]
    p = subprocess.Popen(cmd + list(args), stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL, env=e)
    theirs.close()
    env.procs.append(p)
    return ours, p, inode, tag


def _pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def _ppid(pid):
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])


def tagged(tag):
    """the live processes whose environment holds tag (zombies have none)"""
    out = []
    needle = tag.encode() + b"\0"
    for pid in _pids():
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                if needle in f.read():
                    out.append(pid)
        except OSError:
            pass
    return out


def tree(root, tag=None):
    """root and its descendants, and any process carrying tag"""
    parent = {}
    for pid in _pids():
        try:
            parent[pid] = _ppid(pid)
        except (OSError, ValueError, IndexError):
            pass
    out = {root} if root in parent else set()
    grew = True
    while grew:
        grew = False
        for pid, pp in parent.items():
            if pp in out and pid not in out:
                out.add(pid)
                grew = True
    if tag:
        out |= set(tagged(tag))
    return sorted(out)


def alive(pids):
    """those of pids that still run (a zombie has ended)"""
    out = []
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    out.append(pid)
        except (OSError, IndexError):
            pass
    return out


def wait_gone(pids, secs):
    """waits up to secs for pids to end; returns those still running"""
    end = time.time() + secs
    while alive(pids) and time.time() < end:
        time.sleep(0.05)
    return alive(pids)


def status(pid):
    """/proc/PID/status as {field: value}"""
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                out[k] = v.strip()
    except OSError:
        pass
    return out


def ids(pid):
    """(real, effective, saved, fs uid list, the same for gid, groups)"""
    s = status(pid)
    return ([int(x) for x in s.get("Uid", "").split()], [int(x) for x in s.get("Gid", "").split()],
            s.get("Groups", "").split())


def fd_target(pid, fd):
    try:
        return os.readlink("/proc/%d/fd/%d" % (pid, fd))
    except OSError:
        return None


def holders(inode, pids):
    """those of pids with any fd on the socket inode"""
    want = "socket:[%d]" % inode
    out = []
    for pid in pids:
        try:
            fds = os.listdir("/proc/%d/fd" % pid)
        except OSError:
            continue
        if any(fd_target(pid, int(fd)) == want for fd in fds):
            out.append(pid)
    return out


def client_side(inode, pids):
    """those of pids whose fds 0 and 1 are both the client's socket"""
    want = "socket:[%d]" % inode
    return [p for p in pids if fd_target(p, 0) == want and fd_target(p, 1) == want]


def wait_for(pred, secs):
    """pred() until it gives something true or secs pass; its last value"""
    end = time.time() + secs
    v = pred()
    while not v and time.time() < end:
        time.sleep(0.05)
        v = pred()
    return v


def secrets_of(path):
    """What no process but the monitor may hold of an openssh-key-v1 file,
    and what the monitor holds: the ed25519 seed and ECDSA's scalar as
    they are; for RSA's d its big-endian bytes (as a file or DER holds
    them) and the first four 60-bit digits of libtommath's mp_int (as the
    loaded key holds them). Returns (forbidden, held)."""
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
        return [fields[2][:32]], [fields[2][:32]]
    d = fields[3]  # ecdsa: type, curve, Q, d; rsa: type, n, e, d
    v = int.from_bytes(d, "big")
    limbs = b"".join(struct.pack("<Q", (v >> (60 * i)) & ((1 << 60) - 1)) for i in range(4))
    if ktype.startswith(b"ecdsa-"):  # kept as bytes (kex/sig_ecdsa.c)
        return [d.lstrip(b"\0")], [d.lstrip(b"\0")]
    return [d.lstrip(b"\0"), limbs], [limbs]


def _readable_maps(pid):
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
            for lo, hi in _readable_maps(pid):
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
    """every process whose /proc entry the uid owns"""
    out = []
    for pid in _pids():
        try:
            if os.stat("/proc/%d" % pid).st_uid == uid:
                out.append(pid)
        except OSError:
            pass
    return out


WTMP = "/var/log/wtmp"
UTMP = "/var/run/utmp"
_UTMP_SIZE = 384  # glibc's struct utmp on Linux: ut_user at 44, 32 bytes


def wtmp_size():
    try:
        return os.path.getsize(WTMP)
    except OSError:
        return 0


def login_records(user, since):
    """records naming user: in wtmp from byte offset since, and in utmp"""
    out = []
    for path, off in ((WTMP, since), (UTMP, 0)):
        try:
            with open(path, "rb") as f:
                f.seek(off - off % _UTMP_SIZE)
                data = f.read()
        except OSError:
            continue
        for i in range(0, len(data) - _UTMP_SIZE + 1, _UTMP_SIZE):
            if data[i + 44:i + 76].rstrip(b"\0") == user.encode():
                out.append((path, struct.unpack("<h", data[i:i + 2])[0]))
    return out

