#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Misbehaving servers for the health-check tests, bound to 127.0.0.1 on port 0.

usage: servers.py MODE [ARGS...]; prints the chosen port on stdout once listening, then serves
until killed. Modes: http-ok, http-500, http-slow SECONDS, http-huge BYTES, http-flap K,
http-chunked, http-close, http-huge-close BYTES, http-huge-chunked BYTES,
tcp-hang, tcp-reset, tcp-garbage, tcp-banner TEXT, tcp-full, agent TEXT, agent-hold TEXT, agent-echo, https CERT KEY [CLIENT_CA], udp-echo, udp-silent,
dns-answer, dns-refuse.
"""
import http.server
import socket
import ssl
import struct
import sys
import threading
import time

MODE = sys.argv[1]
ARGS = sys.argv[2:]
COUNTER = {"n": 0}
LOCK = threading.Lock()


def ready(port):
    print(port, flush=True)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        body = ("host=%s path=%s method=%s\n" % (self.headers.get("Host"), self.path, self.command)).encode()
        if MODE in ("http-ok", "https"):
            self.reply(200, body)
        elif MODE == "http-500":
            self.reply(500, b"broken\n")
        elif MODE == "http-slow":
            time.sleep(float(ARGS[0]))
            self.reply(200, body)
        elif MODE == "http-huge":
            n = int(ARGS[0])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"x" * 65536
            try:
                while n > 0:
                    self.wfile.write(chunk[: min(n, len(chunk))])
                    n -= len(chunk)
            except OSError:
                pass
        elif MODE == "http-huge-close":
            # No length: the body goes on until the close, so only the reader's limit stops it.
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
            self.close_connection = True
            self.stream(int(ARGS[0]), lambda part: part)
        elif MODE == "http-huge-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            self.stream(int(ARGS[0]), lambda part: b"%x\r\n%s\r\n" % (len(part), part), b"0\r\n\r\n")
        elif MODE == "http-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for part in (body[:5], body[5:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
        elif MODE == "http-close":
            # HTTP/1.0 style: no length, the close ends the body.
            self.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body)
            self.close_connection = True
        elif MODE == "http-flap":
            with LOCK:
                i = COUNTER["n"]
                COUNTER["n"] += 1
            k = int(ARGS[0])
            self.reply(200 if (i // k) % 2 == 0 else 500, body)

    def stream(self, n, frame, end=b""):
        chunk = b"x" * 65536
        try:
            while n > 0:
                self.wfile.write(frame(chunk[: min(n, len(chunk))]))
                n -= len(chunk)
            self.wfile.write(end)
        except OSError:
            pass  # the check stopped reading and reset the connection

    do_HEAD = do_GET
    do_POST = do_GET


class HTTPServer(http.server.ThreadingHTTPServer):
    # socketserver's default backlog of 5 overflows under the tests' concurrent probes: the
    # dropped handshakes then wait for retransmissions (1 s, 3 s, 7 s) and a check may time out.
    request_queue_size = 128


def serve_http(tls=False):
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS[0], ARGS[1])
        if len(ARGS) > 2:  # a CA: client certificates signed by it are required
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(ARGS[2])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    ready(srv.server_address[1])
    srv.serve_forever()


def serve_tcp(on_conn):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(128)
    ready(ls.getsockname()[1])
    held = []
    while True:
        c, _ = ls.accept()
        on_conn(c, held)


def hang(c, held):
    held.append(c)  # never read, never answer, never close


def reset(c, held):
    c.settimeout(2)
    try:
        c.recv(65536)
    except OSError:
        pass
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()  # RST


def garbage(c, held):
    c.settimeout(2)
    try:
        c.recv(65536)
        c.sendall(b"\x00\x01SSH-2.0-OpenSSH_9.2\r\n\xff\xfe not http at all\r\n\r\n")
    except OSError:
        pass
    c.close()


def banner(c, held):
    try:
        c.settimeout(2)
        c.recv(65536)
        c.sendall(ARGS[0].encode())
    except OSError:
        pass
    c.close()


def agent_bytes():
    return ARGS[0].encode("utf-8", "surrogateescape")


def agent(c, held):
    # An agent speaks first: its line, then the close.
    try:
        c.sendall(agent_bytes())
    except OSError:
        pass
    c.close()


def agent_hold(c, held):
    # The line and nothing else: the connection stays open, so only its end of line ends it.
    try:
        c.sendall(agent_bytes())
    except OSError:
        pass
    held.append(c)


def agent_echo(c, held):
    # Answers the line it is sent (the checker's agent-send) with that same line.
    c.settimeout(2)
    data = b""
    try:
        while not data.endswith(b"\n"):
            part = c.recv(512)
            if not part:
                break
            data += part
        c.sendall(data)
    except OSError:
        pass
    c.close()


def serve_full():
    # A listener whose accept queue is full: the kernel drops further SYNs, so connecting times out.
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(0)
    port = ls.getsockname()[1]
    fillers = []
    for _ in range(8):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(c)
    time.sleep(0.2)
    ready(port)
    while True:
        time.sleep(3600)


def serve_udp(answer):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    ready(s.getsockname()[1])
    while True:
        data, peer = s.recvfrom(65536)
        out = answer(data)
        if out is not None:
            s.sendto(out, peer)


def dns_reply(query, rcode):
    if len(query) < 12:
        return None
    qid = query[0:2]
    # The question: labels up to the zero byte, then QTYPE and QCLASS.
    end = 12
    while end < len(query) and query[end] != 0:
        end += 1 + query[end]
    question = query[12:end + 5]
    flags = 0x8180 | rcode  # response, RD, RA
    if rcode != 0:
        return qid + struct.pack(">HHHHH", flags, 1, 0, 0, 0) + question
    answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 1])
    return qid + struct.pack(">HHHHH", flags, 1, 1, 0, 0) + question + answer


if MODE in ("http-ok", "http-500", "http-slow", "http-huge", "http-flap", "http-chunked", "http-close",
            "http-huge-close", "http-huge-chunked"):
    serve_http()
elif MODE == "https":
    serve_http(tls=True)
elif MODE == "tcp-hang":
    serve_tcp(hang)
elif MODE == "tcp-reset":
    serve_tcp(reset)
elif MODE == "tcp-garbage":
    serve_tcp(garbage)
elif MODE == "tcp-banner":
    serve_tcp(banner)
elif MODE == "agent":
    serve_tcp(agent)
elif MODE == "agent-hold":
    serve_tcp(agent_hold)
elif MODE == "agent-echo":
    serve_tcp(agent_echo)
elif MODE == "tcp-full":
    serve_full()
elif MODE == "udp-echo":
    serve_udp(lambda d: d)
elif MODE == "udp-silent":
    serve_udp(lambda d: None)
elif MODE == "dns-answer":
    serve_udp(lambda d: dns_reply(d, 0))
elif MODE == "dns-refuse":
    serve_udp(lambda d: dns_reply(d, 5))
else:
    sys.exit("unknown mode " + MODE)
