"""Pub/sub: PUBLISH SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE
SUNSUBSCRIBE SPUBLISH PUBSUB, RESP2 and RESP3, frames checked byte for byte.

Redis orders the frames of UNSUBSCRIBE-all and the pmessages of several
matching patterns by its hash tables (random per process): those are
compared as sets. A subscriber is "synced" with a PING: its reply arrives
after every frame written before it, so no sleeps are needed to prove that
nothing else was delivered."""

import pytest

from conftest import OK, NIL, err, wrong_args, bulk, integer, wait_for

CONTEXT = ("ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
           "PING / QUIT / RESET are allowed in this context")


def enc(item, resp=2):
    if item is None:
        return b"_\r\n" if resp == 3 else NIL
    if isinstance(item, int):
        return integer(item)
    return bulk(item)


def frame(*items, resp=2):
    """A pub/sub frame: RESP2 array or RESP3 push of bulks/ints/nulls."""
    head = b">" if resp == 3 else b"*"
    return head + b"%d\r\n" % len(items) + b"".join(enc(i, resp) for i in items)


def hello3(conn):
    conn.send_command("HELLO", "3")
    conn.read_reply()


def sync(conn, resp=2):
    """PING a subscriber and expect the pong next: nothing else was queued."""
    if resp == 3:
        assert conn.cmd_raw("PING") == b"+PONG\r\n"
    else:
        assert conn.cmd_raw("PING") == frame("pong", "")


def read_frames(conn, n):
    return [conn.read_reply_raw() for _ in range(n)]


def subscribe(conn, cmd, *names):
    conn.send_command(cmd, *names)
    return read_frames(conn, len(names))


# ------------------------------------------------------------- basic flow
def test_subscribe_publish_unsubscribe(connect):
    sub, pub = connect(), connect()
    assert subscribe(sub, "SUBSCRIBE", "ps:a", "ps:b") == [
        frame("subscribe", "ps:a", 1), frame("subscribe", "ps:b", 2)]
    assert pub.cmd_raw("PUBLISH", "ps:a", "hello") == integer(1)
    assert sub.read_reply_raw() == frame("message", "ps:a", "hello")
    assert pub.cmd_raw("PUBLISH", "ps:nobody", "x") == integer(0)
    sync(sub)
    assert sub.cmd_raw("UNSUBSCRIBE", "ps:a") == frame("unsubscribe", "ps:a", 1)
    assert pub.cmd_raw("PUBLISH", "ps:a", "gone") == integer(0)
    assert pub.cmd_raw("PUBLISH", "ps:b", "still") == integer(1)
    assert sub.read_reply_raw() == frame("message", "ps:b", "still")
    assert sub.cmd_raw("UNSUBSCRIBE", "ps:b") == frame("unsubscribe", "ps:b", 0)
    # out of pub/sub mode: ordinary commands work again
    assert sub.cmd_raw("PING") == b"+PONG\r\n"
    assert sub.cmd_raw("GET", "k") == NIL


def test_subscribe_counts_and_duplicates(connect):
    c = connect()
    assert subscribe(c, "SUBSCRIBE", "a", "b", "a") == [
        frame("subscribe", "a", 1), frame("subscribe", "b", 2),
        frame("subscribe", "a", 2)]
    # channel and pattern subscriptions share one count
    assert subscribe(c, "PSUBSCRIBE", "a", "x*", "a") == [
        frame("psubscribe", "a", 3), frame("psubscribe", "x*", 4),
        frame("psubscribe", "a", 4)]
    # shard subscriptions have their own count
    assert subscribe(c, "SSUBSCRIBE", "s1", "s2") == [
        frame("ssubscribe", "s1", 1), frame("ssubscribe", "s2", 2)]
    assert subscribe(c, "UNSUBSCRIBE", "a", "a", "nope") == [
        frame("unsubscribe", "a", 3), frame("unsubscribe", "a", 3),
        frame("unsubscribe", "nope", 3)]
    assert subscribe(c, "PUNSUBSCRIBE", "x*") == [frame("punsubscribe", "x*", 2)]
    assert subscribe(c, "SUNSUBSCRIBE", "s1", "zz") == [
        frame("sunsubscribe", "s1", 1), frame("sunsubscribe", "zz", 1)]
    # an empty channel name is a channel like any other
    assert c.cmd_raw("SUBSCRIBE", "") == frame("subscribe", "", 3)
    assert c.cmd_raw("UNSUBSCRIBE", "") == frame("unsubscribe", "", 2)


