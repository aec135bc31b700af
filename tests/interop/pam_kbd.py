#!/usr/bin/python3
"""For t_pam: logs in with paramiko through keyboard-interactive (or
password), answering every prompt with the next of the comma-separated ANSWERS, and prints each turn the
server sent (instruction, prompts with echo) and the outcome as JSON.
  pam_kbd.py kbd|password USER ANSWERS SSHD-LITE ARGS..."""
import json
import socket
import subprocess
import sys

import paramiko

mode, user, answers, cmd = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4:]
password = answers[0]
ours, theirs = socket.socketpair()
srv = subprocess.Popen(cmd, stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL)
theirs.close()
turns = []


def handler(title, instructions, prompts):
    turns.append({"instruction": instructions, "prompts": [[p, e] for p, e in prompts]})
    return [answers.pop(0) if answers else "" for _ in prompts]


t = paramiko.Transport(ours)
ok = False
banner = None
try:
    t.start_client(timeout=20)
    if mode == "kbd":
        t.auth_interactive(user, handler)
    else:
        t.auth_password(user, password)
    ok = t.is_authenticated()
except paramiko.SSHException as e:
    turns.append({"error": str(e)})
banner = t.get_banner()
print(json.dumps({"ok": ok, "turns": turns, "banner": banner.decode() if banner else None}))
t.close()
srv.wait(timeout=20)
