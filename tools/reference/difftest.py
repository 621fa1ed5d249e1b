#!/usr/bin/env python3
"""Differential test: `sen check --format json` against tools/reference/rules_ref.py.

Builds sen and the gen_school example, generates schools, and for many as-of dates compares
the multisets of (rule, kind, pupil, due, days) of the two. Every disagreement is printed,
then a summary by class (rule, kind, which side has it).

    python3 tools/reference/difftest.py                      # defaults: 200 pupils, seeds 1..5
    python3 tools/reference/difftest.py --pupils 300 --seeds 1-8 --show 2
    python3 tools/reference/difftest.py --records examples/oakfield   # an existing root too

Options: --work DIR (where schools are generated; default /tmp/sen-difftest), --keep (reuse
already generated schools), --no-build, --show N (dump the pupil's files for the first N
examples of each class), --within D (extra runs with this window; repeatable).
"""

import argparse
import collections
import concurrent.futures as cf
import datetime as dt
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MAIN = os.path.abspath(os.path.join(HERE, "..", ".."))
SEN = os.path.join(MAIN, "target", "release", "sen")
GEN = os.path.join(MAIN, "target", "release", "examples", "gen_school")
REF = os.path.join(HERE, "rules_ref.py")

DUTY_RULES = {
    "notification", "cycle-review", "support-plan", "parent-meetings", "record-shared",
    "specialist", "ehc-consider", "annual-review", "annual-review-notice",
    "annual-review-advice",
    "annual-review-report", "la-decision", "phase-transfer", "adulthood", "ehc-assessment",
    "senco", "information-report", "transfer-record",
}

# The generator's as-of for each seed (cycled): records never dated after it, so checking at
# earlier dates exercises the point-in-time reading, later dates the scheduled/plan dates.
GEN_AS_OF = ["2027-08-31", "2027-03-15", "2026-12-01", "2027-06-10", "2027-10-20",
             "2027-01-20", "2027-07-22", "2026-09-30"]


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def build():
    for cmd in (["cargo", "build", "--release"],
                ["cargo", "build", "--release", "--example", "gen_school"]):
        print("+", " ".join(cmd), file=sys.stderr, flush=True)
        # cargo waits on its own lock when other builds are running
        r = subprocess.run(cmd, cwd=MAIN)
        if r.returncode != 0:
            sys.exit(f"build failed: {' '.join(cmd)}")


def dates_for(school_roots):
    ds = set()
    d = dt.date(2026, 9, 1)
    while d <= dt.date(2027, 8, 31):
        if d.day in (1, 15):
            ds.add(d)
        d += dt.timedelta(days=1)
    # month ends and a few awkward days
    for s in ["2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31", "2027-01-31",
              "2027-02-14", "2027-02-15", "2027-02-16", "2027-02-28", "2027-03-30",
              "2027-03-31", "2027-04-01", "2027-04-30", "2027-05-31", "2027-06-30",
              "2027-07-31", "2027-08-31",
              # next academic year: no terms in school.yaml for it, so the default terms
              "2027-09-01", "2027-09-20", "2027-10-01", "2027-12-31"]:
        ds.add(dt.date.fromisoformat(s))
    # term boundaries of every school: the day before, the day, the day after
    import yaml
    for root in school_roots:
        with open(os.path.join(root, "school.yaml"), encoding="utf-8") as f:
            school = yaml.safe_load(f)
        for t in school.get("terms") or []:
            for k in ("start", "end"):
                v = t[k]
                v = v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))
                for off in (-1, 0, 1):
                    x = v + dt.timedelta(days=off)
                    if dt.date(2026, 8, 25) <= x <= dt.date(2027, 9, 5):
                        ds.add(x)
    return sorted(ds)


def key(f):
    return (f["rule"], f["kind"], f["pupil"], f["due"], f["days"])


