#!/usr/bin/env python3
"""Check a records tree written by examples/gen_school.rs against the validity rules.

Usage: python3 bench/check_records.py DIR [--as-of YYYY-MM-DD] [--sen PATH]

Loads every YAML file with PyYAML (refusing duplicate keys) and checks what rules.md calls
`schema`, `upn` and `dates`: known keys only, required keys, census rules, catalogue refs,
review outcome ids, UPN check letters and uniqueness, pupil ids, and every date ordering.
It also prints the mix of the school (status, cycles, annual reviews...) so a change to the
generator that skews it shows. Exits 1 on any problem.

The keys each place of each record may and must hold are read from `sen schema` (the sen
binary given by --sen, else $SEN_BIN, else target/release/sen, else `sen` on the PATH), so
this check cannot fall behind the records format; only what the generator promises beyond
the format (every catalogue entry costed, for example) is listed here.
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter

import yaml

try:
    Loader = yaml.CSafeLoader
except AttributeError:
    Loader = yaml.SafeLoader


class UniqueKeyLoader(Loader):
    pass


def _mapping(loader, node, deep=False):
    keys = set()
    for k, _ in node.value:
        key = loader.construct_object(k, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", k.start_mark)
        keys.add(key)
    return loader.construct_mapping(node, deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NEEDS = {"SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH", "NSA"}
AREAS = {"communication-and-interaction", "cognition-and-learning", "social-emotional-mental-health", "sensory-physical"}
COSTING = {"group_size", "sessions_per_week", "minutes_per_session", "cost_per_hour"}
SECTIONS = {
    "kinds_of_sen", "identification_and_assessment", "consulting_parents", "consulting_pupils",
    "assessing_and_reviewing_progress", "transitions_and_adulthood", "teaching_approach",
    "adapting_curriculum_and_environment", "staff_expertise_and_training", "evaluating_effectiveness",
    "inclusion_in_activities", "emotional_and_social_development", "working_with_other_bodies",
    "complaints", "looked_after_children", "accessibility_and_admissions",
}

problems = []


class Shapes:
    """The keys `sen schema` allows and requires at each place of each record file."""

    def __init__(self, sen):
        out = subprocess.run([sen, "schema"], capture_output=True, text=True, check=True).stdout
        self.schemas = json.loads(out)

    def _object(self, root, node):
        # Follow references and take the non-null side of an optional value.
        while True:
            if "$ref" in node:
                node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
            elif "anyOf" in node:
                node = next(n for n in node["anyOf"] if n.get("type") != "null")
            else:
                return node

    def keys(self, kind, *steps):
        """(allowed keys, required keys) at `steps` into record `kind`; "[]" is a list's entry."""
        root = self.schemas[kind]
        node = root
        for step in steps:
            node = self._object(root, node)
            node = node["items"] if step == "[]" else node["properties"][step]
        node = self._object(root, node)
        return set(node.get("properties", {})), list(node.get("required", []))


SHAPES = None


def sen_binary(args):
    if "--sen" in args:
        return args[args.index("--sen") + 1]
    if os.environ.get("SEN_BIN"):
        return os.environ["SEN_BIN"]
    built = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "sen")
    if os.access(built, os.X_OK):
        return built
    return shutil.which("sen") or sys.exit("no sen binary for `sen schema`: build it, or give --sen PATH")


def problem(path, msg):
    problems.append(f"{path}: {msg}")


def shape(path, obj, kind, *steps, also=()):
    """Check `obj`'s keys against `sen schema` at `steps` into `kind`, requiring `also` too."""
    allowed, required = SHAPES.keys(kind, *steps)
    return keys(path, obj, allowed, required + [k for k in also if k not in required])


def keys(path, obj, allowed, required=()):
    if not isinstance(obj, dict):
        problem(path, f"expected a mapping, got {type(obj).__name__}")
        return False
    for k in obj:
        if k not in allowed:
            problem(path, f"unknown key {k!r}")
    for k in required:
        if obj.get(k) in (None, ""):
            problem(path, f"missing required key {k!r}")
    return True


