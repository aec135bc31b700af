"""Prints the section types of an OpenSSH KRL file (PROTOCOL.krl), with the
subsection types of certificate sections as 0x20..0x23, so that a test can
show that ssh-keygen -k wrote the section it means to exercise."""
import struct
import sys


def string(d, o):
    n = struct.unpack(">I", d[o:o + 4])[0]
    return d[o + 4:o + 4 + n], o + 4 + n


def sections(d):
    # magic, format version, KRL version, generated date, flags
    o = 8 + 4 + 8 + 8 + 8
    _, o = string(d, o)  # reserved
    _, o = string(d, o)  # comment
    out = []
    while o < len(d):
        kind = d[o]
        body, o = string(d, o + 1)
        out.append(str(kind))
        if kind == 1:  # certificates: CA key, reserved, subsections
            _, q = string(body, 0)
            _, q = string(body, q)
            while q < len(body):
                out.append("0x%x" % body[q])
                _, q = string(body, q + 1)
    return out


if __name__ == "__main__":
    print(" ".join(sections(open(sys.argv[1], "rb").read())))
