#!/usr/bin/python3
"""Prints src/core/keyspec_table.c's rows from a running redis-server's
COMMAND output (the reference's key specs, read as a client reads them):
  scripts/keyspecs-from-redis.py PORT > rows.txt
Row format: see src/core/keyspec.h. Getkeys procedures (the last column) are
kept by hand in the table; this prints KP_NONE for every row."""
import sys
import redis

r = redis.Redis(port=int(sys.argv[1]))
conn = r.connection_pool.get_connection('COMMAND')
conn.send_command('COMMAND')


def text(x):
    if isinstance(x, bytes):
        return x.decode()
    if isinstance(x, list):
        return [text(i) for i in x]
    return x


notes = []
rows = []


def spec_text(k):
    kd = dict(zip(k[::2], k[1::2]))
    out = list(kd['flags'])
    bs = dict(zip(kd['begin_search'][::2], kd['begin_search'][1::2]))
    b = dict(zip(bs['spec'][::2], bs['spec'][1::2]))
    if bs['type'] == 'index':
        out.append('@%d' % b['index'])
    elif bs['type'] == 'keyword':
        out.append('@%s>%d' % (b['keyword'], b['startfrom']))
    else:
        out.append('@?')
    fk = dict(zip(kd['find_keys'][::2], kd['find_keys'][1::2]))
    f = dict(zip(fk['spec'][::2], fk['spec'][1::2]))
    if fk['type'] == 'range':
        s = 'r%d' % f['lastkey']
        if f['keystep'] != 1 or f['limit'] != 0:
            s += ',%d' % f['keystep']
        if f['limit'] != 0:
            s += ',%d' % f['limit']
        out.append(s)
    elif fk['type'] == 'keynum':
        out.append('n%d,%d,%d' % (f['keynumidx'], f['firstkey'], f['keystep']))
    else:
        out.append('?')
    if 'notes' in kd:
        if kd['notes'] not in notes:
            notes.append(kd['notes'])
        out.append('!%d' % notes.index(kd['notes']))
    return ' '.join(out)


def walk(c):
    name, arity, flags, _, _, _, _, _, specs, subs = c
    if not subs:  # containers have no row: their subcommands do
        opt = 'KS_OPTIONAL' if 'no_mandatory_keys' in flags else '0'
        rows.append((name, arity, opt, '; '.join(spec_text(k) for k in specs)))
    for s in subs:
        walk(s)


for c in text(conn.read_response()):
    walk(c)
for n, note in enumerate(notes):
    print('    /* %d */ "%s",' % (n, note.replace('"', '\\"')))
for name, arity, opt, specs in sorted(rows):
    print('    {"%s", %d, %s, KP_NONE, "%s"},' % (name, arity, opt, specs))