def check_one(root, as_of, within):
    extra = ["--within", str(within)] if within is not None else []
    a = run([SEN, "--records", root, "--as-of", as_of, "check", "--format", "json"] + extra)
    if a.returncode not in (0, 1):
        return root, as_of, within, None, None, f"sen failed ({a.returncode}): {a.stderr[:2000]}"
    b = run([sys.executable, REF, "--records", root, "--as-of", as_of] + extra)
    if b.returncode != 0:
        return root, as_of, within, None, None, f"reference failed: {b.stderr[-2000:]}"
    return root, as_of, within, json.loads(a.stdout), json.loads(b.stdout), None


def pupil_files(root, pupil):
    out = []
    d = os.path.join(root, "pupils", pupil)
    for dirpath, dirnames, filenames in os.walk(d):
        dirnames.sort()
        for n in sorted(filenames):
            p = os.path.join(dirpath, n)
            with open(p, encoding="utf-8") as f:
                out.append(f"--- {os.path.relpath(p, root)}\n{f.read()}")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pupils", type=int, default=200)
    ap.add_argument("--seeds", default="1-5")
    ap.add_argument("--work", default="/tmp/sen-difftest")
    ap.add_argument("--records", action="append", default=[],
                    help="an existing records root to check too (repeatable)")
    ap.add_argument("--keep", action="store_true", help="reuse generated schools")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--within", type=int, action="append", default=[])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dates", help="comma-separated as-of dates instead of the default set")
    ap.add_argument("--quiet", action="store_true", help="only the summary")
    ap.add_argument("--no-edge", action="store_true",
                    help="skip the hand-made edge-case schools of edge_cases.py")
    ap.add_argument("--edge-from", default="2026-08-20")
    ap.add_argument("--edge-to", default="2027-10-15")
    args = ap.parse_args()

    if not args.no_build:
        build()

    lo, _, hi = args.seeds.partition("-")
    seeds = list(range(int(lo), int(hi or lo) + 1))
    roots = []
    if not args.keep and os.path.isdir(args.work):
        shutil.rmtree(args.work)
    os.makedirs(args.work, exist_ok=True)
    for i, seed in enumerate(seeds):
        gen_as_of = GEN_AS_OF[i % len(GEN_AS_OF)]
        out = os.path.join(args.work, f"seed{seed}-{gen_as_of}")
        if not os.path.isdir(out):
            r = run([GEN, "--pupils", str(args.pupils), "--seed", str(seed), "--as-of", gen_as_of,
                     "--out", out])
            if r.returncode != 0:
                sys.exit(f"gen_school failed: {r.stderr}")
        roots.append(out)
    # one variant without terms in school.yaml, to exercise the default terms
    if roots:
        nt = roots[0] + "-noterms"
        if not os.path.isdir(nt):
            shutil.copytree(roots[0], nt)
            import re
            p = os.path.join(nt, "school.yaml")
            with open(p, encoding="utf-8") as f:
                text = f.read()
            text = re.sub(r"^terms:\n(?:  - .*\n)+", "", text, flags=re.M)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
        roots.append(nt)
    roots += [os.path.abspath(r) for r in args.records]

    dates = ([dt.date.fromisoformat(x) for x in args.dates.split(",")] if args.dates
             else dates_for(roots))
    jobs = [(r, d.isoformat(), None) for r in roots for d in dates]
    withins = args.within or [0, 45]
    for w in withins:
        jobs += [(r, d.isoformat(), w) for r in roots for d in dates[::3]]
    n_gen_jobs = len(jobs)

    # the hand-made corner cases, every day over a range
    edge_roots, edge_dates = [], []
    if not args.no_edge:
        edir = os.path.join(args.work, "edge")
        if os.path.isdir(edir):
            shutil.rmtree(edir)
        r = run([sys.executable, os.path.join(HERE, "edge_cases.py"), edir])
        if r.returncode != 0:
            sys.exit(f"edge_cases.py failed: {r.stderr}")
        edge_roots = sorted(os.path.join(edir, n) for n in os.listdir(edir))
        d = dt.date.fromisoformat(args.edge_from)
        while d <= dt.date.fromisoformat(args.edge_to):
            edge_dates.append(d)
            d += dt.timedelta(days=1)
        jobs += [(r, d.isoformat(), None) for r in edge_roots for d in edge_dates]
        for w in withins:
            jobs += [(r, d.isoformat(), w) for r in edge_roots for d in edge_dates[::7]]

    n_findings_sen = n_findings_ref = 0
    classes = collections.defaultdict(list)   # (rule, kind, side) -> [(root, as_of, within, finding)]
    invalid_pupils_total = 0
    errors = []
    with cf.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for root, as_of, within, s, r, err in ex.map(lambda j: check_one(*j), jobs):
            if err:
                errors.append(f"{root} {as_of}: {err}")
                continue
            # pupils with validity findings: the reference assumes valid inputs, so skip them
            bad = {f["pupil"] for f in s["findings"]
                   if f["kind"] == "invalid" and f["rule"] not in DUTY_RULES}
            invalid_pupils_total += len(bad)
            sf = [f for f in s["findings"] if f["pupil"] not in bad
                  and (f["rule"] in DUTY_RULES)]
            rf = [f for f in r["findings"] if f["pupil"] not in bad]
            n_findings_sen += len(sf)
            n_findings_ref += len(rf)
            cs = collections.Counter(key(f) for f in sf)
            cr = collections.Counter(key(f) for f in rf)
            only_s = cs - cr
            only_r = cr - cs
            if not only_s and not only_r:
                continue
            tag = f"{os.path.basename(root)} as-of {as_of}" + (f" within {within}" if within is not None else "")
            for k, side, fs in ((only_s, "sen-only", sf), (only_r, "ref-only", rf)):
                other = rf if side == "sen-only" else sf
                fo = collections.Counter(key(f) + (f.get("file"),) for f in other)
                for kk, n in sorted(k.items(), key=lambda x: json.dumps(x[0])):
                    cands = [f for f in fs if key(f) == kk]
                    fm = collections.Counter(key(f) + (f.get("file"),) for f in cands)
                    full = next((f for f in cands
                                 if fm[key(f) + (f.get("file"),)] > fo[key(f) + (f.get("file"),)]),
                                cands[0])
                    for _ in range(n):
                        classes[(kk[0], kk[1], side)].append((root, as_of, within, full))
                    if not args.quiet:
                        print(f"[{tag}] {side}: rule={kk[0]} kind={kk[1]} pupil={kk[2]} "
                              f"due={kk[3]} days={kk[4]}  file={full.get('file')} "
                              f"msg={full.get('message')!r}")

    print()
    print(f"generated schools: {len(roots)} x as-of dates: {len(dates)} (+ --within {withins} "
          f"on every third date): {n_gen_jobs} runs")
    print(f"edge-case schools: {len(edge_roots)} x daily as-of dates: {len(edge_dates)} "
          f"(+ --within runs weekly): {len(jobs) - n_gen_jobs} runs")
    print(f"findings compared: sen {n_findings_sen}, reference {n_findings_ref}")
    if invalid_pupils_total:
        print(f"(pupil-runs skipped for validity findings: {invalid_pupils_total})")
    for e in errors:
        print("ERROR", e)
    if not classes:
        print("no disagreements")
    else:
        print("disagreement classes:")
        for (rule, kind, side), items in sorted(classes.items()):
            print(f"  {rule:22} {kind:10} {side:9} {len(items):6}")
            for root, as_of, within, f in items[:args.show]:
                print(f"    example: {root} --as-of {as_of}"
                      + (f" --within {within}" if within is not None else "")
                      + f"\n    finding: {json.dumps(f)}")
                if f.get("pupil"):
                    print("    " + pupil_files(root, f["pupil"]).replace("\n", "\n    "))
    sys.exit(1 if classes or errors else 0)


if __name__ == "__main__":
    main()
