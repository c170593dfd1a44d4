<?php
// One HTTP request through the app's HTTP kernel (the "web" group starts
// the session): php session_http.php <path> [session cookie value].
// Prints the status, the body and the session cookie the response sets.
$app = require __DIR__.'/boot.php';

use Illuminate\Http\Request;

$kernel = $app->make(Illuminate\Contracts\Http\Kernel::class);
$cookieName = config('session.cookie');
$cookies = isset($argv[2]) ? [$cookieName => $argv[2]] : [];
$request = Request::create($argv[1], 'GET', [], $cookies);
$response = $kernel->handle($request);

$sessionCookie = null;
foreach ($response->headers->getCookies() as $cookie) {
    if ($cookie->getName() === $cookieName) {
        $sessionCookie = ['value' => $cookie->getValue(), 'expires' => $cookie->getExpiresTime()];
    }
}
$kernel->terminate($request, $response);
out([
    'status' => $response->getStatusCode(),
    'body' => $response->getContent(),
    'cookie_name' => $cookieName,
    'cookie' => $sessionCookie,
    'lifetime' => config('session.lifetime'),
]);
