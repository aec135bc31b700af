"""Shared setup for the Python interop tests (t_*.py): a private directory
under scratch_base() (not /tmp: StrictModes refuses world-writable parents), host
keys of every type, a server started on one end of a socket pair as inetd
would start it, and "ok"/"not ok" reporting for tests/run."""
import atexit
import logging
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SSHD_LITE = os.environ.get("SSHD_LITE") or os.path.join(TOP, "sshd-lite")

# file suffix, ssh-keygen arguments
HOST_KEYS = [
    ("ed25519", ["-t", "ed25519"]),
    ("ecdsa256", ["-t", "ecdsa", "-b", "256"]),
    ("ecdsa384", ["-t", "ecdsa", "-b", "384"]),
    ("ecdsa521", ["-t", "ecdsa", "-b", "521"]),
    ("rsa", ["-t", "rsa", "-b", "3072"]),
]


def scratch_base():
    """Where a test keeps what throwaway users must read: tests/run's
    SSHL_TESTDIR (root-owned, traversable, removed after the run), else, for
    a test run alone, the same kind of place: the clone itself may sit where
    other users cannot enter (a clone under /root)."""
    base = os.environ.get("SSHL_TESTDIR")
    if not base:
        base = "/run/sshl-tests" if os.getuid() == 0 and os.path.isdir("/run") else os.path.join(TOP, "build", "t")
    os.makedirs(base, exist_ok=True)
    os.chmod(base, 0o755)
    return base


def scratch_dir(name):
    """A private directory for one test, removed at exit."""
    d = tempfile.mkdtemp(prefix=name + ".", dir=scratch_base())
    os.chmod(d, 0o755)
    atexit.register(shutil.rmtree, d, True)
    return d


