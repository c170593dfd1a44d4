"""List commands: every command and option of Redis 7.0 with exact replies and
errors (the order in which arguments, key and type are checked), RESP3 shapes,
multi-node lists (small list-max-listpack-size) against a Python model, big
and integer-looking elements, dirty counts, keyspace stats, and the generic
commands on lists. Blocking behaviour is in test_list_blocking.py."""

import random

import pytest

from conftest import (OK, NIL, NIL_ARRAY, EMPTY_ARRAY, SYNTAX, NOT_INT, bulk,
                      integer, err, array, wrong_args, run, WRONGTYPE)




@pytest.fixture
def small_nodes(r):
    """list-max-listpack-size 4 (multi-node lists from 5 elements), restored
    afterwards: the session server is shared."""
    old = r.config_get("list-max-listpack-size")["list-max-listpack-size"]
    r.config_set("list-max-listpack-size", 4)
    yield
    r.config_set("list-max-listpack-size", old)


# ------------------------------------------------------------ exact replies

def test_push_llen(raw):
    """LPUSH/RPUSH (several elements), the X forms, LLEN, WRONGTYPE, arity."""
    run(raw, [
        ('lpush l a', integer(1)),
        ('lpush l b c', integer(3)),
        ('rpush l d e', integer(5)),
        ('lrange l 0 -1', array(bulk('c'), bulk('b'), bulk('a'), bulk('d'), bulk('e'))),
        ('llen l', integer(5)),
        ('lpushx l x y', integer(7)),
        ('rpushx l z', integer(8)),
        ('lrange l 0 -1', array(bulk('y'), bulk('x'), bulk('c'), bulk('b'), bulk('a'), bulk('d'), bulk('e'), bulk('z'))),
        ('lpushx nokey a', integer(0)),
        ('rpushx nokey a', integer(0)),
        ('exists nokey', integer(0)),
        ('llen nokey', integer(0)),
        ('set s x', OK),
        ('lpush s a', WRONGTYPE),
        ('rpush s a', WRONGTYPE),
        ('lpushx s a', WRONGTYPE),
        ('rpushx s a', WRONGTYPE),
        ('llen s', WRONGTYPE),
        ('lpush l', err("ERR wrong number of arguments for 'lpush' command")),
        ('rpushx l', err("ERR wrong number of arguments for 'rpushx' command")),
        ('llen', err("ERR wrong number of arguments for 'llen' command")),
        ('llen l extra', err("ERR wrong number of arguments for 'llen' command")),
        ('type l', b"+list\r\n"),
        ('object encoding l', bulk('quicklist')),
    ])


def test_pop(raw):
    """LPOP/RPOP with and without count: count 0, bad counts, missing keys, deletion of the emptied key, WRONGTYPE after the count check."""
    run(raw, [
        ('rpush l a b c d e f', integer(6)),
        ('lpop l', bulk('a')),
        ('rpop l', bulk('f')),
        ('lpop l 2', array(bulk('b'), bulk('c'))),
        ('rpop l 2', array(bulk('e'), bulk('d'))),
        ('lpop l 0', NIL_ARRAY),
        ('rpop l 0', NIL_ARRAY),
        ('lpop l -1', err('ERR value is out of range, must be positive')),
        ('rpop l x', err('ERR value is out of range, must be positive')),
        ('lpop l 1.5', err('ERR value is out of range, must be positive')),
        ('lpop l 01', err('ERR value is out of range, must be positive')),
        ('lpop l 1 2', err("ERR wrong number of arguments for 'lpop' command")),
        ('llen l', integer(0)),
        ('lpop l 5', NIL_ARRAY),
        ('exists l', integer(0)),
        ('lpop l', NIL),
        ('lpop l 1', NIL_ARRAY),
        ('lpop l 0', NIL_ARRAY),
        ('lpop l -1', err('ERR value is out of range, must be positive')),
        ('rpop l 1', NIL_ARRAY),
        ('set s x', OK),
        ('lpop s', WRONGTYPE),
        ('lpop s 0', WRONGTYPE),
        ('lpop s 1', WRONGTYPE),
        ('lpop s -1', err('ERR value is out of range, must be positive')),
        ('rpop s', WRONGTYPE),
        ('rpush l x', integer(1)),
        ('lpop l 0', EMPTY_ARRAY),
        ('rpop l 0', EMPTY_ARRAY),
        ('rpop l 9223372036854775807', array(bulk('x'))),
        ('exists l', integer(0)),
    ])


