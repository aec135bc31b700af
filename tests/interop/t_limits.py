#!/usr/bin/python3
"""Hostile input through a real pipe to `sshd-lite -i`: each limit must end
the connection with the right DISCONNECT reason and a log line.

A raw client speaks just enough SSH in plaintext (the limits all bite before
or during the first key exchange) and reads the server's packets back.
Limits and their reasons (RFC 4253 11.1):
  packet_length > 256 KiB                      2 PROTOCOL_ERROR
  KEXINIT name-list > 128 names or a name > 64  2
  KEXINIT > 64 KiB                             2
  second KEXINIT in one exchange               2
  IGNORE during a strict first exchange        2
  DH e too long / outside [2, p-2] / one bit   3 KEY_EXCHANGE_FAILED
  (fixed groups and the group exchange)
  ECDH point off the curve / malformed         3
  X25519 low-order point (all-zero secret)     3
  hybrid C_INIT of the wrong length            2
  ML-KEM ek failing the modulus check,         3
  X25519 part zero or low-order, P-256 part
  off the curve
  > 2048 packets or > 2 MiB before auth        11 BY_APPLICATION
  LoginGraceTime                               (log line; DISCONNECT 11 once
                                                past the version exchange)
and the server's CPU for each key exchange's costliest packet stays under
issue 12's 50 ms (test_cpu).
"""
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

TOP = os.environ.get("TOP") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import cpu_ns, scratch_base  # noqa: E402
SERVER = os.environ.get("SSHD_LITE") or os.path.join(TOP, "sshd-lite")

# RFC 3526 group 14
P14 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AACAA68FFFFFFFFFFFFFFFF", 16)

passed = failed = 0


def ok(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + name)
    else:
        failed += 1
        print("not ok - %s %s" % (name, detail))
    sys.stdout.flush()


