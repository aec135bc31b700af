#!/usr/bin/python3
# ssh-userauth with paramiko, through a ProxyCommand as lib.sh does for
# OpenSSH: publickey with each key type, password and keyboard-interactive
# for a user made here, refusals, and a change of user name mid-way.
import os
import pwd
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import paramiko
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import del_user, scratch_base  # noqa: E402
SSHD = os.environ.get("SSHD_LITE") or os.path.join(TOP, "sshd-lite")
failed = 0


def report(ok, name):
    global failed
    print(("ok - " if ok else "not ok - ") + name, flush=True)
    if not ok:
        failed += 1


T = tempfile.mkdtemp(prefix="t_userauth_paramiko.", dir=scratch_base())
os.chmod(T, 0o755)
LOG = os.path.join(T, "server.log")
AK = os.path.join(T, "authorized_keys")


def keygen(name, kind, bits=None):
    path = os.path.join(T, name)
    args = ["ssh-keygen", "-q", "-N", "", "-t", kind, "-f", path, "-C", name]
    if bits:
        args += ["-b", str(bits)]
    subprocess.run(args, check=True)
    return path


hostkeys = [keygen("host_" + k, k) for k in ("ed25519", "ecdsa", "rsa")]


def connect(extra=""):
    open(LOG, "w").close()
    cmd = "%s -i %s -E %s -o AuthorizedKeysFile=%s %s" % (
        SSHD, " ".join("-h " + h for h in hostkeys), LOG, AK, extra)
    t = paramiko.Transport(paramiko.ProxyCommand(cmd))
    t.start_client(timeout=20)
    got = t.get_remote_server_key()
    pubs = [open(h + ".pub").read().split()[1] for h in hostkeys]
    if got.get_base64() not in pubs:
        t.close()
        raise RuntimeError("unexpected host key")
    return t


def log_has(text):
    with open(LOG) as f:
        return any(text in line for line in f)


def try_auth(fn, extra=""):
    t = connect(extra)
    try:
        fn(t)
    except (paramiko.AuthenticationException, paramiko.SSHException, EOFError):
        pass
    ok = t.is_authenticated()
    t.close()
    return ok


me = pwd.getpwuid(os.getuid()).pw_name
loaders = {"ed25519": paramiko.Ed25519Key, "ecdsa": paramiko.ECDSAKey, "rsa": paramiko.RSAKey}
keys = {}
for kind, bits in (("ed25519", None), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521), ("rsa", 3072)):
    name = "id_%s%s" % (kind, bits or "")
    path = keygen(name, kind, bits)
    keys[name] = (path, loaders[kind].from_private_key_file(path))

try:
    for name, (path, key) in keys.items():
        shutil.copy(path + ".pub", AK)
        os.chmod(AK, 0o600)
        report(try_auth(lambda t: t.auth_publickey(me, key)), "paramiko publickey %s" % name)
        report(log_has("Accepted publickey for %s" % me), "log: Accepted publickey (%s)" % name)

    shutil.copy(keys["id_ed25519"][0] + ".pub", AK)
    report(not try_auth(lambda t: t.auth_publickey(me, keys["id_ecdsa256"][1])), "paramiko wrong key refused")
    report(log_has("Failed publickey for %s" % me), "log: Failed publickey")
    report(not try_auth(lambda t: t.auth_publickey("nosuch%d" % os.getpid(), keys["id_ed25519"][1])),
           "paramiko unknown user refused")

    # each paramiko method call asks for ssh-userauth again
    def two_keys(t):
        try:
            t.auth_publickey(me, keys["id_ecdsa256"][1])
        except paramiko.AuthenticationException:
            pass
        t.auth_publickey(me, keys["id_ed25519"][1])
    report(try_auth(two_keys), "wrong key then right key on one connection")

    # a change of user name between requests ends the connection
    # a change of user name between requests ends the connection; sent by
    # hand, as paramiko's own calls each start with a new SERVICE_REQUEST
    def switch(t):
        try:
            t.auth_none("alice%d" % os.getpid())
        except paramiko.BadAuthenticationType:
            pass
        m = paramiko.Message()
        m.add_byte(paramiko.common.cMSG_USERAUTH_REQUEST)
        for field in (me, "ssh-connection", "none"):
            m.add_string(field)
        t._send_message(m)
        for _ in range(100):
            if not t.is_active():
                break
            time.sleep(0.1)
        return not t.is_active()
    t = connect()
    report(switch(t), "change of user name mid-way: disconnected")
    t.close()
    report(log_has("Change of username or service not allowed"), "log: change of user name")

    if os.getuid() != 0 or not shutil.which("useradd"):
        print("# password tests need root and useradd; skipped")
    else:
        user = "sshlp%d" % os.getpid()
        home = os.path.join(T, "uhome")
        pw = "pw-%d-%d" % (random.randrange(1 << 30), random.randrange(1 << 30))
        subprocess.run(["useradd", "-M", "-d", home, "-s", "/bin/sh", user], check=True)
        try:
            subprocess.run(["chpasswd"], input="%s:%s\n" % (user, pw), text=True, check=True)
            opts = "-o PasswordAuthentication=yes"
            report(try_auth(lambda t: t.auth_password(user, pw), opts), "paramiko password login")
            report(log_has("Accepted password for %s from UNKNOWN port 65535 ssh2" % user), "log: Accepted password")
            report(not try_auth(lambda t: t.auth_password(user, pw + "x"), opts), "paramiko wrong password refused")
            report(log_has("Failed password for %s from UNKNOWN port 65535 ssh2" % user), "log: Failed password")
            report(not try_auth(lambda t: t.auth_password(user, pw)), "password refused when not enabled")

            def none_then_password(t):
                try:
                    t.auth_none(user)
                except paramiko.BadAuthenticationType as e:
                    if "password" not in e.allowed_types:
                        return
                t.auth_password(user, pw)
            report(try_auth(none_then_password, opts), "none lists password, then password login")

            def kbd(answer):
                return lambda t: t.auth_interactive(user, lambda title, instr, prompts: [answer] * len(prompts))
            report(try_auth(kbd(pw), opts), "paramiko keyboard-interactive login")
            report(log_has("Accepted keyboard-interactive for %s" % user), "log: Accepted keyboard-interactive")
            report(not try_auth(kbd("nope"), opts), "paramiko keyboard-interactive wrong password refused")
        finally:
            del_user(user)
finally:
    shutil.rmtree(T, ignore_errors=True)

sys.exit(1 if failed else 0)
