#!/usr/bin/python3
"""The number of channels on one connection, through paramiko over a socket
pair to `sshd-lite -i`:
  MaxSessions (default 10)  the 11th session is refused with OPEN_FAILURE 1
                            (administratively prohibited), logged
  CHAN_MAX (256)            the 257th channel of any type is refused with
                            OPEN_FAILURE 4 (resource shortage), logged
Neither refusal ends the connection or leaks: a channel already open keeps
running its command, a closed slot can be opened again (300 open/close
cycles through the last free slot), and the limit is still exact afterwards.
At the end the server exits with status 0 and leaves no process behind.
Opening a session without a request starts nothing, so 256 are cheap."""
import atexit
import logging
import os
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
from sshl_py import Env, Report, add_user, client_key  # noqa: E402

CHAN_MAX = 256
ADMINISTRATIVELY_PROHIBITED, RESOURCE_SHORTAGE = 1, 4

# paramiko's thread logs the expected refusals; the checks say enough
logging.getLogger("paramiko").addHandler(logging.NullHandler())
env = Env("t_chanlimit")
rep = Report()
T = env.dir

key, AK = client_key(T)

# as root, a throw-away user with /bin/sh and no dotfiles (root's are slow)
user = os.environ.get("USER") or "root"
made = add_user(T, "c")
if made:
    user = made[0]

# a listener for direct-tcpip channels: it never accepts, the kernel's
# backlog completes the connects
lsock = socket.socket()
lsock.bind(("127.0.0.1", 0))
lsock.listen(CHAN_MAX + 64)
LPORT = lsock.getsockname()[1]


def connect(*opts):
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK, *opts)
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    t.auth_publickey(user, key)
    return t, sock, proc


def try_open(t, kind="session"):
    """(channel, None) when the open succeeds, else (None, reason code)"""
    try:
        if kind == "session":
            return t.open_channel("session", timeout=20), None
        return t.open_channel("direct-tcpip", ("127.0.0.1", LPORT), ("127.0.0.1", 4242), timeout=20), None
    except paramiko.ChannelException as e:
        return None, e.code


def open_many(t, n, kind="session"):
    """opens n channels; returns them and the codes of those refused"""
    chans, codes = [], []
    for _ in range(n):
        ch, code = try_open(t, kind)
        if ch:
            chans.append(ch)
        else:
            codes.append(code)
    return chans, codes


def cycle(t, n):
    """n times: open a session and close it again; the number that opened"""
    opened = 0
    for _ in range(n):
        ch, _ = try_open(t)
        if ch:
            opened += 1
            ch.close()
    return opened


def echo_ok(t):
    """runs `echo ok` on a new session: its output and exit status"""
    ch, code = try_open(t)
    if not ch:
        return "refused with %d" % code, None
    ch.settimeout(20)
    ch.exec_command("echo ok")
    out = b""
    while True:
        d = ch.recv(4096)
        if not d:
            break
        out += d
    st = ch.recv_exit_status()
    # until the server's CLOSE came back, the slot is not free yet
    end = time.time() + 10
    while not ch.closed and time.time() < end:
        time.sleep(0.01)
    # paramiko marks the channel closed before its reader thread sends the
    # CLOSE in answer; an OPEN sent in between reaches the server first and
    # finds the slot still taken. The reader thread handles one message at
    # a time: once it has taken the server's answer to a global request (a
    # failure: the name is unknown), it has sent that CLOSE
    t.global_request("sync@sshd-lite.test", wait=True)
    return out, st


def descendants(pid):
    """the pids of every process below pid"""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for c, pp in parent.items():
            if pp == p and c not in out:
                out.add(c)
                todo.append(c)
    return out


def commands(pids):
    out = []
    for p in pids:
        try:
            with open("/proc/%d/comm" % p) as f:
                out.append(f.read().strip())
        except OSError:
            pass
    return out


def alive(pids):
    return sorted(p for p in pids if os.path.exists("/proc/%d" % p))


def log_count(text):
    return env.log_text().count(text)


def hang_up(label, t, sock, proc):
    """the client disconnects: the server exits 0 and no process is left"""
    kids = descendants(proc.pid)
    print("# %s: processes below the server at the end: %r" % (label, commands(kids)))
    t.close()
    sock.close()
    try:
        rc = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        rc = None
    rep.check(label + ": the server exits with status 0 when the client disconnects", rc == 0, "status %r" % rc)
    end = time.time() + 5
    while alive(kids) and time.time() < end:
        time.sleep(0.05)
    rep.check(label + ": no process left behind", not alive(kids), "still there: %r" % alive(kids))
    log = env.log_text()
    rep.check(label + ": no crash or error in the log",
              not any(w in log for w in ("fatal", "internal error", "Sanitizer", "Assertion")), log[-500:])


# --- MaxSessions (default 10) ---
t, sock, proc = connect()
chans, codes = open_many(t, 10)
rep.check("MaxSessions 10: 10 sessions open", len(chans) == 10 and not codes, "refused: %r" % codes)
first = chans[0]
first.settimeout(20)
first.exec_command("cat")
ch, code = try_open(t)
rep.check("MaxSessions 10: the 11th session is refused with OPEN_FAILURE %d (administratively prohibited)"
          % ADMINISTRATIVELY_PROHIBITED, code == ADMINISTRATIVELY_PROHIBITED, "opened" if ch else "code %r" % code)
