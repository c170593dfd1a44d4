/* os/thread.c -- the background worker on POSIX threads: a mutex-protected
 * FIFO and a condition variable. The queue is the only shared state. */
#include "thread.h"

#include <pthread.h>

#include "../ds/mem.h"

typedef struct Job {
    ThreadJobFn fn;
    void *arg;
    struct Job *next;
} Job;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t has_job = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static Job *head, *tail;
static size_t pending; /* queued + running */
static bool started;

static void *worker(void *unused) {
    UNUSED(unused);
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!head) pthread_cond_wait(&has_job, &lock);
        Job *j = head;
        head = j->next;
        if (!head) tail = NULL;
        pthread_mutex_unlock(&lock);
        j->fn(j->arg);
        mem_free(j);
        pthread_mutex_lock(&lock);
        if (--pending == 0) pthread_cond_broadcast(&idle);
    }
    return NULL;
}

void thread_bg_start(void) {
    pthread_t t;
    if (started) return;
    if (pthread_create(&t, NULL, worker, NULL) == 0) {
        pthread_detach(t);
        started = true;
    }
}

void thread_bg_submit(ThreadJobFn fn, void *arg) {
    if (!started) {
        fn(arg);
        return;
    }
    Job *j = mem_alloc(sizeof(*j));
    j->fn = fn;
    j->arg = arg;
    j->next = NULL;
    pthread_mutex_lock(&lock);
    if (tail) tail->next = j;
    else head = j;
    tail = j;
    pending++;
    pthread_cond_signal(&has_job);
    pthread_mutex_unlock(&lock);
}

size_t thread_bg_pending(void) {
    pthread_mutex_lock(&lock);
    size_t n = pending;
    pthread_mutex_unlock(&lock);
    return n;
}

void thread_bg_drain(void) {
    pthread_mutex_lock(&lock);
    while (pending) pthread_cond_wait(&idle, &lock);
    pthread_mutex_unlock(&lock);
}
