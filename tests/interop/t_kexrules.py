#!/usr/bin/python3
"""The key exchange rules no ordinary client exercises, checked with a
scripted client that speaks the wire protocol itself: curve25519-sha256
(H recomputed and the Ed25519 signature verified), then aes128-ctr with
hmac-sha2-256, keys derived as RFC 4253 7.2 says.

Covered: first_kex_packet_follows with a wrong guess (kex or host key;
the dropped packet logged as "skipped packet") and
a right one; strict KEX (an IGNORE before KEXINIT or during the first
exchange is fatal; counters reset at NEWKEYS); without strict KEX, IGNORE
and DEBUG anywhere are fine; markers are never chosen as the kex;
EXT_INFO after the first NEWKEYS; a client-initiated re-key; UNIMPLEMENTED
carries the sequence number of the packet it answers; a bad packet length
and an unknown service each end the connection with the right reason."""
import hashlib
import hmac
import os
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import Env, Report  # noqa: E402

KEXINIT, NEWKEYS, ECDH_INIT, ECDH_REPLY = 20, 21, 30, 31
DISCONNECT, IGNORE, UNIMPLEMENTED, DEBUG = 1, 2, 3, 4
SERVICE_REQUEST, SERVICE_ACCEPT, EXT_INFO = 5, 6, 7
STRICT_C = "kex-strict-c-v00@openssh.com"
STRICT_S = "kex-strict-s-v00@openssh.com"


def u32(v):
    return struct.pack(">I", v)


def string(b):
    if isinstance(b, str):
        b = b.encode()
    return u32(len(b)) + b


def mpint(b):
    b = b.lstrip(b"\0")
    if b and b[0] & 0x80:
        b = b"\0" + b
    return string(b)


