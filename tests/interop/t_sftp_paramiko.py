#!/usr/bin/python3
"""internal-sftp (issue 17) with paramiko: its SFTPClient, then raw SFTP
packets on a subsystem channel for what clients do not reach: each OpenSSH
extension (limits@openssh.com's values, copy-data, statvfs, hardlink, fsync,
lsetstat, expand-path, home-directory, users-groups-by-id), and bad input:
truncated packets, a length over the limit, unknown types, too many
handles, a handle from another session; each answered with a status or a
clean close, and the server still there."""
import hashlib
import os
import struct
import sys
import time

try:
    import paramiko
except ImportError:
    print("# paramiko is not installed (Debian: python3-paramiko); skipped")
    sys.exit(0)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import paramiko_login, paramiko_setup  # noqa: E402

env, rep, key, AK, user, made = paramiko_setup("t_sftp_paramiko", "f")
home = made[1] if made else os.path.expanduser("~")
W = os.path.join(home, "pw")
os.makedirs(W, exist_ok=True)
if made:
    os.chown(W, *[int(x) for x in (os.stat(home).st_uid, os.stat(home).st_gid)])


def connect(*opts):
    t, _, proc = paramiko_login(env, user, key, AK, *opts)
    return t, proc


# --- SFTPClient ---
t, proc = connect("-o", "Subsystem=sftp internal-sftp -l INFO")
sf = paramiko.SFTPClient.from_transport(t)
blob = os.urandom(5 * 1024 * 1024 + 17)
with sf.open(W + "/p1", "wb") as f:
    f.set_pipelined(True)
    f.write(blob)
got = sf.open(W + "/p1", "rb").read()
rep.check("SFTPClient: write then read 5 MiB", hashlib.sha256(got).digest() == hashlib.sha256(blob).digest())
st = sf.stat(W + "/p1")
rep.check("SFTPClient: stat size", st.st_size == len(blob), str(st.st_size))
sf.chmod(W + "/p1", 0o640)
rep.check("SFTPClient: chmod", (os.stat(W + "/p1").st_mode & 0o777) == 0o640)
sf.utime(W + "/p1", (1000000000, 1000000000))
rep.check("SFTPClient: utime", int(os.stat(W + "/p1").st_mtime) == 1000000000)
sf.truncate(W + "/p1", 10)
rep.check("SFTPClient: truncate", os.stat(W + "/p1").st_size == 10)
sf.posix_rename(W + "/p1", W + "/p2")
rep.check("SFTPClient: posix_rename", os.path.exists(W + "/p2") and not os.path.exists(W + "/p1"))
sf.symlink("p2", W + "/l2")
rep.check("SFTPClient: symlink and readlink", sf.readlink(W + "/l2") == "p2")
rep.check("SFTPClient: lstat of a link", sf.lstat(W + "/l2").st_mode & 0o170000 == 0o120000)
sf.mkdir(W + "/dd", 0o700)
names = sorted(sf.listdir(W))
rep.check("SFTPClient: listdir", names == ["dd", "l2", "p2"], repr(names))
rep.check("SFTPClient: normalize('.') is the home", sf.normalize(".") == os.path.realpath(home), sf.normalize("."))
try:
    sf.open(W + "/nope", "rb")
    ok = False
except FileNotFoundError:
    ok = True
rep.check("SFTPClient: a missing file is ENOENT", ok)
try:
    sf.rename(W + "/p2", W + "/l2")
    ok = False
except IOError:
    ok = True
rep.check("SFTPClient: rename does not replace", ok and os.path.islink(W + "/l2"))
sf.rmdir(W + "/dd")
sf.remove(W + "/l2")
sf.close()
t.close()


# --- raw packets ---
def s_(b):
    if isinstance(b, str):
        b = b.encode()
    return struct.pack(">I", len(b)) + b


class Raw:
    def __init__(self, t, window=None):
        self.ch = t.open_session(window_size=window) if window else t.open_session()
        self.ch.settimeout(20)
        self.ch.invoke_subsystem("sftp")
        self.buf = b""
        self.id = 0

    def send(self, typ, body, raw=None):
        self.id += 1
        p = raw if raw is not None else bytes([typ]) + struct.pack(">I", self.id) + body
        self.ch.sendall(struct.pack(">I", len(p)) + p)
        return self.id

    def recv(self, chunk=1 << 20):
        while len(self.buf) < 4 or len(self.buf) < 4 + struct.unpack(">I", self.buf[:4])[0]:
            d = self.ch.recv(chunk)
            if not d:
                return None
            self.buf += d
        n = struct.unpack(">I", self.buf[:4])[0]
        p, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
        return p

    def init(self):
        self.ch.sendall(struct.pack(">IBI", 5, 1, 3))
        return self.recv()

    def status(self, p):
        return struct.unpack(">I", p[5:9])[0] if p and p[0] == 101 else None

    def handle(self, p):
        return p[9:9 + struct.unpack(">I", p[5:9])[0]] if p and p[0] == 102 else None

    def open(self, path, flags):
        self.send(3, s_(path) + struct.pack(">II", flags, 0))
        return self.handle(self.recv())


