/* os/thread.h -- one background worker for jobs that touch no shared data
 * (freeing a flushed database, later fsync and closing files). Jobs run in
 * submission order. */
#ifndef KILAT_THREAD_H
#define KILAT_THREAD_H

#include "../base.h"

typedef void (*ThreadJobFn)(void *arg);

/* Starts the workers: the general one and the AOF's fsync worker (an
 * fsync must not wait behind a snapshot's writes). */
void thread_bg_start(void);
/* The AOF's worker: the same contract as thread_bg_submit/pending. */
void thread_aof_submit(ThreadJobFn fn, void *arg);
size_t thread_aof_pending(void);
void thread_aof_drain(void);
/* Queues fn(arg) for the worker (runs it inline if the worker is absent). */
void thread_bg_submit(ThreadJobFn fn, void *arg);
size_t thread_bg_pending(void);
/* Waits until every queued job has run (tests, shutdown). */
void thread_bg_drain(void);

#endif
