#!/usr/bin/env python3
"""An independent reference implementation of the duty rules of shared/spec/rules.md.

Reads a records root (shared/spec/records.md) and prints findings in the JSON shape of
`sen check --format json` (rule, paragraphs, kind, owner, pupil, due, days, file, message).
The validity rules (yaml, schema, upn, dates) are not implemented: the inputs are assumed
valid.

    python3 rules_ref.py --records DIR --as-of YYYY-MM-DD [--within DAYS]
"""

import argparse
import calendar
import datetime as dt
import json
import os
import sys

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

D = dt.date
DAY = dt.timedelta(days=1)

PARAGRAPHS = {
    "notification": ["6.43", "6.48"],
    "cycle-review": ["6.48", "6.53"],
    "support-plan": ["6.44"],
    "parent-meetings": ["6.65"],
    "record-shared": ["6.71"],
    "specialist": ["6.58", "6.59"],
    "ehc-consider": ["6.63"],
    "annual-review": ["6.56", "9.166", "9.178"],
    "annual-review-notice": ["9.176", "reg 20"],
    "annual-review-advice": ["9.176", "reg 20(4)"],
    "annual-review-report": ["9.176", "reg 20"],
    "la-decision": ["9.176", "reg 20"],
    "phase-transfer": ["9.179", "reg 18"],
    "adulthood": ["8.9", "9.166", "reg 20(6)"],
    "ehc-assessment": ["9.14", "9.17", "9.40"],
    "transfer-record": ["6.57", "pupil information reg 9"],
    "senco": ["6.84", "6.85", "reg 49"],
    "information-report": ["6.79", "6.81"],
}
LA_RULES = {"la-decision", "ehc-assessment"}

SECTIONS = [
    "kinds_of_sen", "identification_and_assessment", "consulting_parents",
    "consulting_pupils", "assessing_and_reviewing_progress", "transitions_and_adulthood",
    "teaching_approach", "adapting_curriculum_and_environment",
    "staff_expertise_and_training", "evaluating_effectiveness", "inclusion_in_activities",
    "emotional_and_social_development", "working_with_other_bodies", "complaints",
    "looked_after_children", "accessibility_and_admissions",
]

POOR = {"less-than-expected", "little-or-none"}


# ------------------------------------------------------------------------------------------
# Dates

def to_date(v):
    """A YAML value read as a date (PyYAML gives datetime.date for bare ISO dates)."""
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        s = v.strip()
        if not s:
            return None
        return dt.date.fromisoformat(s)
    raise ValueError(f"not a date: {v!r}")


def add_months(d, n):
    """Calendar months, the day clamped to the month's last day."""
    m0 = d.month - 1 + n
    y = d.year + m0 // 12
    m = m0 % 12 + 1
    last = calendar.monthrange(y, m)[1]
    return D(y, m, min(d.day, last))


def academic_start_year(d):
    """The calendar year in which the academic year (1 Sept - 31 Aug) containing d began."""
    return d.year if d.month >= 9 else d.year - 1


def birth_cohort_c(dob):
    """C: the calendar year of the 31 August that ends the pupil's year of birth."""
    return dob.year if dob.month < 9 else dob.year + 1


def age_on(dob, d):
    """Whole years since dob; a 29 Feb birthday falls on 28 Feb in a non-leap year."""
    years = d.year - dob.year
    bm, bd = dob.month, dob.day
    if bm == 2 and bd == 29 and not calendar.isleap(d.year):
        bd = 28
    if (d.month, d.day) < (bm, bd):
        years -= 1
    return years


def is_blank(v):
    if v is None:
        return True
    if isinstance(v, str) and v.strip() == "":
        return True
    return False


# ------------------------------------------------------------------------------------------
# Loading

def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


def record_files(folder):
    """The *.yaml / *.yml files of a records sub-folder (not hidden), sorted by name."""
    if not os.path.isdir(folder):
        return []
    out = []
    for name in sorted(os.listdir(folder)):
        if name.startswith("."):
            continue
        if not (name.endswith(".yaml") or name.endswith(".yml")):
            continue
        p = os.path.join(folder, name)
        if os.path.isfile(p):
            out.append(name)
    return out


