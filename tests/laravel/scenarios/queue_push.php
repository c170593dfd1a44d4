<?php
// Puts jobs on the redis queue through the framework.
//   queue_push.php dispatch <tag>        dispatch(new RecordRun) (the helper)
//   queue_push.php push <tag>            Queue::push(new RecordRun), prints its id
//   queue_push.php delay <tag> <secs>    dispatch(...)->delay(secs)
//   queue_push.php fail <tag>            dispatch(new FailThrice)
//   queue_push.php die <tag>             dispatch(new DieOnFirstAttempt)
//   queue_push.php bulk <tag> <n>        Queue::bulk([n RecordRun jobs])
//   queue_push.php odd <tag>             Queue::push of a RecordRun with a
//                                        ~90 KB payload of awkward bytes
// Prints {"id": ..., "t": microtime before the push}.
$app = require __DIR__.'/boot.php';

use App\Jobs\DieOnFirstAttempt;
use App\Jobs\FailThrice;
use App\Jobs\RecordRun;
use Illuminate\Support\Facades\Queue;

[$kind, $tag] = [$argv[1], $argv[2]];
$arg = $argv[3] ?? null;
$data = ['n' => 1, 's' => "caf\u{e9} / \"quoted\""];
$t = microtime(true);
$id = null;
switch ($kind) {
    case 'dispatch':
        dispatch(new RecordRun($tag, $data));
        break;
    case 'push':
        $id = Queue::push(new RecordRun($tag, $data));
        break;
    case 'delay':
        dispatch(new RecordRun($tag, $data))->delay((int) $arg);
        break;
    case 'fail':
        dispatch(new FailThrice($tag));
        break;
    case 'die':
        dispatch(new DieOnFirstAttempt($tag));
        break;
    case 'bulk':
        $jobs = [];
        for ($i = 0; $i < (int) $arg; $i++) {
            $jobs[] = new RecordRun($tag, $i);
        }
        Queue::bulk($jobs);
        break;
    case 'odd':
        $id = Queue::push(new RecordRun($tag, [
            'big' => str_repeat('xyz/', 22500),
            'emoji' => "\u{1F600}", 'ls' => "\u{2028}", 'nul' => "a\0b",
            'ctl' => "\t\r\n\x01\x7f", 'quote' => '"\\',
        ]));
        break;
    default:
        fwrite(STDERR, "unknown kind $kind\n");
        exit(2);
}
out(['id' => $id, 't' => $t]);
