#!/usr/bin/python3
"""X11 forwarding edges from a scripted client (paramiko): a single-
connection request closes the display after its first client, a plain one
takes several, each as an "x11" channel with the originator's address; a
second x11-req on a session and a cookie xauth could not take are refused."""
import atexit
import logging
import os
import shutil
import sys
import threading

try:
    import paramiko
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import Env, Report, add_user, client_key, drain  # noqa: E402

if not shutil.which("xauth"):
    print("ok - # SKIP xauth is not installed (Debian: xauth)")
    sys.exit(0)
logging.getLogger("paramiko").addHandler(logging.NullHandler())
env = Env("t_x11_paramiko")
rep = Report()
key, AK = client_key(env.dir)
made = add_user(env.dir, "x")
if not made:
    print("ok - # SKIP needs root for a throwaway user")
    sys.exit(0)
user = made[0]
COOKIE = "0123456789abcdef0123456789abcdef"
# the session connects to its display twice and says what happened; it
# waits for the end of the first connection (the handler closes its
# channel), so the server has seen it before the second
TWICE = ("python3 -c \"import os, socket\n"
         "n = int(os.environ['DISPLAY'].split(':')[1].split('.')[0])\n"
         "for i in (1, 2):\n"
         "    try:\n"
         "        s = socket.create_connection(('127.0.0.1', 6000 + n), 5); print(i, 'connected')\n"
         "        s.settimeout(5); s.recv(1); s.close()\n"
         "    except OSError as e:\n"
         "        print(i, 'refused')\n\"")


def session(single):
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK, "-o", "X11Forwarding=yes", "-o", "LogLevel=DEBUG")
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    t.auth_publickey(user, key)
    got = []
    lock = threading.Lock()

    def handler(ch, origin):
        with lock:
            got.append(origin)
        ch.close()

    ch = t.open_session()
    ch.request_x11(auth_protocol="MIT-MAGIC-COOKIE-1", auth_cookie=COOKIE, single_connection=single,
                   handler=handler)
    ch.exec_command(TWICE)
    out = drain(ch).decode()
    t.close()
    return out, got


out, got = session(True)
rep.check("single connection: the first client connects", "1 connected" in out, out)
rep.check("single connection: the second is refused", "2 refused" in out, out)
rep.check("single connection: one x11 channel", len(got) == 1, repr(got))
rep.check("x11 channel names its originator", bool(got) and got[0][0] == "127.0.0.1" and got[0][1] > 0, repr(got))
out, got = session(False)
rep.check("several connections: both connect", "1 connected" in out and "2 connected" in out, out)
rep.check("several connections: two x11 channels", len(got) == 2, repr(got))

sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK, "-o", "X11Forwarding=yes")
t = paramiko.Transport(sock)
t.start_client(timeout=30)
t.auth_publickey(user, key)
ch = t.open_session()
try:
    ch.request_x11(auth_protocol="MIT-MAGIC-COOKIE-1", auth_cookie="ab cd\nadd evil", handler=lambda c, o: None)
    bad = True
except paramiko.SSHException:
    bad = False
rep.check("a cookie with a newline is refused", not bad)
rep.check("log: Invalid X11 forwarding data", "Invalid X11 forwarding data" in env.log_text())
# paramiko closes a channel whose request failed: a new session
ch = t.open_session()
ch.request_x11(auth_protocol="MIT-MAGIC-COOKIE-1", auth_cookie=COOKIE, handler=lambda c, o: None)
try:
    ch.request_x11(auth_protocol="MIT-MAGIC-COOKIE-1", auth_cookie=COOKIE, handler=lambda c, o: None)
    again = True
except paramiko.SSHException:
    again = False
rep.check("a second x11-req on the session is refused", not again)
rep.check("log: already active", "x11 forwarding already active" in env.log_text())
ch = t.open_session()
ch.exec_command("echo alive")
rep.check("the connection goes on", drain(ch) == b"alive\n")
t.close()

# ChannelTimeout names an X11 connection's channel "x11-connection", as
# OpenSSH does: one left idle is closed, and the X client sees its end
IDLE = ("python3 -c \"import os, socket, time\n"
        "n = int(os.environ['DISPLAY'].split(':')[1].split('.')[0])\n"
        "s = socket.create_connection(('127.0.0.1', 6000 + n), 5); s.settimeout(15)\n"
        "try:\n"
        "    print('eof' if s.recv(1) == b'' else 'data')\n"
        "except OSError:\n"
        "    print('still open')\n\"")
sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK, "-o", "X11Forwarding=yes",
                        "-o", "ChannelTimeout=x11-connection=2")
t = paramiko.Transport(sock)
t.start_client(timeout=30)
t.auth_publickey(user, key)
held = []
ch = t.open_session()
ch.request_x11(auth_protocol="MIT-MAGIC-COOKIE-1", auth_cookie=COOKIE, handler=lambda c, o: held.append(c))
ch.exec_command(IDLE)
out = drain(ch).decode()
rep.check("ChannelTimeout x11-connection=2: an idle X11 channel is closed", out.strip() == "eof", out)
t.close()

# OpenSSH's do_rc_files: with X11 an rc file gets "protocol cookie" on its
# standard input and files the cookie itself, so xauth is not run; with
# none, xauth adds the cookie for the display
home = made[1]
LINE = "MIT-MAGIC-COOKIE-1 " + COOKIE
SHOW = "cat rc-in 2>/dev/null; echo; if [ -e .Xauthority ]; then xauth list; else echo no-xauth; fi"


def fresh_home():
    for f in ("rc-in", ".Xauthority"):
        if os.path.exists(os.path.join(home, f)):
            os.unlink(os.path.join(home, f))


def rc_session(*opts):
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK, "-o", "X11Forwarding=yes", *opts)
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    t.auth_publickey(user, key)
    ch = t.open_session()
    ch.request_x11(auth_protocol="MIT-MAGIC-COOKIE-1", auth_cookie=COOKIE, handler=lambda c, o: None)
    ch.exec_command(SHOW)
    out = drain(ch).decode()
    t.close()
    fresh_home()
    return out


fresh_home()
out = rc_session()
rep.check("no rc file: xauth has the cookie", COOKIE in out and "no-xauth" not in out, out)
os.makedirs(os.path.join(home, ".ssh"), exist_ok=True)
with open(os.path.join(home, ".ssh", "rc"), "w") as f:
    f.write('cat >"$HOME/rc-in"\n')
out = rc_session()
rep.check("~/.ssh/rc gets the protocol and cookie on its stdin", out.splitlines()[:1] == [LINE], out)
rep.check("~/.ssh/rc: xauth is left to it", "no-xauth" in out, out)
# /etc/ssh/sshrc in ~/.ssh/rc's stead, only where the machine has none
if os.path.isdir("/etc/ssh") and not os.path.exists("/etc/ssh/sshrc"):
    atexit.register(lambda: os.path.exists("/etc/ssh/sshrc") and os.unlink("/etc/ssh/sshrc"))
    try:
        with open("/etc/ssh/sshrc", "w") as f:
            f.write('cat >"$HOME/rc-in"\n')
        out = rc_session("-o", "PermitUserRC=no")
    finally:
        os.unlink("/etc/ssh/sshrc")
    rep.check("/etc/ssh/sshrc gets the protocol and cookie on its stdin", out.splitlines()[:1] == [LINE], out)
    rep.check("/etc/ssh/sshrc: xauth is left to it", "no-xauth" in out, out)
else:
    print("ok - # SKIP /etc/ssh/sshrc exists or /etc/ssh does not: not touched")
os.unlink(os.path.join(home, ".ssh", "rc"))
rep.finish()