@pytest.mark.parametrize("resp", [2, 3])
def test_unsubscribe_all(connect, resp):
    c = connect()
    if resp == 3:
        hello3(c)
    # nothing to drop: one frame with a null name
    for cmd in ("UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"):
        assert c.cmd_raw(cmd) == frame(cmd.lower(), None, 0, resp=resp)
    subscribe(c, "SUBSCRIBE", "c1", "c2", "c3")
    subscribe(c, "PSUBSCRIBE", "p1*", "p2*")
    subscribe(c, "SSUBSCRIBE", "s1", "s2")
    c.send_command("UNSUBSCRIBE")
    got = [c.read_reply() for _ in range(3)]
    assert sorted(bytes(f[1]) for f in got) == [b"c1", b"c2", b"c3"]
    assert [f[2] for f in got] == [4, 3, 2]          # patterns still count
    assert all(f[0] == b"unsubscribe" for f in got)
    # no channel left, patterns remain: the null frame reports them
    assert c.cmd_raw("UNSUBSCRIBE") == frame("unsubscribe", None, 2, resp=resp)
    c.send_command("PUNSUBSCRIBE")
    got = [c.read_reply() for _ in range(2)]
    assert sorted(bytes(f[1]) for f in got) == [b"p1*", b"p2*"]
    assert [f[2] for f in got] == [1, 0]
    if resp == 2:  # the shard subscriptions keep the client in pub/sub mode
        assert c.cmd_raw("GET", "k") == err(CONTEXT % "get")
    c.send_command("SUNSUBSCRIBE")
    got = [c.read_reply() for _ in range(2)]
    assert sorted(bytes(f[1]) for f in got) == [b"s1", b"s2"]
    assert [f[2] for f in got] == [1, 0]
    assert c.cmd_raw("GET", "k") == (NIL if resp == 2 else b"_\r\n")


# ------------------------------------------------------------- patterns
def test_channel_and_two_patterns_get_three_messages(connect):
    sub, pub = connect(), connect()
    subscribe(sub, "SUBSCRIBE", "news.tech")
    subscribe(sub, "PSUBSCRIBE", "news.*", "*.tech", "sports.*")
    assert pub.cmd_raw("PUBLISH", "news.tech", "m") == integer(3)
    # the channel's message comes first, then the patterns (in any order)
    assert sub.read_reply_raw() == frame("message", "news.tech", "m")
    pm = sorted(read_frames(sub, 2))
    assert pm == sorted([frame("pmessage", "news.*", "news.tech", "m"),
                         frame("pmessage", "*.tech", "news.tech", "m")])
    sync(sub)
    assert pub.cmd_raw("PUBLISH", "sports.x", "goal") == integer(1)
    assert sub.read_reply_raw() == frame("pmessage", "sports.*", "sports.x", "goal")
    sync(sub)


def test_glob_patterns(connect):
    sub, pub = connect(), connect()
    subscribe(sub, "PSUBSCRIBE", "h?llo", "h[ae]y", "a\\*b", "[^x]z")
    for ch, n in (("hello", 1), ("hallo", 1), ("hllo", 0), ("hey", 1),
                  ("hiy", 0), ("a*b", 1), ("axb", 0), ("yz", 1), ("xz", 0)):
        assert pub.cmd_raw("PUBLISH", ch, "m") == integer(n), ch
        if n:
            assert sub.read_reply()[0] == b"pmessage"
    sync(sub)


