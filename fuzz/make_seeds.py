#!/usr/bin/env python3
"""Writes the seed corpora of fuzz/corpus/ (README, "Sanitizers and fuzzing").

Real documents come from the jejak binary of a normal build (default
./build/cli/jejak): a scratch ledger with the example workflows, a few
requests and actions, checkpoints, receipts and exports signed by the fuzz
targets' key (fuzz_util.h). The rest is written here from docs/FORMAT.md and
projections/records.cpp. Re-running replaces the seeds it writes; crash
regressions saved by hand (names starting "crash-") are kept.

    python3 fuzz/make_seeds.py [path/to/jejak]
"""
import base64, hashlib, hmac, json, os, pathlib, shutil, subprocess, sys, tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
JEJAK = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "build" / "cli" / "jejak")
SIGNING_KEY = "PRIVATE+KEY+fuzz.jejak.example+e0b08e73+AbASKq6s+9GQ74/jf4WM6VmPEhCPcGZ4yzK2TVosNKAz"
VERIFIER_KEY = "fuzz.jejak.example+e0b08e73+Aa/mpNiweguE0GOcjXuf/ZxlAxbOvE0vQCGaHh7mTh4C"
AGENCY = "DPMPTSP Kota Bandung"
SUBMIT_FIELDS = {
    "nik": "3273010101900001", "nama_pemohon": "Siti Aminah", "nama_usaha": "Kopi Aroma",
    "kbli": "56303", "skala_usaha": "mikro", "tingkat_risiko": "rendah",
    "nilai_investasi": "250000000", "jumlah_tenaga_kerja": "4",
    "tempat_milik_sendiri": "false", "lokasi_usaha": "Jl. Braga 12, Bandung",
}


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def reset(target):
    d = CORPUS / target
    if d.exists():
        for f in d.iterdir():
            if not f.name.startswith("crash-"):
                f.unlink()


