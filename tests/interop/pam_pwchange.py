#!/usr/bin/python3
"""For t_pam_conv: a password login (paramiko) whose password PAM says has
expired, then one session, and what it shows, as JSON.
  pam_pwchange.py pty|exec|forward|sftp USER PASSWORD NEW SSHD-LITE ARGS...
pty: a shell on a terminal; every prompt passwd writes is answered (the
current password, then NEW twice) and recorded. exec: `echo hello`
without a terminal. forward: a direct-tcpip channel, then `echo hello`.
sftp: the sftp subsystem (internal-sftp), its first answer or its end."""
import json
import socket
import subprocess
import sys
import time

import paramiko

mode, user, password, new, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
ours, theirs = socket.socketpair()
srv = subprocess.Popen(cmd, stdin=theirs, stdout=theirs, stderr=subprocess.DEVNULL)
theirs.close()
out = {"ok": False}


def read_all(ch, deadline):
    data = b""
    while time.time() < deadline:
        if ch.recv_ready():
            data += ch.recv(65536)
        elif ch.recv_stderr_ready():
            data += ch.recv_stderr(65536)
        elif ch.exit_status_ready() and not ch.recv_ready() and not ch.recv_stderr_ready():
            break
        else:
            time.sleep(0.05)
    return data.decode(errors="replace")


def pty_session(t):
    """answers passwd's prompts, in order, as they come"""
    ch = t.open_session(timeout=20)
    ch.get_pty()
    ch.invoke_shell()
    answers = {"Current password:": password, "New password:": new, "Retype new password:": new}
    text, prompts, deadline = "", [], time.time() + 30
    answered = 0  # text up to here holds prompts already answered
    while time.time() < deadline and not ch.exit_status_ready():
        if not ch.recv_ready():
            time.sleep(0.05)
            continue
        text += ch.recv(65536).decode(errors="replace")
        tail = text[answered:].rstrip()
        for p, a in answers.items():
            if tail.endswith(p):
                prompts.append(p)
                answered = len(text)
                ch.sendall((a + "\n").encode())
                break
    text += read_all(ch, time.time() + 10)
    out["prompts"] = prompts
    out["output"] = text
    out["status"] = ch.recv_exit_status()


try:
    t = paramiko.Transport(ours)
    t.start_client(timeout=20)
    t.auth_password(user, password)
    out["ok"] = t.is_authenticated()
    if mode == "pty":
        pty_session(t)
    elif mode == "sftp":
        ch = t.open_session(timeout=20)
        ch.invoke_subsystem("sftp")
        try:
            paramiko.SFTPClient(ch).listdir(".")
            out["sftp"], out["output"], out["status"] = "served", "", None
        except (paramiko.SSHException, EOFError, OSError):
            out["sftp"] = "ended"
            out["output"] = read_all(ch, time.time() + 10)
            out["status"] = ch.recv_exit_status()
    else:
        if mode == "forward":
            try:
                t.open_channel("direct-tcpip", ("127.0.0.1", 22), ("127.0.0.1", 4242), timeout=20)
                out["forward"] = "opened"
            except paramiko.ChannelException as e:
                out["forward"] = "refused %d" % e.code
        ch = t.open_session(timeout=20)
        if mode == "forward":
            # refused on the server's side only: the log says why
            ch.request_forward_agent(lambda c: None)
        ch.exec_command("echo hello")
        out["output"] = read_all(ch, time.time() + 20)
        out["status"] = ch.recv_exit_status()
    t.close()
except (paramiko.SSHException, OSError) as e:
    out["error"] = str(e)
print(json.dumps(out))
srv.wait(timeout=20)
