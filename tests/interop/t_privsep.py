#!/usr/bin/python3
"""Privilege separation (issue 13), as the processes show it from /proc.
Started as root, a connection is two processes before authentication:
the launched process stays root as the monitor M (alone loads the host
keys, signs and decides userauth), and its child P, the
pre-authentication process, which alone holds the client's socket, as
the sshd account, chrooted to the empty privilege separation directory,
with NoNewPrivs, a seccomp filter and rlimits. After the login P is gone,
M's other child serves the session as the user and holds the socket, and
no process the user owns holds a host private key (M does: the search
works). Fail closed without the account or the
directory; started as a user, one log line, no separation, and a login
works. Faults (a forbidden system call, P killed) are t_privsep_kill.py's."""
import os
import pwd
import shutil
import socket
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
from privsep_py import (PRIVSEP_DIR, client_side, fd_target, require_privsep, holders, ids, mem_has, procs_of,  # noqa: E402
                        secrets_of, start, status, tree, wait_gone)

SSHD = require_privsep()
with open(SSHD_LITE, "rb") as f:
    SANITIZED = b"__asan_init" in f.read()
env, rep, key, AK, user, made = paramiko_setup("t_privsep", "v")
T = env.dir
if not made:
    print("# needs useradd; skipped")
    sys.exit(0)
home = made[1]
uid = pwd.getpwnam(user).pw_uid
secrets = {name: secrets_of(path) for name, path in env.keys.items()}
forbidden = {n for ns, _ in secrets.values() for n in ns}
held = {n for _, ns in secrets.values() for n in ns}


def preauth_checks(proc, inode, tag):
    """a client paused after the key exchange, before authentication"""
    pids = tree(proc.pid, tag)
    ps = client_side(inode, pids)
    rep.check("pre-auth: one process has the client's socket as fds 0 and 1, not the launched one",
              len(ps) == 1 and ps[0] != proc.pid, "pids %s, tree %s" % (ps, pids))
    if len(ps) != 1:
        return
    p = ps[0]
    uids, gids, groups = ids(p)
    rep.check("pre-auth: its uid and gid are the sshd account's (%d/%d), no supplementary groups"
              % (SSHD.pw_uid, SSHD.pw_gid),
              uids == [SSHD.pw_uid] * 4 and gids == [SSHD.pw_gid] * 4 and not groups and SSHD.pw_uid != 0,
              "Uid %s Gid %s Groups %s" % (uids, gids, groups))
    st = status(p)
    rep.check("pre-auth: Seccomp 2 and NoNewPrivs 1",
              st.get("Seccomp") == "2" and st.get("NoNewPrivs") == "1",
              "Seccomp %s NoNewPrivs %s" % (st.get("Seccomp"), st.get("NoNewPrivs")))
    root = os.readlink("/proc/%d/root" % p)
    rep.check("pre-auth: its root is the privilege separation directory, which is empty",
              root == PRIVSEP_DIR and not os.listdir(PRIVSEP_DIR), "root %s" % root)
    with open("/proc/%d/limits" % p) as f:
        lim = {line[:26].strip(): line[26:].split() for line in f}
    # no file growth (RLIMIT_FSIZE 0) only when the log is no file: here
    # it is one (-E), which P appends to
    nofile = lim.get("Max open files", ["x", "x"])
    rep.check("pre-auth: rlimits allow no new process and only the fds it has",
              lim.get("Max processes", [""])[:2] == ["0", "0"] and nofile[0] == nofile[1] and nofile[0].isdigit()
              and int(nofile[0]) <= 16,
              "processes %s, open files %s" % (lim.get("Max processes"), nofile))
    # what it may reach: the client and the monitor (sockets), the
    # signalfd, the log; no directory (a way out of the chroot), no file
    fds = {int(fd): fd_target(p, int(fd)) for fd in os.listdir("/proc/%d/fd" % p)}
    odd = {fd: what for fd, what in fds.items()
           if not (str(what).startswith("socket:") or what in ("anon_inode:[signalfd]", "/dev/null", env.log))}
    socks = {what for what in fds.values() if str(what).startswith("socket:")}
    rep.check("pre-auth: its fds are the client's and the monitor's sockets, a signalfd and the log",
              not odd and len(socks) <= 2, "%s" % fds)
    others = [q for q in holders(inode, pids) if q != p]
    rep.check("pre-auth: no other process of the connection holds the socket", not others,
              "also %s" % others)
    rest = [q for q in pids if q != p]
    rep.check("pre-auth: the other processes' fds 0 and 1 are /dev/null",
              rest and all(fd_target(q, 0) == "/dev/null" and fd_target(q, 1) == "/dev/null" for q in rest),
              " ".join("%d:%s,%s" % (q, fd_target(q, 0), fd_target(q, 1)) for q in rest))
    parent = int(status(p).get("PPid", "0"))
    rep.check("pre-auth: its parent is the launched process, the root monitor, and no other process serves "
              "the connection", parent == proc.pid and rest == [proc.pid] and ids(parent)[0] == [0] * 4,
              "parent %d, launched %d, others %s" % (parent, proc.pid, rest))
    rep.check("pre-auth: no host private key in its memory", not mem_has(p, forbidden))


