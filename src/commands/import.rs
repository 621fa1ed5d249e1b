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
use crate::mis::{self, Difference, MisPupil, Pupils, differences, read_file};
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
    let mut taken = names_in_pupils(&root)?;
    let loaded = crate::load::load(&root, ctx.as_of);
    let existing = Pupils::of(&loaded.records);

    let mut status = 0;
    for note in read
        .notes
        .iter()
        .chain(contact_rows.iter().flat_map(|c| &c.notes))
    {
        say(&format!("note: {note}"));
    }
    let mut refused = Refused::default();
    let unreadable: BTreeSet<usize> = read.errors.iter().map(|e| e.row).collect();
    for e in &read.errors {
        say(&format!("error: {shown}: {e}"));
        status = 1;
    }
    for _ in &unreadable {
        refused.add(0, "could not be read");
    }

    // A UPN the export gives to rows that are not one child: none of them is used.
    let mut first_with_upn: HashMap<&str, &MisPupil> = HashMap::new();
    let mut mixed: BTreeSet<&str> = BTreeSet::new();
    for m in &read.rows {
        if let Some(u) = &m.upn {
            let first = *first_with_upn.entry(u.as_str()).or_insert(m);
            if !same_child(first, m) {
                mixed.insert(u.as_str());
            }
        }
    }
    let shared: BTreeMap<String, Vec<usize>> = mis::shared_upns(&read.rows)
        .into_iter()
        .filter(|(u, _)| mixed.contains(u.as_str()))
        .collect();

    // Plan every file before writing one.
    let mut planned: Vec<Planned> = Vec::new();
    let mut planned_by_upn: HashMap<String, usize> = HashMap::new();
    let mut planned_by_name: HashMap<(String, String, NaiveDate), usize> = HashMap::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut differing: Vec<(String, Vec<Difference>)> = Vec::new();
    let mut already = 0usize;
    let mut off_register = 0usize;
    for m in &read.rows {
        match m.status {
            Some(Status::K | Status::E) => {}
            _ => {
                off_register += 1;
                continue;
            }
        }
        let row_error = |why: &str| format!("error: {shown}: row {}: {why}", m.row);
        if let Some(rows) = m.upn.as_ref().and_then(|u| shared.get(u)) {
            say(&row_error(&format!(
                "the UPN {} is given to more than one pupil in the export ({}), so it cannot say which pupil this is; correct the UPNs in the MIS",
                m.upn.as_deref().unwrap_or_default(),
                mis::rows_list(rows)
            )));
            refused.add(1, "sharing a UPN with another pupil");
            status = 1;
            continue;
        }
        if let Some((id, p)) = existing.find(m) {
            let d = differences(p, m, crate::rules::on_register(p, ctx.as_of));
            if !d.is_empty() {
                differing.push((id.to_string(), d));
            }
            already += 1;
            continue;
        }
        let earlier = m
            .upn
            .as_ref()
            .and_then(|u| planned_by_upn.get(u))
            .or_else(|| m.dob.and_then(|d| planned_by_name.get(&name_key(m, d))));
        if let Some(&i) = earlier {
            skipped.push(format!(
                "row {}: {} {} is the same pupil as an earlier row (pupils/{})",
                m.row, m.given, m.family, planned[i].id
            ));
            refused.add(2, "the same pupil as an earlier row");
            continue;
        }
        let Some(dob) = m.dob else {
            say(&row_error(&format!(
                "{} {} has no date of birth, which every pupil.yaml needs; add the DOB column to the export",
                m.given, m.family
            )));
            refused.add(3, "without a date of birth");
            status = 1;
            continue;
        };
        if m.status == Some(Status::E) && m.primary_need == Some(crate::model::Need::Nsa) {
            say(&row_error(&format!(
                "{} {} has an EHC plan and primary need NSA, which the census does not allow; correct the primary need in the MIS",
                m.given, m.family
            )));
            refused.add(4, "with an EHC plan and need NSA");
            status = 1;
            continue;
        }
        let (id, why) = new_id(&mis::pupil_id(&m.given, &m.family), &taken);
        let rel = format!("pupils/{id}/pupil.yaml");
        if let Err(r) = crate::write::check_new(&root, &rel) {
            say(&row_error(&r.message(&rel)));
            refused.add(5, &format!("whose file cannot be written ({r})"));
            status = 1;
            continue;
        }
        if let Some(why) = why {
            say(&format!("note: row {}: pupils/{id}: {why}", m.row));
        }
        taken.insert(id.clone());
        let year_group = m
            .year_group
            .filter(|y| *y != nc_year_from_dob(dob, ctx.as_of));
        let skeleton = PupilSkeleton {
            given: m.given.clone(),
            family: m.family.clone(),
            preferred: m.preferred.clone().filter(|p| *p != m.given),
            dob: Some(dob),
            upn: m.upn.clone(),
            year_group,
            class: m.class.clone(),
            status: Some(if m.status == Some(Status::E) {
                "E"
            } else {
                "K"
            }),
            since: Some(m.since.unwrap_or(ctx.as_of)),
            since_note: m.since.is_none().then(|| {
                "the date of the import: the MIS export gave no SEN start date; correct it".into()
            }),
            primary_need: m.primary_need.map(|n| n.code()),
            secondary_need: m.secondary_need.map(|n| n.code()),
            contacts: Vec::new(),
        };
        if let Some(u) = &m.upn {
            planned_by_upn.insert(u.clone(), planned.len());
        }
        planned_by_name.insert(name_key(m, dob), planned.len());
        planned.push(Planned {
            id,
            row: m,
            skeleton,
        });
    }

    // Contacts go to pupils created in this run.
    if let Some(c) = &contact_rows {
        for e in &c.errors {
            say(&format!("error: contacts: {e}"));
            status = 1;
        }
        for k in &c.rows {
            let by_name = || {
                k.dob.and_then(|d| {
                    planned_by_name.get(&(
                        k.given.trim().to_lowercase(),
                        k.family.trim().to_lowercase(),
                        d,
                    ))
                })
            };
            // By UPN; else by names and date of birth, to a pupil whose UPN cannot differ.
            let found = match k.upn.as_ref().and_then(|u| planned_by_upn.get(u)) {
                Some(&i) => Some(i),
                None => by_name()
                    .copied()
                    .filter(|&i| k.upn.is_none() || planned[i].row.upn.is_none()),
            };
            match found {
                Some(i) => planned[i].skeleton.contacts.push(ContactSkeleton {
                    name: k.name.clone(),
                    relationship: k.relationship.clone(),
                    parental_responsibility: k.parental_responsibility,
                    email: k.email.clone(),
                    phone: k.phone.clone(),
                    address: k.address.clone(),
                    language: k.language.clone(),
                    letters: k.relationship.as_deref().is_some_and(mis::cares_for_child),
                }),
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
                    skipped.push(format!("contacts row {}: {}: {why}", k.row, k.name));
                }
            }
        }
    }

    // Write: each file whole, through the records' writer; the listing may stop, the
    // writing never does.
    let mut listing = Listing {
        out: std::io::stdout().lock(),
        open: true,
    };
    let mut written = 0usize;
    let mut failed = 0usize;
    for p in &planned {
        let id = &p.id;
        let rel = format!("pupils/{id}/pupil.yaml");
        if *dry_run {
            listing.line(&format!("would write {rel}"));
        } else {
            let text = pupil_yaml(&rel, &p.skeleton);
            match crate::write::create_new(&root, &rel, text.as_bytes()) {
                Ok(()) => listing.line(&root.join(&rel).display().to_string()),
                Err(e) => {
                    say(&crate::diagnostics::render_error(&e));
                    failed += 1;
                    status = 2;
                    continue;
                }
            }
        }
        written += 1;
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
    for s in &skipped {
        say(&format!("skipped: {s}"));
    }
    if off_register > 0 {
        say(&format!(
            "skipped: {off_register} {} not on the SEN register in the MIS (status N or none)",
            if off_register == 1 { "row" } else { "rows" }
        ));
    }
    for (id, diffs) in &differing {
        for d in diffs {
            listing.line(&format!(
                "differs: pupils/{id}: {} is {} in the records, {} in the MIS (the records are not changed)",
                d.field,
                d.records.as_deref().unwrap_or("empty"),
                d.mis.as_deref().unwrap_or("empty")
            ));
        }
    }
    let mut summary = format!(
        "{} {written} new {}; {already} already in the records; {off_register} not on the SEN register",
        if *dry_run { "would write" } else { "wrote" },
        if written == 1 { "pupil" } else { "pupils" },
    );
    if refused.total() > 0 {
        summary.push_str(&format!(
            "; {} refused ({})",
            refused.total(),
            refused.describe()
        ));
    }
    if failed > 0 {
        summary.push_str(&format!("; {failed} could not be written"));
    }
    listing.line(&summary);
    let _ = listing.out.flush();
    Ok(status)
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