def test_lrange(raw):
    """LRANGE index clipping; the indexes are parsed before the key is looked up."""
    run(raw, [
        ('rpush l 0 1 2 3 4 5 6 7 8 9', integer(10)),
        ('lrange l 0 -1', array(bulk('0'), bulk('1'), bulk('2'), bulk('3'), bulk('4'), bulk('5'), bulk('6'), bulk('7'), bulk('8'), bulk('9'))),
        ('lrange l 0 0', array(bulk('0'))),
        ('lrange l -1 -1', array(bulk('9'))),
        ('lrange l 2 4', array(bulk('2'), bulk('3'), bulk('4'))),
        ('lrange l -3 -2', array(bulk('7'), bulk('8'))),
        ('lrange l 5 100', array(bulk('5'), bulk('6'), bulk('7'), bulk('8'), bulk('9'))),
        ('lrange l -100 2', array(bulk('0'), bulk('1'), bulk('2'))),
        ('lrange l -100 -50', EMPTY_ARRAY),
        ('lrange l 50 100', EMPTY_ARRAY),
        ('lrange l 4 2', EMPTY_ARRAY),
        ('lrange l 9 9', array(bulk('9'))),
        ('lrange l 10 10', EMPTY_ARRAY),
        ('lrange l -10 -10', array(bulk('0'))),
        ('lrange l 9223372036854775807 9223372036854775807', EMPTY_ARRAY),
        ('lrange l -9223372036854775808 9223372036854775807', array(bulk('0'), bulk('1'), bulk('2'), bulk('3'), bulk('4'), bulk('5'), bulk('6'), bulk('7'), bulk('8'), bulk('9'))),
        ('lrange l 0 9223372036854775808', NOT_INT),
        ('lrange l x 1', NOT_INT),
        ('lrange l 1 x', NOT_INT),
        ('lrange l " 1" 2', err("ERR wrong number of arguments for 'lrange' command")),
        ('lrange nokey 0 -1', EMPTY_ARRAY),
        ('lrange nokey x 1', NOT_INT),
        ('set s x', OK),
        ('lrange s 0 -1', WRONGTYPE),
        ('lrange s x 1', NOT_INT),
    ])


def test_lindex_lset(raw):
    """LINDEX and LSET: the key is checked before the index."""
    run(raw, [
        ('rpush l a b c 42', integer(4)),
        ('lindex l 0', bulk('a')),
        ('lindex l 3', bulk('42')),
        ('lindex l -1', bulk('42')),
        ('lindex l -4', bulk('a')),
        ('lindex l 4', NIL),
        ('lindex l -5', NIL),
        ('lindex l 9223372036854775807', NIL),
        ('lindex l -9223372036854775808', NIL),
        ('lindex l x', NOT_INT),
        ('lindex nokey 0', NIL),
        ('lindex nokey x', NIL),
        ('set s x', OK),
        ('lindex s 0', WRONGTYPE),
        ('lindex s x', WRONGTYPE),
        ('lset l 0 A', OK),
        ('lset l -1 D', OK),
        ('lset l 1 12345', OK),
        ('lrange l 0 -1', array(bulk('A'), bulk('12345'), bulk('c'), bulk('D'))),
        ('lset l 4 x', err('ERR index out of range')),
        ('lset l -5 x', err('ERR index out of range')),
        ('lset l x v', NOT_INT),
        ('lset nokey 0 v', err('ERR no such key')),
        ('lset nokey x v', err('ERR no such key')),
        ('lset s 0 v', WRONGTYPE),
        ('lset s x v', WRONGTYPE),
        ('lset l 9223372036854775807 v', err('ERR index out of range')),
    ])


def test_linsert(raw):
    """LINSERT: syntax before key, 0 for a missing key, -1 for a missing pivot, pivots compare as strings."""
    run(raw, [
        ('rpush l a b c', integer(3)),
        ('linsert l before b X', integer(4)),
        ('linsert l after c Y', integer(5)),
        ('linsert l BEFORE a FIRST', integer(6)),
        ('linsert l AfTeR Y LAST', integer(7)),
        ('lrange l 0 -1', array(bulk('FIRST'), bulk('a'), bulk('X'), bulk('b'), bulk('c'), bulk('Y'), bulk('LAST'))),
        ('linsert l before zz v', integer(-1)),
        ('linsert l middle a v', SYNTAX),
        ('linsert l before', err("ERR wrong number of arguments for 'linsert' command")),
        ('linsert nokey before a b', integer(0)),
        ('linsert nokey middle a b', SYNTAX),
        ('exists nokey', integer(0)),
        ('set s x', OK),
        ('linsert s middle a b', SYNTAX),
        ('linsert s before a b', WRONGTYPE),
        ('del l', integer(1)),
        ('rpush l 1 01 1 x', integer(4)),
        ('linsert l after 1 two', integer(5)),
        ('lrange l 0 -1', array(bulk('1'), bulk('two'), bulk('01'), bulk('1'), bulk('x'))),
        ('linsert l before 01 zero-one', integer(6)),
        ('lrange l 0 -1', array(bulk('1'), bulk('two'), bulk('zero-one'), bulk('01'), bulk('1'), bulk('x'))),
    ])