def test_many_subscribers_and_overlapping_patterns(connect):
    pub = connect()
    subs = [connect() for _ in range(20)]
    for i, s in enumerate(subs):
        subscribe(s, "SUBSCRIBE", "fan")
        if i % 2 == 0:
            subscribe(s, "PSUBSCRIBE", "f*")
        if i % 4 == 0:
            subscribe(s, "PSUBSCRIBE", "fa?", "*")
    # 20 channel + 10 "f*" + 5 * ("fa?" + "*")
    assert pub.cmd_raw("PUBLISH", "fan", "x") == integer(40)
    for i, s in enumerate(subs):
        n = 1 + (i % 2 == 0) + 2 * (i % 4 == 0)
        got = read_frames(s, n)
        assert got[0] == frame("message", "fan", "x")
        assert all(f.startswith(b"*4\r\n$8\r\npmessage\r\n") for f in got[1:])
        sync(s)
    assert pub.cmd_raw("PUBLISH", "other", "y") == integer(5)  # only "*"
    assert pub.cmd_raw("PUBSUB", "NUMSUB", "fan") == frame("fan", 20)


def test_unsubscribe_in_the_middle(connect):
    """Subscribers leave in arbitrary order; the rest keep receiving."""
    pub = connect()
    subs = [connect() for _ in range(30)]
    for s in subs:
        subscribe(s, "SUBSCRIBE", "mid")
        subscribe(s, "PSUBSCRIBE", "mi?")
    leaving = [i for i in range(30) if i % 5 != 2]       # 24 leave, 6 stay
    for i in sorted(leaving, key=lambda i: (i * 7) % 30):
        assert subscribe(subs[i], "UNSUBSCRIBE", "mid") == [frame("unsubscribe", "mid", 1)]
        if i % 2:
            assert subs[i].cmd_raw("PUNSUBSCRIBE") == frame("punsubscribe", "mi?", 0)
    staying = [i for i in range(30) if i % 5 == 2]
    with_pattern = [i for i in range(30) if i in staying or i % 2 == 0]
    assert pub.cmd_raw("PUBLISH", "mid", "x") == integer(len(staying) + len(with_pattern))
    for i, s in enumerate(subs):
        want = []
        if i in staying:
            want.append(frame("message", "mid", "x"))
        if i in with_pattern:
            want.append(frame("pmessage", "mi?", "mid", "x"))
        assert read_frames(s, len(want)) == want
        if i in staying or i % 2 == 0:
            sync(s)
        else:
            assert s.cmd_raw("GET", "k") == NIL   # left pub/sub mode
    assert pub.cmd_raw("PUBSUB", "NUMSUB", "mid") == frame("mid", len(staying))


# ------------------------------------------------------------- RESP2 context
def test_resp2_subscribed_context(connect):
    c = connect()
    subscribe(c, "SUBSCRIBE", "ctx")
    assert c.cmd_raw("GET", "k") == err(CONTEXT % "get")
    assert c.cmd_raw("CONFIG", "GET", "maxmemory") == err(CONTEXT % "config|get")
    assert c.cmd_raw("CLIENT", "LIST") == err(CONTEXT % "client|list")
    assert c.cmd_raw("PUBSUB", "CHANNELS") == err(CONTEXT % "pubsub|channels")
    assert c.cmd_raw("PUBLISH", "ctx", "x") == err(CONTEXT % "publish")
    assert c.cmd_raw("HELLO", "3") == err(CONTEXT % "hello")
    # unknown commands and arity errors are reported first
    assert c.cmd_raw("NOSUCH", "a") == err(
        "ERR unknown command 'NOSUCH', with args beginning with: 'a' ")
    assert c.cmd_raw("GET") == wrong_args("get")
    assert c.cmd_raw("PING", "a", "b") == wrong_args("ping")
    # PING answers ["pong", arg-or-empty]
    assert c.cmd_raw("PING") == frame("pong", "")
    assert c.cmd_raw("PING", "hi") == frame("pong", "hi")
    assert c.cmd_raw("PSUBSCRIBE", "p*") == frame("psubscribe", "p*", 2)
    assert c.cmd_raw("SSUBSCRIBE", "s") == frame("ssubscribe", "s", 1)
    assert c.cmd_raw("QUIT") == OK
    assert c.is_closed()


