#!/usr/bin/env python3
"""Runs Redis 7.0.15's own Tcl test suite against a server and compares the
outcome with the checked-in expectations (tests/redis-suite/expected.txt).

Each unit runs in its own `runtest --single` process, in its own copy of the
suite tree (the suite's cleanup removes every tests/tmp/server.* it finds)
and its own port range, so units run side by side and an exception or a hang
in one unit ends only that unit. src/redis-server in each tree is the server
under test; redis-cli, redis-benchmark and redis-check-* are Debian's.

The run fails when a test fails that the list does not name, when a unit
aborts or hangs without the list saying so, and (against kilat) when a
listed test passes: the list only shrinks.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

ANSI = re.compile(r"\x1b\[[0-9;]*m")
STATUS = re.compile(r"^\[(ok|err|exception|skip|ignore|TIMEOUT)\]: ?(.*)$")
OK_NAME = re.compile(r"^(.*) \(\d+ ms\)$")
ERR_NAME = re.compile(r"^(.*) in tests/\S+\.tcl$")

# Pseudo test names for a unit as a whole.
ABORTED = "!aborted"   # an exception ended the unit early
HUNG = "!timeout"      # the unit made no progress and was killed
UNFINISHED = "!unfinished"  # runtest ended without finishing the unit (e.g. a busy port)


def read_units(path):
    """units.txt: one unit per line, optionally followed by extra runtest
    arguments; '#' starts a comment. Returns [(unit, [args])]."""
    units = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                parts = line.split()
                units.append((parts[0], parts[1:]))
    return units


class Expected:
    """expected.txt: `## [kind] reason` headers, then `unit | test name`
    lines the header applies to. kind: kilat (fails on kilat only), machine
    (fails on redis-server on this machine too), flaky (may pass or fail),
    abort (fails on kilat with an error that would end the whole unit: it
    is passed to runtest as --skiptest so the rest of the unit still runs,
    and is reported as an expected failure, never as a pass). tls-flaky and
    tls-abort are flaky and abort in the suite's TLS mode only; a plain run
    ignores them."""

    def __init__(self, path, tls=False):
        self.entries = {}  # (unit, name) -> (kind, reason, line number)
        kind, reason = None, None
        with open(path) as f:
            for n, raw in enumerate(f, 1):
                line = raw.rstrip("\n")
                if not line.strip() or line.startswith("# "):
                    continue
                m = re.match(r"^## \[(kilat|machine|flaky|abort|tls-flaky|tls-abort)\] (.+)$", line)
                if m:
                    kind, reason = m.group(1), m.group(2)
                    continue
                if " | " not in line or kind is None:
                    sys.exit(f"{path}:{n}: expected '## [kind] reason' or 'unit | test name'")
                unit, name = line.split(" | ", 1)
                key = (unit.strip(), name)
                if kind.startswith("tls-"):
                    if not tls:
                        continue
                    kind_here = kind[4:]
                else:
                    kind_here = kind
                if key in self.entries:
                    sys.exit(f"{path}:{n}: listed twice: {line}")
                self.entries[key] = (kind_here, reason, n)

    def get(self, unit, name):
        return self.entries.get((unit, name))

    def aborting(self, unit):
        return [n for (u, n), e in self.entries.items() if u == unit and e[0] == "abort"]


def make_tree(suite, tree, server):
    """A private copy of the suite whose src/ holds the binaries to run."""
    if os.path.exists(tree):
        shutil.rmtree(tree)
    os.makedirs(tree)
    shutil.copy2(os.path.join(suite, "runtest"), tree)
    shutil.copytree(os.path.join(suite, "tests"), os.path.join(tree, "tests"), symlinks=True)
    src = os.path.join(tree, "src")
    os.makedirs(src)
    os.symlink(server, os.path.join(src, "redis-server"))
    for tool in ("redis-cli", "redis-benchmark", "redis-check-aof", "redis-check-rdb"):
        os.symlink(shutil.which(tool) or f"/usr/bin/{tool}", os.path.join(src, tool))


def parse(output):
    """Returns (results, aborted, hung, detail): results maps a test name to
    'ok' or 'err' ('err' wins when a name runs twice); detail maps names
    (and ABORTED) to the first lines of their error."""
    results, detail = {}, {}
    aborted = hung = False
    lines = ANSI.sub("", output).splitlines()
    done = any(re.match(r"^\[\d+/\d+ done\]: ", line) for line in lines)
    for i, line in enumerate(lines):
        m = STATUS.match(line)
        if not m:
            continue
        status, data = m.groups()
        if status == "ok":
            nm = OK_NAME.match(data)
            name = nm.group(1) if nm else data
            results.setdefault(name, "ok")
        elif status == "err":
            nm = ERR_NAME.match(data)
            name = nm.group(1) if nm else data
            results[name] = "err"
            detail.setdefault(name, "\n".join(lines[i + 1:i + 3]))
        elif status == "exception":
            aborted = True
            detail.setdefault(ABORTED, "\n".join([data] + lines[i + 1:i + 4]))
        elif status == "TIMEOUT":
            hung = True
    if not done and not aborted and not hung:
        results[UNFINISHED] = "err"
        detail[UNFINISHED] = "\n".join(lines[-6:])
    return results, aborted, hung, detail


def aborted_in(tree, results):
    """The test that was running when an exception ended the unit: the last
    '### Starting test' line the suite wrote into a server log, if that test
    has no outcome yet (otherwise the error came from between tests)."""
    logs = []
    tmp = os.path.join(tree, "tests", "tmp")
    for d in os.listdir(tmp) if os.path.isdir(tmp) else []:
        path = os.path.join(tmp, d, "stdout")
        if d.startswith("server") and os.path.exists(path):
            logs.append((os.path.getmtime(path), path))
    for _, path in sorted(logs, reverse=True):
        with open(path, errors="replace") as f:
            started = re.findall(r"^### Starting test (.*) in tests/\S+\.tcl$", f.read(), re.M)
        if started:
            return None if started[-1] in results else started[-1]
    return None


# units.txt options that run.py handles itself rather than runtest.
def eval_only(tree, unit):
    """unit/scripting runs every test twice, through EVAL and through
    FUNCTION/FCALL, under the same names; this keeps the EVAL pass only."""
    path = os.path.join(tree, "tests", unit + ".tcl")
    with open(path) as f:
        text = f.read()
    loop = "foreach is_eval {0 1} {"
    if loop not in text:
        sys.exit(f"redis-suite: --eval-only: '{loop}' not found in {unit}")
    with open(path, "w") as f:
        f.write(text.replace(loop, "foreach is_eval {1} {", 1))


OWN_OPTIONS = {"--eval-only": eval_only}


# --tls: the suite's TLS mode wants test certificates at tests/tls/ in its
# tree (the layout of Redis's utils/gen-test-certs.sh): a CA, server-only,
# client-only and generic certificates and DH parameters. They are made
# once per run with Debian's openssl into <workdir>/tls-certs (never kept
# in the repository) and copied into every tree.
CERT_EXT = """[ server_cert ]
keyUsage = digitalSignature, keyEncipherment
nsCertType = server

