"""GEO commands: exact replies and every error of Redis 7.0.15 (GEOADD,
GEOPOS, GEODIST, GEOHASH, GEORADIUS[BYMEMBER][_RO], GEOSEARCH[STORE]),
GEOADD's propagation as ZADD, STORE/STOREDIST results and notifications,
and seeded random searches (poles' limits, the antimeridian, radius 0,
huge radii, tiny boxes, both encodings) whose replies are compared byte
for byte with a redis-server of the test's own."""

import os
import random

import pytest

from conftest import (counted_stats, NIL, NIL_ARRAY, EMPTY_ARRAY, SYNTAX, NOT_INT, NOT_FLOAT,
                      WRONGTYPE, bulk, integer, err, array, wrong_args, run,
                      reference_redis, RawConn, wait_for)

UNIT = err("ERR unsupported unit provided. please use M, KM, FT, MI")
NO_MEMBER = err("ERR could not decode requested zset member")
COUNT_GT0 = err("ERR COUNT must be > 0")
ANY_COUNT = err("ERR the ANY argument requires COUNT argument")

SICILY = "geoadd Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania"
PALERMO = array(bulk("13.36138933897018433"), bulk("38.11555639549629859"))
CATANIA = array(bulk("15.08726745843887329"), bulk("37.50266842333162032"))


def pos(lon, lat):
    return array(bulk(lon), bulk(lat))


# ---------- GEOADD ----------

def test_geoadd_replies_and_scores(raw):
    run(raw, [
        (SICILY, integer(2)),
        ("zscore Sicily Palermo", bulk("3479099956230698")),
        ("zscore Sicily Catania", bulk("3479447370796909")),
        ("geoadd Sicily 13.361389 38.115556 Palermo", integer(0)),
        ("geoadd Sicily ch 13.361389 38.115556 Palermo 1 1 Palermo", integer(1)),
        ("geoadd Sicily nx 2 2 Palermo 3 3 new", integer(1)),
        ("geoadd Sicily xx ch 4 4 Palermo 5 5 other", integer(1)),
        ("geoadd Sicily ch nx 4 4 Palermo 5 5 other", integer(1)),
        ("zcard Sicily", integer(4)),
        ("geoadd nokey xx 1 1 m", integer(0)),
        ("exists nokey", integer(0)),
    ])


def test_geoadd_errors(raw):
    run(raw, [
        ("geoadd k", wrong_args("geoadd")),
        ("geoadd k 1 2", wrong_args("geoadd")),
        ("geoadd k xx nx 1 2 m", SYNTAX),
        ("geoadd k nx xx 1 2 m", SYNTAX),
        ("geoadd k 1 2 m 3", SYNTAX),
        ("geoadd k gt 1 2 m", SYNTAX),
        ("geoadd k nx ch xx", SYNTAX),
        ("geoadd k nx ch ch", SYNTAX),
        ("geoadd k gt 1 2", NOT_FLOAT),
        ("geoadd k 1 x m", NOT_FLOAT),
        ("geoadd k 200 100 m", err("ERR invalid longitude,latitude pair 200.000000,100.000000")),
        ("geoadd k 180.0000001 0 m", err("ERR invalid longitude,latitude pair 180.000000,0.000000")),
        ("geoadd k 0 85.05112879 m", err("ERR invalid longitude,latitude pair 0.000000,85.051129")),
        ("geoadd k 0 -85.05112879 m", err("ERR invalid longitude,latitude pair 0.000000,-85.051129")),
        # one bad pair: nothing is added
        ("geoadd k 1 1 a 1 91 b", err("ERR invalid longitude,latitude pair 1.000000,91.000000")),
        ("exists k", integer(0)),
        ("set s x", b"+OK\r\n"),
        ("geoadd s 1 1 m", WRONGTYPE),
        ("geoadd s 1 1000 m", err("ERR invalid longitude,latitude pair 1.000000,1000.000000")),
    ])


def test_geoadd_at_the_limits(raw):
    run(raw, [
        ("geoadd k 180 85.05112878 ne -180 -85.05112878 sw 0 0 zero", integer(3)),
        ("geopos k ne sw zero", array(
            # the top edge's index overflows its 26 bits: clamped, as Redis
            pos("180", "85.0511287799999991"),
            pos("-179.99999731779098511", "-85.05112751263942528"),
            pos("0.00000268220901489", "0.00000126736058093"))),
        ("geohash k ne sw zero", array(bulk("bp05b5048p0"), bulk("00bh0hbj200"),
                                       bulk("s0000000000"))),
        ("zscore k ne", bulk("13510798882111488")),  # bits 52 and 53: past 52 bits
    ])