def test_reset_leaves_pubsub(connect):
    c, pub = connect(), connect()
    subscribe(c, "SUBSCRIBE", "r1")
    subscribe(c, "PSUBSCRIBE", "r*")
    subscribe(c, "SSUBSCRIBE", "rs")
    assert c.cmd_raw("RESET") == b"+RESET\r\n"
    assert c.cmd_raw("GET", "k") == NIL
    assert pub.cmd_raw("PUBLISH", "r1", "x") == integer(0)
    assert pub.cmd_raw("SPUBLISH", "rs", "x") == integer(0)
    assert c.cmd_raw("PING") == b"+PONG\r\n"


# ------------------------------------------------------------- RESP3
def test_resp3_push_frames(connect):
    sub, pub = connect(), connect()
    hello3(sub)
    assert sub.cmd_raw("SUBSCRIBE", "r3") == frame("subscribe", "r3", 1, resp=3)
    assert sub.cmd_raw("PSUBSCRIBE", "r*") == frame("psubscribe", "r*", 2, resp=3)
    assert sub.cmd_raw("SSUBSCRIBE", "s3") == frame("ssubscribe", "s3", 1, resp=3)
    # any command runs while subscribed; PING keeps its normal shape
    assert sub.cmd_raw("SET", "k", "v") == OK
    assert sub.cmd_raw("GET", "k") == bulk("v")
    assert sub.cmd_raw("PING") == b"+PONG\r\n"
    assert sub.cmd_raw("PING", "x") == bulk("x")
    assert pub.cmd_raw("PUBLISH", "r3", "hi") == integer(2)
    assert sub.read_reply_raw() == frame("message", "r3", "hi", resp=3)
    assert sub.read_reply_raw() == frame("pmessage", "r*", "r3", "hi", resp=3)
    assert pub.cmd_raw("SPUBLISH", "s3", "sh") == integer(1)
    assert sub.read_reply_raw() == frame("smessage", "s3", "sh", resp=3)
    # a subscribed publisher gets its own message before PUBLISH's reply
    assert sub.cmd_raw("PUBLISH", "r3", "self") == frame(
        "message", "r3", "self", resp=3)
    assert sub.read_reply_raw() == frame("pmessage", "r*", "r3", "self", resp=3)
    assert sub.read_reply_raw() == integer(2)
    assert sub.cmd_raw("PUBSUB", "NUMSUB", "r3") == frame("r3", 1)
    assert sub.cmd_raw("UNSUBSCRIBE") == frame("unsubscribe", "r3", 1, resp=3)
    assert sub.cmd_raw("PUNSUBSCRIBE") == frame("punsubscribe", "r*", 0, resp=3)
    assert sub.cmd_raw("SUNSUBSCRIBE") == frame("sunsubscribe", "s3", 0, resp=3)


def test_resp2_message_to_resp3_and_back(connect):
    """The frame shape follows the subscriber's protocol, not the publisher's."""
    s2, s3, pub = connect(), connect(), connect()
    hello3(s3)
    hello3(pub)
    subscribe(s2, "SUBSCRIBE", "mix")
    subscribe(s3, "SUBSCRIBE", "mix")
    assert pub.cmd_raw("PUBLISH", "mix", "v") == integer(2)
    assert s2.read_reply_raw() == frame("message", "mix", "v")
    assert s3.read_reply_raw() == frame("message", "mix", "v", resp=3)


