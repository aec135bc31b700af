#!/usr/bin/python3
"""Privilege separation's faults (issue 13): the pre-authentication process
P dies and the connection ends cleanly. With the hidden
SSHD_LITE_TEST_SANDBOX_VIOLATE=1, P makes a forbidden system call right
after entering its sandbox and the seccomp filter kills it (SIGSYS); and
P is killed with SIGKILL at every phase before authentication: before the
client's version line, after it, in the middle of the key exchange, after
it, at a keyboard-interactive prompt, after a failed attempt. Each time
the server logs OpenSSH's "preauth child terminated by signal N", the
client sees the connection close, every process of the connection ends
within a few seconds, and no utmp/wtmp record names the user."""
import os
import signal
import struct
import sys
import threading

try:
    import paramiko
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import paramiko_setup  # noqa: E402
from privsep_py import (client_side, holders, require_privsep, login_records, start, status, tree, wait_for,  # noqa: E402
                        wait_gone, wtmp_size)

SSHD = require_privsep()
env, rep, key, AK, user, made = paramiko_setup("t_privsep_kill", "k")
if not made:
    print("# needs useradd; skipped")
    sys.exit(0)
wtmp_start = wtmp_size()
OPTS = ("-o", "AuthorizedKeysFile=" + AK, "-o", "PasswordAuthentication=yes",
        "-o", "KbdInteractiveAuthentication=yes", "-o", "LoginGraceTime=60")


def read_line(sock):
    got = b""
    while not got.endswith(b"\n"):
        d = sock.recv(1)
        if not d:
            break
        got += d
    return got


def kexinit():
    """a plaintext client KEXINIT packet: enough to start a key exchange
    the server then waits in"""
    def namelist(s):
        return struct.pack(">I", len(s)) + s
    payload = bytes([20]) + os.urandom(16) + b"".join(namelist(x) for x in (
        b"curve25519-sha256", b"ssh-ed25519", b"aes128-ctr", b"aes128-ctr", b"hmac-sha2-256",
        b"hmac-sha2-256", b"none", b"none", b"", b"")) + b"\0" + b"\0\0\0\0"
    pad = 8 - (5 + len(payload)) % 8
    pad += 8 if pad < 4 else 0
    return struct.pack(">IB", 1 + len(payload) + pad, pad) + payload + b"\0" * pad


def closed(sock, t, secs):
    """the client's end sees the connection close within secs: paramiko's
    transport stops (it closes the socket itself), or a read gives end of
    file, or a reset (a unix socket closed with our bytes unread)"""
    if t:
        return wait_for(lambda: not t.is_active(), secs)
    sock.settimeout(secs)
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except OSError:
        return False


def preauth_process(proc, inode, tag):
    """P once it alone holds the client's socket, in its sandbox: at the
    start the launched process has it, and for a moment P and its parent
    both do"""
    def sandboxed():
        pids = tree(proc.pid, tag)
        ps = client_side(inode, pids)
        if len(ps) == 1 and holders(inode, pids) == ps and status(ps[0]).get("Seccomp") == "2":
            return ps
        return None
    ps = wait_for(sandboxed, 10)
    return ps[0] if ps else None


def outcome(phase, sock, proc, tag, pids, signo, t=None):
    """what must follow P's death by signo"""
    line = "fatal: privsep_preauth: preauth child terminated by signal %d" % signo
    rep.check("%s: the client sees the connection close" % phase, closed(sock, t, 10))
    rep.check("%s: every process of the connection ends" % phase,
              not wait_gone(set(pids) | set(tree(proc.pid, tag)), 5),
              "left: %s" % wait_gone(set(pids) | set(tree(proc.pid, tag)), 0))
    rep.check("%s: the log says \"%s\"" % (phase, line), wait_for(lambda: line in env.log_text(), 5))
    rep.check("%s: no login record names the user" % phase, not login_records(user, wtmp_start),
              "%s" % login_records(user, wtmp_start))


def kill_at(phase, sock, proc, inode, tag, t=None, then=None):
    """SIGKILL to P; then() (a client thread to let go) before the checks"""
    p = preauth_process(proc, inode, tag)
    if not rep.check("%s: found the pre-authentication process" % phase, p is not None):
        return
    pids = tree(proc.pid, tag)
    os.kill(p, signal.SIGKILL)
    if then:
        then()
    outcome(phase, sock, proc, tag, pids, 9, t)


def raw(upto):
    """a client of raw bytes that stops at a phase"""
    sock, proc, inode, tag = start(env, *OPTS)
    sock.settimeout(10)
    if upto >= 1:
        sock.sendall(b"SSH-2.0-t_privsep_kill\r\n")
        read_line(sock)
    if upto >= 2:
        sock.sendall(kexinit())
        sock.recv(4)  # the start of the server's KEXINIT: it is in the exchange
    return sock, proc, inode, tag


def paramiko_at(phase, auth=None):
    """a paramiko client after the key exchange, then auth() if given"""
    sock, proc, inode, tag = start(env, *OPTS)
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    if auth:
        try:
            auth(t)
        except paramiko.SSHException:
            pass
    kill_at(phase, sock, proc, inode, tag, t)
    t.close()


def at_prompt():
    """P killed while a keyboard-interactive prompt waits for the answer"""
    sock, proc, inode, tag = start(env, *OPTS)
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    prompted, release = threading.Event(), threading.Event()

    def handler(title, instructions, prompts):
        prompted.set()
        release.wait(30)
        return ["wrong"] * len(prompts)

    def auth():
        try:
            t.auth_interactive(user, handler)
        except (paramiko.SSHException, EOFError, OSError):
            pass
    th = threading.Thread(target=auth, daemon=True)
    th.start()
    phase = "at a keyboard-interactive prompt"
    if rep.check("%s: the server prompts" % phase, prompted.wait(20)):
        kill_at(phase, sock, proc, inode, tag, t, release.set)
    release.set()
    th.join(30)
    t.close()


# a forbidden system call: killed by the filter with SIGSYS
sock, proc, inode, tag = start(env, *OPTS, extra_env={"SSHD_LITE_TEST_SANDBOX_VIOLATE": "1"})
pids = tree(proc.pid, tag)
try:
    sock.sendall(b"SSH-2.0-t_privsep_kill\r\n")
except OSError:
    pass
outcome("a forbidden system call", sock, proc, tag, pids, signal.SIGSYS)

kill_at("before the client's version line", *raw(0))
kill_at("after the version exchange", *raw(1))
kill_at("during the key exchange", *raw(2))
paramiko_at("after the key exchange, before authentication")
at_prompt()
paramiko_at("after a failed password attempt", lambda t: t.auth_password(user, "wrong"))
# the failed attempt was refused, not crashed on
rep.check("a failed attempt is logged before the kill",
          "Failed password for %s" % user in env.log_text() or "Failed password for invalid user" in env.log_text())
rep.finish()
