//! `sen census`: before census day, compare the SEN register in the records with the MIS
//! export (6.83), so that the School Census and the SEN records agree. Pupils are matched
//! by UPN, else by name and date of birth; the records are read as of `--as-of`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::{CensusArgs, CheckFormat};
use crate::dates::iso;
use crate::mis;
use crate::mis::{MisPupil, Pupils, differences, read_file};
use crate::model::Status;
use crate::settings::Ctx;
use crate::yaml::printable;

/// One disagreement, as cli.md's JSON gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CensusDifference {
    /// The records' pupil id, or null for a pupil only in the MIS.
    pub pupil: Option<String>,
    pub upn: Option<String>,
    /// `register` (on one side's register and missing from the other), `status`,
    /// `primary_need`, `secondary_need`, `dob`, `given`, `family` or `upn` (0.3: also a UPN
    /// the export gives to more than one row, naming the rows in `mis`).
    pub field: String,
    pub records: Option<String>,
    pub mis: Option<String>,
    /// For people: the pupil's name (not in JSON).
    #[serde(skip)]
    pub name: String,
}

#[derive(Serialize)]
struct Json<'a> {
    as_of: String,
    matched: usize,
    differences: &'a [CensusDifference],
}

/// Most important first: a pupil missing from one side, then status, then needs, date of
/// birth and UPN.
fn rank(field: &str) -> u8 {
    match field {
        "register" => 0,
        "status" => 1,
        "primary_need" => 2,
        "secondary_need" => 3,
        "dob" => 4,
        "given" | "family" => 5,
        _ => 6,
    }
}

fn code(s: Status) -> &'static str {
    match s {
        Status::K => "K",
        Status::E => "E",
        Status::N => "N",
    }
}

pub fn run(args: &CensusArgs, ctx: &Ctx) -> Result<i32> {
    let root = ctx.root()?.to_path_buf();
    let map = mis::parse_map(&args.map, false)?;
    let read = mis::read_pupils(&read_file(&args.file)?, &map)?;
    for note in &read.notes {
        eprintln!("{}", printable(&format!("note: {note}")));
    }
    for e in &read.errors {
        eprintln!(
            "{}",
            printable(&format!("error: {}: {e}", args.file.display()))
        );
    }
    let loaded = crate::load::load(&root, ctx.as_of);
    let records = Pupils::of(&loaded.records);
    let (matched, diffs) = compare(&read.rows, &records, ctx.as_of);
    let status = i32::from(!diffs.is_empty() || !read.errors.is_empty());
    let printed = print(args, ctx, matched, &diffs);
    match printed {
        Err(e) if crate::diagnostics::is_broken_pipe(&e) => Ok(status),
        Err(e) => Err(e),
        Ok(()) => Ok(status),
    }
}

/// Compare the export's rows with the records: how many rows matched a pupil, and every
/// difference, most important first.
fn compare(
    rows: &[MisPupil],
    records: &Pupils,
    as_of: NaiveDate,
) -> (usize, Vec<CensusDifference>) {
    // A UPN the export gives to more than one row says nothing about which child is which:
    // a difference of its own, and none of those rows is matched by it.
    let shared = mis::shared_upns(rows);
    let mut diffs = shared_upn_differences(&shared, records);
    let mut matched_ids = BTreeSet::new();
    let mut matched = 0usize;
    for m in rows {
        let found = if m.upn.as_ref().is_some_and(|u| shared.contains_key(u)) {
            records.find_by_name(m)
        } else {
            records.find(m)
        };
        match found {
            Some((id, p)) => {
                matched += 1;
                matched_ids.insert(id);
                let on = crate::rules::on_register(p, as_of);
                diffs.extend(differences(p, m, on).into_iter().map(|d| CensusDifference {
                    pupil: Some(id.to_string()),
                    upn: p.upn.clone().or_else(|| m.upn.clone()),
                    field: d.field.to_string(),
                    records: d.records,
                    mis: d.mis,
                    name: format!("{} {}", p.given, p.family),
                }));
            }
            None if matches!(m.status, Some(Status::K | Status::E)) => {
                diffs.push(CensusDifference {
                    pupil: None,
                    upn: m.upn.clone(),
                    field: "register".into(),
                    records: None,
                    mis: m.status.map(|s| code(s).to_string()),
                    name: format!("{} {} (row {})", m.given, m.family, m.row),
                });
            }
            None => {}
        }
    }
    // On the records' register, and no row of the export is them.
    for (id, p) in &records.all {
        if !matched_ids.contains(id) && crate::rules::on_register(p, as_of) {
            diffs.push(CensusDifference {
                pupil: Some(id.to_string()),
                upn: p.upn.clone(),
                field: "register".into(),
                records: Some(code(p.status).to_string()),
                mis: None,
                name: format!("{} {}", p.given, p.family),
            });
        }
    }
    diffs.sort_by(|a, b| {
        (rank(&a.field), &a.pupil, &a.name, &a.field).cmp(&(
            rank(&b.field),
            &b.pupil,
            &b.name,
            &b.field,
        ))
    });
    (matched, diffs)
}