def test_client_reply_off_still_gets_pubsub_frames(connect):
    """Redis 7.0.15 mutes command replies, not pub/sub frames."""
    c, pub = connect(), connect()
    hello3(c)
    c.send_command("CLIENT", "REPLY", "OFF")
    assert c.cmd_raw("SUBSCRIBE", "off") == frame("subscribe", "off", 1, resp=3)
    c.send_command("PING")            # muted
    assert pub.cmd_raw("PUBLISH", "off", "m1") == integer(1)
    assert c.read_reply_raw() == frame("message", "off", "m1", resp=3)
    c.send_command("CLIENT", "REPLY", "SKIP")
    assert c.cmd_raw("PUBLISH", "off", "m2") == frame("message", "off", "m2", resp=3)
    assert c.cmd_raw("CLIENT", "REPLY", "ON") == OK   # PUBLISH's :1 was skipped
    assert c.cmd_raw("UNSUBSCRIBE") == frame("unsubscribe", "off", 0, resp=3)
    # RESP2: once subscribed under REPLY OFF only the frames come through
    d = connect()
    d.send_command("CLIENT", "REPLY", "OFF")
    assert d.cmd_raw("SUBSCRIBE", "off2") == frame("subscribe", "off2", 1)
    d.send_command("PING")
    assert pub.cmd_raw("PUBLISH", "off2", "m") == integer(1)
    assert d.read_reply_raw() == frame("message", "off2", "m")


# ------------------------------------------------------------- shard channels
def test_shard_channels(connect):
    sub, pub = connect(), connect()
    subscribe(sub, "SSUBSCRIBE", "sh:1", "sh:2")
    subscribe(sub, "PSUBSCRIBE", "sh:*")
    # SPUBLISH reaches shard subscribers only; PUBLISH never reaches them
    assert pub.cmd_raw("SPUBLISH", "sh:1", "a") == integer(1)
    assert sub.read_reply_raw() == frame("smessage", "sh:1", "a")
    assert pub.cmd_raw("PUBLISH", "sh:1", "b") == integer(1)   # the pattern
    assert sub.read_reply_raw() == frame("pmessage", "sh:*", "sh:1", "b")
    assert pub.cmd_raw("SPUBLISH", "sh:3", "c") == integer(0)
    sync(sub)
    assert pub.cmd_raw("PUBSUB", "SHARDNUMSUB", "sh:1", "sh:3") == frame(
        "sh:1", 1, "sh:3", 0)
    assert pub.cmd_raw("PUBSUB", "NUMSUB", "sh:1") == frame("sh:1", 0)
    assert sorted(pub.cmd("PUBSUB", "SHARDCHANNELS", "sh:*")) == [b"sh:1", b"sh:2"]
    assert pub.cmd_raw("PUBSUB", "SHARDCHANNELS", "sh:2") == frame("sh:2")


# ------------------------------------------------------------- introspection
def test_pubsub_introspection(start_server, connect):
    srv = start_server()
    a, b, q = connect(srv), connect(srv), connect(srv)
    assert q.cmd_raw("PUBSUB", "CHANNELS") == b"*0\r\n"
    assert q.cmd_raw("PUBSUB", "NUMPAT") == integer(0)
    assert q.cmd_raw("PUBSUB", "NUMSUB") == b"*0\r\n"
    assert q.cmd_raw("PUBSUB", "SHARDNUMSUB") == b"*0\r\n"
    subscribe(a, "SUBSCRIBE", "news", "news2", "other")
    subscribe(b, "SUBSCRIBE", "news")
    subscribe(a, "PSUBSCRIBE", "n*", "*s")
    subscribe(b, "PSUBSCRIBE", "n*")
    subscribe(b, "SSUBSCRIBE", "shard")
    assert sorted(q.cmd("PUBSUB", "CHANNELS")) == [b"news", b"news2", b"other"]
    assert sorted(q.cmd("PUBSUB", "channels", "news*")) == [b"news", b"news2"]
    assert q.cmd_raw("PUBSUB", "CHANNELS", "x*") == b"*0\r\n"
    # NUMPAT counts unique patterns, not subscriptions
    assert q.cmd_raw("PUBSUB", "NUMPAT") == integer(2)
    assert q.cmd_raw("PUBSUB", "NUMSUB", "news", "other", "none", "news") == frame(
        "news", 2, "other", 1, "none", 0, "news", 2)
    assert q.cmd_raw("PUBSUB", "SHARDCHANNELS") == frame("shard")
    info = q.cmd("INFO", "stats").decode()
    assert "\r\npubsub_channels:3\r\npubsub_patterns:2\r\npubsubshard_channels:1\r\n" in info
    assert "keyspace_misses:" in info.split("pubsub_channels")[0]
    # RESP3: the same arrays (NUMSUB stays a flat array)
    hello3(q)
    assert q.cmd_raw("PUBSUB", "NUMSUB", "other") == frame("other", 1)
    assert q.cmd_raw("PUBSUB", "CHANNELS", "oth*") == frame("other")
    # a disconnecting subscriber leaves the indexes
    b.close()
    assert wait_for(lambda: q.cmd("PUBSUB", "NUMSUB", "news")[1] == 1)
    assert q.cmd_raw("PUBSUB", "SHARDCHANNELS") == b"*0\r\n"
    assert q.cmd_raw("PUBSUB", "NUMPAT") == integer(2)
    a.close()
    assert wait_for(lambda: q.cmd("PUBSUB", "NUMPAT") == 0)
    assert q.cmd_raw("PUBSUB", "CHANNELS") == b"*0\r\n"
    info = q.cmd("INFO", "stats").decode()
    assert "pubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0" in info


