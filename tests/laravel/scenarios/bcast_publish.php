<?php
// Publishes through the framework.
//   bcast_publish.php broadcaster <channel>...   Broadcast::driver('redis')->broadcast(...)
//   bcast_publish.php event                      event(new App\Events\OrderShipped(7)) (ShouldBroadcastNow)
//   bcast_publish.php publish <channel> <msg>    Redis::publish (prints the receiver count)
$app = require __DIR__.'/boot.php';

use App\Events\OrderShipped;
use Illuminate\Support\Facades\Broadcast;
use Illuminate\Support\Facades\Redis;

switch ($argv[1]) {
    case 'broadcaster':
        Broadcast::driver('redis')->broadcast(array_slice($argv, 2), 'OrderShipped',
            ['id' => 1, 'name' => "caf\u{e9}", 'socket' => 'sock.42']);
        out(['sent' => true]);
        break;
    case 'event':
        event(new OrderShipped(7));
        out(['sent' => true]);
        break;
    case 'publish':
        out(['receivers' => Redis::connection('default')->publish($argv[2], $argv[3])]);
        break;
    default:
        fwrite(STDERR, "unknown mode\n");
        exit(2);
}
