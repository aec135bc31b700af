#!/usr/bin/python3
"""Seeds the fuzz corpora from real OpenSSH sessions.

Runs ssh against sshd-lite through a ProxyCommand that tees the client's
bytes to a file, once per algorithm choice, and cuts each recording into
what the targets take: KEXINIT payloads (fuzz_kexinit), key exchange
messages (fuzz_kexmsg), the plaintext part of the session as a fuzz_server
input followed by plaintext userauth and connection requests, which the
harness encrypts itself. Also makes key files (fuzz_keyfile) with
ssh-keygen and a config (fuzz_config). Usage: fuzz/mkcorpus.py [SSHD_LITE | --static]
"""
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != "--static" else os.path.join(TOP, "sshd-lite")
CORPUS = os.path.join(TOP, "fuzz", "corpus")

# (name, ssh options): each a different key exchange or packet protection
RUNS = [
    ("x25519-chacha", ["-o", "KexAlgorithms=curve25519-sha256", "-o", "Ciphers=chacha20-poly1305@openssh.com"]),
    ("x25519old-gcm", ["-o", "KexAlgorithms=curve25519-sha256@libssh.org", "-o", "Ciphers=aes128-gcm@openssh.com"]),
    ("p256-ctr-etm", ["-o", "KexAlgorithms=ecdh-sha2-nistp256", "-o", "Ciphers=aes128-ctr",
                      "-o", "MACs=hmac-sha2-256-etm@openssh.com"]),
    ("p384-ctr-sha512", ["-o", "KexAlgorithms=ecdh-sha2-nistp384", "-o", "Ciphers=aes256-ctr",
                         "-o", "MACs=hmac-sha2-512"]),
    ("p521-gcm256", ["-o", "KexAlgorithms=ecdh-sha2-nistp521", "-o", "Ciphers=aes256-gcm@openssh.com"]),
    ("dh14-ctr192", ["-o", "KexAlgorithms=diffie-hellman-group14-sha256", "-o", "Ciphers=aes192-ctr",
                      "-o", "MACs=hmac-sha2-512-etm@openssh.com"]),
    ("dh16", ["-o", "KexAlgorithms=diffie-hellman-group16-sha512"]),
    ("gex", ["-o", "KexAlgorithms=diffie-hellman-group-exchange-sha256"]),
    ("zlib", ["-o", "Compression=yes"]),
    ("rsa-hostkey", ["-o", "HostKeyAlgorithms=rsa-sha2-512"]),
    ("ecdsa-hostkey", ["-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256"]),
]
KEX_METHOD = {"x25519": 0, "p256": 1, "p384": 2, "p521": 3, "dh14": 4}


def s(b):
    return struct.pack(">I", len(b)) + b


def record(payload, raw=False):
    return bytes([1 if raw else 0]) + struct.pack(">H", len(payload)) + payload


def packets(data):
    """version line, then plaintext payloads up to and including NEWKEYS"""
    nl = data.index(b"\n") + 1
    version, off, out = data[:nl], nl, []
    while off + 5 <= len(data):
        plen, padlen = struct.unpack(">IB", data[off:off + 5])
        payload = data[off + 5:off + 4 + plen - padlen]
        out.append(payload)
        off += 4 + plen
        if payload[:1] == b"\x15":
            break
    return version, out


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# what a client sends after NEWKEYS, in plaintext: the harness seals it
def after_newkeys(user=b"root"):
    pub = b"\x00\x00\x00\x0bssh-ed25519" + s(bytes(range(32)))
    return [
        b"\x05" + s(b"ssh-userauth"),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"none"),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"publickey") + b"\x00" + s(b"ssh-ed25519") + s(pub),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"publickey") + b"\x01" + s(b"ssh-ed25519") + s(pub)
        + s(s(b"ssh-ed25519") + s(bytes(64))),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"password") + b"\x00" + s(b"hunter2"),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"keyboard-interactive") + s(b"") + s(b""),
        b"\x3d" + struct.pack(">I", 1) + s(b"hunter2"),
        b"\x02" + s(b"ignored"),
        b"\x04\x01" + s(b"debug message") + s(b""),
        b"\x5a" + s(b"session") + struct.pack(">III", 0, 2097152, 32768),
        b"\x14" + bytes(16) + b"".join(s(x) for x in [b"curve25519-sha256", b"ssh-ed25519",
                                                      b"aes128-ctr", b"aes128-ctr", b"hmac-sha2-256",
                                                      b"hmac-sha2-256", b"none", b"none", b"", b""])
        + b"\x00" + bytes(4),
        b"\x01" + struct.pack(">I", 11) + s(b"bye") + s(b""),
    ]


