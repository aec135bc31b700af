#!/usr/bin/python3
"""Session channels with paramiko: exec with output, stderr and exit status;
a pty shell with the requested size, TERM and a window change; SFTP; and the
channel layer's edges that OpenSSH's client does not reach: unknown channel
types and requests, keepalive global requests, no-more-sessions, a window of
2^32-1, a small maximum packet, and a window adjust that overflows."""
import atexit
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import struct
import sys
import termios
import threading
import time

try:
    import paramiko
    from paramiko import common
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import paramiko_login, paramiko_setup  # noqa: E402

# paramiko's thread logs expected refusals with tracebacks; the checks say
# enough. A user with /bin/sh and no dotfiles when we are root: root's rc
# files must not slow the sessions down or add output
env, rep, key, AK, user, made = paramiko_setup("t_session_paramiko", "s")
T = env.dir
home = made[1] if made else os.path.expanduser("~")


def connect(*opts):
    t, _, proc = paramiko_login(env, user, key, AK, *opts)
    return t, proc


def run(t, cmd, data=None, **kw):
    """exec cmd; returns (stdout, stderr, exit status)"""
    ch = t.open_session(**kw)
    ch.exec_command(cmd)
    if data is not None:
        ch.sendall(data)
        ch.shutdown_write()
    out = ch.makefile("rb").read()
    err = ch.makefile_stderr("rb").read()
    return out, err, ch.recv_exit_status()


def read_until_closed(ch, limit=30):
    out = b""
    end = time.time() + limit
    while time.time() < end:
        if ch.recv_ready():
            out += ch.recv(65536)
        elif ch.exit_status_ready() and not ch.recv_ready() and ch.closed:
            break
        elif ch.eof_received and not ch.recv_ready():
            break
        else:
            time.sleep(0.02)
    return out


def log_has(text):
    return text in env.log_text()


# AcceptEnv for the env request below (OpenSSH's default accepts none)
t, proc = connect("-o", "AcceptEnv=LC_*")

# --- exec ---
out, err, st = run(t, "echo out; echo err >&2; exit 7")
rep.check("exec: stdout", out == b"out\n", repr(out))
rep.check("exec: stderr as extended data", err == b"err\n", repr(err))
rep.check("exec: exit status", st == 7, str(st))
blob = os.urandom(3 * 1024 * 1024)
out, err, st = run(t, "sha256sum", blob)
rep.check("exec: stdin to sha256sum", out.split()[0].decode() == hashlib.sha256(blob).hexdigest(), repr(out))
out, err, st = run(t, "echo $HOME; pwd")
rep.check("exec: HOME and working directory", out == ("%s\n%s\n" % (home, home)).encode(), repr(out))

# the end of a session as the client sees it, message by message
events = []
watched = [None]
table = paramiko.Transport._channel_handler_table
saved = dict(table)


def recorder(kind):
    orig = saved[kind]

    def f(ch, m):
        if ch is not watched[0]:
            return orig(ch, m)
        if kind == common.MSG_CHANNEL_REQUEST:
            events.append(m.get_text())
            m.rewind()
            m.get_int()
        else:
            events.append({common.MSG_CHANNEL_DATA: "data", common.MSG_CHANNEL_EOF: "eof",
                           common.MSG_CHANNEL_CLOSE: "close"}[kind])
        return orig(ch, m)
    return f


for kind in (common.MSG_CHANNEL_REQUEST, common.MSG_CHANNEL_DATA, common.MSG_CHANNEL_EOF, common.MSG_CHANNEL_CLOSE):
    table[kind] = recorder(kind)
ch = t.open_session()
watched[0] = ch
ch.exec_command("echo last-words; exit 3")
ch.recv_exit_status()
end = time.time() + 10
while not ch.closed and time.time() < end:
    time.sleep(0.05)
rep.check("session end: data, exit-status, EOF, CLOSE in that order",
          events == ["data", "exit-status", "eof", "close"], repr(events))
del events[:]
ch = t.open_session()
watched[0] = ch
ch.exec_command("exec sleep 30")
time.sleep(0.3)
m = paramiko.Message()
m.add_byte(common.cMSG_CHANNEL_REQUEST)
m.add_int(ch.remote_chanid)
m.add_string("signal")
m.add_boolean(False)
m.add_string("TERM")
t._send_user_message(m)
end = time.time() + 10
while not ch.closed and time.time() < end:
    time.sleep(0.05)
