<?php

use Illuminate\Support\Facades\Route;

Route::post('/register', function () {
    return 'ok';
});
