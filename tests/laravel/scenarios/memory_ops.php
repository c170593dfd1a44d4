<?php
// The Laravel data a memory limit must not take, and the cache flood that
// fills the memory (issue 13):
//   php memory_ops.php hold <tag> <locks> <sessions> <jobs> <lock seconds>
//        <locks> live Cache::lock()s (database 0, TTL <lock seconds>),
//        <sessions> sessions through the session handler (database 0, TTL =
//        the session lifetime), <jobs> queued jobs (a list, no TTL);
//        prints the lock owners and the session ids
//   php memory_ops.php flood <tag> <n> <bytes> <ttl>
//        <n> Cache::put()s of <bytes> into the cache (database 1), TTL <ttl>;
//        prints how many the framework stored and the first error
//   php memory_ops.php flood_until <tag> <stop file> <bytes> <ttl>
//        the same, until <stop file> exists (a flood running beside a test)
//   php memory_ops.php check <tag> <json file written by hold>
//        how many locks a second process can now take (each one a second
//        registration inside the critical section), how many sessions read
//        back, the queue's size
$app = require __DIR__.'/boot.php';

use App\Jobs\RecordRun;
use Illuminate\Support\Facades\Cache;
use Illuminate\Support\Facades\Queue;

$action = $argv[1];
$tag = $argv[2];

function session_handler()
{
    return app('session')->driver()->getHandler();
}

switch ($action) {
case 'hold':
    [$nl, $ns, $nj, $secs] = array_map('intval', array_slice($argv, 3, 4));
    $owners = [];
    for ($i = 0; $i < $nl; $i++) {
        $lock = Cache::lock("quota:$tag:$i", $secs);
        if (!$lock->get()) {
            fwrite(STDERR, "lock $i not acquired\n");
            exit(1);
        }
        $owners[] = $lock->owner();
    }
    $sids = [];
    $h = session_handler();
    for ($i = 0; $i < $ns; $i++) {
        $sid = sprintf('%s%08d', substr(hash('sha256', "$tag-$i"), 0, 32), $i);
        $h->write($sid, serialize(['user_id' => $i, 'cart' => str_repeat('c', 200)]));
        $sids[] = $sid;
    }
    for ($i = 0; $i < $nj; $i++) {
        Queue::push(new RecordRun($tag, ['n' => $i]));
    }
    out(['owners' => $owners, 'sids' => $sids, 'queued' => Queue::size()]);
    break;
case 'flood':
    [$n, $bytes, $ttl] = array_map('intval', array_slice($argv, 3, 3));
    $store = Cache::store('redis');
    $stored = 0;
    $failed = 0;
    $error = null;
    $value = str_repeat('x', $bytes);
    for ($i = 0; $i < $n; $i++) {
        try {
            if ($store->put("page:$tag:$i", $value, $ttl)) {
                $stored++;
            } else {
                $failed++;
            }
        } catch (Throwable $e) {
            $failed++;
            $error = $error ?? $e->getMessage();
        }
    }
    out(['stored' => $stored, 'failed' => $failed, 'error' => $error]);
    break;
case 'flood_until':
    // flood_until <tag> <stop file> <bytes> <ttl>: Cache::put()s of <bytes>
    // (keys cycling over 100,000) until <stop file> exists
    [$stop, $bytes, $ttl] = [$argv[3], (int) $argv[4], (int) $argv[5]];
    $store = Cache::store('redis');
    $value = str_repeat('x', $bytes);
    $stored = $failed = 0;
    $error = null;
    for ($i = 0; !file_exists($stop); $i++) {
        try {
            $store->put("page:$tag:".($i % 100000), $value, $ttl) ? $stored++ : $failed++;
        } catch (Throwable $e) {
            $failed++;
            $error = $error ?? $e->getMessage();
        }
    }
    out(['stored' => $stored, 'failed' => $failed, 'error' => $error]);
    break;
case 'check':
    $held = json_decode(file_get_contents($argv[3]), true);
    $stolen = 0;
    foreach ($held['owners'] as $i => $owner) {
        // another worker tries the same quota lock
        if (Cache::lock("quota:$tag:$i", 10)->get()) {
            $stolen++;
        }
    }
    $h = session_handler();
    $sessions = 0;
    foreach ($held['sids'] as $sid) {
        if ($h->read($sid) !== '') {
            $sessions++;
        }
    }
    out(['locks_stolen' => $stolen, 'sessions_read' => $sessions,
         'queued' => Queue::size()]);
    break;
default:
    fwrite(STDERR, "unknown action $action\n");
    exit(2);
}