class Reader:
    def __init__(self, data):
        self.d, self.o = data, 0

    def take(self, n):
        if self.o + n > len(self.d):
            raise ValueError("short message")
        v = self.d[self.o:self.o + n]
        self.o += n
        return v

    def byte(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def string(self):
        return self.take(self.u32())


class Gone(Exception):
    """The server closed the connection."""


class Client:
    def __init__(self, env, *server_args, version=b"SSH-2.0-kexrules"):
        self.env = env
        self.sock, self.proc = env.server("-d", *server_args)
        self.sock.settimeout(20)
        self.inbuf = b""
        self.tx_seq = self.rx_seq = 0
        self.tx = self.rx = None  # (ctr cipher context, mac key) per direction
        self.strict = False
        self.session_id = None
        self.v_c = version
        self.sock.sendall(version + b"\r\n")
        self.v_s = self.readline()
        self.i_s = None

    def readline(self):
        while b"\n" not in self.inbuf:
            self.fill()
        line, self.inbuf = self.inbuf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def fill(self):
        d = self.sock.recv(65536)
        if not d:
            raise Gone()
        self.inbuf += d

    def need(self, n):
        while len(self.inbuf) < n:
            self.fill()
        v, self.inbuf = self.inbuf[:n], self.inbuf[n:]
        return v

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, payload):
        bs = 16 if self.tx else 8
        pad = bs - (5 + len(payload)) % bs
        if pad < 4:
            pad += bs
        pkt = u32(1 + len(payload) + pad) + bytes([pad]) + payload + os.urandom(pad)
        if self.tx:
            enc, mk = self.tx
            mac = hmac.new(mk, u32(self.tx_seq) + pkt, hashlib.sha256).digest()
            pkt = enc.update(pkt) + mac
        self.sock.sendall(pkt)
        self.tx_seq = (self.tx_seq + 1) & 0xffffffff

    def recv(self):
        """The next payload; raises Gone at EOF."""
        if not self.rx:
            length = struct.unpack(">I", self.need(4))[0]
            if length > 300000:
                raise ValueError("length %d" % length)
            body = self.need(length)
        else:
            dec, mk = self.rx
            first = dec.update(self.need(16))
            length = struct.unpack(">I", first[:4])[0]
            if length > 300000 or (length + 4) % 16:
                raise ValueError("bad decrypted length %d" % length)
            rest = dec.update(self.need(length + 4 - 16))
            mac = self.need(32)
            want = hmac.new(mk, u32(self.rx_seq) + first + rest, hashlib.sha256).digest()
            if not hmac.compare_digest(mac, want):
                raise ValueError("MAC mismatch at server seq %d" % self.rx_seq)
            body = (first + rest)[4:]
        self.rx_seq = (self.rx_seq + 1) & 0xffffffff
        return body[1:len(body) - body[0]]

    def expect(self, *types):
        """Skips IGNORE/DEBUG; returns the next payload, which must be of types."""
        while True:
            p = self.recv()
            if p[0] in (IGNORE, DEBUG) and p[0] not in types:
                continue
            if p[0] not in types:
                raise ValueError("expected %s, got message %d" % (types, p[0]))
            return p

    def disconnect_reason(self):
        """Reads until DISCONNECT; its reason code, or None at EOF without one."""
        try:
            while True:
                p = self.recv()
                if p[0] == DISCONNECT:
                    return Reader(p[1:]).u32()
        except (Gone, ConnectionError, OSError, ValueError):
            return None

    def exited(self, seconds=10):
        try:
            self.proc.wait(timeout=seconds)
            return True
        except Exception:
            return False

    def close(self):
        self.sock.close()
        self.exited(10)

    # ---- key exchange ----

    def kexinit(self, kex=("curve25519-sha256",), hostkey=("ssh-ed25519",), follows=False):
        return (bytes([KEXINIT]) + os.urandom(16) + string(",".join(kex)) + string(",".join(hostkey)) +
                string("aes128-ctr") * 2 + string("hmac-sha2-256") * 2 + string("none") * 2 +
                string("") * 2 + bytes([1 if follows else 0]) + u32(0))

    def server_kexinit(self):
        self.i_s = self.expect(KEXINIT)
        r = Reader(self.i_s[17:])
        return r.string().decode().split(",")

    @staticmethod
    def ecdh_init():
        priv = X25519PrivateKey.generate()
        q_c = priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return priv, q_c, bytes([ECDH_INIT]) + string(q_c)

    def finish(self, i_c, priv, q_c):
        """Reads the reply, checks H's signature, exchanges NEWKEYS and
        switches both directions to the derived keys."""
        r = Reader(self.expect(ECDH_REPLY)[1:])
        k_s, q_s, sig = r.string(), r.string(), r.string()
        if r.o != len(r.d):
            raise ValueError("bytes after the ECDH reply")
        k = mpint(priv.exchange(X25519PublicKey.from_public_bytes(q_s)))
        h = hashlib.sha256(string(self.v_c) + string(self.v_s) + string(i_c) + string(self.i_s) + string(k_s) +
                           string(q_c) + string(q_s) + k).digest()
        kr, sr = Reader(k_s), Reader(sig)
        if kr.string() != b"ssh-ed25519" or sr.string() != b"ssh-ed25519":
            raise ValueError("not an ed25519 host key or signature")
        Ed25519PublicKey.from_public_bytes(kr.string()).verify(sr.string(), h)
        if self.session_id is None:
            self.session_id = h
        self.expect(NEWKEYS)
        self.rx = self.keys(k, h, b"B", b"D", b"F", decrypt=True)
        if self.strict:
            self.rx_seq = 0
        self.send(bytes([NEWKEYS]))
        self.tx = self.keys(k, h, b"A", b"C", b"E", decrypt=False)
        if self.strict:
            self.tx_seq = 0
        return k_s

    def keys(self, k, h, iv, key, mac, decrypt):
        def derive(x):
            return hashlib.sha256(k + h + x + self.session_id).digest()
        ctx = Cipher(algorithms.AES(derive(key)[:16]), modes.CTR(derive(iv)[:16]))
        return (ctx.decryptor() if decrypt else ctx.encryptor(), derive(mac))

    def handshake(self, kex=("curve25519-sha256",), hostkey=("ssh-ed25519",), strict=False, before=(), during=()):
        """A whole first exchange; before/during are payloads sent ahead of
        KEXINIT and between KEXINIT and ECDH_INIT."""
        for p in before:
            self.send(p)
        kex = tuple(kex) + ((STRICT_C,) if strict else ())
        i_c = self.kexinit(kex, hostkey)
        self.send(i_c)
        for p in during:
            self.send(p)
        names = self.server_kexinit()
        self.strict = strict and STRICT_S in names
        priv, q_c, init = self.ecdh_init()
        self.send(init)
        return self.finish(i_c, priv, q_c)

    def service(self, name):
        self.send(bytes([SERVICE_REQUEST]) + string(name))
        p = self.expect(SERVICE_ACCEPT, DISCONNECT, EXT_INFO)
        while p[0] == EXT_INFO:
            p = self.expect(SERVICE_ACCEPT, DISCONNECT)
        return p