table.update(saved)
rep.check("signal TERM: the child ends with exit-signal, EOF, CLOSE", events == ["exit-signal", "eof", "close"],
          repr(events))

# --- pty shell ---
ch = t.open_session()
ch.get_pty(term="xterm-256color", width=91, height=33)
ch.invoke_shell()
ch.sendall(b"stty size; echo T=$TERM; tty\n")
time.sleep(1)
ch.resize_pty(width=120, height=50)
time.sleep(0.3)
ch.sendall(b"stty size; exit 5\n")
text = read_until_closed(ch).decode(errors="replace").replace("\r", "")
rep.check("pty shell: size from pty-req", re.search(r"(^|\s)33 91\n", text) is not None, repr(text[-300:]))
rep.check("pty shell: TERM from pty-req", "T=xterm-256color" in text, repr(text[-300:]))
rep.check("pty shell: a tty", "/dev/pts/" in text, repr(text[-300:]))
rep.check("pty shell: window-change", "\n50 120\n" in text, repr(text[-300:]))
rep.check("pty shell: exit status", ch.recv_exit_status() == 5, str(ch.recv_exit_status()))

# --- SFTP ---
sftp = paramiko.SFTPClient.from_transport(t)
data = os.urandom(5 * 1024 * 1024 + 17)
local = os.path.join(T, "up")
with open(local, "wb") as f:
    f.write(data)
sftp.put(local, home + "/p1")
rep.check("sftp: listdir shows the upload", "p1" in sftp.listdir(home))
rep.check("sftp: stat size", sftp.stat(home + "/p1").st_size == len(data))
sftp.rename(home + "/p1", home + "/p2")
sftp.get(home + "/p2", os.path.join(T, "down"))
with open(os.path.join(T, "down"), "rb") as f:
    rep.check("sftp: get returns what put sent", f.read() == data)
sftp.remove(home + "/p2")
rep.check("sftp: remove", "p2" not in sftp.listdir(home))
sftp.close()

# --- channel layer edges ---
try:
    t.open_channel("x-no-such-type@sshl")
    rep.check("unknown channel type refused", False, "it was opened")
except paramiko.ChannelException as e:
    rep.check("unknown channel type refused with OPEN_FAILURE 3", e.code == 3, str(e.code))
rep.check("unknown channel type: no disconnect", t.is_active() and run(t, "echo still")[0] == b"still\n")

rep.check("keepalive@openssh.com gets REQUEST_FAILURE",
          t.global_request("keepalive@openssh.com", wait=True) is None and t.is_active())
rep.check("unknown global request gets REQUEST_FAILURE",
          t.global_request("x-unknown@sshl", wait=True) is None and t.is_active())

# channel request replies are seen through paramiko's handler table
replies = []
orig_ok, orig_fail = table[common.MSG_CHANNEL_SUCCESS], table[common.MSG_CHANNEL_FAILURE]
table[common.MSG_CHANNEL_SUCCESS] = lambda ch, m: replies.append("success")
table[common.MSG_CHANNEL_FAILURE] = lambda ch, m: replies.append("failure")
ch = t.open_session()
for name in ("winadj@putty.projects.tartarus.org", "x-unknown@sshl", "env"):
    m = paramiko.Message()
    m.add_byte(common.cMSG_CHANNEL_REQUEST)
    m.add_int(ch.remote_chanid)
    m.add_string(name)
    m.add_boolean(True)
    if name == "env":
        m.add_string("LC_SSHL")
        m.add_string("x")
    t._send_user_message(m)
for _ in range(100):
    if len(replies) == 3:
        break
    time.sleep(0.05)
table[common.MSG_CHANNEL_SUCCESS], table[common.MSG_CHANNEL_FAILURE] = orig_ok, orig_fail
rep.check("winadj@putty and unknown requests fail, env succeeds, in order",
          replies == ["failure", "failure", "success"], repr(replies))
ch.close()

# the largest window there is, and a small maximum packet we must honour
sizes = []
orig_data = table[common.MSG_CHANNEL_DATA]


