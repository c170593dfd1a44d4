"""Transactions (MULTI/EXEC, WATCH) and pipelines through Laravel's Redis
facade on the default connection (database 0, prefix laravel_database_).

phpredis and predis differ in what Laravel hands back, and the tests say
so: phpredis answers +OK with true, a failed command inside EXEC with
false, an aborted EXEC with false, and queues on the client object itself;
predis answers with Status objects (shown as "status:OK"), throws
ServerException for an error inside EXEC and AbortedMultiExecException for
an aborted one, and supports CAS transactions (watch/cas/retry options).
"""

D = b"laravel_database_"


def ok(client):
    return True if client == "phpredis" else "status:OK"


def test_transaction_callback(php, client, r):
    out = php("conn_ops.php", "transaction")
    assert out == {"results": [ok(client), 1, 6, 2, "one"], "a": "one", "n": "6"}
    assert r.get(D + b"tx:a") == b"one"
    assert r.get(D + b"tx:n") == b"6"
    assert r.lrange(D + b"tx:list", 0, -1) == [b"x", b"y"]


def test_transaction_error_inside_exec(php, client, r):
    out = php("conn_ops.php", "transaction_error")
    if client == "phpredis":
        assert out["results"] == [True, False, True] and out["thrown"] is None
    else:
        assert out["results"] is None
        assert out["thrown"] == ("Predis\\Response\\ServerException: "
                                 "ERR value is not an integer or out of range")
    # No rollback: the commands around the failing one ran.
    assert (out["b"], out["c"], out["s"]) == ("before", "after", "text")
    assert r.get(D + b"tx:b") == b"before" and r.get(D + b"tx:c") == b"after"


def test_pipeline(php, client, r):
    out = php("conn_ops.php", "pipeline")
    missing = False if client == "phpredis" else None
    assert out == {"count": 103,
                   "tail": [ok(client), ok(client), 1, "7", ["1", "2", missing]],
                   "p99": "99"}
    assert r.dbsize() == 101
    assert r.get(D + b"p:42") == b"42"
    assert r.get(D + b"p:counter") == b"1"


def test_multi_exec_on_the_connection(php, client, r):
    out = php("conn_ops.php", "multi_exec")
    if client == "phpredis":
        # phpredis: multi() returns the client, commands queue on it.
        assert out["multi"] == "object:Redis" and out["queued"] == "object:Redis"
        assert out["exec"] == [True, 2]
    else:
        assert out["multi"] == "status:OK" and out["queued"] == "status:QUEUED"
        assert out["exec"] == ["status:OK", 2]
    assert out["a"] == "2"
    assert r.get(D + b"m:a") == b"2"


def test_transaction_without_callback(php, client, r):
    out = php("conn_ops.php", "transaction_chain")
    assert out["class"] == ("Redis" if client == "phpredis"
                            else "Predis\\Transaction\\MultiExec")
    assert out["results"] == [ok(client), 1]
    assert r.get(D + b"c:a") == b"v" and r.get(D + b"c:n") == b"1"


def test_discard(php, client, r):
    out = php("conn_ops.php", "discard")
    assert out == {"discard": ok(client), "a": None}
    assert r.exists(D + b"d:a") == 0


def test_watch_then_change_aborts(php, client, r):
    out = php("conn_ops.php", "watch_abort")
    if client == "phpredis":
        assert out["results"] is False and out["thrown"] is None
    else:
        assert out["results"] is None
        assert out["thrown"] == "Predis\\Transaction\\AbortedMultiExecException"
    # Nothing in the aborted transaction ran.
    assert out["k"] == "changed" and out["side"] is None
    assert r.get(D + b"w:k") == b"changed"
    assert r.exists(D + b"w:side") == 0


def test_watch_unchanged_commits(php, client, r):
    out = php("conn_ops.php", "watch_ok")
    assert out == {"results": [ok(client)], "k": "2"}
    assert r.get(D + b"w:k") == b"2"


def test_optimistic_update_retries(php, client, r):
    # The first attempt is spoiled by another connection (10 -> 100); the
    # retry reads 100 and commits 101.
    out = php("conn_ops.php", "optimistic")
    assert out == {"attempts": 2, "results": [ok(client)], "k": "101"}
    assert r.get(D + b"o:k") == b"101"