def strings(b):
    out = []
    while b:
        n = struct.unpack(">I", b[:4])[0]
        out.append(b[4:4 + n])
        b = b[4 + n:]
    return out


t, proc = connect()
r = Raw(t)
v = r.init()
exts = strings(v[5:])
exts = dict(zip(exts[0::2], exts[1::2]))
rep.check("VERSION 3", v[0] == 2 and struct.unpack(">I", v[1:5])[0] == 3)
# a WRITE of the 255 KiB limits@openssh.com allows is what OpenSSH's sftp
# sends: the window must hold two of them (512 KiB), or a put waits a round
# trip per request (the INIT's 9 bytes are all that was sent)
rep.check("the sftp channel's window holds two WRITEs", r.ch.out_window_size == 512 * 1024 - 9,
          str(r.ch.out_window_size))
want = [b"posix-rename@openssh.com", b"statvfs@openssh.com", b"fstatvfs@openssh.com", b"hardlink@openssh.com",
        b"fsync@openssh.com", b"lsetstat@openssh.com", b"limits@openssh.com", b"expand-path@openssh.com",
        b"copy-data", b"home-directory", b"users-groups-by-id@openssh.com"]
rep.check("VERSION lists the extensions", all(w in exts for w in want), repr(exts))

r.send(200, s_("limits@openssh.com"))
p = r.recv()
lim = struct.unpack(">QQQQ", p[5:37]) if p and p[0] == 201 else None
rep.check("limits@openssh.com: 256 KiB packets, reads, writes, handles",
          lim is not None and lim[0] == 262144 and lim[1] == 261120 and lim[2] == 261120 and lim[3] > 0, repr(lim))

data = os.urandom(300000)
with open(W + "/src", "wb") as f:
    f.write(data)
if made:
    os.chown(W + "/src", os.stat(home).st_uid, os.stat(home).st_gid)
hr = r.open(W + "/src", 1)
hw = r.open(W + "/dst", 2 | 8 | 0x10)
r.send(200, s_("copy-data") + s_(hr) + struct.pack(">QQ", 0, 0) + s_(hw) + struct.pack(">Q", 0))
rep.check("copy-data: OK", r.status(r.recv()) == 0)
r.send(200, s_("fsync@openssh.com") + s_(hw))
rep.check("fsync@openssh.com: OK", r.status(r.recv()) == 0)
rep.check("copy-data: the same bytes", open(W + "/dst", "rb").read() == data)
# a big copy goes in steps between the connection's other work (issue
# 17): a request on another channel sent after it is answered before it ends
with open(W + "/bigsrc", "wb") as f:
    f.truncate(64 << 20)
if made:
    os.chown(W + "/bigsrc", os.stat(home).st_uid, os.stat(home).st_gid)
hb = r.open(W + "/bigsrc", 1)
hbw = r.open(W + "/bigdst", 2 | 8 | 0x10)
r2 = Raw(t)
r2.init()
r.send(200, s_("copy-data") + s_(hb) + struct.pack(">QQ", 0, 0) + s_(hbw) + struct.pack(">Q", 0))
r2.send(17, s_(W))
p2 = r2.recv()
copying = not r.ch.recv_ready()
rep.check("copy-data of 64 MiB: another channel's STAT is answered while it runs", p2 and p2[0] == 105 and copying,
          "stat reply %r, copy answered already: %s" % (p2[:5] if p2 else p2, not copying))
