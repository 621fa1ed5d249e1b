//! `sen import pupils`: the SEN register from the school's MIS export into new pupil.yaml
//! files (cli.md). It writes nothing but new pupil.yaml files, each the same commented
//! skeleton `sen new pupil` writes, filled with what the MIS holds; a pupil already in the
//! records is never changed, and how it differs from the MIS is listed instead.
//!
//! It runs in two steps. First every row is decided and every file planned: its id (at
//! most 60 characters, never a name Windows keeps for a device, never one a name in
//! `pupils/` already has) and its path, checked by the records' writer ([`crate::write`]).
//! Only then is anything written, each file whole through that writer, so `--dry-run`
//! promises exactly what a real run does. Every message passes through the one printable
//! filter; the listing on standard output may stop (a closed pipe), the writing never does.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use chrono::NaiveDate;

use crate::cli::{ImportArgs, ImportWhat};
use crate::dates::nc_year_from_dob;
use crate::mis::{self, Difference, MisContact, MisPupil, Pupils, Read, differences, read_file};
use crate::model::Status;
use crate::settings::Ctx;
use crate::skeleton::{ContactSkeleton, PupilSkeleton, pupil_yaml};
use crate::validate::{MAX_PUPIL_ID, reserved_name, shortened_id};
use crate::yaml::printable;

/// A message on standard error, through the printable filter.
fn say(text: &str) {
    eprintln!("{}", printable(text));
}

/// Standard output for the listing: once its reader has gone, lines are dropped and the
/// work goes on.
struct Listing<W: Write> {
    out: W,
    open: bool,
}

impl<W: Write> Listing<W> {
    fn line(&mut self, text: &str) {
        if self.open && writeln!(self.out, "{}", printable(text)).is_err() {
            self.open = false;
        }
    }
}

/// One file to write: the pupil's id, the row it comes from, what goes in it.
struct Planned<'a> {
    id: String,
    row: &'a MisPupil,
    skeleton: PupilSkeleton,
}

/// Why rows were refused, counted, in a fixed order for the summary.
#[derive(Default)]
struct Refused(BTreeMap<(u8, String), usize>);

impl Refused {
    fn add(&mut self, order: u8, why: &str) {
        *self.0.entry((order, why.to_string())).or_default() += 1;
    }
    fn total(&self) -> usize {
        self.0.values().sum()
    }
    fn describe(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|((_, w), n)| format!("{n} {w}"))
            .collect();
        parts.join(", ")
    }
}

pub fn run(args: &ImportArgs, ctx: &Ctx) -> Result<i32> {
    let ImportWhat::Pupils {
        file,
        contacts,
        map,
        dry_run,
    } = &args.what;
    let root = ctx.root()?.to_path_buf();
    let shown = file.display().to_string();
    let pupil_map = mis::parse_map(map, false)?;
    let bytes = read_file(file)?;
    let read = mis::read_pupils(&bytes, &pupil_map)?;
    let contact_rows = match contacts {
        Some(c) => Some(mis::read_contacts(&read_file(c)?, &pupil_map)?),
        None => None,
    };
    // Every name in pupils/ is taken, whatever it is; pupils/ itself must be a real folder.
    let taken = names_in_pupils(&root)?;
    let loaded = crate::load::load(&root, ctx.as_of);
    let existing = Pupils::of(&loaded.records);

    for note in read
        .notes
        .iter()
        .chain(contact_rows.iter().flat_map(|c| &c.notes))
    {
        say(&format!("note: {note}"));
    }
    let mut plan = Plan::new(&root, &shown, ctx.as_of, taken);
    plan.unreadable(&read);
    // Plan every file before writing one.
    let shared = mixed_upns(&read.rows);
    for m in &read.rows {
        plan.row(m, &shared, &existing);
    }
    // Contacts go to pupils created in this run.
    if let Some(c) = &contact_rows {
        plan.contacts(c, &existing);
    }

    let mut listing = Listing {
        out: std::io::stdout().lock(),
        open: true,
    };
    let done = write(&plan, *dry_run, &mut listing);
    report(&plan, &done, *dry_run, &mut listing);
    let _ = listing.out.flush();
    Ok(if done.failed > 0 { 2 } else { plan.status })
}

