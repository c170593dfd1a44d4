<?php
// Transactions and pipelines through the Redis facade (default connection,
// database 0, prefix laravel_database_): php conn_ops.php <action>.
// Replies are normalized for JSON: predis answers +OK/+QUEUED with Status
// objects, phpredis with true / the client object.
$app = require __DIR__.'/boot.php';

use Illuminate\Support\Facades\Redis;

function norm($v)
{
    if (is_array($v)) {
        return array_map('norm', $v);
    }
    if ($v instanceof Predis\Response\Status) {
        return 'status:'.$v->getPayload();
    }
    if (is_object($v)) {
        return 'object:'.get_class($v);
    }
    return $v;
}

$action = $argv[1] ?? '';
$client = config('database.redis.client');

switch ($action) {
case 'transaction':
    $results = Redis::transaction(function ($tx) {
        $tx->set('tx:a', 'one');
        $tx->incr('tx:n');
        $tx->incrby('tx:n', 5);
        $tx->rpush('tx:list', 'x', 'y');
        $tx->get('tx:a');
    });
    out(['results' => norm($results), 'a' => Redis::get('tx:a'), 'n' => Redis::get('tx:n')]);
    break;
case 'transaction_error':
    // A command failing inside EXEC (INCR on a non-number) does not undo
    // the others: Redis has no rollback.
    Redis::set('tx:s', 'text');
    try {
        $results = norm(Redis::transaction(function ($tx) {
            $tx->set('tx:b', 'before');
            $tx->incr('tx:s');
            $tx->set('tx:c', 'after');
        }));
        $thrown = null;
    } catch (Throwable $e) {
        $results = null;
        $thrown = get_class($e).': '.$e->getMessage();
    }
    out(['results' => $results, 'thrown' => $thrown,
         'b' => Redis::get('tx:b'), 'c' => Redis::get('tx:c'), 's' => Redis::get('tx:s')]);
    break;
case 'pipeline':
    $results = Redis::pipeline(function ($pipe) {
        for ($i = 0; $i < 100; $i++) {
            $pipe->set("p:$i", $i);
        }
        $pipe->incr('p:counter');
        $pipe->get('p:7');
        $pipe->mget(['p:1', 'p:2', 'p:none']);
    });
    out(['count' => count($results), 'tail' => norm(array_slice($results, 98)),
         'p99' => Redis::get('p:99')]);
    break;
case 'multi_exec':
    // The raw style: MULTI, commands, EXEC on the connection itself.
    $multi = Redis::multi();
    $queued = Redis::set('m:a', '1');
    Redis::incr('m:a');
    $exec = Redis::exec();
    out(['multi' => norm($multi), 'queued' => norm($queued), 'exec' => norm($exec),
         'a' => Redis::get('m:a')]);
    break;
case 'transaction_chain':
    // transaction() without a callback hands back the transaction object.
    $tx = Redis::transaction();
    if ($client === 'phpredis') {
        $results = $tx->set('c:a', 'v')->incr('c:n')->exec();
    } else {
        $tx->set('c:a', 'v');
        $tx->incr('c:n');
        $results = $tx->execute();
    }
    out(['class' => get_class($tx), 'results' => norm($results),
         'a' => Redis::get('c:a'), 'n' => Redis::get('c:n')]);
    break;
case 'discard':
    Redis::multi();
    Redis::set('d:a', 'x');
    $discard = Redis::discard();
    out(['discard' => norm($discard), 'a' => Redis::get('d:a')]);
    break;
case 'watch_abort':
    // WATCH, a change from another connection, then the transaction: EXEC
    // answers nil and nothing in it runs.
    Redis::set('w:k', '1');
    Redis::watch('w:k');
    $other = Redis::resolve('default');
    $other->set('w:k', 'changed');
    try {
        $results = norm(Redis::transaction(function ($tx) {
            $tx->set('w:k', 'mine');
            $tx->set('w:side', 'effect');
        }));
        $thrown = null;
    } catch (Throwable $e) {
        $results = null;
        $thrown = get_class($e);
    }
    out(['results' => $results, 'thrown' => $thrown, 'k' => Redis::get('w:k'),
         'side' => Redis::get('w:side')]);
    break;
case 'watch_ok':
    Redis::set('w:k', '1');
    Redis::watch('w:k');
    $v = Redis::get('w:k');
    $results = Redis::transaction(function ($tx) use ($v) {
        $tx->set('w:k', $v + 1);
    });
    out(['results' => norm($results), 'k' => Redis::get('w:k')]);
    break;
case 'optimistic':
    // Optimistic increment with retries; another connection writes the
    // key once, between the first read and EXEC. phpredis: WATCH + GET +
    // transaction() in a loop; predis: its CAS transaction options.
    Redis::set('o:k', '10');
    $other = Redis::resolve('default');
    $attempts = 0;
    if ($client === 'phpredis') {
        do {
            $attempts++;
            Redis::watch('o:k');
            $v = (int) Redis::get('o:k');
            if ($attempts === 1) {
                $other->set('o:k', '100');
            }
            $results = Redis::transaction(function ($tx) use ($v) {
                $tx->set('o:k', $v + 1);
            });
        } while ($results === false && $attempts < 5);
    } else {
        $results = Redis::transaction(['watch' => 'o:k', 'cas' => true, 'retry' => 4],
            function ($tx) use (&$attempts, $other) {
                $attempts++;
                $v = (int) $tx->get('o:k');
                if ($attempts === 1) {
                    $other->set('o:k', '100');
                }
                $tx->multi();
                $tx->set('o:k', $v + 1);
            });
    }
    out(['attempts' => $attempts, 'results' => norm($results), 'k' => Redis::get('o:k')]);
    break;
default:
    fwrite(STDERR, "unknown action $action\n");
    exit(2);
}
