#!/usr/bin/env python3
"""Independent verifier for jejak receipts and exports, written from
docs/FORMAT.md alone, with the Python standard library only.

  python3 scripts/jejak_verify.py receipt FILE --key PUBKEY
  python3 scripts/jejak_verify.py export FILE --key PUBKEY
      [--witness-key WITNESS_PUBKEY]... [--quorum N]

PUBKEY is a verifier key file (DATA/keys/jejak.pub) or its text. With
--witness-key, the checkpoint must also carry cosignatures (C2SP
tlog-cosignature) by at least N of those witnesses (default: all). Signatures
are checked with the `openssl` command (Ed25519, `pkeyutl -verify -rawin`);
without it the verifier says clearly that they were NOT checked.
Exit status: 0 verified, 1 a check failed, 2 bad usage or unreadable input.
"""
import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile


class Failed(Exception):
    """A check failed; the message names the member."""


def sha256(b):
    return hashlib.sha256(b).digest()


# ---- Event encoding, versions 1 and 2 (sealed fields) ---------------------

TYPES = {1: "string", 2: "integer", 3: "decimal", 4: "boolean", 5: "date", 6: "bytes",
         7: "timestamp", 8: "sealed"}
DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")
EPOCH = datetime.datetime(1970, 1, 1)


class Reader:
    def __init__(self, b):
        self.b, self.p = b, 0

    def take(self, n):
        if self.p + n > len(self.b):
            raise Failed("bytes: truncated event encoding")
        out = self.b[self.p:self.p + n]
        self.p += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def i64(self):
        return struct.unpack(">q", self.take(8))[0]

    def blob(self):
        return self.take(self.u32())

    def str(self):
        try:
            return self.blob().decode("utf-8")  # strict: no overlongs, no surrogates
        except UnicodeDecodeError:
            raise Failed("bytes: malformed UTF-8")


def rfc3339(us):
    t = EPOCH + datetime.timedelta(microseconds=us)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % t.microsecond


def uuid_text(b):
    h = b.hex()
    return "-".join((h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]))


def decode_event(b, seq):
    """The JSON form (FORMAT.md "JSON form") of canonical bytes b."""
    r = Reader(b)
    version = r.u8()
    if version not in (1, 2):
        raise Failed("bytes: unknown encoding version")
    e = {"seq": seq, "id": uuid_text(r.take(16)), "request_id": r.str(), "workflow": r.str(),
         "workflow_version": r.u32(), "type": r.str()}
    e["actor"] = {"subject": r.str(), "role": r.str(), "agency": r.str()}
    try:
        e["time"] = rfc3339(r.i64())
    except (OverflowError, ValueError):
        raise Failed("bytes: time out of range")
    e["idempotency_key"], e["causation_id"], e["correlation_id"] = r.str(), r.str(), r.str()
    fields, last = {}, None
    for _ in range(r.u32()):
        name = r.str()
        if last is not None and name.encode() <= last:
            raise Failed("bytes: fields out of order or repeated")
        last = name.encode()
        tag = r.u8()
        if tag not in TYPES:
            raise Failed("bytes: unknown field type tag")
        if tag in (1, 3, 5):
            v = r.str()
            if tag == 3 and (not DECIMAL.fullmatch(v) or v == "-0"):
                raise Failed("bytes: non-canonical decimal")
            if tag == 5:
                try:
                    ok = len(v) == 10 and datetime.date.fromisoformat(v).isoformat() == v
                except ValueError:
                    ok = False
                if not ok:
                    raise Failed("bytes: impossible date")
        elif tag == 2:
            v = r.i64()
        elif tag == 4:
            v = r.u8()
            if v > 1:
                raise Failed("bytes: boolean other than 0 or 1")
            v = v == 1
        elif tag == 6:
            v = r.blob().hex()
        elif tag == 8:
            subject = r.str()
            sealed = r.blob()
            if not subject or len(sealed) < 29:
                raise Failed("bytes: malformed sealed value")
            v = {"ciphertext": sealed.hex(), "subject": subject}
        else:
            try:
                v = rfc3339(r.i64())
            except (OverflowError, ValueError):
                raise Failed("bytes: timestamp out of range")
        fields[name] = {"type": TYPES[tag], "value": v}
    e["fields"] = fields
    if (version == 2) != any(f["type"] == "sealed" for f in fields.values()):
        raise Failed("bytes: version 2 is exactly the events with a sealed field")
    if r.p != len(b):
        raise Failed("bytes: trailing bytes after the event")
    return e


