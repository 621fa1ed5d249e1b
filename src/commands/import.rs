//! `sen import pupils`: the SEN register from the school's MIS export into new pupil.yaml
//! files (cli.md). It writes nothing but new pupil.yaml files, each the same commented
//! skeleton `sen new pupil` writes, filled with what the MIS holds; a pupil already in the
//! records is never changed, and how it differs from the MIS is listed instead.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::Result;

use crate::cli::{ImportArgs, ImportWhat};
use crate::dates::nc_year_from_dob;
use crate::mis::{self, Difference, MisContact, MisPupil, Pupils, differences, read_file};
use crate::model::Status;
use crate::settings::Ctx;
use crate::skeleton::{ContactSkeleton, PupilSkeleton, pupil_yaml, write_new};

pub fn run(args: &ImportArgs, ctx: &Ctx) -> Result<i32> {
    let ImportWhat::Pupils {
        file,
        contacts,
        map,
        dry_run,
    } = &args.what;
    let root = ctx.root()?.to_path_buf();
    let pupil_map = mis::parse_map(map, false)?;
    let bytes = read_file(file)?;
    let read = mis::read_pupils(&bytes, &pupil_map)?;
    let contact_rows = match contacts {
        Some(c) => Some(mis::read_contacts(&read_file(c)?, &pupil_map)?),
        None => None,
    };
    let loaded = crate::load::load(&root, ctx.as_of);
    let existing = Pupils::of(&loaded.records);
    let mut taken: BTreeSet<String> = loaded.records.pupils.iter().map(|f| f.id.clone()).collect();

    let mut out = std::io::stdout().lock();
    let mut status = 0;
    for note in read
        .notes
        .iter()
        .chain(contact_rows.iter().flat_map(|c| &c.notes))
    {
        eprintln!("note: {note}");
    }
    for e in &read.errors {
        eprintln!("error: {}: {e}", file.display());
        status = 1;
    }

    // Plan every file before writing one.
    let mut planned: Vec<(String, MisPupil, PupilSkeleton)> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut differing: Vec<(String, Vec<Difference>)> = Vec::new();
    let mut off_register = 0usize;
    for m in &read.rows {
        match m.status {
            Some(Status::K | Status::E) => {}
            _ => {
                off_register += 1;
                continue;
            }
        }
        if let Some((id, p)) = existing.find(m) {
            let d = differences(p, m, crate::rules::on_register(p, ctx.as_of));
            if !d.is_empty() {
                differing.push((id.to_string(), d));
            }
            continue;
        }
        if let Some((id, ..)) = planned.iter().find(|(_, other, _)| same_pupil(other, m)) {
            skipped.push(format!(
                "row {}: {} {} is the same pupil as an earlier row (pupils/{id})",
                m.row, m.given, m.family
            ));
            continue;
        }
        let Some(dob) = m.dob else {
            eprintln!(
                "error: {}: row {}: {} {} has no date of birth, which every pupil.yaml needs; add the DOB column to the export",
                file.display(),
                m.row,
                m.given,
                m.family
            );
            status = 1;
            continue;
        };
        if m.status == Some(Status::E) && m.primary_need == Some(crate::model::Need::Nsa) {
            eprintln!(
                "error: {}: row {}: {} {} has an EHC plan and primary need NSA, which the census does not allow; correct the primary need in the MIS",
                file.display(),
                m.row,
                m.given,
                m.family
            );
            status = 1;
            continue;
        }
        let id = free_id(&mis::pupil_id(&m.given, &m.family), &taken);
        taken.insert(id.clone());
        let since = m.since.unwrap_or(ctx.as_of);
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
            since: Some(since),
            since_note: m.since.is_none().then(|| {
                "the date of the import: the MIS export gave no SEN start date; correct it".into()
            }),
            primary_need: m.primary_need.map(|n| n.code()),
            secondary_need: m.secondary_need.map(|n| n.code()),
            contacts: Vec::new(),
        };
        planned.push((id, m.clone(), skeleton));
    }

    // Contacts go to pupils created in this run.
    if let Some(c) = &contact_rows {
        for e in &c.errors {
            eprintln!("error: contacts: {e}");
            status = 1;
        }
        for k in &c.rows {
            match planned.iter_mut().find(|(_, m, _)| contact_of(k, m)) {
                Some((_, _, s)) => s.contacts.push(ContactSkeleton {
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

    for (id, m, skeleton) in &planned {
        let rel = format!("pupils/{id}/pupil.yaml");
        let path = root.join(&rel);
        if *dry_run {
            writeln!(out, "would write {rel}")?;
        } else {
            write_new(&path, &pupil_yaml(&rel, skeleton))?;
            writeln!(out, "{}", path.display())?;
        }
        if m.status == Some(Status::E) {
            eprintln!(
                "note: {id} has an EHC plan: start its record with `sen new ehcp {id}` and fill in `issued`"
            );
        }
        if m.since.is_none() {
            eprintln!(
                "note: {id}: the export gave no SEN start date, so `sen.since` is the import date; correct it"
            );
        }
    }
    for s in &skipped {
        eprintln!("skipped: {s}");
    }
    if off_register > 0 {
        eprintln!(
            "skipped: {off_register} {} not on the SEN register in the MIS (status N or none)",
            if off_register == 1 { "row" } else { "rows" }
        );
    }
    for (id, diffs) in &differing {
        for d in diffs {
            writeln!(
                out,
                "differs: pupils/{id}: {} is {} in the records, {} in the MIS (the records are not changed)",
                d.field,
                d.records.as_deref().unwrap_or("empty"),
                d.mis.as_deref().unwrap_or("empty")
            )?;
        }
    }
    let verb = if *dry_run { "would write" } else { "wrote" };
    writeln!(
        out,
        "{verb} {} new {}; {} already in the records",
        planned.len(),
        if planned.len() == 1 {
            "pupil"
        } else {
            "pupils"
        },
        read.rows
            .iter()
            .filter(|m| matches!(m.status, Some(Status::K | Status::E)))
            .count()
            - planned.len()
            - skipped.iter().filter(|s| s.starts_with("row ")).count()
    )?;
    Ok(status)
}

/// Two MIS rows for one pupil: same UPN, else same names and date of birth.
fn same_pupil(a: &MisPupil, b: &MisPupil) -> bool {
    match (&a.upn, &b.upn) {
        (Some(x), Some(y)) => x == y,
        _ => {
            a.dob == b.dob
                && a.given.eq_ignore_ascii_case(&b.given)
                && a.family.eq_ignore_ascii_case(&b.family)
        }
    }
}

/// A contact row belongs to a pupil row: same UPN, else same surname, forename and DOB.
fn contact_of(k: &MisContact, m: &MisPupil) -> bool {
    match (&k.upn, &m.upn) {
        (Some(x), Some(y)) => x == y,
        _ => {
            k.dob.is_some()
                && k.dob == m.dob
                && k.given.eq_ignore_ascii_case(&m.given)
                && k.family.eq_ignore_ascii_case(&m.family)
        }
    }
}

/// `base`, or `base-2`, `base-3` ... whichever no folder has yet.
fn free_id(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .unwrap_or_else(|| base.to_string())
}