def session_checks(alg, proc, inode, tag):
    """after a login, with a session running"""
    pids = tree(proc.pid, tag)
    hs = holders(inode, pids)
    rep.check("%s: after login the one process with the socket runs as the user" % alg,
              len(hs) == 1 and ids(hs[0])[0] == [uid] * 4,
              "holders %s, uids %s" % (hs, [ids(h)[0] for h in hs]))
    rep.check("%s: after login no process of the connection runs as sshd" % alg,
              not [q for q in pids if ids(q)[0][:1] == [SSHD.pw_uid]])
    leaked = set()
    for pid in procs_of(uid):
        leaked |= mem_has(pid, forbidden)
    rep.check("%s: no host private key in the memory of the user's %d processes" % (alg, len(procs_of(uid))),
              not leaked and procs_of(uid), "%d keys found" % len(leaked))
    # the monitor: the one process of the connection left as root (the
    # launched one, which forked the user's process)
    monitors = [q for q in pids if ids(q)[0] == [0] * 4]
    has = mem_has(monitors[0], held) if len(monitors) == 1 else set()
    rep.check("%s: the root monitor, the launched process, holds the host keys" % alg,
              monitors == [proc.pid] and has == held,
              "root processes %s, %d of %d keys" % (monitors, len(has), len(held)))
    # libcrypt is loaded at a password check (services/crypt_lib.c); a
    # sanitizer build links it (t_binary)
    if not SANITIZED:
        crypt = [q for q in pids if "/libcrypt.so" in maps_of(q)]
        rep.check("%s: after a publickey login no process of the connection maps libcrypt" % alg, not crypt,
                  "mapped by %s" % crypt)


def maps_of(pid):
    try:
        with open("/proc/%d/maps" % pid) as f:
            return f.read()
    except OSError:
        return ""


for alg in ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "rsa-sha2-512"):
    sock, proc, inode, tag = start(env, "-o", "AuthorizedKeysFile=" + AK)
    t = paramiko.Transport(sock)
    t.get_security_options().key_types = [alg]
    t.start_client(timeout=30)
    ok = t.get_remote_server_key().asbytes() in env.public_blobs()
    if alg == "ssh-ed25519":
        preauth_checks(proc, inode, tag)
    t.auth_publickey(user, key)
    ch = t.open_session()
    ch.exec_command("sleep 30")
    # a re-key after the login: the user's process asks the monitor
    t.renegotiate_keys()
    time.sleep(0.3)
    ok = ok and t.is_active() and t.is_authenticated()
    rep.check("%s: login and a re-key after it" % alg, ok)
    session_checks(alg, proc, inode, tag)
    pids = tree(proc.pid, tag)
    ch.close()
    t.close()
    proc.wait(timeout=30)
    rep.check("%s: after logout every process of the connection ends" % alg, not wait_gone(pids, 10))