def record(ch, m):
    sizes.append(len(m.get_string()))
    # back to where the transport left it: after the recipient channel
    m.rewind()
    m.get_int()
    orig_data(ch, m)


blob = os.urandom(8 * 1024 * 1024)
with open(os.path.join(T, "blob"), "wb") as f:
    f.write(blob)
os.chmod(os.path.join(T, "blob"), 0o644)
out, err, st = run(t, "cat " + os.path.join(T, "blob"), window_size=2**32 - 1)
rep.check("window of 2^32-1: 8 MiB arrive intact", out == blob, "%d bytes" % len(out))
table[common.MSG_CHANNEL_DATA] = record
out, err, st = run(t, "cat " + os.path.join(T, "blob"), max_packet_size=4096)
table[common.MSG_CHANNEL_DATA] = orig_data
rep.check("maximum packet 4096: honoured", sizes and max(sizes) <= 4096, "largest %d" % max(sizes or [0]))
rep.check("maximum packet 4096: 8 MiB arrive intact", out == blob, "%d bytes" % len(out))

# a client that stops reading: with a window that never runs out, only the
# server's backpressure toward the client keeps its memory bounded
pause = [True]
orig_read = paramiko.packet.Packetizer.read_message


def paused_read(self):
    while pause[0]:
        time.sleep(0.05)
    return orig_read(self)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def rchar(pid):
    """bytes the process has read so far, or None where /proc does not say"""
    try:
        with open("/proc/%d/io" % pid) as f:
            for line in f:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def unread(sock):
    """bytes written to our end of the socket pair that the server has not
    read yet (SIOCOUTQ of a UNIX socket)"""
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]


ch = t.open_session(window_size=2**32 - 1)
ch.exec_command("head -c 67108864 /dev/zero")
time.sleep(0.5)
paramiko.packet.Packetizer.read_message = paused_read
time.sleep(3)
grown = rss_kib(proc.pid)
paramiko.packet.Packetizer.read_message = orig_read
pause[0] = False
total = 0
while True:
    d = ch.recv(1 << 20)
    if not d:
        break
    total += len(d)
print("# server RSS while the client did not read: %d KiB" % grown)
rep.check("backpressure: a client not reading leaves the server small", 0 < grown < 32 * 1024,
          "%d KiB" % grown)
rep.check("backpressure: all data arrives once it reads again", total == 67108864 and ch.recv_exit_status() == 0,
          "%d bytes" % total)

# a child that does not read its input yet: the client may send only the
# window the server offers, which is all the server must hold for it
ch = t.open_session()
rep.check("the server offers a 256 KiB window", ch.out_window_size == 256 * 1024, "%d" % ch.out_window_size)
# the child reads only once the test says so (an event, not a sleep)
go = os.path.join(T, "go")
ch.exec_command("while [ ! -e %s ]; do sleep 0.05; done; wc -c" % go)
before = rss_kib(proc.pid)
read0 = rchar(proc.pid)
sender = threading.Thread(target=lambda: (ch.sendall(b"x" * (16 << 20)), ch.shutdown_write()))
sender.start()
# the client has used up the window, and the server has read it: at least
# the window's bytes more than before (so paramiko has written the last
# packet, not only counted it) and nothing left unread in the socket pair;
# from here on the server holds it all
deadline = time.time() + 30
while time.time() < deadline and (ch.out_window_size > 0 or unread(t.sock) > 0 or
                                  (read0 is not None and rchar(proc.pid) - read0 < 256 * 1024)):
    time.sleep(0.02)
held = rss_kib(proc.pid)
sent_early = 16 << 20 if not sender.is_alive() else None
open(go, "w").close()
sender.join(60)
out = b""
while True:
    d = ch.recv(1 << 16)
    if not d:
        break
    out += d
print("# server RSS %d KiB before, %d KiB while the child did not read" % (before, held))
rep.check("a child not reading: the client is held to the window", sent_early is None)
# An upper bound only: growth may be 0 when the allocator reuses memory the
# server already had (issue 21)
rep.check("a child not reading: the server holds no more than the window", held - before < 1024 + 256,
          "%d KiB more" % (held - before))
rep.check("a child not reading: all 16 MiB arrive once it reads", out.strip() == b"16777216", repr(out[:40]))

