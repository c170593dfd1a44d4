/* core/pause.c -- the pause state and the FIFO of held clients.
 * Invariant: a client is in `held` exactly while CLIENT_PAUSED is set on
 * it (it is then CLIENT_BLOCKED too), and `held` is empty while
 * pause_type is PAUSE_OFF. */
#include "pause.h"

#include <string.h>

#include "../ds/mem.h"
#include "command.h"
#include "db.h"
#include "multi.h"

PauseType pause_type;
static int64_t pause_end_ms;
static Client **held;
static size_t nheld, held_cap;

void pause_start(PauseType type, int64_t end_ms) {
    if (type > pause_type) pause_type = type;
    if (end_ms > pause_end_ms) pause_end_ms = end_ms;
    db_hold_expiry(true);
}

void pause_stop(void) {
    pause_type = PAUSE_OFF;
    pause_end_ms = 0;
    db_hold_expiry(false);
    for (size_t i = 0; i < nheld; i++) {
        Client *c = held[i];
        c->flags &= ~(CLIENT_PAUSED | CLIENT_BLOCKED);
        client_resume(c);
    }
    nheld = 0;
}

static bool is_exec(const Command *cmd) { return !cmd->parent && strcmp(cmd->name, "exec") == 0; }

bool pause_holds(Client *c, const Command *cmd) {
    if (c->flags & (CLIENT_REEXEC | CLIENT_FAKE)) return false;
    if (pause_type == PAUSE_ALL) return true;
    uint32_t flags = command_flags_of(c, cmd);
    if (is_exec(cmd) && (c->flags & CLIENT_MULTI)) flags |= multi_queued_flags(c);
    return flags & (CMD_WRITE | CMD_MAY_REPLICATE);
}

void pause_hold(Client *c) {
    if (nheld == held_cap) {
        held_cap = held_cap ? held_cap * 2 : 16;
        held = mem_realloc(held, held_cap * sizeof(Client *));
    }
    held[nheld++] = c;
    c->flags |= CLIENT_PAUSED | CLIENT_BLOCKED;
    /* the command runs again later: a CLIENT REPLY SKIP armed for it
     * stays armed for that run */
    if (c->flags & CLIENT_REPLY_SKIP) c->flags |= CLIENT_REPLY_SKIP_NEXT;
}

void pause_remove(Client *c) {
    if (!(c->flags & CLIENT_PAUSED)) return;
    for (size_t i = 0; i < nheld; i++) {
        if (held[i] == c) {
            memmove(held + i, held + i + 1, (nheld - i - 1) * sizeof(Client *));
            nheld--;
            break;
        }
    }
    c->flags &= ~(CLIENT_PAUSED | CLIENT_BLOCKED);
}

void pause_check_timeout(int64_t now_ms) {
    if (pause_type != PAUSE_OFF && pause_end_ms <= now_ms) pause_stop();
}

int64_t pause_next_timeout_ms(int64_t now_ms) {
    if (pause_type == PAUSE_OFF) return -1;
    return pause_end_ms > now_ms ? pause_end_ms - now_ms : 0;
}

size_t pause_count(void) { return nheld; }