env = Env("t_kexrules")
rep = Report()


def scenario(name, fn, *server_args):
    """Runs fn(client); any exception is that check's failure."""
    c = None
    try:
        c = Client(env, *server_args)
        fn(c)
    except Exception as e:
        rep.check(name, False, "%s: %s" % (type(e).__name__, e))
        for line in env.log_text().splitlines()[-4:]:
            print("#   server: " + line)
    finally:
        if c:
            c.close()


def log_mark():
    return len(env.log_text())


def accept_after(name, c):
    p = c.service("ssh-userauth")
    rep.check(name, p[0] == SERVICE_ACCEPT and Reader(p[1:]).string() == b"ssh-userauth")


# (a) wrong guesses: the guessed packet, a valid ECDH_INIT of another key, is
# dropped; if the server used it, H would not match our key and the
# signature check in finish() would fail
SKIPPED = "skipped packet (type 30): the client's key exchange guess was wrong"


def wrong_guess(label, kex, hostkey):
    def run(c):
        mark = log_mark()
        i_c = c.kexinit(kex, hostkey, follows=True)
        c.send(i_c)
        c.send(Client.ecdh_init()[2])
        c.server_kexinit()
        priv, q_c, init = Client.ecdh_init()
        c.send(init)
        c.finish(i_c, priv, q_c)
        accept_after("%s (%s / %s): exactly the guessed packet is dropped" % (label, kex[0], hostkey[0]), c)
        rep.check("%s: the dropped guess is logged" % label, SKIPPED in env.log_text()[mark:])
    return run


# The guess is right only when the client's first kex and first host key
# algorithm are the server's first ones too (RFC 4253 7, Conch's
# ssh_KEXINIT): not merely when the client's first choice is negotiated.
SERVER_FIRST = ("-o", "KexAlgorithms=curve25519-sha256,ecdh-sha2-nistp256",
                "-o", "HostKeyAlgorithms=ssh-ed25519,ecdsa-sha2-nistp256")
def guess_scenario(label, kex, hostkey, *server_args):
    scenario(label, wrong_guess(label, kex, hostkey), *server_args)


guess_scenario("guess for an unsupported kex", ("unknown-kex@example.com", "curve25519-sha256"), ("ssh-ed25519",),
               *SERVER_FIRST)
guess_scenario("guess for an unsupported host key", ("curve25519-sha256",), ("ssh-dss", "ssh-ed25519"),
               *SERVER_FIRST)
# the client's first kex is supported and negotiated, but it is not the
# server's first: the guessed packet must still be dropped
guess_scenario("first kex differs, supported", ("curve25519-sha256",), ("ssh-ed25519",),
               "-o", "KexAlgorithms=ecdh-sha2-nistp256,curve25519-sha256",
               "-o", "HostKeyAlgorithms=ssh-ed25519,ecdsa-sha2-nistp256")