def test_lrem(raw):
    """LREM from the head, the tail, all; integer-looking elements compare as strings."""
    run(raw, [
        ('rpush l a b a c a b a', integer(7)),
        ('lrem l 1 a', integer(1)),
        ('lrange l 0 -1', array(bulk('b'), bulk('a'), bulk('c'), bulk('a'), bulk('b'), bulk('a'))),
        ('lrem l -1 a', integer(1)),
        ('lrange l 0 -1', array(bulk('b'), bulk('a'), bulk('c'), bulk('a'), bulk('b'))),
        ('lrem l 0 a', integer(2)),
        ('lrange l 0 -1', array(bulk('b'), bulk('c'), bulk('b'))),
        ('lrem l 0 zz', integer(0)),
        ('lrem l 5 b', integer(2)),
        ('lrem l 0 c', integer(1)),
        ('exists l', integer(0)),
        ('lrem l 0 a', integer(0)),
        ('rpush l 1 01 1 -1 1', integer(5)),
        ('lrem l 0 1', integer(3)),
        ('lrange l 0 -1', array(bulk('01'), bulk('-1'))),
        ('lrem l x a', NOT_INT),
        ('lrem l 1.0 a', NOT_INT),
        ('lrem nokey 0 a', integer(0)),
        ('lrem nokey x a', NOT_INT),
        ('set s x', OK),
        ('lrem s 0 a', WRONGTYPE),
        ('lrem s x a', NOT_INT),
        ('rpush m x x x', integer(3)),
        ('lrem m -9223372036854775808 x', integer(3)),
        ('exists m', integer(0)),
    ])


def test_ltrim(raw):
    """LTRIM ranges; an empty result deletes the key."""
    run(raw, [
        ('rpush l 0 1 2 3 4 5 6 7 8 9', integer(10)),
        ('ltrim l 1 -2', OK),
        ('lrange l 0 -1', array(bulk('1'), bulk('2'), bulk('3'), bulk('4'), bulk('5'), bulk('6'), bulk('7'), bulk('8'))),
        ('ltrim l -3 -1', OK),
        ('lrange l 0 -1', array(bulk('6'), bulk('7'), bulk('8'))),
        ('ltrim l 0 100', OK),
        ('lrange l 0 -1', array(bulk('6'), bulk('7'), bulk('8'))),
        ('ltrim l -100 0', OK),
        ('lrange l 0 -1', array(bulk('6'))),
        ('ltrim l 1 0', OK),
        ('exists l', integer(0)),
        ('rpush l 0 1 2', integer(3)),
        ('ltrim l 5 10', OK),
        ('exists l', integer(0)),
        ('rpush l 0 1 2', integer(3)),
        ('ltrim l 0 -4', OK),
        ('exists l', integer(0)),
        ('rpush l 0 1 2', integer(3)),
        ('ltrim l x 1', NOT_INT),
        ('ltrim l 0 y', NOT_INT),
        ('ltrim nokey 0 1', OK),
        ('ltrim nokey x 1', NOT_INT),
        ('set s x', OK),
        ('ltrim s 0 1', WRONGTYPE),
        ('ltrim s x 1', NOT_INT),
    ])


