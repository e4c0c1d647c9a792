#!/usr/bin/env python3
"""`stablepick applies` against `git apply --check`, end to end.

    python3 benchsuite/applies_agreement.py BIN REPO RANGE PAIRS BRANCH=BASE...
    python3 benchsuite/applies_agreement.py target/release/stablepick ~/scratch/dpdk \\
        v23.11..v25.03 1000 22.11=v22.11 23.11=v23.11 24.11=v24.11

Runs `BIN applies` once over RANGE (timed: every (commit, branch) pair the
branch lacks is checked), then, for PAIRS of those pairs spread evenly over
the range, `git show --binary SHA | git apply --check --cached` against a
temporary index of the branch tip (read once per branch). Prints agreement
(applies = clean or offset; git never fuzzes) and the time per pair of each
side, measured in the same run. With JOBS=1 in the environment stablepick
runs on one thread.
"""
import json, os, subprocess, sys, tempfile, time

BIN, REPO, RANGE, PAIRS, *SPECS = sys.argv[1:]
PAIRS = int(PAIRS)
stable = sum((['--stable', s] for s in SPECS), [])
# JOBS=1 in the environment: stablepick on one thread.
jobs = ['--jobs', os.environ['JOBS']] if os.environ.get('JOBS') else []

t = time.monotonic()
out = subprocess.run([BIN, 'applies', '--repo', REPO, *stable, *jobs, RANGE, '--format', 'jsonl'],
                     capture_output=True, text=True, check=True).stdout
ours_time = time.monotonic() - t
pairs = []
for line in out.splitlines():
    row = json.loads(line)
    for b in row['branches']:
        if b['applies'] is not None:
            pairs.append((row['commit'], b['branch'], b['applies']))
print(f'stablepick applies: {len(pairs)} pairs in {ours_time:.2f} s '
      f'({1000 * ours_time / max(len(pairs), 1):.3f} ms per pair, index load and every phase of the run included)')

step = max(len(pairs) / PAIRS, 1.0)
sample = [pairs[int(i * step)] for i in range(min(PAIRS, len(pairs)))]
tmp = tempfile.mkdtemp(prefix='applies-agreement-')
index_of = {}
for spec in SPECS:
    branch = spec.split('=', 1)[0]
    f = os.path.join(tmp, 'index-' + branch.replace('/', '_'))
    # A local branch, or the remote-tracking one a clone has.
    ref = next(r for r in (branch, 'origin/' + branch)
               if subprocess.run(['git', '-C', REPO, 'rev-parse', '-q', '--verify', r + '^{commit}'],
                                 capture_output=True).returncode == 0)
    subprocess.run(['git', '-C', REPO, 'read-tree', ref], env={**os.environ, 'GIT_INDEX_FILE': f}, check=True)
    index_of[branch] = f

agree, git_time = 0, 0.0
for sha, branch, ours in sample:
    t = time.monotonic()
    show = subprocess.Popen(['git', '-C', REPO, 'show', '--binary', '--format=', sha], stdout=subprocess.PIPE)
    ok = subprocess.run(['git', '-C', REPO, 'apply', '--check', '--cached'], stdin=show.stdout,
                        env={**os.environ, 'GIT_INDEX_FILE': index_of[branch]},
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
    show.wait()
    git_time += time.monotonic() - t
    if ok == (ours in ('clean', 'offset')):
        agree += 1
    else:
        print(f'  differs: {sha[:12]} {branch}: stablepick {ours}, git apply {"applies" if ok else "fails"}')
n = max(len(sample), 1)
print(f'agreement: {agree}/{len(sample)} = {100 * agree / n:.2f}%')
print(f'git show | git apply --check: {1000 * git_time / n:.3f} ms per pair')
print(f'speed-up per pair: {(git_time / n) / (ours_time / max(len(pairs), 1)):.1f}x')
