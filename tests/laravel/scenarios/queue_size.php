<?php
// Queue::size() counts ready + delayed + reserved jobs (Laravel 8's size
// script); Queue::clear() deletes all three and returns that count.
//   queue_size.php <tag> [clear]
$app = require __DIR__.'/boot.php';

use App\Jobs\RecordRun;
use Illuminate\Support\Facades\Queue;

$tag = $argv[1];
$q = Queue::connection('redis');
$sizes = ['empty' => $q->size()];
$q->push(new RecordRun($tag, 1));
$q->push(new RecordRun($tag, 2));
$sizes['pushed2'] = $q->size();
$q->later(600, new RecordRun($tag, 3));
$sizes['delayed1'] = $q->size();
$job = $q->pop();
$sizes['reserved1'] = $q->size();
$sizes['popped'] = $job ? $job->payload()['data']['commandName'] : null;
if (($argv[2] ?? '') === 'clear') {
    $sizes['cleared'] = $q->clear('default');
    $sizes['after_clear'] = $q->size();
}
out($sizes);
