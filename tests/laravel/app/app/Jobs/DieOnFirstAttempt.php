<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;

// A job whose worker dies (SIGKILL) during the first attempt, leaving the
// job in the reserved set: after retry_after it must come back.
class DieOnFirstAttempt implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels, RecordsRuns;

    public $tries = 3;
    public $tag;

    public function __construct($tag)
    {
        $this->tag = $tag;
    }

    public function handle()
    {
        $this->record($this->tag, ['attempts' => $this->attempts()]);
        if ($this->attempts() === 1) {
            posix_kill(getmypid(), SIGKILL);
            sleep(60);
        }
    }
}
