<?php
// POST <path> <count> times through the HTTP kernel (the "api" group:
// throttle:api, ThrottleRequestsWithRedis) and print each response's
// status and rate-limit headers: php limit_http.php <path> <count>.
$app = require __DIR__.'/boot.php';

use Illuminate\Http\Request;

$kernel = $app->make(Illuminate\Contracts\Http\Kernel::class);
$responses = [];
for ($i = 0; $i < (int) $argv[2]; $i++) {
    $request = Request::create($argv[1], 'POST', [], [], [], ['HTTP_ACCEPT' => 'application/json']);
    $response = $kernel->handle($request);
    $headers = [];
    foreach (['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'Retry-After', 'X-RateLimit-Reset'] as $h) {
        $headers[$h] = $response->headers->get($h);
    }
    $responses[] = ['status' => $response->getStatusCode(), 'headers' => $headers, 'now' => time()];
    $kernel->terminate($request, $response);
}
out($responses);
