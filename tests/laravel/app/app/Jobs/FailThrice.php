<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;
use RuntimeException;
use Throwable;

// A job that always throws: the worker releases it until $tries attempts
// are used, then fails it, which runs failed() once.
class FailThrice implements ShouldQueue
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
        throw new RuntimeException('attempt '.$this->attempts().' failed');
    }

    public function failed(Throwable $e)
    {
        $this->record($this->tag.'-failed', ['error' => $e->getMessage()]);
    }
}