[ client_cert ]
keyUsage = digitalSignature, keyEncipherment
nsCertType = client
"""


def make_test_certs(d):
    if os.path.exists(os.path.join(d, "redis.dh")):
        return d
    os.makedirs(d, exist_ok=True)

    def ssl(*a, stdin=None):
        return subprocess.run(["openssl", *a], cwd=d, check=True, input=stdin,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout

    ssl("genrsa", "-out", "ca.key", "4096")
    ssl("req", "-x509", "-new", "-nodes", "-sha256", "-key", "ca.key", "-days", "3650",
        "-subj", "/O=Redis Test/CN=Certificate Authority", "-out", "ca.crt")
    with open(os.path.join(d, "openssl.cnf"), "w") as f:
        f.write(CERT_EXT)
    for name, cn, ext in (("server", "Server-only", "server_cert"),
                          ("client", "Client-only", "client_cert"),
                          ("redis", "Generic-cert", None)):
        ssl("genrsa", "-out", name + ".key", "2048")
        csr = ssl("req", "-new", "-sha256", "-subj", "/O=Redis Test/CN=" + cn,
                  "-key", name + ".key")
        extra = ["-extfile", "openssl.cnf", "-extensions", ext] if ext else []
        ssl("x509", "-req", "-sha256", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAserial", "ca.txt", "-CAcreateserial", "-days", "365", *extra,
            "-out", name + ".crt", stdin=csr)
    ssl("dhparam", "-out", "redis.dh.tmp", "2048")
    os.rename(os.path.join(d, "redis.dh.tmp"), os.path.join(d, "redis.dh"))
    return d


# Units run in trees under a short temporary directory: the suite puts a
# unix socket at <tree>/tests/tmp/server.<pid>.<n>/socket, and a socket
# path longer than 107 bytes fails to bind (in redis-server as in kilat),
# which a deep checkout or workdir would reach. After the unit the tree
# moves to <workdir>/<target>/<unit>, next to its log.
SHORT_ROOT = None


def short_tree(args, slot):
    global SHORT_ROOT
    if SHORT_ROOT is None:
        SHORT_ROOT = tempfile.mkdtemp(prefix="krs-")
    return os.path.join(SHORT_ROOT, "%s%d" % (args.target[0], slot))


def keep_tree(tree, dest):
    if os.path.exists(dest):
        shutil.rmtree(dest, ignore_errors=True)
    shutil.move(tree, dest)


def run_unit(args, unit, extra, slot, skip=()):
    slug = unit.replace("/", "_")
    tree = short_tree(args, slot)
    make_tree(args.suite, tree, args.server)
    for opt in [x for x in extra if x in OWN_OPTIONS]:
        OWN_OPTIONS[opt](tree, unit)
    extra = [x for x in extra if x not in OWN_OPTIONS]
    if args.tls:
        shutil.copytree(args.tls_certs, os.path.join(tree, "tests", "tls"), dirs_exist_ok=True)
        extra = extra + ["--tls"]
    base = args.baseport + slot * 1000
    cmd = ["./runtest", "--single", unit, "--clients", "1", "--baseport", str(base),
           "--portcount", "900", "--timeout", str(args.progress_timeout),
           "--tags", "-modules", "--tags", "-cluster"] + extra
    for name in skip:
        cmd += ["--skiptest", name]
    log = os.path.join(args.workdir, args.target, slug + ".log")
    start = time.time()
    with open(log, "w") as out:
        p = subprocess.Popen(cmd, cwd=tree, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        killed = False
        try:
            p.wait(timeout=args.unit_timeout)
        except subprocess.TimeoutExpired:
            killed = True
        finally:
            # the unit's servers are in its session: end them all
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
    with open(log, errors="replace") as f:
        output = f.read()
    results, aborted, hung, detail = parse(output)
    if killed:
        hung = True
    for name in skip:
        results.setdefault(name, "skip")
    if aborted:
        name = aborted_in(tree, results)
        if name:
            results[name] = "err"
            detail[name] = detail.get(ABORTED, "")
            detail[ABORTED] = f"in test: {name}\n" + detail.get(ABORTED, "")
        results[ABORTED] = "err"
    if hung:
        results[HUNG] = "err"
    keep_tree(tree, os.path.join(args.workdir, args.target, slug))
    return unit, results, detail, time.time() - start, log


def discover(args, r, unit, extra, slot, skip):
    """Reruns the unit, skipping each test that ended it, until it ends
    normally or an exception comes from outside any test."""
    skip = list(skip)
    while True:
        _, results, detail, secs, log = r
        if results.get(ABORTED) != "err":
            break
        culprit = next((n for n, v in results.items()
                        if v == "err" and detail.get(n) and detail.get(ABORTED, "").startswith(
                            f"in test: {n}\n")), None)
        if not culprit or culprit in skip:
            break
        args.aborts.setdefault(unit, set()).add(culprit)
        skip.append(culprit)
        r = run_unit(args, unit, extra, slot, skip)
    for name in skip:
        args.aborts.setdefault(unit, set()).add(name)
    return r


def judge(args, expected, unit, results, detail):
    """Returns (unexpected failures, stale expectations) for one unit."""
    bad, stale = [], []
    for name, outcome in results.items():
        e = expected.get(unit, name)
        if outcome == "skip":
            continue  # listed as aborting: an expected failure, not a pass
        if outcome == "err":
            if e is None or (args.target == "redis" and e[0] == "kilat"):
                bad.append((name, detail.get(name, "")))
        elif e is not None and e[0] != "flaky":
            if args.target == "kilat" or e[0] == "machine":
                stale.append((name, e))
    return bad, stale


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", required=True, help="binary to test")
    ap.add_argument("--target", choices=("kilat", "redis"), default="kilat")
    ap.add_argument("--suite", default=os.path.join(ROOT, "build/redis-suite/redis"))
    ap.add_argument("--workdir", default=os.path.join(ROOT, "build/redis-suite"))
    ap.add_argument("--units", default=os.path.join(HERE, "units.txt"))
    ap.add_argument("--expected", default=os.path.join(HERE, "expected.txt"))
    ap.add_argument("--only", help="comma-separated units to run instead of units.txt's")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("REDIS_SUITE_JOBS", "3")))
    ap.add_argument("--baseport", type=int, default=21000)
    ap.add_argument("--unit-timeout", type=int, default=600, help="seconds for one unit")
    ap.add_argument("--progress-timeout", type=int, default=120,
                    help="runtest --timeout: seconds without progress")
    ap.add_argument("--discover", action="store_true",
                    help="rerun a unit that aborts in a test with that test skipped, until it "
                         "runs to its end; implies --list-failures")
    ap.add_argument("--list-failures", action="store_true",
                    help="print every failing test as an expected.txt line")
    ap.add_argument("--tls", action="store_true",
                    help="run the suite in its TLS mode (runtest --tls), with test "
                         "certificates made by openssl at the start of the run")
    args = ap.parse_args()
    args.server = os.path.abspath(args.server)
    args.aborts = {}
    if args.discover:
        args.list_failures = True
    if not os.access(args.server, os.X_OK):
        sys.exit(f"redis-suite: no server binary at {args.server}")
    if not os.path.exists(os.path.join(args.suite, "runtest")):
        sys.exit(f"redis-suite: no suite at {args.suite} (scripts/redis-suite-fetch.sh)")

    units = read_units(args.units)
    if args.only:
        wanted = args.only.split(",")
        extra = dict(units)
        units = [(u, extra.get(u, [])) for u in wanted]
    if args.tls and not args.only:
        units.append(("unit/tls", []))  # it runs in TLS mode only
    expected = Expected(args.expected, tls=args.tls)
    os.makedirs(os.path.join(args.workdir, args.target), exist_ok=True)
    if args.tls:
        args.tls_certs = make_test_certs(os.path.join(os.path.abspath(args.workdir), "tls-certs"))

    lock = threading.Lock()
    free_slots = list(range(args.jobs))
    outcomes = {}

    def job(u, extra):
        with lock:
            slot = free_slots.pop()
        try:
            skip = expected.aborting(u) if args.target == "kilat" else []
            r = run_unit(args, u, extra, slot, skip)
            if args.discover:
                r = discover(args, r, u, extra, slot, skip)
        finally:
            with lock:
                free_slots.append(slot)
        unit, results, detail, secs, log = r
        ok = sum(1 for v in results.values() if v == "ok")
        err = sum(1 for v in results.values() if v != "ok")
        bad, stale = judge(args, expected, unit, results, detail)
        flag = "FAIL" if bad or stale else "ok"
        with lock:
            print(f"[{flag:4}] {unit:32} {ok:4} ok {err:4} err {secs:6.0f}s  {log}", flush=True)
        return r

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(job, u, extra) for u, extra in units]
        for f in futures:
            unit, results, detail, secs, log = f.result()
            outcomes[unit] = (results, detail, log)

    total_ok = total_err = 0
    all_bad, all_stale = [], []
    for unit, _ in units:
        results, detail, log = outcomes[unit]
        bad, stale = judge(args, expected, unit, results, detail)
        total_ok += sum(1 for v in results.values() if v == "ok")
        total_err += sum(1 for v in results.values() if v != "ok")
        all_bad += [(unit, n, d, log) for n, d in bad]
        all_stale += [(unit, n, e) for n, e in stale]

    if args.list_failures:
        print("\n# failing tests, as expected.txt lines (A: ended the unit)")
        for unit, _ in units:
            results, detail, _ = outcomes[unit]
            for name, outcome in results.items():
                if outcome != "ok" and name != ABORTED:
                    why = (detail.get(name) or "").strip().splitlines()
                    mark = "A" if getattr(args, "aborts", {}).get(unit, set()) & {name} else " "
                    print(f"{mark} {unit} | {name}    # {why[0][:160] if why else ''}")
            if results.get(ABORTED) == "err":
                print(f"! {unit} | {ABORTED}    # {detail.get(ABORTED, '').splitlines()[0][:200]}")
    if all_bad:
        print(f"\nUnexpected failures ({len(all_bad)}), not in {os.path.relpath(args.expected)}:")
        for unit, name, d, log in all_bad:
            print(f"  {unit} | {name}\n      {d.strip()[:300]}\n      log: {log}")
    if all_stale:
        print(f"\nListed as failing but passed ({len(all_stale)}): remove them from the list")
        for unit, name, e in all_stale:
            print(f"  {unit} | {name}    (line {e[2]}: {e[1]})")
    print(f"\nredis-suite against {args.target}: {len(units)} units in {time.time() - t0:.0f}s: "
          f"{total_ok} tests passed; {total_err - len(all_bad)} expected failures (listed); "
          f"{len(all_bad)} unexpected failures; {len(all_stale)} listed tests that passed")
    ok = not all_bad and not all_stale
    print(f"redis-suite: {'all outcomes as expected' if ok else 'outcomes differ from the list'}")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        if SHORT_ROOT:
            shutil.rmtree(SHORT_ROOT, ignore_errors=True)
    sys.exit(rc)
