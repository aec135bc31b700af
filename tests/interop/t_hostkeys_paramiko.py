#!/usr/bin/python3
"""hostkeys-prove-00@openssh.com from a scripted client (paramiko): each
host key's signature over the session checks against the key; a key that
is not the server's, and a truncated key blob, get REQUEST_FAILURE."""
import os
import sys
import threading

try:
    import paramiko
    from paramiko.message import Message
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import paramiko_setup  # noqa: E402

env, rep, key, AK, user, made = paramiko_setup("t_hostkeys_paramiko", "h")

sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK)
t = paramiko.Transport(sock)
t.start_client(timeout=30)
t.auth_publickey(user, key)
PROVE = "hostkeys-prove-00@openssh.com"


def signed(blob):
    m = Message()
    m.add_string(PROVE)
    m.add_string(t.session_id)
    m.add_string(blob)
    return m.asbytes()


def pubkey(blob):
    kind = Message(blob).get_text()
    cls = {"ssh-ed25519": paramiko.Ed25519Key, "ssh-rsa": paramiko.RSAKey}.get(kind, paramiko.ECDSAKey)
    return kind, cls(data=blob)


blobs = sorted(env.public_blobs())
reply = t.global_request(PROVE, tuple(blobs), wait=True)
rep.check("prove of every host key answered", reply is not None)
for blob in blobs:
    kind, k = pubkey(blob)
    sig = reply.get_binary() if reply is not None else b""
    ok = False
    try:
        ok = k.verify_ssh_sig(signed(blob), Message(sig))
    except Exception as ex:  # a malformed signature fails the check
        print("# %s: %r" % (kind, ex))
    rep.check("%s signature over the session verifies" % kind, ok)
    if kind == "ssh-rsa":
        rep.check("rsa proved with rsa-sha2-512", Message(sig).get_text() == "rsa-sha2-512")
if reply is not None:
    rep.check("nothing after the signatures", reply.get_remainder() == b"")

other = paramiko.Ed25519Key.from_private_key_file(os.path.join(env.dir, "id")).asbytes()
rep.check("a key that is not ours refused", t.global_request(PROVE, (blobs[0], other), wait=True) is None)
rep.check("log: unknown host key", "hostkeys_prove: unknown host key" in env.log_text())


def raw_prove(body):
    """a prove request whose body is given as bytes; the reply or None"""
    m = Message()
    m.add_byte(paramiko.common.cMSG_GLOBAL_REQUEST)
    m.add_string(PROVE)
    m.add_boolean(True)
    m.add_bytes(body)
    t.completion_event = threading.Event()
    t.global_response = "none yet"
    t._send_user_message(m)
    t.completion_event.wait(10)
    return t.global_response


trunc = Message()
trunc.add_string(blobs[0])
trunc.add_int(100)
rep.check("a truncated key blob refused", raw_prove(trunc.asbytes() + b"abc") is None)
rep.check("log: truncated blob", "hostkeys_prove: parse key" in env.log_text())
ch = t.open_session()
ch.exec_command("echo alive")
rep.check("the connection goes on", ch.makefile().read() == b"alive\n")
t.close()
rep.finish()
