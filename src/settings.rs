//! The resolved settings of one run: the records root, the as-of date and colour. This is
//! the only place that reads the clock, the environment or the current folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use crate::cli::{ColorWhen, GlobalArgs};
use crate::dates;

#[derive(Debug, Clone)]
pub struct Ctx {
    /// The records root, when the command needs one.
    pub root: Option<PathBuf>,
    pub as_of: NaiveDate,
    /// Whether to write colour to the terminal.
    pub color: anstream::ColorChoice,
    /// The terminal's width in columns: `COLUMNS`, else the terminal's own, else 120.
    pub width: usize,
}

impl Ctx {
    /// The records root, or the error that says how to name one.
    pub fn root(&self) -> Result<&Path> {
        match &self.root {
            Some(r) => Ok(r),
            None => bail!(NoRoot),
        }
    }
}

/// No school.yaml was found: exit status 2.
#[derive(Debug)]
pub struct NoRoot;

impl std::fmt::Display for NoRoot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("no records folder here: no school.yaml in this folder or any above it\n  help: run sen inside a records folder, give `--records DIR`, or create one with `sen init`")
    }
}

impl std::error::Error for NoRoot {}

/// A date given on the command line.
pub fn parse_date(what: &str, text: &str) -> Result<NaiveDate> {
    match dates::parse(text) {
        Some(d) => Ok(d),
        None => {
            bail!("{what} `{text}` is not a date: write it as YYYY-MM-DD, for example 2026-11-23")
        }
    }
}

/// A date given on the command line inside the years records may hold (cli.md 0.3: before
/// 1900 or after 2199 is a usage error), so no later step meets a year it cannot show.
fn in_range(what: &str, text: &str, date: NaiveDate) -> Result<NaiveDate> {
    use chrono::Datelike;
    let (first, last) = (crate::validate::FIRST_YEAR, crate::validate::LAST_YEAR);
    if (first..=last).contains(&date.year()) {
        return Ok(date);
    }
    bail!(
        "{what} `{}` is out of range: give a date from {first}-01-01 to {last}-12-31",
        text.trim()
    )
}

pub fn resolve(global: &GlobalArgs) -> Result<Ctx> {
    let as_of = match &global.as_of {
        Some(t) => in_range("--as-of", t, parse_date("--as-of", t)?)?,
        None => chrono::Local::now().date_naive(),
    };
    let root = match &global.records {
        Some(dir) => {
            if !dir.join("school.yaml").is_file() {
                if dir.is_dir() {
                    bail!(
                        "`{}` is not a records folder: it has no school.yaml\n  help: give the folder that holds school.yaml, or create one with `sen init {}`",
                        dir.display(),
                        dir.display()
                    );
                }
                bail!("records folder `{}` does not exist", dir.display());
            }
            Some(dir.clone())
        }
        None => {
            let cwd = std::env::current_dir().context("cannot read the current folder")?;
            cwd.ancestors()
                .find(|d| d.join("school.yaml").is_file())
                .map(Path::to_path_buf)
        }
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match global.color {
        ColorWhen::Never => anstream::ColorChoice::Never,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Auto if no_color => anstream::ColorChoice::Never,
        ColorWhen::Auto => anstream::ColorChoice::Auto,
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| comfy_table::Table::new().width().map(usize::from))
        .unwrap_or(120);
    Ok(Ctx {
        root,
        as_of,
        color,
        width,
    })
}