class Pupil:
    def __init__(self, root, pid):
        self.id = pid
        self.dir = os.path.join(root, "pupils", pid)
        self.rel = f"pupils/{pid}"
        self.doc = load_yaml(os.path.join(self.dir, "pupil.yaml")) or {}
        self.cycles = [(f"{self.rel}/cycles/{n}", load_yaml(os.path.join(self.dir, "cycles", n)) or {})
                       for n in record_files(os.path.join(self.dir, "cycles"))]
        self.meetings = [(f"{self.rel}/meetings/{n}", load_yaml(os.path.join(self.dir, "meetings", n)) or {})
                         for n in record_files(os.path.join(self.dir, "meetings"))]
        self.reviews = [(f"{self.rel}/annual-reviews/{n}",
                         load_yaml(os.path.join(self.dir, "annual-reviews", n)) or {})
                        for n in record_files(os.path.join(self.dir, "annual-reviews"))]
        ep = os.path.join(self.dir, "ehcp.yaml")
        self.ehcp = load_yaml(ep) if os.path.isfile(ep) else None
        if self.ehcp is None and os.path.isfile(ep):
            self.ehcp = {}


# ------------------------------------------------------------------------------------------
# The check

class Checker:
    def __init__(self, root, as_of, within):
        self.root = root
        self.as_of = as_of
        self.school = load_yaml(os.path.join(root, "school.yaml")) or {}
        settings = self.school.get("settings") or {}

        def setting(key, default):
            v = settings.get(key)
            return default if v is None else v

        self.window = within if within is not None else int(setting("due_within_days", 14))
        self.new_cycle_days = int(setting("new_cycle_within_days", 28))
        self.share_days = int(setting("share_record_within_days", 14))
        self.transfer_years = [int(x) for x in setting("transfer_years", [6, 11])]
        self.terms = self.compute_terms()
        self.findings = []

    # ---- helpers ----

    def seen(self, d):
        """A done-date read at as-of: None when null or after as-of."""
        d = to_date(d)
        if d is None or d > self.as_of:
            return None
        return d

    def in_lookback(self, d):
        return self.as_of - 364 * DAY <= d <= self.as_of

    def add(self, rule, kind, pupil, due, days, file=None, message=""):
        self.findings.append({
            "rule": rule,
            "paragraphs": PARAGRAPHS[rule],
            "kind": kind,
            "owner": "la" if rule in LA_RULES else "school",
            "pupil": pupil,
            "due": due.isoformat() if due is not None else None,
            "days": days,
            "file": file,
            "line": None,
            "message": message,
        })

    def overdue_or_due(self, rule, pupil, due, file=None, message=""):
        a = self.as_of
        if due < a:
            self.add(rule, "overdue", pupil, due, (a - due).days, file, message)
        elif due <= a + self.window * DAY:
            self.add(rule, "due", pupil, due, (due - a).days, file, message)

    def late(self, rule, pupil, due, done, file=None, message=""):
        self.add(rule, "late", pupil, due, (done - due).days, file, message)

    def compute_terms(self):
        a = academic_start_year(self.as_of)
        lo, hi = D(a, 9, 1), D(a + 1, 8, 31)
        terms = []
        for t in self.school.get("terms") or []:
            s, e = to_date(t.get("start")), to_date(t.get("end"))
            if s is not None and lo <= s <= hi:
                terms.append((t.get("name"), s, e))
        if not terms:
            terms = [("Autumn", D(a, 9, 1), D(a, 12, 31)),
                     ("Spring", D(a + 1, 1, 1), D(a + 1, 3, 31)),
                     ("Summer", D(a + 1, 4, 1), D(a + 1, 7, 31))]
        return terms

    def nc_year(self, p, d):
        yg = p.doc.get("year_group")
        if yg is not None:
            return int(yg) + academic_start_year(d) - academic_start_year(self.as_of)
        dob = to_date(p.doc["dob"])
        return academic_start_year(d) - birth_cohort_c(dob) - 4

    # ---- pupil state at as-of ----

    def on_register(self, p, d):
        sen = p.doc.get("sen") or {}
        if sen.get("status") not in ("K", "E"):
            return False
        since = self.seen(sen.get("since"))
        if since is None or since > d:
            return False
        left = self.seen(p.doc.get("left"))
        return left is None or left > d

    def cycles_at(self, p):
        """The cycles that exist at as-of, each as a dict view with absent parts removed."""
        out = []
        for file, c in p.cycles:
            started = self.seen(c.get("started"))
            if started is None:
                continue
            plan = c.get("plan")
            if plan is not None:
                agreed = to_date(plan.get("agreed"))
                if agreed is not None and agreed > self.as_of:
                    plan = None
            review = c.get("review")
            if review is not None:
                rd = to_date(review.get("date"))
                if rd is None or rd > self.as_of:
                    review = None
            specialists = []
            assess = c.get("assess") or {}
            for s in assess.get("specialists") or []:
                sd = to_date((s or {}).get("date")) if isinstance(s, dict) else None
                if sd is not None and sd > self.as_of:
                    continue
                specialists.append(s)
            out.append({
                "file": file,
                "name": file.rsplit("/", 1)[-1],
                "started": started,
                "plan": plan,
                "review": review,
                "review_date": to_date(review.get("date")) if review else None,
                "specialists": specialists,
            })
        return out

    @staticmethod
    def reviewed_desc(cycles):
        rev = [c for c in cycles if c["review"] is not None]
        # latest by review.date, then later started, then file name
        rev.sort(key=lambda c: (c["review_date"], c["started"], c["name"]), reverse=True)
        return rev

    def held_reviews(self, p):
        out = []
        for file, r in p.reviews:
            m = to_date(r.get("meeting"))
            if m is not None and m <= self.as_of:
                out.append((file, r, m))
        out.sort(key=lambda x: (x[2], x[0]))
        return out

    def assessment_at(self, p):
        if p.ehcp is None:
            return None
        a = p.ehcp.get("assessment")
        if a is None:
            return None
        req = to_date(a.get("requested"))
        if req is not None and req > self.as_of:
            return None
        return a

    # ---- the rules ----

    def run(self):
        self.school_rules()
        pupils_dir = os.path.join(self.root, "pupils")
        ids = sorted(n for n in os.listdir(pupils_dir)
                     if not n.startswith(".") and os.path.isdir(os.path.join(pupils_dir, n))
                     and os.path.isfile(os.path.join(pupils_dir, n, "pupil.yaml")))
        self.on_register_count = 0
        for pid in ids:
            p = Pupil(self.root, pid)
            self.transfer_record(p)
            if not self.on_register(p, self.as_of):
                continue
            self.on_register_count += 1
            self.pupil_rules(p)
        return self.findings

    def school_days_after(self, day, n):
        """The nth Monday-to-Friday day after `day` inside a term: the school's terms for an
        academic year that has any, else that year's default terms."""
        d, count = day, 0
        while True:
            d = d + DAY
            if d.weekday() < 5 and any(s <= d <= e for _, s, e in self.terms_of_year(d)):
                count += 1
                if count == n:
                    return d

    def terms_of_year(self, d):
        a = academic_start_year(d)
        lo, hi = D(a, 9, 1), D(a + 1, 8, 31)
        terms = []
        for t in self.school.get("terms") or []:
            s, e = to_date(t.get("start")), to_date(t.get("end"))
            if s is not None and lo <= s <= hi:
                terms.append((t.get("name"), s, e))
        return terms or [("Autumn", D(a, 9, 1), D(a, 12, 31)),
                         ("Spring", D(a + 1, 1, 1), D(a + 1, 3, 31)),
                         ("Summer", D(a + 1, 4, 1), D(a + 1, 7, 31))]

    def transfer_record(self, p):
        """transfer-record (0.2): a leaver with `transfer` who was on the register the day
        before leaving; due the 15th school day after `left`."""
        left = self.seen(p.doc.get("left"))
        transfer = p.doc.get("transfer")
        if left is None or not isinstance(transfer, dict):
            return
        if not self.on_register_before_leaving(p, left - DAY):
            return
        due = self.school_days_after(left, 15)
        sent = self.seen(transfer.get("sen_record_sent"))
        pfile = f"{p.rel}/pupil.yaml"
        if sent is None:
            self.overdue_or_due("transfer-record", p.id, due, pfile, "send the SEN record")
        elif sent > due and self.in_lookback(sent):
            self.late("transfer-record", p.id, due, sent, pfile, "SEN record sent late")

    def on_register_before_leaving(self, p, d):
        sen = p.doc.get("sen") or {}
        if sen.get("status") not in ("K", "E"):
            return False
        since = to_date(sen.get("since"))
        return since is not None and since <= d

    def school_rules(self):
        a = self.as_of
        senco = self.school.get("senco")
        if senco is None or not isinstance(senco, dict):
            self.add("senco", "invalid", None, None, None, "school.yaml", "no SENCO")
        else:
            if (is_blank(senco.get("name"))
                    or (is_blank(senco.get("email")) and is_blank(senco.get("phone")))
                    or senco.get("qualified_teacher") is not True):
                self.add("senco", "invalid", None, None, None, "school.yaml", "SENCO incomplete")
            # 0.2: reg 49 as amended by SI 2024/535.
            months = senco.get("previously_senco_months")
            months = 0 if months is None else int(months)
            q = senco.get("qualification")
            if senco.get("national_award") is not None:
                q = {"kind": "nasenco", "achieved": senco.get("national_award")}
            q = q if isinstance(q, dict) else None
            npq_from, award_until = D(2024, 9, 1), D(2027, 9, 1)
            kind = q.get("kind") if q else None
            started = to_date(q.get("started")) if q else None
            achieved = self.seen(q.get("achieved")) if q else None
            award_in_time = kind == "nasenco" and (started is None or started < npq_from)
            counts = achieved is not None and (
                kind == "npq-senco" or (award_in_time and achieved < award_until))
            appointed = to_date(senco.get("appointed"))
            if months <= 12 and not counts and appointed is not None:
                due = add_months(appointed, 36)
                if award_in_time and achieved is None:
                    due = min(due, award_until - DAY)
                self.overdue_or_due("senco", None, due, "school.yaml", "qualification")
        ir = self.school.get("information_report") or {}
        published = self.seen(ir.get("published"))
        if published is None:
            self.add("information-report", "overdue", None, None, None, "school.yaml",
                     "no published date")
        else:
            self.overdue_or_due("information-report", None, add_months(published, 12),
                                "school.yaml", "annual update")
        sections = ir.get("sections") or {}
        for s in SECTIONS:
            if is_blank(sections.get(s)):
                self.add("information-report", "incomplete", None, None, None, "school.yaml",
                         f"section {s}")

    def pupil_rules(self, p):
        a = self.as_of
        pid = p.id
        sen = p.doc.get("sen") or {}
        status = sen.get("status")
        since = self.seen(sen.get("since"))
        pfile = f"{p.rel}/pupil.yaml"
        cycles = self.cycles_at(p)
        reviewed = self.reviewed_desc(cycles)
        open_cycles = [c for c in cycles if c["review"] is None]

        # notification
        # 0.2: one deadline for both forms, sen.since + 14 days
        pn = self.seen(sen.get("parents_notified"))
        deadline = since + 14 * DAY
        if pn is None:
            self.overdue_or_due("notification", pid, deadline, pfile, "parents not notified")
        else:
            if pn > deadline and self.in_lookback(pn):
                self.late("notification", pid, deadline, pn, pfile, "notified late")

        # cycle-review
        for c in open_cycles:
            if c["plan"] is not None:
                rd = to_date(c["plan"].get("review_due"))
                if rd is not None:
                    self.overdue_or_due("cycle-review", pid, rd, c["file"], "cycle review")

        # support-plan
        if status == "K" and not open_cycles:
            if not cycles:
                self.overdue_or_due("support-plan", pid, since + self.new_cycle_days * DAY,
                                    pfile, "no cycle")
            elif reviewed:
                latest = reviewed[0]
                if latest["review"].get("next") != "exit":
                    self.overdue_or_due("support-plan", pid,
                                        latest["review_date"] + self.new_cycle_days * DAY,
                                        latest["file"], "no new cycle")

        # parent-meetings
        contacts = []
        for file, m in p.meetings:
            md = self.seen(m.get("date"))
            if md is not None and m.get("parents_present") is True:
                contacts.append(md)
        for c in cycles:
            if c["review"] is not None and c["review"].get("parents_present") is True:
                contacts.append(c["review_date"])
        for file, r, md in self.held_reviews(p):
            if r.get("parents_present") is True:
                contacts.append(md)
        for name, ts, te in self.terms:
            if te < a:
                if self.on_register(p, ts) and self.on_register(p, te):
                    if not any(ts <= x <= te for x in contacts):
                        self.add("parent-meetings", "overdue", pid, te, (a - te).days, pfile,
                                 f"no parent contact in {name}")
            elif ts <= a <= te:
                if self.on_register(p, ts) and not any(ts <= x <= a for x in contacts):
                    if te <= a + self.window * DAY:
                        self.add("parent-meetings", "due", pid, te, (te - a).days, pfile,
                                 f"no parent contact yet in {name}")

        # record-shared
        events = []
        for c in cycles:
            if c["review"] is not None and c["review"].get("parents_present") is True:
                events.append((c["file"], c["review_date"], c["review"].get("shared_with_parents")))
        for file, m in p.meetings:
            md = self.seen(m.get("date"))
            if md is not None and m.get("parents_present") is True:
                events.append((file, md, m.get("shared_with_parents")))
        for file, ed, shared in events:
            shared = self.seen(shared)
            deadline = ed + self.share_days * DAY
            if shared is None:
                self.overdue_or_due("record-shared", pid, deadline, file, "record not shared")
            elif shared > deadline and self.in_lookback(ed):
                self.late("record-shared", pid, deadline, shared, file, "record shared late")

        # specialist
        if len(reviewed) >= 2:
            two = reviewed[:2]
            if all(c["review"].get("progress") in POOR for c in two) and \
                    all(not c["specialists"] for c in two):
                self.add("specialist", "advice", pid, None, None, two[0]["file"], "specialist")

        # ehc-consider
        if status == "K" and len(reviewed) >= 3:
            three = reviewed[:3]
            if all(c["review"].get("progress") == "little-or-none" for c in three) and \
                    self.assessment_at(p) is None:
                self.add("ehc-consider", "advice", pid, None, None, three[0]["file"], "ehc")

        # annual-review
        dob = to_date(p.doc["dob"])
        held = self.held_reviews(p)
        issued = self.seen(p.ehcp.get("issued")) if p.ehcp is not None else None

        def next_due(last):
            return add_months(last, 6 if age_on(dob, last) < 5 else 12)

        if status == "E":
            last = held[-1][2] if held else issued
            if last is not None:
                self.overdue_or_due("annual-review", pid, next_due(last),
                                    held[-1][0] if held else f"{p.rel}/ehcp.yaml", "annual review")
            prev = issued
            for file, r, md in held:
                if prev is not None:
                    due = next_due(prev)
                    if md > due and self.in_lookback(md):
                        self.late("annual-review", pid, due, md, file, "annual review late")
                prev = md

        # annual-review-notice, annual-review-advice (0.3): the same shape, two keys
        for rule, key in (("annual-review-notice", "invitations_sent"),
                          ("annual-review-advice", "advice_circulated")):
            for file, r in p.reviews:
                md = to_date(r.get("meeting"))
                if md is None:
                    continue
                inv = self.seen(r.get(key))
                deadline = md - 14 * DAY
                if inv is not None:
                    if inv > deadline and (md > a or self.in_lookback(md)):
                        self.late(rule, pid, deadline, inv, file, key + " late")
                elif md > a:
                    self.overdue_or_due(rule, pid, deadline, file, key)
                elif self.in_lookback(md):
                    self.add(rule, "incomplete", pid, None, None, file, key + " not recorded")

        # annual-review-report, la-decision
        for file, r, md in held:
            for rule, key, ndays in (("annual-review-report", "report_sent", 14),
                                     ("la-decision", "la_decision", 28)):
                done = self.seen(r.get(key))
                deadline = md + ndays * DAY
                if done is None:
                    self.overdue_or_due(rule, pid, deadline, file, key)
                elif done > deadline and self.in_lookback(md):
                    self.late(rule, pid, deadline, done, file, key + " late")

        # phase-transfer
        if status == "E":
            ncy = self.nc_year(p, a)
            if ncy in self.transfer_years:
                ay = academic_start_year(a)
                deadline = D(ay + 1, 3, 31) if ncy == 11 else D(ay + 1, 2, 15)
                start = D(ay, 9, 1)
                ok = any(start <= to_date(r.get("meeting")) <= deadline
                         for _, r in p.reviews if to_date(r.get("meeting")) is not None)
                if not ok:
                    self.overdue_or_due("phase-transfer", pid, deadline, pfile, "phase transfer")

        # adulthood
        for file, r, md in held:
            if self.nc_year(p, md) >= 9 and is_blank(r.get("preparing_for_adulthood")) \
                    and self.in_lookback(md):
                self.add("adulthood", "incomplete", pid, None, None, file, "preparing for adulthood")

        # ehc-assessment
        if status in ("K", "E"):
            asmt = self.assessment_at(p)
            if asmt is not None:
                req = to_date(asmt.get("requested"))
                dec = self.seen(asmt.get("decision"))
                outcome = asmt.get("decision_outcome") if dec is not None else None
                final = self.seen(asmt.get("final"))
                efile = f"{p.rel}/ehcp.yaml"
                if req is not None:
                    d42 = req + 42 * DAY
                    d140 = req + 140 * DAY
                    if dec is None:
                        self.overdue_or_due("ehc-assessment", pid, d42, efile, "decision")
                    if outcome == "assess" and final is None:
                        self.overdue_or_due("ehc-assessment", pid, d140, efile, "final plan")
                    if dec is not None and dec > d42 and self.in_lookback(dec):
                        self.late("ehc-assessment", pid, d42, dec, efile, "decision late")
                    if final is not None and final > d140 and self.in_lookback(final):
                        self.late("ehc-assessment", pid, d140, final, efile, "final late")


KIND_ORDER = {"invalid": 0, "overdue": 1, "late": 2, "due": 3, "incomplete": 4, "advice": 5}


def sort_key(f):
    k = KIND_ORDER[f["kind"]]
    if f["kind"] in ("overdue", "late"):
        primary = (0 if f["days"] is None else 1, -(f["days"] or 0))
    elif f["kind"] == "due":
        primary = (f["due"] or "",)
    else:
        primary = ()
    return (k, primary, (0, "") if f["pupil"] is None else (1, f["pupil"]), f["rule"],
            f["file"] or "")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--records", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--within", type=int, default=None)
    args = ap.parse_args(argv)
    as_of = dt.date.fromisoformat(args.as_of)
    chk = Checker(args.records, as_of, args.within)
    findings = chk.run()
    findings.sort(key=sort_key)
    counts = {k: 0 for k in KIND_ORDER}
    for f in findings:
        counts[f["kind"]] += 1
    json.dump({
        "as_of": as_of.isoformat(),
        "window_days": chk.window,
        "pupils_on_register": chk.on_register_count,
        "findings": findings,
        "counts": counts,
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
