#!/usr/bin/python3
"""publickey-hostbound-v00@openssh.com from a scripted client (paramiko,
whose own userauth knows only publickey): a request bound to the host key
of the key exchange logs in, and is logged as publickey; one naming
another host key ends the connection with OpenSSH's log line."""
import os
import sys

try:
    import paramiko
    from paramiko.auth_handler import AuthHandler
    from paramiko.common import cMSG_USERAUTH_REQUEST
    from paramiko.message import Message
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import drain, paramiko_setup  # noqa: E402

env, rep, key, AK, user, made = paramiko_setup("t_hostbound_paramiko", "b")
METHOD = "publickey-hostbound-v00@openssh.com"
bound = {}


def hostbound_accept(self, m):
    """paramiko's answer to SERVICE_ACCEPT, as a hostbound request: user,
    service, method, TRUE, algorithm, key, host key, signature over the
    session id and the same fields (PROTOCOL 2.5)"""
    if m.get_text() != "ssh-userauth":
        return
    hostkey = bound.get("hostkey") or self.transport.get_remote_server_key().asbytes()
    fields = Message()
    fields.add_byte(cMSG_USERAUTH_REQUEST)
    fields.add_string(self.username)
    fields.add_string("ssh-connection")
    fields.add_string(METHOD)
    fields.add_boolean(True)
    fields.add_string("ssh-ed25519")
    fields.add_string(self.private_key.asbytes())
    fields.add_string(hostkey)
    signed = Message()
    signed.add_string(self.transport.session_id)
    sig = self.private_key.sign_ssh_data(signed.asbytes() + fields.asbytes())
    fields.add_string(sig)
    self.transport._send_message(fields)


AuthHandler._parse_service_accept = hostbound_accept
AuthHandler._client_handler_table[paramiko.common.MSG_SERVICE_ACCEPT] = hostbound_accept


def login():
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + AK)
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    try:
        t.auth_publickey(user, key)
    except (paramiko.SSHException, EOFError):
        pass
    return t, proc


t, proc = login()
rep.check("hostbound request with the exchange's host key: logged in", t.is_authenticated())
if t.is_authenticated():
    ch = t.open_session()
    ch.exec_command("echo bound")
    rep.check("the session runs", drain(ch) == b"bound\n")
rep.check("log: Accepted publickey", "Accepted publickey for %s" % user in env.log_text())
t.close()

# another of the server's own host keys is still not the one it signed with
others = sorted(env.public_blobs())
t0, _ = login()
first = t0.get_remote_server_key().asbytes()
t0.close()
bound["hostkey"] = next(b for b in others if b != first)
t, proc = login()
rep.check("hostbound request with another host key: refused", not t.is_authenticated())
proc.wait(10)
rep.check("the connection ends", proc.returncode is not None)
rep.check("log: wrong host key", "publickey-hostbound-v00@openssh.com packet contained wrong host key" in env.log_text())
t.close()
rep.finish()