def s(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


def mpint(n):
    if n == 0:
        return s(b"")
    b = n.to_bytes((n.bit_length() + 8) // 8, "big")
    return s(b)


def packet(payload):
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + pad + 1, pad) + payload + bytes(pad)


def kexinit(kex="curve25519-sha256", hostkey="ssh-ed25519", cipher="aes128-ctr", mac="hmac-sha2-256",
            comp="none", lang=""):
    lists = [kex, hostkey, cipher, cipher, mac, mac, comp, comp, lang, lang]
    return b"\x14" + bytes(16) + b"".join(s(x) for x in lists) + b"\x00" + bytes(4)


class Server:
    def __init__(self, tmp, *opts):
        self.log = os.path.join(tmp, "server.log")
        if os.path.exists(self.log):
            os.unlink(self.log)
        # before the server starts: its LoginGraceTime counts from later
        self.t0 = time.monotonic()
        self.p = subprocess.Popen([SERVER, "-i", "-h", os.path.join(tmp, "hostkey"), "-E", self.log] + list(opts),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.buf = b""

    def send(self, b):
        try:
            self.p.stdin.write(b)
            self.p.stdin.flush()
            return True
        except (BrokenPipeError, ValueError):
            return False

    def fill(self, timeout):
        r, _, _ = select.select([self.p.stdout], [], [], timeout)
        if not r:
            return False
        d = os.read(self.p.stdout.fileno(), 65536)
        if not d:
            raise EOFError
        self.buf += d
        return True

    def version(self, timeout=10):
        end = time.time() + timeout
        while b"\n" not in self.buf and time.time() < end:
            self.fill(end - time.time())
        line, _, self.buf = self.buf.partition(b"\n")
        return line

    def packet(self, timeout=10):
        end = time.time() + timeout
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack(">I", self.buf[:4])[0]
                if len(self.buf) >= 4 + n:
                    pad = self.buf[4]
                    pl = self.buf[5:4 + n - pad]
                    self.buf = self.buf[4 + n:]
                    return pl
            left = end - time.time()
            if left <= 0 or not self.fill(left):
                return None

    def disconnect(self, timeout=10):
        """the reason code of the server's DISCONNECT, or None"""
        end = time.time() + timeout
        try:
            while time.time() < end:
                pl = self.packet(end - time.time())
                if pl is None:
                    return None
                if pl[:1] == b"\x01":
                    return struct.unpack(">I", pl[1:5])[0]
        except EOFError:
            return None
        return None

    def exits(self, timeout=10, close=True):
        """waits for the server to exit; close=False keeps our side open"""
        if close:
            try:
                self.p.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.p.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            return False

    def logged(self, text):
        try:
            return text in open(self.log, errors="replace").read()
        except FileNotFoundError:
            return False


def hello(tmp, *opts, kex=None):
    """a server past the version exchange, our KEXINIT sent (if kex)"""
    sv = Server(tmp, *opts)
    sv.send(b"SSH-2.0-limits_test\r\n")
    sv.version()
    if kex is not None:
        sv.send(packet(kexinit(**kex)))
    return sv


def expect(name, sv, reason, logtext, timeout=10):
    got = sv.disconnect(timeout)
    exited = sv.exits(timeout)
    ok(name + ": DISCONNECT reason %d" % reason, got == reason, "(got %r)" % got)
    ok(name + ": logged", exited and sv.logged(logtext), "(exited %s, log: %s)" % (exited, open(sv.log, errors="replace").read()[-300:] if os.path.exists(sv.log) else ""))


def test_packet_length(tmp):
    sv = hello(tmp)
    sv.send(struct.pack(">I", 256 * 1024 + 8) + bytes(12))
    expect("packet_length 256 KiB + 8", sv, 2, "length too large")
    sv = hello(tmp)
    sv.send(b"\xff\xff\xff\xff" + bytes(12))
    expect("packet_length 2^32-1", sv, 2, "length too large")


def test_namelists(tmp):
    sv = hello(tmp, kex={"kex": ",".join("k%d" % i for i in range(200)) + ",curve25519-sha256"})
    expect("KEXINIT 201 kex names", sv, 2, "name-list 0 exceeds")
    sv = hello(tmp, kex={"cipher": "a" * 65 + ",aes128-ctr"})
    expect("KEXINIT name of 65 characters", sv, 2, "name-list 2 exceeds")
    big = ",".join("n%04d%s" % (i, "x" * 58) for i in range(128))
    sv = Server(tmp)
    sv.send(b"SSH-2.0-limits_test\r\n")
    sv.version()
    payload = b"\x14" + bytes(16) + b"".join(s(big) for _ in range(10)) + b"\x00" + bytes(4)
    sv.send(packet(payload))
    expect("KEXINIT of %d KiB" % (len(payload) // 1024), sv, 2, "length too large")


def test_second_kexinit(tmp):
    sv = hello(tmp, kex={})
    sv.send(packet(kexinit()))
    expect("second KEXINIT during key exchange", sv, 2, "unexpected message")


def test_strict_ignore(tmp):
    sv = hello(tmp, kex={"kex": "curve25519-sha256,kex-strict-c-v00@openssh.com"})
    sv.send(packet(b"\x02" + s(b"x")))
    expect("IGNORE during strict first key exchange", sv, 2, "unexpected message")


def dh_init(tmp, e_payload):
    sv = hello(tmp, kex={"kex": "diffie-hellman-group14-sha256"})
    sv.send(packet(b"\x1e" + e_payload))
    return sv


def test_dh(tmp):
    expect("DH e of 16385 bits", dh_init(tmp, mpint((1 << 16384) + 12345)), 3, "invalid key")
    expect("DH e longer than p", dh_init(tmp, mpint(P14 + 2)), 3, "invalid key")
    for label, e in [("0", 0), ("1", 1), ("p-1", P14 - 1), ("p", P14), ("2 (one bit)", 2), ("2^1000 (one bit)", 1 << 1000)]:
        expect("DH e = " + label, dh_init(tmp, mpint(e)), 3, "invalid key")
    sv = dh_init(tmp, s(b"\x80\x01"))
    expect("DH e negative", sv, 2, "invalid format")
    # the group exchange's e goes through the same checks (RFC 4419)
    for label, e in [("2^1000 (one bit)", lambda p: 1 << 1000), ("p-1", lambda p: p - 1)]:
        sv = hello(tmp, kex={"kex": "diffie-hellman-group-exchange-sha256"})
        server_kexinit(sv)
        sv.send(packet(b"\x22" + struct.pack(">III", 2048, 3072, 8192)))
        pl = sv.packet()
        n = struct.unpack(">I", pl[1:5])[0] if pl and pl[:1] == b"\x1f" else 0
        sv.send(packet(b"\x20" + mpint(e(int.from_bytes(pl[5:5 + n], "big")))))
        expect("GEX e = " + label, sv, 3, "invalid key")


def ecdh_init(tmp, q, kex="ecdh-sha2-nistp256"):
    sv = hello(tmp, kex={"kex": kex})
    sv.send(packet(b"\x1e" + s(q)))
    return sv


def test_ecdh(tmp):
    pub = ec.generate_private_key(ec.SECP256R1()).public_key()
    q = pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    y = int.from_bytes(q[33:], "big")
    off = q[:33] + ((y + 1) % (2 ** 256)).to_bytes(32, "big")
    expect("ECDH P-256 point off the curve", ecdh_init(tmp, off), 3, "invalid key")
    expect("ECDH P-256 point at infinity", ecdh_init(tmp, b"\x00"), 3, "invalid key")
    expect("ECDH P-256 point truncated", ecdh_init(tmp, q[:-1]), 3, "invalid key")
    comp = pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    expect("ECDH P-256 compressed point", ecdh_init(tmp, comp), 3, "invalid key")
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    expect("ECDH P-384 point on P-256", ecdh_init(tmp, p384), 3, "invalid key")
    expect("ECDH P-256 point on P-521", ecdh_init(tmp, q, "ecdh-sha2-nistp521"), 3, "invalid key")


def test_x25519(tmp):
    for label, u in [("0", bytes(32)), ("1", b"\x01" + bytes(31)),
                     ("order 8", bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"))]:
        expect("X25519 low-order point u=" + label, ecdh_init(tmp, u, "curve25519-sha256"), 3, "invalid key")
    expect("X25519 point of 31 bytes", ecdh_init(tmp, bytes(range(1, 32)), "curve25519-sha256"), 3, "invalid key")


# ML-KEM-768 (FIPS 203): ek = ByteEncode12(t_hat), 768 coefficients below q,
# then the 32-byte seed rho
MLKEM_Q = 3329
MLKEM_EK = 1184
SNTRUP_PK = 1158
X25519_ORDER8 = bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")


def mlkem_ek(bad=None):
    """a well-formed encapsulation key (uniform coefficients, as a real t_hat
    looks); bad=(i, v) puts the 12-bit value v at coefficient i instead"""
    import random
    rnd = random.Random(11)
    c = [rnd.randrange(MLKEM_Q) for _ in range(768)]
    if bad is not None:
        c[bad[0]] = bad[1]
    out = bytearray()
    for a, b in zip(c[0::2], c[1::2]):
        out += bytes([a & 0xff, (a >> 8) | ((b & 0xf) << 4), b >> 4])
    return bytes(out) + bytes(range(32))


def x25519_pub():
    from cryptography.hazmat.primitives.asymmetric import x25519
    return x25519.X25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def p256_pub():
    return ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def hybrid(tmp, name, cinit):
    """KEX_ECDH_INIT with cinit for the hybrid name (mlkem768nistp256-sha256
    enabled by name, as it is off by default)"""
    opts = ["-o", "KexAlgorithms=+mlkem768nistp256-sha256"] if "nistp256" in name else []
    sv = hello(tmp, *opts, kex={"kex": name})
    sv.send(packet(b"\x1e" + s(cinit)))
    return sv


def expect_clean(name, sv, reason, logtext):
    expect(name, sv, reason, logtext)
    # exited on its own through the disconnect path, not by a signal
    ok(name + ": clean exit", sv.p.returncode is not None and sv.p.returncode >= 0,
       "(status %r)" % sv.p.returncode)


def test_hybrid_mlkem(tmp):
    ek = mlkem_ek()
    for name, pub in [("mlkem768x25519-sha256", x25519_pub()), ("mlkem768nistp256-sha256", p256_pub())]:
        # the halves are not delimited: an ek a byte short is a C_INIT a byte short
        expect_clean(name + " C_INIT 1 byte short", hybrid(tmp, name, ek[:-1] + pub), 2, "invalid format")
        expect_clean(name + " C_INIT 1 byte long", hybrid(tmp, name, ek + pub + b"\x00"), 2, "invalid format")
        # the first and the last coefficient, at q and at the 12-bit maximum
        for i, v in [(0, MLKEM_Q), (767, 4095)]:
            expect_clean("%s ek coefficient %d = %d" % (name, i, v),
                         hybrid(tmp, name, mlkem_ek((i, v)) + pub), 3, "invalid key")
    name = "mlkem768x25519-sha256"
    expect_clean(name + " X25519 part all zero", hybrid(tmp, name, ek + bytes(32)), 3, "invalid key")
    expect_clean(name + " X25519 part of order 8", hybrid(tmp, name, ek + X25519_ORDER8), 3, "invalid key")
    name = "mlkem768nistp256-sha256"
    q = p256_pub()
    y = int.from_bytes(q[33:], "big")
    off = q[:33] + ((y + 1) % (2 ** 256)).to_bytes(32, "big")
    expect_clean(name + " P-256 point off the curve", hybrid(tmp, name, ek + off), 3, "invalid key")
    expect_clean(name + " P-256 point compressed, padded to 65 bytes",
                 hybrid(tmp, name, ek + b"\x02" + q[1:33] + bytes(32)), 3, "invalid key")


def test_hybrid_sntrup(tmp):
    import random
    pk = random.Random(13).randbytes(SNTRUP_PK)  # any 1158 bytes are a usable key
    pub = x25519_pub()
    for name in ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"]:
        expect_clean(name + " C_INIT 1 byte short (1157-byte public key)", hybrid(tmp, name, pk[:-1] + pub), 2,
                     "invalid format")
        expect_clean(name + " C_INIT 1 byte long", hybrid(tmp, name, pk + pub + b"\x00"), 2, "invalid format")
    name = "sntrup761x25519-sha512"
    expect_clean(name + " X25519 part all zero", hybrid(tmp, name, pk + bytes(32)), 3, "invalid key")
    expect_clean(name + " X25519 part of order 8", hybrid(tmp, name, pk + X25519_ORDER8), 3, "invalid key")


def test_floods(tmp):
    for label, msg in [("IGNORE", b"\x02" + s(b"x" * 8)), ("DEBUG", b"\x04\x00" + s(b"hello") + s(b""))]:
        sv = hello(tmp, kex={})
        sv.send(packet(msg) * 2100)
        expect("flood of 2100 %s before authentication" % label, sv, 11, "Too much traffic before authentication")
    sv = hello(tmp, kex={})
    for _ in range(24):
        if not sv.send(packet(b"\x02" + s(bytes(100 * 1024)))):
            break
    expect("2.4 MiB of IGNORE before authentication", sv, 11, "Too much traffic before authentication")


def hwm_kib(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def test_memory(tmp):
    """what a client can make the server hold before authentication: the
    input buffer (one packet of at most 256 KiB plus read slack) and the
    KEXINITs; nothing grows with the number of packets"""
    if b"__asan_init" in open(SERVER, "rb").read():
        ok("memory before authentication: skipped for a sanitizer build", True)
        return
    sv = hello(tmp, kex={})
    time.sleep(0.3)
    before = hwm_kib(sv.p.pid)
    sv.send(packet(b"\x02" + s(bytes(1000))) * 1900)
    # then most of a maximal packet, and stop
    sv.send(struct.pack(">IB", 256 * 1024 - 4, 4) + bytes(200 * 1024))
    time.sleep(1)
    alive = sv.p.poll() is None
    grew = hwm_kib(sv.p.pid) - before if alive else -1
    ok("memory before authentication: 1.9 MB of IGNORE and a partial 256 KiB packet add under 4 MiB",
       alive and 0 <= grew < 4096, "(alive %s, grew %d KiB)" % (alive, grew))
    sv.exits(5)


def packet_cpu_ms(sv, payload, want_type):
    """the server's CPU for one packet: from sending it to its answer"""
    before = cpu_ns(sv.p.pid)
    sv.send(packet(payload))
    while True:
        pl = sv.packet()
        if pl is None or pl[:1] == bytes([want_type]):
            break
        if pl[:1] == b"\x01":
            pl = None
            break
    if pl is None:
        return None
    return (cpu_ns(sv.p.pid) - before) / 1e6


def server_kexinit(sv):
    while True:
        pl = sv.packet()
        if pl is None or pl[:1] == b"\x14":
            return pl


def kex_cpu(tmp, name, hostkey):
    """the CPU of the costliest packet of one key exchange before
    authentication (the least of three connections: other work on the
    machine only ever adds to a sample), or None if it failed"""
    import random
    best = None
    for _ in range(3):
        sv = hello(tmp, "-h", os.path.join(tmp, "hostkey_rsa"), "-o", "KexAlgorithms=" + name,
                   kex={"kex": name, "hostkey": hostkey})
        if server_kexinit(sv) is None:
            sv.exits(5)
            return None
        if name.startswith("diffie-hellman-group-exchange"):
            # the largest group there is: min 8192, n 8192, max 8192
            t0 = cpu_ns(sv.p.pid)
            sv.send(packet(b"\x22" + struct.pack(">III", 8192, 8192, 8192)))
            pl = sv.packet()
            if pl is None or pl[:1] != b"\x1f":
                sv.exits(5)
                return None
            ms_group = (cpu_ns(sv.p.pid) - t0) / 1e6
            n = struct.unpack(">I", pl[1:5])[0]
            p = int.from_bytes(pl[5:5 + n], "big")
            g = int.from_bytes(pl[9 + n:9 + n + struct.unpack(">I", pl[5 + n:9 + n])[0]], "big")
            e = pow(g, random.getrandbits(512) | (1 << 511), p)
            ms = packet_cpu_ms(sv, b"\x20" + mpint(e), 0x21)
            ms = None if ms is None else max(ms, ms_group)
        elif name.startswith("diffie-hellman-group"):
            # any e in (1, p-1) with more than one bit set is taken
            ms = packet_cpu_ms(sv, b"\x1e" + mpint(random.getrandbits(4000) | 3), 0x1f)
        elif name.startswith("ecdh-sha2-nistp521"):
            q = ec.generate_private_key(ec.SECP521R1()).public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
            ms = packet_cpu_ms(sv, b"\x1e" + s(q), 0x1f)
        elif name.startswith("mlkem768x25519"):
            ms = packet_cpu_ms(sv, b"\x1e" + s(mlkem_ek() + x25519_pub()), 0x1f)
        elif name.startswith("sntrup761x25519"):
            ms = packet_cpu_ms(sv, b"\x1e" + s(random.randbytes(SNTRUP_PK) + x25519_pub()), 0x1f)
        else:
            ms = packet_cpu_ms(sv, b"\x1e" + s(x25519_pub()), 0x1f)
        sv.exits(5)
        if ms is None:
            return None
        best = ms if best is None else min(best, ms)
    return best


# Point 1's goal (issue 12): no packet before authentication costs the
# server more than 50 ms of CPU. The costliest are the key exchanges'
# init packets, each answered with a signature by the largest host key an
# administrator may create (RSA 4096): the 8192-bit DH groups (fixed and
# exchanged; the private exponent has 512 bits, agree_dh.c), NIST P-521,
# the post-quantum hybrids. The userauth side (a 16384-bit RSA user key)
# is t_userauth_paramiko.py's.
CPU_BOUND_MS = 50


def test_cpu(tmp):
    sanitized = b"__asan_init" in open(SERVER, "rb").read()
    for name in ("diffie-hellman-group-exchange-sha256", "diffie-hellman-group18-sha512", "ecdh-sha2-nistp521",
                 "mlkem768x25519-sha256", "sntrup761x25519-sha512", "curve25519-sha256"):
        for hostkey in ("ssh-ed25519", "rsa-sha2-512"):
            ms = kex_cpu(tmp, name, hostkey)
            label = "%s with %s" % (name, "RSA 4096" if hostkey.startswith("rsa") else hostkey)
            print("# CPU before authentication: %s: %s ms" % (label, "failed" if ms is None else "%.1f" % ms))
            if sanitized:
                # a sanitizer build is several times slower: the exchange
                # must work, the bound is the plain build's
                ok("CPU before authentication: %s completes (sanitizer build: no bound)" % label, ms is not None)
            else:
                ok("CPU before authentication: %s costs under %d ms" % (label, CPU_BOUND_MS),
                   ms is not None and ms < CPU_BOUND_MS, "(%s ms)" % ms)


def graced(t):
    """ended by LoginGraceTime=3: not before it (the server's timer is in
    milliseconds and t counts from before it started), and in the end,
    with room for a loaded machine"""
    return 2.99 <= t < 20


def test_grace(tmp):
    sv = Server(tmp, "-o", "LoginGraceTime=3")
    exited = sv.exits(20, close=False)
    took = time.monotonic() - sv.t0
    ok("silent client: exits after LoginGraceTime=3", exited and graced(took), "(%.2fs)" % took)
    ok("silent client: logged", sv.logged("Timeout before authentication"))

    sv = hello(tmp, "-o", "LoginGraceTime=3")
    exited = sv.exits(20, close=False)
    took = time.monotonic() - sv.t0
    ok("client silent after version: exits in time", exited and graced(took), "(%.2fs)" % took)
    ok("client silent after version: logged", sv.logged("Timeout before authentication"))

    sv = Server(tmp, "-o", "LoginGraceTime=3")
    data = b"SSH-2.0-trickle\r\n" + packet(kexinit())
    got = None
    for i in range(len(data)):
        if not sv.send(data[i:i + 1]):
            break
        if sv.p.poll() is not None or time.monotonic() - sv.t0 > 10:
            break
        try:
            # the server's DISCONNECT, if it came
            while sv.fill(0):
                pass
        except EOFError:
            break
        if i >= 17:
            time.sleep(1)
    try:
        sv.version(0.5)
        got = sv.disconnect(2)
    except EOFError:
        pass
    sv.exits(15)
    took = time.monotonic() - sv.t0
    ok("1 byte a second: exits after LoginGraceTime=3", graced(took), "(%.2fs)" % took)
    ok("1 byte a second: DISCONNECT reason 11", got == 11, "(got %r)" % got)
    ok("1 byte a second: logged", sv.logged("Timeout before authentication"))


def main():
    tmp = tempfile.mkdtemp(prefix="t_limits.", dir=scratch_base())
    try:
        subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", os.path.join(tmp, "hostkey")],
                       check=True)
        # the largest host key HostKeyCreate makes, for test_cpu
        subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "rsa", "-b", "4096", "-f", os.path.join(tmp, "hostkey_rsa")],
                       check=True)
        only = sys.argv[1] if len(sys.argv) > 1 else ""
        for name, fn in sorted(globals().items()):
            if name.startswith("test_") and only in name:
                fn(tmp)
    finally:
        shutil.rmtree(tmp)
    print("# %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