# ---- Hash chain and Merkle tree ------------------------------------------

def chain_hash(seq, previous, b):
    return sha256(b"jejak-chain-v1" + struct.pack(">Q", seq) + previous + sha256(b))


def leaf_hash(b):
    return sha256(b"\x00" + b)


def node_hash(l, r):
    return sha256(b"\x01" + l + r)


def root_from_inclusion(i, n, leaf, proof):  # RFC 9162 2.1.3.2
    if i >= n:
        return None
    fn, sn, r = i, n - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_consistency(m, n, old, new, proof):  # RFC 9162 2.1.4.2
    if m > n:
        return False
    if m == n:
        return not proof and old == new
    if m == 0:
        return not proof
    if not proof:
        return False
    path = ([old] if m & (m - 1) == 0 else []) + list(proof)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old and sr == new


def frontier_root(subtrees):
    """Root of a tree given its complete subtrees, largest first."""
    if not subtrees:
        return sha256(b"")
    h = subtrees[-1][1]
    for _, left in reversed(subtrees[:-1]):
        h = node_hash(left, h)
    return h


def frontier_append(subtrees, leaf):
    subtrees.append((0, leaf))
    while len(subtrees) >= 2 and subtrees[-2][0] == subtrees[-1][0]:
        (lv, l), (_, r) = subtrees[-2], subtrees[-1]
        subtrees[-2:] = [(lv + 1, node_hash(l, r))]


# ---- Keys, signed notes, checkpoints -------------------------------------

class Key:
    """A verifier key: type 1 signs a log's checkpoints, type 4 a witness's
    cosignatures (tlog-cosignature, cosignature/v1)."""

    def __init__(self, text, kind=1):
        parts = text.strip().split("+", 2)
        if len(parts) != 3 or len(parts[1]) != 8:
            raise ValueError("not a verifier key <name>+<key id>+<base64 key>")
        self.name, raw = parts[0], base64.b64decode(parts[2], validate=True)
        if len(raw) != 33 or raw[0] != kind:
            raise ValueError("not an Ed25519 %s key (type %d)" %
                             ("witness" if kind == 4 else "log", kind))
        self.pub, self.id = raw[1:], bytes.fromhex(parts[1])
        if sha256(self.name.encode() + b"\n" + bytes([kind]) + self.pub)[:4] != self.id:
            raise ValueError("the key id does not match the key")


def load_key(path_or_text, kind=1):
    text = open(path_or_text).read() if os.path.isfile(path_or_text) else path_or_text
    return Key(text, kind)


def cosigned_by(note, key):
    """True/False (None without openssl): whether note carries a valid
    cosignature by witness key: be64(time) || Ed25519 over
    "cosignature/v1\\ntime <time>\\n" + the checkpoint text."""
    split = note.rfind("\n\n")
    text, sigs = note[:split + 1], note[split + 2:].splitlines()
    for line in sigs:
        name, _, b64 = line[2:].partition(" ")
        try:
            blob = base64.b64decode(b64, validate=True)
        except ValueError:
            continue
        if name != key.name or blob[:4] != key.id or len(blob) != 4 + 8 + 64:
            continue
        t = struct.unpack(">Q", blob[4:12])[0]
        msg = b"cosignature/v1\ntime %d\n" % t + text.encode()
        return openssl_verify(key.pub, msg, blob[12:])
    return False


def check_quorum(note, witnesses, quorum, status):
    count = 0
    for w in witnesses:
        ok = cosigned_by(note, w)
        if ok is None:
            status["signatures"] = False
            ok = True
        count += 1 if ok else 0
    if count < quorum:
        raise Failed("checkpoint: %d of the %d trusted witnesses cosigned it, fewer than the "
                     "quorum of %d" % (count, len(witnesses), quorum))


