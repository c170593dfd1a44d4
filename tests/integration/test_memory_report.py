"""What INFO memory, MEMORY STATS and MEMORY DOCTOR report (issue 13): Redis
7.0's INFO memory fields in its order, the figures agreeing with each other,
the doctor's reports, DEBUG MALLCTL / MALLCTL-STR (jemalloc builds), and
activedefrag refused as Debian's redis-server refuses it. The same on kilat
and redis-server, except INFO eviction (kilat's section, kilat_only)."""

import time

import pytest

from conftest import OK, NOT_INT, SLOW, err, run, run_server_expect_exit

INFO_MEMORY_FIELDS = [
    "used_memory", "used_memory_human", "used_memory_rss",
    "used_memory_rss_human", "used_memory_peak", "used_memory_peak_human",
    "used_memory_peak_perc", "used_memory_overhead", "used_memory_startup",
    "used_memory_dataset", "used_memory_dataset_perc", "allocator_allocated",
    "allocator_active", "allocator_resident", "total_system_memory",
    "total_system_memory_human", "used_memory_lua", "used_memory_vm_eval",
    "used_memory_lua_human", "used_memory_scripts_eval",
    "number_of_cached_scripts", "number_of_functions", "number_of_libraries",
    "used_memory_vm_functions", "used_memory_vm_total",
    "used_memory_vm_total_human", "used_memory_functions",
    "used_memory_scripts", "used_memory_scripts_human", "maxmemory",
    "maxmemory_human", "maxmemory_policy", "allocator_frag_ratio",
    "allocator_frag_bytes", "allocator_rss_ratio", "allocator_rss_bytes",
    "rss_overhead_ratio", "rss_overhead_bytes", "mem_fragmentation_ratio",
    "mem_fragmentation_bytes", "mem_not_counted_for_evict",
    "mem_replication_backlog", "mem_total_replication_buffers",
    "mem_clients_slaves", "mem_clients_normal", "mem_cluster_links",
    "mem_aof_buffer", "mem_allocator", "active_defrag_running",
    "lazyfree_pending_objects", "lazyfreed_objects"]

DEFRAG_REFUSED = ("Active defragmentation cannot be enabled: it requires a "
                  "Redis server compiled with a modified Jemalloc like the "
                  "one shipped by default with the Redis source distribution")
UNKNOWN_MALLCTL = err("ERR unknown subcommand or wrong number of arguments "
                      "for 'MALLCTL'. Try DEBUG HELP.")
PEAK_REPORT = (b" * Peak memory: In the past this instance used more than "
               b"150% the memory that is currently using.")


def info_pairs(c, *sections):
    text = bytes(c.cmd("INFO", *sections)).decode()
    return [l.split(":", 1) for l in text.split("\r\n") if ":" in l]


def info(c, *sections):
    return dict(info_pairs(c, *sections))


def test_info_memory_fields_in_redis_order(raw):
    names = [k for k, _ in info_pairs(raw, "memory")]
    assert names == INFO_MEMORY_FIELDS


@pytest.fixture
def dbg(start_server):
    """A connection to a server of its own that takes DEBUG."""
    return start_server("--enable-debug-command", "yes").raw()


def test_info_memory_figures_agree(dbg):
    raw = dbg
    raw.cmd("DEBUG", "POPULATE", "20000", "k", "50")
    time.sleep(0.25)    # redis-server samples the allocator in its cron
    m = info(raw, "memory")
    used, over = int(m["used_memory"]), int(m["used_memory_overhead"])
    dataset = int(m["used_memory_dataset"])
    # the overhead and the dataset split used memory (read a moment apart
    # on redis-server, hence the slack)
    assert abs(over + dataset - used) < 64 * 1024
    assert dataset > 20000 * 50
    alloc, active = int(m["allocator_allocated"]), int(m["allocator_active"])
    resident, rss = int(m["allocator_resident"]), int(m["used_memory_rss"])
    assert 0 < alloc <= active <= resident
    assert int(m["allocator_frag_bytes"]) == active - alloc
    assert abs(float(m["allocator_frag_ratio"]) - active / alloc) < 0.01
    assert int(m["allocator_rss_bytes"]) == resident - active
    assert int(m["rss_overhead_bytes"]) == rss - resident
    assert abs(float(m["mem_fragmentation_ratio"]) - rss / used) < 0.05
    assert int(m["total_system_memory"]) > used
    s = raw.cmd("MEMORY", "STATS")
    stats = dict(zip(s[0::2], s[1::2]))
    assert stats[b"keys.count"] == 20000
    assert abs(stats[b"dataset.bytes"] - dataset) < 64 * 1024
    assert abs(stats[b"overhead.total"] - over) < 64 * 1024


def test_doctor_reports_a_peak(start_server):
    srv = start_server("--enable-debug-command", "yes")
    c = srv.raw()
    c.cmd("DEBUG", "POPULATE", "40000", "big", "1000")   # ~45 MB
    c.cmd("DEBUG", "POPULATE", "8000", "keep", "1000")   # ~9 MB stay
    for i in range(0, 40000, 1000):
        c.cmd("DEL", *["big:%d" % j for j in range(i, i + 1000)])
    text = bytes(c.cmd("MEMORY", "DOCTOR"))
    assert text.startswith(b"Sam, I detected a few issues in this Redis "
                           b"instance memory implants:\n\n")
    assert PEAK_REPORT in text
    assert text.endswith(b"I'm here to keep you safe, Sam. I want to help "
                         b"you.\n")