PUBSUB_HELP = [
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
]


def test_bad_input(raw):
    for cmd, argv in (("publish", ["PUBLISH", "a"]), ("publish", ["PUBLISH", "a", "b", "c"]),
                      ("spublish", ["SPUBLISH", "a"]), ("subscribe", ["SUBSCRIBE"]),
                      ("psubscribe", ["PSUBSCRIBE"]), ("ssubscribe", ["SSUBSCRIBE"]),
                      ("pubsub", ["PUBSUB"]), ("pubsub|numpat", ["PUBSUB", "NUMPAT", "x"]),
                      ("pubsub|help", ["PUBSUB", "HELP", "x"])):
        assert raw.cmd_raw(*argv) == wrong_args(cmd)
    assert raw.cmd_raw("PUBSUB", "foo") == err("ERR unknown subcommand 'foo'. Try PUBSUB HELP.")
    assert raw.cmd_raw("PUBSUB", "Channels", "a", "b") == err(
        "ERR unknown subcommand or wrong number of arguments for 'Channels'. Try PUBSUB HELP.")
    assert raw.cmd_raw("PUBSUB", "SHARDCHANNELS", "a", "b") == err(
        "ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. "
        "Try PUBSUB HELP.")
    help_frame = b"*%d\r\n" % len(PUBSUB_HELP) + b"".join(
        b"+" + line.encode() + b"\r\n" for line in PUBSUB_HELP)
    assert raw.cmd_raw("PUBSUB", "HELP") == help_frame
    assert raw.cmd_raw("PING") == b"+PONG\r\n"   # the connection survives


def test_command_info_flags(raw):
    def info(name):
        return raw.cmd("COMMAND", "INFO", name)[0]
    for name, arity, flags, acl in (
            ("publish", 3, ["pubsub", "loading", "stale", "fast"], ["@pubsub", "@fast"]),
            ("spublish", 3, ["pubsub", "loading", "stale", "fast"], ["@pubsub", "@fast"]),
            ("subscribe", -2, ["pubsub", "noscript", "loading", "stale"], ["@pubsub", "@slow"]),
            ("unsubscribe", -1, ["pubsub", "noscript", "loading", "stale"], ["@pubsub", "@slow"]),
            ("psubscribe", -2, ["pubsub", "noscript", "loading", "stale"], ["@pubsub", "@slow"]),
            ("punsubscribe", -1, ["pubsub", "noscript", "loading", "stale"], ["@pubsub", "@slow"]),
            ("ssubscribe", -2, ["pubsub", "noscript", "loading", "stale"], ["@pubsub", "@slow"]),
            ("sunsubscribe", -1, ["pubsub", "noscript", "loading", "stale"], ["@pubsub", "@slow"]),
            ("pubsub", -2, [], ["@slow"])):
        i = info(name)
        assert i[1] == arity, name
        assert sorted(bytes(f).decode() for f in i[2]) == sorted(flags), name
        assert sorted(bytes(f).decode() for f in i[6]) == sorted(acl), name
    subs = {bytes(s[0]).decode(): s for s in info("pubsub")[9]}
    assert sorted(subs) == ["pubsub|channels", "pubsub|help", "pubsub|numpat",
                            "pubsub|numsub", "pubsub|shardchannels", "pubsub|shardnumsub"]
    assert [bytes(f) for f in subs["pubsub|numpat"][2]] == [b"pubsub", b"loading", b"stale"]
    assert subs["pubsub|numpat"][1] == 2
    assert [bytes(f) for f in subs["pubsub|help"][2]] == [b"loading", b"stale"]


