#!/usr/bin/python3
"""Forwarding with paramiko, no sessions involved: direct-tcpip channels
and their refusal codes, tcpip-forward with the allocated port and the
fields of forwarded-tcpip opens, a forwarded-tcpip channel the client
refuses, cancel-tcpip-forward, and the cap on listening sockets. The server
is local, so the test itself connects to the ports the server listens on."""
import logging
import os
import pwd
import socket
import struct
import subprocess
import sys
import threading
import time

try:
    import paramiko
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import Env, Report, drain, echo_server  # noqa: E402

logging.getLogger("paramiko").addHandler(logging.NullHandler())
env = Env("t_forward_paramiko")
rep = Report()
user = pwd.getpwuid(os.getuid()).pw_name
key_path = os.path.join(env.dir, "id_ed25519")
subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", key_path, "-C", "client"], check=True)
AK = os.path.join(env.dir, "authorized_keys")
PUB = open(key_path + ".pub").read().strip()
CLIENT_KEY = paramiko.Ed25519Key.from_private_key_file(key_path)


EP = echo_server()[1]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def login(options="", *server_opts):
    with open(AK, "w") as f:
        f.write((options + " " if options else "") + PUB + "\n")
    os.chmod(AK, 0o600)
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK, "-o", "LogLevel=DEBUG", *server_opts)
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    t.auth_publickey(user, CLIENT_KEY)
    return t, sock, proc


def close(t, sock, proc):
    t.close()
    sock.close()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def roundtrip(ch, data):
    ch.settimeout(20)
    ch.sendall(data)
    ch.shutdown_write()
    return drain(ch)


def open_code(t, host, port):
    """None when direct-tcpip to host:port opens, else the refusal code."""
    try:
        ch = t.open_channel("direct-tcpip", (host, port), ("198.51.100.7", 4242), timeout=20)
        ch.close()
        return None
    except paramiko.ChannelException as e:
        return e.code


def global_req(t, name, fields):
    """Sends a global request (strings and uint32s); the reply's data after
    the message number, or None on failure."""
    r = t.global_request(name, tuple(fields), wait=True)
    return None if r is None else r.get_remainder()


# --- direct-tcpip ---
t, sock, proc = login()
ch = t.open_channel("direct-tcpip", ("127.0.0.1", EP), ("198.51.100.7", 4242), timeout=20)
blob = os.urandom(3 * 1024 * 1024)
rep.check("direct-tcpip: 3 MiB echoed, then EOF", roundtrip(ch, blob) == blob)
ch.close()
rep.check("direct-tcpip: the originator is logged",
          "from 198.51.100.7 port 4242" in env.log_text())
dead = free_port()
rep.check("direct-tcpip: refused port is OPEN_CONNECT_FAILED (2)", open_code(t, "127.0.0.1", dead) == 2)
rep.check("direct-tcpip: port 0 is OPEN_CONNECT_FAILED", open_code(t, "127.0.0.1", 0) == 2)
rep.check("direct-tcpip: port 70000 is OPEN_CONNECT_FAILED", open_code(t, "127.0.0.1", 70000) == 2)
rep.check("direct-tcpip: empty host is OPEN_CONNECT_FAILED", open_code(t, "", EP) == 2)
rep.check("direct-tcpip: unresolvable name is OPEN_CONNECT_FAILED", open_code(t, "no-such-host.invalid", EP) == 2)
chans = [t.open_channel("direct-tcpip", ("127.0.0.1", EP), ("127.0.0.1", 1), timeout=20) for _ in range(20)]
ok = all(roundtrip(c, b"chan-%d" % i) == b"chan-%d" % i for i, c in enumerate(chans))
rep.check("direct-tcpip: 20 channels at once", ok)
for c in chans:
    c.close()

# --- tcpip-forward, forwarded-tcpip, cancel ---
seen = []


def handler(chan, origin, server):
    seen.append((origin, server))
    threading.Thread(target=lambda: chan.sendall(chan.recv(100) + b"-back") or chan.close(), daemon=True).start()


