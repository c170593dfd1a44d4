<?php

use Illuminate\Support\Facades\Route;

Route::get('/session/put/{value}', function ($value) {
    session(['value' => $value]);
    return session()->getId();
});
Route::get('/session/get', function () {
    return (string) session('value', 'none');
});
