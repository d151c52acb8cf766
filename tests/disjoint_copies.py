#!/usr/bin/env python3
"""disjoint_copies.py IN OUT N - a share table (CooRTweet's four or seven
columns, any CSV with an account column) or a normalised JSONL file
(docs/formats.md) followed by N disjoint copies of itself: every id
(account, object, post, URL, hashtag, domain, image, mention) of copy k is
prefixed with "copyK_" (a URL's host labels suffixed with "-copyK"), the letters (Latin, CJK,
other scripts) of texts and hashtags are shifted by k places and each is followed by a combining
mark of copy k's own (so no copied text is a near-duplicate of the original's or of another
copy's), times are kept. The copies share no
account and no object with the original, so a detector whose null is
defined right gives the original's accounts the same edges with or
without them (docs/model.md, "Invariance")."""
import csv
import json
import sys

ID_COLUMNS = ("object_id", "account_id", "content_id", "post_id", "url_id",
              "hashtag_id", "domain_id", "phash_id")


def shift(text, k):
    out = []
    for ch in text:
        if "a" <= ch <= "z":
            ch = chr((ord(ch) - 97 + k) % 26 + 97)
        elif "A" <= ch <= "Z":
            ch = chr((ord(ch) - 65 + k) % 26 + 65)
        elif 0x4E00 <= ord(ch) <= 0x9FFF:  # CJK ideographs
            ch = chr(0x4E00 + (ord(ch) - 0x4E00 + 97 * k) % 0x5200)
        elif ch.isalpha() and chr(ord(ch) + k).isalpha():  # other scripts
            ch = chr(ord(ch) + k)
        out.append(ch)
        if ch.isalpha():
            # copy k's own combining mark after every letter: a shift can
            # map one stock text onto another ("Do do do." by 5 is "It it
            # it.") or leave a letter as it is (the code point k places on
            # is no letter), so the shift alone does not keep the copies'
            # texts apart; the mark does
            out.append(chr(0x0300 + (k - 1) % 0x70))
    return "".join(out)


def copy_url(u, k):
    """Every label of the host but the last gets "-copyK", so that URLs
    and registrable domains map one to one onto the copy's own."""
    scheme, sep, rest = u.partition("://")
    if not sep:
        scheme, rest = "", u
    host, slash, path = rest.partition("/")
    labels = host.split(".")
    labels = [l + "-copy%d" % k for l in labels[:-1]] + labels[-1:]
    host = ".".join(labels) if len(labels) > 1 else host + "-copy%d" % k
    return (scheme + sep if sep else "") + host + slash + path


def copy_jsonl(src, dst, n):
    lines = [json.loads(l) for l in open(src) if l.strip()]
    with open(dst, "w") as f:
        for r in lines:
            f.write(json.dumps(r) + "\n")
        for k in range(1, n + 1):
            p = "copy%d_" % k
            for r in lines:
                c = dict(r)
                if c.get("type") == "cibscan":
                    continue
                for key in ("id", "account_id", "ref_post", "ref_account"):
                    if c.get(key):
                        c[key] = p + c[key]
                for key in ("text", "handle", "name", "description"):
                    if c.get(key):
                        c[key] = shift(c[key], k)
                if c.get("urls"):
                    c["urls"] = [copy_url(u, k) for u in c["urls"]]
                if c.get("hashtags"):
                    c["hashtags"] = [shift(h, k) for h in c["hashtags"]]
                if c.get("mentions"):
                    c["mentions"] = [p + m if isinstance(m, str) else
                                     dict(m, **{f: p + m[f] for f in ("id", "handle") if m.get(f)})
                                     for m in c["mentions"]]
                f.write(json.dumps(c) + "\n")


def main():
    src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if src.endswith(".jsonl"):
        copy_jsonl(src, dst, n)
        return
    with open(src, newline="") as f:
        rows = list(csv.DictReader(f))
        fields = list(rows[0].keys()) if rows else []
    with open(dst, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        for k in range(1, n + 1):
            for r in rows:
                c = dict(r)
                for col in ID_COLUMNS:
                    if c.get(col):
                        c[col] = "copy%d_%s" % (k, c[col])
                w.writerow(c)


if __name__ == "__main__":
    main()
