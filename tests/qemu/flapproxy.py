#!/usr/bin/env python3
# flapproxy.py LISTEN BACKEND MODEFILE: a TCP proxy (host:port each) for a
# QEMU test, run inside the test's namespace.  While MODEFILE holds "LO HI"
# (milliseconds), every connection is closed LO..HI ms after it was
# accepted, and one open when the mode is set is closed at once; "0":
# connections pass untouched.  One line per connection's end on stdout.
import random
import select
import socket
import sys
import threading
import time

listen, backend, modefile = sys.argv[1:4]


def addr(s):
    host, port = s.rsplit(':', 1)
    return host, int(port)


def mode():
    try:
        lo, hi = (int(v) for v in open(modefile).read().split())
        return (lo, hi) if lo > 0 else None
    except (OSError, ValueError):
        return None


def log(*words):
    print('%.3f' % time.time(), *words, flush=True)


def pump(client, n):
    start = time.time()
    target = socket.create_connection(addr(backend))
    m = mode()
    close_at = start + random.randint(*m) / 1000 if m else None
    try:
        while True:
            ready = select.select([client, target], [], [], 0.05)[0]
            m = mode()
            if not m:
                close_at = None
            elif close_at is None:
                close_at = time.time()
            if close_at and time.time() >= close_at:
                log('conn', n, 'closed by the proxy after %d ms' % ((time.time() - start) * 1000))
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    log('conn', n, 'closed by the', 'initiator' if s is client else 'target')
                    return
                (target if s is client else client).sendall(data)
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
