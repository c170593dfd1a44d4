<?php

namespace App\Jobs;

// Shared by the test jobs: each run appends one JSON line to
// storage/queue-runs/<tag>.jsonl (attempt number, pid, time), so the tests
// see what the framework's worker really did, independently of the server.
trait RecordsRuns
{
    protected function record($tag, array $fields)
    {
        $dir = storage_path('queue-runs');
        if (!is_dir($dir)) {
            @mkdir($dir, 0777, true);
        }
        $line = json_encode($fields + ['pid' => getmypid(), 'at' => microtime(true)]);
        file_put_contents($dir.'/'.$tag.'.jsonl', $line."\n", FILE_APPEND | LOCK_EX);
    }
}
