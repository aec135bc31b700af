#!/usr/bin/python3
"""Unix-socket forwarding (streamlocal) with paramiko as the client, and
the hostile requests OpenSSH's ssh never sends: a direct-streamlocal@
openssh.com channel echoes; a path too long for a socket address is
refused (the channel, or the global request) and the connection goes on;
cancelling a forward that does not exist fails; a direct-streamlocal open
without its reserved fields, or with a NUL byte in its path, ends the
connection, as OpenSSH's string reader ends it."""
import os
import shutil
import socket
import sys
import threading
import time

try:
    from paramiko.channel import Channel
    from paramiko.common import cMSG_CHANNEL_OPEN
    from paramiko.message import Message
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import paramiko_login, paramiko_setup, unix_echo_server  # noqa: E402

env, rep, key, AK, user, made = paramiko_setup("t_forward_unix_paramiko", "u")


sock_path = os.path.join(env.dir, "echo.sock")
srv = unix_echo_server(sock_path)


def connect():
    return paramiko_login(env, user, key, AK, "-o", "LogLevel=DEBUG")


def open_raw(t, fields, timeout=20):
    """a direct-streamlocal@openssh.com open with the given (kind, value)
    fields after the common ones; returns the Channel or the exception"""
    with t.lock:
        cid = t._next_channel()
        m = Message()
        m.add_byte(cMSG_CHANNEL_OPEN)
        m.add_string("direct-streamlocal@openssh.com")
        m.add_int(cid)
        m.add_int(65536)
        m.add_int(32768)
        for kind, v in fields:
            m.add_string(v) if kind == "s" else m.add_int(v)
        chan = Channel(cid)
        t._channels.put(cid, chan)
        t.channel_events[cid] = ev = threading.Event()
        t.channels_seen[cid] = True
        chan._set_transport(t)
        chan._set_window(65536, 32768)
    t._send_user_message(m)
    deadline = time.time() + timeout
    while not ev.is_set() and t.is_active() and time.time() < deadline:
        ev.wait(0.1)
    got = t._channels.get(cid)
    return got if got is not None else (t.get_exception() or RuntimeError("refused"))


def alive(t):
    ch = t.open_session()
    ch.exec_command("echo alive")
    return ch.makefile().read() == b"alive\n"


t, sock, proc = connect()
ch = open_raw(t, [("s", sock_path), ("s", ""), ("i", 0)])
ok = isinstance(ch, Channel)
if ok:
    ch.sendall(b"hello-paramiko")
    ch.shutdown_write()
    got = b""
    while True:
        d = ch.recv(65536)
        if not d:
            break
        got += d
    ok = got == b"hello-paramiko"
rep.check("direct-streamlocal@openssh.com: echo through the server's connect", ok, repr(ch))
r = open_raw(t, [("s", "/" + "x" * 200), ("s", ""), ("i", 0)])
rep.check("a path too long for sun_path: the channel is refused", not isinstance(r, Channel), repr(r))
r = t.global_request("streamlocal-forward@openssh.com", ("/" + "y" * 200,), wait=True)
rep.check("streamlocal-forward with a path too long: REQUEST_FAILURE", r is None, repr(r))
r = t.global_request("cancel-streamlocal-forward@openssh.com", (os.path.join(env.dir, "none.sock"),), wait=True)
rep.check("cancel of a forward that does not exist: REQUEST_FAILURE", r is None, repr(r))
fwd = os.path.join(env.dir, "fwd.sock")
if made:
    shutil.chown(env.dir, made[0])
r = t.global_request("streamlocal-forward@openssh.com", (fwd,), wait=True)
if not rep.check("streamlocal-forward: REQUEST_SUCCESS, the socket exists", r is not None and os.path.exists(fwd), repr(r)):
    print("\n".join("#   server: " + x for x in env.log_text().splitlines()[-6:]))
rep.check("the connection goes on after the refusals", alive(t))
t.close()
sock.close()
proc.wait(timeout=30)

# malformed, as OpenSSH's sshpkt_get_cstring finds them: the connection ends
for what, fields in (("without its reserved fields", [("s", sock_path)]),
                     ("with a NUL byte in the path", [("s", sock_path + "\0junk"), ("s", ""), ("i", 0)])):
    t, sock, proc = connect()
    r = open_raw(t, fields)
    deadline = time.time() + 20
    while t.is_active() and time.time() < deadline:
        time.sleep(0.1)
    rep.check("direct-streamlocal %s ends the connection" % what,
              not t.is_active(), env.log_text().splitlines()[-1])
    t.close()
    sock.close()
    proc.wait(timeout=30)
srv.shutdown()
rep.finish()
