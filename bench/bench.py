#!/usr/bin/python3
"""sshd-lite side by side with Dropbear and OpenSSH.

Runs `sshd-lite -i`, `dropbear -i`, `/usr/sbin/sshd -i` and, when the
Debian 13 root of tests/trixie.sh has it, OpenSSH 10's `sshd -i` (chrooted
there with its own copies of the host keys, config and user) in inetd mode
behind the same OpenSSH client (ProxyCommand), alternating the servers run by
run, and reports medians, p10-p90 spreads and ratios for connection latency,
server CPU per connection, bulk throughput, peak memory and size.

Needs root (the servers switch to a dedicated bench user, created with
useradd for the run, home under build/bench, and removed afterwards).
Installs nothing: says what to install when a peer is missing.

    bench/bench.py            full run; rewrites docs/BENCHMARKS.md
    bench/bench.py --quick    a smoke run in well under two minutes
    bench/bench.py --only pq  sshd-lite's post-quantum hybrids beside
                              curve25519-sha256 (build/bench/BENCHMARKS.md)
    bench/bench.py --only cheap [--baseline OLD/sshd-lite or GIT-REVISION]
                              issue 13's three numbers (server CPU per
                              connection, latency, idle RSS/PSS of all of a
                              connection's processes) beside Dropbear and
                              OpenSSH, with the goals; --baseline runs an
                              older sshd-lite alternately for the "at most
                              1 ms above today's" goal

Every measure covers all of a connection's server-side processes: CPU
through bench/rusage (wait4 over the whole tree, as a child subreaper),
memory through bench/proctree.py (/proc, every descendant running the
server's binary).

The hybrids' rows use two clients: Debian 12's ssh (9.2: sntrup761 under its
older name, no ML-KEM) through the ProxyCommand, and the OpenSSH 10 client of
the Debian 13 root that tests/trixie.sh builds, run chrooted and connecting
over loopback TCP to a port this script answers (its root holds neither the
server nor bench/rusage); without that root those rows are left out.
"""

import argparse
import datetime
import fcntl
import os
import platform
import pwd
import random
import re
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from proctree import command_running, server_memory
import cheap
from stats import cell, fmt, fmt_ratio, median, median_ci, ratio, table

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")
B = os.path.join(BUILD, "bench")
RUN = os.path.join(B, "run")
HOME = os.path.join(B, "home")
# SSHL_BENCH_USER: another name, so that two clones on one machine can
# bench at the same time (each removes only a user whose home is its own)
USER = os.environ.get("SSHL_BENCH_USER") or "sshlbench"
HOST = "benchhost"
WRAP = os.path.join(B, "rusage")
DOC = os.path.join(TOP, "docs", "BENCHMARKS.md")

DROPBEAR = "/usr/sbin/dropbear"
DROPBEARCONVERT = "/usr/bin/dropbearconvert"
SSHD = "/usr/sbin/sshd"
SERVERS = ["sshd-lite", "dropbear", "openssh", "openssh10"]
LABEL = {"sshd-lite": "sshd-lite", "baseline": "sshd-lite baseline", "dropbear": "Dropbear", "openssh": "OpenSSH", "openssh10": "OpenSSH 10",
         "floor": "no server"}
# --baseline: the other sshd-lite binary, run as the server "baseline"
BASELINE = BASELINE_FROM = None
# the peers sshd-lite's ratios are taken against, in the tables' order
PEERS = ["dropbear", "openssh", "openssh10"]

# (label, KexAlgorithms, HostKeyAlgorithms, host key file suffix)
KEXES = [
    ("curve25519-sha256 / ssh-ed25519", "curve25519-sha256", "ssh-ed25519"),
    ("ecdh-sha2-nistp256 / ecdsa-sha2-nistp256", "ecdh-sha2-nistp256", "ecdsa-sha2-nistp256"),
    ("diffie-hellman-group14-sha256 / rsa-sha2-256", "diffie-hellman-group14-sha256", "rsa-sha2-256"),
]
# (label, Ciphers, MACs)
CIPHERS = [
    ("chacha20-poly1305@openssh.com", "chacha20-poly1305@openssh.com", None),
    ("aes128-gcm@openssh.com", "aes128-gcm@openssh.com", None),
    ("aes128-ctr + hmac-sha2-256-etm@openssh.com", "aes128-ctr", "hmac-sha2-256-etm@openssh.com"),
    # Debian's Dropbear offers neither GCM nor the -etm MACs; this is the
    # nearest it has to the row above (the same work, MAC over the plaintext)
    ("aes128-ctr + hmac-sha2-256", "aes128-ctr", "hmac-sha2-256"),
]
# the key exchange used for the bulk and memory runs
BULK_KEX = KEXES[0]
LATENCY_CIPHER = CIPHERS[0]

# The post-quantum hybrids beside curve25519-sha256, sshd-lite only, per
# client ("ssh": the machine's, through the ProxyCommand; "ssh10": the
# chrooted OpenSSH 10 of tests/trixie.sh), with the goal for the
# extra server CPU per connection in ms
TRIXIE = os.environ.get("TRIXIE_ROOT") or os.path.join(TOP, ".trixie")
PQ_BASE = "curve25519-sha256"
PQ_KEXES = {
    "ssh": [PQ_BASE, "sntrup761x25519-sha512@openssh.com"],
    "ssh10": [PQ_BASE, "mlkem768x25519-sha256", "sntrup761x25519-sha512"],
    "kex only": [PQ_BASE, "mlkem768x25519-sha256", "sntrup761x25519-sha512"],
}
PQ_GOAL = {"mlkem768x25519-sha256": 0.3, "sntrup761x25519-sha512": 1.0, "sntrup761x25519-sha512@openssh.com": 1.0}


def die(msg):
    print("bench: " + msg, file=sys.stderr)
    sys.exit(1)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw).stdout


# ---------------------------------------------------------------- setup

def lite_binary():
    """The sshd-lite under test: $SSHD_LITE (as for tests/run) or ./sshd-lite"""
    return os.path.abspath(os.environ.get("SSHD_LITE") or os.path.join(TOP, "sshd-lite"))