def date(path, value, what, required=False):
    if value is None:
        if required:
            problem(path, f"{what} missing")
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problem(path, f"{what} is not a date: {value!r}")
    return None


def order(path, earlier, later, what):
    if earlier is not None and later is not None and later < earlier:
        problem(path, f"dates out of order: {what} ({earlier} > {later})")


def upn_ok(upn):
    if not isinstance(upn, str) or len(upn) != 13 or upn[0] not in UPN_LETTERS:
        return False
    if not upn[1:12].isdigit() or not (upn[12].isdigit() or upn[12] in UPN_LETTERS):
        return False
    total = 0
    for pos, ch in enumerate(upn[1:], start=2):
        total += (int(ch) if ch.isdigit() else UPN_LETTERS.index(ch)) * pos
    return upn[0] == UPN_LETTERS[total % 23]


def load(path):
    with open(path, "rb") as f:
        return yaml.load(f, Loader=UniqueKeyLoader)


def check_school(root):
    path = os.path.join(root, "school.yaml")
    s = load(path)
    shape(path, s, "school", also=["school"])
    shape(path + " school", s["school"], "school", "school")
    if "urn" in s["school"] and not re.fullmatch(r"\d{6}", str(s["school"]["urn"])):
        problem(path, "urn is not six digits")
    shape(path + " senco", s["senco"], "school", "senco", also=["appointed"])
    shape(path + " iass", s["iass"], "school", "iass")
    for t in s.get("terms") or []:
        shape(path + " term", t, "school", "terms", "[]")
        order(path, date(path, t["start"], "term start"), date(path, t["end"], "term end"), "term start/end")
    shape(path + " settings", s.get("settings") or {}, "school", "settings")
    ids = set()
    for p in s.get("provisions") or []:
        shape(path + " provision", p, "school", "provisions", "[]", also=["id", "name"] + sorted(COSTING))
        if p.get("area") is not None and p["area"] not in AREAS:
            problem(path, f"unknown area {p['area']!r}")
        if p["id"] in ids:
            problem(path, f"duplicate provision id {p['id']}")
        ids.add(p["id"])
    report = s["information_report"]
    shape(path + " information_report", report, "school", "information_report")
    shape(path + " sections", report["sections"], "school", "information_report", "sections", also=sorted(SECTIONS))
    return s, ids