def openssl_verify(pub, msg, sig):
    """True/False, or None if openssl is not available."""
    exe = shutil.which("openssl")
    if exe is None:
        return None
    spki = bytes.fromhex("302a300506032b6570032100") + pub  # Ed25519 SubjectPublicKeyInfo
    with tempfile.TemporaryDirectory() as d:
        paths = [os.path.join(d, n) for n in ("pub.der", "msg", "sig")]
        for p, data in zip(paths, (spki, msg, sig)):
            with open(p, "wb") as f:
                f.write(data)
        r = subprocess.run([exe, "pkeyutl", "-verify", "-pubin", "-inkey", paths[0], "-keyform",
                            "DER", "-rawin", "-in", paths[1], "-sigfile", paths[2]],
                           capture_output=True)
    return r.returncode == 0


def open_checkpoint(note, key, status):
    """(size, root) of a checkpoint note signed by key; status['signatures']
    records whether its signature could be checked."""
    if not isinstance(note, str):
        raise Failed("checkpoint: missing or not a string")
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise Failed("checkpoint: not a signed note")
    text, sigs = note[:split + 1], note[split + 2:].splitlines()
    sig = None
    for line in sigs:
        if not line.startswith("\u2014 "):
            raise Failed("checkpoint: malformed signature line")
        name, _, b64 = line[2:].partition(" ")
        try:
            blob = base64.b64decode(b64, validate=True)
        except ValueError:
            raise Failed("checkpoint: malformed signature line")
        if name == key.name and blob[:4] == key.id:
            sig = blob[4:]
            break
    if sig is None:
        raise Failed("checkpoint: no signature by %s with key id %s" % (key.name, key.id.hex()))
    ok = openssl_verify(key.pub, text.encode(), sig)
    if ok is False:
        raise Failed("checkpoint: the signature does not verify")
    if ok is None:
        status["signatures"] = False
    lines = text.split("\n")
    if len(lines) < 4 or lines[0] != key.name:
        raise Failed("checkpoint: the origin line is not the key's name")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise Failed("checkpoint: the size line is not a decimal number")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except ValueError:
        root = b""
    if len(root) != 32:
        raise Failed("checkpoint: the root line is not the base64 of 32 bytes")
    return int(lines[1]), root


# ---- Documents -----------------------------------------------------------

def member(doc, name, kind, where=""):
    v = doc.get(name) if isinstance(doc, dict) else None
    if kind is int:
        ok = isinstance(v, int) and not isinstance(v, bool) and v >= 0
    else:
        ok = isinstance(v, kind)
    if not ok:
        raise Failed("%s%s: missing or of the wrong type" % (where, name))
    return v


def hexhash(doc, name, where=""):
    v = member(doc, name, str, where)
    if not re.fullmatch(r"[0-9a-fA-F]{64}", v):
        raise Failed("%s%s: not 64 hex digits" % (where, name))
    return bytes.fromhex(v)


def hashes(doc, name):
    v = member(doc, name, list)
    if not all(isinstance(h, str) and re.fullmatch(r"[0-9a-fA-F]{64}", h) for h in v):
        raise Failed("%s: every element must be 64 hex digits" % name)
    return [bytes.fromhex(h) for h in v]


def check_entry(doc, seq, previous, where=""):
    """Returns (chain, bytes) of an entry whose members all agree."""
    got = member(doc, "seq", int, where)
    if got != seq:
        raise Failed("%sseq: %d, expected %d" % (where, got, seq))
    hexbytes = member(doc, "bytes", str, where)
    event = member(doc, "event", dict, where)
    chain = hexhash(doc, "chain", where)
    try:
        b = bytes.fromhex(hexbytes)
    except ValueError:
        raise Failed("%sbytes: not hex" % where)
    try:
        derived = decode_event(b, seq)
    except Failed as e:
        raise Failed(where + str(e))
    for name, value in derived.items():
        if event.get(name, object()) != value or (isinstance(value, int) and type(event.get(name)) is not type(value)):
            raise Failed('%sevent: member "%s" does not match the bytes' % (where, name))
    if set(event) != set(derived):
        raise Failed("%sevent: holds members that are not in the bytes" % where)
    if chain_hash(seq, previous, b) != chain:
        raise Failed("%schain: not the chain hash of the previous chain hash, seq and bytes" % where)
    return chain, b