# ------------------------------------------------------------- payloads
def test_binary_safe_names_and_payloads(connect):
    sub, pub = connect(), connect()
    ch = b"bin\x00chan\r\n\xff"
    msg = b"\x00\r\n*3\r\n$1\r\n\xfe" * 10
    subscribe(sub, "SUBSCRIBE", ch)
    subscribe(sub, "PSUBSCRIBE", b"bin\x00*")
    assert pub.cmd_raw("PUBLISH", ch, msg) == integer(2)
    assert sub.read_reply_raw() == frame("message", ch, msg)
    assert sub.read_reply_raw() == frame("pmessage", b"bin\x00*", ch, msg)
    assert pub.cmd_raw("PUBSUB", "NUMSUB", ch) == frame(ch, 1)
    assert pub.cmd_raw("PUBLISH", b"bin\x00", b"") == integer(1)
    assert sub.read_reply_raw() == frame("pmessage", b"bin\x00*", b"bin\x00", b"")
    sync(sub)


def test_big_payload(connect):
    subs = [connect(), connect()]
    pub = connect()
    hello3(subs[1])
    for s in subs:
        subscribe(s, "SUBSCRIBE", "big")
    payload = bytes(range(256)) * 4096   # 1 MB
    assert pub.cmd_raw("PUBLISH", "big", payload) == integer(2)
    assert subs[0].read_reply_raw() == frame("message", "big", payload)
    assert subs[1].read_reply_raw() == frame("message", "big", payload, resp=3)
    assert pub.cmd_raw("PUBLISH", "big", "small") == integer(2)
    assert subs[0].read_reply_raw() == frame("message", "big", "small")


# ------------------------------------------------------------- lifecycle
def test_subscriber_disconnect(connect):
    pub = connect()
    gone, stay = connect(), connect()
    subscribe(gone, "SUBSCRIBE", "dc")
    subscribe(gone, "PSUBSCRIBE", "d*")
    subscribe(stay, "SUBSCRIBE", "dc")
    assert pub.cmd_raw("PUBLISH", "dc", "1") == integer(3)
    gone.close()   # with unread messages in its socket
    assert wait_for(lambda: pub.cmd("PUBLISH", "dc", "2") == 1)
    assert stay.read_reply_raw() == frame("message", "dc", "1")


def test_thousands_of_subscriptions(connect):
    c, q = connect(), connect()
    chans = ["many:%d" % i for i in range(3000)]
    pats = ["many:%d*" % i for i in range(1000)]
    frames = subscribe(c, "SUBSCRIBE", *chans)
    assert frames[-1] == frame("subscribe", chans[-1], 3000)
    frames = subscribe(c, "PSUBSCRIBE", *pats)
    assert frames[-1] == frame("psubscribe", pats[-1], 4000)
    # "many:12" matches many:1*, many:12*
    assert q.cmd_raw("PUBLISH", "many:12", "x") == integer(3)
    assert len(read_frames(c, 3)) == 3
    # drop half by name, the rest with the no-argument forms
    got = subscribe(c, "UNSUBSCRIBE", *chans[:1500])
    assert got[-1] == frame("unsubscribe", chans[1499], 2500)
    c.send_command("PUNSUBSCRIBE")
    assert read_frames(c, 1000)[-1].endswith(b":1500\r\n")
    c.close()
    assert wait_for(lambda: q.cmd("PUBSUB", "NUMSUB", chans[-1])[1] == 0)