/// The UPNs the export gives to rows that are not one child (other names or date of
/// birth), with their rows: none of those rows is used.
fn mixed_upns(rows: &[MisPupil]) -> BTreeMap<String, Vec<usize>> {
    let mut first_with_upn: HashMap<&str, &MisPupil> = HashMap::new();
    let mut mixed: BTreeSet<&str> = BTreeSet::new();
    for m in rows {
        if let Some(u) = &m.upn {
            let first = *first_with_upn.entry(u.as_str()).or_insert(m);
            if !same_child(first, m) {
                mixed.insert(u.as_str());
            }
        }
    }
    mis::shared_upns(rows)
        .into_iter()
        .filter(|(u, _)| mixed.contains(u.as_str()))
        .collect()
}

/// The import decided, row by row, before anything is written.
struct Plan<'a> {
    root: &'a Path,
    /// The export's file name, for messages.
    shown: &'a str,
    as_of: NaiveDate,
    /// Every id in use: the names in pupils/ and those planned.
    taken: BTreeSet<String>,
    planned: Vec<Planned<'a>>,
    by_upn: HashMap<String, usize>,
    by_name: HashMap<(String, String, NaiveDate), usize>,
    skipped: Vec<String>,
    differing: Vec<(String, Vec<Difference>)>,
    already: usize,
    off_register: usize,
    refused: Refused,
    /// 1 once a row is in error.
    status: i32,
}

impl<'a> Plan<'a> {
    fn new(root: &'a Path, shown: &'a str, as_of: NaiveDate, taken: BTreeSet<String>) -> Self {
        Plan {
            root,
            shown,
            as_of,
            taken,
            planned: Vec::new(),
            by_upn: HashMap::new(),
            by_name: HashMap::new(),
            skipped: Vec::new(),
            differing: Vec::new(),
            already: 0,
            off_register: 0,
            refused: Refused::default(),
            status: 0,
        }
    }

    /// The rows the export could not give: each said, each refused.
    fn unreadable(&mut self, read: &Read<MisPupil>) {
        let rows: BTreeSet<usize> = read.errors.iter().map(|e| e.row).collect();
        for e in &read.errors {
            say(&format!("error: {}: {e}", self.shown));
            self.status = 1;
        }
        for _ in &rows {
            self.refused.add(0, "could not be read");
        }
    }

    /// Refuse a row, saying why (`message`) and counting it under `summary`.
    fn refuse(&mut self, m: &MisPupil, order: u8, summary: &str, message: &str) {
        say(&format!("error: {}: row {}: {message}", self.shown, m.row));
        self.refused.add(order, summary);
        self.status = 1;
    }

    /// Decide one row: off the register, refused, already in the records, the same child
    /// as an earlier row, or a new file.
    fn row(&mut self, m: &'a MisPupil, shared: &BTreeMap<String, Vec<usize>>, existing: &Pupils) {
        if !matches!(m.status, Some(Status::K | Status::E)) {
            self.off_register += 1;
            return;
        }
        if let Some(rows) = m.upn.as_ref().and_then(|u| shared.get(u)) {
            let why = format!(
                "the UPN {} is given to more than one pupil in the export ({}), so it cannot say which pupil this is; correct the UPNs in the MIS",
                m.upn.as_deref().unwrap_or_default(),
                mis::rows_list(rows)
            );
            return self.refuse(m, 1, "sharing a UPN with another pupil", &why);
        }
        if let Some((id, p)) = existing.find(m) {
            let d = differences(p, m, crate::rules::on_register(p, self.as_of));
            if !d.is_empty() {
                self.differing.push((id.to_string(), d));
            }
            self.already += 1;
            return;
        }
        let earlier = m
            .upn
            .as_ref()
            .and_then(|u| self.by_upn.get(u))
            .or_else(|| m.dob.and_then(|d| self.by_name.get(&name_key(m, d))));
        if let Some(&i) = earlier {
            self.skipped.push(format!(
                "row {}: {} {} is the same pupil as an earlier row (pupils/{})",
                m.row, m.given, m.family, self.planned[i].id
            ));
            self.refused.add(2, "the same pupil as an earlier row");
            return;
        }
        let Some(dob) = m.dob else {
            let why = format!(
                "{} {} has no date of birth, which every pupil.yaml needs; add the DOB column to the export",
                m.given, m.family
            );
            return self.refuse(m, 3, "without a date of birth", &why);
        };
        if m.status == Some(Status::E) && m.primary_need == Some(crate::model::Need::Nsa) {
            let why = format!(
                "{} {} has an EHC plan and primary need NSA, which the census does not allow; correct the primary need in the MIS",
                m.given, m.family
            );
            return self.refuse(m, 4, "with an EHC plan and need NSA", &why);
        }
        self.new_file(m, dob);
    }

