<?php
// Sends commands unchanged (no key prefix) on the app's own connection
// (Redis::connection(<name>), logged in as the app's user) and prints each
// reply or error text:
//   acl_probe.php <connection> '[["FLUSHALL"], ["GET", "k"], ...]'
// -> [{"reply": ...} | {"error": "NOPERM ..."}, ...]
$app = require __DIR__.'/boot.php';

use Illuminate\Support\Facades\Redis;

$client = Redis::connection($argv[1])->client();
$results = [];
foreach (json_decode($argv[2], true) as $cmd) {
    try {
        if ($client instanceof \Redis) {
            // phpredis: an error reply is false, its text in getLastError().
            $client->clearLastError();
            $reply = $client->rawCommand(...$cmd);
            $error = $reply === false ? $client->getLastError() : null;
        } else {
            // predis: executeRaw() sets $isError and returns the text.
            $reply = $client->executeRaw($cmd, $isError);
            $error = $isError ? $reply : null;
        }
    } catch (Throwable $e) {
        $error = $e->getMessage();
    }
    $results[] = $error === null ? ['reply' => $reply] : ['error' => $error];
}
out($results);
