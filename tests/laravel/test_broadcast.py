"""Broadcasting and pub/sub through Laravel on the default redis connection.

What Laravel 8.83 really sends (seen with MONITOR on redis-server): the
RedisBroadcaster publishes from a Lua script (EVAL with 0 keys, the payload
in ARGV[1], the channels after it), and it adds the connection's key prefix
to the channel names itself, so `broadcast(['orders'], ...)` lands on
`laravel_database_orders`. Redis::subscribe / psubscribe / publish prefix
the channel (or pattern) too, with both clients. The payload is
json_encode(['event' => ..., 'data' => $payload, 'socket' => ...]), with the
socket also left inside data (json_encode runs before Arr::pull).

Each subscriber through the framework is a separate PHP process
(scenarios/bcast_subscribe.php) that prints its first message and exits;
redis-py subscribers show the exact channel names in the server.
"""

import json
import subprocess
import time

from conftest import ACL, PHP, SCENARIOS, acl_granted, acl_refusals

PREFIX = "laravel_database_"


def wait_for(cond, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class Subscriber:
    """scenarios/bcast_subscribe.php in the background."""

    def __init__(self, env, method, *names):
        self.p = subprocess.Popen(
            [PHP, SCENARIOS + "/bcast_subscribe.php", method] + list(names),
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def result(self, timeout=30):
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            out, err = self.p.communicate()
            raise AssertionError("subscriber got no message:\n%s\n%s" % (
                out.decode(errors="replace"), err.decode(errors="replace")))
        assert self.p.returncode == 0, (out, err)
        return json.loads(out)

    def stop(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.communicate()


def raw_messages(ps, n, timeout=30.0):
    """The next n messages (not confirmations) a redis-py PubSub receives."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        m = ps.get_message(timeout=0.2)
        if m and m["type"] in ("message", "pmessage"):
            got.append(m)
    return got


def test_broadcaster_reaches_framework_and_raw_subscribers(php, php_env, r, server):
    raw = server.client().pubsub()
    raw.psubscribe("*")
    sub = Subscriber(php_env, "subscribe", "orders")
    try:
        # The framework subscribed to the prefixed channel, nothing else.
        wait_for(lambda: r.pubsub_numsub(PREFIX + "orders")[0][1] == 1,
                 "the PHP subscriber")
        assert r.pubsub_channels() == [(PREFIX + "orders").encode()]
        assert php("bcast_publish.php", "broadcaster", "orders") == {"sent": True}
        got = sub.result()
        msgs = raw_messages(raw, 1)
    finally:
        sub.stop()
        raw.close()
    expect = {"event": "OrderShipped",
              "data": {"id": 1, "name": "caf\u00e9", "socket": "sock.42"},
              "socket": "sock.42"}
    assert got["channel"] == PREFIX + "orders"
    assert json.loads(got["message"]) == expect
    assert len(msgs) == 1
    assert msgs[0]["type"] == "pmessage"
    assert msgs[0]["pattern"] == b"*"
    assert msgs[0]["channel"] == (PREFIX + "orders").encode()
    assert json.loads(msgs[0]["data"]) == expect
    # the exact bytes PHP's json_encode made (escaped unicode) are delivered
    assert b'"caf\\u00e9"' in msgs[0]["data"]


def test_broadcast_event_reaches_pattern_subscriber(php, php_env, r, server):
    if ACL:
        # A pattern subscription is allowed only when the (prefixed) pattern
        # is literally one of the user's channel patterns, as in Redis:
        # &laravel_database_* admits PSUBSCRIBE laravel_database_* only.
        p = subprocess.run([PHP, SCENARIOS + "/bcast_subscribe.php", "psubscribe", "ord*"],
                           env=php_env, capture_output=True, timeout=60)
        # Neither client shows the server's error text (phpredis returns
        # false, predis's loop fails on the error reply); ACL LOG does.
        assert p.returncode == 1
        assert p.stderr.startswith(b"subscription ended without a message")
        assert acl_refusals(r) == [("channel", PREFIX + "ord*", "laravel")]
        # The doc's variant: the pattern itself among the channel rules.
        with acl_granted(r, "&" + PREFIX + "ord*"):
            pattern_subscriber(php, php_env, r, server)
    else:
        pattern_subscriber(php, php_env, r, server)


def pattern_subscriber(php, php_env, r, server):
    raw = server.client().pubsub()
    raw.subscribe(PREFIX + "orders")
    raw_messages(raw, 0)
    sub = Subscriber(php_env, "psubscribe", "ord*")
    try:
        wait_for(lambda: r.pubsub_numpat() == 1, "the PHP pattern subscriber")
        # The pattern is prefixed as well: an unprefixed publish misses it.
        assert r.publish("orders", "not for laravel") == 0
        assert r.publish(PREFIX + "elsewhere", "no match") == 0
        assert php("bcast_publish.php", "event") == {"sent": True}
        got = sub.result()
        msgs = raw_messages(raw, 1)
    finally:
        sub.stop()
        raw.close()
    expect = {"event": "App\\Events\\OrderShipped",
              "data": {"id": 7, "socket": None}, "socket": None}
    assert got["channel"] == PREFIX + "orders"
    assert json.loads(got["message"]) == expect
    assert [(m["type"], m["channel"]) for m in msgs] == [
        ("message", (PREFIX + "orders").encode())]
    assert json.loads(msgs[0]["data"]) == expect


def test_broadcast_to_several_channels(php, php_env, r, server):
    raw = server.client().pubsub()
    raw.psubscribe(PREFIX + "*")
    raw_messages(raw, 0)
    try:
        assert php("bcast_publish.php", "broadcaster", "orders", "private-user.1",
                   "presence-room") == {"sent": True}
        msgs = raw_messages(raw, 3)
    finally:
        raw.close()
    assert [m["channel"] for m in msgs] == [
        (PREFIX + c).encode() for c in ("orders", "private-user.1", "presence-room")]
    assert len({m["data"] for m in msgs}) == 1
    assert json.loads(msgs[0]["data"])["event"] == "OrderShipped"


def test_redis_publish_direct(php, php_env, r, server):
    raw = server.client().pubsub()
    raw.subscribe("news", PREFIX + "news")
    raw_messages(raw, 0)
    sub = Subscriber(php_env, "subscribe", "news")
    try:
        wait_for(lambda: r.pubsub_numsub(PREFIX + "news")[0][1] == 2,
                 "the PHP subscriber")
        # Redis::publish returns the receiver count: the PHP subscriber and
        # the raw one on the prefixed name, not the raw one on "news".
        assert php("bcast_publish.php", "publish", "news", "hello 1") == {"receivers": 2}
        got = sub.result()
        msgs = raw_messages(raw, 1)
        assert raw_messages(raw, 1, timeout=0.5) == []
    finally:
        sub.stop()
        raw.close()
    assert got == {"message": "hello 1", "channel": PREFIX + "news"}
    assert [(m["channel"], m["data"]) for m in msgs] == [
        ((PREFIX + "news").encode(), b"hello 1")]
