"""Query-buffer sizing as CLIENT LIST shows it (qbuf, qbuf-free): trimmed
by the cron when idle or far above its recent peak, as Redis 7.0; and an
output that passes its hard limit mid-command (KEYS) closes the client."""

import time

from conftest import SLOW, wait_for


def qbuf_of(r, name):
    for line in r.execute_command("CLIENT", "LIST").decode().splitlines():
        fields = dict(f.split("=", 1) for f in line.split(" ") if "=" in f)
        if fields.get("name") == name:
            return int(fields["qbuf"]), int(fields["qbuf-free"])
    raise AssertionError("no client named %s" % name)


def test_idle_client_query_buffer_is_freed(server, r):
    c = server.client()
    c.client_setname("qb_idle")
    used, free = qbuf_of(r, "qb_idle")
    assert used == 0 and 16384 <= used + free < 32768
    assert wait_for(lambda: qbuf_of(r, "qb_idle") == (0, 0), timeout=6 * SLOW)
    assert c.ping()             # and it still reads
    c.close()


def test_big_query_buffer_shrinks_to_its_recent_peak(server, r):
    c = server.client()
    c.client_setname("qb_big")
    c.set("x", "A" * 400000)
    used, free = qbuf_of(r, "qb_big")
    orig = used + free
    assert orig > 32768
    deadline = time.time() + 3 * SLOW
    now = orig
    while time.time() < deadline:
        c.set("x", "A" * 100)
        used, free = qbuf_of(r, "qb_big")
        now = used + free
        if now < orig:
            break
        time.sleep(0.01)
    assert 0 < now < orig
    c.close()


def test_keys_stops_when_its_reply_passes_the_hard_limit(start_server):
    srv = start_server()
    r = srv.client()
    prefix = "long-key-name-prefix-of-100-chars" + "-" * 67
    pipe = r.pipeline(transaction=False)
    for i in range(1000):
        pipe.set(prefix + str(i), "v")
    pipe.execute()
    r.config_set("client-output-buffer-limit", "normal 100000 0 0")
    c = srv.raw()
    c.send(c.encode("KEYS", "*"))
    assert c.is_closed()
    c.close()
    assert r.dbsize() == 1000     # the server goes on