def rec16(payloads):
    return b"".join(struct.pack(">H", len(p)) + p for p in payloads)


def static_seeds():
    """seeds that need no client session"""
    pub = b"\x00\x00\x00\x0bssh-ed25519" + s(bytes(range(32)))
    import base64
    line = b"ssh-ed25519 " + base64.b64encode(pub) + b" user@host"
    keys = b"\n".join([
        b"# comment", b"", line,
        b'command="echo hi",no-pty,from="192.0.2.0/24,!10.*",expiry-time="20991231Z" ' + line,
        b'environment="A=b",permitopen="h:22",permitlisten="8080",no-agent-forwarding ' + line,
        b'restrict,pty,verify-required ' + line, b"x" * 300,
    ]) + b"\n"
    put("fuzz_authkeys", "options", keys)
    user = b"root"
    put("fuzz_userauth", "methods", struct.pack(">H", len(keys)) + keys + rec16([
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"none"),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"publickey") + b"\x00" + s(b"ssh-ed25519") + s(pub),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"publickey") + b"\x01" + s(b"ssh-ed25519") + s(pub)
        + s(s(b"ssh-ed25519") + s(bytes(64))),
        b"\x32" + s(b"nosuchuser") + s(b"ssh-connection") + s(b"password") + b"\x00" + s(b"pw"),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"keyboard-interactive") + s(b"") + s(b""),
        b"\x3d" + struct.pack(">I", 1) + s(b"pw"),
        b"\x32" + s(user) + s(b"ssh-connection") + s(b"hostbased") + s(b""),
    ]))
    put("fuzz_channel", "session", rec16([
        b"\x5a" + s(b"session") + struct.pack(">III", 0, 2097152, 32768),
        b"\x5a" + s(b"session") + struct.pack(">III", 1, 0, 0),
        b"\x5a" + s(b"direct-tcpip") + struct.pack(">III", 2, 65536, 32768) + s(b"h") + struct.pack(">I", 22)
        + s(b"o") + struct.pack(">I", 1),
        b"\x62" + struct.pack(">I", 0) + s(b"pty-req") + b"\x01" + s(b"xterm") + struct.pack(">IIII", 80, 24, 0, 0)
        + s(b"\x35\x00\x00\x00\x01\x00"),
        b"\x62" + struct.pack(">I", 0) + s(b"env") + b"\x01" + s(b"LANG") + s(b"C"),
        b"\x62" + struct.pack(">I", 0) + s(b"window-change") + b"\x00" + struct.pack(">IIII", 100, 40, 0, 0),
        b"\x62" + struct.pack(">I", 0) + s(b"signal") + b"\x00" + s(b"TERM"),
        b"\x62" + struct.pack(">I", 0) + s(b"winadj@putty.projects.tartarus.org") + b"\x01",
        b"\x5d" + struct.pack(">II", 0, 1 << 20),
        b"\x5e" + struct.pack(">I", 0) + s(b"data"),
        b"\x5f" + struct.pack(">II", 0, 1) + s(b"err"),
        b"\x50" + s(b"keepalive@openssh.com") + b"\x01",
        b"\x50" + s(b"tcpip-forward") + b"\x01" + s(b"") + struct.pack(">I", 0),
        b"\x60" + struct.pack(">I", 0),
        b"\x61" + struct.pack(">I", 0),
        b"\x61" + struct.pack(">I", 1),
    ]))