def verify_receipt(doc, key, status):
    if member(doc, "format", str) != "jejak-receipt-v1":
        raise Failed("format: not jejak-receipt-v1")
    seq = member(doc, "seq", int)
    previous = hexhash(doc, "previous_chain")
    _, b = check_entry(doc, seq, previous)
    size, root = open_checkpoint(doc.get("checkpoint"), key, status)
    check_quorum(doc["checkpoint"], status["witnesses"], status["quorum"], status)
    proof = hashes(doc, "inclusion_proof")
    if seq >= size:
        raise Failed("checkpoint: its tree of %d entries does not include entry %d" % (size, seq))
    if root_from_inclusion(seq, size, leaf_hash(b), proof) != root:
        raise Failed("inclusion_proof: does not lead from the entry's leaf hash to the "
                     "checkpoint's root")
    return "entry %d is in the ledger (checkpoint of %d entries)" % (seq, size)


def verify_export(doc, key, status):
    if member(doc, "format", str) != "jejak-export-v1":
        raise Failed("format: not jejak-export-v1")
    start, end = member(doc, "from", int), member(doc, "to", int)
    chain = hexhash(doc, "previous_chain")
    left = hashes(doc, "left_subtrees")
    entries = member(doc, "entries", list)
    size, root = open_checkpoint(doc.get("checkpoint"), key, status)
    check_quorum(doc["checkpoint"], status["witnesses"], status["quorum"], status)
    proof = hashes(doc, "consistency_proof")
    if start > end or len(entries) != end - start:
        raise Failed("entries: there must be exactly to - from of them")
    levels = [l for l in range(63, -1, -1) if start >> l & 1]
    if len(left) != len(levels):
        raise Failed("left_subtrees: there must be one per set bit of from")
    subtrees = list(zip(levels, left))
    for k, entry in enumerate(entries):
        chain, b = check_entry(entry, start + k, chain, "entries[%d]." % k)
        frontier_append(subtrees, leaf_hash(b))
    if end > size:
        raise Failed("checkpoint: its %d entries do not cover the export" % size)
    if not verify_consistency(end, size, frontier_root(subtrees), root, proof):
        raise Failed("consistency_proof: the tree of the entries (with left_subtrees) does not "
                     "lead to the checkpoint's root")
    return "entries %d..%d are in the ledger (checkpoint of %d entries)" % (start, end, size)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kind", choices=["receipt", "export"])
    ap.add_argument("file")
    ap.add_argument("--key", required=True, help="verifier key file or text")
    ap.add_argument("--witness-key", action="append", default=[],
                    help="a trusted witness's key, file or text (repeatable)")
    ap.add_argument("--quorum", type=int, default=None,
                    help="cosignatures needed (default: every --witness-key)")
    a = ap.parse_args()
    try:
        key = load_key(a.key)
        witnesses = [load_key(w, 4) for w in a.witness_key]
    except (OSError, ValueError) as e:
        print("jejak_verify: bad --key or --witness-key: %s" % e, file=sys.stderr)
        return 2
    quorum = len(witnesses) if a.quorum is None else a.quorum
    if quorum < 0 or quorum > len(witnesses):
        print("jejak_verify: --quorum must be between 0 and the number of --witness-key",
              file=sys.stderr)
        return 2
    try:
        with open(a.file, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("jejak_verify: cannot read %s: %s" % (a.file, e), file=sys.stderr)
        return 2
    status = {"signatures": True, "witnesses": witnesses, "quorum": quorum}
    try:
        what = (verify_receipt if a.kind == "receipt" else verify_export)(doc, key, status)
    except Failed as e:
        print("FAILED %s" % e)
        return 1
    if status["signatures"]:
        print("OK %s; signature checked with openssl" % what)
    else:
        print("OK %s; WARNING: openssl was not found, so signatures were NOT checked" % what)
    return 0


if __name__ == "__main__":
    sys.exit(main())
