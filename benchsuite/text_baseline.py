"""The plain text baseline for a time-split backport evaluation: TF-IDF of the
commit message and a logistic regression, trained on the same decisions
`stablepick train` learns from, scored the way `eval_triage.py` scores
stablepick. Needs scikit-learn (`pip install scikit-learn`).

usage: text_baseline.py REPO LO HI TARGET=BASE TRAIN=BASE...
  e.g. text_baseline.py ~/scratch/glibc glibc-2.40 glibc-2.41 \\
           release/2.40/master=glibc-2.40 release/2.39/master=glibc-2.39 release/2.38/master=glibc-2.38

Training decisions: for each TRAIN branch as it stood when LO was tagged, the
non-merge commits of BASE..HI older than 30 days (or half the branch's life,
base to tip, when shorter) before that tip (the branch
had time to take them); taken = named in a backport line. The threshold is
chosen for F1 on out-of-fold scores of the training decisions.
"""
import os, sys
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.metrics import precision_recall_curve

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'eval'))
from oracle import git, backport_map, commits  # noqa: E402

REPO, LO, HI, TARGET = sys.argv[1:5]
TRAIN = sys.argv[5:]
lo_time = int(git(REPO, 'log', '-1', '--format=%ct', LO))

DAY = 86400
branches = []
for spec in TRAIN:
    branch, base = spec.split('=')
    tip = git(REPO, 'rev-list', '-1', f'--before={lo_time}', branch).strip()
    base_time = int(git(REPO, 'log', '-1', '--format=%ct', base))
    times = sorted(int(t) for t in git(REPO, 'log', '--format=%ct', f'{base}..{tip}').split())
    tip_time = times[-1] if times else int(git(REPO, 'log', '-1', '--format=%ct', tip))
    pause = max((b - a for a, b in zip([base_time] + times, times)), default=0)
    branches.append((base, tip, base_time, tip_time, pause))
newest = max(b[3] for b in branches)

train = []
for base, tip, base_time, tip_time, pause in branches:
    # As `stablepick train`: a month, or half the branch's life when
    # shorter; nothing for a branch that has ended (quiet for more than 90
    # days and twice its longest pause while another went on).
    quiet = (newest - tip_time) // DAY
    ended = quiet > 90 and quiet > 2 * (pause // DAY)
    margin = 0 if ended else min(30 * DAY, max(tip_time - base_time, 0) // 2)
    cutoff = tip_time - margin
    taken = backport_map(REPO, base, tip)
    train += [(b, h in taken) for h, t, b in commits(REPO, f'{base}..{HI}') if t <= cutoff]
branch, base = TARGET.split('=')
taken = backport_map(REPO, base, branch)
test = [(b, h in taken) for h, _, b in commits(REPO, f'{LO}..{HI}')]

vec = TfidfVectorizer(token_pattern=r'[A-Za-z_][A-Za-z0-9_]+', sublinear_tf=True, min_df=2)
x_train = vec.fit_transform([b for b, _ in train])
x_test = vec.transform([b for b, _ in test])
y_train = np.array([y for _, y in train])
y_test = np.array([y for _, y in test])
model = LogisticRegression(C=1.0, class_weight='balanced', max_iter=3000)
oof = cross_val_predict(model, x_train, y_train, cv=KFold(4, shuffle=True, random_state=0),
                        method='predict_proba')[:, 1]
p, r, t = precision_recall_curve(y_train, oof)
threshold = t[np.argmax((2 * p * r / (p + r + 1e-9))[:-1])]
model.fit(x_train, y_train)
pred = model.predict_proba(x_test)[:, 1] >= threshold
tp = int((pred & y_test).sum())
prec = tp / max(int(pred.sum()), 1)
rec = tp / max(int(y_test.sum()), 1)
f1 = 2 * prec * rec / (prec + rec) if tp else 0.0
print(f'text baseline: {len(test)} commits, {int(y_test.sum())} taken; '
      f'{len(train)} training decisions; P={prec:.3f} R={rec:.3f} F1={f1:.3f}')