def test_doctor_without_issues(start_server):
    srv = start_server("--enable-debug-command", "yes")
    c = srv.raw()
    c.cmd("DEBUG", "POPULATE", "8000", "k", "1000")
    text = bytes(c.cmd("MEMORY", "DOCTOR"))
    # a fresh fill: no peak; the allocator may still report fragmentation
    assert PEAK_REPORT not in text
    assert (text == b"Hi Sam, I can't find any memory issue in your "
            b"instance. I can only account for what occurs on this base.\n"
            or text.startswith(b"Sam, I detected a few issues"))


def test_debug_mallctl(dbg):
    raw = dbg
    if not info(raw, "memory")["mem_allocator"].startswith("jemalloc"):
        run(raw, [("DEBUG MALLCTL arenas.page", UNKNOWN_MALLCTL)])
        return
    page = raw.cmd("DEBUG", "MALLCTL", "arenas.page")
    assert isinstance(page, int) and page >= 4096
    run(raw, [
        ("DEBUG MALLCTL nosuch.setting", err("ERR No such file or directory")),
        ("DEBUG MALLCTL arenas.page notanumber", NOT_INT),
        # arenas.page is read-only: writing it is refused
        ("DEBUG MALLCTL arenas.page 4096", err("ERR Operation not permitted")),
        ("DEBUG MALLCTL-STR thread.tcache.flush VOID", OK),
        ("DEBUG MALLCTL-STR thread.tcache.flush",
         err("ERR Operation not permitted")),
        ("DEBUG MALLCTL-STR nosuch.setting", err("ERR No such file or directory")),
        ("DEBUG MALLCTL", UNKNOWN_MALLCTL),
        # Redis retries narrower widths with the width jemalloc wrote back,
        # so a setting narrower than 64 bits is never read
        ("DEBUG MALLCTL opt.narenas", err("ERR Invalid argument")),
    ])
    assert isinstance(raw.cmd("DEBUG", "MALLCTL-STR", "opt.metadata_thp"), bytes)


def test_activedefrag_is_refused(raw):
    run(raw, [
        ("CONFIG SET activedefrag yes",
         err("ERR CONFIG SET failed (possibly related to argument "
             "'activedefrag') - " + DEFRAG_REFUSED)),
        ("CONFIG SET activedefrag no", OK),
        ("CONFIG SET activedefrag maybe",
         err("ERR CONFIG SET failed (possibly related to argument "
             "'activedefrag') - argument must be 'yes' or 'no'")),
    ])
    assert raw.cmd("CONFIG", "GET", "activedefrag") == [b"activedefrag", b"no"]


def test_activedefrag_yes_at_start_is_fatal():
    code, out = run_server_expect_exit(["--port", "0", "--activedefrag", "yes"])
    assert code == 1
    assert b"FATAL CONFIG FILE ERROR" in out
    assert DEFRAG_REFUSED.encode() in out


@pytest.mark.kilat_only
def test_info_eviction_per_database(start_server):
    srv = start_server("--maxmemory-policy-db", "1 allkeys-lru",
                       "--enable-debug-command", "yes")
    c = srv.raw()
    # listed: databases with a policy of their own, with keys or evictions
    assert info_pairs(c, "eviction") == [
        ["db1", "policy=allkeys-lru,evicted_keys=0"]]
    c.cmd("SET", "lock", "owner")
    c.cmd("SELECT", "1")
    c.cmd("SET", "cached", "v")
    assert info_pairs(c, "eviction") == [
        ["db0", "policy=noeviction,evicted_keys=0"],
        ["db1", "policy=allkeys-lru,evicted_keys=0"]]
    used = int(info(c, "memory")["used_memory"])
    limit = used + 2 * 1024 * 1024
    run(c, [("CONFIG SET maxmemory %d" % limit, OK)])
    c.cmd("DEBUG", "POPULATE", "20000", "cache", "500")
    c.cmd("SET", "one-more", "v")      # evicts from db 1 only
    # eviction goes on in bounded steps (0.5 ms per command or cron turn):
    # a loaded machine may need many of them; the loop ends when it is done
    deadline = time.time() + 30 * SLOW
    while int(info(c, "memory")["used_memory"]) > limit:
        assert time.time() < deadline
        time.sleep(0.01)
    both = info(c, "stats", "eviction")
    evicted = int(both["evicted_keys"])
    assert evicted > 0
    assert both["db0"] == "policy=noeviction,evicted_keys=0"
    assert both["db1"] == "policy=allkeys-lru,evicted_keys=%d" % evicted
    run(c, [("CONFIG RESETSTAT", OK)])
    assert info(c, "eviction")["db1"].endswith(",evicted_keys=0")
    # the section is kilat's own: not in INFO's default output, in ALL
    assert "# Eviction" not in bytes(c.cmd("INFO")).decode()
    assert "# Eviction" in bytes(c.cmd("INFO", "all")).decode()