port = t.request_port_forward("127.0.0.1", 0, handler)
rep.check("tcpip-forward port 0: a port is allocated (%s)" % port, isinstance(port, int) and port > 0)
s = socket.create_connection(("127.0.0.1", port), 20)
mine = s.getsockname()
s.settimeout(20)
s.sendall(b"hi")
got = s.recv(100)
s.close()
rep.check("forwarded-tcpip: data both ways", got == b"hi-back", repr(got))
rep.check("forwarded-tcpip: connected address and port are the forward's",
          bool(seen) and seen[0][1] == ("127.0.0.1", port), repr(seen))
rep.check("forwarded-tcpip: originator address and port are the connecting socket's",
          bool(seen) and seen[0][0] == (mine[0], mine[1]), repr(seen))
# the client refuses the channel: the connection is closed, nothing else
t._tcp_handler = None
s = socket.create_connection(("127.0.0.1", port), 20)
s.settimeout(20)
try:
    got = s.recv(100)
except OSError:
    got = b""
s.close()
rep.check("forwarded-tcpip refused by the client: the connection is closed", got == b"")
rep.check("forwarded-tcpip refused by the client: logged",
          "forwarded-tcpip channel" in env.log_text() and "refused by the client" in env.log_text())
rep.check("cancel-tcpip-forward of the forward", global_req(t, "cancel-tcpip-forward",
                                                           ["127.0.0.1", port]) is not None)
try:
    socket.create_connection(("127.0.0.1", port), 5).close()
    refused = False
except OSError:
    refused = True
rep.check("cancel-tcpip-forward: the port is closed", refused)
rep.check("cancel-tcpip-forward of nothing fails", global_req(t, "cancel-tcpip-forward",
                                                             ["127.0.0.1", port]) is None)
rep.check("tcpip-forward port 70000 fails", global_req(t, "tcpip-forward",
                                                       ["127.0.0.1", 70000]) is None)
r = global_req(t, "tcpip-forward", ["127.0.0.1", 0])
rep.check("tcpip-forward port 0 replies with a uint32 port", r is not None and len(r) == 4
          and struct.unpack(">I", r)[0] > 0, repr(r))
fixed = free_port()
r = global_req(t, "tcpip-forward", ["127.0.0.1", fixed])
rep.check("tcpip-forward fixed port replies with nothing", r == b"", repr(r))
rep.check("tcpip-forward of a port forwarded already fails",
          global_req(t, "tcpip-forward", ["127.0.0.1", fixed]) is None)
ports = [fixed]
while len(ports) < 80:
    r = global_req(t, "tcpip-forward", ["127.0.0.1", 0])
    if r is None:
        break
    ports.append(struct.unpack(">I", r)[0])
rep.check("tcpip-forward: at most 64 listening sockets (%d)" % (len(ports) + 1), len(ports) + 1 == 64)


def answered(port):
    """a connection to port is taken and closed (the client refuses its channel)"""
    try:
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.settimeout(5)
        got = s.recv(10)
        s.close()
        return got == b""
    except OSError:
        return False


# more listeners than fit the poll set at once: each still gets its turn
start = time.time()
bad = [p for p in ports if not answered(p)]
rep.check("tcpip-forward: every one of 63 listeners accepts (%.1f s)" % (time.time() - start), not bad, repr(bad))
rep.check("the connection still works", open_code(t, "127.0.0.1", EP) is None)
close(t, sock, proc)

# --- refusals ---
t, sock, proc = login("", "-o", "AllowTcpForwarding=no")
rep.check("AllowTcpForwarding no: direct-tcpip is ADMINISTRATIVELY_PROHIBITED (1)",
          open_code(t, "127.0.0.1", EP) == 1)
rep.check("AllowTcpForwarding no: tcpip-forward fails",
          global_req(t, "tcpip-forward", ["127.0.0.1", 0]) is None)
close(t, sock, proc)
t, sock, proc = login('permitopen="127.0.0.1:%d",permitlisten="127.0.0.1:*"' % EP)
rep.check("permitopen: the permitted target opens", open_code(t, "127.0.0.1", EP) is None)
rep.check("permitopen: another target is ADMINISTRATIVELY_PROHIBITED", open_code(t, "127.0.0.1", dead) == 1)
rep.check("permitlisten host:*: any port on that host",
          global_req(t, "tcpip-forward", ["127.0.0.1", 0]) is not None)
rep.check("permitlisten host:*: another host fails",
          global_req(t, "tcpip-forward", ["localhost", 0]) is None)
close(t, sock, proc)

rep.finish()
