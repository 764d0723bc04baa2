#!/usr/bin/env python3
# tests/qemu/faketarget.py ADDR PORT=MODE...: a misbehaving iSCSI target for
# trial tests; one thread per listening port, each connection answered by
# MODE: silent (accepts, never answers), garbage (48 bytes of 'A'), close
# (reads the request, closes), hugelen (a Login Response header saying 16 MB
# of data, then nothing), redirect:TEXT (status 0x0101 with TargetAddress=TEXT),
# redirect-none (status 0x0101, no TargetAddress), status:0xCCDD.
import socket, sys, threading, struct

def recv_pdu(c):
    h = b''
    while len(h) < 48:
        d = c.recv(48 - len(h))
        if not d:
            return None
        h += d
    dlen = int.from_bytes(h[5:8], 'big')
    pad = (dlen + 3) & ~3
    got = b''
    while len(got) < pad + h[4] * 4:
        d = c.recv(pad + h[4] * 4 - len(got))
        if not d:
            return None
        got += d
    return h

def rsp(req, cls, det, data=b'', flags=0x00):
    dlen = len(data)
    h = bytearray(48)
    h[0] = 0x23
    h[1] = flags
    h[5:8] = dlen.to_bytes(3, 'big')
    h[8:14] = req[8:14]
    h[16:20] = req[16:20]
    h[24:28] = (0).to_bytes(4, 'big')
    cmdsn = int.from_bytes(req[24:28], 'big')
    h[28:32] = cmdsn.to_bytes(4, 'big')
    h[32:36] = cmdsn.to_bytes(4, 'big')
    h[36] = cls
    h[37] = det
    return bytes(h) + data + b'\0' * (((dlen + 3) & ~3) - dlen)

held = []

def serve(c, mode):
    try:
        req = recv_pdu(c)
        if req is None:
            return
        if mode == 'silent':
            held.append(c)
            return
        if mode == 'garbage':
            c.sendall(b'A' * 48)
            held.append(c)
            return
        if mode == 'close':
            c.close()
            return
        if mode == 'hugelen':
            h = bytearray(rsp(req, 0, 0))
            h[5:8] = (0xffffff).to_bytes(3, 'big')
            c.sendall(bytes(h[:48]))
            held.append(c)
            return
        if mode.startswith('redirect:'):
            c.sendall(rsp(req, 1, 1, b'TargetAddress=' + mode[9:].encode() + b'\0'))
            held.append(c)
            return
        if mode == 'redirect-none':
            c.sendall(rsp(req, 1, 1, b''))
            held.append(c)
            return
        if mode.startswith('status:'):
            v = int(mode[7:], 16)
            c.sendall(rsp(req, v >> 8, v & 255))
            held.append(c)
            return
    except OSError:
        pass

def listen(addr, port, mode):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, mode), daemon=True).start()

addr = sys.argv[1]
for a in sys.argv[2:]:
    p, m = a.split('=', 1)
    threading.Thread(target=listen, args=(addr, int(p), m), daemon=True).start()
print('listening', flush=True)
threading.Event().wait()