def del_user(name):
    """Removes a throwaway account and whatever of it still runs (a session
    that ignored SIGHUP and SIGTERM; plain userdel refuses while it is
    there), with its group."""
    subprocess.run(["pkill", "-KILL", "-u", name], stderr=subprocess.DEVNULL)
    subprocess.run(["userdel", "-f", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["groupdel", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def add_user(base, letter):
    """As root, a throwaway account sshl<letter><pid> with /bin/sh and an
    empty home under base (no real account's dotfiles to slow or change its
    sessions), removed at exit. Returns (name, home) or None."""
    if os.getuid() != 0 or not shutil.which("useradd"):
        return None
    name = "sshl%s%d" % (letter, os.getpid())
    home = os.path.join(base, "uhome")
    if subprocess.run(["useradd", "-M", "-d", home, "-s", "/bin/sh", "-U", "-p", "*", name]).returncode != 0:
        return None
    atexit.register(del_user, name)
    os.mkdir(home)
    shutil.chown(home, name, name)
    return name, home


class Env:
    def __init__(self, name):
        self.dir = scratch_dir(name)
        self.log = os.path.join(self.dir, "server.log")
        self.keys = {}
        for suffix, args in HOST_KEYS:
            path = os.path.join(self.dir, "host_" + suffix)
            subprocess.run(["ssh-keygen", "-q", "-N", "", "-C", "host", "-f", path] + args, check=True)
            self.keys[suffix] = path
        self.procs = []
        atexit.register(self.reap)

    def public_blobs(self):
        """The wire blobs of our host keys, to check what a client was shown."""
        import base64
        out = set()
        for path in self.keys.values():
            with open(path + ".pub") as f:
                out.add(base64.b64decode(f.read().split()[1]))
        return out

    def server(self, *args):
        """Starts sshd-lite -i on a socket pair; returns our end and the process."""
        ours, theirs = socket.socketpair()
        cmd = [SSHD_LITE, "-i", "-E", self.log]
        for path in self.keys.values():
            cmd += ["-h", path]
        p = subprocess.Popen(cmd + list(args), stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL)
        theirs.close()
        self.procs.append(p)
        return ours, p

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def reap(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()

    def server_list(self, keyword):
        """The server's effective list for an algorithm keyword (from -T)."""
        out = subprocess.run([SSHD_LITE, "-T", "-h", self.keys["ed25519"]], capture_output=True, text=True).stdout
        for line in out.splitlines():
            k, _, v = line.partition(" ")
            if k == keyword.lower():
                return v.split(",")
        return []

    def server_supported(self, what):
        """Everything the server can be configured for (-Q)."""
        out = subprocess.run([SSHD_LITE, "-Q", what], capture_output=True, text=True).stdout
        return out.split()


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            d = self.request.recv(65536)
            if not d:
                break
            self.request.sendall(d)


class _EchoServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class _UnixEchoServer(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def echo_server():
    """A loopback TCP server, in a thread, that sends back whatever it is
    sent; returns its (address, port)."""
    s = _EchoServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s.server_address


def unix_echo_server(path):
    """The same on a unix socket at path that anyone may connect to;
    returns the server (its shutdown() stops it)."""
    s = _UnixEchoServer(path, _Echo)
    os.chmod(path, 0o666)
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s


def drain(r):
    """everything a channel or socket gives until end of file"""
    got = b""
    while True:
        d = r.recv(65536)
        if not d:
            return got
        got += d


def client_key(d):
    """an ed25519 client key made in d, and an authorized_keys file (mode
    0644, for a throw-away user to read) that holds it: (paramiko key, path)"""
    import paramiko
    subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", os.path.join(d, "id"), "-C", "client"],
                   check=True)
    ak = os.path.join(d, "authorized_keys")
    shutil.copy(os.path.join(d, "id.pub"), ak)
    os.chmod(ak, 0o644)
    return paramiko.Ed25519Key.from_private_key_file(os.path.join(d, "id")), ak


class Report:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, name, cond, detail=""):
        if cond:
            print("ok - " + name)
            self.passed += 1
        else:
            print("not ok - " + name + (": " + detail if detail else ""))
            self.failed += 1
        sys.stdout.flush()
        return cond

    def skip(self, name, why):
        print("ok - # SKIP %s: %s" % (name, why))

    def finish(self):
        sys.exit(1 if self.failed or not self.passed else 0)


def paramiko_setup(name, letter):
    """The paramiko tests' common start: paramiko's own log quiet, the Env
    and the Report, a client key with its authorized_keys file, and a
    throwaway user when root (else the one running). Returns env, report,
    key, authorized_keys path, user name and add_user's (name, home) or
    None."""
    logging.getLogger("paramiko").addHandler(logging.NullHandler())
    env = Env(name)
    rep = Report()
    key, ak = client_key(env.dir)
    made = add_user(env.dir, letter)
    user = made[0] if made else (os.environ.get("USER") or "root")
    return env, rep, key, ak, user, made


def paramiko_login(env, user, key, ak, *opts):
    """A paramiko client logged in as user with key to a server started
    with AuthorizedKeysFile=ak and opts; the host key it was shown must be
    one of env's. Returns the transport, our socket and the server."""
    import paramiko
    sock, proc = env.server("-o", "AuthorizedKeysFile=" + ak, *opts)
    t = paramiko.Transport(sock)
    t.start_client(timeout=30)
    if t.get_remote_server_key().asbytes() not in env.public_blobs():
        raise RuntimeError("unexpected host key")
    t.auth_publickey(user, key)
    return t, sock, proc


def cpu_ns(pid):
    """nanoseconds on the CPU of the server and every process below it (the
    monitor, which signs the exchange hash; with issue 13's privilege
    separation the pre-authentication child too), from the scheduler's
    statistics of the processes alive now"""
    kids = {}
    for d in os.listdir("/proc"):
        try:
            if d.isdigit():
                kids.setdefault(int(open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()[1]), []).append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    pids, todo = [], [pid]
    while todo:
        pids.append(todo.pop())
        todo += kids.get(pids[-1], [])
    total = 0
    for p in pids:
        try:
            total += int(open("/proc/%d/schedstat" % p).read().split()[0])
        except (OSError, ValueError):
            pass
    return total