# ------------------------------------------------------------- clients, scripts
def test_client_list_and_kill_type_pubsub(connect):
    sub, sub3, plain = connect(), connect(), connect()
    hello3(sub3)
    ids = [sub.cmd("CLIENT", "ID"), sub3.cmd("CLIENT", "ID")]
    subscribe(sub, "SUBSCRIBE", "t")
    subscribe(sub3, "SSUBSCRIBE", "t")     # RESP3 subscribers are pubsub too

    def listed(kind):
        text = plain.cmd("CLIENT", "LIST", "TYPE", kind).decode()
        return {int(l.split(" ")[0][3:]) for l in text.strip().split("\n") if l}
    assert set(ids) <= listed("pubsub")
    assert plain.cmd("CLIENT", "ID") not in listed("pubsub")
    assert not set(ids) & listed("normal")
    assert plain.cmd("CLIENT", "KILL", "TYPE", "pubsub") >= 2
    assert sub.is_closed() and sub3.is_closed()
    assert plain.cmd_raw("PUBLISH", "t", "x") == integer(0)


def test_scripts(connect):
    sub, c = connect(), connect()
    subscribe(sub, "SUBSCRIBE", "lua")
    r = c.cmd("EVAL", "return redis.call('subscribe', 'q')", "0")
    assert bytes(r).startswith(b"ERR This Redis command is not allowed from script")
    assert c.cmd_raw("EVAL", "return redis.call('publish', 'lua', 'from lua')", "0") == integer(1)
    assert sub.read_reply_raw() == frame("message", "lua", "from lua")
    assert c.cmd_raw("EVAL", "return redis.call('pubsub', 'numsub', 'lua')", "0") == frame("lua", 1)


def test_multi(connect):
    """SUBSCRIBE/PSUBSCRIBE run inside EXEC (and the client is subscribed
    afterwards); SSUBSCRIBE there is refused, as in Redis 7.0."""
    c, pub = connect(), connect()
    assert c.cmd_raw("MULTI") == OK
    for args in (("SSUBSCRIBE", "ms"), ("SUBSCRIBE", "m1"), ("PING",),
                 ("GET", "k"), ("UNSUBSCRIBE", "nope")):
        assert c.cmd_raw(*args) == b"+QUEUED\r\n"
    assert c.cmd_raw("EXEC") == b"*5\r\n" + b"".join([
        err("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client"),
        frame("subscribe", "m1", 1), frame("pong", ""), NIL,
        frame("unsubscribe", "nope", 1)])
    assert c.cmd_raw("GET", "k") == err(CONTEXT % "get")
    assert c.cmd_raw("MULTI") == err(CONTEXT % "multi")
    assert pub.cmd_raw("PUBLISH", "m1", "x") == integer(1)
    assert c.read_reply_raw() == frame("message", "m1", "x")


def test_shard_commands_name_channels_not_keys(connect):
    """SPUBLISH/SSUBSCRIBE/SUNSUBSCRIBE have a key spec flagged not_key:
    COMMAND GETKEYS finds no keys, COMMAND INFO says not_key."""
    c = connect()
    for cmd in (["spublish", "ch", "msg"], ["ssubscribe", "a", "b"], ["sunsubscribe", "a"]):
        assert c.cmd_raw("COMMAND", "GETKEYS", *cmd) == \
            b"-ERR The command has no key arguments\r\n"
    info = c.cmd("COMMAND", "INFO", "spublish")
    specs = info[0][8]
    assert len(specs) == 1
    spec = specs[0]
    assert spec[0] == b"flags" and spec[1] == [b"not_key"]
