"""Issue 13 point 5 ("Cheap"): privilege separation must keep sshd-lite's
lead. Three numbers beside Dropbear's and OpenSSH's, with the issue's
bounds on the ratios to Dropbear:

- server CPU per connection (every process of the connection, bench/rusage's
  wait4 over the tree) at most 0.5x Dropbear's, and at most 1 ms above the
  server before privilege separation (`--baseline BINARY` runs that binary
  beside it, alternated run by run, and gives the paired difference);
- connection latency (client start to the authenticated command done) at
  most 0.7x Dropbear's;
- total RSS of all the connection's server-side processes in an idle
  session (the user's command left out) at most 1.5x Dropbear's one
  process; PSS beside it, since RSS counts twice what a fork shares.

Built from the latency and memory sections' runs: it costs no extra runs."""

from stats import cell, fmt, fmt_ratio, median, median_ci, ratio, table

# measure: the largest ratio to Dropbear the issue allows
GOAL = {"cpu": 0.5, "latency": 0.7, "rss": 1.5}
# the most server CPU per connection above the baseline, in ms
BASE_EXTRA_MS = 1.0


def verdict(r, goal):
    if r is None:
        return "n/a"
    return "met" if r <= goal else "NOT met"


def paired_extra(a, b):
    """median of the run-by-run differences a - b, with a 95% interval for
    it (None with too few runs): the runs alternate servers, so the i-th
    runs of each saw the same load"""
    d = [x - y for x, y in zip(a, b)]
    if not d:
        return None, None
    return median(d), median_ci(d)


def base_verdict(m, ci, goal):
    """the interval decides; the median alone when there is none"""
    lo, hi = ci if ci else (m, m)
    return "met" if hi <= goal else "NOT met" if lo > goal else "not resolved (the interval spans the goal)"


def memory_lists(idle, field):
    """{server: [figure per run]}, runs without the figure left out"""
    return {s: [m[field] for m in runs if m.get(field) is not None] for s, runs in idle.items()}


def measures(kexes, lat, lcpu, idle):
    """(row label, goal key or None, {server: [values]}, digits)"""
    rows = []
    for k in kexes:
        rows.append(("server CPU per connection, ms: " + k, "cpu",
                     {s: v for (kk, s), v in lcpu.items() if kk == k}, 2))
    for k in kexes:
        # lat also holds "floor", the client's own cost
        rows.append(("latency, ms: " + k, "latency",
                     {key[1]: v for key, v in lat.items() if isinstance(key, tuple) and key[0] == k}, 1))
    if idle:
        rows.append(("idle session, total RSS, KiB", "rss", memory_lists(idle, "rss_total"), 0))
        rows.append(("idle session, total PSS, KiB", None, memory_lists(idle, "pss_total"), 0))
        rows.append(("idle session, server-side processes", None, memory_lists(idle, "nproc"), 0))
    return rows


def above_floor(goal, data, lat):
    """for latency, the ratio of what lies above the client's own cost (the
    floor: the same client and ProxyCommand with a server that exits at
    once), which is in both medians and pulls the ratio towards 1"""
    if goal != "latency" or not lat.get("floor"):
        return ""
    r = ratio(data.get("sshd-lite"), data.get("dropbear"), median(lat["floor"]))
    return " (%s above the floor)" % fmt_ratio(r) if r is not None else ""


