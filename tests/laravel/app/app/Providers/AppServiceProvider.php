<?php

namespace App\Providers;

use Illuminate\Cache\RateLimiting\Limit;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\RateLimiter;
use Illuminate\Support\Facades\Route;
use Illuminate\Support\ServiceProvider;

// What a Laravel 8 app's RouteServiceProvider does: the "api" limiter
// (60 a minute) and the routes files.
class AppServiceProvider extends ServiceProvider
{
    public function boot()
    {
        RateLimiter::for('api', function (Request $request) {
            return Limit::perMinute((int) env('API_PER_MINUTE', 60))->by($request->ip());
        });
        Route::middleware('web')->group(base_path('routes/web.php'));
        Route::prefix('api')->middleware('api')->group(base_path('routes/api.php'));
    }
}