rep.check("MaxSessions 10: refusal logged", log_count("refused a session: MaxSessions (10) reached") == 1,
          env.log_text()[-300:])
_, code = try_open(t)
rep.check("MaxSessions 10: a 12th is refused the same way", code == ADMINISTRATIVELY_PROHIBITED, "code %r" % code)
first.sendall(b"still running\n")
got = first.recv(100)
rep.check("MaxSessions 10: a session open before the refusal still runs its command",
          got == b"still running\n", repr(got))
chans[1].close()
out, st = echo_ok(t)
rep.check("MaxSessions 10: after closing one, a new session runs echo ok", out == b"ok\n" and st == 0,
          "%r, status %r" % (out, st))
# the echo session closed itself: one slot free again, and one only
n = cycle(t, 300)
rep.check("MaxSessions 10: 300 sessions opened and closed one after another through the last free slot",
          n == 300, "%d opened" % n)
chans[1], _ = try_open(t)
_, code = try_open(t)
rep.check("MaxSessions 10: still exact: the 10th opens, the 11th is refused",
          chans[1] is not None and code == ADMINISTRATIVELY_PROHIBITED, "code %r" % code)
rep.check("MaxSessions 10: the connection is still up", t.is_active() and proc.poll() is None)
hang_up("MaxSessions 10", t, sock, proc)

# --- CHAN_MAX (256) with MaxSessions=1000 ---
t, sock, proc = connect("-o", "MaxSessions=1000")
t0 = time.time()
chans, codes = open_many(t, CHAN_MAX)
rep.check("MaxSessions=1000: %d sessions open" % CHAN_MAX, len(chans) == CHAN_MAX and not codes,
          "%d open, refused: %r" % (len(chans), codes[:5]))
chans[0].settimeout(20)
chans[0].exec_command("exec sleep 60")
ch, code = try_open(t)
rep.check("CHAN_MAX: the %dth channel is refused with OPEN_FAILURE %d (resource shortage)"
          % (CHAN_MAX + 1, RESOURCE_SHORTAGE), code == RESOURCE_SHORTAGE, "opened" if ch else "code %r" % code)
rep.check("CHAN_MAX: refusal logged", log_count("channel table full: %d channels open" % CHAN_MAX) == 1,
          env.log_text()[-300:])
_, code = try_open(t, "direct-tcpip")
rep.check("CHAN_MAX: a direct-tcpip channel is refused with %d too" % RESOURCE_SHORTAGE, code == RESOURCE_SHORTAGE,
          "code %r" % code)
chans[100].close()
out, st = echo_ok(t)
rep.check("CHAN_MAX: after closing one, a new session runs echo ok", out == b"ok\n" and st == 0,
          "%r, status %r" % (out, st))
n = cycle(t, 300)
rep.check("CHAN_MAX: 300 channels opened and closed one after another through the last free slot", n == 300,
          "%d opened" % n)
chans[100], _ = try_open(t)
_, code = try_open(t)
rep.check("CHAN_MAX: still exact: the %dth opens, the %dth is refused" % (CHAN_MAX, CHAN_MAX + 1),
          chans[100] is not None and code == RESOURCE_SHORTAGE, "code %r" % code)
rep.check("CHAN_MAX: the command of the first channel still runs",
          not chans[0].exit_status_ready() and "sleep" in commands(descendants(proc.pid)),
          repr(commands(descendants(proc.pid))))
rep.check("CHAN_MAX: the connection is still up", t.is_active())
print("# CHAN_MAX part: %.1f s" % (time.time() - t0))
hang_up("CHAN_MAX", t, sock, proc)

# --- channels that are not sessions fill the table too ---
t, sock, proc = connect()
sess, codes = open_many(t, 10)
fwd, fcodes = open_many(t, CHAN_MAX - 10, "direct-tcpip")
rep.check("10 sessions and %d direct-tcpip channels open" % (CHAN_MAX - 10),
          len(sess) == 10 and len(fwd) == CHAN_MAX - 10 and not codes and not fcodes,
          "refused: %r %r" % (codes, fcodes[:5]))
_, code = try_open(t, "direct-tcpip")
rep.check("a direct-tcpip channel beyond %d is refused with %d" % (CHAN_MAX, RESOURCE_SHORTAGE),
          code == RESOURCE_SHORTAGE, "code %r" % code)
_, code = try_open(t)
rep.check("a session beyond %d is refused with %d (the table is checked first)" % (CHAN_MAX, RESOURCE_SHORTAGE),
          code == RESOURCE_SHORTAGE, "code %r" % code)
fwd[0].close()
_, code = try_open(t)
rep.check("with a free slot, the 11th session is refused by MaxSessions (%d)" % ADMINISTRATIVELY_PROHIBITED,
          code == ADMINISTRATIVELY_PROHIBITED, "code %r" % code)
fwd[0], code = try_open(t, "direct-tcpip")
rep.check("the free slot takes a direct-tcpip channel", fwd[0] is not None, "code %r" % code)
sess[0].close()
out, st = echo_ok(t)
rep.check("after closing a session, a new one runs echo ok", out == b"ok\n" and st == 0,
          "%r, status %r" % (out, st))
hang_up("direct-tcpip", t, sock, proc)

rep.finish()
