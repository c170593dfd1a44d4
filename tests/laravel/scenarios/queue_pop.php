<?php
// Reserves the next job with Queue::pop() and never deletes or releases it,
// as a worker that dies mid-job would. Prints what the framework saw.
$app = require __DIR__.'/boot.php';

use Illuminate\Support\Facades\Queue;

$job = Queue::connection('redis')->pop();
out($job === null ? null : [
    'id' => $job->getJobId(),
    'name' => $job->resolveName(),
    'attempts' => $job->attempts(),
    'reserved' => $job->getReservedJob(),
]);
