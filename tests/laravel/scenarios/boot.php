<?php
// Boots the test application as artisan does and returns it. Scenario
// scripts start with: $app = require __DIR__.'/boot.php';
// out($value) prints the JSON document the Python side reads.
$app = require getenv('LARAVEL_APP').'/bootstrap/app.php';
$app->make(Illuminate\Contracts\Console\Kernel::class)->bootstrap();

function out($value)
{
    echo json_encode($value, JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR), "\n";
}

return $app;
