#!/usr/bin/env python3
"""hostile.py IN_DIR OUT_CSV - rewrites a `cibscan synth` archive so that the
accounts of the coordinated networks carry script-injection payloads in every
field the report shows: screen name, display name, location, description,
and the text of every third post (copied texts keep being copied, so the
payloads reach the shared-texts tables too). Used by the report's XSS and
browser tests."""
import csv
import sys

PAYLOADS = [
    "<script>document.title='pwned'</script>",
    '"><img src=x onerror="document.title=\'pwned\'">',
    "'><svg onload=alert(1)>",
    "</td></tr></table><b id=injected>bold</b>",
]

def main():
    src, out = sys.argv[1], sys.argv[2]
    cib = set()
    with open(src + "/truth.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["role"] == "cib":
                cib.add(row["account_id"])
    with open(src + "/tweets.csv", newline="") as f, \
         open(out, "w", newline="") as g:
        r = csv.DictReader(f)
        w = csv.DictWriter(g, fieldnames=r.fieldnames, quoting=csv.QUOTE_ALL)
        w.writeheader()
        for i, row in enumerate(r):
            if row["userid"] in cib:
                k = len(row["userid"])
                p = PAYLOADS[k % len(PAYLOADS)]
                row["user_screen_name"] = p + row["user_screen_name"]
                row["user_display_name"] = p
                row["user_reported_location"] = PAYLOADS[1]
                row["user_profile_description"] = PAYLOADS[0]
                if i % 3 == 0:
                    row["tweet_text"] = PAYLOADS[i % len(PAYLOADS)] + " " + row["tweet_text"]
            w.writerow(row)

main()
