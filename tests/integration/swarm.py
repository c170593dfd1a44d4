"""Many client connections from one thread (non-blocking sockets and a
selector), for test_load.py and bench/load.py (stdlib only, no conftest).

  sw = Swarm(host, port)
  secs = sw.open(10000, hello=b"PING\\r\\n")  # connect in waves, one reply each
  replies = sw.roundtrip(lambda i: b"...")    # one line-reply per connection
  sw.close()

Replies are read as lines: every command sent through a Swarm must answer
with one line (+simple string, -error, :integer), which is what PING, SET,
AUTH and the errors of a refused connection do.
"""

import errno
import resource
import selectors
import socket
import time


def raise_nofile(need):
    """Raises this process's RLIMIT_NOFILE soft limit to at least `need`
    (to the hard limit, or above it when privileged). Returns the soft limit
    now in force; raises RuntimeError with the reason when it stays short."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= need:
        return soft
    if hard != resource.RLIM_INFINITY and hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
        except (ValueError, OSError) as e:
            raise RuntimeError(
                "%d open files are needed but the hard limit is %d and it "
                "cannot be raised (%s): run `ulimit -Hn %d` as root first"
                % (need, hard, e, need))
        return need
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Swarm:
    """Connections opened and driven together; self.socks[i] is client i
    (None once closed by the server or by us)."""

    def __init__(self, host, port, timeout=60.0):
        self.addr = (host, port)
        self.timeout = timeout
        self.socks = []
        self.sel = selectors.DefaultSelector()

    def __len__(self):
        return sum(1 for s in self.socks if s is not None)

    # ------------------------------------------------------------ connect
    def open(self, n, hello=b"PING\r\n", lines=1, wave=500, rcvbuf=None):
        """Opens n more connections, `wave` at a time: each wave connects,
        sends `hello` and reads `lines` reply lines per connection before
        the next wave starts (so the server has accepted it). Returns the
        seconds taken; the replies of the last call are in self.hello_replies
        (one per new connection, what came before the server closed it)."""
        t0 = time.time()
        replies = []
        while n > 0:
            k = min(wave, n)
            first = len(self.socks)
            self._connect_wave(k, rcvbuf)
            idx = list(range(first, first + k))
            replies += self._exchange(idx, lambda i: hello, lines)
            n -= k
        self.hello_replies = replies
        return time.time() - t0

    def _connect_wave(self, k, rcvbuf):
        pending = {}
        for _ in range(k):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            if rcvbuf:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.setblocking(False)
            rc = s.connect_ex(self.addr)
            if rc not in (0, errno.EINPROGRESS):
                s.close()
                raise OSError(rc, "connect: %s" % errno.errorcode.get(rc, rc))
            self.socks.append(s)
            pending[s.fileno()] = s
            self.sel.register(s, selectors.EVENT_WRITE)
        deadline = time.time() + self.timeout
        while pending:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("%d of %d connections not established in "
                                   "%.0fs" % (len(pending), k, self.timeout))
            for key, _ in self.sel.select(min(left, 1.0)):
                s = key.fileobj
                self.sel.unregister(s)
                del pending[s.fileno()]
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise OSError(err, "connect: %s" % errno.errorcode.get(err, err))

    # ----------------------------------------------------------- exchange
    def roundtrip(self, payload, lines=1, which=None):
        """Sends payload(i) on every open connection i (or those in
        `which`), then reads until `lines` reply lines came from each (or it
        closed). Returns {i: bytes received}."""
        idx = which if which is not None else [
            i for i, s in enumerate(self.socks) if s is not None]
        return dict(zip(idx, self._exchange(idx, payload, lines)))

    def _exchange(self, idx, payload, lines=1):
        got = {}
        for i in idx:
            s = self.socks[i]
            data = payload(i)
            if data:
                n = s.send(data)
                if n != len(data):
                    raise RuntimeError("short send on client %d: %d of %d"
                                       % (i, n, len(data)))
            got[i] = bytearray()
            self.sel.register(s, selectors.EVENT_READ, i)
        waiting = len(idx)
        deadline = time.time() + self.timeout
        while waiting:
            left = deadline - time.time()
            if left <= 0:
                for key in list(self.sel.get_map().values()):
                    self.sel.unregister(key.fileobj)
                raise TimeoutError("%d of %d connections without a reply in "
                                   "%.0fs" % (waiting, len(idx), self.timeout))
            for key, _ in self.sel.select(min(left, 1.0)):
                s, i = key.fileobj, key.data
                try:
                    chunk = s.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except ConnectionResetError:
                    chunk = b""
                got[i] += chunk
                if not chunk or got[i].count(b"\r\n") >= lines:
                    self.sel.unregister(s)
                    waiting -= 1
                    if not chunk:
                        s.close()
                        self.socks[i] = None
        return [bytes(got[i]) for i in idx]

    # --------------------------------------------------------------- close
    def close(self):
        for i, s in enumerate(self.socks):
            if s is not None:
                s.close()
                self.socks[i] = None
        self.socks = []