def section(kexes, shown, label, peers, lat, lcpu, idle, when):
    """the section's Markdown lines; shown: the servers' columns in order,
    peers: the other servers sshd-lite's ratios are given against, when:
    when the idle session was sampled"""
    L = ["## Issue 13: the cost of a connection (privilege separation's budget)", ""]
    L.append("Issue 13 point 5: with privilege separation, server CPU per connection at most %.1fx Dropbear's "
             "(and at most %.0f ms above today's server), latency at most %.1fx Dropbear's, and the total RSS "
             "of all of a connection's processes in an idle session at most %.1fx Dropbear's single process. "
             "CPU: user + system time of every process of the connection (bench/rusage is a child subreaper "
             "and adds up wait4() over the whole tree: monitor, server, pre-authentication child, the user's "
             "`true`). Latency: the client's start to its exit after `true` ran. Memory: VmRSS and "
             "smaps_rollup's Pss summed over the connection's processes running the server's binary (the "
             "user's shell and `sleep` left out), sampled %s. The same runs as the sections below; cells "
             "are median [p10–p90]." % (GOAL["cpu"], BASE_EXTRA_MS, GOAL["latency"], GOAL["rss"], when))
    L.append("")
    others = [p for p in peers if p != "dropbear"]
    head = ["measure"] + [label[s] for s in shown] + ["lite/Dropbear", "target", "verdict"] + \
        ["lite/" + label[p] for p in others]
    out = []
    for name, goal, data, digits in measures(kexes, lat, lcpu, idle):
        r = ratio(data.get("sshd-lite"), data.get("dropbear"))
        row = [name] + [cell(data.get(s, []), digits) for s in shown]
        # no ratio of process counts; PSS's beside RSS's, without a goal
        ratios = goal or name.endswith("PSS, KiB")
        row += [fmt_ratio(r) + above_floor(goal, data, lat) if ratios else "",
                "≤ %.1fx" % GOAL[goal] if goal else "", verdict(r, GOAL[goal]) if goal else ""]
        row += [fmt_ratio(ratio(data.get("sshd-lite"), data.get(p))) if ratios else "" for p in others]
        out.append(row)
    L += [table(head, out), ""]
    if "baseline" in shown:
        L += baseline_lines(kexes, lcpu, idle)
    L += process_lines(shown, label, idle)
    return L


def baseline_lines(kexes, lcpu, idle):
    L = ["Against the baseline (`--baseline`: the server before privilege separation, run alternately with "
         "the others): the median of the run-by-run differences, with its 95% interval.", ""]
    rows = []
    for k in kexes:
        m, ci = paired_extra(lcpu.get((k, "sshd-lite"), []), lcpu.get((k, "baseline"), []))
        if m is None:
            continue
        rows.append(["server CPU per connection, ms: " + k,
                     "%+.2f" % m + (" [%+.2f, %+.2f]" % ci if ci else ""), "≤ +%.1f" % BASE_EXTRA_MS,
                     base_verdict(m, ci, BASE_EXTRA_MS)])
    rss = memory_lists(idle, "rss_total")
    m, ci = paired_extra(rss.get("sshd-lite", []), rss.get("baseline", []))
    if m is not None:
        rows.append(["idle session, total RSS, KiB", "%+.0f" % m + (" [%+.0f, %+.0f]" % ci if ci else ""), "", ""])
    L += [table(["measure", "sshd-lite − baseline", "target", "verdict"], rows), ""]
    return L


def process_lines(shown, label, idle):
    """each server's idle processes in its last run: who runs them and
    what each holds, so a change in the process layout shows"""
    L = []
    for s in shown:
        runs = idle.get(s) or []
        if not runs or not runs[-1].get("procs"):
            continue
        parts = ["%s %s/%s" % (p.get("user", p["uid"]), fmt(p["rss"], 0), fmt(p["pss"], 0)) for p in runs[-1]["procs"]]
        L.append("- %s's idle processes (user RSS/PSS KiB, last run): %s" % (label[s], ", ".join(parts)))
    return L + ([""] if L else [])


def targets(kexes, lat, lcpu, idle):
    """the issue 13 lines of the report's target list"""
    out = []
    for name, goal, data, _ in measures(kexes, lat, lcpu, idle):
        if not goal:
            continue
        r = ratio(data.get("sshd-lite"), data.get("dropbear"))
        out.append("- Issue 13, %s ≤ %.1fx Dropbear's: %s%s: %s" % (name, GOAL[goal], fmt_ratio(r),
                                                                   above_floor(goal, data, lat), verdict(r, GOAL[goal])))
    for k in kexes:
        m, ci = paired_extra(lcpu.get((k, "sshd-lite"), []), lcpu.get((k, "baseline"), []))
        if m is not None:
            out.append("- Issue 13, server CPU per connection ≤ +%.1f ms above the baseline, %s: %+.2f ms%s: %s" %
                       (BASE_EXTRA_MS, k, m, " (95%% interval %+.2f to %+.2f)" % ci if ci else "",
                        base_verdict(m, ci, BASE_EXTRA_MS)))
    return out
