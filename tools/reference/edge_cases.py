#!/usr/bin/env python3
"""Hand-made records roots with one pupil per corner of rules.md, for difftest.py.

    python3 edge_cases.py OUTDIR      # writes OUTDIR/edge-a (school terms, custom settings)
                                      # and OUTDIR/edge-b (no terms, default settings)

Each pupil's id says what it exercises. The records are meant to be valid (no `yaml`,
`schema`, `dates` findings); difftest.py reports any pupil that is not.
"""

import os
import sys

SECTIONS = [
    "kinds_of_sen", "identification_and_assessment", "consulting_parents",
    "consulting_pupils", "assessing_and_reviewing_progress", "transitions_and_adulthood",
    "teaching_approach", "adapting_curriculum_and_environment",
    "staff_expertise_and_training", "evaluating_effectiveness", "inclusion_in_activities",
    "emotional_and_social_development", "working_with_other_bodies", "complaints",
    "looked_after_children", "accessibility_and_admissions",
]


def y(v):
    """A scalar in YAML."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, str) and (v.strip() == "" or ":" in v):
        return '"' + v + '"'
    return str(v)


def pupil(dob, status="K", since="2025-09-01", notified="same", need="MLD", left=None,
          year_group=None, ended=None, transfer=None):
    if notified == "same":
        notified = since
    out = [f"name: {{ given: Test, family: Pupil }}", f"dob: {dob}"]
    if year_group is not None:
        out.append(f"year_group: {year_group}")
    out += ["sen:", f"  status: {status}", f"  since: {since}",
            f"  parents_notified: {y(notified)}"]
    if status in ("K", "E"):
        out.append(f"  primary_need: {need}")
    if ended:
        out.append(f"  ended: {ended}")
    out.append("contacts:\n  - { name: Ms Parent, relationship: mother, parental_responsibility: true }")
    if left:
        out.append(f"left: {left}")
    if transfer is not None:
        out.append(f"transfer: {{ school: Next School, sen_record_sent: {y(transfer)} }}")
    return "\n".join(out) + "\n"


def cycle(started, agreed="plan", review_due=None, review=None, specialists=None, plan=True):
    out = [f"started: {started}"]
    if specialists is not None:
        out.append("assess:\n  summary: x\n  specialists:")
        for role, date in specialists:
            out.append(f"    - {{ role: {role}, date: {y(date)}, advice: some advice }}")
    if plan:
        out.append("plan:")
        if agreed == "plan":
            agreed = started
        if agreed is not None:
            out.append(f"  agreed: {agreed}")
        out.append("  agreed_with_parents: true")
        out.append(f"  review_due: {review_due}")
    if review:
        out.append("review:")
        for k, v in review.items():
            out.append(f"  {k}: {y(v)}")
    return "\n".join(out) + "\n"


def rev(date, progress="expected", nxt="new-cycle", pp=True, shared="same"):
    if shared == "same":
        shared = date
    return {"date": date, "parents_present": pp, "progress": progress, "next": nxt,
            "shared_with_parents": shared}


def meeting(date, pp=True, shared="same"):
    if shared == "same":
        shared = date
    return (f"date: {date}\nparents_present: {y(pp)}\npurpose: termly meeting\n"
            f"shared_with_parents: {y(shared)}\n")


def ar(meeting_, inv=None, pp=None, pfa=None, report=None, la=None, outcome=None, adv="inv"):
    out = [f"meeting: {meeting_}", f"invitations_sent: {y(inv)}"]
    # (0.3) advice_circulated: by default with the invitations
    out.append(f"advice_circulated: {y(inv if adv == 'inv' else adv)}")
    if pp is not None:
        out.append(f"parents_present: {y(pp)}")
    if pfa is not None:
        out.append(f"preparing_for_adulthood: {y(pfa)}")
    out.append(f"report_sent: {y(report)}")
    out.append(f"la_decision: {y(la)}")
    if outcome:
        out.append(f"la_outcome: {outcome}")
    return "\n".join(out) + "\n"


def ehcp(issued=None, requested=None, decision=None, outcome=None, draft=None, final=None):
    out = ["local_authority: Salford"]
    if requested or decision or final:
        out.append("assessment:")
        for k, v in (("requested", requested), ("decision", decision),
                     ("decision_outcome", outcome), ("draft", draft), ("final", final)):
            if v is not None:
                out.append(f"  {k}: {v}")
    if issued:
        out.append(f"issued: {issued}")
    return "\n".join(out) + "\n"


def pupils():
    P = {}

    # notification
    P["a01-notif-null"] = {"pupil.yaml": pupil("2018-05-01", since="2026-10-05", notified=None)}
    P["a02-notif-late"] = {"pupil.yaml": pupil("2018-05-01", since="2026-03-02", notified="2026-09-20")}
    P["a03-notif-future"] = {"pupil.yaml": pupil("2018-05-01", since="2026-09-10", notified="2026-11-30")}
    P["a04-since-future"] = {"pupil.yaml": pupil("2018-05-01", since="2027-02-01", notified="2027-02-03")}
    P["a05-left-midyear"] = {
        "pupil.yaml": pupil("2017-05-01", since="2025-09-01", left="2027-01-15"),
        "meetings/m1.yaml": meeting("2026-10-01"),
        "cycles/c1.yaml": cycle("2026-09-01", review_due="2027-06-01"),
    }
    P["a06-since-midterm"] = {
        "pupil.yaml": pupil("2017-05-01", since="2026-10-15"),
        "cycles/c1.yaml": cycle("2026-10-20", review_due="2027-07-01"),
    }
    # point in time inside cycles: plan agreed later, review later, specialist later
    P["a07-cycles-future"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01", notified="2025-06-02"),
        "cycles/2026-06-01.yaml": cycle("2026-06-01", agreed="2026-06-05", review_due="2026-07-10",
                                        review=rev("2026-07-08", "little-or-none", shared="2026-07-30")),
        "cycles/2026-09-10.yaml": cycle("2026-09-10", agreed="2026-10-20", review_due="2026-12-01",
                                        specialists=[("educational psychologist", "2027-01-20")],
                                        review=rev("2026-12-15", "little-or-none", shared=None)),
        "cycles/2027-01-10.yaml": cycle("2027-01-10", plan=False),
    }
    P["a08-plan-agreed-null"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01"),
        "cycles/c.yaml": cycle("2026-09-05", agreed=None, review_due="2026-10-15"),
    }
    # ties in "latest reviewed cycle"
    P["a09-specialist-tie"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01"),
        "cycles/a.yaml": cycle("2026-09-20", review_due="2026-12-01",
                               review=rev("2026-12-01", "little-or-none")),
        "cycles/b.yaml": cycle("2026-09-01", review_due="2026-11-01",
                               review=rev("2026-11-01", "less-than-expected")),
        "cycles/c.yaml": cycle("2026-08-01", review_due="2026-11-01", review=rev("2026-11-01", "good")),
    }
    P["a10-ehc-consider-tie"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01"),
        "cycles/x.yaml": cycle("2026-11-16", review_due="2026-12-01", review=rev("2026-12-01", "little-or-none")),
        "cycles/y.yaml": cycle("2026-11-02", review_due="2026-11-15", review=rev("2026-11-15", "little-or-none")),
        "cycles/z.yaml": cycle("2026-10-01", review_due="2026-11-01", review=rev("2026-11-01", "little-or-none")),
        "cycles/w.yaml": cycle("2026-09-01", review_due="2026-11-01", review=rev("2026-11-01", "good")),
    }
    P["a10b-filename-tie"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01"),
        "cycles/c1.yaml": cycle("2026-09-07", review_due="2026-11-01",
                                review=rev("2026-11-02", "little-or-none", nxt="exit")),
        "cycles/c2.yaml": cycle("2026-09-07", review_due="2026-11-01",
                                review=rev("2026-11-02", "less-than-expected", nxt="new-cycle")),
        "cycles/c0.yaml": cycle("2026-06-01", review_due="2026-07-01",
                                review=rev("2026-07-01", "little-or-none")),
    }
    P["a11-ehc-consider-future-request"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01"),
        "cycles/1.yaml": cycle("2026-03-02", review_due="2026-05-01", review=rev("2026-05-01", "little-or-none")),
        "cycles/2.yaml": cycle("2026-05-04", review_due="2026-07-10", review=rev("2026-07-10", "little-or-none")),
        "cycles/3.yaml": cycle("2026-09-07", review_due="2026-11-20", review=rev("2026-11-20", "little-or-none")),
        "cycles/4.yaml": cycle("2026-11-23", review_due="2027-06-20"),
        "ehcp.yaml": ehcp(requested="2027-02-01"),
    }
    # ehc-assessment
    P["a12-assess-decision-late"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01"),
        "cycles/1.yaml": cycle("2026-09-07", review_due="2027-07-01"),
        "ehcp.yaml": ehcp(requested="2026-09-01", decision="2026-11-20", outcome="assess"),
    }
    P["a13-assess-refuse"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-06-01"),
        "cycles/1.yaml": cycle("2026-09-07", review_due="2027-07-01"),
        "ehcp.yaml": ehcp(requested="2026-10-01", decision="2026-10-20", outcome="refuse"),
    }
    P["a14-final-late"] = {
        "pupil.yaml": pupil("2016-05-01", status="E", since="2025-06-01"),
        "ehcp.yaml": ehcp(requested="2026-01-05", decision="2026-02-10", outcome="assess",
                          draft="2026-05-01", final="2026-06-20", issued="2026-06-20"),
    }
    P["a14b-final-future"] = {
        "pupil.yaml": pupil("2016-05-01", status="E", since="2025-06-01"),
        "ehcp.yaml": ehcp(requested="2026-07-01", decision="2026-08-05", outcome="assess",
                          draft="2026-10-01", final="2026-12-01", issued="2026-12-01"),
    }
    # annual reviews, 29 February, clamped months
    P["a15-29feb-age5"] = {
        "pupil.yaml": pupil("2020-02-29", status="E", since="2023-09-01"),
        "ehcp.yaml": ehcp(issued="2024-08-28"),
        "annual-reviews/1.yaml": ar("2025-02-28", inv="2025-02-10", pp=True, report="2025-03-05", la="2025-03-20"),
        "annual-reviews/2.yaml": ar("2026-03-10", inv="2026-02-20", pp=True, report="2026-03-30", la="2026-04-01"),
        "annual-reviews/3.yaml": ar("2027-03-05", inv=None, pp=True, report="2027-03-12", la="2027-04-15"),
    }
    P["a16-29feb-age4"] = {
        "pupil.yaml": pupil("2020-02-29", status="E", since="2023-09-01"),
        "ehcp.yaml": ehcp(issued="2024-08-27"),
        "annual-reviews/1.yaml": ar("2025-02-27", inv="2025-02-10", pp=True, report="2025-03-05", la="2025-03-20"),
        "annual-reviews/2.yaml": ar("2025-09-10", inv="2025-08-20", pp=True, report="2025-09-15", la="2025-09-30"),
    }
    P["a17-clamp-31aug"] = {
        "pupil.yaml": pupil("2022-03-01", status="E", since="2025-09-01", need="DS"),
        "ehcp.yaml": ehcp(issued="2026-08-31"),
    }
    P["a18-nc11"] = {
        "pupil.yaml": pupil("2011-03-15", status="E", since="2019-09-01"),
        "ehcp.yaml": ehcp(issued="2020-05-01"),
        "annual-reviews/1.yaml": ar("2026-05-10", inv="2026-04-20", pp=True, pfa="   ", report="2026-05-20", la="2026-06-01"),
        "annual-reviews/2.yaml": ar("2027-04-01", inv="2027-03-10", adv="2027-03-19"),
    }
    P["a19-nc6-born-1sep"] = {
        "pupil.yaml": pupil("2015-09-01", status="E", since="2019-09-01"),
        "ehcp.yaml": ehcp(issued="2025-10-01"),
        "annual-reviews/1.yaml": ar("2027-02-15", inv="2027-02-01", adv=None),
    }
    P["a20-nc7-born-31aug"] = {
        "pupil.yaml": pupil("2015-08-31", status="E", since="2019-09-01"),
        "ehcp.yaml": ehcp(issued="2025-10-01"),
    }
    P["a21-year-group-9"] = {
        "pupil.yaml": pupil("2014-01-01", status="E", since="2019-09-01", year_group=9),
        "ehcp.yaml": ehcp(issued="2025-06-01"),
        "annual-reviews/1.yaml": ar("2026-06-20", inv="2026-06-01", pp=True, report="2026-06-25", la="2026-07-01"),
        "annual-reviews/2.yaml": ar("2026-11-20", inv="2026-11-01", pp=False, report="2026-11-25", la="2026-12-01", adv="2026-11-06"),
    }
    P["a22-k-with-annual-reviews"] = {
        "pupil.yaml": pupil("2011-01-01", status="K", since="2019-09-01"),
        "cycles/1.yaml": cycle("2026-09-07", review_due="2027-07-01"),
        "annual-reviews/1.yaml": ar("2026-10-10", inv=None, pp=True),
    }
    P["a23-holiday-contacts"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-01-01"),
        "cycles/1.yaml": cycle("2026-09-01", agreed="2026-09-05", review_due="2027-07-15"),
        "meetings/1.yaml": meeting("2026-10-28"),
        "meetings/2.yaml": meeting("2026-12-22"),
        "meetings/3.yaml": meeting("2027-01-04", pp=False, shared=None),
        "meetings/4.yaml": meeting("2027-04-01"),
        "meetings/5.yaml": meeting("2026-09-01", shared=None),
        "meetings/6.yaml": meeting("2026-08-31", shared="2026-09-20"),
    }
    P["a24-scheduled-ar-parents"] = {
        "pupil.yaml": pupil("2012-06-01", status="E", since="2019-09-01"),
        "ehcp.yaml": ehcp(issued="2023-01-10"),
        "annual-reviews/1.yaml": ar("2026-01-08", inv="2025-12-10", pp=True, pfa="Thinking about college",
                                    report="2026-01-15", la="2026-02-10"),
        "annual-reviews/2.yaml": ar("2027-01-07", inv="2026-12-28", pp=True, pfa="More independence",
                                    report="2027-01-12", la="2027-02-20"),
    }
    P["a25-not-present"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-01-01"),
        "cycles/1.yaml": cycle("2026-09-01", review_due="2026-10-15",
                               review=rev("2026-10-14", pp=False, shared="2026-12-20")),
        "cycles/2.yaml": cycle("2026-10-19", review_due="2027-07-15"),
        "meetings/1.yaml": meeting("2026-11-10", pp=False, shared=None),
        "meetings/2.yaml": meeting("2026-11-11", pp=False, shared="2027-01-20"),
    }
    P["a26-status-n"] = {
        "pupil.yaml": pupil("2016-05-01", status="N", since="2024-01-01", ended="2026-01-01"),
    }
    P["a27-ar-invite-late-scheduled"] = {
        "pupil.yaml": pupil("2011-10-10", status="E", since="2019-09-01"),
        "ehcp.yaml": ehcp(issued="2022-11-01"),
        "annual-reviews/1.yaml": ar("2025-11-03", inv="2025-10-01", pp=True, pfa="x", report="2025-11-10", la="2025-11-20"),
        "annual-reviews/2.yaml": ar("2026-11-02", inv="2026-10-25", pp=True, pfa="y", adv="2026-10-19"),
    }
    P["a28-issued-future"] = {
        "pupil.yaml": pupil("2014-05-01", status="E", since="2025-09-01"),
        "ehcp.yaml": ehcp(requested="2026-02-01", decision="2026-03-01", outcome="assess",
                          final="2026-12-10", issued="2026-12-10"),
    }
    P["a29-left-future"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-01-01", left="2027-05-20"),
        "cycles/1.yaml": cycle("2026-09-01", review_due="2026-12-01", review=rev("2026-12-01", "good", shared=None)),
    }
    P["a30-shared-future"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-01-01"),
        "cycles/1.yaml": cycle("2026-09-01", review_due="2026-12-01",
                               review=rev("2026-12-01", "good", shared="2026-12-09")),
        "cycles/2.yaml": cycle("2026-12-02", review_due="2027-07-01"),
        "meetings/1.yaml": meeting("2027-02-01", shared="2027-02-09"),
        "meetings/2.yaml": meeting("2027-03-01", shared="2027-03-30"),
    }
    P["a31-yml-and-multiple-open"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-01-01"),
        "cycles/1.yml": cycle("2026-09-01", review_due="2026-10-20"),
        "cycles/2.yaml": cycle("2026-09-15", review_due="2026-11-20"),
    }
    # transfer-record (0.2): 15 school days after leaving, over the school's terms.
    P["a32-left-on-a-friday"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-01-01", left="2026-10-23", transfer=None),
    }
    P["a33-left-in-the-summer-holiday"] = {
        "pupil.yaml": pupil("2015-05-01", since="2025-01-01", left="2027-07-23",
                            transfer="2027-09-24"),
    }
    P["a34-off-the-register-before-leaving"] = {
        "pupil.yaml": pupil("2016-05-01", status="N", since="2025-01-01", ended="2026-09-30",
                            left="2026-11-13", transfer=None),
    }
    P["a35-record-sent-late"] = {
        "pupil.yaml": pupil("2016-05-01", status="E", since="2025-01-01", left="2026-11-06",
                            transfer="2026-12-21"),
        "ehcp.yaml": ehcp(issued="2025-06-01"),
    }
    P["a36-record-sent-on-time"] = {
        "pupil.yaml": pupil("2016-05-01", since="2025-01-01", left="2027-02-12",
                            transfer="2027-02-19"),
    }
    return P


def school(terms, settings, senco, published, sections_blank=(), sections_missing=()):
    out = ["school:", "  name: Edge Case School", "  urn: \"123456\"", "  local_authority: Salford"]
    out += senco
    out.append("local_offer: https://www.example.gov.uk/local-offer")
    if terms is not None:
        out.append("terms:")
        for n, s, e in terms:
            out.append(f"  - {{ name: {n}, start: {s}, end: {e} }}")
    if settings:
        out.append("settings:")
        for k, v in settings.items():
            out.append(f"  {k}: {v}")
    out.append("information_report:")
    if published:
        out.append(f"  published: {published}")
    out.append("  sections:")
    for s in SECTIONS:
        if s in sections_missing:
            continue
        out.append(f"    {s}: {y('  ') if s in sections_blank else 'Some words.'}")
    return "\n".join(out) + "\n"


def write_root(root, school_yaml, pupil_files):
    os.makedirs(os.path.join(root, "pupils"), exist_ok=True)
    with open(os.path.join(root, "school.yaml"), "w", encoding="utf-8") as f:
        f.write(school_yaml)
    for pid, files in pupil_files.items():
        for name, text in files.items():
            p = os.path.join(root, "pupils", pid, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)


def main(out):
    P = pupils()
    a = school(
        terms=[("Autumn", "2025-09-03", "2025-12-19"),
               ("Autumn", "2026-09-02", "2026-12-18"), ("Spring", "2027-01-04", "2027-03-26"),
               ("Summer", "2027-04-12", "2027-07-20"), ("Autumn", "2027-09-06", "2027-12-17")],
        settings={"due_within_days": 10, "new_cycle_within_days": 20,
                  "share_record_within_days": 10, "transfer_years": "[6, 9, 11]"},
        senco=["senco:", "  name: Ms S", "  email: s@example.org", "  qualified_teacher: true",
               "  appointed: 2024-02-29", "  previously_senco_months: 12",
               "  national_award: 2027-03-05"],
        published="2026-03-31",
        sections_blank=("complaints",), sections_missing=("looked_after_children",))
    write_root(os.path.join(out, "edge-a"), a, P)
    b = school(
        terms=None, settings={},
        senco=["senco:", "  name: Ms S", "  phone: \"0161 000 0000\"", "  qualified_teacher: false",
               "  appointed: 2023-10-31", "  previously_senco_months: 13"],
        published="2027-01-31")
    write_root(os.path.join(out, "edge-b"), b, P)
    c = school(
        terms=None, settings={},
        senco=["senco:", "  name: Ms S", "  phone: \"0161 000 0000\"", "  qualified_teacher: true",
               "  appointed: 2023-10-31"],
        published=None)
    write_root(os.path.join(out, "edge-c"), c, {k: v for k, v in P.items() if k < "a05"})
    # The SENCO's qualification in each form (reg 49 as amended by SI 2024/535).
    forms = {
        "edge-d-npq": ["  appointed: 2024-09-15", "  qualification: { kind: npq-senco, started: 2024-10-01, achieved: 2027-06-30 }"],
        "edge-e-award-in-progress": ["  appointed: 2025-01-10", "  qualification: { kind: nasenco, started: 2024-03-01, achieved: null }"],
        "edge-f-award-begun-too-late": ["  appointed: 2024-02-01", "  qualification: { kind: nasenco, started: 2024-10-01, achieved: 2026-12-01 }"],
        "edge-g-award-finished-too-late": ["  appointed: 2024-06-01", "  qualification: { kind: nasenco, started: 2023-09-01, achieved: 2027-09-10 }"],
        "edge-h-npq-in-progress": ["  appointed: 2024-11-20", "  qualification: { kind: npq-senco, started: 2025-01-06 }"],
    }
    for name, lines in forms.items():
        r = school(
            terms=None, settings={},
            senco=["senco:", "  name: Ms S", "  email: s@example.org", "  qualified_teacher: true"] + lines,
            published="2026-09-30")
        write_root(os.path.join(out, name), r, {k: v for k, v in P.items() if k < "a02"})


if __name__ == "__main__":
    main(sys.argv[1])
