#!/usr/bin/python3
"""The README's table of algorithms must say what the server supports: each
row's "offered by default" names are compared, in order, with `sshd-lite -T`,
and those plus the opt-in ones with `sshd-lite -Q`. Words in parentheses are
notes. The man page's KexAlgorithms default list is held to `-T` the same
way. `t_readme.py --print` prints rows to paste in."""
import os
import re
import subprocess
import sys

TOP = os.environ.get("TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
S = os.environ.get("SSHD_LITE") or os.path.join(TOP, "sshd-lite")
# the row's first cell starts with this | -Q kind | -T keyword (None: all names are offered)
ROWS = [
    ("Key exchange", "kex", "kexalgorithms"),
    ("Host key / signature", "sig", "hostkeyalgorithms"),
    ("User key (publickey)", "pubkey", "pubkeyacceptedalgorithms"),
    ("Cipher", "cipher", "ciphers"),
    ("MAC", "mac", "macs"),
    ("Compression", "compression", None),
]
fails = 0


def ok(cond, name):
    global fails
    print("%s - %s" % ("ok" if cond else "not ok", name))
    fails += 0 if cond else 1


def server():
    t = subprocess.run([S, "-T", "-f", "/dev/null"], capture_output=True, text=True, check=True).stdout
    tv = dict(l.split(" ", 1) for l in t.splitlines() if " " in l)
    out = {}
    for label, kind, key in ROWS:
        q = subprocess.run([S, "-Q", kind], capture_output=True, text=True, check=True).stdout.split()
        # -T says "compression yes"; plain zlib is offered only with
        # `Compression zlib`
        default = tv[key].split(",") if key else [n for n in q if n != "zlib"]
        out[label] = (default, [n for n in q if n not in default])
    return out


def names(cell):
    cell = re.sub(r"\([^)]*\)", "", cell).replace("`", "")
    return [n.strip() for n in cell.split(",") if n.strip() and n.strip() not in ("—", "-")]


def main():
    have = server()
    if sys.argv[1:] == ["--print"]:
        for label, _, _ in ROWS:
            d, o = have[label]
            print("| %s | %s | %s |" % (label, ", ".join(d), ", ".join(o) or "—"))
        return 0
    path = os.path.join(TOP, "README.md")
    ok(os.path.exists(path), "README.md exists")
    if not os.path.exists(path):
        return 1
    text = open(path, encoding="utf-8").read()
    table = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            continue
        for label, _, _ in ROWS:
            if cells[0].startswith(label):
                table[label] = (names(cells[1]), names(cells[2]))
    for label, kind, _ in ROWS:
        if label not in table:
            ok(False, "README row '%s'" % label)
            continue
        d, o = table[label]
        ok(d == have[label][0], "README '%s' defaults, in order, are sshd-lite -T's: %s" % (label, ",".join(have[label][0])))
        ok(sorted(o) == sorted(have[label][1]),
           "README '%s' opt-in names are the rest of sshd-lite -Q %s: %s" % (label, kind, ",".join(have[label][1]) or "none"))
    for s in ("## Deployment", "## Configuration", "## Deployment, launcher by launcher", "## Configuration reference"):
        ok(re.search("^%s$" % re.escape(s), text, re.M) is not None, "README.md has %s" % s)
    quick_start(text)
    man_kex(have["Key exchange"])
    return 1 if fails else 0


def man_kex(have):
    """The man page's KexAlgorithms paragraph: "defaults to, in this order"
    then one .BR line per name, the last ending the sentence; the opt-in
    names (what -Q adds) are named there too."""
    path = os.path.join(TOP, "man", "sshd-lite.8")
    lines = open(path, encoding="utf-8").read().splitlines()
    start = next((i for i, l in enumerate(lines) if "defaults to, in this order" in l
                  and i > 0 and lines[i - 1] == ".B KexAlgorithms"), None)
    ok(start is not None, "man page: KexAlgorithms has its default list")
    if start is None:
        return
    listed = []
    for l in lines[start + 1:]:
        m = re.match(r"^\.BR? (\S+?)( ,| \.)?$", l)
        if not m:
            break
        listed.append(m.group(1))
        if m.group(2) == " .":
            break
    ok(listed == have[0], "man page: KexAlgorithms defaults, in order, are sshd-lite -T's (%s)" % ",".join(listed))
    para = " ".join(lines[start:start + len(listed) + 12])
    ok("mlkem768nistp256-sha256" in have[1] and "mlkem768nistp256-sha256" in para,
       "man page: mlkem768nistp256-sha256 is named as offered only when named")


def quick_start(text):
    """The quick start's commands, as written, name what exists: a clone
    step, the install line reading .ci/packages (every package of which this
    machine has, as it would after that line), make demo, make check."""
    m = re.search(r"^## Quick start\n(.*?)^## ", text, re.M | re.S)
    ok(m is not None, "README.md has a Quick start section")
    if not m:
        return
    blocks = re.findall(r"```sh\n(.*?)```", m.group(1), re.S)
    cmds = [l.strip() for b in blocks for l in b.splitlines() if l.strip()]
    ok(len(cmds) == 3 and cmds[0].startswith("git clone ") and cmds[0].endswith("&& cd sshd-lite"),
       "quick start: step zero clones into sshd-lite and enters it")
    ok(len(cmds) == 3 and "$(grep -v \"^#\" .ci/packages)" in cmds[1] and cmds[1].endswith("&& make demo"),
       "quick start: the first command installs .ci/packages and runs make demo")
    ok(len(cmds) == 3 and cmds[2] == "sudo make check", "quick start: the second command is make check")
    pkgs = [p for l in open(os.path.join(TOP, ".ci/packages")) if not l.startswith("#") for p in l.split()]
    missing = [p for p in pkgs if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    ok(not missing, "quick start: every package of .ci/packages is installed here (%s)" % " ".join(missing))
    for target in ("demo", "check"):
        r = subprocess.run(["make", "-n", "-C", TOP, target], capture_output=True)
        ok(r.returncode == 0, "quick start: make %s exists" % target)


if __name__ == "__main__":
    sys.exit(main())
