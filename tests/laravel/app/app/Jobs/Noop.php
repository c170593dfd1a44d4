<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;

// A trivial job for bench/queue.sh: the cost measured is the queue's.
class Noop implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $n;

    public function __construct($n = 0)
    {
        $this->n = $n;
    }

    public function handle()
    {
    }
}
