<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;

// A job that succeeds: records its run (tag, data, attempt number).
class RecordRun implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels, RecordsRuns;

    public $tag;
    public $data;

    public function __construct($tag, $data = null)
    {
        $this->tag = $tag;
        $this->data = $data;
    }

    public function handle()
    {
        $this->record($this->tag, ['data' => $this->data, 'attempts' => $this->attempts()]);
    }
}