def baseline_binary(what):
    """--baseline: an sshd-lite binary, or a git revision of this clone,
    built once into build/bench/baseline-COMMIT (from `git archive`, so the
    clone's own tree and .git are left alone)"""
    if os.path.isfile(what):
        if not os.access(what, os.X_OK):
            die("--baseline %s: not an executable" % what)
        return os.path.abspath(what)
    r = subprocess.run(["git", "-C", TOP, "rev-parse", "--verify", "--quiet", what + "^{commit}"],
                       stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        die("--baseline %s: neither a file nor a git revision" % what)
    exe = os.path.join(B, "baseline-" + r.stdout.strip()[:12])
    if os.access(exe, os.X_OK):
        return exe
    # only the binary stays: the Makefile includes every *.d under build/
    src = exe + ".src"
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(src)
    progress("bench: building %s as the baseline, %s" % (what, exe))
    try:
        arch = subprocess.Popen(["git", "-C", TOP, "archive", r.stdout.strip()], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", src], stdin=arch.stdout, check=True)
        arch.stdout.close()
        if arch.wait() != 0:
            die("--baseline %s: git archive failed" % what)
        b = subprocess.run(["make", "-C", src, "-j%d" % (os.cpu_count() or 1), "sshd-lite"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if b.returncode != 0:
            die("--baseline %s: the build failed: %s" % (what, b.stdout.strip()[-300:]))
        shutil.copy(os.path.join(src, "sshd-lite"), exe)
    finally:
        shutil.rmtree(src, ignore_errors=True)
    return exe


def check_prereqs(want):
    missing = []
    # OpenSSH 10 is optional: without its root it is left out (ssh10d_check)
    for path, pkg in ((DROPBEAR, "dropbear-bin"), (DROPBEARCONVERT, "dropbear-bin"), (SSHD, "openssh-server"),
                      (shutil.which("ssh") or "/usr/bin/ssh", "openssh-client"),
                      (shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen", "openssh-client")):
        if not os.access(path, os.X_OK):
            missing.append((path, pkg))
    if missing:
        pkgs = sorted({p for _, p in missing})
        for path, pkg in missing:
            print("bench: missing %s (Debian package %s)" % (path, pkg), file=sys.stderr)
        die("install the peers first: apt-get install %s" % " ".join(pkgs))
    for tool in ("useradd", "userdel", "strip", "ldd"):
        if not shutil.which(tool):
            die("missing %s" % tool)
    if os.geteuid() != 0:
        die("run as root: the servers switch to a dedicated bench user (%s) created for the run" % USER)
    if "sshd-lite" in want and not os.access(lite_binary(), os.X_OK):
        die("build sshd-lite first (make)")


def build_wrapper():
    src = os.path.join(TOP, "bench", "rusage.c")
    if not os.path.exists(WRAP) or os.path.getmtime(WRAP) < os.path.getmtime(src):
        cc = os.environ.get("CC", "cc")
        subprocess.run([cc, "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-o", WRAP, src], check=True)


def remove_user():
    try:
        pw = pwd.getpwnam(USER)
    except KeyError:
        return
    if os.path.realpath(pw.pw_dir) != os.path.realpath(HOME):
        die("a user %s exists whose home is not %s: not touching it" % (USER, HOME))
    # -f: plain userdel refuses while a server of the user is still exiting
    subprocess.run(["userdel", "-f", USER], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def setup(want):
    for d in (BUILD, B):
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o755)
    shutil.rmtree(RUN, ignore_errors=True)
    shutil.rmtree(HOME, ignore_errors=True)
    os.makedirs(os.path.join(RUN, "r"))
    os.chmod(RUN, 0o755)
    build_wrapper()

    # the servers all run from copies taken now, so a rebuild during the run
    # cannot mix versions; ours stripped like the distribution's binaries
    if "sshd-lite" in want:
        lite = os.path.join(RUN, "sshd-lite")
        subprocess.run(["strip", "-o", lite, lite_binary()], check=True)
    if "baseline" in want:
        subprocess.run(["strip", "-o", os.path.join(RUN, "baseline"), BASELINE], check=True)

    remove_user()
    subprocess.run(["useradd", "-M", "-d", HOME, "-s", "/bin/sh", "-p", "*", "-U", USER], check=True)
    pw = pwd.getpwnam(USER)
    os.makedirs(os.path.join(HOME, ".ssh"))
    os.chmod(HOME, 0o755)
    os.chmod(os.path.join(HOME, ".ssh"), 0o700)

    keys = {}
    for t, args in (("ed25519", ["-t", "ed25519"]), ("ecdsa", ["-t", "ecdsa", "-b", "256"]),
                    ("rsa", ["-t", "rsa", "-b", "3072"])):
        f = os.path.join(RUN, "host_" + t)
        sh(["ssh-keygen", "-q", "-N", "", "-C", "host"] + args + ["-f", f])
        sh([DROPBEARCONVERT, "openssh", "dropbear", f, f + ".dropbear"])
        keys[t] = f
    cid = os.path.join(RUN, "id_ed25519")
    sh(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-C", "client", "-f", cid])
    ak = os.path.join(HOME, ".ssh", "authorized_keys")
    shutil.copy(cid + ".pub", ak)
    os.chmod(ak, 0o600)
    for p in (HOME, os.path.join(HOME, ".ssh"), ak):
        os.chown(p, pw.pw_uid, pw.pw_gid)
    with open(os.path.join(RUN, "known_hosts"), "w") as f:
        for t in keys:
            with open(keys[t] + ".pub") as k:
                f.write("%s %s\n" % (HOST, " ".join(k.read().split()[:2])))

    common = ["HostKey %s" % keys[t] for t in ("ed25519", "ecdsa", "rsa")] + [
        "AuthorizedKeysFile .ssh/authorized_keys",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        "StrictModes yes",
        "UseDNS no",
        "PrintMotd no",
        "PrintLastLog no",
        "LogLevel INFO",
    ]
    with open(os.path.join(RUN, "sshd-lite_config"), "w") as f:
        f.write("\n".join(common) + "\n")
    with open(os.path.join(RUN, "sshd_config"), "w") as f:
        f.write("\n".join(common + ["UsePAM no", "PidFile none"]) + "\n")
    if "openssh10" in want:
        global SSH10D
        SSH10D = ssh10d_setup(common)
    # OpenSSH refuses to start without its privilege separation directory,
    # which the distribution's service unit normally creates at boot
    if not os.path.isdir("/run/sshd"):
        os.makedirs("/run/sshd", 0o755)
    return keys


def ssh10d_check():
    """None when the Debian 13 root has an OpenSSH 10 server that runs,
    else why not"""
    sshd = os.path.join(TRIXIE, "usr", "sbin", "sshd")
    if not os.access(sshd, os.X_OK):
        return "no OpenSSH 10 server in %s (tests/trixie.sh installs it)" % TRIXIE
    v = subprocess.run(["chroot", TRIXIE, "/usr/sbin/sshd", "-V"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not v.stdout.startswith("OpenSSH_"):
        return "the sshd of %s does not run: %s" % (TRIXIE, v.stdout.strip()[:200])
    return None


def ssh10d_setup(common):
    """The OpenSSH 10 server's own directory inside the Debian 13 root: the
    run's host keys, an sshd_config like OpenSSH 9.2's and the bench user's
    home, with the user added to the root's passwd (ssh10d_cleanup removes
    both). The server runs chrooted there, so it reads nothing of the
    machine's; returns the directory as the server sees it."""
    d = tempfile.mkdtemp(prefix="sshlbenchd.", dir=os.path.join(TRIXIE, "tmp"))
    os.chmod(d, 0o755)
    inside = "/" + os.path.relpath(d, TRIXIE)
    lines = []
    for line in common:
        if line.startswith("HostKey "):
            f = line.split()[1]
            for ext in ("", ".pub"):
                shutil.copy(f + ext, d)
            line = "HostKey %s/%s" % (inside, os.path.basename(f))
        lines.append(line)
    with open(os.path.join(d, "sshd_config"), "w") as f:
        f.write("\n".join(lines + ["UsePAM no", "PidFile none"]) + "\n")
    subprocess.run(["chroot", TRIXIE, "userdel", "-f", USER], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["chroot", TRIXIE, "useradd", "-M", "-d", inside + "/home", "-s", "/bin/sh", "-p", "*", "-U",
                    USER], check=True)
    shutil.copytree(HOME, os.path.join(d, "home"), symlinks=True)
    uid, gid = (int(x) for x in subprocess.run(["chroot", TRIXIE, "sh", "-c", "id -u %s; id -g %s" % (USER, USER)],
                                               stdout=subprocess.PIPE, text=True, check=True).stdout.split())
    for root, dirs, files in os.walk(os.path.join(d, "home")):
        for n in [root] + [os.path.join(root, x) for x in dirs + files]:
            os.lchown(n, uid, gid)
    os.makedirs(os.path.join(TRIXIE, "run", "sshd"), 0o755, exist_ok=True)
    return inside


def ssh10d_cleanup():
    global SSH10D
    if SSH10D:
        subprocess.run(["chroot", TRIXIE, "userdel", "-f", USER], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(os.path.join(TRIXIE, SSH10D.lstrip("/")), ignore_errors=True)
        SSH10D = None


# the OpenSSH 10 server's directory inside the root, once set up
SSH10D = None


def server_exe(name):
    """the path(s) of the server's own processes, for server_memory: OpenSSH
    10's sshd execs sshd-session, which runs sshd-auth before the login"""
    if name == "openssh10":
        return (os.path.join(TRIXIE, "usr", "sbin", "sshd"), os.path.join(TRIXIE, "usr", "lib", "openssh", "sshd-"))
    return None


def server_argv(name):
    if name == "openssh10":
        return [shutil.which("chroot") or "/usr/sbin/chroot", TRIXIE, "/usr/sbin/sshd", "-i", "-f", SSH10D + "/sshd_config"]
    if name in ("sshd-lite", "baseline"):
        return [os.path.join(RUN, name), "-i", "-f", os.path.join(RUN, "sshd-lite_config")]
    if name == "dropbear":
        argv = [DROPBEAR, "-i", "-s"]
        for t in ("ed25519", "ecdsa", "rsa"):
            argv += ["-r", os.path.join(RUN, "host_%s.dropbear" % t)]
        return argv
    return [SSHD, "-i", "-f", os.path.join(RUN, "sshd_config")]


# ---------------------------------------------------------------- one run

class Run:
    """One client connection to one freshly started server."""

    seq = 0

    def __init__(self, server, kex, cipher, remote, sample_every=None, sample_at=None, argv=None, user=USER,
                 root_dir=None):
        """root_dir: run the chrooted OpenSSH 10 client instead, with the
        key and known_hosts that ssh10_setup copied to root_dir"""
        Run.seq += 1
        base = os.path.join(RUN, "r", "%s-%d" % (server, Run.seq))
        self.server, self.out, self.pidf = server, base + ".out", base + ".pid"
        self.exe = server_exe(server) or (argv or server_argv(server))[0]
        argv = argv or server_argv(server)
        proxy = "%s %s %s %s" % (WRAP, self.out, self.pidf, shlex.join(argv))
        opts = {
            "BatchMode": "yes", "StrictHostKeyChecking": "yes",
            "UserKnownHostsFile": os.path.join(RUN, "known_hosts"), "GlobalKnownHostsFile": "/dev/null",
            "IdentityFile": os.path.join(RUN, "id_ed25519"), "IdentitiesOnly": "yes",
            "UpdateHostKeys": "no", "Compression": "no", "ControlMaster": "no", "ControlPath": "none",
            "ConnectTimeout": "30", "LogLevel": "INFO", "ProxyCommand": proxy, "ProxyUseFdpass": "yes",
            "KexAlgorithms": kex[1], "HostKeyAlgorithms": kex[2], "Ciphers": cipher[1],
        }
        if cipher[2]:
            opts["MACs"] = cipher[2]
        self.ssh = ["ssh", "-F", "/dev/null", "-T"]
        self.listener = None
        if root_dir:
            self.listener = Listener([WRAP, self.out, self.pidf] + argv)
            inside = "/" + os.path.relpath(root_dir, TRIXIE)
            del opts["ProxyCommand"], opts["ProxyUseFdpass"]
            opts.update({"HostName": "127.0.0.1", "Port": str(self.listener.port), "HostKeyAlias": HOST,
                         "UserKnownHostsFile": inside + "/known_hosts", "IdentityFile": inside + "/id_ed25519"})
            self.ssh = ["chroot", TRIXIE, "/usr/bin/ssh", "-F", "/dev/null", "-T"]
        for k, v in opts.items():
            self.ssh += ["-o", "%s=%s" % (k, v)]
        self.ssh += ["-l", user, HOST, remote]
        self.sample_every, self.sample_at = sample_every, sample_at
        self.mem = {"hwm_max": 0, "rss_total": 0, "pss_total": 0, "nproc": 0, "procs": []}
        self.wall = self.cpu = self.maxrss = None
        self.status = None

    def _sampler(self, stop):
        t0 = time.monotonic()
        while not os.path.exists(self.pidf):
            if stop.wait(0.002) or time.monotonic() - t0 > 30:
                return
        with open(self.pidf) as f:
            root = int(f.read())
        if self.sample_at is not None:
            # idle: once the user's command runs (the session is up and
            # any pre-authentication process is gone), then sample_at later
            t0 = time.monotonic()
            while not command_running(root, self.exe):
                if stop.wait(0.01) or time.monotonic() - t0 > 30:
                    return
            if stop.wait(self.sample_at):
                return
            self._sample(root)
            self.mem["sampled"] = True
            return
        while not stop.is_set():
            self._sample(root)
            stop.wait(self.sample_every)

    def _sample(self, root):
        """the largest of each figure over the samples so far"""
        m = server_memory(root, self.exe)
        for k in ("hwm_max", "rss_total", "pss_total", "nproc"):
            if m[k] is not None and m[k] >= self.mem[k]:
                self.mem[k] = m[k]
                if k == "rss_total":
                    self.mem["procs"] = m["procs"]
        for p in self.mem["procs"]:
            p.setdefault("user", user_name(p["uid"], self.server))

    def go(self, feed=0, count=False, timeout=600):
        """Runs the client. feed: that many zero bytes go to its stdin;
        count: its stdout is counted rather than kept. Both through pipes
        of 1 MiB: with the default 64 KiB the client's own buffering costs
        it several times the servers' CPU and hides their differences."""
        env = dict(os.environ)
        env.pop("SSH_AUTH_SOCK", None)
        env["SHELL"] = "/bin/sh"  # runs the ProxyCommand; bash would add its start-up time
        stop = threading.Event()
        th = None
        if self.sample_every or self.sample_at is not None:
            th = threading.Thread(target=self._sampler, args=(stop,), daemon=True)
            th.start()
        t0 = time.perf_counter()
        stdin, stdout, feeder = subprocess.DEVNULL, subprocess.PIPE, None
        if feed:
            stdin, w = big_pipe()
            feeder = subprocess.Popen(["head", "-c", str(feed), "/dev/zero"], stdout=w)
            os.close(w)
        if count:
            r, stdout = big_pipe()
        p = subprocess.Popen(self.ssh, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env)
        watchdog = threading.Timer(timeout, p.kill)
        watchdog.start()
        if self.listener:
            self.listener.serve(p)
        if feed:
            os.close(stdin)
        if count:
            os.close(stdout)
            n = 0
            while True:
                chunk = os.read(r, 1 << 20)
                if not chunk:
                    break
                n += len(chunk)
            os.close(r)
            out, err = str(n).encode(), p.stderr.read()
            p.wait()
        else:
            out, err = p.communicate()
        watchdog.cancel()
        if feeder:
            feeder.wait()
        self.wall = time.perf_counter() - t0
        stop.set()
        if th:
            th.join()
        self.rc, self.stdout, self.stderr = p.returncode, out.decode(errors="replace"), err.decode(errors="replace")
        # the wrapper reports once the server has exited
        t0 = time.monotonic()
        while not os.path.exists(self.out) and time.monotonic() - t0 < 10:
            time.sleep(0.002)
        if os.path.exists(self.out):
            with open(self.out) as f:
                u, s, rss, st = f.read().split()
            self.cpu, self.maxrss, self.status = float(u) + float(s), int(rss), int(st)
            self.ucpu, self.scpu = float(u), float(s)
        if self.listener:
            self.listener.close()
        for f in (self.out, self.pidf):
            try:
                os.unlink(f)
            except OSError:
                pass
        return self

    def ok(self):
        return self.rc == 0 and self.cpu is not None


def user_name(uid, server):
    """uid's name while the bench user exists: in the Debian 13 root's
    passwd for OpenSSH 10, which runs chrooted there"""
    if server == "openssh10":
        try:
            with open(os.path.join(TRIXIE, "etc", "passwd")) as f:
                for line in f:
                    e = line.split(":")
                    if len(e) > 2 and e[2] == str(uid):
                        return e[0]
        except OSError:
            pass
        return str(uid)
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


class Listener:
    """A port on 127.0.0.1 for the chrooted client, whose root has neither
    bench/rusage nor the server to run as a ProxyCommand: its one connection
    gets argv (bench/rusage in its inetd mode, then the server), as a
    launcher would start it."""

    def __init__(self, argv):
        self.argv, self.p = argv, None
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]

    def serve(self, client):
        """accepts while the client runs (at most 30 s) and starts argv"""
        end = time.monotonic() + 30
        while client.poll() is None and time.monotonic() < end:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            with conn:
                conn.setblocking(True)
                self.p = subprocess.Popen(self.argv, stdin=conn, stdout=conn, stderr=subprocess.DEVNULL,
                                          env=dict(os.environ, RUSAGE_INETD="1"))
            break
        self.sock.close()

    def close(self):
        self.sock.close()
        if self.p:
            self.p.wait()


def big_pipe():
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except OSError:
        pass
    return r, w


def rotation(servers, i):
    k = i % len(servers)
    return servers[k:] + servers[:k]


# ---------------------------------------------------------------- the tests

def preflight(servers):
    """Drops the servers that cannot log in at all."""
    usable = []
    for s in servers:
        r = Run(s, KEXES[0], CIPHERS[0], "true").go(timeout=60)
        if r.ok():
            usable.append(s)
        else:
            print("bench: %s cannot log in, left out: rc=%s %s" % (LABEL[s], r.rc, r.stderr.strip()[:300]),
                  file=sys.stderr)
    return usable


def failed(r, what, unsupported, key):
    """A run that failed: an algorithm the server does not offer makes its
    cell n/a (noted in unsupported), anything else ends the benchmark."""
    if "no matching" in r.stderr:
        if key not in unsupported:
            print("bench: %s does not offer %s: %s" % (LABEL[r.server], what, r.stderr.strip()[-200:]),
                  file=sys.stderr)
        unsupported.add(key)
        return
    die("%s: %s failed: rc=%s %s" % (LABEL[r.server], what, r.rc, r.stderr.strip()[-300:]))


def progress(msg):
    print(msg, file=sys.stderr, flush=True)


def bench_latency(servers, unsupported, runs):
    lat, cpu = {}, {}
    for k in KEXES:
        progress("latency: %s, %d runs" % (k[0], runs))
        for i in range(runs):
            for s in rotation(servers, i):
                key = (s, k[1], LATENCY_CIPHER[0])
                if key in unsupported:
                    continue
                r = Run(s, k, LATENCY_CIPHER, "true").go(timeout=60)
                if not r.ok():
                    failed(r, k[0], unsupported, key)
                    continue
                lat.setdefault((k[0], s), []).append(r.wall * 1000)
                cpu.setdefault((k[0], s), []).append(r.cpu * 1000)
    # what every connection costs before any server work: the client's
    # start, the ProxyCommand's shell and the wrapper, with a "server"
    # that exits at once
    progress("latency: floor, %d runs" % max(5, runs // 3))
    for i in range(max(5, runs // 3)):
        r = Run("floor", KEXES[0], LATENCY_CIPHER, "true", argv=["/bin/true"]).go(timeout=60)
        lat.setdefault("floor", []).append(r.wall * 1000)
    return lat, cpu


def bench_bulk(servers, unsupported, runs, mib):
    n = mib * 1024 * 1024
    servers = [s for s in servers if s != "baseline"]  # issue 13's measures only
    tput, cpu, mem = {}, {}, {}
    for c in CIPHERS:
        for d in ("down", "up"):
            progress("throughput: %s %s, %d MiB, %d runs" % (c[0], d, mib, runs))
            for i in range(runs):
                for s in rotation(servers, i):
                    key = (s, BULK_KEX[1], c[0])
                    if key in unsupported:
                        continue
                    if d == "down":
                        r = Run(s, BULK_KEX, c, "head -c %d /dev/zero" % n, sample_every=0.1).go(count=True)
                    else:
                        r = Run(s, BULK_KEX, c, "wc -c", sample_every=0.1).go(feed=n)
                    if not r.ok():
                        failed(r, c[0], unsupported, key)
                        continue
                    got = int(r.stdout.split()[0]) if r.stdout.split() else -1
                    if got != n:
                        die("%s: %s %s moved %d bytes, not %d" % (LABEL[s], c[0], d, got, n))
                    key = (c[0], d, s)
                    tput.setdefault(key, []).append(mib / r.wall)
                    cpu.setdefault(key, []).append(r.cpu)
                    mem.setdefault((d, s), []).append(r.mem)
    return tput, cpu, mem


SFTP_SERVER = "/usr/lib/openssh/sftp-server"


def sftp_argv(ssh, batch):
    """the same client options as Run's ssh, for OpenSSH's sftp -b"""
    opts = ssh[ssh.index("-T") + 1:ssh.index("-l")]
    return ["sftp", "-q", "-F", "/dev/null", "-b", batch] + opts + ["-o", "User=" + USER, HOST]


def bench_sftp(runs, mib):
    """sftp get and put of one file through sshd-lite twice: with its own
    internal-sftp, and with OpenSSH's sftp-server as its Subsystem; the
    server, keys, cipher and client are the same, only the subsystem
    differs (issue 17 point 5)"""
    if not os.access(SFTP_SERVER, os.X_OK):
        progress("sftp: %s is not installed, skipped" % SFTP_SERVER)
        return {}
    cfg = os.path.join(RUN, "sshd-lite_config")
    alt = os.path.join(RUN, "sshd-lite-sftp-server_config")
    with open(cfg) as f, open(alt, "w") as g:
        g.write(f.read() + "Subsystem sftp %s\n" % SFTP_SERVER)
    lite = os.path.join(RUN, "sshd-lite")
    variants = {"internal-sftp": [lite, "-i", "-f", cfg], "sftp-server": [lite, "-i", "-f", alt]}
    src, local = os.path.join(HOME, "sftp-src"), os.path.join(RUN, "sftp-local")
    block = os.urandom(1 << 20)
    for path in (src, local):
        with open(path, "wb") as f:
            for _ in range(mib):
                f.write(block)
    pw = pwd.getpwnam(USER)
    os.chown(src, pw.pw_uid, pw.pw_gid)
    down, up = os.path.join(RUN, "sftp-down"), os.path.join(HOME, "sftp-up")
    res = {}
    for d, line, result in (("get", "get sftp-src %s" % down, down), ("put", "put %s sftp-up" % local, up)):
        batch = os.path.join(RUN, "sftp-%s.batch" % d)
        with open(batch, "w") as f:
            f.write(line + "\n")
        progress("sftp: %s of %d MiB, %d runs" % (d, mib, runs))
        for i in range(runs):
            for v in rotation(list(variants), i):
                r = Run("sshd-lite", BULK_KEX, CIPHERS[0], "true", argv=variants[v])
                r.ssh = sftp_argv(r.ssh, batch)
                r.go()
                if not r.ok() or os.path.getsize(result) != mib << 20:
                    die("sftp %s through %s failed: %s" % (d, v, r.stderr.strip()[-300:]))
                os.unlink(result)
                res.setdefault((d, v), {"mibs": [], "cpu": []})
                res[(d, v)]["mibs"].append(mib / r.wall)
                res[(d, v)]["cpu"].append(r.cpu)
    os.unlink(src)
    os.unlink(local)
    return res


def sftp_section(res, mib, runs):
    if not res:
        return ""
    L = ["", "## SFTP: internal-sftp against OpenSSH's sftp-server", "",
         "`sftp -b` get and put of a %d MiB file (OpenSSH's sftp: 64 requests in flight, each of the 261120 bytes `limits@openssh.com` announces) through "
         "sshd-lite with its built-in `internal-sftp` and with `Subsystem sftp %s`: the same server, keys, "
         "client and cipher (%s), only the subsystem differs; %d runs per cell, alternated. Throughput in MiB/s "
         "(wall time of the whole sftp run, connection included) and server CPU in s (all the server's "
         "processes, sftp-server included). The issue's goal: at least 1.2x the throughput with less CPU."
         % (mib, SFTP_SERVER, CIPHERS[0][0], runs), "",
         "| transfer | internal-sftp MiB/s | sftp-server MiB/s | throughput ratio | internal-sftp CPU s "
         "| sftp-server CPU s | CPU ratio |", "|---|---|---|---|---|---|---|"]
    for d in ("get", "put"):
        a, b = res.get((d, "internal-sftp")), res.get((d, "sftp-server"))
        if not a or not b:
            continue
        L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            d, cell(a["mibs"]), cell(b["mibs"]), fmt_ratio(ratio(a["mibs"], b["mibs"])),
            cell(a["cpu"], 2), cell(b["cpu"], 2), fmt_ratio(ratio(a["cpu"], b["cpu"]))))
    return "\n".join(L) + "\n"


IDLE_SECS, IDLE_AT = 2.0, 0.5


def bench_idle(servers, runs):
    """`ssh host sleep 2`, sampled once IDLE_AT s after the user's command
    started: every server-side process of the connection (proctree)"""
    mem = {}
    progress("memory: idle session, %d runs" % runs)
    for i in range(runs):
        for s in rotation(servers, i):
            r = Run(s, BULK_KEX, LATENCY_CIPHER, "sleep %g" % IDLE_SECS, sample_at=IDLE_AT).go(timeout=60)
            if not r.ok():
                die("%s: idle session failed: %s" % (LABEL[s], r.stderr.strip()[:300]))
            if not r.mem.get("sampled"):
                die("%s: idle session: no command process seen to sample beside" % LABEL[s])
            mem.setdefault(s, []).append(r.mem)
    return mem


def ssh10_setup():
    """(directory in the Debian 13 root with copies of the client key and
    known_hosts, the root's ssh -V), or (None, why not)"""
    if not os.access(os.path.join(TRIXIE, "usr", "bin", "ssh"), os.X_OK):
        return None, "no OpenSSH 10 client in %s (tests/trixie.sh builds it)" % TRIXIE
    v = subprocess.run(["chroot", TRIXIE, "/usr/bin/ssh", "-V"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if v.returncode != 0:
        return None, "the ssh of %s does not run: %s" % (TRIXIE, v.stdout.strip()[:200])
    d = tempfile.mkdtemp(prefix="sshlbench.", dir=os.path.join(TRIXIE, "tmp"))
    for f in ("id_ed25519", "known_hosts"):
        shutil.copy(os.path.join(RUN, f), d)
    os.chmod(os.path.join(d, "id_ed25519"), 0o600)
    return d, v.stdout.strip()


def bench_pq(runs, root_dir):
    """sshd-lite with each hybrid and curve25519-sha256 (ssh-ed25519 host
    key), per client; the key exchanges alternate run by run, so each run
    gives one paired difference to curve25519-sha256"""
    lat, cpu = {}, {}
    clients = [("ssh", None)] + ([("ssh10", root_dir)] if root_dir else [])
    progress("post-quantum: %s, %d runs" % (", ".join(c for c, _ in clients), runs))
    for i in range(runs):
        for c, d in clients:
            for kex in rotation(PQ_KEXES[c], i):
                r = Run("sshd-lite", (kex, kex, "ssh-ed25519"), LATENCY_CIPHER, "true", root_dir=d).go(timeout=60)
                if not r.ok():
                    die("sshd-lite: %s with %s failed: rc=%s %s" % (kex, c, r.rc, r.stderr.strip()[-300:]))
                lat.setdefault((c, kex), []).append(r.wall * 1000)
                cpu.setdefault((c, kex), []).append(r.cpu * 1000)
    return lat, cpu


# ---- key exchange only: a scripted client that stops at the server's reply

def ssh_string(b):
    return struct.pack(">I", len(b)) + b


def ssh_packet(payload):
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + pad + 1, pad) + payload + bytes(pad)


def kex_cinit(kex):
    """a valid client value: X25519 u = 9 (the base point, not of low order)
    after an ML-KEM-768 encapsulation key (768 coefficients below q, then
    rho) or 1158 bytes (any are a usable sntrup761 key). The server's work is
    constant-time, so any valid value costs the same."""
    rnd = random.Random(5)
    u9 = b"\x09" + bytes(31)
    if kex.startswith("mlkem768x25519"):
        c = [rnd.randrange(3329) for _ in range(768)]
        ek = b"".join(bytes([a & 0xff, (a >> 8) | ((b & 0xf) << 4), b >> 4]) for a, b in zip(c[0::2], c[1::2]))
        return ek + bytes(32) + u9
    if kex.startswith("sntrup761x25519"):
        return rnd.randbytes(1158) + u9
    return u9


def kex_only(kex, cinit):
    """one connection under bench/rusage (inetd mode, on a socketpair):
    version, KEXINIT and KEX_ECDH_INIT in one write, then EOF once the
    KEX_ECDH_REPLY is in; the server's CPU in ms"""
    Run.seq += 1
    base = os.path.join(RUN, "r", "kex-%d" % Run.seq)
    out = base + ".out"
    a, b = socket.socketpair()
    p = subprocess.Popen([WRAP, out, base + ".pid"] + server_argv("sshd-lite"), stdin=b, stdout=b,
                         stderr=subprocess.DEVNULL, env=dict(os.environ, RUSAGE_INETD="1"))
    b.close()
    lists = [kex, "ssh-ed25519", "aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none", "none", "", ""]
    kexinit = b"\x14" + bytes(16) + b"".join(ssh_string(x.encode()) for x in lists) + b"\x00" + bytes(4)
    a.settimeout(30)
    a.sendall(b"SSH-2.0-bench\r\n" + ssh_packet(kexinit) + ssh_packet(b"\x1e" + ssh_string(cinit)))
    buf, off, replied = b"", None, False
    while not replied:
        d = a.recv(65536)
        if not d:
            break
        buf += d
        if off is None and b"\n" in buf:
            off = buf.index(b"\n") + 1
        while off is not None and len(buf) >= off + 6:
            n = struct.unpack(">I", buf[off:off + 4])[0]
            if len(buf) < off + 4 + n:
                break
            replied = replied or buf[off + 5] == 31
            off += 4 + n
    a.close()
    p.wait()
    with open(out) as f:
        u, st = f.read().split()[:2]
    for f in (out, base + ".pid"):
        if os.path.exists(f):
            os.unlink(f)
    if not replied:
        die("sshd-lite: no KEX_ECDH_REPLY for %s" % kex)
    return (float(u) + float(st)) * 1000


def bench_pq_kex(runs):
    """server CPU of key-exchange-only connections, each hybrid beside
    curve25519-sha256 alternated run by run: the difference a full
    connection sees, without the noise of its session"""
    kexes = PQ_KEXES["kex only"]
    cinit = {k: kex_cinit(k) for k in kexes}
    cpu = {}
    progress("post-quantum: key exchange only, %d runs" % runs)
    for i in range(runs):
        for k in rotation(kexes, i):
            cpu.setdefault(("kex only", k), []).append(kex_only(k, cinit[k]))
    return cpu


def kexcost(rounds, ms):
    """bench/kexcost built against the server's objects in build/ and run:
    {kex: CPU microseconds per agreement}, or a string saying why not"""
    objs = sorted(os.path.join(BUILD, d, f) for d in ("transport", "kex", "services", "config")
                  if os.path.isdir(os.path.join(BUILD, d))
                  for f in os.listdir(os.path.join(BUILD, d))
                  # an object whose source has moved away would be linked twice
                  if f.endswith(".o") and os.path.exists(os.path.join(TOP, d, f[:-2] + ".c")))
    if not objs:
        return "no objects in %s (make)" % BUILD
    exe = os.path.join(B, "kexcost")
    def pc(what):
        return shlex.split(sh(["pkg-config", what, "libtomcrypt", "libtommath", "zlib"]))
    cc = [os.environ.get("CC", "cc"), "-std=c11", "-D_GNU_SOURCE", "-DLTM_DESC", "-O2", "-Wall", "-Wextra",
          "-I", TOP] + pc("--cflags") + ["-o", exe, os.path.join(TOP, "bench", "kexcost.c")] + objs + \
        ["-Wl,-Bstatic"] + pc("--libs") + ["-Wl,-Bdynamic", "-lcrypt", "-lutil"]
    r = subprocess.run(cc, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        return "bench/kexcost.c did not build: " + r.stdout.strip()[-300:]
    progress("post-quantum: agreements in process, %d rounds" % rounds)
    out = sh([exe, str(rounds), str(ms)])
    return {name: float(us) for name, us in (line.split() for line in out.splitlines())}


def pq_extra(pq, c, kex):
    """the median of the paired differences to curve25519-sha256, with its
    95% interval, in ms"""
    d = [a - b for a, b in zip(pq["cpu"][(c, kex)], pq["cpu"][(c, PQ_BASE)])]
    return median(d), median_ci(d)


def pq_rows(pq, clients, with_lat):
    rows = []
    for c in clients:
        for kex in PQ_KEXES[c]:
            if (c, kex) not in pq["cpu"]:
                continue
            extra = "—"
            if kex != PQ_BASE:
                m, ci = pq_extra(pq, c, kex)
                extra = "%+.2f" % m + (" [%+.2f, %+.2f]" % ci if ci else "")
            rows.append([c, kex] + ([cell(pq["lat"][(c, kex)])] if with_lat else []) +
                        [cell(pq["cpu"][(c, kex)], 2), extra, "≤ +%.1f" % PQ_GOAL[kex] if kex in PQ_GOAL else ""])
    return rows


def pq_section(L, pq):
    L += ["## Post-quantum key exchange (sshd-lite)", ""]
    L.append("Each hybrid beside curve25519-sha256 (ssh-ed25519 host key), sshd-lite only, the key exchanges "
             "alternated run by run. *Extra* is the median of the per-run differences in server CPU to "
             "curve25519-sha256 (same client, same run), with a 95% interval for that median; the goal is the "
             "issue's bound on it.")
    L.append("")
    L.append("Whole connections, `ssh host true` as above (%s), %d runs each. Clients: `ssh`, %s, through the "
             "ProxyCommand as above (it knows sntrup761 only by its older name, and no ML-KEM); `ssh10`, %s."
             % (LATENCY_CIPHER[0], pq["runs"], pq["client"], pq["client10"]))
    L.append("")
    L += [table(["client", "key exchange", "latency, ms", "server CPU, ms", "extra server CPU, ms", "goal"],
                pq_rows(pq, ("ssh", "ssh10"), True)), ""]
    L.append("Key exchange only, %d runs each: a scripted client (bench.py) sends its version, KEXINIT and "
             "KEX_ECDH_INIT in one write and closes once KEX_ECDH_REPLY is in; the server (the same binary and "
             "configuration, under bench/rusage on a socketpair) starts, forks its root helper, loads its host "
             "keys, encapsulates, signs and exits: the same extra work as above (what follows the reply is the "
             "same for every key exchange) with less noise, as there is no session." % pq["kex_runs"])
    L.append("")
    L += [table(["client", "key exchange", "server CPU, ms", "extra server CPU, ms", "goal"],
                pq_rows(pq, ("kex only",), False)), ""]
    agree = pq["agree"]
    L.append("The agreement alone, in process (bench/kexcost.c, the method table's `server` call on a valid "
             "client value, median over rounds of CPU per call): the part of the work that differs between key "
             "exchanges, apart from hashing a 2.3 KB longer exchange hash input and moving the larger packets.")
    L.append("")
    if isinstance(agree, str):
        L += ["Not measured: %s." % agree, ""]
        return
    base = agree.get(PQ_BASE)
    rows = [[k, "%.1f" % us, "—" if k == PQ_BASE or base is None else "%+.3f" % ((us - base) / 1000),
             "≤ +%.1f" % PQ_GOAL[k] if k in PQ_GOAL else ""] for k, us in agree.items()]
    L += [table(["key exchange", "CPU per agreement, µs", "extra, ms", "goal"], rows), ""]


def pq_targets(pq):
    out = []
    agree = pq["agree"]
    if not isinstance(agree, str) and PQ_BASE in agree:
        for kex in PQ_KEXES["kex only"][1:]:
            if kex in agree:
                extra = (agree[kex] - agree[PQ_BASE]) / 1000
                out.append("- Extra server CPU per connection ≤ +%.1f ms, %s (the agreement in process): %+.3f ms: %s"
                           % (PQ_GOAL[kex], kex, extra, "met" if extra <= PQ_GOAL[kex] else "NOT met"))
    for c in ("kex only", "ssh10", "ssh"):
        for kex in PQ_KEXES[c]:
            if kex not in PQ_GOAL or (c, kex) not in pq["cpu"]:
                continue
            m, ci = pq_extra(pq, c, kex)
            # the interval decides; the median alone when there is none
            lo, hi = ci if ci else (m, m)
            verdict = "met" if hi <= PQ_GOAL[kex] else "NOT met" if lo > PQ_GOAL[kex] else \
                "not resolved (the interval spans the goal)"
            out.append("- Extra server CPU per connection ≤ +%.1f ms, %s (%s): %+.2f ms%s: %s" %
                       (PQ_GOAL[kex], kex, c, m, " (95%% interval %+.2f to %+.2f)" % ci if ci else "", verdict))
    return out


def libs_of(path):
    out = subprocess.run(["ldd", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)", line)
        if m:
            p = os.path.realpath(m.group(1))
            libs.append((os.path.basename(m.group(1)), os.path.getsize(p)))
    return libs


def sizes(servers):
    res = {}
    for s in servers:
        if s in ("openssh10", "baseline"):
            continue  # Debian 13's libraries, which ldd here cannot resolve; the same build
        path = {"sshd-lite": lite_binary(), "dropbear": DROPBEAR, "openssh": SSHD}[s]
        tmp = os.path.join(RUN, "stripped-" + s)
        subprocess.run(["strip", "-o", tmp, path], check=True)
        res[s] = {"bin": os.path.getsize(tmp), "libs": libs_of(path)}
    return res


# ---------------------------------------------------------------- profile

def profile(args):
    """sshd-lite under callgrind for one connection per key exchange and one
    transfer per cipher and direction. sshd-lite drops to the user after
    authentication, which leaves callgrind unable to write its output, so
    these runs log in as root with the bench user's authorized_keys."""
    if not shutil.which("valgrind") or not shutil.which("callgrind_annotate"):
        die("--profile needs valgrind (apt-get install valgrind)")
    out = os.path.join(B, "profile")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    lite = os.path.join(RUN, "sshd-lite-g")
    shutil.copy(lite_binary(), lite)
    n = args.bulk_mib * 1024 * 1024
    cases = [("conn-" + k[1], k, LATENCY_CIPHER, "true", 0, False) for k in KEXES]
    for c in CIPHERS[:3] if args.bulk_mib else []:
        cases.append(("down-" + c[1], BULK_KEX, c, "head -c %d /dev/zero" % n, 0, True))
        cases.append(("up-" + c[1], BULK_KEX, c, "wc -c", n, False))
    for name, k, c, remote, feed, count in cases:
        # %p, written %%p for ssh's ProxyCommand expansion: a forked child
        # that exits without exec must not overwrite the server's profile
        f = os.path.join(out, name + ".callgrind")
        argv = ["valgrind", "--tool=callgrind", "--vgdb=no", "--callgrind-out-file=" + f + ".%%p", lite, "-i", "-f",
                os.path.join(RUN, "sshd-lite_config"), "-o", "PermitRootLogin=yes", "-o", "StrictModes=no",
                "-o", "AuthorizedKeysFile=" + os.path.join(HOME, ".ssh", "authorized_keys")]
        argv[0] = shutil.which("valgrind")
        r = Run("sshd-lite", k, c, remote, argv=argv, user="root").go(feed=feed, count=count, timeout=1800)
        if not r.ok():
            die("profile %s failed: %s" % (name, r.stderr.strip()[-300:]))
        outs = sorted((p for p in os.listdir(out) if p.startswith(name + ".callgrind.")),
                      key=lambda p: os.path.getsize(os.path.join(out, p)))
        if not outs:
            die("profile %s: no callgrind output" % name)
        os.rename(os.path.join(out, outs[-1]), f)
        for p in outs[:-1]:
            os.unlink(os.path.join(out, p))
        text = subprocess.run(["callgrind_annotate", f], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True).stdout
        lines = text.splitlines()
        total = next((line for line in lines if "PROGRAM TOTALS" in line), "?")
        i = next((j for j, line in enumerate(lines) if "file:function" in line), len(lines))
        print("== %s (%s MiB for transfers): %s" % (name, args.bulk_mib, total.strip()))
        for line in lines[i + 2:i + 2 + args.profile_top]:
            print("   " + line[:150])
    print("callgrind files in %s (callgrind_annotate --inclusive=yes FILE)" % out)


def perf_profile(args):
    """sshd-lite under `perf record` (sampling, all of the server's
    processes: monitor, session and the remote head or wc) for one transfer
    per bulk row and direction, --bulk-mib each, and the top entries by
    self time, kernel included: where the CPU goes at full size, which
    callgrind (16 MiB, user space only) cannot show. Logs in as root like
    --profile, so the output stays writable."""
    perf = shutil.which("perf")
    if not perf:
        die("--perf needs perf (apt-get install linux-perf)")
    out = os.path.join(B, "perf")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    lite = os.path.join(RUN, "sshd-lite-g")
    shutil.copy(lite_binary(), lite)
    n = args.bulk_mib * 1024 * 1024
    for c in CIPHERS[:3]:
        for d, remote, feed, count in (("down", "head -c %d /dev/zero" % n, 0, True), ("up", "wc -c", n, False)):
            f = os.path.join(out, "%s-%s.data" % (d, c[1]))
            argv = [perf, "record", "-q", "-F", "999", "-o", f, "--", lite, "-i", "-f",
                    os.path.join(RUN, "sshd-lite_config"), "-o", "PermitRootLogin=yes", "-o", "StrictModes=no",
                    "-o", "AuthorizedKeysFile=" + os.path.join(HOME, ".ssh", "authorized_keys")]
            r = Run("sshd-lite", BULK_KEX, c, remote, argv=argv, user="root").go(feed=feed, count=count, timeout=1800)
            if not r.ok():
                die("perf %s %s failed: %s" % (c[0], d, r.stderr.strip()[-300:]))
            rep = subprocess.run([perf, "report", "-i", f, "--stdio", "--no-children", "--percent-limit", "0.7",
                                  "--sort", "comm,dso,sym"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 text=True).stdout
            rows = [line for line in rep.splitlines() if line.strip() and not line.startswith("#")]
            print("== %s %s, %d MiB: %.2f s server CPU" % (c[0], d, args.bulk_mib, r.cpu))
            for line in rows[:args.profile_top]:
                print("   " + line.strip()[:150])
    print("perf files in %s (perf report -i FILE)" % out)


# ---------------------------------------------------------------- report

def proc_net_tcp_ms():
    """what one look at /proc/net/tcp costs here, as Dropbear takes it (a
    4 KiB read and the read that finds the end): the kernel walks its
    whole TCP hash table each time, sized by the machine's memory at boot,
    and Dropbear seeds its random pool from it twice per connection"""
    t = []
    for _ in range(5):
        t0 = time.perf_counter()
        fd = os.open("/proc/net/tcp", os.O_RDONLY)
        try:
            while os.read(fd, 4096):
                pass
        finally:
            os.close(fd)
        t.append((time.perf_counter() - t0) * 1000)
    return median(t)


def versions():
    def q(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip()
        except OSError:
            return "?"

    def deb(pkg):
        v = q(["dpkg-query", "-W", "-f", "${Version}", pkg])
        return v if v and "no packages" not in v else "?"

    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    dbv = q([DROPBEAR, "-V"]).splitlines()
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M %Z").strip(),
        "machine": "%s, nproc %d, %s, Linux %s" % (cpu, os.cpu_count(), platform.machine(), platform.release()),
        "sshd-lite": "git %s, libtomcrypt %s, libtommath %s, zlib %s" % (
            q(["git", "-C", TOP, "describe", "--always", "--dirty"]),
            q(["pkg-config", "--modversion", "libtomcrypt"]), q(["pkg-config", "--modversion", "libtommath"]),
            q(["pkg-config", "--modversion", "zlib"])),
        "dropbear": "%s (Debian dropbear-bin %s); it seeds its random pool from /proc at each connection, "
                    "in both of its processes, and one reading of /proc/net/tcp costs %.1f ms here (the kernel "
                    "walks its whole TCP hash table): part of Dropbear's CPU figures that depends on the "
                    "machine" % (dbv[0] if dbv else "?", deb("dropbear-bin"), proc_net_tcp_ms()),
        "openssh": "%s (Debian openssh-server %s)" % (q(["ssh", "-V"]), deb("openssh-server")),
        "client": q(["ssh", "-V"]),
        "openssh10": "%s, chrooted in the Debian 13 root of tests/trixie.sh (its own host key copies, config "
                     "and user)" % q(["chroot", TRIXIE, "/usr/sbin/sshd", "-V"]).splitlines()[0]
                     if not ssh10d_check() else "not run: " + ssh10d_check(),
    }


def ratio_cols(d, key, servers, floor=0.0):
    cols = []
    for peer in PEERS:
        if "sshd-lite" in servers and peer in servers:
            cols.append(fmt_ratio(ratio(d.get(key("sshd-lite")), d.get(key(peer)), floor)))
        else:
            cols.append("n/a")
    return cols


def section(L, title, intro, first, rows, data, servers, digits=1, floor=None):
    """A table of median [p10-p90] per server plus sshd-lite's ratios
    (and, given a floor, the ratios of what lies above it); rows are
    (leading cells, key function of the server)."""
    if title:
        L += ["## " + title, ""]
    L += [intro, ""]
    head = first + [LABEL[s] for s in SERVERS] + ["lite/" + LABEL[p] for p in PEERS]
    out = []
    for cells, key in rows:
        out.append(cells + [cell(data.get(key(s), []), digits) for s in SERVERS] + ratio_cols(data, key, servers))
        if floor is not None:
            out[-1] += ratio_cols(data, key, servers, floor)
    if floor is not None:
        head += ["above floor: lite/Dropbear"] + ["lite/" + LABEL[p] for p in PEERS[1:]]
    L += [table(head, out), ""]


def report(args, servers, lat, lcpu, tput, bcpu, bmem, idle, size, ver, pq):
    L = []
    shown = [s for s in SERVERS]
    names = [LABEL[s] for s in shown]
    L.append("# Benchmarks: sshd-lite, Dropbear, OpenSSH")
    L.append("")
    L.append("Generated by `make bench%s` (bench/bench.py) on %s." % (" QUICK=1" if args.quick else "", ver["date"]))
    L.append("")
    L.append("- Machine: %s" % ver["machine"])
    L.append("- sshd-lite: %s" % ver["sshd-lite"])
    L.append("- Dropbear: %s" % ver["dropbear"])
    L.append("- OpenSSH server: %s" % ver["openssh"])
    L.append("- OpenSSH 10 server: %s" % ver["openssh10"])
    if BASELINE:
        L.append("- sshd-lite baseline (`--baseline %s`): %s, stripped, with sshd-lite's configuration" %
                 (BASELINE_FROM, BASELINE))
    L.append("- Client for all of them: %s, `-F /dev/null`, ProxyCommand starting the server in inetd mode "
             "through bench/rusage (fork, exec, wait4)" % ver["client"])
    L.append("- Load: %s; client and servers ran at nice -10" % ver["load"])
    L.append("- Runs: %d per latency cell, %d per throughput cell (%d MiB each), %d idle sessions; "
             "servers alternated run by run" % (args.runs, args.bulk_runs, args.bulk_mib, args.idle_runs))
    L.append("")
    L.append("Cells are median [p10–p90]; ratios are sshd-lite's median over the peer's (below 1 means "
             "sshd-lite is faster, smaller or cheaper, except for throughput, where above 1 is better).")
    L.append("")
    if lat or idle:
        L += cheap.section([k[0] for k in KEXES if any((k[0], s) in lat for s in servers)] if lat else [],
                           [s for s in SERVERS if s in servers], LABEL, [p for p in PEERS if p in servers],
                           lat, lcpu, idle, "%g s after the user's `sleep %g` started" % (IDLE_AT, IDLE_SECS))
    lat_rows = [([k[0]], lambda s, k=k: (k[0], s)) for k in KEXES]
    bulk_rows = [([c[0], d], lambda s, c=c, d=d: (c[0], d, s)) for c in CIPHERS for d in ("down", "up")]
    if lat:
        section(L, "Connection latency",
                "Wall time of `ssh host true` in ms: connect, key exchange, publickey auth (ssh-ed25519 user "
                "key), session, exit (%s). The floor, the same client and ProxyCommand with a \"server\" "
                "that exits at once, is %s ms: it is in every cell, and it pulls every ratio towards 1."
                % (LATENCY_CIPHER[0], cell(lat.get("floor", []))),
                ["kex / host key"], lat_rows, lat, servers,
                floor=median(lat["floor"]) if lat.get("floor") else None)
        section(L, "Server CPU per connection",
                "User + system CPU in ms of all the server's processes (wait4), the same runs; includes the "
                "user's shell running `true`, the same for all three.",
                ["kex / host key"], lat_rows, lcpu, servers)
    if tput:
        section(L, "Bulk throughput",
                "MiB/s for %d MiB: down is `ssh host 'head -c N /dev/zero'` with the client's stdout counted, "
                "up is `head -c N /dev/zero | ssh host 'wc -c'` (byte counts checked; the client's pipes are "
                "1 MiB); the wall time includes connection set-up (%s)." % (args.bulk_mib, BULK_KEX[0]),
                ["cipher", "dir"], bulk_rows, tput, servers)
        per_gib = {k: [x * 1024.0 / args.bulk_mib for x in v] for k, v in bcpu.items()}
        section(L, None, "Server CPU per GiB (user + system seconds of all the server's processes, the remote "
                "`head` or `wc` included) for the same transfers:", ["cipher", "dir"], bulk_rows, per_gib,
                servers, 2)
    if pq:
        pq_section(L, pq)
    if idle or bmem:
        L.append("## Memory")
        L.append("")
        L.append("KiB, median over the runs. *Peak RSS* is the largest VmHWM of any server process (for OpenSSH "
                 "the privilege-separated children are separate processes); *total RSS* adds up VmRSS over all "
                 "the server's processes at the sampled moment, *total PSS* their proportional set size "
                 "(smaps_rollup: a page shared by n processes counts 1/n, so pages a fork shares are not "
                 "counted twice); the user's shell and command are left out (idle: once, %g s after the "
                 "user's `sleep %g` started; bulk: the largest of samples every 100 ms, over all ciphers)."
                 % (IDLE_AT, IDLE_SECS))
        L.append("")
        rows = []

        def mcell(lst, f):
            return fmt(median([m[f] for m in lst]), 0) if lst else "n/a"

        rows.append(["idle session, peak RSS"] + [mcell(idle.get(s, []), "hwm_max") for s in shown])
        rows.append(["idle session, total RSS"] + [mcell(idle.get(s, []), "rss_total") for s in shown])
        rows.append(["idle session, total PSS"] + [mcell(idle.get(s, []), "pss_total") for s in shown])
        rows.append(["idle session, processes"] + [mcell(idle.get(s, []), "nproc") for s in shown])
        for d in ("down", "up"):
            rows.append(["bulk %s, peak RSS" % d] + [mcell(bmem.get((d, s), []), "hwm_max") for s in shown])
            rows.append(["bulk %s, total RSS" % d] + [mcell(bmem.get((d, s), []), "rss_total") for s in shown])
            rows.append(["bulk %s, total PSS" % d] + [mcell(bmem.get((d, s), []), "pss_total") for s in shown])
        L.append(table(["KiB"] + names, rows))
        L.append("")
    if size:
        L.append("## Size")
        L.append("")
        L.append("The stripped binary and the shared libraries `ldd` lists (file sizes of the resolved paths, "
                 "libc and the dynamic loader included).")
        L.append("")
        rows = []
        for s in shown:
            z = size.get(s)
            if not z:
                rows.append([LABEL[s]] + ["n/a"] * 4)
                continue
            lib = sum(b for _, b in z["libs"])
            rows.append([LABEL[s], "%d" % (z["bin"] // 1024), "%d" % len(z["libs"]), "%d" % (lib // 1024),
                         "%d" % ((z["bin"] + lib) // 1024)])
        L.append(table(["KiB", "binary (stripped)", "libraries", "libraries' size", "total"], rows))
        L.append("")
        for s in [s for s in shown if s in size]:
            L.append("- %s: %s" % (LABEL[s], ", ".join("%s %d" % (n, b // 1024) for n, b in size[s]["libs"])))
        L.append("")
    L.append("## Targets")
    L.append("")
    L.extend(targets(servers, lat, lcpu, tput, bcpu, bmem, idle))
    if "sshd-lite" in servers and (lat or idle):
        L.extend(cheap.targets([k[0] for k in KEXES], lat, lcpu, idle))
    if pq:
        L.extend(pq_targets(pq))
    L.append("")
    L.append("## Notes")
    L.append("")
    L.append("- sshd-lite and Dropbear both use libtomcrypt's portable AES (no AES-NI) and their own or "
             "libtomcrypt's ChaCha20/Poly1305 and SHA-2; OpenSSH uses OpenSSL, with AES-NI, PCLMULQDQ and "
             "vectorised ChaCha20 where the CPU has them. Throughput against OpenSSH compares libraries more "
             "than servers.")
    L.append("- Each server runs with its defaults apart from the host keys (ed25519, ECDSA P-256, RSA 3072, all "
             "three loaded by all three), publickey authentication only and, for OpenSSH, `UsePAM no`. "
             "Dropbear's default receive window (`-W`) is left as it is.")
    L.append("- Debian's Dropbear 2022.83 offers neither the GCM ciphers nor the -etm MACs (its offer: "
             "chacha20-poly1305@openssh.com, aes128-ctr, aes256-ctr; hmac-sha1, hmac-sha2-256), hence its n/a "
             "cells and the extra aes128-ctr + hmac-sha2-256 row, the nearest it has.")
    L.append("- OpenSSH 9.2's server, profiled with perf during a download here, spends about half of its CPU in "
             "memmove (compacting its buffers) and much of the rest in the kernel, not in OpenSSL: its bulk "
             "figures are not a measure of its ciphers.")
    L.append("- The client reads and writes its data through 1 MiB pipes: with 64 KiB ones, OpenSSH's client "
             "spends several times the server's CPU shuffling its own buffers and hides the servers' "
             "differences. The servers' pipes to the remote command are their own.")
    L.append("- Logging goes to syslog for all three; there is no syslog daemon in the benchmark container, "
             "so no server pays for disk writes.")
    L.append("- The client runs on the same machine and takes its share of the CPUs; latency and throughput "
             "include the client's own work, which is the same for all three servers. The machine may be shared "
             "(see the load above): the spreads say how far to trust a difference.")
    L.append("- `bench/bench.py --profile` runs sshd-lite under callgrind for a connection per key exchange "
             "and a transfer per cipher and direction, and lists where the instructions go.")
    L.append("")
    return "\n".join(L)


def targets(servers, lat, lcpu, tput, bcpu, bmem, idle):
    out = []
    if "sshd-lite" not in servers:
        return ["sshd-lite could not log in: no target evaluated."]

    def verdict(ok):
        return "met" if ok else "NOT met"

    if lat:
        for k in KEXES:
            rd = ratio(lat.get((k[0], "sshd-lite")), lat.get((k[0], "dropbear")))
            ro = ratio(lat.get((k[0], "sshd-lite")), lat.get((k[0], "openssh")))
            ok = rd is not None and ro is not None and rd <= 0.8 and ro <= 0.5
            fl = median(lat["floor"]) if lat.get("floor") else 0.0
            out.append("- Latency ≤ 0.8x Dropbear and ≤ 0.5x OpenSSH, %s: %s vs Dropbear, %s vs OpenSSH: %s "
                       "(above the floor: %s and %s)" %
                       (k[0], fmt_ratio(rd), fmt_ratio(ro), verdict(ok),
                        fmt_ratio(ratio(lat.get((k[0], "sshd-lite")), lat.get((k[0], "dropbear")), fl)),
                        fmt_ratio(ratio(lat.get((k[0], "sshd-lite")), lat.get((k[0], "openssh")), fl))))
        for k in KEXES:
            rd = ratio(lcpu.get((k[0], "sshd-lite")), lcpu.get((k[0], "dropbear")))
            ro = ratio(lcpu.get((k[0], "sshd-lite")), lcpu.get((k[0], "openssh")))
            ok = rd is not None and ro is not None and rd < 1 and ro < 1
            out.append("- Server CPU per connection below both, %s: %s vs Dropbear, %s vs OpenSSH: %s" %
                       (k[0], fmt_ratio(rd), fmt_ratio(ro), verdict(ok)))
    if idle or bmem:
        def med(lst):
            return median([m["hwm_max"] for m in lst]) if lst else None
        pairs = [("idle", idle.get("sshd-lite", []), idle.get("dropbear", []))]
        for d in ("down", "up"):
            pairs.append(("bulk " + d, bmem.get((d, "sshd-lite"), []), bmem.get((d, "dropbear"), [])))
        for name, a, b in pairs:
            ma, mb = med(a), med(b)
            if ma is None or mb is None:
                continue
            out.append("- Peak RSS ≤ Dropbear's, %s: %d vs %d KiB: %s" % (name, ma, mb, verdict(ma <= mb)))
    out.extend(bulk_goals(servers, tput, bcpu))
    if tput:
        for c in CIPHERS:
            for d in ("down", "up"):
                if not tput.get((c[0], d, "dropbear")):
                    out.append("- Throughput ≥ Dropbear's, %s %s: Dropbear does not offer it" % (c[0], d))
                    continue
                r = ratio(tput.get((c[0], d, "sshd-lite")), tput.get((c[0], d, "dropbear")))
                out.append("- Throughput ≥ Dropbear's, %s %s: %s: %s" %
                           (c[0], d, fmt_ratio(r), verdict(r is not None and r >= 1)))
    return out


# issue 19's bulk goals: sshd-lite's server CPU per GiB at most this times
# OpenSSH's, and throughput at least OpenSSH's, both directions
BULK_CPU_GOAL = {"chacha20-poly1305@openssh.com": 0.5, "aes128-gcm@openssh.com": 0.5,
                 "aes128-ctr + hmac-sha2-256-etm@openssh.com": 0.7}


def bulk_goals(servers, tput, bcpu):
    out = []
    for peer in ("openssh10", "openssh"):
        if peer not in servers or "sshd-lite" not in servers or not tput:
            continue
        for c, goal in BULK_CPU_GOAL.items():
            if c not in [row[0] for row in CIPHERS]:
                continue  # left out by --ciphers
            for d in ("down", "up"):
                rc = ratio(bcpu.get((c, d, "sshd-lite")), bcpu.get((c, d, peer)))
                rt = ratio(tput.get((c, d, "sshd-lite")), tput.get((c, d, peer)))
                ok = rc is not None and rt is not None and rc <= goal and rt >= 1
                out.append("- Bulk vs %s, %s %s: server CPU per GiB %s (goal ≤ %.1fx), throughput %s "
                           "(goal ≥ 1x): %s" % (LABEL[peer], c, d, fmt_ratio(rc), goal, fmt_ratio(rt),
                                                "met" if ok else "NOT met"))
    return out


# ---------------------------------------------------------------- main

def run_pq(args, ver):
    root_dir, client10 = ssh10_setup()
    if not root_dir:
        progress("post-quantum: OpenSSH 10 rows left out: " + client10)
        client10 = "left out: " + client10
    else:
        client10 = "%s, chrooted in the Debian 13 root of tests/trixie.sh, over loopback TCP to a port the " \
                   "bench answers with bench/rusage in its inetd mode" % client10
    try:
        lat, cpu = bench_pq(args.pq_runs, root_dir)
    finally:
        if root_dir:
            shutil.rmtree(root_dir, ignore_errors=True)
    cpu.update(bench_pq_kex(args.pq_kex_runs))
    agree = kexcost(15 if args.quick else 51, 20)
    if isinstance(agree, str):
        progress("post-quantum: no in-process figures: " + agree)
    return {"lat": lat, "cpu": cpu, "runs": args.pq_runs, "kex_runs": args.pq_kex_runs,
            "client": ver["client"], "client10": client10, "agree": agree}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a short run (make bench QUICK=1)")
    ap.add_argument("--runs", type=int, help="latency runs per server and key exchange (default 30, quick 6)")
    ap.add_argument("--bulk-mib", type=int, help="MiB per transfer (default 512, quick 16)")
    ap.add_argument("--bulk-runs", type=int, help="transfers per cell (default 3, quick 1)")
    ap.add_argument("--idle-runs", type=int, help="idle sessions per server (default 5, quick 1)")
    ap.add_argument("--pq-runs", type=int, help="runs per post-quantum row (default 60, quick 20)")
    ap.add_argument("--pq-kex-runs", type=int,
                    help="runs per post-quantum key-exchange-only row (default 300, quick 100)")
    ap.add_argument("--only", default="latency,bulk,memory,size,pq,sftp",
                    help="comma-separated sections: latency, bulk, memory, size, pq, sftp; cheap: issue 13's "
                    "three numbers (latency and memory, whose runs give them)")
    ap.add_argument("--baseline", help="another sshd-lite binary or a git revision to build one from (e.g. the "
                    "server before privilege separation) "
                    "run beside the others in the latency and memory runs, for issue 13's \"at most 1 ms above "
                    "today's\"")
    ap.add_argument("--sftp-mib", type=int, help="MiB per sftp get and put (default 1024, quick 16)")
    ap.add_argument("--ciphers", help="only the bulk rows whose label contains one of these comma-separated "
                    "words (e.g. chacha,gcm,etm: issue 19's three)")
    ap.add_argument("--servers", default=",".join(SERVERS), help="comma-separated: " + ",".join(SERVERS))
    ap.add_argument("--profile", action="store_true",
                    help="profile sshd-lite under callgrind instead (connections and --bulk-mib transfers, default 16)")
    ap.add_argument("--perf", action="store_true",
                    help="profile sshd-lite's bulk transfers with perf record instead (--bulk-mib, default 1024)")
    ap.add_argument("--profile-top", type=int, default=15, help="functions shown per profile")
    ap.add_argument("--lite", help="the sshd-lite binary to measure (default: $SSHD_LITE or ./sshd-lite)")
    ap.add_argument("--output", help="where the Markdown goes (default: docs/BENCHMARKS.md for a full run "
                    "of all sections, build/bench/BENCHMARKS.md otherwise)")
    args = ap.parse_args()
    q = args.quick
    if args.lite:
        os.environ["SSHD_LITE"] = args.lite
    args.runs = args.runs or (6 if q else 30)
    if args.bulk_mib is None:
        args.bulk_mib = 1024 if args.perf else 16 if args.profile or q else 512
    args.bulk_runs = args.bulk_runs or (1 if q else 3)
    args.sftp_mib = args.sftp_mib or (16 if q else 1024)
    args.idle_runs = args.idle_runs or (1 if q else 5)
    args.pq_runs = args.pq_runs or (20 if q else 60)
    args.pq_kex_runs = args.pq_kex_runs or (100 if q else 300)
    only = set(args.only.split(","))
    if "cheap" in only:
        only |= {"latency", "memory"}
    if args.baseline:
        global BASELINE, BASELINE_FROM
        BASELINE, BASELINE_FROM = baseline_binary(args.baseline), args.baseline
        SERVERS.insert(1, "baseline")
        if "baseline" not in args.servers.split(","):
            args.servers += ",baseline"
    want = [s for s in args.servers.split(",") if s]
    for s in want:
        if s not in SERVERS:
            die("unknown server %s" % s)

    if args.ciphers:
        words = [w for w in args.ciphers.split(",") if w]
        CIPHERS[:] = [c for c in CIPHERS if any(w in c[0] for w in words)]
        if not CIPHERS:
            die("no bulk row matches --ciphers %s" % args.ciphers)
    check_prereqs(want)
    if "openssh10" in want and ssh10d_check():
        progress("bench: OpenSSH 10 left out: " + ssh10d_check())
        want.remove("openssh10")
    t0 = time.monotonic()
    load0 = os.getloadavg()
    # the machine may be shared: the client and all three servers inherit
    # the same raised priority, so none of them is favoured over another
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -10)
    except OSError:
        pass
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.profile or args.perf:
        try:
            setup(["sshd-lite"])
            perf_profile(args) if args.perf else profile(args)
        finally:
            remove_user()
            shutil.rmtree(HOME, ignore_errors=True)
        return
    try:
        setup(want)
        ver = versions()  # now: the git state the binary was copied from
        servers, unsupported = preflight([s for s in SERVERS if s in want]), set()
        if not servers:
            die("no server could log in")
        lat = lcpu = tput = bcpu = bmem = idle = size = pq = sftp = {}
        if "latency" in only:
            lat, lcpu = bench_latency(servers, unsupported, args.runs)
        if "bulk" in only:
            tput, bcpu, bmem = bench_bulk(servers, unsupported, args.bulk_runs, args.bulk_mib)
        if "memory" in only:
            idle = bench_idle(servers, args.idle_runs)
        if "size" in only:
            size = sizes(servers)
        if "pq" in only and "sshd-lite" in servers:
            pq = run_pq(args, ver)
        if "sftp" in only and "sshd-lite" in servers:
            sftp = bench_sftp(args.bulk_runs, args.sftp_mib)
        ver["load"] = "%.2f at the start, %.2f at the end (1-minute load average)" % (load0[0], os.getloadavg()[0])
    finally:
        ssh10d_cleanup()
        remove_user()
        shutil.rmtree(HOME, ignore_errors=True)
    text = report(args, servers, lat, lcpu, tput, bcpu, bmem, idle, size, ver, pq)
    text += sftp_section(sftp, args.sftp_mib, args.bulk_runs)
    out = args.output
    if not out:
        full = not q and only >= {"latency", "bulk", "memory", "size"} and set(servers) >= set(SERVERS[:3])
        out = DOC if full else os.path.join(B, "BENCHMARKS.md")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    print(text)
    progress("bench: wrote %s in %.0f s" % (out, time.monotonic() - t0))


if __name__ == "__main__":
    main()
