"""A connection's server-side processes, found from /proc as a tree.

A connection is several processes, not one: sshd-lite's server and its
root monitor (and, with issue 13's privilege separation, the sandboxed
pre-authentication child); OpenSSH's monitor and its privilege-separated
children (OpenSSH 10: sshd, sshd-session, sshd-auth); Dropbear's one.
Everything here walks all descendants of the process bench/rusage
started, so no caller needs to know which of them is "the" server.

The CPU side is bench/rusage's: wait4() over the whole tree (it is a
child subreaper). This module is the memory side, read from /proc at the
moment asked, so only processes alive then count."""

import os
import re


def proc_children():
    """{ppid: [pid, ...]} of every process now"""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        # the command name in parentheses may hold blanks and parentheses
        ppid = int(st.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def descendants(root):
    """root and every process below it, parents before children"""
    kids = proc_children()
    todo, pids = [root], []
    while todo:
        p = todo.pop(0)
        pids.append(p)
        todo += kids.get(p, [])
    return pids


def is_server(pid, exe):
    """whether pid runs one of the server's binaries: exe is a path or a
    tuple of path prefixes (OpenSSH 10's sshd execs sshd-session and
    sshd-auth); the user's shell and command run other binaries"""
    try:
        return os.readlink("/proc/%d/exe" % pid).startswith(exe)
    except OSError:
        return False


def _field(text, name):
    m = re.search(r"^%s:\s+(\d+)" % name, text, re.M)
    return int(m.group(1)) if m else None


def process_memory(pid):
    """{"pid", "uid", "rss", "hwm", "pss"} in KiB, or None once it is gone.
    PSS (smaps_rollup) shares each page among the processes mapping it, so
    a fork's copy-on-write pages are not counted twice as RSS counts them."""
    try:
        with open("/proc/%d/status" % pid) as f:
            status = f.read()
        pss = None
        try:
            with open("/proc/%d/smaps_rollup" % pid) as f:
                pss = _field(f.read(), "Pss")
        except OSError:
            pass
    except OSError:
        return None
    rss = _field(status, "VmRSS")
    if rss is None:
        return None  # a zombie: no memory left
    uid = re.search(r"^Uid:\s+(\d+)", status, re.M)
    return {"pid": pid, "uid": int(uid.group(1)) if uid else -1, "rss": rss,
            "hwm": _field(status, "VmHWM") or 0, "pss": pss}


def server_memory(root, exe):
    """The memory of the connection's server-side processes below root
    (the process bench/rusage started) that run the server's binary:
    {"hwm_max": largest VmHWM, "rss_total": sum of VmRSS, "pss_total": sum
    of Pss (None when smaps_rollup cannot be read), "nproc", "procs": the
    per-process figures}, in KiB"""
    procs = [m for m in (process_memory(p) for p in descendants(root) if is_server(p, exe)) if m]
    pss = [m["pss"] for m in procs]
    return {"hwm_max": max([m["hwm"] for m in procs], default=0),
            "rss_total": sum(m["rss"] for m in procs),
            "pss_total": sum(pss) if procs and None not in pss else None,
            "nproc": len(procs), "procs": procs}


def command_running(root, exe):
    """whether a process below root runs something other than the server
    (the user's shell or command): the session is up, authentication and
    any pre-authentication process are over"""
    return any(p != root and not is_server(p, exe) and os.path.exists("/proc/%d/exe" % p)
               for p in descendants(root))