    /// Plan a new pupil.yaml for a row: its id, checked path and skeleton.
    fn new_file(&mut self, m: &'a MisPupil, dob: NaiveDate) {
        let (id, why) = new_id(&mis::pupil_id(&m.given, &m.family), &self.taken);
        let rel = format!("pupils/{id}/pupil.yaml");
        if let Err(r) = crate::write::check_new(self.root, &rel) {
            let summary = format!("whose file cannot be written ({r})");
            return self.refuse(m, 5, &summary, &r.message(&rel));
        }
        if let Some(why) = why {
            say(&format!("note: row {}: pupils/{id}: {why}", m.row));
        }
        self.taken.insert(id.clone());
        if let Some(u) = &m.upn {
            self.by_upn.insert(u.clone(), self.planned.len());
        }
        self.by_name.insert(name_key(m, dob), self.planned.len());
        self.planned.push(Planned {
            id,
            row: m,
            skeleton: skeleton(m, dob, self.as_of),
        });
    }

    /// Give each contact row to the pupil planned in this run it belongs to: by UPN; else
    /// by names and date of birth, to a pupil whose UPN cannot differ.
    fn contacts(&mut self, c: &Read<MisContact>, existing: &Pupils) {
        for e in &c.errors {
            say(&format!("error: contacts: {e}"));
            self.status = 1;
        }
        for k in &c.rows {
            let by_name = || {
                k.dob.and_then(|d| {
                    self.by_name.get(&(
                        k.given.trim().to_lowercase(),
                        k.family.trim().to_lowercase(),
                        d,
                    ))
                })
            };
            let found = match k.upn.as_ref().and_then(|u| self.by_upn.get(u)) {
                Some(&i) => Some(i),
                None => by_name()
                    .copied()
                    .filter(|&i| k.upn.is_none() || self.planned[i].row.upn.is_none()),
            };
            match found {
                Some(i) => self.planned[i].skeleton.contacts.push(contact_skeleton(k)),
                None => {
                    let as_row = MisPupil {
                        upn: k.upn.clone(),
                        given: k.given.clone(),
                        family: k.family.clone(),
                        dob: k.dob,
                        ..MisPupil::default()
                    };
                    let why = if existing.find(&as_row).is_some() {
                        "the pupil is already in the records, which import never changes: add the contact by hand"
                    } else {
                        "no pupil imported in this run matches it by UPN, or by surname, forename and date of birth"
                    };
                    self.skipped
                        .push(format!("contacts row {}: {}: {why}", k.row, k.name));
                }
            }
        }
    }
}

/// What a new pupil.yaml holds for a row of the export.
fn skeleton(m: &MisPupil, dob: NaiveDate, as_of: NaiveDate) -> PupilSkeleton {
    PupilSkeleton {
        given: m.given.clone(),
        family: m.family.clone(),
        preferred: m.preferred.clone().filter(|p| *p != m.given),
        dob: Some(dob),
        upn: m.upn.clone(),
        year_group: m.year_group.filter(|y| *y != nc_year_from_dob(dob, as_of)),
        class: m.class.clone(),
        status: Some(if m.status == Some(Status::E) {
            "E"
        } else {
            "K"
        }),
        since: Some(m.since.unwrap_or(as_of)),
        since_note: m.since.is_none().then(|| {
            "the date of the import: the MIS export gave no SEN start date; correct it".into()
        }),
        primary_need: m.primary_need.map(|n| n.code()),
        secondary_need: m.secondary_need.map(|n| n.code()),
        contacts: Vec::new(),
    }
}

fn contact_skeleton(k: &MisContact) -> ContactSkeleton {
    ContactSkeleton {
        name: k.name.clone(),
        relationship: k.relationship.clone(),
        parental_responsibility: k.parental_responsibility,
        email: k.email.clone(),
        phone: k.phone.clone(),
        address: k.address.clone(),
        language: k.language.clone(),
        letters: k.relationship.as_deref().is_some_and(mis::cares_for_child),
    }
}

/// How the writing went.
struct Written {
    written: usize,
    failed: usize,
}

