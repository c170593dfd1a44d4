<?php
// Laravel 8's default config/queue.php (the redis connection). Failed jobs
// go to the "null" provider unless QUEUE_FAILED_DRIVER says otherwise: the
// tests see failures through the job's failed() hook.
return [
    'default' => env('QUEUE_CONNECTION', 'sync'),
    'connections' => [
        'sync' => ['driver' => 'sync'],
        'redis' => [
            'driver' => 'redis',
            'connection' => 'default',
            'queue' => env('REDIS_QUEUE', 'default'),
            'retry_after' => (int) env('REDIS_RETRY_AFTER', 90),
            'block_for' => env('REDIS_BLOCK_FOR') === null ? null : (int) env('REDIS_BLOCK_FOR'),
            'after_commit' => false,
        ],
    ],
    'failed' => [
        'driver' => env('QUEUE_FAILED_DRIVER', 'null'),
        'database' => env('DB_CONNECTION', 'mysql'),
        'table' => 'failed_jobs',
    ],
];
