#!/usr/bin/python3
"""A syslog socket for tests: binds a UNIX datagram socket at PATH and
writes each message it gets, one a line, to stdout, until SECONDS pass."""
import os
import socket
import sys
import time

path, seconds = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
end = time.time() + seconds
while time.time() < end:
    s.settimeout(max(0.05, end - time.time()))
    try:
        m = s.recv(65536)
    except socket.timeout:
        break
    print(m.decode(errors="replace").rstrip("\n"), flush=True)