def test_lpos(raw):
    """LPOS with RANK, COUNT, MAXLEN; options are checked before the key. RANK -9223372036854775808 reports every match from the tail (7.0 quirk)."""
    run(raw, [
        ('rpush l a b c a b c 1 01 1', integer(9)),
        ('lpos l a', integer(0)),
        ('lpos l c', integer(2)),
        ('lpos l 1', integer(6)),
        ('lpos l 01', integer(7)),
        ('lpos l z', NIL),
        ('lpos l a rank 1', integer(0)),
        ('lpos l a rank 2', integer(3)),
        ('lpos l a rank 3', NIL),
        ('lpos l a rank -1', integer(3)),
        ('lpos l a rank -2', integer(0)),
        ('lpos l a rank -3', NIL),
        ('lpos l a rank 0', err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")),
        ('lpos l a rank x', NOT_INT),
        ('lpos l a rank 9223372036854775807', NIL),
        ('lpos l a rank -9223372036854775807', NIL),
        ('lpos l a rank -9223372036854775808', integer(3)),
        ('lpos l a rank -9223372036854775808 count 1', array(integer(3), integer(0))),
        ('lpos l a rank -9223372036854775808 count 0', array(integer(3), integer(0))),
        ('lpos l c rank -9223372036854775808 maxlen 4', integer(5)),
        ('lpos l a count 0', array(integer(0), integer(3))),
        ('lpos l a count 1', array(integer(0))),
        ('lpos l 1 count 0', array(integer(6), integer(8))),
        ('lpos l a count 5', array(integer(0), integer(3))),
        ('lpos l z count 5', EMPTY_ARRAY),
        ('lpos l a rank -1 count 0', array(integer(3), integer(0))),
        ('lpos l a rank 2 count 0', array(integer(3))),
        ('lpos l a count -1', err("ERR COUNT can't be negative")),
        ('lpos l a count x', err("ERR COUNT can't be negative")),
        ('lpos l a maxlen 3', integer(0)),
        ('lpos l a maxlen 4 count 0', array(integer(0), integer(3))),
        ('lpos l b rank -1 maxlen 5', integer(4)),
        ('lpos l b rank -1 maxlen 6', integer(4)),
        ('lpos l a maxlen -1', err("ERR MAXLEN can't be negative")),
        ('lpos l a maxlen x', err("ERR MAXLEN can't be negative")),
        ('lpos l a maxlen 0', integer(0)),
        ('lpos l a RANK 2 COUNT 0 MAXLEN 0', array(integer(3))),
        ('lpos l a rank 1 rank -1', integer(3)),
        ('lpos l a count 1 count 0', array(integer(0), integer(3))),
        ('lpos l a foo 1', SYNTAX),
        ('lpos l a rank', SYNTAX),
        ('lpos l a count', SYNTAX),
        ('lpos nokey a', NIL),
        ('lpos nokey a count 0', EMPTY_ARRAY),
        ('lpos nokey a rank 0', err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")),
        ('lpos nokey a count -1', err("ERR COUNT can't be negative")),
        ('set s x', OK),
        ('lpos s a', WRONGTYPE),
        ('lpos s a count 0', WRONGTYPE),
        ('lpos s a rank 0', err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")),
        ('lpos s a maxlen x', err("ERR MAXLEN can't be negative")),
        ('lpos s a foo', SYNTAX),
    ])


def test_lmove_rpoplpush(raw):
    """LMOVE in all directions, rotation on one key, WRONGTYPE of source or destination, syntax before key."""
    run(raw, [
        ('rpush src a b c', integer(3)),
        ('lmove src dst left right', bulk('a')),
        ('lmove src dst right left', bulk('c')),
        ('lrange src 0 -1', array(bulk('b'))),
        ('lrange dst 0 -1', array(bulk('c'), bulk('a'))),
        ('lmove src dst LEFT LEFT', bulk('b')),
        ('exists src', integer(0)),
        ('lrange dst 0 -1', array(bulk('b'), bulk('c'), bulk('a'))),
        ('lmove dst dst left right', bulk('b')),
        ('lrange dst 0 -1', array(bulk('c'), bulk('a'), bulk('b'))),
        ('lmove dst dst right left', bulk('b')),
        ('lrange dst 0 -1', array(bulk('b'), bulk('c'), bulk('a'))),
        ('lmove nokey dst left right', NIL),
        ('lmove src dst middle left', SYNTAX),
        ('lmove src dst left up', SYNTAX),
        ('rpoplpush dst other', bulk('a')),
        ('rpoplpush dst dst', bulk('c')),
        ('lrange dst 0 -1', array(bulk('c'), bulk('b'))),
        ('lrange other 0 -1', array(bulk('a'))),
        ('rpoplpush nokey dst', NIL),
        ('set s x', OK),
        ('lmove s dst left left', WRONGTYPE),
        ('lmove dst s left left', WRONGTYPE),
        ('lmove nokey s left left', NIL),
        ('rpoplpush s dst', WRONGTYPE),
        ('rpoplpush dst s', WRONGTYPE),
        ('rpoplpush nokey s', NIL),
        ('lmove nokey s middle left', SYNTAX),
        ('lmove s dst middle left', SYNTAX),
        ('rpoplpush a', err("ERR wrong number of arguments for 'rpoplpush' command")),
        ('lmove a b left', err("ERR wrong number of arguments for 'lmove' command")),
    ])


def test_lmpop(raw):
    """LMPOP: numkeys, LEFT|RIGHT, COUNT; errors in argument order."""
    run(raw, [
        ('rpush a 1 2 3', integer(3)),
        ('rpush b 4 5 6', integer(3)),
        ('lmpop 1 a left', array(bulk('a'), array(bulk('1')))),
        ('lmpop 1 a right', array(bulk('a'), array(bulk('3')))),
        ('lmpop 2 nokey b left count 2', array(bulk('b'), array(bulk('4'), bulk('5')))),
        ('lmpop 2 a b right count 10', array(bulk('a'), array(bulk('2')))),
        ('exists a', integer(0)),
        ('lmpop 2 a b LEFT COUNT 1', array(bulk('b'), array(bulk('6')))),
        ('exists b', integer(0)),
        ('lmpop 2 a b left', NIL_ARRAY),
        ('lmpop 1 a left count 5', NIL_ARRAY),
        ('rpush a 1', integer(1)),
        ('lmpop 0 a left', err('ERR numkeys should be greater than 0')),
        ('lmpop -1 a left', err('ERR numkeys should be greater than 0')),
        ('lmpop x a left', err('ERR numkeys should be greater than 0')),
        ('lmpop 9223372036854775808 a left', err('ERR numkeys should be greater than 0')),
        ('lmpop 2147483648 a left', SYNTAX),
        ('lmpop 2 a left', SYNTAX),
        ('lmpop 3 a left', SYNTAX),
        ('lmpop 1 a middle', SYNTAX),
        ('lmpop 1 a left count 0', err('ERR count should be greater than 0')),
        ('lmpop 1 a left count -1', err('ERR count should be greater than 0')),
        ('lmpop 1 a left count x', err('ERR count should be greater than 0')),
        ('lmpop 1 a left count 1 count 1', SYNTAX),
        ('lmpop 1 a left count', SYNTAX),
        ('lmpop 1 a left foo', SYNTAX),
        ('lmpop 1 a left count 0 foo', err('ERR count should be greater than 0')),
        ('lmpop 1 a left count 1 foo', SYNTAX),
        ('lmpop 1 a middle count 0', SYNTAX),
        ('lmpop 1 a', err("ERR wrong number of arguments for 'lmpop' command")),
        ('set s x', OK),
        ('lmpop 1 s left', WRONGTYPE),
        ('lmpop 2 a s left', array(bulk('a'), array(bulk('1')))),
        ('lmpop 2 s a left', WRONGTYPE),
        ('lmpop 2 nokey s left', WRONGTYPE),
    ])


def test_blocking_commands_without_blocking(raw):
    """The blocking commands when an element is there, and their argument errors: timeouts are checked after LEFT/RIGHT (BLMOVE) and after numkeys/where/COUNT (BLMPOP)."""
    run(raw, [
        ('rpush a 1 2 3 4 5', integer(5)),
        ('rpush b 4 5', integer(2)),
        ('blpop nokey a 0', array(bulk('a'), bulk('1'))),
        ('brpop nokey a 0', array(bulk('a'), bulk('5'))),
        ('blpop b a 0', array(bulk('b'), bulk('4'))),
        ('brpop a a 0', array(bulk('a'), bulk('4'))),
        ('blmove a dst left right 0', bulk('2')),
        ('brpoplpush b dst 0', bulk('5')),
        ('lrange dst 0 -1', array(bulk('5'), bulk('2'))),
        ('blmpop 0 2 nokey dst right count 5', array(bulk('dst'), array(bulk('2'), bulk('5')))),
        ('exists a b dst', integer(1)),
        ('rpush dst x y z', integer(3)),
        ('blmpop 0 1 dst left count 2', array(bulk('dst'), array(bulk('x'), bulk('y')))),
        ('set s x', OK),
        ('blpop s 0', WRONGTYPE),
        ('blpop nokey s 0', WRONGTYPE),
        ('blpop dst s 0', array(bulk('dst'), bulk('z'))),
        ('brpop s 0', WRONGTYPE),
        ('blmove s dst left left 0', WRONGTYPE),
        ('rpush dst q', integer(1)),
        ('blmove dst s left left 0', WRONGTYPE),
        ('brpoplpush s dst 0', WRONGTYPE),
        ('blmpop 0 1 s left', WRONGTYPE),
        ('blmpop 0 2 nokey s left', WRONGTYPE),
        ('blpop a x', err('ERR timeout is not a float or out of range')),
        ('blpop a -1', err('ERR timeout is negative')),
        ('blpop a -0.0011', err('ERR timeout is negative')),
        ('blpop a nan', err('ERR timeout is not a float or out of range')),
        ('blpop a inf', err('ERR timeout is negative')),
        ('blpop a -inf', err('ERR timeout is negative')),
        ('blpop a 1e20', err('ERR timeout is negative')),
        ('blpop a 9223372036854775.808', err('ERR timeout is negative')),
        ('blpop a ', err('ERR timeout is not a float or out of range')),
        ('blpop s x', err('ERR timeout is not a float or out of range')),
        ('brpop a abc', err('ERR timeout is not a float or out of range')),
        ('blmove a b left right x', err('ERR timeout is not a float or out of range')),
        ('blmove a b left mid x', SYNTAX),
        ('blmove a b left right -1', err('ERR timeout is negative')),
        ('brpoplpush a b x', err('ERR timeout is not a float or out of range')),
        ('brpoplpush s b x', err('ERR timeout is not a float or out of range')),
        ('blmove s b left right x', err('ERR timeout is not a float or out of range')),
        ('blmpop x 0 l left', err('ERR numkeys should be greater than 0')),
        ('blmpop x 1 l mid', SYNTAX),
        ('blmpop x 1 l left count 0', err('ERR count should be greater than 0')),
        ('blmpop x 1 l left', err('ERR timeout is not a float or out of range')),
        ('blmpop -1 1 l left', err('ERR timeout is negative')),
        ('blmpop 0.01 0 l left', err('ERR numkeys should be greater than 0')),
        ('blmpop 0.01 1 l left count 1 foo', SYNTAX),
        ('blmpop x 1 s left', err('ERR timeout is not a float or out of range')),
        ('blmpop 0 1 l', err("ERR wrong number of arguments for 'blmpop' command")),
        ('blpop a', err("ERR wrong number of arguments for 'blpop' command")),
        ('brpoplpush a b', err("ERR wrong number of arguments for 'brpoplpush' command")),
        ('blmove a b left right', err("ERR wrong number of arguments for 'blmove' command")),
    ])


# ------------------------------------------------------------------- RESP3

def test_resp3_shapes(raw):
    raw.cmd("HELLO", "3")
    run(raw, [
        ("LPOP nokey", b"_\r\n"),
        ("LPOP nokey 1", b"_\r\n"),
        ("LPOP nokey 0", b"_\r\n"),
        ("RPOP nokey 2", b"_\r\n"),
        ("LMPOP 1 nokey left", b"_\r\n"),
        ("LINDEX nokey 0", b"_\r\n"),
        ("LPOS nokey a", b"_\r\n"),
        ("LPOS nokey a COUNT 0", EMPTY_ARRAY),
        ("LRANGE nokey 0 -1", EMPTY_ARRAY),
        ("LMOVE nokey b left left", b"_\r\n"),
        ("RPOPLPUSH nokey b", b"_\r\n"),
        ("BLPOP nokey 0.01", b"_\r\n"),
        ("BLMOVE nokey b left left 0.01", b"_\r\n"),
        ("BLMPOP 0.01 1 nokey left", b"_\r\n"),
        ("RPUSH l a b 3", integer(3)),
        ("LPOP l 0", EMPTY_ARRAY),
        ("LPOP l 1", array(bulk("a"))),
        ("LPOS l b", integer(0)),
        ("LPOS l z", b"_\r\n"),
        ("LMPOP 1 l right count 1", array(bulk("l"), array(bulk("3")))),
        ("BLPOP l 0", array(bulk("l"), bulk("b"))),
    ])


# ------------------------------------------------- multi-node lists, model

def check_model(r, key, model):
    assert r.llen(key) == len(model)
    assert r.lrange(key, 0, -1) == model
    for i in (0, -1, len(model) // 2, len(model) - 1):
        if model:
            assert r.lindex(key, i) == model[i]


def value(rng):
    kind = rng.randrange(10)
    if kind == 0:
        return b"big" + bytes(rng.choice(b"abcdef") for _ in range(rng.randrange(50, 300)))
    if kind < 3:
        return str(rng.randrange(-50, 50)).encode()
    return b"w%d" % rng.randrange(30)


@pytest.mark.parametrize("fill", [4, 1, -1])
def test_random_ops_against_model(r, fill):
    """Pushes, pops, LSET, LINSERT, LREM, LTRIM, LMOVE on lists spread over
    many nodes behave like a Python list (same run on both servers)."""
    old = r.config_get("list-max-listpack-size")["list-max-listpack-size"]
    r.config_set("list-max-listpack-size", fill)
    try:
        rng = random.Random(fill + 1000)
        model = []
        for step in range(400):
            op = rng.randrange(10)
            v = value(rng)
            if op < 3:
                vals = [value(rng) for _ in range(rng.randrange(1, 8))]
                if rng.randrange(2):
                    assert r.rpush("l", *vals) == len(model) + len(vals)
                    model.extend(vals)
                else:
                    assert r.lpush("l", *vals) == len(model) + len(vals)
                    model[:0] = reversed(vals)
            elif op == 3 and model:
                n = rng.randrange(1, 4)
                if rng.randrange(2):
                    assert r.lpop("l", n) == model[:n]
                    del model[:n]
                else:
                    assert r.rpop("l", n) == model[::-1][:n]
                    del model[len(model) - min(n, len(model)):]
            elif op == 4 and model:
                i = rng.randrange(-len(model), len(model))
                assert r.lset("l", i, v)
                model[i] = v
            elif op == 5 and model:
                pivot = rng.choice(model)
                where = rng.choice(["BEFORE", "AFTER"])
                assert r.linsert("l", where, pivot, v) == len(model) + 1
                at = model.index(pivot) + (where == "AFTER")
                model.insert(at, v)
            elif op == 6 and model:
                target = rng.choice(model)
                count = rng.randrange(-2, 3)
                idx = [i for i, x in enumerate(model) if x == target]
                if count > 0:
                    idx = idx[:count]
                elif count < 0:
                    idx = idx[count:]
                assert r.lrem("l", count, target) == len(idx)
                for i in reversed(idx):
                    del model[i]
            elif op == 7 and len(model) > 20:
                a = rng.randrange(0, 5)
                b = rng.randrange(-5, 0)
                assert r.ltrim("l", a, b)
                model = model[a:len(model) + b + 1]
            elif op == 8 and model:
                assert r.lmove("l", "l", "LEFT", "RIGHT") == model[0]
                model.append(model.pop(0))
            elif op == 9 and model:
                a = rng.randrange(-len(model) - 2, len(model) + 2)
                b = rng.randrange(-len(model) - 2, len(model) + 2)
                sa = max(a + len(model) if a < 0 else a, 0)
                sb = b + len(model) if b < 0 else b
                assert r.lrange("l", a, b) == (model[sa:sb + 1] if sb >= 0 else [])
            if not model:
                assert r.exists("l") == 0
            if step % 25 == 0:
                check_model(r, "l", model)
        check_model(r, "l", model)
        for rank in (1, 2, -1, -2):
            target = model[len(model) // 3] if model else b"x"
            idx = [i for i, x in enumerate(model) if x == target]
            if rank < 0:
                idx = idx[::-1]
            want = idx[abs(rank) - 1] if len(idx) >= abs(rank) else None
            assert r.lpos("l", target, rank=rank) == want
            assert r.lpos("l", target, rank=rank, count=0) == idx[abs(rank) - 1:]
    finally:
        r.config_set("list-max-listpack-size", old)


def test_long_list_ends_and_middle(r, small_nodes):
    """A 1000-element list over many nodes: both ends, the middle, LRANGE
    windows crossing node borders, LTRIM to one node."""
    r.rpush("l", *range(1000))
    assert r.lindex("l", 0) == b"0" and r.lindex("l", -1) == b"999"
    assert r.lindex("l", 500) == b"500" and r.lindex("l", -500) == b"500"
    assert r.lrange("l", 3, 9) == [str(i).encode() for i in range(3, 10)]
    assert r.lrange("l", -7, -2) == [str(i).encode() for i in range(993, 999)]
    assert r.lpos("l", 777) == 777 and r.lpos("l", 777, rank=-1) == 777
    assert r.lpos("l", 5, maxlen=5) is None and r.lpos("l", 995, rank=-1, maxlen=5) == 995
    assert r.linsert("l", "AFTER", 501, "x") == 1001
    assert r.lindex("l", 502) == b"x"
    assert r.lset("l", 250, "y") and r.lindex("l", 250) == b"y"
    assert r.lrem("l", 0, "x") == 1
    assert r.ltrim("l", 100, 102)
    assert r.lrange("l", 0, -1) == [b"100", b"101", b"102"]
    assert r.object("encoding", "l") == b"quicklist"


def test_big_elements(r):
    """Elements bigger than a node (8kb by default) get nodes of their own."""
    big = b"x" * 100000
    big2 = b"y" * 20000
    assert r.rpush("l", "a", big, "b", big2, "c") == 5
    assert r.lrange("l", 0, -1) == [b"a", big, b"b", big2, b"c"]
    assert r.lindex("l", 1) == big
    assert r.linsert("l", "BEFORE", "b", big2) == 6
    assert r.lset("l", 0, big) and r.lset("l", -1, b"small")
    assert r.lrange("l", 0, -1) == [big, big, big2, b"b", big2, b"small"]
    assert r.lpos("l", big2, count=0) == [2, 4]
    assert r.lrem("l", 0, big) == 2
    assert r.lmove("l", "m", "RIGHT", "LEFT") == b"small"
    assert r.rpoplpush("l", "m") == big2
    assert r.lrange("m", 0, -1) == [big2, b"small"]
    assert r.lpop("l", 5) == [big2, b"b"]
    assert r.exists("l") == 0


def test_integer_like_elements(r):
    """Elements are byte strings: 1, 01, -0, +1, ' 1' and 2^63 all differ."""
    vals = [b"1", b"01", b"-0", b"+1", b" 1", b"9223372036854775807",
            b"9223372036854775808", b"-9223372036854775808", b"1.0", b"", b"0"]
    assert r.rpush("l", *vals) == len(vals)
    assert r.lrange("l", 0, -1) == vals
    for i, v in enumerate(vals):
        assert r.lpos("l", v) == i
        assert r.lindex("l", i) == v
    assert r.lrem("l", 0, "1") == 1
    assert r.linsert("l", "AFTER", "0", "00") == len(vals)
    assert r.lrange("l", -2, -1) == [b"0", b"00"]
    assert r.lpos("l", "-9223372036854775808") == 6


def test_binary_and_empty_elements(r):
    vals = [b"", b"\x00", b"a\r\nb", bytes(range(256))]
    assert r.rpush("l", *vals) == 4
    assert r.lrange("l", 0, -1) == vals
    assert r.lpos("l", b"") == 0
    assert r.lrem("l", 0, b"\x00") == 1
    assert r.rpop("l", 3) == [vals[3], vals[2], vals[0]]
    assert r.exists("l") == 0


# ------------------------------------------------------- generic commands

def test_type_encoding_scan(r, small_nodes):
    r.rpush("l1", "a")
    r.rpush("l2", *range(100))
    r.set("s", "x")
    assert r.type("l1") == b"list" and r.type("l2") == b"list"
    # 7.0 reports quicklist for every list, small or not
    assert r.object("encoding", "l1") == b"quicklist"
    assert r.object("encoding", "l2") == b"quicklist"
    cursor, keys = 0, set()
    while True:
        cursor, batch = r.scan(cursor, _type="list")
        keys.update(batch)
        if cursor == 0:
            break
    assert keys == {b"l1", b"l2"}


def test_copy_rename_move(r, small_nodes):
    r.rpush("l", *range(50))
    assert r.copy("l", "c")
    r.lpush("l", "new")
    r.rpop("c")
    assert r.llen("l") == 51 and r.llen("c") == 49
    assert r.lrange("c", 0, 2) == [b"0", b"1", b"2"]
    assert r.lindex("l", 0) == b"new"
    r.rpush("small", "x")
    assert r.copy("small", "small2")
    r.rpush("small", "y")
    assert r.lrange("small2", 0, -1) == [b"x"]
    assert r.rename("c", "d")
    assert r.exists("c") == 0 and r.llen("d") == 49
    assert r.move("d", 1)
    r.execute_command("SELECT", 1)
    assert r.llen("d") == 49 and r.lindex("d", -1) == b"48"
    r.execute_command("SELECT", 0)
    assert r.copy("l", "l9", destination_db=9)
    r.execute_command("SELECT", 9)
    assert r.llen("l9") == 51
    r.execute_command("SELECT", 0)


def test_expire_and_del(r):
    r.rpush("l", "a", "b")
    assert r.pexpire("l", 50)
    import time
    time.sleep(0.12)
    assert r.lrange("l", 0, -1) == [] and r.exists("l") == 0
    assert r.lpush("l", "x") == 1 and r.ttl("l") == -1
    r.expire("l", 100)
    r.lpop("l")  # emptied: the key and its TTL go
    assert r.exists("l") == 0
    r.rpush("l", "a")
    assert r.ttl("l") == -1


def test_rotation_keeps_ttl(r):
    r.rpush("l", "only")
    r.expire("l", 100)
    assert r.lmove("l", "l", "LEFT", "RIGHT") == b"only"
    assert r.rpoplpush("l", "l") == b"only"
    assert 0 < r.ttl("l") <= 100


def test_big_list_delete(r):
    """A big list goes away at once (freed in the background by kilat)."""
    for i in range(0, 100000, 10000):
        r.rpush("big", *range(i, i + 10000))
    assert r.llen("big") == 100000
    assert r.delete("big") == 1
    for i in range(0, 100000, 10000):
        r.rpush("big", *range(i, i + 10000))
    assert r.unlink("big") == 1
    assert r.exists("big") == 0


# --------------------------------------------------------- dirty and stats

def test_dirty_counts(r):
    """rdb_changes_since_last_save moves as in Redis: one per element pushed,
    popped or removed, one per LSET/LINSERT/LMOVE."""
    def dirty():
        return r.info("persistence")["rdb_changes_since_last_save"]
    cases = [
        (["RPUSH", "l", "a", "b", "c", "a", "b", "c"], 6),
        (["LPUSH", "l", "x", "y"], 2), (["LPUSHX", "nokey", "x"], 0),
        (["RPUSHX", "l", "z", "w"], 2), (["LPOP", "l"], 1),
        (["RPOP", "l", "2"], 2), (["LPOP", "l", "0"], 0),
        (["LSET", "l", "0", "q"], 1), (["LINSERT", "l", "BEFORE", "q", "n"], 1),
        (["LINSERT", "l", "BEFORE", "nothere", "n"], 0), (["LREM", "l", "0", "a"], 2),
        (["LREM", "l", "0", "zz"], 0), (["LTRIM", "l", "1", "-2"], 2),
        (["LTRIM", "l", "0", "-1"], 0), (["LMOVE", "l", "m", "LEFT", "RIGHT"], 1),
        (["RPOPLPUSH", "l", "l"], 1), (["LMPOP", "1", "l", "LEFT", "COUNT", "2"], 2),
        (["RPUSH", "k", "1"], 1), (["LPOP", "k", "5"], 1),
        (["RPUSH", "k", "1", "2"], 2), (["LTRIM", "k", "5", "6"], 2),
        (["RPUSH", "k", "a"], 1), (["BLPOP", "k", "0"], 1),
        (["RPUSH", "k", "a", "b"], 2), (["BLMOVE", "k", "j", "LEFT", "LEFT", "0"], 1),
        (["BLMPOP", "0", "1", "k", "LEFT", "COUNT", "5"], 1),
        (["LPOP", "nokey"], 0), (["LMOVE", "nokey", "m", "LEFT", "LEFT"], 0),
    ]
    for cmd, want in cases:
        before = dirty()
        r.execute_command(*cmd)
        assert dirty() - before == want, cmd


def test_keyspace_hits(r):
    """Reads count keyspace hits and misses; writes (pops too) do not."""
    r.rpush("l", "a", "b")
    r.config_resetstat()

    def hm():
        s = r.info("stats")
        return s["keyspace_hits"], s["keyspace_misses"]
    for cmd in (["LRANGE", "l", "0", "-1"], ["LLEN", "l"], ["LINDEX", "l", "0"],
                ["LPOS", "l", "a"]):
        h, m = hm()
        r.execute_command(*cmd)
        r.execute_command(cmd[0], "nokey", *cmd[2:])
        assert hm() == (h + 1, m + 1), cmd
    h, m = hm()
    r.execute_command("LPOP", "nokey")
    r.execute_command("RPUSH", "l", "c")
    r.execute_command("LSET", "l", "0", "z")
    r.execute_command("LMOVE", "l", "l", "LEFT", "LEFT")
    assert hm() == (h, m)


def test_command_metadata(raw):
    lpush, blpop, lmpop, blmove = raw.cmd("COMMAND", "INFO", "lpush", "blpop", "lmpop",
                                          "blmove")
    assert lpush[1] == -3 and set(lpush[2]) == {b"write", b"denyoom", b"fast"}
    assert lpush[3:6] == [1, 1, 1]
    assert blpop[1] == -3 and b"blocking" in blpop[2] and blpop[3:6] == [1, -2, 1]
    assert lmpop[1] == -4 and b"movablekeys" in lmpop[2] and lmpop[3:6] == [0, 0, 0]
    assert blmove[1] == 6 and blmove[3:6] == [1, 2, 1]
    assert set(blmove[6]) == {b"@write", b"@list", b"@slow", b"@blocking"}
    docs = raw.cmd("COMMAND", "DOCS", "lpos")[1]
    docs = dict(zip(docs[::2], docs[1::2]))
    assert docs[b"summary"] == b"Return the index of matching elements on a list"
    assert docs[b"since"] == b"6.0.6" and docs[b"group"] == b"list"
