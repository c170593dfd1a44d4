<?php
// What an app leaves in the server, for the persistence tests:
//   php persist_ops.php fill <tag>    3 jobs (dispatch, Queue::push, bulk of
//                                     2), one delayed 2 s, one delayed an
//                                     hour, cache entries with a TTL and
//                                     forever, a counter, a tagged entry
//   php persist_ops.php check <tag>   reads the cache entries back
// Prints what the framework returned.
$app = require __DIR__.'/boot.php';

use App\Jobs\RecordRun;
use Illuminate\Support\Facades\Cache;
use Illuminate\Support\Facades\Queue;

[$action, $tag] = [$argv[1], $argv[2]];
$store = Cache::store('redis');

switch ($action) {
case 'fill':
    dispatch(new RecordRun($tag, ['n' => 1]));
    $id = Queue::push(new RecordRun($tag, ['n' => 2, 'bin' => "caf\u{e9}\0\x01"]));
    Queue::bulk([new RecordRun($tag, ['n' => 3]), new RecordRun($tag, ['n' => 4])]);
    dispatch(new RecordRun($tag.'-soon', ['n' => 5]))->delay(2);
    dispatch(new RecordRun($tag.'-later', ['n' => 6]))->delay(3600);
    out([
        'id' => $id,
        'put' => $store->put('persist:ttl', ['a' => 1, 'b' => [true, null, 1.5]], 600),
        'forever' => $store->forever('persist:forever', str_repeat('v', 1000)),
        'counter' => $store->increment('persist:counter', 41),
        'tagged' => Cache::tags(['people', 'artists'])->put('persist:tagged', 'John', 600),
    ]);
    break;
case 'check':
    $store->increment('persist:counter');
    out([
        'ttl' => $store->get('persist:ttl'),
        'forever' => strlen($store->get('persist:forever') ?? ''),
        'counter' => $store->get('persist:counter'),
        'tagged' => Cache::tags(['people', 'artists'])->get('persist:tagged'),
        'missing' => $store->get('persist:nope', 'dflt'),
    ]);
    break;
default:
    fwrite(STDERR, "unknown action $action\n");
    exit(2);
}
