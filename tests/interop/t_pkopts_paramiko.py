#!/usr/bin/python3
"""PubkeyAuthOptions with a FIDO (sk-ssh-ed25519@openssh.com) key held by a
software authenticator written here on paramiko: the signature's flags say
whether a user touched the key (user presence) and gave a PIN (user
verification). By default a touch is needed unless the key's line says
no-touch-required; touch-required insists anyway, verify-required asks
for verification of every key."""
import hashlib
import struct

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from paramiko.message import Message

from sshl_py import Env, Report

UP, UV = 0x01, 0x04
TYPE = "sk-ssh-ed25519@openssh.com"
APP = "ssh:"


class SoftSK(paramiko.PKey):
    """an sk-ssh-ed25519 key whose authenticator reports the given flags"""

    def __init__(self, flags):
        self.priv = Ed25519PrivateKey.generate()
        self.pub = self.priv.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.flags = flags
        self.public_blob = None

    def get_name(self):
        return TYPE

    def asbytes(self):
        m = Message()
        m.add_string(TYPE)
        m.add_string(self.pub)
        m.add_string(APP)
        return m.asbytes()

    def get_base64(self):
        import base64
        return base64.b64encode(self.asbytes()).decode()

    def sign_ssh_data(self, data, algorithm=None):
        counter = 7
        msg = hashlib.sha256(APP.encode()).digest() + bytes([self.flags]) + struct.pack(">I", counter) + \
            hashlib.sha256(data).digest()
        m = Message()
        m.add_string(TYPE)
        m.add_string(self.priv.sign(msg))
        m.add_byte(bytes([self.flags]))
        m.add_int(counter)
        return m


rep = Report()
env = Env("t_pkopts_paramiko")
user = __import__("pwd").getpwuid(__import__("os").getuid()).pw_name
ak = env.dir + "/authorized_keys"


def login(flags, options="", *server_args):
    key = SoftSK(flags)
    with open(ak, "w") as f:
        f.write("%s%s %s\n" % (options + " " if options else "", TYPE, key.get_base64()))
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + ak, *server_args)
    t = paramiko.Transport(sock)
    t.start_client(timeout=20)
    try:
        t.auth_publickey(user, key)
        ok = t.is_authenticated()
    except paramiko.AuthenticationException:
        ok = False
    t.close()
    proc.wait(timeout=20)
    return ok


TOUCH = ("-o", "PubkeyAuthOptions=touch-required")
VERIFY = ("-o", "PubkeyAuthOptions=verify-required")
rep.check("default: a touched key logs in", login(UP))
rep.check("default: an untouched key is refused", not login(0))
rep.check("log: presence requirement not met", "user presence or verification requirement not met" in env.log_text())
rep.check("no-touch-required in authorized_keys waives the touch", login(0, "no-touch-required"))
rep.check("PubkeyAuthOptions touch-required overrides no-touch-required", not login(0, "no-touch-required", *TOUCH))
rep.check("touch-required: a touched key logs in", login(UP, "no-touch-required", *TOUCH))
rep.check("verify-required: touch without verification refused", not login(UP, "", *VERIFY))
rep.check("verify-required: touch and verification log in", login(UP | UV, "", *VERIFY))
rep.check("verify-required in authorized_keys without the option still applies", not login(UP, "verify-required"))
rep.check("PubkeyAuthOptions none: as the default", login(UP, "", "-o", "PubkeyAuthOptions=none"))
rep.finish()
