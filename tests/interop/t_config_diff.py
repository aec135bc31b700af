#!/usr/bin/python3
"""Differential test of the configuration language (issue 14): the corpus in
tests/config (Debian 12's and 13's stock sshd_config with a sshd_config.d,
every keyword alone, Match blocks with -C specifications, Includes, errors)
is given to `sshd-lite -T [-C spec]` and to OpenSSH's `sshd -T [-C spec]`:
the machine's (Debian 12: 9.2) and, when tests/trixie.sh's root has one,
OpenSSH 10's. For every keyword both print, the values agree; whether a
configuration is accepted agrees; each exception is a line of
tests/config/expected-differences with its reason."""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sshl_py  # noqa: E402

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
S = os.environ.get("SSHD_LITE") or os.path.join(TOP, "sshd-lite")
CORPUS = os.path.join(TOP, "tests", "config")
R = sshl_py.Report()


def expected_differences():
    """{(kind, key): reason}: kind "value" (key: a -T keyword whose value may
    differ whatever the configuration says), "default" (differs only where
    the configuration does not set it), "accept" (key: a corpus case whose
    acceptance differs; blanks in its name written as '_')"""
    exp = {}
    with open(os.path.join(CORPUS, "expected-differences")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            kind, key, reason = line.split(None, 2)
            exp[(kind, key)] = reason
    return exp


def prepare(scratch):
    """the corpus copied into scratch with its placeholders filled: @DIR@ the
    copy, @REL@ the copy reached from /etc/ssh (Include's relative paths),
    Debian's /etc/ssh/sshd_config.d the copy's"""
    d = os.path.join(scratch, "corpus")
    shutil.copytree(CORPUS, d)
    for path in glob.glob(d + "/**", recursive=True):
        if not os.path.isfile(path):
            continue
        with open(path) as f:
            text = f.read()
        debian = re.match(r".*/(debian1[0-9])/", path)
        if debian:
            text = text.replace("/etc/ssh/sshd_config.d", os.path.join(d, debian.group(1), "sshd_config.d"))
        text = text.replace("@DIR@", d).replace("@REL@", "../.." + d)
        with open(path, "w") as f:
            f.write(text)
    return d


def cases(d, scratch):
    """(name, config file, [-C specs])"""
    out = []
    for v in ("debian12", "debian13"):
        out.append((v, os.path.join(d, v, "sshd_config"), [None]))
    for name in ("match", "match2", "include/main.conf"):
        path = os.path.join(d, name)
        with open(path) as f:
            lines = f.read().splitlines()
        specs = [l.split(None, 1)[1] for l in lines if l.startswith("@spec ")]
        with open(path, "w") as f:
            f.write("".join(l + "\n" for l in lines if not l.startswith("@spec ")))
        out.append((name, path, [None] + specs))
    with open(os.path.join(d, "keywords")) as f:
        for i, line in enumerate(f):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            path = os.path.join(scratch, "kw%03d.conf" % i)
            with open(path, "w") as g:
                g.write(line + "\n")
            out.append(("keyword: " + line, path, [None]))
    for path in sorted(glob.glob(os.path.join(d, "errors", "*.conf"))):
        out.append(("error: " + os.path.basename(path), path, [None]))
    return out


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    values = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition(" ")
        values.setdefault(k, []).append(v)
    return p.returncode, values, p.stderr.strip()


def set_keywords(path, depth=0):
    """the -T keywords a configuration names, in its file and in the files
    it includes (relative Include paths are under /etc/ssh)"""
    names = set()
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            names.add(w[0].lower())
            if w[0].lower() == "include" and depth < 16:
                for pat in w[1:]:
                    for inc in sorted(glob.glob(pat if pat.startswith("/") else "/etc/ssh/" + pat)):
                        names |= set_keywords(inc, depth + 1)
    return names


ALIASES = {"challengeresponseauthentication": "kbdinteractiveauthentication",
           "pubkeyacceptedkeytypes": "pubkeyacceptedalgorithms"}


def compare(label, name, path, spec, sshd, exp):
    args = ["-T", "-f", path] + (["-C", spec] if spec else [])
    lite = run([S] + args + ["-h", KEY])
    theirs = run(sshd + args + ["-h", KEY])
    what = "%s: %s%s" % (label, name, " -C " + spec if spec else "")
    accepted = (lite[0] == 0, theirs[0] == 0)
    if accepted[0] != accepted[1]:
        why = exp.get(("accept", name.replace(" ", "_")))
        R.check("%s: accepted by both or by neither%s" % (what, " (expected: %s)" % why if why else ""),
                why is not None, "sshd-lite %s (%s), OpenSSH %s (%s)" % (
                    "accepts" if accepted[0] else "refuses", lite[2][:200],
                    "accepts" if accepted[1] else "refuses", theirs[2][:200]))
        return
    if not accepted[0]:
        R.check("%s: refused by both" % what, bool(lite[2]), "sshd-lite said nothing on stderr")
        return
    sets = {ALIASES.get(k, k) for k in set_keywords(path)}
    bad = []
    for k in sorted(set(lite[1]) & set(theirs[1])):
        a, b = sorted(lite[1][k]), sorted(theirs[1][k])
        if a == b or ("value", k) in exp:
            continue
        if ("default", k) in exp and k not in sets:
            continue
        bad.append("%s: sshd-lite '%s', OpenSSH '%s'" % (k, " | ".join(a)[:80], " | ".join(b)[:80]))
    R.check("%s: same values for the %d keywords both print" % (what, len(set(lite[1]) & set(theirs[1]))),
            not bad, "; ".join(bad))


def openssh_servers(scratch):
    out = [("OpenSSH " + version(["/usr/sbin/sshd"]), ["/usr/sbin/sshd"])]
    root = os.path.join(TOP, ".trixie")
    if os.access(os.path.join(root, "usr/sbin/sshd"), os.X_OK):
        R.skip("OpenSSH 10", "the corpus would have to live inside .trixie; not wired up yet")
    else:
        R.skip("OpenSSH 10", "no .trixie/usr/sbin/sshd (tests/trixie.sh builds the root without the server)")
    return out


def version(sshd):
    p = subprocess.run(sshd + ["-V"], capture_output=True, text=True)
    m = re.search(r"OpenSSH_[^ ,]+", p.stderr + p.stdout)
    return m.group(0) if m else "?"


def documented():
    """every keyword sshd-lite knows is in the README's and the man page's
    tables (keywords_other.c) or reference (config.c)"""
    with open(os.path.join(TOP, "config/config.c")) as g:
        names = re.findall(r'^\s*\{"([A-Za-z0-9]+)", K_', g.read(), re.M)
    with open(os.path.join(TOP, "README.md")) as g:
        readme = g.read()
    with open(os.path.join(TOP, "man", "sshd-lite.8")) as g:
        man = g.read()
    other = open(os.path.join(TOP, "config/keywords_other.c")).read()
    rows = re.findall(r'^\s*\{"([A-Za-z0-9]+)", ', other, re.M)
    R.check("the README's table lists every keyword of keywords_other.c",
            all("| `%s` |" % n in readme for n in rows), ", ".join(n for n in rows if "| `%s` |" % n not in readme))
    R.check("the man page lists every keyword of keywords_other.c",
            all(".B %s\n" % n in man for n in rows), ", ".join(n for n in rows if ".B %s\n" % n not in man))
    aliases = {"HostDSAKey", "PubkeyAcceptedKeyTypes", "DSAAuthentication", "ChallengeResponseAuthentication",
               "SKeyAuthentication"}
    missing = [n for n in names if n not in man and n not in aliases]
    R.check("the man page names every keyword sshd-lite knows", not missing, ", ".join(missing))


documented()
if not os.access("/usr/sbin/sshd", os.X_OK):
    R.skip("differential test", "no /usr/sbin/sshd (openssh-server, in .ci/packages)")
    sys.exit(0)
scratch = sshl_py.scratch_dir("t_config_diff")
KEY = os.path.join(scratch, "host_ed25519")
subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", KEY], check=True)
EXP = expected_differences()
corpus = prepare(scratch)
# OpenSSH's sshd -t/-T refuses to run without its privilege separation
# directory, which Debian makes only when it starts the ssh service (a fresh
# root with no init, a container). Made as the package's init script makes
# it, and removed again if this test made it.
made_privsep = not os.path.isdir("/run/sshd") and os.geteuid() == 0
if made_privsep:
    os.mkdir("/run/sshd", 0o755)
try:
    for label, sshd in openssh_servers(scratch):
        for name, path, specs in cases(corpus, scratch):
            for spec in specs:
                compare(label, name, path, spec, sshd, EXP)
finally:
    if made_privsep:
        os.rmdir("/run/sshd")
used = {n.replace(" ", "_") for n, _, _ in cases(corpus, scratch)}
stale = [k for (kind, k) in EXP if kind == "accept" and k not in used]
R.check("every 'accept' line of expected-differences names a corpus case", not stale, ", ".join(stale))
R.finish()