/// Write: each file whole, through the records' writer; the listing may stop, the writing
/// never does.
fn write(plan: &Plan, dry_run: bool, listing: &mut Listing<impl Write>) -> Written {
    let mut done = Written {
        written: 0,
        failed: 0,
    };
    for p in &plan.planned {
        let id = &p.id;
        let rel = format!("pupils/{id}/pupil.yaml");
        if dry_run {
            listing.line(&format!("would write {rel}"));
        } else {
            let text = pupil_yaml(&rel, &p.skeleton);
            match crate::write::create_new(plan.root, &rel, text.as_bytes()) {
                Ok(()) => listing.line(&plan.root.join(&rel).display().to_string()),
                Err(e) => {
                    say(&crate::diagnostics::render_error(&e));
                    done.failed += 1;
                    continue;
                }
            }
        }
        done.written += 1;
        if p.row.status == Some(Status::E) {
            say(&format!(
                "note: {id} has an EHC plan: start its record with `sen new ehcp {id}` and fill in `issued`"
            ));
        }
        if p.row.since.is_none() {
            say(&format!(
                "note: {id}: the export gave no SEN start date, so `sen.since` is the import date; correct it"
            ));
        }
    }
    done
}

/// What was skipped, how the records differ from the MIS, and the summary line.
fn report(plan: &Plan, done: &Written, dry_run: bool, listing: &mut Listing<impl Write>) {
    for s in &plan.skipped {
        say(&format!("skipped: {s}"));
    }
    let off_register = plan.off_register;
    if off_register > 0 {
        say(&format!(
            "skipped: {off_register} {} not on the SEN register in the MIS (status N or none)",
            if off_register == 1 { "row" } else { "rows" }
        ));
    }
    for (id, diffs) in &plan.differing {
        for d in diffs {
            listing.line(&format!(
                "differs: pupils/{id}: {} is {} in the records, {} in the MIS (the records are not changed)",
                d.field,
                d.records.as_deref().unwrap_or("empty"),
                d.mis.as_deref().unwrap_or("empty")
            ));
        }
    }
    let written = done.written;
    let mut summary = format!(
        "{} {written} new {}; {} already in the records; {off_register} not on the SEN register",
        if dry_run { "would write" } else { "wrote" },
        if written == 1 { "pupil" } else { "pupils" },
        plan.already,
    );
    let refused = &plan.refused;
    if refused.total() > 0 {
        summary.push_str(&format!(
            "; {} refused ({})",
            refused.total(),
            refused.describe()
        ));
    }
    if done.failed > 0 {
        summary.push_str(&format!("; {} could not be written", done.failed));
    }
    listing.line(&summary);
}

/// The names in `pupils/` (lowercased, as a disk that ignores case sees them), none when
/// there is no such folder yet. `pupils` that is a link or a file stops the import before
/// anything is written.
fn names_in_pupils(root: &Path) -> Result<BTreeSet<String>> {
    let dir = root.join("pupils");
    match std::fs::symlink_metadata(&dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeSet::new()),
        Err(e) => Err(e).map_err(|e| anyhow::anyhow!("cannot read `pupils/`: {e}")),
        Ok(m) if m.file_type().is_symlink() => bail!(
            "`pupils` is a symbolic link, and sen writes pupils' records only into a real folder inside the records; nothing was written\n  help: replace the link with the folder itself"
        ),
        Ok(m) if !m.is_dir() => bail!(
            "`pupils` is a file where the pupils' folder should be; nothing was written\n  help: move that file out of the way"
        ),
        Ok(_) => {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| anyhow::anyhow!("cannot read `pupils/`: {e}"))?;
            Ok(entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_lowercase())
                .collect())
        }
    }
}

/// A new pupil id from `base` (made from the names): at most [`MAX_PUPIL_ID`] characters,
/// not a name Windows keeps for a device, and not taken; `-2`, `-3` ... otherwise. With the
/// reason, when the id is not simply `base`'s first free form.
fn new_id(base: &str, taken: &BTreeSet<String>) -> (String, Option<String>) {
    let short = shortened_id(base, MAX_PUPIL_ID);
    let mut why = (short != base).then(|| {
        format!(
            "the names give an id of {} characters, and an id is at most {MAX_PUPIL_ID}: it is shortened",
            base.len()
        )
    });
    if reserved_name(&short) {
        why = Some(format!(
            "`{short}` is a name Windows keeps for a device, so the id has a number after it"
        ));
    }
    let free = |id: &String| !taken.contains(id) && !reserved_name(id);
    if free(&short) {
        return (short, why);
    }
    let id = (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            format!(
                "{}{suffix}",
                shortened_id(&short, MAX_PUPIL_ID - suffix.len())
            )
        })
        .find(free)
        .unwrap_or(short);
    (id, why)
}

/// The key by which rows of one child without a UPN are matched: names ignoring case and
/// surrounding spaces, and the date of birth.
fn name_key(m: &MisPupil, dob: NaiveDate) -> (String, String, NaiveDate) {
    (
        m.given.trim().to_lowercase(),
        m.family.trim().to_lowercase(),
        dob,
    )
}