# no-more-sessions@openssh.com: later sessions are refused, nothing else
t.global_request("no-more-sessions@openssh.com", wait=False)
try:
    t.open_session()
    rep.check("no-more-sessions: a later session is refused", False, "it was opened")
except paramiko.ChannelException as e:
    rep.check("no-more-sessions: a later session is refused", e.code == 1, str(e.code))
rep.check("no-more-sessions: the connection stays", t.is_active())
t.close()
proc.wait(timeout=30)

# a window adjust past 2^32-1 is a protocol error
t, proc = connect()
ch = t.open_session()
ch.exec_command("sleep 5")
m = paramiko.Message()
m.add_byte(common.cMSG_CHANNEL_WINDOW_ADJUST)
m.add_int(ch.remote_chanid)
m.add_int(0xFFFFFFFF)
t._send_user_message(m)
try:
    rc = proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    rc = None
rep.check("window adjust overflowing 2^32-1: disconnect", rc is not None and log_has("window adjust overflows"),
          "server still running" if rc is None else env.log_text()[-300:])
t.close()


def hwm_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


# A client that asks and never reads the answers (issue 12): 300,000 global
# requests with want-reply would pile some 15 MB of REQUEST_FAILUREs up in
# the server. It stops reading past about 1 MiB of unread output, so the
# client's sends block instead, and the server stays small.
def never_reads(label, *opts):
    t, proc = connect(*opts)
    base = hwm_kib(proc.pid)
    pause[0] = True
    paramiko.packet.Packetizer.read_message = paused_read
    req = paramiko.Message()
    req.add_byte(common.cMSG_GLOBAL_REQUEST)
    req.add_string("nosuch@example.com")
    req.add_boolean(True)
    sent = [0]

    def flood():
        try:
            for _ in range(300000):
                t._send_user_message(req)
                sent[0] += 1
        except Exception:
            pass

    flooder = threading.Thread(target=flood, daemon=True)
    flooder.start()
    # the event: the client's sends stop moving (the server stopped reading
    # or ended the connection), or all went out (it did neither)
    last = -1
    while flooder.is_alive() and sent[0] != last:
        last = sent[0]
        time.sleep(1)
    # a server that ended the connection held nothing more
    peak = hwm_kib(proc.pid) if proc.poll() is None else base
    print("# %s: %d requests went out; server peak %d KiB (from %d)" % (label, sent[0], peak, base))
    rep.check("%s: its requests are held back" % label, sent[0] < 300000, "%d sent" % sent[0])
    rep.check("%s: the server grows by under 4 MiB" % label, peak - base < 4096, "%d KiB more" % (peak - base))
    paramiko.packet.Packetizer.read_message = orig_read
    pause[0] = False
    t.close()
    proc.kill()
    proc.wait(timeout=30)


never_reads("a client that never reads")
# the server re-keys after 64 KiB; the client, not reading, never sees its
# KEXINIT and goes on asking: the replies that must wait for the exchange
# are capped too, and the connection ends with a log line
never_reads("a client that never reads through a server re-key", "-o", "RekeyLimit=64K")
rep.check("replies held for the key exchange: capped and logged", log_has("replies waiting for the key exchange"))


# a client that closes its socket right after its CHANNEL_CLOSE, before the
# server's answering CLOSE goes out, has left like any other: a broken pipe
# (or a reset) is its end, not an I/O error of the server's (issue 21)
def family(pid):
    """pid and its children: the processes one of which writes this
    connection's close line (under privilege separation the server, a
    child of the monitor that was started)"""
    pids = {pid}
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                pids.update(int(x) for x in f.read().split())
    except OSError:
        pass
    return pids


t, proc = connect()
ch = t.open_session()
ch.exec_command("sleep 5")
# an earlier connection's processes may still be writing their own close
# line (a killed monitor's server ends on its own time): only this one's
mine = ["sshd-lite[%d]:" % p for p in family(proc.pid)]
ch.close()
t.close()
rc = proc.wait(timeout=30)
closed = [line for line in env.log_text().splitlines()
          if "Connection closed by" in line and any(m in line for m in mine)]
rep.check("a client gone right after its CHANNEL_CLOSE: exit status 0, 'connection closed'",
          rc == 0 and closed and ": connection closed;" in closed[-1], "status %r, %r" % (rc, closed[-1:]))

rep.finish()