rep.check("copy-data of 64 MiB: OK once done", r.status(r.recv()) == 0)
rep.check("copy-data of 64 MiB: the whole file", os.path.getsize(W + "/bigdst") == 64 << 20)
r2.ch.close()
os.unlink(W + "/bigsrc")
os.unlink(W + "/bigdst")
r.send(200, s_("copy-data") + s_(hr) + struct.pack(">QQ", 0, 10) + s_(hr) + struct.pack(">Q", 5))
rep.check("copy-data: overlapping ranges of one handle refused", r.status(r.recv()) == 4)
r.send(200, s_("fstatvfs@openssh.com") + s_(hr))
p = r.recv()
rep.check("fstatvfs@openssh.com: 11 values", p and p[0] == 201 and len(p) == 5 + 88)
r.send(200, s_("statvfs@openssh.com") + s_(W))
p = r.recv()
vf = struct.unpack(">11Q", p[5:]) if p and p[0] == 201 and len(p) == 93 else None
sv = os.statvfs(W)
rep.check("statvfs@openssh.com: block size and name max", vf and vf[0] == sv.f_bsize and vf[10] == sv.f_namemax)
r.send(200, s_("hardlink@openssh.com") + s_(W + "/src") + s_(W + "/hl"))
rep.check("hardlink@openssh.com", r.status(r.recv()) == 0 and os.stat(W + "/hl").st_ino == os.stat(W + "/src").st_ino)
os.symlink("src", W + "/ls")
if made:
    os.lchown(W + "/ls", os.stat(home).st_uid, os.stat(home).st_gid)
r.send(200, s_("lsetstat@openssh.com") + s_(W + "/ls") + struct.pack(">III", 8, 1000, 2000))
rep.check("lsetstat@openssh.com: the link's own times",
          r.status(r.recv()) == 0 and int(os.lstat(W + "/ls").st_mtime) == 2000 and
          int(os.stat(W + "/src").st_mtime) != 2000)
r.send(200, s_("expand-path@openssh.com") + s_("~/pw"))
p = r.recv()
rep.check("expand-path@openssh.com: ~/pw", p and p[0] == 104 and strings(p[9:])[0] == os.path.realpath(W).encode(),
          repr(p))
r.send(200, s_("home-directory") + s_(user))
p = r.recv()
rep.check("home-directory", p and p[0] == 104 and strings(p[9:])[0] == home.encode(), repr(p))
uid = os.stat(home).st_uid
r.send(200, s_("users-groups-by-id@openssh.com") + s_(struct.pack(">II", uid, 4000000000)) + s_(struct.pack(">I", 0)))
p = r.recv()
ug = [strings(x) for x in strings(p[5:])] if p and p[0] == 201 else None
rep.check("users-groups-by-id@openssh.com", ug == [[user.encode(), b""], [b"root"]], repr(ug))
r.send(200, s_("users-groups-by-id@openssh.com") + s_(struct.pack(">I", uid) * 1000) + s_(b""))
p = r.recv()
ug = [strings(x) for x in strings(p[5:])] if p and p[0] == 201 else None
rep.check("users-groups-by-id@openssh.com: 1000 ids, 1000 names", ug is not None and ug[0] == [user.encode()] * 1000,
          repr(p)[:200])
# a request within the limits whose names would not fit one reply: a
# FAILURE status, and the session goes on (issue 17)
r.send(200, s_("users-groups-by-id@openssh.com") + s_(struct.pack(">I", uid) * 65000) + s_(b""))
p = r.recv()
rep.check("users-groups-by-id@openssh.com: 65000 ids whose names exceed a reply: FAILURE", r.status(p) == 4,
          repr(p)[:200])
r.send(200, s_("home-directory") + s_(user))
p = r.recv()
rep.check("users-groups-by-id@openssh.com: the session goes on after it", p and p[0] == 104, repr(p)[:200])
r.send(200, s_("no-such@example.com"))
rep.check("unknown extension: OP_UNSUPPORTED", r.status(r.recv()) == 8)

# --- bad input ---
r.send(0, b"", raw=bytes([99]) + struct.pack(">I", 77))
rep.check("unknown type: OP_UNSUPPORTED", r.status(r.recv()) == 8)
r.send(0, b"", raw=bytes([3]) + struct.pack(">I", 78) + struct.pack(">I", 1000) + b"abc")
p = r.recv()
rep.check("truncated fields: BAD_MESSAGE", r.status(p) == 5 and struct.unpack(">I", p[1:5])[0] == 78)
r.send(0, b"", raw=bytes([17]) + struct.pack(">I", 79) + s_(W) + b"extra")
rep.check("bytes left over: BAD_MESSAGE", r.status(r.recv()) == 5)
r.send(5, s_(b"\0\0\0\0\0\0\0\0") + struct.pack(">QI", 0, 10))
rep.check("a made-up handle: FAILURE", r.status(r.recv()) == 4)
r.send(5, s_(hr) + struct.pack(">QI", 0, 1 << 30))
p = r.recv()
rep.check("a read over the limit is cut to max-read-length",
          p and p[0] == 103 and struct.unpack(">I", p[5:9])[0] == 261120)
