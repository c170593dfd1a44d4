<?php
// Laravel 8's default config/broadcasting.php (the redis broadcaster).
return [
    'default' => env('BROADCAST_DRIVER', 'null'),
    'connections' => [
        'redis' => ['driver' => 'redis', 'connection' => 'default'],
        'log' => ['driver' => 'log'],
        'null' => ['driver' => 'null'],
    ],
];
