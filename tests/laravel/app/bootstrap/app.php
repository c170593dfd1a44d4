<?php
// A minimal Laravel 8 application built from Debian's packages
// (php-laravel-framework, php-predis): composer cannot reach a registry
// here, so the framework is loaded through the autoloaders Debian installs.
// Everything the tests vary comes from the environment (.env habits):
// REDIS_HOST, REDIS_PORT, REDIS_CLIENT, DB_*, LARAVEL_STORAGE.

require_once '/usr/share/php/Illuminate/autoload.php';
require_once '/usr/share/php/Predis/autoload.php';

spl_autoload_register(function ($class) {
    if (strncmp($class, 'App\\', 4) !== 0) {
        return;
    }
    $file = dirname(__DIR__).'/app/'.str_replace('\\', '/', substr($class, 4)).'.php';
    if (is_file($file)) {
        require $file;
    }
});

$app = new Illuminate\Foundation\Application(dirname(__DIR__));

// Each test run gets its own writable storage (logs, compiled views, cache
// files), outside the source tree.
$storage = getenv('LARAVEL_STORAGE') ?: sys_get_temp_dir().'/kilat-laravel-storage';
foreach (['', '/logs', '/framework', '/framework/cache', '/framework/views', '/framework/sessions'] as $d) {
    if (!is_dir($storage.$d)) {
        mkdir($storage.$d, 0777, true);
    }
}
$app->useStoragePath($storage);
// Laravel's own caches (services, packages, config, routes) normally live in
// bootstrap/cache; point them at the writable storage too.
foreach (['SERVICES', 'PACKAGES', 'CONFIG', 'ROUTES', 'EVENTS'] as $what) {
    $_SERVER['APP_'.$what.'_CACHE'] = $_ENV['APP_'.$what.'_CACHE'] = $storage.'/framework/'.strtolower($what).'.php';
}
// Package discovery needs composer's installed.json: none here.
$app->instance(Illuminate\Foundation\PackageManifest::class, new class(new Illuminate\Filesystem\Filesystem, dirname(__DIR__), $storage.'/packages.php') extends Illuminate\Foundation\PackageManifest {
    public function providers() { return []; }
    public function aliases() { return []; }
});

$app->singleton(Illuminate\Contracts\Http\Kernel::class, App\Http\Kernel::class);
$app->singleton(Illuminate\Contracts\Console\Kernel::class, App\Console\Kernel::class);
$app->singleton(Illuminate\Contracts\Debug\ExceptionHandler::class, App\Exceptions\Handler::class);

return $app;
