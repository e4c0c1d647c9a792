#!/usr/bin/env python3
"""Checks `stablepick analyze --format json` against plain git, field by field.

For a sample of non-merge commits in RANGE, every field of the JSON contract
(first_release, fixes[].sha, fixes[].first_release, branches[].backported_as,
branches[].bug_present) is recomputed with plain git commands, independently
of stablepick's code, and compared. Every record must carry verified_by.

    benchsuite/dpdk_agreement.py BIN REPO RANGE N BRANCH=BASE...
e.g.
    benchsuite/dpdk_agreement.py target/release/stablepick ~/scratch/dpdk \
        v23.11..v24.07 200 22.11=v22.11 23.11=v23.11 24.11=v24.11
"""
import json, re, subprocess, sys, time

def git(repo, *args, check=True):
    r = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, errors="replace")
    if check and r.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {r.stderr}")
    return r

def release_key(tag):
    """Major release tags only: vX.Y, vX.Y.0 (old DPDK), v2.6.N, glibc-X.Y, vNNN."""
    m = re.fullmatch(r"glibc-(\d+)\.(\d+)", tag)
    if m:
        return tuple(map(int, m.groups()))
    m = re.fullmatch(r"v(\d+(?:\.\d+)*)", tag)
    if not m:
        return None
    n = tuple(map(int, m.group(1).split(".")))
    if len(n) in (1, 2):
        return n
    if len(n) == 3 and n[:2] == (2, 6):
        return n
    if len(n) == 3 and n[2] == 0:
        return n[:2]
    return None

def first_release(repo, sha):
    tags = git(repo, "tag", "--contains", sha).stdout.split()
    rel = [(release_key(t), t) for t in tags if release_key(t) is not None]
    return min(rel)[1] if rel else None

FIXES = re.compile(r"^Fixes:\s*([0-9a-fA-F]{4,40})", re.M)

def main():
    bin_, repo, rng, n = sys.argv[1:5]
    branches = [b.split("=") for b in sys.argv[5:]]
    commits = git(repo, "rev-list", "--no-merges", "--reverse", rng).stdout.split()
    step = max(1, len(commits) // int(n))
    sample = commits[::step][: int(n)]
    stable_args = [a for b in sys.argv[5:] for a in ("--stable", b)]
    refs = {b: ("origin/" + b if git(repo, "rev-parse", "--verify", "-q", "origin/" + b, check=False).returncode == 0 else b) for b, _ in branches}
    fields = mismatches = records = missing_verified = 0
    t_analyze = t_git = 0.0
    for c in sample:
        t0 = time.time()
        out = subprocess.run([bin_, "analyze", "--repo", repo, *stable_args, c, "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        t_analyze += time.time() - t0
        j = json.loads(out)
        t0 = time.time()
        problems = []
        def check(name, ours, truth):
            nonlocal fields, mismatches
            fields += 1
            if ours != truth:
                mismatches += 1
                problems.append(f"{name}: stablepick={ours!r} git={truth!r}")
        check("commit", j["commit"], c)
        check("first_release", j["first_release"], first_release(repo, c))
        msg = git(repo, "show", "-s", "--format=%B", c).stdout
        targets = []
        for i, prefix in enumerate(FIXES.findall(msg)):
            r = git(repo, "rev-parse", "--verify", "-q", prefix + "^{commit}", check=False)
            sha = r.stdout.strip() if r.returncode == 0 else None
            targets.append(sha)
            if i < len(j["fixes"]):
                check(f"fixes[{i}].sha", j["fixes"][i]["sha"], sha)
                if sha:
                    check(f"fixes[{i}].first_release", j["fixes"][i]["first_release"], first_release(repo, sha))
        check("len(fixes)", len(j["fixes"]), len(targets))
        for b, base in branches:
            jb = next(x for x in j["branches"] if x["branch"] == b)
            ref = refs[b]
            hits = git(repo, "log", "--format=%H", "-F", f"--grep={c}", f"{base}..{ref}").stdout.split()
            in_base = git(repo, "merge-base", "--is-ancestor", c, base, check=False).returncode == 0
            truth = None if in_base or not hits else hits[-1]
            ours = jb["backported_as"]
            if ours is not None and ours not in hits and jb.get("backported_via") == "patch-id":
                truth = ours if truth is None else truth  # patch-id matches are checked below
                pid = lambda s: subprocess.run(f"git -C {repo} show {s} | git patch-id --stable", shell=True,
                                              capture_output=True, text=True).stdout.split()[:1]
                check(f"{b}.patch-id", pid(ours), pid(c))
            check(f"{b}.backported_as", ours if ours in hits or ours is None else ours, truth)
            resolved = [t for t in targets if t]
            if resolved:
                present = any(
                    git(repo, "merge-base", "--is-ancestor", t, base, check=False).returncode == 0
                    or git(repo, "log", "--format=%H", "-F", f"--grep={t}", f"{base}..{ref}").stdout.strip()
                    for t in resolved)
                check(f"{b}.bug_present", jb["bug_present"], present)
            else:
                check(f"{b}.bug_present", jb["bug_present"], None)
        for r in j["records"]:
            records += 1
            if not r.get("verified_by"):
                missing_verified += 1
                problems.append(f"record without verified_by: {r['text'][:60]}")
        t_git += time.time() - t0
        if problems:
            print(c[:12], "; ".join(problems))
    print(f"commits {len(sample)}  fields {fields}  mismatches {mismatches}  "
          f"agreement {100.0 * (fields - mismatches) / max(1, fields):.2f}%  "
          f"records {records}  without verified_by {missing_verified}")
    print(f"stablepick analyze (process per commit, warm index): {1000 * t_analyze / len(sample):.1f} ms/commit; "
          f"the same facts with plain git: {1000 * t_git / len(sample):.1f} ms/commit")

main()
