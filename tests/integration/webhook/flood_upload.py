#!/usr/bin/env python3
"""A client that uploads a chunked body as fast as it can and never reads: the flood a server
must not discard forever after answering 413.

usage: flood_upload.py PORT PATH [--cafile CA] [--seconds S]
Prints the seconds from the first byte until the server cut the connection (a send failed), or
"never" if it was still accepting bytes after S seconds; exits 0 in the first case, 1 in the
second. With --cafile the connection is TLS (server name "localhost"), without it plain HTTP.
"""
import argparse
import socket
import ssl
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("path")
    ap.add_argument("--cafile")
    ap.add_argument("--seconds", type=float, default=10)
    args = ap.parse_args()

    sock = socket.create_connection(("127.0.0.1", args.port))
    if args.cafile:
        ctx = ssl.create_default_context(cafile=args.cafile)
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
    head = (f"POST {args.path} HTTP/1.1\r\nHost: localhost\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"4000\r\n" + b"a" * 0x4000 + b"\r\n"
    start = time.monotonic()
    sent = 0
    try:
        sock.sendall(head.encode())
        while time.monotonic() - start < args.seconds:
            sock.sendall(chunk)
            sent += len(chunk)
    except OSError:
        print(f"{time.monotonic() - start:.2f} s ({sent >> 20} MiB sent)")
        return 0
    print(f"never ({sent >> 20} MiB sent in {args.seconds:g} s)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
