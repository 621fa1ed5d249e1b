//! The JSON Schemas of the record files, generated from the raw record types of
//! [`crate::records`] (via `schemars`), so an editor that checks a record against them
//! agrees with `sen check` on its shape: unknown keys, required keys, types and
//! enumerations. Dates are strings in the schema; that they are real calendar days is
//! checked by `sen check` alone. `sen schema` prints them; `sen init` writes them.

use std::path::Path;

use anyhow::{Context, Result};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::records::{RawAnnualReview, RawCycle, RawEhcp, RawMeeting, RawPupil, RawSchoolFile};

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

pub fn write(dir: &Path, names: &[&str]) -> Result<Vec<std::path::PathBuf>> {
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
