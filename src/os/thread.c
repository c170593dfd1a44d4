/* os/thread.c -- the background workers on POSIX threads: each a
 * mutex-protected FIFO and a condition variable. The queue is the only
 * shared state. */
#include "thread.h"

#include <pthread.h>

#include "../ds/mem.h"

typedef struct Job {
    ThreadJobFn fn;
    void *arg;
    struct Job *next;
} Job;

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t has_job, idle;
    Job *head, *tail;
    size_t pending; /* queued + running */
    bool started;
} Worker;

static Worker general = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};
static Worker aof = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER};

static void *worker(void *arg) {
    Worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->head) pthread_cond_wait(&w->has_job, &w->lock);
        Job *j = w->head;
        w->head = j->next;
        if (!w->head) w->tail = NULL;
        pthread_mutex_unlock(&w->lock);
        j->fn(j->arg);
        mem_free(j);
        pthread_mutex_lock(&w->lock);
        if (--w->pending == 0) pthread_cond_broadcast(&w->idle);
    }
    return NULL;
}

static void start(Worker *w) {
    pthread_t t;
    if (w->started) return;
    if (pthread_create(&t, NULL, worker, w) == 0) {
        pthread_detach(t);
        w->started = true;
    }
}

void thread_bg_start(void) {
    start(&general);
    start(&aof);
}

static void submit(Worker *w, ThreadJobFn fn, void *arg) {
    if (!w->started) {
        fn(arg);
        return;
    }
    Job *j = mem_alloc(sizeof(*j));
    j->fn = fn;
    j->arg = arg;
    j->next = NULL;
    pthread_mutex_lock(&w->lock);
    if (w->tail) w->tail->next = j;
    else w->head = j;
    w->tail = j;
    w->pending++;
    pthread_cond_signal(&w->has_job);
    pthread_mutex_unlock(&w->lock);
}

static size_t pending_of(Worker *w) {
    pthread_mutex_lock(&w->lock);
    size_t n = w->pending;
    pthread_mutex_unlock(&w->lock);
    return n;
}

static void drain(Worker *w) {
    pthread_mutex_lock(&w->lock);
    while (w->pending) pthread_cond_wait(&w->idle, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

void thread_bg_submit(ThreadJobFn fn, void *arg) { submit(&general, fn, arg); }
size_t thread_bg_pending(void) { return pending_of(&general); }
void thread_bg_drain(void) {
    drain(&general);
    drain(&aof);
}
void thread_aof_submit(ThreadJobFn fn, void *arg) { submit(&aof, fn, arg); }
size_t thread_aof_pending(void) { return pending_of(&aof); }
void thread_aof_drain(void) { drain(&aof); }