# a handle of this session, used in another
r2 = Raw(t)
r2.init()
r2.send(5, s_(hr) + struct.pack(">QI", 0, 10))
rep.check("a handle from another session: FAILURE", r2.status(r2.recv()) == 4)
# too many handles
hs = []
while len(hs) < 2000:
    h = r2.open(W + "/src", 1)
    if h is None:
        break
    hs.append(h)
rep.check("too many handles: refused past the limit", 0 < len(hs) < 2000 and len(hs) <= lim[3], str(len(hs)))
r2.send(17, s_(W))
rep.check("after too many handles the session still works", r2.recv()[0] == 105)
# pipelined: 64 reads of 32 KiB in flight
ids = [r.send(5, s_(hr) + struct.pack(">QI", i * 32768, 32768)) for i in range(64)]
got = {}
for _ in ids:
    p = r.recv()
    rid = struct.unpack(">I", p[1:5])[0]
    got[rid] = p[9:] if p[0] == 103 else b""
rep.check("64 pipelined reads of 32 KiB", b"".join(got[i] for i in ids) == data)
# the client's window is a bound, not a goal (SFTP_PEER_AHEAD): once a
# client has shown how it gives its window back, it is sent about 512 KiB
# beyond what it has consumed, not its whole window
big = os.urandom(8 << 20)
with open(W + "/big", "wb") as f:
    f.write(big)


def settled(ch):
    held, end = -1, time.time() + 10
    while time.time() < end and len(ch.in_buffer) != held:
        held = len(ch.in_buffer)
        time.sleep(0.5)
    return held


def read_all(rb, ids, got):
    for _ in ids[len(got):]:
        p = rb.recv()
        got[struct.unpack(">I", p[1:5])[0]] = p[9:] if p and p[0] == 103 else b""
    return b"".join(got[i] for i in ids)


for win, what in ((None, "paramiko's 2 MiB window"), (16 << 20, "a 16 MiB window")):
    rb = Raw(t, window=win)
    rb.init()
    h = rb.open(W + "/big", 1)
    ids = [rb.send(5, s_(h) + struct.pack(">QI", off, 261120)) for off in range(0, len(big), 261120)]
    got = {}
    if win is None:
        # paramiko gives back once a tenth of its window is read: read
        # 3 MiB of replies 64 KiB at a time, then stop reading
        settled(rb.ch)
        for _ in range(12):
            p = rb.recv(65536)
            got[struct.unpack(">I", p[1:5])[0]] = p[9:]
        held = settled(rb.ch)
        rep.check("%s, 3 MiB read, then nothing: under 1 MiB more comes" % what, 0 < held <= 1 << 20, str(held))
    # a client that gives back only a tenth of 16 MiB at a time is never
    # held back before it has: all 8 MiB come without a read
    else:
        held = settled(rb.ch)
        rep.check("%s, nothing read: all 8 MiB come" % what, held >= len(big), str(held))
    rep.check("%s: all 8 MiB come whole" % what, read_all(rb, ids, got) == big)
    rb.ch.close()
os.unlink(W + "/big")
# a length over the limit ends the session cleanly
r.ch.sendall(struct.pack(">I", 300000) + b"\x05")
end = time.time() + 10
while not r.ch.closed and time.time() < end and r.ch.recv(65536):
    pass
rep.check("a length over 256 KiB: the channel closes", r.ch.recv_exit_status() == 1)
# a truncated packet, then EOF: a clean close
r3 = Raw(t)
r3.init()
r3.ch.sendall(struct.pack(">I", 100) + b"\x11\0\0")
r3.ch.shutdown_write()
rep.check("a truncated packet then EOF: a clean close", r3.ch.recv_exit_status() == 0)
# requests before INIT
r4 = Raw(t)
r4.send(17, s_(W))
rep.check("a request before INIT: the channel closes", r4.ch.recv_exit_status() == 1)
r5 = Raw(t)
r5.init()
r5.send(17, s_(W))
rep.check("the connection still serves new sessions", r5.recv()[0] == 105)
t.close()
proc.wait(timeout=10)
rep.check("the server exits cleanly", proc.returncode == 0, str(proc.returncode))
log = env.log_text()
rep.check("no crash in the log", "fatal" not in log.lower() and "sanitizer" not in log.lower())
rep.finish()
