//! `sen schema`, `sen completions` and `sen man`: what other tools need to understand `sen`,
//! generated from the same definitions the loader and the command line use, so none of it
//! can drift.
//!
//! The JSON Schemas come from the raw record types of [`crate::records`] (via `schemars`),
//! so an editor that checks a record against them agrees with `sen check` on its shape:
//! unknown keys, required keys, types and enumerations. Dates are strings in the schema;
//! that they are real calendar days is checked by `sen check` alone.

use std::path::Path;

use anyhow::{Context, Result, bail};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::cli::SchemaArgs;
use crate::records::{RawAnnualReview, RawCycle, RawEhcp, RawMeeting, RawPupil, RawSchoolFile};
use crate::settings::Ctx;

/// The record files that have a schema, by the name `sen schema FILE` takes.
pub const FILES: [&str; 6] = [
    "school",
    "pupil",
    "cycle",
    "meeting",
    "ehcp",
    "annual-review",
];

/// The folder, under the records root, where `sen init` writes the schemas and where the
/// `yaml-language-server` header of every file `sen new` writes points.
pub const SCHEMA_DIR: &str = ".schemas";

/// The file name of a record file's schema: `NAME.schema.json`.
pub fn file_name(name: &str) -> String {
    format!("{name}.schema.json")
}

fn generate<T: JsonSchema>(title: &str, description: &str) -> Schema {
    let mut schema = SchemaGenerator::default().into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    schema
}

/// The JSON Schema of one record file, or `None` for an unknown name.
pub fn schema(name: &str) -> Option<Schema> {
    Some(match name {
        "school" => generate::<RawSchoolFile>(
            "sen school.yaml",
            "school.yaml: the school, its SENCO, terms, provision catalogue and report text.",
        ),
        "pupil" => generate::<RawPupil>(
            "sen pupil.yaml",
            "pupils/ID/pupil.yaml: who the pupil is and their SEN status.",
        ),
        "cycle" => generate::<RawCycle>(
            "sen cycle",
            "pupils/ID/cycles/DATE.yaml: one assess-plan-do-review cycle (6.44-6.54).",
        ),
        "meeting" => generate::<RawMeeting>(
            "sen meeting",
            "pupils/ID/meetings/DATE.yaml: a meeting with parents or others (6.65-6.71).",
        ),
        "ehcp" => generate::<RawEhcp>(
            "sen ehcp.yaml",
            "pupils/ID/ehcp.yaml: an EHC needs assessment and plan.",
        ),
        "annual-review" => generate::<RawAnnualReview>(
            "sen annual review",
            "pupils/ID/annual-reviews/DATE.yaml: an EHC plan annual review (6.56).",
        ),
        _ => return None,
    })
}

/// Pretty JSON of a schema, ending in a newline.
pub fn to_text(schema: &Schema) -> Result<String> {
    let mut text = serde_json::to_string_pretty(schema)?;
    text.push('\n');
    Ok(text)
}

/// Write every schema into `dir` (created if need be) as `NAME.schema.json`; returns the
/// paths written. These files are generated, so writing over an older copy is right.
pub fn write_all(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    write(dir, &FILES)
}

fn write(dir: &Path, names: &[&str]) -> Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let mut written = Vec::new();
    for &name in names {
        let Some(s) = schema(name) else { continue };
        let path = dir.join(file_name(name));
        std::fs::write(&path, to_text(&s)?)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

fn unknown(name: &str) -> anyhow::Error {
    let hint = crate::yaml::closest(name, &FILES)
        .map_or_else(String::new, |n| format!(": did you mean `{n}`?"));
    anyhow::anyhow!(
        "no record file `{name}`{hint}\n  help: the record files are {}",
        FILES.join(", ")
    )
}

pub fn run(args: &SchemaArgs, ctx: &Ctx) -> Result<i32> {
    if let Some(name) = &args.file
        && schema(name).is_none()
    {
        bail!(unknown(name));
    }
    if let Some(dir) = &args.out_dir {
        // Schemas may sit beside the records (`.schemas/`), but never among a pupil's files.
        if let Ok(root) = ctx.root()
            && crate::render::check_output_path(Some(&root.join("pupils")), &dir.join("x")).is_err()
        {
            bail!(
                "refusing to write schemas into `{}`: pupils/ holds only pupils' records",
                dir.display()
            );
        }
        let names: Vec<&str> = match &args.file {
            Some(n) => vec![n.as_str()],
            None => FILES.to_vec(),
        };
        for path in write(dir, &names)? {
            println!("{}", path.display());
        }
        return Ok(0);
    }
    let text = match &args.file {
        Some(name) => match schema(name) {
            Some(s) => to_text(&s)?,
            None => bail!(unknown(name)),
        },
        None => {
            // One JSON object holding every schema, keyed by record file.
            let mut all = serde_json::Map::new();
            for name in FILES {
                if let Some(s) = schema(name) {
                    all.insert(name.to_string(), s.to_value());
                }
            }
            let mut t = serde_json::to_string_pretty(&all)?;
            t.push('\n');
            t
        }
    };
    print!("{text}");
    Ok(0)
}

pub fn completions(args: &crate::cli::CompletionsArgs) -> Result<i32> {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "sen", &mut std::io::stdout());
    Ok(0)
}

pub fn man() -> Result<i32> {
    use clap::CommandFactory;
    let cmd = crate::cli::Cli::command();
    clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_file_has_a_schema() {
        for name in FILES {
            assert!(schema(name).is_some(), "{name}");
        }
        assert!(schema("pupils").is_none());
    }

    #[test]
    fn unknown_keys_are_refused_by_the_schema() {
        let s = schema("cycle").map(|s| s.to_value()).unwrap_or_default();
        assert_eq!(s["additionalProperties"], serde_json::json!(false));
        assert_eq!(s["required"], serde_json::json!(["started"]));
    }
}
