<?php
// The issue's literal example: put then get through the redis store.
$app = require __DIR__.'/boot.php';

use Illuminate\Support\Facades\Cache;

$store = Cache::store('redis');
$put = $store->put('foo', 'bar', 60);
out(['put' => $put, 'get' => $store->get('foo'), 'missing' => $store->get('nope', 'dflt')]);
