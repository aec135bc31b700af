#!/usr/bin/python3
"""Plays launcher and client at once: makes a connection of the asked kind,
starts the server with one end on its stdin/stdout (and stderr with
--stderr-conn), talks a little as a client and reports what it saw.

  netprobe.py [options] MODE -- COMMAND...
  MODE: tcp4 (127.0.0.1), tcp6 (::1), mapped (a dual-stack :: socket reached
        from 127.0.0.1), pair (a UNIX socketpair), pipe (two pipes)

Prints "client_port=N server_port=N", then "received=" with the bytes the
client got (Python repr), then "rc=N", the server's exit status."""
import argparse
import os
import select
import signal
import socket
import subprocess
import sys
import time


def connected(mode):
    if mode == "pair":
        a, b = socket.socketpair()
        return a, b, 0, 0
    fam, bind, dest = {
        "tcp4": (socket.AF_INET, "127.0.0.1", "127.0.0.1"),
        "tcp6": (socket.AF_INET6, "::1", "::1"),
        "mapped": (socket.AF_INET6, "::", "127.0.0.1"),
    }[mode]
    ls = socket.socket(fam, socket.SOCK_STREAM)
    if mode == "mapped":
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind((bind, 0))
    ls.listen(1)
    port = ls.getsockname()[1]
    cfam = socket.AF_INET if dest == "127.0.0.1" else socket.AF_INET6
    client = socket.socket(cfam, socket.SOCK_STREAM)
    client.connect((dest, port))
    server, _ = ls.accept()
    ls.close()
    return client, server, client.getsockname()[1], port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stderr-conn", action="store_true")
    ap.add_argument("--send", default="SSH-2.0-netprobe\r\n", help="what the client sends after the banner")
    ap.add_argument("--signal", help="send this signal to the server after the banner (TERM, HUP)")
    ap.add_argument("--hold", type=float, default=0, help="seconds to keep the connection open")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    ap.add_argument("mode")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    env = dict(os.environ)
    for kv in a.env:
        k, v = kv.split("=", 1)
        env[k] = v

    if a.mode == "pipe":
        to_srv_r, to_srv_w = os.pipe()
        from_srv_r, from_srv_w = os.pipe()
        p = subprocess.Popen(cmd, stdin=to_srv_r, stdout=from_srv_w, env=env)
        os.close(to_srv_r)
        os.close(from_srv_w)
        rfd, wfd, cport, sport = from_srv_r, to_srv_w, 0, 0
        client = None
    else:
        client, server, cport, sport = connected(a.mode)
        p = subprocess.Popen(cmd, stdin=server, stdout=server, stderr=server if a.stderr_conn else None, env=env)
        server.close()
        rfd = wfd = client.fileno()
    print("client_port=%d server_port=%d" % (cport, sport), flush=True)

    got = b""
    deadline = time.time() + 20
    sent = False
    signalled = False
    hold_until = None
    while time.time() < deadline:
        r, _, _ = select.select([rfd], [], [], 0.2)
        if r:
            d = os.read(rfd, 65536)
            if not d:
                break
            got += d
        if b"\n" in got and not sent:
            sent = True
            if a.send:
                os.write(wfd, a.send.encode())
            hold_until = time.time() + a.hold
        if sent and a.signal and not signalled and time.time() >= hold_until:
            signalled = True
            p.send_signal(getattr(signal, "SIG" + a.signal))
        if sent and not a.signal and time.time() >= hold_until and not r:
            break
    if client:
        client.close()
    else:
        os.close(wfd)
        os.close(rfd)
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    print("received=%r" % got)
    print("rc=%d" % rc)


if __name__ == "__main__":
    sys.exit(main())
