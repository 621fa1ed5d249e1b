//! One module per command; each has a `run` that takes the parsed arguments and settings.
//! Commands do not import each other: what several share (loading and evaluating the
//! records) is here, and what they compute lives outside `commands` ([`crate::reports`],
//! [`crate::rules`], [`crate::mis`]).

pub mod calendar;
pub mod census;
pub mod check;
pub mod import;
pub mod init;
pub mod letter;
pub mod new;
pub mod report;
pub mod schema;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::findings::Finding;
use crate::load::{self, Loaded};
use crate::rules::{self, Options};
use crate::settings::{self, Ctx};

/// Run the command line; returns the exit status.
pub fn run(cli: Cli) -> Result<i32> {
    let ctx = settings::resolve(&cli.global)?;
    match cli.command {
        Command::Check(a) => check::run(&a, &ctx),
        Command::Report(a) => report::run(&a, &ctx),
        Command::Letter(a) => letter::run(&a, &ctx),
        Command::Init(a) => init::run(&a, &ctx),
        Command::New(a) => new::run(&a, &ctx),
        Command::Calendar(a) => calendar::run(&a, &ctx),
        Command::Import(a) => import::run(&a, &ctx),
        Command::Census(a) => census::run(&a, &ctx),
        Command::Schema(a) => schema::run(&a, &ctx),
        Command::Serve(a) => crate::serve::run(&a, &ctx),
        Command::Completions(a) => schema::completions(&a),
        Command::Man(_) => schema::man(),
    }
}

/// Load the records and evaluate every rule: the shared first step of check, letter --due,
/// calendar and the register. `within` overrides `settings.due_within_days`.
pub fn evaluate(ctx: &Ctx, within: Option<u32>) -> Result<(Loaded, Vec<Finding>, u32)> {
    let root = ctx.root()?;
    let loaded = load::load(root, ctx.as_of);
    let window = within.unwrap_or(loaded.records.school.settings.due_within_days);
    let findings = rules::evaluate(
        &loaded.records,
        &loaded.findings,
        Options {
            as_of: ctx.as_of,
            window,
        },
    );
    Ok((loaded, findings, window))
}

/// ": did you mean `x`?" for a pupil id that names no folder but is close to one (a
/// mistyped id in `sen letter` or `sen report pupil`), else nothing.
pub fn did_you_mean(records: &crate::model::Records, id: &str) -> String {
    let ids: Vec<&str> = records.pupils.iter().map(|f| f.id.as_str()).collect();
    crate::yaml::closest(id, &ids).map_or_else(String::new, |n| format!(": did you mean `{n}`?"))
}

/// Pupil folders left out of [`pupils_on_register`] because pupil.yaml has a `yaml` or
/// `schema` finding: those whose record says they are on the register at as-of, or that
/// cannot be read far enough to say.
pub fn pupils_to_fix(loaded: &Loaded, as_of: chrono::NaiveDate) -> usize {
    loaded
        .records
        .pupils
        .iter()
        .filter(|f| f.bad.pupil_shape)
        .filter(|f| {
            f.pupil
                .as_ref()
                .is_none_or(|p| rules::on_register(p, as_of))
        })
        .count()
}

/// Pupils on the register at as-of whose pupil.yaml loaded.
pub fn pupils_on_register(loaded: &Loaded, as_of: chrono::NaiveDate) -> usize {
    loaded
        .records
        .pupils
        .iter()
        .filter(|f| !f.bad.pupil_shape)
        .filter_map(|f| f.pupil.as_ref())
        .filter(|p| rules::on_register(p, as_of))
        .count()
}
