<?php
// One worker of the registration race (one PHP process, as one PHP-FPM
// worker serving registration requests one after the other).
//
//   php race_register.php EVENT_ID ATTEMPTS lock|nolock WORKER_ID
//
// Each attempt does what the app's StoreRegistrationAction does: take
// Cache::lock("event:<id>:quota", 10), block up to 5 s for it, count the
// event's registrations on the mysql connection, insert one if under the
// quota, release. "nolock" does the same without the lock, to show that
// the race is real.
//
// Env: REDIS_*, DB_*, RACE_QUOTA (default 100), RACE_BARRIER (a directory:
// after booting, the worker creates ready-<id> there and waits for "go", so
// that all workers start racing together), RACE_RETRY_MS (sleep between
// blocked lock attempts; default 10, see below).
//
// Prints {pid, registered, full, timeouts, errors, release_failures,
// error_messages, max_wait_ms (longest wait for the lock), intervals: [[start_ns, end_ns], ...]}: one interval per
// critical section (from just after the lock is taken to just before it is
// released; count..insert in nolock mode), hrtime() = CLOCK_MONOTONIC, so
// intervals from different processes on one machine compare directly.
$app = require __DIR__.'/boot.php';

use Illuminate\Contracts\Cache\LockTimeoutException;
use Illuminate\Support\Facades\Cache;
use Illuminate\Support\Facades\DB;

[$eventId, $attempts, $mode, $worker] = [(int) $argv[1], (int) $argv[2], $argv[3], $argv[4]];
$quota = (int) (getenv('RACE_QUOTA') ?: 100);
// Laravel's Lock::block() polls every 250 ms by default. Its lock is not
// fair: a worker that just released takes the lock again at once for its
// next attempt, while the others sleep through most of the free moments.
// With 16 workers looping, the longest wait for the lock measured 3.1-3.8 s
// with that default (against redis-server and kilat alike), too close to
// block(5)'s timeout (which fires after 4 to 5 s: it counts whole
// seconds). Polling every 10 ms brings it under 1 s here; an app under
// this kind of contention would call betweenBlockedAttemptsSleepFor() too.
$retryMs = (int) (getenv('RACE_RETRY_MS') ?: 10);

// The app's work between the count and the insert (validation, pricing,
// ...), simulated by a sleep. The same 3 ms in both modes: it only widens
// the window that the lock must close, so that "nolock" oversells
// reliably while "lock" must not. RACE_WORK_US overrides it (for informal
// measurements of the lock itself; the tests use the default).
$workUs = getenv('RACE_WORK_US') === false ? 3000 : (int) getenv('RACE_WORK_US');

// Connect before the race (as a warm PHP-FPM worker would be).
DB::connection()->getPdo();
$store = Cache::store('redis');
$store->lockConnection()->ping();

if ($barrier = getenv('RACE_BARRIER')) {
    touch("$barrier/ready-$worker");
    $deadline = microtime(true) + 120;
    while (!file_exists("$barrier/go")) {
        if (microtime(true) > $deadline) {
            fwrite(STDERR, "no go signal\n");
            exit(2);
        }
        usleep(1000);
    }
}

$result = ['pid' => getmypid(), 'registered' => 0, 'full' => 0, 'timeouts' => 0,
           'errors' => 0, 'release_failures' => 0, 'error_messages' => [], 'max_wait_ms' => 0, 'intervals' => []];

// The critical section: count, and insert when under the quota.
$register = function ($attendee) use ($eventId, $quota, $workUs, &$result) {
    $start = hrtime(true);
    $count = DB::table('registrations')->where('event_id', $eventId)->count();
    if ($count < $quota) {
        if ($workUs > 0) {
            usleep($workUs);
        }
        DB::table('registrations')->insert([
            'event_id' => $eventId,
            'attendee' => $attendee,
            'created_at' => now(),
        ]);
        $outcome = 'registered';
    } else {
        $outcome = 'full';
    }
    $result['intervals'][] = [$start, hrtime(true)];
    return $outcome;
};

for ($i = 0; $i < $attempts; $i++) {
    $attendee = "w$worker-$i";
    try {
        if ($mode === 'nolock') {
            $result[$register($attendee)]++;
            continue;
        }
        $lock = $store->lock("event:$eventId:quota", 10);
        $lock->betweenBlockedAttemptsSleepFor($retryMs);
        $asked = hrtime(true);
        $lock->block(5);
        $result['max_wait_ms'] = max($result['max_wait_ms'], (hrtime(true) - $asked) / 1e6);
        try {
            $outcome = $register($attendee);
        } finally {
            // false would mean the lock was no longer ours (expired, or the
            // compare-and-delete script misbehaved).
            if (!$lock->release()) {
                $result['release_failures']++;
            }
        }
        $result[$outcome]++;
    } catch (LockTimeoutException $e) {
        $result['timeouts']++;
    } catch (Throwable $e) {
        $result['errors']++;
        if (count($result['error_messages']) < 5) {
            $result['error_messages'][] = get_class($e).': '.$e->getMessage();
        }
    }
}
out($result);
