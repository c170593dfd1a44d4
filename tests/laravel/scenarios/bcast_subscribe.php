<?php
// A subscriber through the framework: Redis::subscribe([channel...]) or
// Redis::psubscribe([pattern...]) on the default connection. Prints the
// first message it gets ({"message", "channel"}) and exits.
//   bcast_subscribe.php subscribe|psubscribe <name> [<name>...]
$app = require __DIR__.'/boot.php';

use Illuminate\Support\Facades\Redis;

// phpredis 5.3 keeps reading after exit() or an exception inside the
// callback (until its read timeout); closing its connection ends the loop at
// once (it then throws "Connection closed"). predis's loop is PHP code: an
// exception ends it.
$method = $argv[1];
$names = array_slice($argv, 2);
$conn = Redis::connection('default');
$got = null;
try {
    $conn->{$method}($names, function ($message, $channel) use (&$got, $conn) {
        $got = ['message' => $message, 'channel' => $channel];
        if ($conn->client() instanceof \Redis) {
            $conn->client()->close();
        } else {
            throw new RuntimeException('got a message');
        }
    });
} catch (Throwable $e) {
    if ($got === null) {
        $error = $e->getMessage();
    }
}
if ($got === null) {
    // A refused subscription (NOPERM): predis throws; phpredis returns
    // false and keeps the error text.
    if (!isset($error) && $conn->client() instanceof \Redis) {
        $error = $conn->client()->getLastError();
    }
    fwrite(STDERR, "subscription ended without a message: ".($error ?? '')."\n");
    exit(1);
}
out($got);