def test_geoadd_propagates_as_zadd(start_server):
    srv = start_server("--appendonly", "yes", "--appendfsync", "always")
    from persist_helpers import parse_aof
    c = srv.raw()
    assert c.cmd("GEOADD", "k", "CH", "NX", "13.361389", "38.115556", "Palermo",
                 "15.087269", "37.502669", "Catania") == 2
    assert c.cmd("GEOADD", "k", "13.361389", "38.115556", "Palermo") == 0  # no change
    assert c.cmd("GEOADD", "k", "XX", "1", "2", "Palermo") == 0
    d = os.path.join(srv.dir, "appendonlydir")

    def cmds():
        with open(os.path.join(d, "appendonly.aof.manifest")) as f:
            name = [ln.split()[1] for ln in f if ln.split()[-1:] == ["i"]][-1]
        with open(os.path.join(d, name), "rb") as f:
            return [x for x in parse_aof(f.read()) if x[0].upper() != b"SELECT"]
    # in a script and in MULTI: the same ZADD, inside MULTI/EXEC when the
    # unit changed two things
    assert c.cmd("EVAL", "redis.call('geoadd', KEYS[1], 1, 2, 'Palermo'); "
                 "return redis.call('geoadd', KEYS[1], 0, 0, 'x')", "1", "k") == 1
    assert c.cmd("EVAL", "return redis.call('geoadd', KEYS[1], 0, 0, 'x')", "1", "k") == 0
    assert c.cmd("MULTI") == b"OK"
    c.cmd("GEOADD", "k", "0", "0", "y")
    c.cmd("GEOSEARCHSTORE", "d", "k", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m")
    assert c.cmd("EXEC") == [1, 2]
    want = [
        [b"zadd", b"k", b"CH", b"NX", b"3479099956230698", b"Palermo",
         b"3479447370796909", b"Catania"],
        [b"zadd", b"k", b"XX", b"3378080408407459", b"Palermo"],
        [b"zadd", b"k", b"3377699720527872", b"x"],  # Palermo did not move: one change
        [b"MULTI"],
        [b"zadd", b"k", b"3377699720527872", b"y"],
        [b"GEOSEARCHSTORE", b"d", b"k", b"FROMLONLAT", b"0", b"0", b"BYRADIUS", b"1", b"m"],
        [b"EXEC"],
    ]
    assert wait_for(lambda: cmds() == want), cmds()


def test_geoadd_notifies_zadd(raw, connect):
    sub = connect()
    raw.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    sub.cmd("PSUBSCRIBE", "__key*__:*")
    try:
        assert raw.cmd("GEOADD", "k", "1", "1", "m") == 1
        assert raw.cmd("GEOADD", "k", "1", "1", "m") == 0  # no event
        assert raw.cmd("GEOADD", "k", "2", "2", "m") == 0
        got = [sub.read_reply()[2:] for _ in range(4)]
        assert got == [[b"__keyspace@0__:k", b"zadd"], [b"__keyevent@0__:zadd", b"k"]] * 2
        assert sub.read_available(0.2) == b""
    finally:
        raw.cmd("CONFIG", "SET", "notify-keyspace-events", "")


# ---------- GEOPOS, GEODIST, GEOHASH ----------

def test_geopos(raw):
    run(raw, [
        (SICILY, integer(2)),
        ("geopos Sicily Palermo nope Catania", array(PALERMO, NIL_ARRAY, CATANIA)),
        ("geopos Sicily", EMPTY_ARRAY),
        ("geopos nokey a b", array(NIL_ARRAY, NIL_ARRAY)),
        ("geopos", wrong_args("geopos")),
        ("set s x", b"+OK\r\n"),
        ("geopos s a", WRONGTYPE),
    ])
    raw.cmd("HELLO", "3")
    run(raw, [("geopos Sicily Palermo nope", b"*2\r\n*2\r\n,13.36138933897018433\r\n"
                                             b",38.11555639549629859\r\n_\r\n")])


def test_geodist(raw):
    run(raw, [
        (SICILY, integer(2)),
        ("geodist Sicily Palermo Catania", bulk("166274.1516")),
        ("geodist Sicily Palermo Catania m", bulk("166274.1516")),
        ("geodist Sicily Palermo Catania KM", bulk("166.2742")),
        ("geodist Sicily Palermo Catania mi", bulk("103.3182")),
        ("geodist Sicily Palermo Catania ft", bulk("545518.8700")),
        ("geodist Sicily Palermo Palermo", bulk("0.0000")),
        ("geodist Sicily Palermo nope", NIL),
        ("geodist nokey a b", NIL),
        ("geodist nokey a b yards", UNIT),
        ("geodist Sicily Palermo Catania km extra", SYNTAX),
        ("geodist Sicily Palermo", wrong_args("geodist")),
        ("set s x", b"+OK\r\n"),
        ("geodist s a b", WRONGTYPE),
        ("geodist s a b parsec", UNIT),
    ])
    raw.cmd("HELLO", "3")
    run(raw, [("geodist Sicily Palermo nope", b"_\r\n"),
              ("geodist Sicily Palermo Catania", bulk("166274.1516"))])


def test_geohash(raw):
    run(raw, [
        (SICILY, integer(2)),
        ("geohash Sicily Palermo Catania nope", array(bulk("sqc8b49rny0"), bulk("sqdtr74hyu0"),
                                                      NIL)),
        ("geohash nokey a", array(NIL)),
        ("geohash Sicily", EMPTY_ARRAY),
        ("set s x", b"+OK\r\n"),
        ("geohash s a", WRONGTYPE),
    ])


def test_scores_set_by_zadd(ref):
    """Any score decodes: negative and huge ones as Redis's casts do."""
    for cmd in ("zadd z 0 zero -1 neg 1e300 huge 4503599627370496 top 1.5 frac -1e300 nhuge",
                "geopos z zero neg huge top frac nhuge", "geohash z zero neg huge top frac nhuge",
                "geodist z neg huge", "geodist z zero top km", "geodist z frac nhuge",
                "georadiusbymember z neg 1000 km withcoord withdist",
                "geosearch z frommember huge byradius 100 km withcoord withdist",
                "geosearch z fromlonlat -180 -85 byradius 500 km withhash withcoord asc",
                "geosearch z fromlonlat 180 -85 byradius 500 km withhash withcoord asc",
                "georadius z 0 0 1000 km withhash"):
        ref(cmd)


# ---------- searches: errors ----------

def test_search_errors(raw):
    run(raw, [
        (SICILY, integer(2)),
        ("georadius Sicily 15 37 200 km count 0", COUNT_GT0),
        ("georadius Sicily 15 37 200 km count -1", COUNT_GT0),
        ("georadius Sicily 15 37 200 km count x", NOT_INT),
        ("georadius Sicily 15 37 200 km count", SYNTAX),
        ("georadius Sicily 15 37 200 km any", ANY_COUNT),
        ("georadius Sicily 15 37 200 km bogus", SYNTAX),
        ("georadius Sicily 15 37 200 parsec", UNIT),
        ("georadius Sicily 15 37 -1 km", err("ERR radius cannot be negative")),
        ("georadius Sicily 15 37 x km", err("ERR need numeric radius")),
        ("georadius Sicily 200 37 1 km", err("ERR invalid longitude,latitude pair 200.000000,37.000000")),
        ("georadius Sicily 15 37 200 km withdist store d",
         err("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options")),
        ("georadius Sicily 15 37 200 km store d withcoord",
         err("ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options")),
        ("georadius Sicily 15 37 200 km store", SYNTAX),
        ("georadius_ro Sicily 15 37 200 km store d", SYNTAX),
        ("georadius_ro Sicily 15 37 200 km storedist d", SYNTAX),
        ("georadiusbymember_ro Sicily Palermo 200 km store d", SYNTAX),
        ("georadius Sicily 15 37 200 km frommember Palermo", SYNTAX),
        ("georadiusbymember Sicily nope 200 km", NO_MEMBER),
        ("georadiusbymember Sicily Palermo x km", err("ERR need numeric radius")),
        ("georadius Sicily 15 37", wrong_args("georadius")),
        ("georadiusbymember Sicily Palermo 1", wrong_args("georadiusbymember")),
        ("geosearch Sicily frommember Palermo", wrong_args("geosearch")),
        ("geosearchstore d Sicily frommember Palermo", wrong_args("geosearchstore")),
        ("geosearch Sicily bybox 1 1 km count 1",
         err("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch")),
        ("GEOSEARCH Sicily byradius 1 km count 1",
         err("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH")),
        ("geosearch Sicily frommember Palermo asc desc withdist",
         err("ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch")),
        ("GeoSearchStore d Sicily fromlonlat 1 1 asc desc",
         err("ERR exactly one of BYRADIUS and BYBOX can be specified for GeoSearchStore")),
        ("geosearch Sicily frommember Palermo fromlonlat 1 1 byradius 1 km", SYNTAX),
        ("geosearch Sicily fromlonlat 1 1 frommember Palermo byradius 1 km", SYNTAX),
        ("geosearch Sicily frommember Palermo byradius 1 km bybox 1 1 km", SYNTAX),
        ("geosearch Sicily frommember Palermo bybox 1 1 km byradius 1 km", SYNTAX),
        ("geosearch Sicily frommember nope bybox 1 1 km", NO_MEMBER),
        ("geosearch Sicily frommember Palermo bybox 1 -1 km",
         err("ERR height or width cannot be negative")),
        ("geosearch Sicily frommember Palermo bybox x 1 km", err("ERR need numeric width")),
        ("geosearch Sicily frommember Palermo bybox 1 x km", err("ERR need numeric height")),
        ("geosearch Sicily frommember Palermo bybox 1 1 au", UNIT),
        ("geosearch Sicily frommember Palermo byradius 1 km store d", SYNTAX),
        ("geosearch Sicily frommember Palermo byradius 1 km storedist", SYNTAX),
        ("geosearch Sicily fromlonlat 1 91 byradius 1 km",
         err("ERR invalid longitude,latitude pair 1.000000,91.000000")),
        ("geosearch Sicily fromlonlat 1 1 byradius 1 km any", ANY_COUNT),
        ("geosearchstore d Sicily frommember Palermo byradius 1 km withdist",
         err("ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options")),
        ("geosearchstore d Sicily frommember Palermo byradius 1 km store x", SYNTAX),
        ("set s x", b"+OK\r\n"),
        ("georadius s 15 37 200 bogus", WRONGTYPE),
        ("geosearch s frommember x", wrong_args("geosearch")),
        ("geosearch s bogus a b c d", WRONGTYPE),
        ("geosearchstore d s frommember x byradius 1 km", WRONGTYPE),
    ])


def test_search_missing_source(raw):
    run(raw, [
        ("georadius nokey 15 37 200 km", EMPTY_ARRAY),
        ("georadius nokey 15 37 200 parsec", UNIT),
        # by member without a source: the radius is not even read
        ("georadiusbymember nokey m x parsec", EMPTY_ARRAY),
        ("georadiusbymember nokey m x parsec bogus", SYNTAX),
        ("geosearch nokey frommember m byradius 1 km", EMPTY_ARRAY),
        ("geosearch nokey frommember m bybox 1 1 km withdist", EMPTY_ARRAY),
        ("geosearch nokey frommember m", wrong_args("geosearch")),
        ("set d x", b"+OK\r\n"),
        ("georadius nokey 15 37 200 km store d", integer(0)),
        ("exists d", integer(0)),
        ("set d x", b"+OK\r\n"),
        ("geosearchstore d nokey fromlonlat 1 1 byradius 1 km", integer(0)),
        ("exists d", integer(0)),
    ])


# ---------- searches: replies ----------

def test_search_replies(raw):
    run(raw, [
        (SICILY, integer(2)),
        ("georadius Sicily 15 37 200 km withdist withcoord withhash asc", array(
            array(bulk("Catania"), bulk("56.4413"), integer(3479447370796909), CATANIA),
            array(bulk("Palermo"), bulk("190.4424"), integer(3479099956230698), PALERMO))),
        ("georadius Sicily 15 37 200 km desc", array(bulk("Palermo"), bulk("Catania"))),
        ("georadius Sicily 15 37 200 km count 1", array(bulk("Catania"))),
        ("georadius Sicily 15 37 200 km count 1 desc withdist",
         array(array(bulk("Palermo"), bulk("190.4424")))),
        ("georadius Sicily 15 37 100 km", array(bulk("Catania"))),
        ("georadius Sicily 15 37 10 km", EMPTY_ARRAY),
        ("georadiusbymember Sicily Palermo 200 km withdist",
         array(array(bulk("Palermo"), bulk("0.0000")), array(bulk("Catania"), bulk("166.2742")))),
        ("geosearch Sicily frommember Palermo bybox 400 400 km asc withdist",
         array(array(bulk("Palermo"), bulk("0.0000")), array(bulk("Catania"), bulk("166.2742")))),
        ("geosearch Sicily fromlonlat 15 37 byradius 200 km asc",
         array(bulk("Catania"), bulk("Palermo"))),
        ("geosearch Sicily fromlonlat 15 37 byradius 200 km asc count 1 any",
         array(bulk("Palermo"))),  # the first found, not the nearest
        ("georadius_ro Sicily 15 37 200 km asc", array(bulk("Catania"), bulk("Palermo"))),
        ("georadiusbymember_ro Sicily Catania 1 m", array(bulk("Catania"))),
    ])


def test_store_and_storedist(raw):
    run(raw, [
        (SICILY, integer(2)),
        ("georadius Sicily 15 37 200 km store d", integer(2)),
        ("zrange d 0 -1 withscores", array(bulk("Palermo"), bulk("3479099956230698"),
                                          bulk("Catania"), bulk("3479447370796909"))),
        ("georadius Sicily 15 37 200 km storedist d", integer(2)),
        ("zrange d 0 -1 withscores", array(bulk("Catania"), bulk("56.441257870158204"),
                                          bulk("Palermo"), bulk("190.44242984775784"))),
        ("set d2 x", b"+OK\r\n"),  # any type is replaced
        ("georadius Sicily 15 37 200 km store d2", integer(2)),
        ("type d2", b"+zset\r\n"),
        ("georadius Sicily 15 37 200 km count 1 storedist d", integer(1)),
        ("zcard d", integer(1)),
        ("georadiusbymember Sicily Palermo 200 m store d", integer(1)),
        ("zrange d 0 -1", array(bulk("Palermo"))),
        ("geosearchstore d Sicily fromlonlat 15 37 byradius 200 km storedist", integer(2)),
        ("zscore d Catania", bulk("56.441257870158204")),
        ("geosearchstore d Sicily fromlonlat 15 37 byradius 200 km", integer(2)),
        ("zscore d Catania", bulk("3479447370796909")),
        ("object encoding d", bulk("listpack")),
        ("expire d 100", integer(1)),
        ("geosearchstore d Sicily fromlonlat 15 37 byradius 200 km", integer(2)),
        ("ttl d", integer(-1)),
        # an empty result deletes the destination
        ("geosearchstore d Sicily fromlonlat 15 37 byradius 1 km", integer(0)),
        ("exists d", integer(0)),
        ("set d x", b"+OK\r\n"),
        ("georadius Sicily 0 0 1 km store d", integer(0)),
        ("exists d", integer(0)),
        # destination = source
        ("geosearchstore Sicily Sicily frommember Palermo byradius 1 km", integer(1)),
        ("zrange Sicily 0 -1", array(bulk("Palermo"))),
    ])


def test_store_notifications(raw, connect):
    sub = connect()
    raw.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
    try:
        raw.cmd(*SICILY.split())
        sub.cmd("PSUBSCRIBE", "__keyevent*__:*")
        raw.cmd("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "d")
        raw.cmd("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km")
        raw.cmd("GEOSEARCHSTORE", "d2", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200",
                "km")
        got = [sub.read_reply()[2:] for _ in range(3)]
        assert got == [[b"__keyevent@0__:georadiusstore", b"d"], [b"__keyevent@0__:del", b"d"],
                       [b"__keyevent@0__:geosearchstore", b"d2"]]
    finally:
        raw.cmd("CONFIG", "SET", "notify-keyspace-events", "")


def test_in_multi_and_scripts(raw):
    run(raw, [
        ("multi", b"+OK\r\n"),
        ("geoadd k 1 1 a 1.001 1.001 b", b"+QUEUED\r\n"),
        ("geosearch k fromlonlat 1 1 byradius 1 km asc", b"+QUEUED\r\n"),
        ("exec", array(integer(2), array(bulk("a"), bulk("b")))),
    ])
    assert raw.cmd("EVAL", "return redis.call('geodist', KEYS[1], 'a', 'b', 'm')", "1",
                   "k") == b"157.2071"
    assert raw.cmd("EVAL", "return redis.call('geopos', KEYS[1], 'a')", "1", "k") == \
        [[b"0.99999994039535522", b"0.99999945914297683"]]
    assert raw.cmd("EVAL", "return redis.call('georadius', KEYS[1], 1, 1, 1, 'km', 'store', "
                   "'d')", "1", "k") == 2


def test_command_docs_and_info(raw):
    info = raw.cmd("COMMAND", "INFO", "geosearch", "georadius", "geoadd")
    assert info[0][:6] == [b"geosearch", -7, [b"readonly"], 1, 1, 1]
    assert info[1][:3] == [b"georadius", -6, [b"write", b"denyoom", b"movablekeys"]]
    assert info[2][6] == [b"@write", b"@geo", b"@slow"]
    docs = raw.cmd("COMMAND", "DOCS", "geohash")
    d = dict(zip(docs[1][::2], docs[1][1::2]))
    assert d[b"group"] == b"geo" and d[b"since"] == b"3.2.0"
    assert raw.cmd("COMMAND", "GETKEYS", "georadius", "k", "1", "1", "1", "km", "store",
                   "d") == [b"k", b"d"]


# ---------- random searches against the reference ----------

@pytest.fixture(scope="module")
def ref_port():
    yield from reference_redis(prefix="kilat-geo-ref-")


def random_point(rng):
    kind = rng.random()
    if kind < 0.5:
        return rng.uniform(-180, 180), rng.uniform(-85.05112878, 85.05112878)
    if kind < 0.65:  # near the poles' limits
        return rng.uniform(-180, 180), rng.choice([1, -1]) * rng.uniform(80, 85.05112878)
    if kind < 0.8:  # around the antimeridian
        return rng.choice([1, -1]) * rng.uniform(175, 180), rng.uniform(-60, 60)
    if kind < 0.9:  # exactly on a limit
        return (rng.choice([-180, 180, 0, rng.uniform(-180, 180)]),
                rng.choice([-85.05112878, 85.05112878, 0]))
    # a cluster near (10, 45)
    return 10 + rng.uniform(-0.01, 0.01), 45 + rng.uniform(-0.01, 0.01)


def random_query(rng, key, members):
    unit = rng.choice(["m", "km", "mi", "ft", "M", "KM"])
    scale = {"m": 1, "km": 1000, "mi": 1609.34, "ft": 0.3048}[unit.lower()]
    metres = rng.choice([0, 0.5, 10, 1000, 50000, 500000, 3000000, 20000000, 40000000])
    metres *= rng.choice([1, rng.random()])
    size = "%.6f" % (metres / scale)
    if rng.random() < 0.5:
        lon, lat = random_point(rng)
        center_r = ["%.9f" % lon, "%.9f" % lat]
        center_s = ["FROMLONLAT"] + center_r
    else:
        m = rng.choice(members)
        center_r = None
        center_s = ["FROMMEMBER", m]
    opts = []
    for o in ("WITHDIST", "WITHCOORD", "WITHHASH"):
        if rng.random() < 0.4:
            opts.append(o)
    sort = rng.choice([None, None, "ASC", "DESC"])
    if sort:
        opts.append(sort)
    if rng.random() < 0.3:
        opts += ["COUNT", str(rng.randint(1, 20))]
        if rng.random() < 0.3:
            opts.append("ANY")
    if rng.random() < 0.5:
        if rng.random() < 0.5:
            w = "%.6f" % (metres / scale * rng.uniform(0.01, 2))
            return ["GEOSEARCH", key] + center_s + ["BYBOX", w, size, unit] + opts
        return ["GEOSEARCH", key] + center_s + ["BYRADIUS", size, unit] + opts
    if center_r:
        return ["GEORADIUS", key] + center_r + [size, unit] + opts
    return ["GEORADIUSBYMEMBER", key, center_s[1], size, unit] + opts


@pytest.fixture
def ref(ref_port, raw):
    conn = RawConn("127.0.0.1", ref_port)
    conn.cmd("FLUSHALL")

    def check(cmd):
        if isinstance(cmd, str):
            cmd = cmd.split()
        a, b = raw.cmd_raw(*cmd), conn.cmd_raw(*cmd)
        assert a == b, "%s\nunder test: %r\nreference:  %r" % (" ".join(cmd), a[:300], b[:300])
        return a
    check.conn = conn
    yield check
    conn.close()


def fill(check, rng, key, n, intnames=False):
    members = []
    for i in range(n):
        lon, lat = random_point(rng)
        name = str(i) if intnames else "m%d" % i
        members.append(name)
        check(["GEOADD", key, "%.9f" % lon, "%.9f" % lat, name])
    return members


@pytest.mark.parametrize("seed,n,intnames", [(1, 60, False), (2, 300, False), (3, 100, True),
                                             (4, 1000, False)])
def test_random_searches_match_redis(ref, raw, seed, n, intnames):
    rng = random.Random(seed)
    for c in (raw, ref.conn):
        c.cmd("CONFIG", "RESETSTAT")
    members = fill(ref, rng, "g", n, intnames)
    ref(["OBJECT", "ENCODING", "g"])
    for _ in range(300):
        ref(random_query(rng, "g", members))
    for _ in range(30):
        a, b = rng.choice(members), rng.choice(members)
        ref(["GEODIST", "g", a, b, rng.choice(["m", "km", "mi", "ft"])])
    ref(["GEOPOS", "g"] + members[:50] + ["nope"])
    ref(["GEOHASH", "g"] + members[:50] + ["nope"])
    # lookups counted as hits and misses, calls counted as failed: as Redis
    assert counted_stats(raw) == counted_stats(ref.conn)


def test_random_stores_match_redis(ref):
    rng = random.Random(7)
    members = fill(ref, rng, "g", 200)
    for _ in range(60):
        q = random_query(rng, "g", members)
        q = [x for x in q if x not in ("WITHDIST", "WITHCOORD", "WITHHASH")]
        if q[0] == "GEOSEARCH":
            q = ["GEOSEARCHSTORE", "dst"] + q[1:] + (["STOREDIST"] if rng.random() < 0.5 else [])
        else:
            q += [rng.choice(["STORE", "STOREDIST"]), "dst"]
        ref(q)
        ref(["ZRANGE", "dst", "0", "-1", "WITHSCORES"])
        ref(["OBJECT", "ENCODING", "dst"])


def test_edge_searches_match_redis(ref):
    for cmd in [
        "geoadd e 180 0 a -180 0 b 179.9999 0.0001 c -179.9999 -0.0001 d 0 85.05112878 n "
        "0 -85.05112878 s 90 85 n2 -90 -85 s2 0 0 o 0.000001 0.000001 o2",
        "geosearch e fromlonlat 180 0 byradius 50 km asc withdist withcoord",
        "geosearch e fromlonlat -180 0 bybox 100 100 km desc withdist",
        "geosearch e fromlonlat 0 85.05112878 byradius 3000 km asc withdist withhash",
        "geosearch e fromlonlat 0 -85.05112878 bybox 20000 400 km asc withdist",
        "geosearch e fromlonlat 0 0 byradius 0 m withdist",
        "geosearch e frommember o byradius 0 m withdist withcoord",
        "geosearch e frommember o bybox 0 0 m withdist",
        "geosearch e frommember o bybox 0.2 0.2 m withdist",
        "geosearch e frommember o bybox 1 1 m withdist",
        "geosearch e fromlonlat 0 0 byradius 30000 km asc withdist",
        "geosearch e fromlonlat 0 0 byradius 30000 km",
        "georadius e 0 0 20000 km withdist",
        "georadius e 179 0 100000 mi count 3 withdist",
        "georadius e 179 0 100000 mi count 3 any",
        "georadius e 179 0 100000 mi count 3 any desc",
        "georadiusbymember e n 500 km withdist withcoord",
        "georadiusbymember e s2 5000 km withdist desc",
        "geosearch e fromlonlat 0 0 bybox 40000 40000 km withdist asc",
        "geosearch e fromlonlat 0 0 bybox 0.000001 0.000001 km withdist",
    ]:
        ref(cmd)


def test_resp3_match_redis(ref, raw):
    rng = random.Random(11)
    members = fill(ref, rng, "g", 80)
    raw.cmd("HELLO", "3")
    ref.conn.cmd("HELLO", "3")
    for _ in range(50):
        ref(random_query(rng, "g", members))
    ref(["GEOPOS", "g"] + members[:10] + ["nope"])
    ref(["GEODIST", "g", "nope", members[0]])
