"""Laravel's cache on the redis store (database 1, prefix laravel_cache)."""


def test_put_get(php, server, r):
    assert php("cache_basic.php") == {"put": True, "get": "bar", "missing": "dflt"}
    cache = server.client(db=1)
    keys = cache.keys("*")
    assert keys == [b"laravel_database_laravel_cache:foo"]
    ttl = cache.ttl(b"laravel_database_laravel_cache:foo")
    assert 55 <= ttl <= 60
