#!/usr/bin/env python3
"""Runs every record's `verified_by` command of `stablepick analyze --code`
for the newest N non-merge commits of a range, in the repository, and counts
those that fail. A record's command succeeds when its claim holds (claims of
absence negate the command that would find the thing), so every failure is a
claim its own command does not show. Phase 9's open questions name the
`stablepick` run that would answer them and are not run.

    python3 benchsuite/records_run.py BIN REPO RANGE N BRANCH=BASE...
"""

import collections
import json
import re
import subprocess
import sys


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    binary, repo, rng, n = sys.argv[1:5]
    stable = [a for b in sys.argv[5:] for a in ("--stable", b)]
    shas = subprocess.run(
        ["git", "-C", repo, "log", "--no-merges", "--format=%H", f"-{n}", rng],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    ran = 0
    failing = collections.Counter()
    example = {}
    for sha in shas:
        out = subprocess.run(
            [binary, "analyze", "--repo", repo, "--code", "--format", "json", *stable, sha],
            capture_output=True, text=True,
        )
        if out.returncode != 0:
            print(f"analyze {sha} failed: {out.stderr.strip()[:200]}")
            continue
        for r in json.loads(out.stdout)["records"]:
            cmd = r["verified_by"]
            if cmd.startswith("stablepick "):
                continue
            ran += 1
            try:
                rc = subprocess.run(["sh", "-c", cmd], cwd=repo, capture_output=True,
                                    timeout=300).returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
            if rc != 0:
                # The kind of claim: its text without ids and branch names.
                kind = re.sub(r"[0-9a-f]{7,40}", "X", re.sub(r"^\[[^]]*\] ", "", r["text"]))[:70]
                failing[kind] += 1
                example.setdefault(kind, (sha, r["text"], cmd, rc))
    print(f"{len(shas)} commits, {ran} commands run, {sum(failing.values())} failing")
    for kind, count in failing.most_common():
        sha, text, cmd, rc = example[kind]
        print(f"{count:5}  {kind}\n       e.g. {sha[:12]} (exit {rc}): {cmd[:200]}")
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