def main():
    static_seeds()
    if "--static" in sys.argv:
        return
    tmp = tempfile.mkdtemp(dir=os.path.join(TOP, "build"))
    try:
        keys = []
        for t in ["ed25519", "ecdsa", "rsa"]:
            k = os.path.join(tmp, "host_" + t)
            subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", t, "-f", k], check=True)
            keys += ["-h", k]
        with open(os.path.join(tmp, "kh"), "w") as kh:
            for t in ["ed25519", "ecdsa", "rsa"]:
                kh.write("h " + " ".join(open(os.path.join(tmp, "host_%s.pub" % t)).read().split()[:2]) + "\n")
        subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", os.path.join(tmp, "id")], check=True)
        for name, opts in RUNS:
            rec = os.path.join(tmp, name + ".bin")
            proxy = "tee %s | %s -i %s -E %s/log" % (rec, SERVER, " ".join(keys), tmp)
            subprocess.run(["ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "ProxyCommand=" + proxy,
                            "-o", "UserKnownHostsFile=" + os.path.join(tmp, "kh"),
                            "-o", "StrictHostKeyChecking=yes", "-o", "IdentityFile=" + os.path.join(tmp, "id"),
                            "-o", "ConnectTimeout=10", "-l", "root"] + opts + ["h", "true"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=60)
            data = open(rec, "rb").read()
            version, pkts = packets(data)
            if not pkts or pkts[-1][:1] != b"\x15":
                print("%s: no NEWKEYS in the recording (%d packets)" % (name, len(pkts)))
                continue
            put("fuzz_kexinit", name, pkts[0][1:])
            method = KEX_METHOD.get(name.split("-")[0].replace("x25519old", "x25519"))
            if method is not None:
                put("fuzz_kexmsg", name, bytes([method]) + pkts[1][1:])
            if name == "gex":
                put("fuzz_kexmsg", name, b"\x05" + pkts[1][1:13] + pkts[2][1:])
            server = version + b"".join(record(p) for p in pkts)
            put("fuzz_server", name, server + b"".join(record(p) for p in after_newkeys()))
            # the same bytes as written: a raw record after the version line
            put("fuzz_server", name + "-raw", version + record(data[len(version):][:65000], raw=True))
            put("fuzz_packet", name, b"\x06\x00\x00\x00" + data[len(version):])
            put("fuzz_wire", name, bytes([40]) + bytes([6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 1, 2] + [4] * 28)
                + pkts[0][17:])
        # packet round trips through each cipher/MAC, with and without zlib
        for c in range(7):
            for z in (0, 1):
                put("fuzz_packet", "round-%d-%d" % (c, z),
                    bytes([c, c, 2 | z, 0]) + b"\x10\x05" + s(b"ssh-userauth") + b"\x03\x02abc")
        for t, extra in [("ed25519", []), ("ecdsa", ["-b", "256"]), ("ecdsa", ["-b", "384"]),
                         ("ecdsa", ["-b", "521"]), ("rsa", ["-b", "1024"])]:
            for fmt in ["RFC4716", "PEM", "PKCS8"]:
                k = os.path.join(tmp, "k")
                if os.path.exists(k):
                    os.unlink(k)
                r = subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", t, "-m", fmt, "-f", k] + extra,
                                   stderr=subprocess.DEVNULL)
                if r.returncode == 0:
                    put("fuzz_keyfile", "%s%s-%s" % (t, "".join(extra[1:]), fmt), open(k, "rb").read())
                os.unlink(k + ".pub")
        put("fuzz_config", "sample", b"""# sample
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
KexAlgorithms +diffie-hellman-group14-sha1
Ciphers -aes128-ctr,aes*
MACs ^hmac-sha1
HostKeyAlgorithms ssh-ed25519,rsa-sha2-512
LoginGraceTime 1m30s
MaxAuthTries 3
RekeyLimit 512M 1h
LogLevel DEBUG3
PermitRootLogin prohibit-password
Subsystem sftp /usr/lib/openssh/sftp-server
AcceptEnv LANG LC_*
AuthorizedKeysFile .ssh/authorized_keys %h/.ssh/keys
Compression no
PasswordAuthentication=yes
""")
    finally:
        shutil.rmtree(tmp)


main()
