#!/usr/bin/python3
"""ping@openssh.com (OpenSSH's PROTOCOL, transport ping): advertised in
EXT_INFO with version "0"; after authentication a PING (192) comes back as
a PONG (193) with the same data, empty data included; before
authentication it is left unanswered (no PONG, no UNIMPLEMENTED), as
OpenSSH 10 leaves it; a malformed PING ends the connection."""
import os
import queue
import sys
import time

try:
    import paramiko
    from paramiko.message import Message
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import paramiko_setup  # noqa: E402

env, rep, key, AK, user, made = paramiko_setup("t_ping", "p")
PING, PONG, UNIMPLEMENTED = 192, 193, 3


def connect():
    """a transport whose PONGs and UNIMPLEMENTEDs land in a queue"""
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK, "-o", "LogLevel=DEBUG")
    t = paramiko.Transport(sock)
    got = queue.Queue()
    t._handler_table = dict(paramiko.Transport._handler_table)
    t._handler_table[PONG] = lambda self, m: got.put(("pong", m.get_binary()))
    t._handler_table[UNIMPLEMENTED] = lambda self, m: got.put(("unimplemented", m.get_int()))
    t.start_client(timeout=30)
    return t, sock, proc, got


def ping(t, data, raw=None):
    m = Message()
    m.add_byte(bytes([PING]))
    if raw is None:
        m.add_string(data)
    else:
        m.add_bytes(raw)
    t._send_user_message(m) if t.is_authenticated() else t._send_message(m)


def wait(got, secs):
    try:
        return got.get(timeout=secs)
    except queue.Empty:
        return None


t, sock, proc, got = connect()
ping(t, b"before auth")
t.auth_publickey(user, key)
# EXT_INFO follows the first NEWKEYS: read once authentication is done
rep.check("EXT_INFO advertises ping@openssh.com version 0",
          t.server_extensions.get("ping@openssh.com") == b"0", repr(t.server_extensions))
rep.check("authenticated", t.is_authenticated())
r = wait(got, 2)
rep.check("a PING before authentication gets neither PONG nor UNIMPLEMENTED", r is None, repr(r))
for data in (b"hello", b"", os.urandom(1000)):
    ping(t, data)
    r = wait(got, 20)
    rep.check("PING of %d bytes after authentication: PONG with the same data" % len(data),
              r == ("pong", data), repr(r)[:80])
ch = t.open_session()
ch.exec_command("echo still")
out = ch.makefile().read()
rep.check("the connection goes on after the pings", out == b"still\n", repr(out))
t.close()
sock.close()
proc.wait(timeout=30)
log = env.log_text()
rep.check("the server logs the pings as OpenSSH does", "Received SSH2_MSG_PING len 5" in log and
          "Won't reply to PING in preauth" in log, log[-400:])

# a PING whose data string runs past the packet is a protocol error
t, sock, proc, got = connect()
t.auth_publickey(user, key)
ping(t, None, raw=b"\x00\x00\x01\x00abc")
deadline = time.time() + 20
while t.is_active() and time.time() < deadline:
    time.sleep(0.1)
rep.check("a malformed PING ends the connection", not t.is_active())
t.close()
sock.close()
proc.wait(timeout=30)
rep.finish()
