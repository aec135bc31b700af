#!/usr/bin/python3
"""AuthenticationMethods publickey,publickey with paramiko, which (unlike
OpenSSH's client) can offer the key that already passed: it must not count
twice."""
import os
import socket

import paramiko

from sshl_py import Env, Report, client_key

rep = Report()
env = Env("t_authmethods_paramiko")
key, ak = client_key(env.dir)
user = os.environ.get("USER") or __import__("pwd").getpwuid(os.getuid()).pw_name


def attempt(second):
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + ak, "-o", "AuthenticationMethods=publickey,publickey")
    t = paramiko.Transport(sock)
    t.start_client(timeout=20)
    more = t.auth_publickey(user, key)
    try:
        t.auth_publickey(user, second)
        ok = t.is_authenticated()
    except paramiko.AuthenticationException:
        ok = False
    t.close()
    proc.wait(timeout=20)
    return more, ok


more, ok = attempt(key)
rep.check("after the first key: partial success, publickey can continue", more == ["publickey"], repr(more))
rep.check("the same key a second time is refused", not ok)
rep.check("log: refusing previously-used key", "refusing previously-used ED25519 key" in env.log_text())
rep.check("log: no Accepted line", "Accepted publickey" not in env.log_text())
rep.finish()