/// One difference for each UPN the export gives to more than one row, naming the rows.
fn shared_upn_differences(
    shared: &BTreeMap<String, Vec<usize>>,
    records: &Pupils,
) -> Vec<CensusDifference> {
    shared
        .iter()
        .map(|(upn, rows)| {
            let holder = records.with_upn(upn);
            CensusDifference {
                pupil: holder.map(|(id, _)| id.to_string()),
                upn: Some(upn.clone()),
                field: "upn".into(),
                records: holder.and_then(|(_, p)| p.upn.clone()),
                mis: Some(format!("{upn} in {}", mis::rows_list(rows))),
                name: match holder {
                    Some((_, p)) => format!("{} {}", p.given, p.family),
                    None => format!("{} of the export", mis::rows_list(rows)),
                },
            }
        })
        .collect()
}

fn print(args: &CensusArgs, ctx: &Ctx, matched: usize, diffs: &[CensusDifference]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match args.format {
        CheckFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &Json {
                    as_of: iso(ctx.as_of),
                    matched,
                    differences: diffs,
                },
            )?;
            writeln!(out)?;
        }
        CheckFormat::Table => {
            if !diffs.is_empty() {
                let mut t = comfy_table::Table::new();
                t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
                t.set_width(u16::try_from(ctx.width).unwrap_or(u16::MAX));
                t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
                t.set_header(["pupil", "UPN", "what differs", "records", "MIS"]);
                for d in diffs {
                    let what = match d.field.as_str() {
                        "register" if d.records.is_none() => "on the MIS register only",
                        "register" => "on the records' register only",
                        "status" => "SEN status",
                        "primary_need" => "primary need",
                        "secondary_need" => "secondary need",
                        "dob" => "date of birth",
                        "given" => "given name",
                        "family" => "family name",
                        "upn" if d.mis.as_deref().is_some_and(|m| m.contains(" in row")) => {
                            "UPN on more than one row"
                        }
                        _ => "UPN",
                    };
                    let who = match &d.pupil {
                        Some(id) => format!("{id}\n{}", d.name),
                        None => d.name.clone(),
                    };
                    let cell =
                        |v: &Option<String>| printable(v.as_deref().unwrap_or("-")).into_owned();
                    t.add_row([
                        printable(&who).into_owned(),
                        cell(&d.upn),
                        what.to_string(),
                        cell(&d.records),
                        cell(&d.mis),
                    ]);
                }
                writeln!(out, "{t}")?;
            }
            writeln!(
                out,
                "{} matched; {} {} between the records and the MIS on {}",
                matched,
                diffs.len(),
                if diffs.len() == 1 {
                    "difference"
                } else {
                    "differences"
                },
                crate::dates::uk(ctx.as_of)
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::ymd;

    #[test]
    fn a_shared_upn_and_a_pupil_only_in_the_export_are_differences_most_important_first() {
        let map = mis::parse_map(&[], false).expect("map");
        let read = mis::read_pupils(
            b"UPN,Legal Surname,Legal Forename,DOB,SEN Status,Primary Need\n\
              C801200021001,Okafor,Amara,14/03/2017,K,SPLD\n\
              C801200021001,Begum,Aisha,17/01/2018,K,ASD\n\
              ,Clarke,Jayden,09/04/2018,N,\n",
            &map,
        )
        .expect("read");
        let records = crate::model::Records::default();
        let (matched, diffs) = compare(&read.rows, &Pupils::of(&records), ymd(2026, 11, 23));
        assert_eq!(matched, 0);
        let fields: Vec<(&str, Option<&str>)> = diffs
            .iter()
            .map(|d| (d.field.as_str(), d.mis.as_deref()))
            .collect();
        assert_eq!(
            fields,
            [
                ("register", Some("K")),
                ("register", Some("K")),
                ("upn", Some("C801200021001 in rows 2 and 3")),
            ]
        );
        assert_eq!(diffs[0].name, "Aisha Begum (row 3)");
    }
}
