<?php
// bench/queue.sh's pusher: boots tests/laravel/app (LARAVEL_APP, REDIS_*
// from the environment, as tests/laravel does) and pushes N App\Jobs\Noop
// jobs onto the redis queue, one Queue::push each, or Queue::bulk in
// chunks. Prints {"n": N, "secs": seconds spent pushing (boot excluded)}.
//   php bench/queue_push.php <n> push|bulk [chunk]
$app = require getenv('LARAVEL_APP').'/bootstrap/app.php';
$app->make(Illuminate\Contracts\Console\Kernel::class)->bootstrap();

use App\Jobs\Noop;
use Illuminate\Support\Facades\Queue;

$n = (int) $argv[1];
$mode = $argv[2] ?? 'push';
$chunk = max(1, (int) ($argv[3] ?? 100));
$q = Queue::connection('redis');
$t0 = microtime(true);
if ($mode === 'bulk') {
    for ($i = 0; $i < $n; $i += $chunk) {
        $jobs = [];
        for ($j = $i; $j < min($n, $i + $chunk); $j++) {
            $jobs[] = new Noop($j);
        }
        $q->bulk($jobs);
    }
} else {
    for ($i = 0; $i < $n; $i++) {
        $q->push(new Noop($i));
    }
}
echo json_encode(['n' => $n, 'secs' => microtime(true) - $t0]), "\n";