# a client that leaves before authentication: P ends with the status the
# unseparated server would give (0 for the client's close), by no signal
# (in a sanitizer build, LeakSanitizer's check at exit made calls the
# filter refuses: P was killed at every such close)
open(env.log, "w").close()
sock, proc, inode, tag = start(env)
t = paramiko.Transport(sock)
t.start_client(timeout=30)
t.close()
rc = proc.wait(timeout=30)
rep.check("a close before authentication: exit status 0, no signal in the log",
          rc == 0 and "terminated by signal" not in env.log_text(), "status %s" % rc)

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


def fail_closed(var, value, line):
    """started as root without what the separation needs: nothing served,
    the one line in the log, no process left"""
    before = len(env.log_text())
    sock, proc, inode, tag = start(env, extra_env={var: value})
    sock.settimeout(10)
    got = b""
    try:
        while True:
            d = sock.recv(4096)
            if not d:
                break
            got += d
    except OSError:
        pass
    sock.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        proc.returncode = None  # it served, or would have: not refused
    said = env.log_text()[before:].count(line)
    rep.check("%s=%s: refused, exit status not 0, no key exchange" % (var, value),
              proc.returncode not in (0, None) and got.count(b"\n") <= 1, "status %s" % proc.returncode)
    rep.check("%s=%s: the log says \"%s\" once" % (var, value, line), said == 1, "said %d times" % said)
    rep.check("%s=%s: no process left" % (var, value), not wait_gone(tree(proc.pid, tag), 5))


def no_file_growth():
    """with a log that is no file (here -E /dev/null) P may grow no file"""
    sock, proc, inode, tag = start(env, log="/dev/null")
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    ps = client_side(inode, tree(proc.pid, tag))
    lim = {}
    if len(ps) == 1:
        with open("/proc/%d/limits" % ps[0]) as f:
            lim = {line[:26].strip(): line[26:].split() for line in f}
    rep.check("pre-auth, the log no file: RLIMIT_FSIZE 0", lim.get("Max file size", [""])[:2] == ["0", "0"],
              "file size %s" % lim.get("Max file size"))
    t.close()
    proc.wait(timeout=30)


def own_dir():
    """SSHD_LITE_PRIVSEP_DIR names another empty root-owned directory: P's
    root is that one"""
    d = os.path.join(T, "empty")
    os.mkdir(d, 0o755)
    sock, proc, inode, tag = start(env, extra_env={"SSHD_LITE_PRIVSEP_DIR": d})
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    ps = client_side(inode, tree(proc.pid, tag))
    root = os.readlink("/proc/%d/root" % ps[0]) if len(ps) == 1 else None
    rep.check("SSHD_LITE_PRIVSEP_DIR: the pre-authentication process's root is that directory", root == d,
              "root %s" % root)
    t.close()
    proc.wait(timeout=30)


no_file_growth()
own_dir()
fail_closed("SSHD_LITE_PRIVSEP_USER", "nosuchuser", "Privilege separation user nosuchuser does not exist")
fail_closed("SSHD_LITE_PRIVSEP_DIR", "/nonexistent", "Missing privilege separation directory: /nonexistent")

# started as a user (a ProxyCommand, pipe mode) there is no separation,
# the log says so once, and the login works
ulog = os.path.join(home, "user.log")
ukey = os.path.join(home, "host_ed25519")
shutil.copy(env.keys["ed25519"], ukey)
shutil.chown(ukey, user, user)
t = paramiko.Transport(paramiko.ProxyCommand(
    "runuser -u %s -- %s -i -o PipeAuthentication=yes -h %s -E %s" % (user, SSHD_LITE, ukey, ulog)))
out = b""
try:
    t.start_client(timeout=30)
    t.auth_none(user)
    ch = t.open_session()
    ch.exec_command("id -u")
    while True:
        d = ch.recv(4096)
        if not d:
            break
        out += d
except (paramiko.SSHException, OSError) as e:
    print("# pipe login: %s" % e)
t.close()
time.sleep(0.3)
try:
    with open(ulog) as f:
        said = f.read().count("not started as root: no privilege separation")
except OSError:
    said = 0
rep.check("not started as root: a login works", out.strip() == str(uid).encode(), "got %r" % out)
rep.check("not started as root: said once in the log", said == 1, "said %d times" % said)
rep.finish()
