"""Laravel's cache on the redis store (database 1, prefix laravel_cache)."""

import hashlib

from conftest import ACL, acl_granted, acl_refusals


def test_put_get(php, server, r):
    assert php("cache_basic.php") == {"put": True, "get": "bar", "missing": "dflt"}
    cache = server.client(db=1)
    keys = cache.keys("*")
    assert keys == [b"laravel_database_laravel_cache:foo"]
    ttl = cache.ttl(b"laravel_database_laravel_cache:foo")
    assert 55 <= ttl <= 60


P = b"laravel_database_laravel_cache:"


def cache_db(server):
    return server.client(db=1)


def test_put_many_and_many(php, server, r):
    out = php("cache_ops.php", "many")
    assert out == {"putMany": True,
                   "many": {"a": "1", "b": "two", "c": {"x": 3}, "nope": None}}
    c = cache_db(server)
    assert sorted(c.keys("*")) == [P + b"a", P + b"b", P + b"c"]
    # putMany is MULTI + SETEX each: every key has the TTL.
    for k in (b"a", b"b", b"c"):
        assert 110 <= c.ttl(P + k) <= 120
    # Numbers are stored raw (INCR-able), everything else serialized.
    assert c.get(P + b"a") == b"1"
    assert c.get(P + b"b") == b's:3:"two";'
    assert r.dbsize() == 0          # nothing leaked into database 0


def test_add_only_when_absent(php, server, r):
    out = php("cache_ops.php", "add")
    assert out == {"first": True, "second": False, "value": "one"}
    c = cache_db(server)
    # The Lua script of add() kept the first TTL (30), not the second (90).
    assert 25 <= c.ttl(P + b"added") <= 30
    assert c.get(P + b"added") == b's:3:"one";'


def test_increment_decrement(php, server, r):
    out = php("cache_ops.php", "counters")
    assert out == {"inc": 11, "inc5": 16, "dec": 13, "missing_inc": 1,
                   "missing_dec": -2, "get": "13"}
    c = cache_db(server)
    assert c.get(P + b"n") == b"13"
    assert 55 <= c.ttl(P + b"n") <= 60     # INCRBY keeps the TTL
    # On a missing key they create it, without a TTL.
    assert c.get(P + b"fresh") == b"1"
    assert c.get(P + b"fresh_down") == b"-2"
    assert c.ttl(P + b"fresh") == -1


def test_forever_has_no_ttl(php, server, r):
    assert php("cache_ops.php", "forever") == {"forever": True, "get": {"v": 1}}
    c = cache_db(server)
    assert c.exists(P + b"eternal") == 1
    assert c.ttl(P + b"eternal") == -1
    assert c.pttl(P + b"eternal") == -1


def test_forget(php, server, r):
    out = php("cache_ops.php", "forget")
    assert out == {"forget": True, "again": False, "gone": None, "kept": "y"}
    c = cache_db(server)
    assert c.exists(P + b"gone") == 0
    assert c.exists(P + b"kept") == 1


def test_flush_empties_cache_db_only(php, server, r):
    php("cache_ops.php", "put", "x", "1", "60")
    r.set(b"db0-key", b"stays")
    c = cache_db(server)
    c.set(b"other-db1-key", b"goes")
    assert c.dbsize() == 2
    if ACL:
        # The documented rule has no FLUSHDB: Cache::flush() is refused and
        # nothing goes. The doc's variant for an app that owns its
        # database (+flushdb) flushes as without ACL.
        assert php("cache_ops.php", "flush", "x") == {"flush": {
            "error": "NOPERM this user has no permissions to run the 'flushdb' command"},
            "get": "1"}
        assert acl_refusals(r) == [("command", "flushdb", "laravel")]
        assert c.dbsize() == 2
    with acl_granted(r, "+flushdb"):
        assert php("cache_ops.php", "flush", "x") == {"flush": True, "get": None}
    assert c.dbsize() == 0                     # FLUSHDB on database 1
    assert r.get(b"db0-key") == b"stays"       # database 0 untouched


def test_remember_runs_closure_once(php, server, r):
    first = php("cache_ops.php", "remember")
    assert first["runs"] == 1
    assert first["first"] == first["second"]
    assert first["first"].startswith("computed-")
    # Another process finds the value: the closure does not run again.
    second = php("cache_ops.php", "remember")
    assert second == {"first": first["first"], "second": first["first"], "runs": 0}
    c = cache_db(server)
    assert 55 <= c.ttl(P + b"remembered") <= 60


def test_tags_put_get_flush(php, server, r):
    out = php("cache_ops.php", "tags")
    assert out == {"put_ab": True, "forever_ab": True, "put_c": True,
                   "get_ab": ["v1", "v2"], "get_c": "v3", "get_a": None}
    c = cache_db(server)
    # Each tag has an id (tag:<name>:key); entries live under
    # sha1("<id a>|<id b>"):<key>, and each tag id has reference sets
    # naming its entries (standard_ref for put, forever_ref for forever).
    id_a, id_b, id_c = (c.get(P + b"tag:%s:key" % t) for t in (b"a", b"b", b"c"))
    assert id_a and id_b and id_c
    assert len({id_a, id_b, id_c}) == 3
    ab_ns = hashlib.sha1(_unserialize(id_a) + b"|" + _unserialize(id_b)).hexdigest().encode()
    k1, k2 = P + ab_ns + b":k1", P + ab_ns + b":k2"
    assert c.get(k1) == b's:2:"v1";' and c.get(k2) == b's:2:"v2";'
    assert 55 <= c.ttl(k1) <= 60 and c.ttl(k2) == -1
    # The members are cache keys without the connection prefix
    # (laravel_database_), which the connection adds again on DEL.
    for tag_id in (id_a, id_b):
        ref = P + _unserialize(tag_id)
        assert c.smembers(ref + b":standard_ref") == {k1[len(b"laravel_database_"):]}
        assert c.smembers(ref + b":forever_ref") == {k2[len(b"laravel_database_"):]}
    k3 = [k for k in c.keys("*") if k.endswith(b":k3")]
    assert len(k3) == 1

    # Flushing tag "a" drops every entry tagged with it, and only those.
    out = php("cache_ops.php", "tags_flush", "a")
    assert out == {"get_ab": [None, None], "get_c": "v3"}
    assert c.exists(k1) == 0 and c.exists(k2) == 0
    assert c.get(k3[0]) == b's:2:"v3";'
    ref_a = P + _unserialize(id_a)
    assert c.exists(ref_a + b":standard_ref", ref_a + b":forever_ref") == 0
    # Tag "a" got a new id (the old one was forgotten); "c" kept its id.
    assert c.get(P + b"tag:a:key") != id_a
    assert c.get(P + b"tag:c:key") == id_c


def _unserialize(php_string):
    """The tag id stored by forever(): PHP-serialized s:<n>:"<id>";"""
    assert php_string.startswith(b"s:") and php_string.endswith(b'";')
    return php_string.split(b':"', 1)[1][:-2]
