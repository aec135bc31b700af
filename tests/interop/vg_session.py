#!/usr/bin/python3
"""A whole session over ONE connection, for t_valgrind (not a test of its
own): login, a pty shell with commands typed into it, an exec with input,
SFTP (put, listing, get, compare, remove), a direct-tcpip channel to a
loopback echo server, a tcpip-forward with a connection to the server's
port, agent forwarding when SSH_AUTH_SOCK names an agent, then logout.

usage: vg_session.py 'SERVER COMMAND' USER CLIENT_KEY HOST_KEY_DIR WORK_DIR
The server command (the valgrind-wrapped sshd-lite -i ...) is started on
one end of a socket pair; its exit status is reported at the end."""
import glob
import hashlib
import logging
import os
import re
import shlex
import socket
import subprocess
import sys
import threading

try:
    import paramiko
    from paramiko.agent import AgentRequestHandler
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import Report, drain, echo_server  # noqa: E402

logging.getLogger("paramiko").addHandler(logging.NullHandler())
server_cmd, user, key_path, key_dir, work = sys.argv[1:6]
AGENT_COMMENT = os.environ.get("VG_AGENT_COMMENT", "")
rep = Report()
ECHO = echo_server()


def wait_eof(ch):
    """everything a channel gives until end of file; valgrind is slow"""
    ch.settimeout(60)
    return drain(ch)


def run(t, cmd, data=None):
    """exec cmd; returns (stdout, exit status)"""
    ch = t.open_session()
    ch.exec_command(cmd)
    if data is not None:
        ch.sendall(data)
    ch.shutdown_write()
    out = wait_eof(ch)
    return out, ch.recv_exit_status()


ours, theirs = socket.socketpair()
proc = subprocess.Popen(shlex.split(server_cmd), stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL)
theirs.close()
t = paramiko.Transport(ours)
t.banner_timeout = t.auth_timeout = 120
try:
    t.start_client(timeout=120)
    blobs = set()
    for pub in glob.glob(os.path.join(key_dir, "host_*.pub")):
        blobs.add(paramiko.PublicBlob.from_file(pub).key_blob)
    rep.check("vg session: host key is the server's", t.get_remote_server_key().asbytes() in blobs)
    t.auth_publickey(user, paramiko.Ed25519Key.from_private_key_file(key_path))
    ok = t.is_authenticated()
except (paramiko.SSHException, OSError) as e:
    ok = False
    print("# login: %r" % e)
rep.check("vg session: login", ok)
if not ok:
    proc.kill()
    rep.finish()

# --- a pty shell, commands typed into it ---
ch = t.open_session()
ch.get_pty(term="vt100", width=80, height=24)
ch.invoke_shell()
ch.sendall(b"echo sum=$((6*7)); tty\n")
ch.sendall(b"exit 4\n")
text = wait_eof(ch).decode(errors="replace").replace("\r", "")
rep.check("vg session: pty shell runs typed commands", "sum=42" in text, repr(text[-300:]))
rep.check("vg session: pty shell has a tty", re.search(r"^/dev/pts/\d+$", text, re.M) is not None, repr(text[-300:]))
rep.check("vg session: pty shell exit status", ch.recv_exit_status() == 4, str(ch.recv_exit_status()))
ch.close()

# --- exec with input and output ---
data = os.urandom(200000)
out, st = run(t, "sha256sum", data)
rep.check("vg session: exec sha256sum of its input", out.split()[:1] == [hashlib.sha256(data).hexdigest().encode()]
          and st == 0, repr(out))

# --- SFTP ---
sftp = paramiko.SFTPClient.from_transport(t)
data = os.urandom(300000 + 17)
local = os.path.join(work, "vg-local")
with open(local, "wb") as f:
    f.write(data)
remote = os.path.join(work, "vg-remote")
sftp.put(local, remote)
rep.check("vg session: sftp listing shows the upload", "vg-remote" in sftp.listdir(work))
sftp.get(remote, local + ".back")
with open(local + ".back", "rb") as f:
    rep.check("vg session: sftp get returns what put sent", f.read() == data)
sftp.remove(remote)
rep.check("vg session: sftp remove", "vg-remote" not in sftp.listdir(work))
sftp.close()

# --- direct-tcpip (ssh -L) ---
ch = t.open_channel("direct-tcpip", ECHO, ("127.0.0.1", 4242), timeout=60)
data = os.urandom(100000)
ch.sendall(data)
ch.shutdown_write()
rep.check("vg session: direct-tcpip data echoed back", wait_eof(ch) == data)
ch.close()

# --- tcpip-forward (ssh -R) and a connection to the server's port ---


def forwarded(chan, origin, server):
    def answer():
        chan.settimeout(60)
        chan.sendall(chan.recv(100) + b"-back")
        chan.close()
    threading.Thread(target=answer, daemon=True).start()


port = t.request_port_forward("127.0.0.1", 0, forwarded)
got = b""
try:
    s = socket.create_connection(("127.0.0.1", port), 60)
    s.settimeout(60)
    s.sendall(b"remote")
    got = drain(s)
    s.close()
except OSError as e:
    print("# tcpip-forward: %r" % e)
rep.check("vg session: tcpip-forward connection carries data both ways", got == b"remote-back", repr(got))
t.cancel_port_forward("127.0.0.1", port)

# --- agent forwarding ---
if AGENT_COMMENT:
    ch = t.open_session()
    agent = AgentRequestHandler(ch)
    ch.exec_command("ssh-add -l")
    ch.shutdown_write()
    out = wait_eof(ch)
    rep.check("vg session: forwarded agent lists the client's key", AGENT_COMMENT.encode() in out, repr(out))
    ch.close()
    agent.close()

# --- logout ---
t.close()
ours.close()
try:
    rc = proc.wait(timeout=120)
except subprocess.TimeoutExpired:
    proc.kill()
    rc = proc.wait()
rep.check("vg session: the server ends with status 0 after logout", rc == 0, str(rc))
rep.finish()
