#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fw_relay.py PORT - one guest TCP connection to a host listener on 127.0.0.1.

QEMU's user networking runs this once per connection the firmware opens to a
guestfwd address (`guestfwd=tcp:10.0.2.100:443-cmd:python3 fw_relay.py PORT`),
with the guest's connection as standard input and output; the relay copies
both ways to 127.0.0.1:PORT and passes each side's close on as a half-close.
Only the loopback address is ever connected to.
"""
import os
import select
import socket
import sys


def main():
    port = int(sys.argv[1])
    guest = socket.socket(fileno=os.dup(0))
    try:
        host = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError:
        guest.close()
        return 1
    host.settimeout(None)
    open_ = {guest: host, host: guest}
    while open_:
        readable, _, _ = select.select(list(open_), [], [], 120)
        if not readable:
            break
        for src in readable:
            dst = open_[src]
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if data:
                try:
                    dst.sendall(data)
                    continue
                except OSError:
                    pass
            del open_[src]
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
    guest.close()
    host.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
