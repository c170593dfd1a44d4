<?php
// One cache operation per call, through Cache::store('redis'):
//   php cache_ops.php <action>
// Each action prints what the framework returned; the test checks the keys
// the operation left in the server (database 1).
$app = require __DIR__.'/boot.php';

use Illuminate\Support\Facades\Cache;

$store = Cache::store('redis');
$action = $argv[1] ?? '';

switch ($action) {
case 'many':
    $put = $store->putMany(['a' => 1, 'b' => 'two', 'c' => ['x' => 3]], 120);
    out(['putMany' => $put, 'many' => $store->many(['a', 'b', 'c', 'nope'])]);
    break;
case 'add':
    // add() stores only when the key is absent, with the given TTL.
    $first = $store->add('added', 'one', 30);
    $second = $store->add('added', 'two', 90);
    out(['first' => $first, 'second' => $second, 'value' => $store->get('added')]);
    break;
case 'counters':
    $store->put('n', 10, 60);
    out([
        'inc' => $store->increment('n'),
        'inc5' => $store->increment('n', 5),
        'dec' => $store->decrement('n', 3),
        'missing_inc' => $store->increment('fresh'),
        'missing_dec' => $store->decrement('fresh_down', 2),
        'get' => $store->get('n'),
    ]);
    break;
case 'forever':
    out(['forever' => $store->forever('eternal', ['v' => 1]), 'get' => $store->get('eternal')]);
    break;
case 'forget':
    $store->put('gone', 'x', 60);
    $store->put('kept', 'y', 60);
    out(['forget' => $store->forget('gone'), 'again' => $store->forget('gone'),
         'gone' => $store->get('gone'), 'kept' => $store->get('kept')]);
    break;
case 'put':
    out(['put' => $store->put($argv[2], $argv[3], (int) $argv[4])]);
    break;
case 'flush':
    // FLUSHDB: refused (NOPERM) to a user without +flushdb (ACL mode).
    try {
        $flush = $store->flush();
    } catch (Exception $e) {
        $flush = ['error' => $e->getMessage()];
    }
    out(['flush' => $flush, 'get' => $store->get($argv[2])]);
    break;
case 'remember':
    // The closure runs only when the value is missing; the count of runs
    // proves it ran once over two processes (the test calls this twice).
    $runs = 0;
    $first = $store->remember('remembered', 60, function () use (&$runs) {
        $runs++;
        return 'computed-'.getmypid();
    });
    $second = $store->remember('remembered', 60, function () use (&$runs) {
        $runs++;
        return 'again';
    });
    out(['first' => $first, 'second' => $second, 'runs' => $runs]);
    break;
case 'tags':
    $ab = $store->tags(['a', 'b']);
    $a = $store->tags(['a']);
    $c = $store->tags(['c']);
    out([
        'put_ab' => $ab->put('k1', 'v1', 60),
        'forever_ab' => $ab->forever('k2', 'v2'),
        'put_c' => $c->put('k3', 'v3', 60),
        'get_ab' => [$ab->get('k1'), $ab->get('k2')],
        'get_c' => $c->get('k3'),
        // Another tag list is another namespace: no value under it.
        'get_a' => $a->get('k1'),
    ]);
    break;
case 'tags_flush':
    $tag = $argv[2];
    $store->tags([$tag])->flush();
    out([
        'get_ab' => [$store->tags(['a', 'b'])->get('k1'), $store->tags(['a', 'b'])->get('k2')],
        'get_c' => $store->tags(['c'])->get('k3'),
    ]);
    break;
default:
    fwrite(STDERR, "unknown action $action\n");
    exit(2);
}
