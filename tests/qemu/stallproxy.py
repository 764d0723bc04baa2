#!/usr/bin/env python3
# stallproxy.py LISTEN BACKEND N: a TCP proxy (host:port each) for a QEMU
# test, run inside the test's namespace: a target whose SCSI side hangs
# in the middle of the LUN scan while its iSCSI side goes on answering.
# On each connection the initiator's first N SCSI Command PDUs (iSCSI
# opcode 0x01) pass; every later one is swallowed (the target never sees
# it, so it is never answered), with any Data-Out PDU for it.  All else
# passes both ways: the login, NOP-Out/NOP-In (the kernel's pings: the
# connection stays up), task management.  PDUs without digests (the
# tests' tables ask for none).  One line per event on stdout.
import select
import socket
import sys
import threading
import time

listen, backend, n_pass = sys.argv[1], sys.argv[2], int(sys.argv[3])

BHS = 48
OP_SCSI_CMD, OP_DATA_OUT = 0x01, 0x05


def addr(s):
    host, port = s.rsplit(':', 1)
    return host, int(port)


def log(*words):
    print('%.3f' % time.time(), *words, flush=True)


def pdus(buf):
    """The whole PDUs at the start of buf, and what is left of it."""
    out = []
    while len(buf) >= BHS:
        ahs = buf[4] * 4
        dlen = int.from_bytes(buf[5:8], 'big')
        size = BHS + ahs + ((dlen + 3) & ~3)
        if len(buf) < size:
            break
        out.append(buf[:size])
        buf = buf[size:]
    return out, buf


def pump(client, n):
    target = socket.create_connection(addr(backend))
    buf, cmds, swallowed = b'', 0, set()
    try:
        while True:
            for s in select.select([client, target], [], [])[0]:
                data = s.recv(65536)
                if not data:
                    log('conn', n, 'closed by the', 'initiator' if s is client else 'target')
                    return
                if s is target:
                    client.sendall(data)
                    continue
                whole, buf = pdus(buf + data)
                out = b''
                for p in whole:
                    op, itt = p[0] & 0x3f, p[16:20]
                    if op == OP_SCSI_CMD:
                        cmds += 1
                        if cmds > n_pass:
                            if not swallowed:
                                log('conn', n, 'stalls: swallowing SCSI command', cmds, 'and later ones')
                            swallowed.add(itt)
                            continue
                    elif op == OP_DATA_OUT and itt in swallowed:
                        continue
                    out += p
                target.sendall(out)
    except OSError as e:
        log('conn', n, 'error', e)
    finally:
        for s in (client, target):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(addr(listen))
server.listen(16)
log('listening')
count = 0
while True:
    conn = server.accept()[0]
    count += 1
    threading.Thread(target=pump, args=(conn, count), daemon=True).start()
