<?php
// Atomic locks through Cache::lock() on the redis store (lock_connection
// "default"): php lock_ops.php <action> [args]. Every action prints the
// lock's owner token next to what the framework returned.
$app = require __DIR__.'/boot.php';

use Illuminate\Contracts\Cache\LockTimeoutException;
use Illuminate\Support\Facades\Cache;

$action = $argv[1] ?? '';
$name = 'test-lock';

switch ($action) {
case 'get':
    // get <seconds>: one attempt.
    $lock = Cache::lock($name, (int) $argv[2]);
    out(['acquired' => $lock->get(), 'owner' => $lock->owner()]);
    break;
case 'get_twice':
    // Two lock instances in one process: different owners, one wins.
    $first = Cache::lock($name, 10);
    $second = Cache::lock($name, 10);
    out(['first' => $first->get(), 'second' => $second->get(),
         'owners_differ' => $first->owner() !== $second->owner(), 'owner' => $first->owner()]);
    break;
case 'get_callback':
    // get(callback): runs it while held, then releases.
    $lock = Cache::lock($name, 10);
    $inside = null;
    $result = $lock->get(function () use (&$inside, $name) {
        $inside = Cache::lock($name, 10)->get();
        return 'ran';
    });
    out(['result' => $result, 'inside_second_attempt' => $inside]);
    break;
case 'release_other':
    // A lock instance with another (random) owner cannot release it.
    $lock = Cache::lock($name, 10);
    out(['release' => $lock->release(), 'owner' => $lock->owner()]);
    break;
case 'acquire_release':
    $lock = Cache::lock($name, 10);
    $got = $lock->get();
    out(['acquired' => $got, 'release' => $lock->release(), 'release_again' => $lock->release()]);
    break;
case 'restore_release':
    // restore_release <owner>: another process releases by owner token.
    $lock = Cache::restoreLock($name, $argv[2]);
    out(['owner' => $lock->owner(), 'release' => $lock->release()]);
    break;
case 'force':
    Cache::lock($name)->forceRelease();
    out(['forced' => true]);
    break;
case 'hold':
    // hold <lock seconds> <hold seconds>: acquire, keep it, release.
    $lock = Cache::lock($name, (int) $argv[2]);
    $got = $lock->get();
    usleep((int) ((float) $argv[3] * 1e6));
    out(['acquired' => $got, 'owner' => $lock->owner(), 'release' => $got ? $lock->release() : null]);
    break;
case 'block':
    // block <lock seconds> <wait seconds>: wait for the lock.
    $lock = Cache::lock($name, (int) $argv[2]);
    try {
        $got = $lock->block((int) $argv[3]);
        out(['acquired' => $got, 'owner' => $lock->owner()]);
    } catch (LockTimeoutException $e) {
        out(['acquired' => false, 'exception' => get_class($e), 'owner' => $lock->owner()]);
    }
    break;
default:
    fwrite(STDERR, "unknown action $action\n");
    exit(2);
}