/// Two rows with the same UPN describe one child: same names and date of birth.
fn same_child(a: &MisPupil, b: &MisPupil) -> bool {
    a.dob == b.dob
        && a.given.trim().to_lowercase() == b.given.trim().to_lowercase()
        && a.family.trim().to_lowercase() == b.family.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    /// The plan of an export of six rows against empty records, before anything is written.
    #[test]
    fn the_plan_decides_each_row_before_anything_is_written() {
        let root = tempfile::tempdir().expect("temp");
        let map = mis::parse_map(&[], false).expect("map");
        let read = mis::read_pupils(
            b"UPN,Legal Surname,Legal Forename,DOB,SEN Status,Primary Need\n\
              C801200021001,Okafor,Amara,14/03/2017,K,SPLD\n\
              C801200021001,Okafor,Amara,14/03/2017,K,SPLD\n\
              J801200022006,Begum,Aisha,17/01/2018,K,ASD\n\
              J801200022006,Murphy,Ethan,02/05/2016,K,MLD\n\
              ,Clarke,Jayden,09/04/2018,E,NSA\n\
              ,Santos,Leo,30/05/2019,N,\n\
              ,Osei,Ruby,,K,HI\n",
            &map,
        )
        .expect("read");
        let contacts = mis::read_contacts(
            b"UPN,Legal Surname,Legal Forename,DOB,Contact Name,Relationship,Parental Responsibility\n\
              ,okafor ,Amara,14/03/2017,Mrs Grace Okafor,mother,Yes\n\
              ,Begum,Aisha,17/01/2018,Mrs Rukhsana Begum,mother,Yes\n",
            &map,
        )
        .expect("contacts");
        let records = crate::model::Records::default();
        let existing = Pupils::of(&records);
        let mut plan = Plan::new(
            root.path(),
            "export.csv",
            ymd(2026, 11, 23),
            BTreeSet::new(),
        );
        let shared = mixed_upns(&read.rows);
        assert_eq!(shared.keys().collect::<Vec<_>>(), ["J801200022006"]);
        for m in &read.rows {
            plan.row(m, &shared, &existing);
        }
        plan.contacts(&contacts, &existing);

        let ids: Vec<&str> = plan.planned.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["amara-okafor"]);
        assert_eq!(plan.off_register, 1);
        assert_eq!(plan.already, 0);
        assert_eq!(plan.status, 1);
        assert_eq!(
            plan.refused.describe(),
            "2 sharing a UPN with another pupil, 1 the same pupil as an earlier row, \
             1 without a date of birth, 1 with an EHC plan and need NSA"
        );
        // The second Amara row, and Aisha's contact, whose pupil was refused.
        assert_eq!(plan.skipped.len(), 2, "{:?}", plan.skipped);
        assert!(plan.skipped[1].starts_with("contacts row 3: Mrs Rukhsana Begum"));
        // Matched by names (ignoring case and spaces) and date of birth.
        let amara = &plan.planned[0].skeleton;
        assert_eq!(amara.contacts.len(), 1);
        assert_eq!(amara.contacts[0].name, "Mrs Grace Okafor");
        assert!(amara.contacts[0].parental_responsibility);
        assert_eq!(amara.status, Some("K"));
        assert!(
            !root.path().join("pupils").exists(),
            "planning writes nothing"
        );
    }

    #[test]
    fn ids_are_at_most_60_characters_and_never_a_device_name() {
        let none = BTreeSet::new();
        assert_eq!(new_id("amy-fisher", &none), ("amy-fisher".into(), None));
        let (id, why) = new_id("con", &none);
        assert_eq!(id, "con-2");
        assert!(why.expect("said").contains("Windows"));
        let long = format!("{}-{}", "a".repeat(40), "b".repeat(40));
        let (id, why) = new_id(&long, &none);
        assert_eq!(id, "a".repeat(40));
        assert!(why.is_some());
        let taken: BTreeSet<String> = [id.clone()].into_iter().collect();
        let (id2, _) = new_id(&long, &taken);
        assert_eq!(id2, format!("{}-2", "a".repeat(40)));
        let one_word = "x".repeat(200);
        let taken: BTreeSet<String> = ["x".repeat(60)].into_iter().collect();
        let (id, _) = new_id(&one_word, &taken);
        assert_eq!(id, format!("{}-2", "x".repeat(58)));
        for id in [&id, &id2] {
            assert!(crate::validate::valid_pupil_id(id), "{id}");
        }
    }
}
