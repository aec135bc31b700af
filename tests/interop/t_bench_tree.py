#!/usr/bin/python3
"""make bench counts every process of a connection, not one (issue 13
point 5: privilege separation makes a connection a tree of processes):

- bench/rusage's CPU: a process whose parent waited for it, and an orphan
  whose parent exited first (as the monitor outlives the server), both
  count; each burns a known amount of CPU, measured by itself, so the
  check is a lower bound, not a timing;
- bench/proctree's memory: every descendant running the server's binary
  (grandchildren too), none running another (the user's command), with
  RSS and PSS; the idle sampler's "the user's command runs";
- bench/cheap's issue 13 table: ratios to Dropbear against the goals, and
  the paired difference to a --baseline binary."""
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import TOP, scratch_dir  # noqa: E402

sys.path.insert(0, os.path.join(TOP, "bench"))
import cheap  # noqa: E402
import proctree  # noqa: E402

fails = 0


def ok(cond, name, why=""):
    global fails
    print("%s - %s%s" % ("ok" if cond else "not ok", name, "" if cond else ": " + str(why)))
    fails += 0 if cond else 1


D = scratch_dir("t_bench_tree")
WRAP = os.path.join(D, "rusage")
subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror",
                "-o", WRAP, os.path.join(TOP, "bench", "rusage.c")], check=True)

# parent: a waited-for child burns 0.2 s, a grandchild orphaned by its
# parent's exit burns 0.3 s; each writes the CPU it used
BURN = r"""
import os, sys, time
def burn(secs, out):
    t = time.process_time()
    while time.process_time() - t < secs:
        pass
    with open(out, "w") as f:
        f.write("%f" % time.process_time())
    os._exit(0)
d = sys.argv[1]
a = os.fork()
if a == 0:
    burn(0.2, d + "/waited")
b = os.fork()
if b == 0:
    if os.fork() == 0:
        time.sleep(0.2)  # its parent is gone by then: an orphan
        burn(0.3, d + "/orphan")
    os._exit(0)
os.waitpid(a, 0)
os.waitpid(b, 0)
"""
out, pidf = os.path.join(D, "out"), os.path.join(D, "pid")
s1, s2 = socket.socketpair()
p = subprocess.run([WRAP, out, pidf, sys.executable, "-c", BURN, D], stdin=s2, stdout=s2,
                   env=dict(os.environ, RUSAGE_INETD="1"), timeout=60)
s1.close()
s2.close()
ok(p.returncode == 0, "bench/rusage in inetd mode runs the program", p.returncode)
u, st, rss, status = open(out).read().split()
total = float(u) + float(st)
own = sum(float(open(os.path.join(D, f)).read()) for f in ("waited", "orphan"))
ok(own >= 0.5, "the two children burnt their CPU", own)
ok(total >= own, "rusage's CPU includes a waited-for child and an orphan (%.3f s >= %.3f s)" % (total, own),
   "%.3f < %.3f" % (total, own))
ok(status == "0", "rusage reports the program's exit status", status)

# a tree: python (root) -> python child -> python grandchild, and the
# root's `sleep` (another binary: the user's command)
TREE = r"""
import os, subprocess, sys, time
if os.fork() == 0:
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
    time.sleep(60)
    os._exit(0)
subprocess.Popen(["sleep", "60"])
time.sleep(60)
"""
root = subprocess.Popen([sys.executable, "-c", TREE], start_new_session=True)
exe = os.path.realpath("/proc/%d/exe" % root.pid)
t0 = time.monotonic()
while time.monotonic() - t0 < 10 and (len(proctree.descendants(root.pid)) < 4 or
                                      not proctree.command_running(root.pid, exe)):
    time.sleep(0.02)
try:
    m = proctree.server_memory(root.pid, exe)
    ok(m["nproc"] == 3, "server_memory counts every process of the server's binary below the root, "
       "grandchildren included, and not the command", m["nproc"])
    ok(m["rss_total"] == sum(x["rss"] for x in m["procs"]) and m["rss_total"] > 0, "total RSS sums VmRSS", m)
    ok(m["pss_total"] is not None and 0 < m["pss_total"] <= m["rss_total"],
       "total PSS from smaps_rollup, at most the RSS (forked pages shared)", m)
    ok(m["hwm_max"] >= max(x["rss"] for x in m["procs"]), "peak RSS is the largest VmHWM", m)
    ok(proctree.command_running(root.pid, exe), "the user's command is seen running")
    ok(not proctree.command_running(root.pid, (exe, "/usr/bin/sleep", "/bin/sleep")),
       "no command when every process runs the server's binaries")
finally:
    os.killpg(root.pid, signal.SIGKILL)
    root.wait()

# the issue 13 table from made-up runs: CPU 0.4x (met), latency 0.8x (not
# met; 30 ms over a 50 ms floor against 50 ms: 0.6x), RSS 2x (not met),
# 1.5 ms above the baseline in every run (not met)
K = "kex"
lcpu = {(K, "sshd-lite"): [4.0] * 20, (K, "baseline"): [2.5] * 20, (K, "dropbear"): [10.0] * 20}
lat = {(K, "sshd-lite"): [80.0] * 5, (K, "dropbear"): [100.0] * 5, "floor": [50.0]}
idle = {s: [{"rss_total": r, "pss_total": r // 2, "nproc": n, "procs": []}] for s, r, n in
        (("sshd-lite", 6000, 2), ("dropbear", 3000, 1), ("baseline", 5000, 2))}
text = "\n".join(cheap.section([K], ["sshd-lite", "baseline", "dropbear"],
                               {"sshd-lite": "sshd-lite", "baseline": "base", "dropbear": "Dropbear"},
                               ["dropbear"], lat, lcpu, idle, "then"))
goals = "\n".join(cheap.targets([K], lat, lcpu, idle))
ok("| server CPU per connection, ms: kex | 4.00 [4.00–4.00] | 2.50 [2.50–2.50] | 10.00 [10.00–10.00] | 0.40x "
   "| ≤ 0.5x | met |" in text, "CPU row: the ratio to Dropbear beside its goal", text)
ok("| 0.80x (0.60x above the floor) | ≤ 0.7x | NOT met |" in text,
   "latency row: ratio, the ratio above the client's floor, goal, verdict", text)
ok("| 2.00x | ≤ 1.5x | NOT met |" in text, "RSS row: ratio, goal, verdict", text)
ok("+1.50" in text and "not met" in goals.lower(), "the paired difference to the baseline against +1 ms", goals)
ok(goals.count("Issue 13") == 4, "one target line per measure and the baseline", goals)
sys.exit(1 if fails else 0)