def check_pupil(root, pid, catalogue, stats, upns):
    base = os.path.join(root, "pupils", pid)
    if not ID_RE.match(pid):
        problem(base, "bad pupil id")
    path = os.path.join(base, "pupil.yaml")
    p = load(path)
    shape(path, p, "pupil", also=["name", "dob", "sen"])
    shape(path + " name", p["name"], "pupil", "name")
    dob = date(path, p["dob"], "dob", True)
    if "upn" in p:
        if not upn_ok(p["upn"]):
            problem(path, f"bad UPN {p['upn']}")
        upns.setdefault(p["upn"], []).append(pid)
    if p.get("year_group") is not None and not (isinstance(p["year_group"], int) and 0 <= p["year_group"] <= 14):
        problem(path, "year_group outside 0-14")
    sen = p["sen"]
    shape(path + " sen", sen, "pupil", "sen")
    status = sen["status"]
    stats["status"][status] += 1
    if status not in ("K", "E", "N"):
        problem(path, f"status {status!r}")
    primary, secondary = sen.get("primary_need"), sen.get("secondary_need")
    for code in (primary, secondary):
        if code is not None and code not in NEEDS:
            problem(path, f"unknown need {code!r}")
    if status in ("K", "E") and primary is None:
        problem(path, "K/E without primary_need")
    if primary == "NSA" and status == "E":
        problem(path, "NSA with E")
    if secondary is not None and (secondary == primary or secondary == "NSA"):
        problem(path, "bad secondary need")
    since = date(path, sen["since"], "since", True)
    notified = date(path, sen.get("parents_notified"), "parents_notified")
    ended = date(path, sen.get("ended"), "ended")
    left = date(path, p.get("left"), "left")
    if status == "N" and ended is None:
        problem(path, "N without ended")
    if status in ("K", "E") and ended is not None:
        problem(path, "K/E with ended")
    if left is not None:
        stats["left"][status] += 1
    order(path, dob, since, "dob/since")
    order(path, since, notified, "since/parents_notified")
    order(path, since, ended, "since/ended")
    order(path, dob, left, "dob/left")
    order(path, since, left, "since/left")
    if dob and stats["as_of"] and dob > stats["as_of"]:
        problem(path, "dob after as-of")
    if notified is None:
        stats["notified-null"] += 1
    if p.get("flags") is not None:
        shape(path + " flags", p["flags"], "pupil", "flags")
    for c in p.get("contacts") or []:
        shape(path + " contact", c, "pupil", "contacts", "[]")

    ehcp = None
    names = set(os.listdir(base))
    for name in names - {"pupil.yaml", "ehcp.yaml", "cycles", "meetings", "annual-reviews"}:
        problem(os.path.join(base, name), "unexpected file")
    if "ehcp.yaml" in names:
        epath = os.path.join(base, "ehcp.yaml")
        ehcp = load(epath)
        shape(epath, ehcp, "ehcp", also=["local_authority"])
        a = ehcp.get("assessment")
        if a is not None:
            shape(epath + " assessment", a, "ehcp", "assessment")
            chain = [date(epath, a.get(k), k) for k in ("requested", "decision", "draft", "final")]
            present = [d for d in chain if d is not None]
            if present != sorted(present):
                problem(epath, f"assessment dates out of order {chain}")
            if a.get("decision_outcome") not in (None, "assess", "refuse"):
                problem(epath, "bad decision_outcome")
            stats["assessment"][status] += 1
        issued = date(epath, ehcp.get("issued"), "issued")
    else:
        issued = None
    if status == "E" and issued is None:
        problem(path, "E without ehcp issued")

    cycles_dir = os.path.join(base, "cycles")
    n_cycles = 0
    for name in sorted(os.listdir(cycles_dir)) if os.path.isdir(cycles_dir) else []:
        cpath = os.path.join(cycles_dir, name)
        c = load(cpath)
        n_cycles += 1
        shape(cpath, c, "cycle")
        started = date(cpath, c["started"], "started", True)
        if c.get("assess") is not None:
            shape(cpath + " assess", c["assess"], "cycle", "assess")
            for sp in c["assess"].get("specialists") or []:
                shape(cpath + " specialist", sp, "cycle", "assess", "specialists", "[]")
        outcome_ids = None
        plan = c.get("plan")
        if plan is not None:
            shape(cpath + " plan", plan, "cycle", "plan")
            order(cpath, started, date(cpath, plan.get("agreed"), "agreed"), "started/agreed")
            due = date(cpath, plan["review_due"], "review_due", True)
            order(cpath, started, due, "started/review_due")
            outcome_ids = set()
            for o in plan.get("outcomes") or []:
                shape(cpath + " outcome", o, "cycle", "plan", "outcomes", "[]")
                outcome_ids.add(o["id"])
            for pr in plan.get("provision") or []:
                if "ref" in pr:
                    keys(cpath + " provision", pr, {"ref"})  # `ref` or the fields in place, not both (records.md)
                    if pr["ref"] not in catalogue:
                        problem(cpath, f"ref {pr['ref']!r} not in catalogue")
                    stats["provision-ref"] += 1
                else:
                    shape(cpath + " provision", pr, "cycle", "plan", "provision", "[]", also=["name", "staff"] + sorted(COSTING))
                    stats["provision-in-place"] += 1
            if c.get("review") is None and stats["as_of"] and due is not None:
                days = (due - stats["as_of"]).days
                stats["open-plan"]["overdue" if days < 0 else "due" if days <= 14 else "later"] += 1
        review = c.get("review")
        if review is not None:
            shape(cpath + " review", review, "cycle", "review")
            rdate = date(cpath, review["date"], "review date", True)
            order(cpath, started, rdate, "started/review")
            shared = date(cpath, review.get("shared_with_parents"), "shared_with_parents")
            order(cpath, rdate, shared, "review/shared")
            if review.get("outcomes"):
                if outcome_ids is None:
                    problem(cpath, "review outcomes without plan")
                else:
                    for k, v in review["outcomes"].items():
                        if k not in outcome_ids:
                            problem(cpath, f"review outcome {k!r} not in plan")
                        if v not in ("achieved", "partly", "not-achieved"):
                            problem(cpath, f"bad outcome score {v!r}")
            if review["progress"] not in ("good", "expected", "less-than-expected", "little-or-none"):
                problem(cpath, "bad progress")
            if review.get("next") not in (None, "new-cycle", "specialist", "ehc-request", "exit"):
                problem(cpath, "bad next")
            stats["progress"][review["progress"]] += 1
            stats["next"][review.get("next")] += 1
            if review.get("parents_present") and shared is None:
                stats["unshared"] += 1
    stats["cycles"][n_cycles] += 1

    meetings_dir = os.path.join(base, "meetings")
    for name in sorted(os.listdir(meetings_dir)) if os.path.isdir(meetings_dir) else []:
        mpath = os.path.join(meetings_dir, name)
        m = load(mpath)
        shape(mpath, m, "meeting")
        mdate = date(mpath, m["date"], "date", True)
        shared = date(mpath, m.get("shared_with_parents"), "shared_with_parents")
        order(mpath, mdate, shared, "meeting/shared")
        stats["meetings"] += 1
        if m.get("parents_present") and shared is None:
            stats["unshared"] += 1

    ar_dir = os.path.join(base, "annual-reviews")
    n_ar = 0
    for name in sorted(os.listdir(ar_dir)) if os.path.isdir(ar_dir) else []:
        apath = os.path.join(ar_dir, name)
        a = load(apath)
        n_ar += 1
        shape(apath, a, "annual-review")
        meeting = date(apath, a["meeting"], "meeting", True)
        order(apath, issued, meeting, "issued/meeting")
        order(apath, date(apath, a.get("invitations_sent"), "invitations_sent"), meeting, "invitations/meeting")
        order(apath, meeting, date(apath, a.get("report_sent"), "report_sent"), "meeting/report_sent")
        order(apath, meeting, date(apath, a.get("la_decision"), "la_decision"), "meeting/la_decision")
        if a.get("la_outcome") not in (None, "maintain", "amend", "cease"):
            problem(apath, "bad la_outcome")
        if stats["as_of"] and meeting > stats["as_of"]:
            stats["ar-scheduled"]["invited" if a.get("invitations_sent") else "not invited"] += 1
    if status == "E" and left is None:
        stats["annual-reviews"][n_ar] += 1


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    root = args[0]
    global SHAPES
    SHAPES = Shapes(sen_binary(args))
    as_of = dt.date.fromisoformat(args[args.index("--as-of") + 1]) if "--as-of" in args else None
    stats = {
        "as_of": as_of, "status": Counter(), "left": Counter(), "assessment": Counter(),
        "cycles": Counter(), "annual-reviews": Counter(), "progress": Counter(), "next": Counter(),
        "open-plan": Counter(), "ar-scheduled": Counter(), "meetings": 0, "unshared": 0,
        "notified-null": 0, "provision-ref": 0, "provision-in-place": 0,
    }
    _, catalogue = check_school(root)
    upns = {}
    pupils = sorted(os.listdir(os.path.join(root, "pupils")))
    for pid in pupils:
        check_pupil(root, pid, catalogue, stats, upns)
    for upn, who in upns.items():
        if len(who) > 1:
            problem(root, f"UPN {upn} shared by {who}")
    files = sum(len([f for f in fs if f.endswith((".yaml", ".yml"))]) for _, _, fs in os.walk(root))
    print(f"{len(pupils)} pupils, {files} YAML files loaded")
    for k, v in stats.items():
        if k != "as_of":
            print(f"  {k}: {dict(sorted(v.items(), key=lambda kv: str(kv[0]))) if isinstance(v, Counter) else v}")
    for line in problems[:40]:
        print("PROBLEM", line)
    if problems:
        print(f"{len(problems)} problems")
        sys.exit(1)
    print("no problems")


if __name__ == "__main__":
    main()
