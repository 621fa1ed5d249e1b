//! `sen import pupils`: the SEN register from the school's MIS export into new pupil.yaml
//! files (cli.md). It writes nothing but new pupil.yaml files, each the same commented
//! skeleton `sen new pupil` writes, filled with what the MIS holds; a pupil already in the
//! records is never changed, and how it differs from the MIS is listed instead.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::{ImportArgs, ImportWhat};
use crate::commands::new::{ContactSkeleton, PupilSkeleton, pupil_yaml, write_new};
use crate::dates::{iso, nc_year_from_dob};
use crate::mis::{self, MisContact, MisPupil};
use crate::model::{Pupil, Records, Status};
use crate::settings::Ctx;

/// One way a pupil in the records differs from the MIS: field, records' value, MIS value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: &'static str,
    pub records: Option<String>,
    pub mis: Option<String>,
}

/// The fields compared between the records and the MIS (cli.md: status, primary need,
/// secondary need, date of birth, UPN). `status` is the records' status as of `as_of`
/// (N when the pupil is not on the register then).
pub fn differences(p: &Pupil, m: &MisPupil, on_register: bool) -> Vec<Difference> {
    let status = if on_register { p.status } else { Status::N };
    let code = |s: Status| match s {
        Status::K => "K",
        Status::E => "E",
        Status::N => "N",
    };
    let mis_status = m.status.unwrap_or(Status::N);
    let mut out = Vec::new();
    let mut diff = |field, records: Option<String>, mis: Option<String>| {
        if records != mis {
            out.push(Difference {
                field,
                records,
                mis,
            });
        }
    };
    diff(
        "status",
        Some(code(status).to_string()),
        Some(code(mis_status).to_string()),
    );
    // Needs are compared where the MIS gives them for a pupil on its register.
    if mis_status != Status::N && status != Status::N {
        diff(
            "primary_need",
            p.primary_need.map(|n| n.code().to_string()),
            m.primary_need.map(|n| n.code().to_string()),
        );
        diff(
            "secondary_need",
            p.secondary_need.map(|n| n.code().to_string()),
            m.secondary_need.map(|n| n.code().to_string()),
        );
    }
    if let Some(d) = m.dob {
        diff("dob", Some(iso(p.dob)), Some(iso(d)));
    }
    if let Some(u) = &m.upn {
        diff("upn", p.upn.clone(), Some(u.clone()));
    }
    out
}

/// The records' pupils with a readable pupil.yaml, indexed the two ways an MIS row is
/// matched to one (cli.md): by UPN, else by given name, family name and date of birth,
/// ignoring case. Lookups are hashed, so matching 10,000 rows stays linear.
pub struct Pupils<'a> {
    pub all: Vec<(&'a str, &'a Pupil)>,
    by_upn: HashMap<String, usize>,
    by_name: HashMap<(String, String, chrono::NaiveDate), usize>,
}

impl<'a> Pupils<'a> {
    pub fn of(records: &'a Records) -> Pupils<'a> {
        let all: Vec<(&str, &Pupil)> = records
            .pupils
            .iter()
            .filter_map(|f| f.pupil.as_ref().map(|p| (f.id.as_str(), p)))
            .collect();
        let mut by_upn = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, (_, p)) in all.iter().enumerate() {
            if let Some(u) = &p.upn {
                by_upn.entry(u.trim().to_ascii_uppercase()).or_insert(i);
            }
            by_name
                .entry(name_key(&p.given, &p.family, p.dob))
                .or_insert(i);
        }
        Pupils {
            all,
            by_upn,
            by_name,
        }
    }

    /// The records' pupil that an MIS row is: same UPN, else same given name, family name
    /// and date of birth.
    pub fn find(&self, m: &MisPupil) -> Option<(&'a str, &'a Pupil)> {
        let by_upn = m
            .upn
            .as_ref()
            .and_then(|u| self.by_upn.get(&u.to_ascii_uppercase()));
        let by_name = || {
            m.dob
                .and_then(|d| self.by_name.get(&name_key(&m.given, &m.family, d)))
        };
        by_upn.or_else(by_name).map(|&i| self.all[i])
    }
}

fn name_key(
    given: &str,
    family: &str,
    dob: chrono::NaiveDate,
) -> (String, String, chrono::NaiveDate) {
    (
        given.trim().to_lowercase(),
        family.trim().to_lowercase(),
        dob,
    )
}

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

pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    if !meta.is_file() {
        anyhow::bail!("`{}` is not a file", path.display());
    }
    if meta.len() > 64 << 20 {
        anyhow::bail!(
            "`{}` is larger than 64 MiB: is it the right file?",
            path.display()
        );
    }
    std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))
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
