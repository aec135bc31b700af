#!/usr/bin/python3
"""Computes the SSH-shaped known answers in test_cipher_kat.c with an
independent implementation (OpenSSL through python3-cryptography), so the
C code is checked against something other than libtomcrypt. Run it and
paste the output there if the inputs change.

chacha20-poly1305@openssh.com (OpenSSH's PROTOCOL.chacha20poly1305): the
64-byte key is K_2 || K_1; K_1 encrypts the 4-byte length; K_2's block 0
gives the Poly1305 key and blocks 1.. the rest of the packet; the nonce is
the sequence number as 8 big-endian bytes with a 64-bit block counter, which
is OpenSSL's 16-byte ChaCha20 IV as counter (8 bytes LE) || nonce.

aes*-gcm@openssh.com (RFC 5647): the length field is the AAD, the IV is
4 fixed bytes and an 8-byte counter that adds one per packet and wraps.

aes*-cbc and 3des-cbc (RFC 4253 6.3): plain CBC whose chaining value goes
on from one packet to the next: 96 bytes as one stream."""
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.poly1305 import Poly1305


def chacha(key, ctr, seq, data):
    iv = struct.pack('<Q', ctr) + struct.pack('>Q', seq)
    return Cipher(algorithms.ChaCha20(key, iv), None).encryptor().update(data)


def openssh_chachapoly(key64, seq, pkt):
    k2, k1 = key64[:32], key64[32:]
    enc_len = chacha(k1, 0, seq, pkt[:4])
    polykey = chacha(k2, 0, seq, bytes(32))
    body = chacha(k2, 1, seq, pkt[4:])
    return enc_len + body + Poly1305.generate_tag(polykey, enc_len + body)


def main():
    key = bytes(range(0x20, 0x60))
    payload = bytes([94]) + b'sshd-lite chacha!'
    pad = bytes(range(0xa0, 0xa9))
    pkt = struct.pack('>I', 1 + len(payload) + len(pad)) + bytes([len(pad)]) + payload + pad
    for seq in (7, 0xfffffffe):
        print('chacha seq', hex(seq), 'pkt', pkt.hex())
        print('  out', openssh_chachapoly(key, seq, pkt).hex())
    # 100 bytes after the length: the payload crosses ChaCha blocks 1 to 3
    pkt2 = struct.pack('>I', 100) + bytes([10]) + bytes((i * 7) & 0xff for i in range(89)) + bytes(10)
    print('chacha seq 0x3 pkt', pkt2.hex())
    print('  out', openssh_chachapoly(key, 3, pkt2).hex())

    for keylen in (16, 32):
        gk = bytes((0x11 * i + keylen) & 0xff for i in range(keylen))
        iv = bytes.fromhex('00112233fffffffffffffffe')
        p1 = struct.pack('>I', 32) + bytes([16, 94]) + b'gcm packet one' + bytes(range(0xb0, 0xc0))
        print('gcm', keylen, 'key', gk.hex(), 'iv', iv.hex(), 'pkt', p1.hex())
        ctr = int.from_bytes(iv[4:], 'big')
        for i in range(3):
            ivi = iv[:4] + ((ctr + i) % (1 << 64)).to_bytes(8, 'big')
            print('  out', p1[:4].hex() + AESGCM(gk).encrypt(ivi, p1[4:], p1[:4]).hex())

    for name, keylen, bl in (('aes128-cbc', 16, 16), ('aes192-cbc', 24, 16), ('aes256-cbc', 32, 16),
                             ('3des-cbc', 24, 8)):
        ck = bytes((0x25 * i + keylen) & 0xff for i in range(keylen))
        civ = bytes((0x3b * i + 1) & 0xff for i in range(bl))
        pt = bytes((i * 13 + 5) & 0xff for i in range(96))
        alg = algorithms.AES(ck) if bl == 16 else algorithms.TripleDES(ck)
        ct = Cipher(alg, modes.CBC(civ)).encryptor().update(pt)
        print('{"%s", "%s", "%s",\n "%s"},' % (name, ck.hex(), civ.hex(), ct.hex()))


main()
