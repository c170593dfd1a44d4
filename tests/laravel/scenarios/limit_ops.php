<?php
// Rate limiting through the framework: php limit_ops.php <action> [args].
//   limiter ...   the cache-backed RateLimiter (redis cache store, db 1)
//   throttle ...  Redis::throttle(): DurationLimiter's Lua script
//   funnel ...    Redis::funnel(): ConcurrencyLimiter's Lua scripts
$app = require __DIR__.'/boot.php';

use Illuminate\Contracts\Redis\LimiterTimeoutException;
use Illuminate\Support\Facades\RateLimiter;
use Illuminate\Support\Facades\Redis;

$action = $argv[1] ?? '';

switch ($action) {
case 'limiter_hit':
    // limiter_hit <key> <max> <decay>: one hit, and what the limiter says.
    [$key, $max, $decay] = [$argv[2], (int) $argv[3], (int) $argv[4]];
    $before = RateLimiter::tooManyAttempts($key, $max);
    $hits = RateLimiter::hit($key, $decay);
    out(['before' => $before, 'hits' => $hits,
         'too_many' => RateLimiter::tooManyAttempts($key, $max),
         'attempts' => (int) RateLimiter::attempts($key),
         'remaining' => RateLimiter::remaining($key, $max),
         'available_in' => RateLimiter::availableIn($key)]);
    break;
case 'limiter_clear':
    RateLimiter::clear($argv[2]);
    out(['too_many' => RateLimiter::tooManyAttempts($argv[2], 1),
         'attempts' => (int) RateLimiter::attempts($argv[2]),
         'available_in' => RateLimiter::availableIn($argv[2])]);
    break;
case 'limiter_attempt':
    // attempt() runs the callback only while under the limit.
    $runs = 0;
    $results = [];
    for ($i = 0; $i < 3; $i++) {
        $results[] = RateLimiter::attempt($argv[2], 2, function () use (&$runs) {
            $runs++;
            return 'done';
        }, 60);
    }
    out(['results' => $results, 'runs' => $runs]);
    break;
case 'throttle':
    // throttle <key> <calls>: allow(3)->every(60), no waiting.
    $results = [];
    for ($i = 0; $i < (int) $argv[3]; $i++) {
        $results[] = Redis::throttle($argv[2])->allow(3)->every(60)->block(0)->then(
            function () { return 'ran'; },
            function ($e) { return get_class($e); }
        );
    }
    out($results);
    break;
case 'throttle_throws':
    // Without a failure callback the timeout exception reaches the caller.
    try {
        Redis::throttle($argv[2])->allow(3)->every(60)->block(0)->then(function () {
            return 'ran';
        });
        out(['thrown' => null]);
    } catch (LimiterTimeoutException $e) {
        out(['thrown' => get_class($e)]);
    }
    break;
case 'funnel':
    // Two slots: the callback takes the first, a nested funnel the second,
    // a third nested one is refused at once (block(0)).
    $seen = [];
    $outer = Redis::funnel($argv[2])->limit(2)->block(0)->then(function () use (&$seen, $argv) {
        $seen['slots_in_first'] = Redis::mget([$argv[2].'1', $argv[2].'2']);
        return Redis::funnel($argv[2])->limit(2)->block(0)->then(function () use (&$seen, $argv) {
            $seen['slots_in_second'] = Redis::mget([$argv[2].'1', $argv[2].'2']);
            $seen['third'] = Redis::funnel($argv[2])->limit(2)->block(0)->then(
                function () { return 'ran'; },
                function ($e) { return get_class($e); }
            );
            return 'inner';
        });
    });
    $seen['outer'] = $outer;
    $seen['slots_after'] = Redis::mget([$argv[2].'1', $argv[2].'2']);
    out($seen);
    break;
case 'funnel_hold':
    // funnel_hold <key> <seconds>: hold both slots for a while.
    $r = Redis::funnel($argv[2])->limit(2)->releaseAfter(30)->block(0)->then(function () use ($argv) {
        return Redis::funnel($argv[2])->limit(2)->releaseAfter(30)->block(0)->then(function () use ($argv) {
            usleep((int) ((float) $argv[3] * 1e6));
            return 'held';
        });
    });
    out(['result' => $r]);
    break;
case 'funnel_try':
    // funnel_try <key> <block seconds>
    try {
        $r = Redis::funnel($argv[2])->limit(2)->block((int) $argv[3])->then(function () {
            return 'ran';
        });
        out(['result' => $r]);
    } catch (LimiterTimeoutException $e) {
        out(['result' => get_class($e)]);
    }
    break;
default:
    fwrite(STDERR, "unknown action $action\n");
    exit(2);
}
