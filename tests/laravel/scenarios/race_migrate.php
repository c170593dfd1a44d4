<?php
// The registrations table, created as a migration would create it, through
// Laravel's schema builder on the mysql connection (DB_* from the env).
// Drops it first, so each test starts from an empty table.
$app = require __DIR__.'/boot.php';

use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

Schema::dropIfExists('registrations');
Schema::create('registrations', function (Blueprint $table) {
    $table->id();
    $table->unsignedBigInteger('event_id')->index();
    $table->string('attendee');
    $table->timestamp('created_at')->nullable();
});
out(['columns' => Schema::getColumnListing('registrations')]);