def jejak(*args):
    r = subprocess.run([JEJAK, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"make_seeds: jejak {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return r.stdout


def ledger_documents(tmp):
    """Receipts, an export, checkpoints and a consistency proof, all real."""
    data = tmp / "data"
    # Submissions carry personal fields, sealed (event encoding version 2)
    # under keys that this key-encryption key wraps.
    jejak("keys", "generate", "--kek", str(tmp / "kek"))
    os.environ["JEJAK_KEK"] = str(tmp / "kek")
    (data / "keys").mkdir(parents=True)
    (data / "keys" / "jejak.key").write_text(SIGNING_KEY + "\n")
    jejak("workflow", "deploy", *map(str, sorted((ROOT / "examples" / "workflows").glob("*.yaml"))),
          "--data", str(data), "--as", "admin-01")
    fields = [a for k, v in SUBMIT_FIELDS.items() for a in ("--field", f"{k}={v}")]
    for who in ("3273010101900001", "3273010101900002"):
        jejak("submit", "oss-izin-usaha", "--data", str(data), "--as", who, *fields)
    jejak("checkpoint", "--data", str(data), "--out", str(tmp / "old.checkpoint"))
    jejak("act", "OSS-2026-000001", "periksa_dokumen", "--data", str(data),
          "--as", "198701012010011001", "--role", "verifikator")
    jejak("act", "OSS-2026-000002", "tolak", "--data", str(data), "--as", "198701012010011001",
          "--role", "verifikator", "--reason", "Dokumen tidak lengkap")
    jejak("withdraw", "OSS-2026-000001", "--data", str(data), "--as", "3273010101900001",
          "--reason", "Salah isi")
    jejak("checkpoint", "--data", str(data))
    size = int(json.loads(jejak("ledger", "verify", "--data", str(data), "--json"))["entries"])
    receipts = [json.loads(jejak("receipt", "show", str(s), "--data", str(data), "--json"))
                for s in (0, 3, size - 3, size - 2)]  # size - 1 is the last checkpoint's own
    jejak("ledger", "export", "--from", "3", "--to", str(size - 1), "--out", str(tmp / "export.json"),
          "--data", str(data))
    jejak("ledger", "prove", "--since", str(tmp / "old.checkpoint"), "--data", str(data),
          "--out", str(tmp / "proof.json"), "--checkpoint-out", str(tmp / "new.checkpoint"))
    return (receipts, json.loads((tmp / "export.json").read_text()),
            (tmp / "old.checkpoint").read_text(), (tmp / "new.checkpoint").read_text(),
            (tmp / "proof.json").read_text())


def dumps(doc):
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append(v & 0x7F | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def zigzag(v):
    return varint((v << 1) ^ (v >> 63) & (2**64 - 1))


def text(s):
    b = s.encode()
    return varint(len(b)) + b


def sorted_list(values):
    values = sorted(values)
    out = varint(len(values))
    for i, v in enumerate(values):
        out += zigzag(v) if i == 0 else varint(v - values[i - 1])
    return out


def projection_records():
    step = varint(5) + zigzag(1_780_000_000_000_000) + b"".join(
        text(t) for t in ("action", "periksa_dokumen", "verifikator", "198701012010011001",
                          "diajukan", "pemeriksaan_teknis", ""))
    request = (varint(1) + text("oss-izin-usaha") + varint(2) + text("3273010101900001") +
               text("pemeriksaan_teknis") + zigzag(1_780_000_000_000_000) +
               zigzag(1_779_000_000_000_000) + zigzag(1_780_000_000_000_000) + varint(5) +
               varint(2 | 4) + zigzag(1_781_000_000_000_000) + text("198701012010011001") +
               text("\x11" * 32) + varint(1) + text("198701012010011001") + zigzag(20_600) +
               varint(1) + step)
    # Escalated (8), and waiting for its applicant with a paused clock (16).
    paused = (varint(1) + text("pbg-persetujuan-bangunan") + varint(4) + text("subj-" + "ab" * 16) +
              text("revisi_desain") + zigzag(1_780_000_000_000_000) +
              zigzag(1_779_000_000_000_000) + zigzag(1_780_000_000_000_000) + varint(9) +
              varint(2 | 4 | 8 | 16) + zigzag(1_781_000_000_000_000) +
              text("198701012010011001") + text("kepala_dinas") + text("konsultasi_teknis") +
              zigzag(259_200_000_000) + text("\x22" * 32) + varint(0) + varint(1) + step)
    counts = (varint(1) + varint(2) + text("periksa_dokumen") + zigzag(3) + text("tolak") +
              zigzag(1) + varint(1) + text("four_eyes") + zigzag(1) + zigzag(0) + zigzag(4) +
              sorted_list([20_590, 20_598]))
    waits = sorted_list([1_000_000, 86_400_000_000, 3_600_000_000])
    times = varint(2) + zigzag(1_780_000_000_000_000) + zigzag(5) + zigzag(60_000_000) + zigzag(3)
    agency = varint(1) + zigzag(12) + zigzag(7) + zigzag(6) + zigzag(1) + sorted_list(
        [86_400_000_000, 172_800_000_000])
    anomaly = varint(1) + zigzag(7_200_000_000) + zigzag(1_780_000_000_000_000) + b"".join(
        text(t) for t in ("198701012010011001", "verifikator", "OSS-2026-000002", "oss-izin-usaha",
                          "periksa_dokumen", "diajukan", "OSS-2026-000001", "", "")) + varint(
        3) + varint(2) + varint(3) + varint(9)
    for kind, (name, body) in enumerate([("request", request), ("officer-counts", counts),
                                         ("officer-waits", waits), ("officer-times", times),
                                         ("agency-day", agency), ("anomaly", anomaly)]):
        write("projection_records", name, bytes([kind]) + body)
    write("projection_records", "request-paused", bytes([0]) + paused)


def http_request(method, target, body=None, headers=()):
    lines = [f"{method} {target} HTTP/1.1", "Host: jejak"]
    lines += [f"{k}: {v}" for k, v in headers]
    payload = b""
    if body is not None:
        payload = (body if isinstance(body, str) else dumps(body)).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def http_seeds():
    staff = ("Authorization", f"Bearer ~198701012010011001|verifikator|{AGENCY}|")
    head = ("Authorization", f"Bearer ~197001012000011001|kepala_dinas|{AGENCY}|")
    auditor = ("Authorization", "Bearer ~aud-01|auditor||")
    applicant = ("Authorization", "Bearer ~3273010101900001|applicant||OSS-2026-000001")
    submit = {"workflow": "oss-izin-usaha", "applicant": "3273010101900001",
              "fields": SUBMIT_FIELDS, "idempotency_key": "k-1"}
    seeds = {
        "healthz": http_request("GET", "/healthz"),
        "metrics": http_request("GET", "/metrics"),
        "forwarded": http_request("GET", "/healthz", headers=[
            ("X-Forwarded-For", "198.51.100.4, [2001:db8:5::7]:443, 192.0.2.9:8080")]),
        "workflows": http_request("GET", "/v1/workflows"),
        "workflow": http_request("GET", "/v1/workflows/oss-izin-usaha?version=2"),
        "submit": http_request("POST", "/v1/requests", submit),
        "submit-typed": http_request("POST", "/v1/requests", {
            "workflow": "oss-izin-usaha", "applicant": "3273010101900002",
            "fields": {**SUBMIT_FIELDS, "jumlah_tenaga_kerja": 4, "tempat_milik_sendiri": False,
                       "koordinat": "-6.9175, 107.6191"}}, [("Idempotency-Key", "abc")]),
        "act": http_request("POST", "/v1/requests/OSS-2026-000001/actions",
                            {"action": "periksa_dokumen", "expected_version": 1}, [staff]),
        "act-reason": http_request("POST", "/v1/requests/OSS-2026-000001/actions",
                                   {"action": "tolak", "reason": "Dokumen tidak lengkap"}, [head]),
        "act-fields": http_request("POST", "/v1/requests/OSS-2026-000001/actions", {
            "action": "minta_kelengkapan", "fields": {"catatan_kekurangan": "NPWP"}}, [staff]),
        "withdraw": http_request("POST", "/v1/requests/OSS-2026-000001/actions",
                                 {"action": "withdraw", "reason": "Salah isi"}, [applicant]),
        "status-code": http_request("GET", "/v1/requests/OSS-2026-000001",
                                    headers=[("X-Tracking-Code", "~code")]),
        "status-token": http_request("GET", "/v1/requests/OSS-2026-000001", headers=[applicant]),
        "history": http_request("GET", "/v1/requests/OSS-2026-000001/history", headers=[head]),
        "receipt": http_request("GET", "/v1/requests/OSS-2026-000001/receipts/3",
                                headers=[staff]),
        "report-agency": http_request("GET", "/v1/reports/agency?from=2026-01-01&to=2026-12-31",
                                      headers=[auditor]),
        "report-officers": http_request("GET", "/v1/reports/officers?from=2026-11-30",
                                        headers=[auditor]),
        "report-anomalies": http_request("GET", "/v1/reports/anomalies?grace=2h&burst=20%2F10m",
                                         headers=[auditor]),
        "checkpoint": http_request("GET", "/v1/ledger/checkpoint"),
        "inclusion": http_request("GET", "/v1/ledger/proofs/inclusion?seq=1&size=4"),
        "consistency": http_request("GET", "/v1/ledger/proofs/consistency?from=2&to=5"),
        "track": http_request("GET", "/track?lang=en&id=OSS-2026-000001"),
        "percent": http_request("GET", "/v1/workflows/oss%2Dizin%2dusaha"),
        "chunked": (b"POST /v1/requests HTTP/1.1\r\nHost: jejak\r\nTransfer-Encoding: chunked\r\n"
                    b"\r\n5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n"),
    }
    for name, data in seeds.items():
        write("http", name, data)


def token_seeds():
    secret = b"k" * 32
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    header = '{"alg":"HS256","typ":"JWT"}'
    payloads = [
        {"sub": "198701012010011001", "role": "verifikator", "agency": AGENCY,
         "iat": 1_780_000_000, "exp": 1_780_003_600},
        {"sub": "3273010101900001", "role": "applicant", "req": "OSS-2026-000001",
         "iat": 1_780_000_000, "exp": 1_787_776_000},
        {"sub": "aud-01", "role": "auditor", "iat": 1_779_990_000, "exp": 1_779_999_999},
        {"sub": "x", "role": "verifikator", "exp": 1_780_003_600, "nbf": 1_790_000_000},
    ]
    for i, p in enumerate(payloads):
        write("token", f"signed-{i}", "s" + header + "\n" + dumps(p))
        signing_input = b64(header.encode()) + "." + b64(dumps(p).encode())
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        write("token", f"raw-{i}", "t" + signing_input + "." + b64(mac))
    write("token", "signed-crit", "s" + '{"alg":"HS256","crit":["exp"]}' + "\n" + dumps(payloads[0]))
    write("token", "alg-none", "s" + '{"alg":"none"}' + "\n" + dumps(payloads[0]))


# What no example uses: a quorum, a paused clock and a computed deadline.
QUORUM_CLOCK_YAML = """workflow: kuorum-jam
version: 1
agency: Dinas PUPR Kota Uji
title: Kuorum dan jam layanan
fields:
  tanggal: {type: date, title: Tanggal}
states:
  konsultasi: {title: Konsultasi, initial: true, sla: 10wd, clock: pause}
  revisi: {title: Revisi oleh pemohon, sla: 14wd}
  berlaku: {title: Berlaku, deadline_at: "end_of_month(tanggal + 1 month) + 1 day", on_deadline: {action: tutup}}
  selesai: {title: Selesai, terminal: true}
actions:
  setujui: {title: Setujui, from: konsultasi, to: berlaku, roles: [tpa], quorum: 2, fields: [tanggal], guard: "tanggal >= today - 2 weeks"}
  minta_revisi: {title: Minta revisi, from: konsultasi, to: revisi, roles: [tpa]}
  kirim_revisi: {title: Kirim revisi, from: revisi, to: konsultasi, roles: [applicant]}
  tutup: {title: Tutup, from: berlaku, to: selesai, roles: [system]}
"""


def workflow_seeds():
    for f in sorted((ROOT / "examples" / "workflows").glob("*.yaml")):
        write("workflow", f.stem, "w" + f.read_text())
    write("workflow", "quorum-clock-deadline-at", "w" + QUORUM_CLOCK_YAML)
    guards = [
        ("oss-risk", "(skala_usaha != 'mikro' or nilai_investasi <= 1000000000) and "
                     "(skala_usaha != 'kecil' or nilai_investasi <= 5000000000)",
         "skala_usaha=mikro\nnilai_investasi=250000000"),
        ("oss-env", "(tingkat_risiko != 'tinggi' or dokumen_lingkungan in ['ukl_upl', 'amdal']) "
                    "and (tempat_milik_sendiri != true or nomor_pbg != null)",
         "tingkat_risiko=tinggi\ndokumen_lingkungan=amdal\ntempat_milik_sendiri=true"),
        ("not", "not rumah_mbr and tanggal >= '2026-01-01' and x == -12.5",
         "rumah_mbr=false\ntanggal=2026-03-01\nx=-12.50"),
        ("escapes", "nama == 'O\\'Brien' or nama == \"a\\\\b\" or nama == null",
         "nama=O'Brien"),
        ("dates", "terdaftar_sejak <= today - 3 months or mulai + 5 working_days > "
                  "end_of_month(today) - 1 year",
         "terdaftar_sejak=2026-01-31\nmulai=2024-02-29"),
        ("next-month", "start_of_month(today + 1 month)", ""),
    ]
    for name, guard, fields in guards:
        write("workflow", "guard-" + name, "g" + guard + "\n" + fields)


def main():
    for t in ("http", "token", "workflow", "event", "note", "receipt", "kafka_record",
              "projection_records"):
        reset(t)
    with tempfile.TemporaryDirectory() as d:
        receipts, export, old_cp, new_cp, proof = ledger_documents(pathlib.Path(d))
    deployed, receipts = receipts[0], receipts[1:]  # a workflow_deployed event is large
    write("event", "bytes-deployed", bytes.fromhex(deployed["bytes"]))
    for i, r in enumerate(receipts):
        write("receipt", f"receipt-{i}", "r" + json.dumps(r, indent=1))
    write("receipt", "export", "e" + json.dumps(export, indent=1))
    write("receipt", "consistency", "c" + old_cp + "\0" + new_cp + "\0" + proof)

    write("note", "checkpoint-old", "n" + old_cp)
    write("note", "checkpoint-new", "n" + new_cp)
    write("note", "text", "sfuzz.jejak.example\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
    write("note", "signing-key", "k" + SIGNING_KEY)
    write("note", "verifier-key", "k" + VERIFIER_KEY)
    write("note", "base64", "b" + base64.b64encode(b"\x01\x02\xfe\xff jejak").decode())

    entries = export["entries"]
    for e in entries:
        write("event", f"bytes-{e['seq']}", bytes.fromhex(e["bytes"]))
    write("event", "json-first", json.dumps(entries[0]["event"]))
    write("event", "json-last", json.dumps(entries[-1]["event"]))
    prev = {}
    for e in entries:
        ev = e["event"]
        rid = ev.get("request_id", "")
        headers = [("ce_specversion", "1.0"), ("ce_id", ev["id"]),
                   ("ce_source", "urn:jejak:example"), ("ce_type", "id.jejak." + ev["type"]),
                   ("ce_time", ev["time"]), ("content-type", "application/json"),
                   ("jejak_seq", str(e["seq"])), ("jejak_chain", e["chain"])]
        if rid:
            headers.append(("ce_subject", rid))
            if rid in prev:
                headers.append(("jejak_prev", str(prev[rid])))
            prev[rid] = e["seq"]
        record = rid + "\n" + "".join(f"{k}: {v}\n" for k, v in headers) + "\n" + dumps(ev)
        write("kafka_record", f"record-{e['seq']}", record)

    projection_records()
    http_seeds()
    token_seeds()
    workflow_seeds()


if __name__ == "__main__":
    main()
