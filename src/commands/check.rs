//! `sen check`: load every record, apply every rule, print the findings (a table for a
//! person, JSON for scripts), and exit 1 when anything is invalid or overdue.

use std::io::Write;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::cli::{CheckArgs, FindingsFormat};
use crate::commands::{evaluate, pupils_on_register};
use crate::dates::iso;
use crate::diagnostics;
use crate::findings::{Counts, Finding, JsonFinding, Kind, Rule};
use crate::settings::Ctx;

#[derive(Serialize)]
struct JsonReport<'a> {
    as_of: String,
    window_days: u32,
    pupils_on_register: usize,
    findings: Vec<JsonFinding<'a>>,
    counts: Counts,
}

pub fn run(args: &CheckArgs, ctx: &Ctx) -> Result<i32> {
    let rules: Vec<Rule> = args
        .rule
        .iter()
        .map(|r| {
            Rule::from_id(r).ok_or_else(|| {
                let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                let hint = crate::yaml::closest(r, &ids)
                    .map_or_else(String::new, |n| format!(": did you mean `{n}`?"));
                anyhow::anyhow!(
                    "unknown rule `{r}`{hint}\n  help: the rules are {}",
                    ids.join(", ")
                )
            })
        })
        .collect::<Result<_>>()?;
    let kinds: Vec<Kind> = args
        .kind
        .iter()
        .map(|k| Kind::from_id(k).ok_or_else(|| anyhow::anyhow!("unknown kind `{k}`\n  help: the kinds are invalid, overdue, late, due, incomplete, advice")))
        .collect::<Result<_>>()?;
    let (loaded, mut findings, window) = evaluate(ctx, args.within)?;
    if let Some(unknown) = args
        .pupil
        .iter()
        .find(|p| !loaded.records.pupils.iter().any(|f| &f.id == *p))
    {
        bail!(
            "no pupil `{unknown}`: there is no folder pupils/{unknown}{}",
            crate::commands::did_you_mean(&loaded.records, unknown)
        );
    }
    findings.retain(|f| {
        (args.pupil.is_empty() || f.pupil.as_ref().is_some_and(|p| args.pupil.contains(p)))
            && (rules.is_empty() || rules.contains(&f.rule))
            && (kinds.is_empty() || kinds.contains(&f.kind))
    });
    let counts = Counts::of(&findings);
    let on_register = pupils_on_register(&loaded, ctx.as_of);
    let to_fix = crate::commands::pupils_to_fix(&loaded, ctx.as_of);
    // The exit status is the findings', decided before a byte is written: a reader that
    // closes the pipe early (`sen check | head`) ends the listing, never changes the verdict.
    let status = i32::from(findings.iter().any(Finding::fails));
    // What school.yaml lacks is the school's, not a pupil's or a rule's: listed when the
    // whole check is asked for.
    let lacks = if args.pupil.is_empty()
        && rules.is_empty()
        && kinds.is_empty()
        && !loaded.records.school_bad.all
    {
        crate::commands::letter::school_lacks(&loaded.records.school)
    } else {
        Vec::new()
    };
    let printed = print(
        args,
        ctx,
        &findings,
        &counts,
        window,
        (on_register, to_fix),
        &lacks,
    );
    match printed {
        Err(e) if diagnostics::is_broken_pipe(&e) => Ok(status),
        Err(e) => Err(e),
        Ok(()) => Ok(status),
    }
}

fn print(
    args: &CheckArgs,
    ctx: &Ctx,
    findings: &[Finding],
    counts: &Counts,
    window: u32,
    (on_register, to_fix): (usize, usize),
    lacks: &[String],
) -> Result<()> {
    match args.format {
        FindingsFormat::Json => {
            let report = JsonReport {
                as_of: iso(ctx.as_of),
                window_days: window,
                pupils_on_register: on_register,
                findings: findings.iter().map(JsonFinding::from).collect(),
                counts: *counts,
            };
            // JSON carries no colour: write it straight out, buffered.
            let mut raw = std::io::BufWriter::new(std::io::stdout().lock());
            serde_json::to_writer_pretty(&mut raw, &report)?;
            writeln!(raw)?;
            raw.flush()?;
        }
        FindingsFormat::Line => {
            let mut raw = std::io::BufWriter::new(std::io::stdout().lock());
            for f in findings {
                writeln!(raw, "{}", line(f))?;
            }
            raw.flush()?;
        }
        FindingsFormat::Table => {
            let mut out = anstream::AutoStream::new(std::io::stdout().lock(), ctx.color);
            for f in findings.iter().filter(|f| f.kind == Kind::Invalid) {
                writeln!(out, "{}", diagnostics::render_invalid(f))?;
            }
            let rest: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.kind != Kind::Invalid)
                .collect();
            if !rest.is_empty() {
                let color = match ctx.color {
                    anstream::ColorChoice::Never => false,
                    anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
                    anstream::ColorChoice::Auto => {
                        anstream::AutoStream::choice(&std::io::stdout())
                            != anstream::ColorChoice::Never
                    }
                };
                writeln!(out, "{}", diagnostics::table(&rest, color, ctx.width))?;
            }
            let width = ctx.width.max(40);
            let summary = diagnostics::summary(counts, window, on_register, to_fix);
            writeln!(out, "{}", diagnostics::wrap(&summary, width))?;
            if !lacks.is_empty() {
                let head =
                    "school.yaml does not yet say what letters and the information report need:";
                writeln!(out, "\n{}", diagnostics::wrap(head, width))?;
                for l in lacks {
                    let item = diagnostics::wrap(l, width - 4).replace('\n', "\n    ");
                    writeln!(out, "  - {item}")?;
                }
            }
            out.flush()?;
        }
    }
    Ok(())
}

/// One finding on one line, for editors' problem matchers (VS Code's tasks.json that
/// `sen init` writes): `FILE:LINE:COL: SEVERITY: KIND RULE: MESSAGE`. FILE is relative to
/// the records folder with `/`; a finding with no file points at the file that holds the
/// missing fact (the pupil's pupil.yaml, or school.yaml), line 1. SEVERITY is `error` for
/// what makes `sen check` fail (invalid, overdue), `warning` for late, due and incomplete,
/// `info` for advice. Every field has passed through `printable`, so the line holds no
/// newline.
pub fn line(f: &Finding) -> String {
    let file = match (&f.file, &f.pupil) {
        (Some(file), _) => file.clone(),
        (None, Some(p)) => format!("pupils/{p}/pupil.yaml"),
        (None, None) => "school.yaml".to_string(),
    };
    let severity = match f.kind {
        Kind::Invalid | Kind::Overdue => "error",
        Kind::Late | Kind::Due | Kind::Incomplete => "warning",
        Kind::Advice => "info",
    };
    let message = f.message.replace(['\n', '\r'], " ");
    format!(
        "{file}:{}:{}: {severity}: {} {}: {message}",
        f.line.unwrap_or(1),
        f.col.unwrap_or(1),
        f.kind.id(),
        f.rule.id()
    )
}
