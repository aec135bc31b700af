#!/usr/bin/python3
"""paramiko against sshd-lite, one algorithm forced at a time for every kex
method, cipher, MAC and host key algorithm both have, and both zlib forms:
the transport must come up, show one of our host keys with a signature
paramiko verifies, and answer "none" authentication with the list of
methods. Legacy algorithms are enabled on the server with +NAME."""
import logging
import os
import sys

import paramiko

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import Env, Report  # noqa: E402

# paramiko's thread logs expected refusals with tracebacks; the checks say enough
logging.getLogger("paramiko").addHandler(logging.NullHandler())
env = Env("t_transport_paramiko")
rep = Report()
blobs = env.public_blobs()
user = os.environ.get("USER") or "root"


def connect(name, field, value, server_opts=(), compress=False):
    """One connection with options.<field> = (value,); returns the transport."""
    sock, proc = env.server(*server_opts)
    t = paramiko.Transport(sock)
    t.use_compression(compress)
    setattr(t.get_security_options(), field, (value,))
    try:
        t.start_client(timeout=60)
        key = t.get_remote_server_key()
        if not rep.check(name + ": transport up with one of our host keys",
                         t.is_active() and key.asbytes() in blobs):
            return t
        try:
            t.auth_none(user)
            rep.check(name + ": none authentication is refused", False, "it succeeded")
        except paramiko.BadAuthenticationType as e:
            rep.check(name + ": none authentication lists methods", "publickey" in e.allowed_types,
                      repr(e.allowed_types))
    except Exception as e:  # a failure here is the finding: report, go on
        rep.check(name, False, "%s: %s" % (type(e).__name__, e))
        tail = env.log_text().splitlines()[-3:]
        for line in tail:
            print("#   server: " + line)
    finally:
        t.close()
        sock.close()
        proc.wait(timeout=30)
    return t


def each(field, server_keyword, server_q, theirs):
    defaults = env.server_list(server_keyword)
    supported = env.server_supported(server_q)
    for alg in theirs:
        if alg not in supported:
            continue
        opts = () if alg in defaults else ("-o", "%s=+%s" % (server_keyword, alg))
        t = connect("%s %s%s" % (field, alg, "" if not opts else " (legacy, enabled by +)"), field, alg, opts)
        if field == "ciphers":
            rep.check("cipher %s used both ways" % alg, t.local_cipher == alg and t.remote_cipher == alg,
                      "%s/%s" % (t.local_cipher, t.remote_cipher))
        elif field == "digests":
            rep.check("mac %s used both ways" % alg, t.local_mac == alg and t.remote_mac == alg,
                      "%s/%s" % (t.local_mac, t.remote_mac))
        elif field == "key_types":
            rep.check("host key algorithm %s negotiated" % alg, t.host_key_type == alg, str(t.host_key_type))


P = paramiko.Transport
each("kex", "KexAlgorithms", "kex", [k for k in P._preferred_kex if not k.startswith("gss")])
each("ciphers", "Ciphers", "cipher", P._preferred_ciphers)
each("digests", "MACs", "mac", P._preferred_macs)
each("key_types", "HostKeyAlgorithms", "sig", P._preferred_keys)

# zlib starts at NEWKEYS, so the service request and userauth above already
# travel compressed: only with `Compression zlib`, never by default;
# zlib@openssh.com starts after authentication
# As root privilege separation is on, and plain zlib's stream, begun in the
# pre-authentication process, could not move to the user's: the
# configuration is refused, -T and -t say why
COMPS = [("zlib@openssh.com", ())]
if os.getuid() != 0:
    COMPS.insert(0, ("zlib", ("-o", "Compression=zlib")))
else:
    import subprocess
    from sshl_py import SSHD_LITE  # noqa: E402
    r = subprocess.run([SSHD_LITE, "-T", "-o", "Compression=zlib", "-h", list(env.keys.values())[0]],
                       capture_output=True, text=True)
    rep.check("as root (privilege separation) Compression zlib is refused, and -T says why",
              r.returncode != 0 and "cannot be used with privilege separation" in r.stderr, r.stderr.strip())
for comp, opts in COMPS:
    t = connect("compression " + comp, "compression", comp, opts, compress=True)
    rep.check("compression %s negotiated both ways" % comp,
              t.local_compression == comp and t.remote_compression == comp,
              "%s/%s" % (t.local_compression, t.remote_compression))


def zlib_refused(name, *opts):
    """a client that insists on plain zlib finds no match"""
    sock, proc = env.server(*opts)
    t = paramiko.Transport(sock)
    t.get_security_options().compression = ("zlib",)
    try:
        t.start_client(timeout=30)
        refused = False
    except paramiko.SSHException:
        refused = True
    t.close()
    sock.close()
    # paramiko gives up on the server's KEXINIT alone, maybe before the
    # server has read paramiko's and logged: the log is read once it exited
    proc.wait(timeout=30)
    if refused:
        rep.check(name, "no matching compression" in env.log_text(), "no log line")
    else:
        rep.check(name, False, "negotiated " + str(t.local_compression))


zlib_refused("Compression=no: a zlib-only client is refused", "-o", "Compression=no")
# nothing is inflated as root before authentication by default (issue 12)
zlib_refused("default: plain zlib (before authentication) is not offered")
zlib_refused("Compression=yes: plain zlib is not offered", "-o", "Compression=yes")
rep.finish()