# likewise for the host key: the client's first is negotiated, the server's
# first is another
guess_scenario("first host key differs, supported", ("curve25519-sha256",), ("ssh-ed25519",),
               "-o", "KexAlgorithms=curve25519-sha256",
               "-o", "HostKeyAlgorithms=ecdsa-sha2-nistp256,ssh-ed25519")


# (b) a right guess is used: one ECDH_INIT, sent before the server's KEXINIT
# was even read, gets the reply
def right_guess(c):
    mark = log_mark()
    i_c = c.kexinit(follows=True)
    priv, q_c, init = Client.ecdh_init()
    c.send(i_c)
    c.send(init)
    c.server_kexinit()
    c.finish(i_c, priv, q_c)
    accept_after("right guess: the guessed ECDH_INIT is used", c)
    rep.check("right guess: nothing skipped", SKIPPED not in env.log_text()[mark:])


scenario("right guess", right_guess, *SERVER_FIRST)


# (c, d) strict KEX: anything but KEX messages before or during the first
# exchange ends the connection
def strict_violation(name, before, during, logline):
    def run(c):
        mark = log_mark()
        try:
            c.handshake(strict=True, before=before, during=during)
        except (Gone, ConnectionError, ValueError, OSError):
            pass
        reason = c.disconnect_reason()
        rep.check(name + ": disconnected", reason in (2, None), "reason %s" % reason)
        rep.check(name + ": server exits", c.exited())
        rep.check(name + ": logged", logline in env.log_text()[mark:], "no '%s' in the log" % logline)
    return run


ign = bytes([IGNORE]) + string("x")
scenario("strict IGNORE first", strict_violation("strict KEX, IGNORE before KEXINIT", [ign], [],
                                                   "strict KEX violation"))
scenario("strict IGNORE during", strict_violation("strict KEX, IGNORE during the first exchange", [], [ign],
                                                    "unexpected message"))


# strict KEX done right: both counters restart at 0 after NEWKEYS, which the
# MAC of every later packet proves; then a re-key resets them again
def strict_ok(c):
    c.handshake(strict=True)
    rep.check("strict KEX negotiated (server offers kex-strict-s)", c.strict)
    accept_after("strict KEX: sequence numbers reset at NEWKEYS (MACs verify)", c)
    rekey(c, "strict KEX")


def rekey(c, what):
    before = c.session_id
    i_c = c.kexinit()
    c.send(i_c)
    names = c.server_kexinit()
    rep.check("%s re-key: no strict marker in later KEXINITs" % what, STRICT_S not in names)
    priv, q_c, init = Client.ecdh_init()
    c.send(init)
    c.finish(i_c, priv, q_c)
    c.send(bytes([IGNORE]) + string("after re-key"))
    c.send(bytes([199]))
    p = c.expect(UNIMPLEMENTED)
    rep.check("%s: client-initiated re-key works, session id kept" % what,
              c.session_id == before and p[0] == UNIMPLEMENTED)


scenario("strict ok", strict_ok)


# (e) without strict KEX, IGNORE and DEBUG before and during the exchange are fine
def lenient(c):
    dbg = bytes([DEBUG, 0]) + string("hello") + string("")
    c.handshake(before=[ign, dbg], during=[ign, dbg])
    accept_after("without strict KEX: IGNORE/DEBUG before and during the exchange are fine", c)
    rekey(c, "non-strict")


scenario("lenient", lenient)


# (e2) re-keys before authentication are legal, but bounded: each costs the
# server an agreement and a signature (issue 12). Four exchanges in all are
# served; the fifth KEXINIT ends the connection with a log line.
def preauth_rekeys(c):
    c.handshake()
    for i in range(3):
        i_c = c.kexinit()
        c.send(i_c)
        c.server_kexinit()
        priv, q_c, init = Client.ecdh_init()
        c.send(init)
        c.finish(i_c, priv, q_c)
    rep.check("before authentication: 3 re-keys served", True)
    mark = log_mark()
    c.send(c.kexinit())
    reason = c.disconnect_reason()
    rep.check("before authentication: the 5th key exchange is refused (reason 11)", reason == 11, "reason %s" % reason)
    rep.check("before authentication: too many key exchanges logged",
              "Too many key exchanges before authentication" in env.log_text()[mark:])


