#!/usr/bin/python3
"""For t_pam: logs in with paramiko through keyboard-interactive (or
password), answering every prompt with the next of the comma-separated ANSWERS, and prints each turn the
server sent (instruction, prompts with echo) and the outcome as JSON.
  pam_kbd.py kbd|password|kbd-rekey USER ANSWERS SSHD-LITE ARGS...
kbd-rekey: the client re-keys while the first prompt waits for its answer
(paramiko's own keyboard-interactive answers from its packet thread, which
a re-key needs, so the userauth messages are sent and read here), then
answers, and after the login runs `echo session` ("session" in the JSON)."""
import json
import os
import queue
import socket
import subprocess
import sys

import paramiko
from paramiko.common import (cMSG_SERVICE_REQUEST, cMSG_USERAUTH_INFO_RESPONSE, cMSG_USERAUTH_REQUEST,
                             MSG_SERVICE_ACCEPT, MSG_USERAUTH_BANNER, MSG_USERAUTH_FAILURE,
                             MSG_USERAUTH_INFO_REQUEST, MSG_USERAUTH_SUCCESS)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sshl_py import drain  # noqa: E402

mode, user, answers, cmd = sys.argv[1], sys.argv[2], sys.argv[3].split(","), sys.argv[4:]
password = answers[0]
ours, theirs = socket.socketpair()
srv = subprocess.Popen(cmd, stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL)
theirs.close()
turns = []


def handler(title, instructions, prompts):
    turns.append({"instruction": instructions, "prompts": [[p, e] for p, e in prompts]})
    return [answers.pop(0) if answers else "" for _ in prompts]


class Raw:
    """stands in for paramiko's AuthHandler: the userauth messages the
    server sends are queued for the main thread as (type, message)"""

    def __init__(self):
        self.q = queue.Queue()
        self.authenticated = False
        self.banner = None
        # paramiko 2 calls handler(auth_handler, m), 3 a bound handler(m)
        self._handler_table = {k: (lambda *a, k=k: self.q.put((k, a[-1]))) for k in (
            MSG_SERVICE_ACCEPT, MSG_USERAUTH_SUCCESS, MSG_USERAUTH_FAILURE, MSG_USERAUTH_BANNER,
            MSG_USERAUTH_INFO_REQUEST)}

    def is_authenticated(self):
        return self.authenticated

    def get_username(self):
        return user

    def next(self):
        while True:
            k, m = self.q.get(timeout=20)
            if k != MSG_USERAUTH_BANNER:
                return k, m


def send(t, byte, *strings):
    m = paramiko.Message()
    m.add_byte(byte)
    for v in strings:
        if isinstance(v, int):
            m.add_int(v)
        else:
            m.add_string(v)
    t._send_message(m)


def kbd_rekey(t):
    raw = Raw()
    t.auth_handler = raw
    send(t, cMSG_SERVICE_REQUEST, "ssh-userauth")
    if raw.next()[0] != MSG_SERVICE_ACCEPT:
        raise paramiko.SSHException("no SERVICE_ACCEPT")
    send(t, cMSG_USERAUTH_REQUEST, user, "ssh-connection", "keyboard-interactive", "", "")
    rekeyed = False
    while True:
        k, m = raw.next()
        if k != MSG_USERAUTH_INFO_REQUEST:
            break
        m.get_text()
        instruction = m.get_text()
        m.get_string()
        prompts = [(m.get_text(), m.get_boolean()) for _ in range(m.get_int())]
        turns.append({"instruction": instruction, "prompts": [[p, e] for p, e in prompts]})
        if not rekeyed:
            t.renegotiate_keys()
            rekeyed = True
            turns.append({"rekeyed": True})
        send(t, cMSG_USERAUTH_INFO_RESPONSE, len(prompts), *[answers.pop(0) if answers else "" for _ in prompts])
    raw.authenticated = k == MSG_USERAUTH_SUCCESS
    if not raw.authenticated:
        return False, None
    ch = t.open_session(timeout=20)
    ch.exec_command("echo session")
    return True, drain(ch).decode().strip()


t = paramiko.Transport(ours)
ok = False
banner = None
session = None
try:
    t.start_client(timeout=20)
    if mode == "kbd-rekey":
        ok, session = kbd_rekey(t)
    elif mode == "kbd":
        t.auth_interactive(user, handler)
    else:
        t.auth_password(user, password)
    if mode != "kbd-rekey":
        ok = t.is_authenticated()
except (paramiko.SSHException, queue.Empty) as e:
    turns.append({"error": str(e) or type(e).__name__})
banner = t.get_banner()
print(json.dumps({"ok": ok, "turns": turns, "banner": banner.decode() if banner else None, "session": session}))
t.close()
srv.wait(timeout=20)
