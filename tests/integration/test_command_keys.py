"""COMMAND GETKEYS / GETKEYSANDFLAGS and COMMAND INFO's key specs, as Redis
7.0 finds keys: the key specs, else the command's own rules (numkeys, SORT
... STORE, MIGRATE ... KEYS, XREAD ... STREAMS, GEORADIUS ... STORE, SET's
GET), also for commands kilat does not implement yet. The expected replies
below were recorded from redis-server 7.0.15 (exact RESP2 bytes), bad input
included."""

import shlex

import pytest

from conftest import Simple


# (subcommand, command line, exact reply)
CASES = [
    ('GETKEYS', 'get key', b'*1\r\n$3\r\nkey\r\n'),
    ('GETKEYSANDFLAGS', 'get key', b'*1\r\n*2\r\n$3\r\nkey\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'get', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'get', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'get a b', b'-ERR Invalid number of arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'get a b', b'-ERR Invalid number of arguments specified for command\r\n'),
    ('GETKEYS', 'set k v', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'set k v', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'set k v get', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'set k v get', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'set k v GET', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'set k v GET', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'set k v ex 10 nx', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'set k v ex 10 nx', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'set k v xget', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'set k v xget', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'mset k1 v1 k2 v2', b'*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n'),
    ('GETKEYSANDFLAGS', 'mset k1 v1 k2 v2', b'*2\r\n*2\r\n$2\r\nk1\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$2\r\nk2\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'mset k1 v1 k2', b'*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n'),
    ('GETKEYSANDFLAGS', 'mset k1 v1 k2', b'*2\r\n*2\r\n$2\r\nk1\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$2\r\nk2\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'msetnx a 1 b 2', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'msetnx a 1 b 2', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+insert\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+insert\r\n'),
    ('GETKEYS', 'lmove k1 k2 left right', b'*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n'),
    ('GETKEYSANDFLAGS', 'lmove k1 k2 left right', b'*2\r\n*2\r\n$2\r\nk1\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$2\r\nk2\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'blmove a b left right 0', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'blmove a b left right 0', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'rpoplpush a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'rpoplpush a b', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'brpoplpush a b 0', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'brpoplpush a b 0', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'smove a b m', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'smove a b m', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'sort k1 store k2', b'*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n'),
    ('GETKEYSANDFLAGS', 'sort k1 store k2', b'*2\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$2\r\nk2\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'sort k1', b'*1\r\n$2\r\nk1\r\n'),
    ('GETKEYSANDFLAGS', 'sort k1', b'*1\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sort k1 by w get # limit 0 1 store a store b', b'*2\r\n$2\r\nk1\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'sort k1 by w get # limit 0 1 store a store b', b'*2\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'sort k1 store', b'*1\r\n$2\r\nk1\r\n'),
    ('GETKEYSANDFLAGS', 'sort k1 store', b'*1\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sort k1 limit store x get store store d', b'*2\r\n$2\r\nk1\r\n$1\r\nd\r\n'),
    ('GETKEYSANDFLAGS', 'sort k1 limit store x get store store d', b'*2\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'sort_ro k1 by x get y', b'*1\r\n$2\r\nk1\r\n'),
    ('GETKEYSANDFLAGS', 'sort_ro k1 by x get y', b'*1\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'eval x 2 k1 k2', b'*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n'),
    ('GETKEYSANDFLAGS', 'eval x 2 k1 k2', b'*2\r\n*2\r\n$2\r\nk1\r\n*3\r\n+RW\r\n+access\r\n+update\r\n*2\r\n$2\r\nk2\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'eval x 0', b'*0\r\n'),
    ('GETKEYSANDFLAGS', 'eval x 0', b'*0\r\n'),
    ('GETKEYS', 'eval x 3 a b', b'*0\r\n'),
    ('GETKEYSANDFLAGS', 'eval x 3 a b', b'*0\r\n'),
    ('GETKEYS', 'eval x -1', b'*0\r\n'),
    ('GETKEYSANDFLAGS', 'eval x -1', b'*0\r\n'),
    ('GETKEYS', 'eval x abc a', b'*0\r\n'),
    ('GETKEYSANDFLAGS', 'eval x abc a', b'*0\r\n'),
    ('GETKEYS', 'eval x 2abc a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'eval x 2abc a b', b'*2\r\n*2\r\n$1\r\na\r\n*0\r\n*2\r\n$1\r\nb\r\n*0\r\n'),
    ('GETKEYS', 'eval x 1', b'*0\r\n'),
    ('GETKEYSANDFLAGS', 'eval x 1', b'*0\r\n'),
    ('GETKEYS', 'evalsha x 1 k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'evalsha x 1 k', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'eval_ro x 1 k a', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'eval_ro x 1 k a', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'evalsha_ro x 2 a b c', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'evalsha_ro x 2 a b c', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'fcall f 1 k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'fcall f 1 k', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'fcall_ro f 0', b'*0\r\n'),
    ('GETKEYSANDFLAGS', 'fcall_ro f 0', b'*0\r\n'),
    ('GETKEYS', 'fcall f 2 a', b'*0\r\n'),
    ('GETKEYSANDFLAGS', 'fcall f 2 a', b'*0\r\n'),
    ('GETKEYS', 'zunionstore d 2 a b', b'*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'zunionstore d 2 a b', b'*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zunionstore d 0 a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'zunionstore d 0 a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'zunionstore d 3 a b', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'zunionstore d 3 a b', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'zunionstore d 2abc a b', b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nd\r\n'),
    ('GETKEYSANDFLAGS', 'zunionstore d 2abc a b', b'*3\r\n*2\r\n$1\r\na\r\n*0\r\n*2\r\n$1\r\nb\r\n*0\r\n*2\r\n$1\r\nd\r\n*0\r\n'),
    ('GETKEYS', 'zunionstore d -1 a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'zunionstore d -1 a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'zunionstore d 1 a weights 2', b'*2\r\n$1\r\nd\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'zunionstore d 1 a weights 2', b'*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zinterstore d 2 a b aggregate max', b'*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'zinterstore d 2 a b aggregate max', b'*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zdiffstore d 1 a', b'*2\r\n$1\r\nd\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'zdiffstore d 1 a', b'*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zdiffstore d x a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'zdiffstore d x a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'zunion 2 a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'zunion 2 a b', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zunion 0 a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'zunion 0 a', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'zunion 1x a', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'zunion 1x a', b'*1\r\n*2\r\n$1\r\na\r\n*0\r\n'),
    ('GETKEYS', 'zinter 2 a b weights 1 2', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'zinter 2 a b weights 1 2', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zdiff 1 a', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'zdiff 1 a', b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zintercard 2 a b limit 1', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'zintercard 2 a b limit 1', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sintercard 2 a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'sintercard 2 a b', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sintercard 3 a b', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'sintercard 3 a b', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'lmpop 2 a b left', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'lmpop 2 a b left', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'lmpop 0 a left', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'lmpop 0 a left', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'blmpop 0 2 a b left', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'blmpop 0 2 a b left', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'blmpop 0 5 a b left', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'blmpop 0 5 a b left', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'zmpop 1 a min', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'zmpop 1 a min', b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'bzmpop 0 1 a min', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'bzmpop 0 1 a min', b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'bzmpop 0 x a min', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'bzmpop 0 x a min', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'migrate h p k 0 5000', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'migrate h p k 0 5000', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', "migrate h p '' 0 5000 keys a b", b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', "migrate h p '' 0 5000 keys a b", b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'migrate h p k 0 5000 keys a b', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'migrate h p k 0 5000 keys a b', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', "migrate h p '' 0 5000 copy replace auth pw keys a", b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', "migrate h p '' 0 5000 copy replace auth pw keys a", b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', "migrate h p '' 0 5000 auth2 u keys keys a", b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', "migrate h p '' 0 5000 auth2 u keys keys a", b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', "migrate h p '' 0 5000 keys", b'*1\r\n$0\r\n\r\n'),
    ('GETKEYSANDFLAGS', "migrate h p '' 0 5000 keys", b'*1\r\n*2\r\n$0\r\n\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'migrate h p k 0 5000 copy', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'migrate h p k 0 5000 copy', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'xread streams a b 0 0', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'xread streams a b 0 0', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xread count 1 block 0 streams a 0', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'xread count 1 block 0 streams a 0', b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xread streams a 0 0', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'xread streams a 0 0', b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xread streams a', b'-ERR Invalid number of arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'xread streams a', b'-ERR Invalid number of arguments specified for command\r\n'),
    ('GETKEYS', 'xread count 1 streams', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'xread count 1 streams', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'xread foo streams a 0', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'xread foo streams a 0', b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xreadgroup group g c streams a 0', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'xreadgroup group g c streams a 0', b'*1\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xreadgroup group g c count 1 noack streams a b 0 0', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'xreadgroup group g c count 1 noack streams a b 0 0', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'georadius k 0 0 1 km store d', b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    ('GETKEYSANDFLAGS', 'georadius k 0 0 1 km store d', b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'georadius k 0 0 1 km storedist d', b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    ('GETKEYSANDFLAGS', 'georadius k 0 0 1 km storedist d', b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'georadius k 0 0 1 km store', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'georadius k 0 0 1 km store', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'georadius k 0 0 1 km', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'georadius k 0 0 1 km', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'georadius k 0 0 1 km store a storedist b', b'*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'georadius k 0 0 1 km store a storedist b', b'*3\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'georadiusbymember k m 1 km store d', b'*2\r\n$1\r\nk\r\n$1\r\nd\r\n'),
    ('GETKEYSANDFLAGS', 'georadiusbymember k m 1 km store d', b'*2\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'georadiusbymember k m 1 km', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'georadiusbymember k m 1 km', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'georadius_ro k 0 0 1 km', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'georadius_ro k 0 0 1 km', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'georadiusbymember_ro k m 1 km withdist', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'georadiusbymember_ro k m 1 km withdist', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'bitfield k get u8 0', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'bitfield k get u8 0', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'bitfield k set u8 0 1', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'bitfield k set u8 0 1', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'bitfield k overflow wrap get u8 0', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'bitfield k overflow wrap get u8 0', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'bitfield k get u8', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'bitfield k get u8', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'bitfield k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'bitfield k', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'bitfield k incrby u8 0 1', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'bitfield k incrby u8 0 1', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'bitfield_ro k get u8 0', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'bitfield_ro k get u8 0', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'memory usage k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'memory usage k', b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'memory usage k samples 5', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'memory usage k samples 5', b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'object encoding k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'object encoding k', b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'object freq k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'object freq k', b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'xgroup create key g $', b'*1\r\n$3\r\nkey\r\n'),
    ('GETKEYSANDFLAGS', 'xgroup create key g $', b'*1\r\n*2\r\n$3\r\nkey\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'xgroup createconsumer k g c', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'xgroup createconsumer k g c', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'xgroup destroy k g', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'xgroup destroy k g', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RW\r\n+delete\r\n'),
    ('GETKEYS', 'xinfo stream k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'xinfo stream k', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xinfo groups k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'xinfo groups k', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xgroup nosuch k', b'-ERR Invalid command specified\r\n'),
    ('GETKEYSANDFLAGS', 'xgroup nosuch k', b'-ERR Invalid command specified\r\n'),
    ('GETKEYS', 'object nosuch k', b'-ERR Invalid command specified\r\n'),
    ('GETKEYSANDFLAGS', 'object nosuch k', b'-ERR Invalid command specified\r\n'),
    ('GETKEYS', 'blpop a b 0', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'blpop a b 0', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'brpop a 0', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'brpop a 0', b'*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'bzpopmin a b 0', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'bzpopmin a b 0', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'del a b c', b'*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n'),
    ('GETKEYSANDFLAGS', 'del a b c', b'*3\r\n*2\r\n$1\r\na\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nc\r\n*2\r\n+RM\r\n+delete\r\n'),
    ('GETKEYS', 'exists a', b'*1\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'exists a', b'*1\r\n*2\r\n$1\r\na\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'touch a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'touch a b', b'*2\r\n*2\r\n$1\r\na\r\n*1\r\n+RO\r\n*2\r\n$1\r\nb\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'unlink a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'unlink a b', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RM\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+RM\r\n+delete\r\n'),
    ('GETKEYS', 'watch a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'watch a b', b'*2\r\n*2\r\n$1\r\na\r\n*1\r\n+RO\r\n*2\r\n$1\r\nb\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'lcs k1 k2', b'*2\r\n$2\r\nk1\r\n$2\r\nk2\r\n'),
    ('GETKEYSANDFLAGS', 'lcs k1 k2', b'*2\r\n*2\r\n$2\r\nk1\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$2\r\nk2\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'bitop and d a b', b'*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'bitop and d a b', b'*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'bitop not d a', b'*2\r\n$1\r\nd\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'bitop not d a', b'*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'pfcount a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'pfcount a b', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RW\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RW\r\n+access\r\n'),
    ('GETKEYS', 'pfmerge d a b', b'*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'pfmerge d a b', b'*3\r\n*2\r\n$1\r\nd\r\n*3\r\n+RW\r\n+access\r\n+insert\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'pfmerge d', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'pfmerge d', b'-ERR Invalid arguments specified for command\r\n'),
    ('GETKEYS', 'copy a b db 1', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'copy a b db 1', b'*2\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'rename a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'rename a b', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'renamenx a b', b'*2\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'renamenx a b', b'*2\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n*2\r\n$1\r\nb\r\n*2\r\n+OW\r\n+insert\r\n'),
    ('GETKEYS', 'geosearchstore d s frommember m byradius 1 km', b'*2\r\n$1\r\nd\r\n$1\r\ns\r\n'),
    ('GETKEYSANDFLAGS', 'geosearchstore d s frommember m byradius 1 km', b'*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'geosearch s frommember m byradius 1 km', b'*1\r\n$1\r\ns\r\n'),
    ('GETKEYSANDFLAGS', 'geosearch s frommember m byradius 1 km', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'zrangestore d s 0 1', b'*2\r\n$1\r\nd\r\n$1\r\ns\r\n'),
    ('GETKEYSANDFLAGS', 'zrangestore d s 0 1', b'*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sunionstore d a b', b'*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'sunionstore d a b', b'*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sinterstore d a', b'*2\r\n$1\r\nd\r\n$1\r\na\r\n'),
    ('GETKEYSANDFLAGS', 'sinterstore d a', b'*2\r\n*2\r\n$1\r\nd\r\n*2\r\n+RW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sdiffstore d a b', b'*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n'),
    ('GETKEYSANDFLAGS', 'sdiffstore d a b', b'*3\r\n*2\r\n$1\r\nd\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\na\r\n*2\r\n+RO\r\n+access\r\n*2\r\n$1\r\nb\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'getex k persist', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'getex k persist', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'getdel k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'getdel k', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n'),
    ('GETKEYS', 'hset h f v', b'*1\r\n$1\r\nh\r\n'),
    ('GETKEYSANDFLAGS', 'hset h f v', b'*1\r\n*2\r\n$1\r\nh\r\n*2\r\n+RW\r\n+update\r\n'),
    ('GETKEYS', 'hgetall h', b'*1\r\n$1\r\nh\r\n'),
    ('GETKEYSANDFLAGS', 'hgetall h', b'*1\r\n*2\r\n$1\r\nh\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'xadd s * f v', b'*1\r\n$1\r\ns\r\n'),
    ('GETKEYSANDFLAGS', 'xadd s * f v', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RW\r\n+update\r\n'),
    ('GETKEYS', 'xrange s - +', b'*1\r\n$1\r\ns\r\n'),
    ('GETKEYSANDFLAGS', 'xrange s - +', b'*1\r\n*2\r\n$1\r\ns\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'incr k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'incr k', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'append k v', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'append k v', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'expire k 10', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'expire k 10', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RW\r\n+update\r\n'),
    ('GETKEYS', 'type k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'type k', b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'dump k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'dump k', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'restore k 0 x', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'restore k 0 x', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n'),
    ('GETKEYS', 'pfadd h a', b'*1\r\n$1\r\nh\r\n'),
    ('GETKEYSANDFLAGS', 'pfadd h a', b'*1\r\n*2\r\n$1\r\nh\r\n*2\r\n+RW\r\n+insert\r\n'),
    ('GETKEYS', 'publish ch m', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'publish ch m', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'spublish ch m', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'spublish ch m', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'ssubscribe a b', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'ssubscribe a b', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'sunsubscribe a', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'sunsubscribe a', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'ping', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'ping', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'ping x', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'ping x', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'nosuch a b', b'-ERR Invalid command specified\r\n'),
    ('GETKEYSANDFLAGS', 'nosuch a b', b'-ERR Invalid command specified\r\n'),
    ('GETKEYS', 'config get maxmemory', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'config get maxmemory', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'config', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'config', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'command info', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'command info', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'client list', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'client list', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'keys *', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'keys *', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'scan 0', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'scan 0', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'dbsize', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'dbsize', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'flushdb', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'flushdb', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'select 1', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'select 1', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'swapdb 0 1', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'swapdb 0 1', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'move k 1', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'move k 1', b'*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'randomkey', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'randomkey', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'sunsubscribe', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'sunsubscribe', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'GET KEY', b'*1\r\n$3\r\nKEY\r\n'),
    ('GETKEYSANDFLAGS', 'GET KEY', b'*1\r\n*2\r\n$3\r\nKEY\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'ZUNIONSTORE D 1 A', b'*2\r\n$1\r\nD\r\n$1\r\nA\r\n'),
    ('GETKEYSANDFLAGS', 'ZUNIONSTORE D 1 A', b'*2\r\n*2\r\n$1\r\nD\r\n*2\r\n+OW\r\n+update\r\n*2\r\n$1\r\nA\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'Eval x 1 K', b'*1\r\n$1\r\nK\r\n'),
    ('GETKEYSANDFLAGS', 'Eval x 1 K', b'*1\r\n*2\r\n$1\r\nK\r\n*3\r\n+RW\r\n+access\r\n+update\r\n'),
    ('GETKEYS', 'OBJECT ENCODING k', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'OBJECT ENCODING k', b'*1\r\n*2\r\n$1\r\nk\r\n*1\r\n+RO\r\n'),
    ('GETKEYS', 'memory', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'memory', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'memory usage', b'-ERR Invalid number of arguments specified for command\r\n'),
    ('GETKEYSANDFLAGS', 'memory usage', b'-ERR Invalid number of arguments specified for command\r\n'),
    ('GETKEYS', 'xgroup', b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"),
    ('GETKEYSANDFLAGS', 'xgroup', b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"),
    ('GETKEYS', 'pubsub numsub a', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYSANDFLAGS', 'pubsub numsub a', b'-ERR The command has no key arguments\r\n'),
    ('GETKEYS', 'lpos k a rank 1', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'lpos k a rank 1', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
    ('GETKEYS', 'sort_ro k store x', b'*1\r\n$1\r\nk\r\n'),
    ('GETKEYSANDFLAGS', 'sort_ro k store x', b'*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n'),
]


@pytest.mark.parametrize("sub,line,expected", CASES,
                         ids=["%s %s" % (c[0], c[1]) for c in CASES])
def test_getkeys(raw, sub, line, expected):
    got = raw.cmd_raw("COMMAND", sub, *shlex.split(line))
    assert got == expected


def test_getkeys_arity(raw):
    assert raw.cmd_raw("COMMAND", "GETKEYS", "get") == \
        b"-ERR wrong number of arguments for 'command|getkeys' command\r\n"
    assert raw.cmd_raw("COMMAND", "GETKEYSANDFLAGS") == \
        b"-ERR wrong number of arguments for 'command|getkeysandflags' command\r\n"


def test_getkeys_more_than_256_keys(raw):
    keys = ["key%d" % i for i in range(1, 301)]
    got = raw.cmd("COMMAND", "GETKEYS", "ZUNIONSTORE", "target", str(len(keys)), *keys)
    assert got == [b"target"] + [k.encode() for k in keys]
    got = raw.cmd("COMMAND", "GETKEYS", "EVAL", "return 1", str(len(keys)), *keys, "arg")
    assert got == [k.encode() for k in keys]
    got = raw.cmd("COMMAND", "GETKEYSANDFLAGS", "MGET", *keys)
    assert len(got) == 300 and got[299] == [b"key300", [b"RO", b"access"]]


def info(raw, name):
    rep = raw.cmd("COMMAND", "INFO", name)
    assert len(rep) == 1 and rep[0] is not None, name
    return rep[0]


def spec_dicts(specs):
    out = []
    for s in specs:
        d = dict(zip(s[0::2], s[1::2]))
        for k in (b"begin_search", b"find_keys"):
            d[k] = dict(zip(d[k][0::2], d[k][1::2]))
            d[k][b"spec"] = dict(zip(d[k][b"spec"][0::2], d[k][b"spec"][1::2]))
        out.append(d)
    return out


def test_command_info_key_specs(raw):
    z = info(raw, "zunionstore")
    assert z[3:6] == [1, 1, 1] and b"movablekeys" in z[2]
    specs = spec_dicts(z[8])
    assert specs == [
        {b"flags": [b"OW", b"update"],
         b"begin_search": {b"type": b"index", b"spec": {b"index": 1}},
         b"find_keys": {b"type": b"range",
                        b"spec": {b"lastkey": 0, b"keystep": 1, b"limit": 0}}},
        {b"flags": [b"RO", b"access"],
         b"begin_search": {b"type": b"index", b"spec": {b"index": 2}},
         b"find_keys": {b"type": b"keynum",
                        b"spec": {b"keynumidx": 0, b"firstkey": 1, b"keystep": 1}}}]
    assert all(isinstance(f, Simple) for f in z[8][0][1])
    e = info(raw, "eval")
    assert e[3:6] == [0, 0, 0]
    assert b"movablekeys" in e[2] and b"no_mandatory_keys" in e[2]
    (spec,) = spec_dicts(e[8])
    assert spec[b"notes"] == (b"We cannot tell how the keys will be used so we "
                              b"assume the worst, RW and UPDATE")
    assert spec[b"flags"] == [b"RW", b"access", b"update"]
    s = info(raw, "set")
    assert b"movablekeys" not in s[2]
    assert spec_dicts(s[8])[0][b"flags"] == [b"RW", b"access", b"update", b"variable_flags"]
    assert info(raw, "mset")[3:6] == [1, -1, 2]
    assert info(raw, "blpop")[3:6] == [1, -2, 1]
    assert info(raw, "lcs")[3:6] == [1, 2, 1]
    assert spec_dicts(info(raw, "spublish")[8])[0][b"flags"] == [b"not_key"]
    assert info(raw, "ping")[8] == []


@pytest.mark.parametrize("name", ["zunionstore", "zinterstore", "zdiffstore", "zunion",
                                  "zinter", "zdiff", "zintercard", "sintercard", "lmpop",
                                  "blmpop", "zmpop", "bzmpop", "eval", "evalsha", "eval_ro",
                                  "evalsha_ro"])
def test_movablekeys(raw, name):
    assert b"movablekeys" in info(raw, name)[2]


@pytest.mark.parametrize("name", ["set", "get", "mset", "lmove", "lpop", "blpop", "ping",
                                  "rename", "del", "zadd", "object|encoding"])
def test_not_movablekeys(raw, name):
    assert b"movablekeys" not in info(raw, name)[2]