scenario("pre-auth re-key bound", preauth_rekeys)


# (f) UNIMPLEMENTED names the sequence number of the packet it answers
def unimplemented(strict):
    def run(c):
        c.handshake(strict=strict)
        c.send(ign)
        seq = c.tx_seq
        c.send(bytes([199]) + b"junk")
        p = c.expect(UNIMPLEMENTED)
        got = Reader(p[1:]).u32()
        # KEXINIT 0, ECDH_INIT 1, NEWKEYS 2, IGNORE 3; strict restarts at NEWKEYS
        want = 1 if strict else 4
        rep.check("UNIMPLEMENTED for an unknown message carries seq %d (%s)" % (want, "strict" if strict else "not strict"),
                  got == want == seq, "got %d, client counter %d" % (got, seq))
        c.send(bytes([60]) + b"early")
        p = c.expect(UNIMPLEMENTED)
        rep.check("a userauth number before ssh-userauth is UNIMPLEMENTED too", Reader(p[1:]).u32() == seq + 1)
        accept_after("... and the connection goes on", c)
    return run


scenario("unimplemented", unimplemented(False))
scenario("unimplemented strict", unimplemented(True))


# EXT_INFO right after the first NEWKEYS when asked for with ext-info-c
def ext_info(c):
    c.handshake(kex=("curve25519-sha256", "ext-info-c"))
    p = c.recv()
    ok = p[0] == EXT_INFO
    if ok:
        r = Reader(p[1:])
        n = r.u32()
        exts = {r.string(): r.string() for _ in range(n)}
        algs = exts.get(b"server-sig-algs", b"").split(b",")
        ok = b"rsa-sha2-256" in algs and b"ssh-ed25519" in algs
    rep.check("ext-info-c: EXT_INFO with server-sig-algs is the first packet after NEWKEYS", ok, repr(p[:60]))


scenario("ext-info", ext_info)


# markers are not algorithms: a list of only markers has no kex in common
def markers_only(c):
    mark = log_mark()
    try:
        c.handshake(kex=("ext-info-c", STRICT_C))
    except (Gone, ValueError, ConnectionError, OSError):
        pass
    reason = c.disconnect_reason()
    rep.check("markers alone are never chosen as the kex", reason in (3, None) and "no matching key exchange" in
              env.log_text()[mark:], "reason %s" % reason)


scenario("markers", markers_only)


# (g) a packet length of 0x7fffffff before NEWKEYS: DISCONNECT protocol error
def bad_length(c):
    c.server_kexinit()
    c.send_raw(u32(0x7fffffff) + b"\0" * 12)
    reason = c.disconnect_reason()
    rep.check("packet length 0x7fffffff: DISCONNECT reason 2", reason == 2, "reason %s" % reason)
    rep.check("... and the server exits", c.exited())


scenario("bad length", bad_length)


# (h) an unknown service: DISCONNECT service not available, encrypted
def bad_service(c):
    c.handshake()
    p = c.service("ssh-nonesuch")
    reason = Reader(p[1:]).u32() if p[0] == DISCONNECT else None
    rep.check("unknown service: DISCONNECT reason 7", reason == 7, "got message %d" % p[0])
    rep.check("... and the server exits", c.exited())


scenario("bad service", bad_service)


# a service request before the exchange has finished is a protocol error
def early_service(c):
    c.server_kexinit()
    c.send(bytes([SERVICE_REQUEST]) + string("ssh-userauth"))
    reason = c.disconnect_reason()
    rep.check("SERVICE_REQUEST before NEWKEYS: DISCONNECT reason 2", reason == 2, "reason %s" % reason)


scenario("early service", early_service)
rep.finish()
