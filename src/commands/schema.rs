//! `sen schema`, `sen completions` and `sen man`: what other tools need to understand `sen`,
//! generated from the same definitions the loader and the command line use, so none of it
//! can drift.
//!
//! The JSON Schemas come from the raw record types of [`crate::records`] (via `schemars`),
//! so an editor that checks a record against them agrees with `sen check` on its shape:
//! unknown keys, required keys, types and enumerations. Dates are strings in the schema;
//! that they are real calendar days is checked by `sen check` alone.

use anyhow::{Result, bail};

use crate::cli::SchemaArgs;
use crate::schema::{FILES, schema, to_text, write};
use crate::settings::Ctx;

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
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "sen", &mut out);
    if args.shell == clap_complete::Shell::Bash {
        std::io::Write::write_all(&mut out, PUPIL_IDS_BASH.as_bytes())?;
    }
    Ok(0)
}

/// Bash completes pupil ids too: after `letter`, `report pupil`, `report passport`, `report
/// inspection`, `new cycle`, `new meeting`, `new annual-review`, `new ehcp` and `--pupil`, the
/// folders under pupils/ of the records found as sen finds them (`SEN_RECORDS`, else the
/// nearest folder up from here with a school.yaml). It wraps clap's generated `_sen`, so
/// every other completion is clap's. (Other shells complete commands and options only.)
const PUPIL_IDS_BASH: &str = r#"
_sen_pupil_ids() {
    local dir="${SEN_RECORDS:-$PWD}"
    while [[ "$dir" != "/" && "$dir" != "." && ! -f "$dir/school.yaml" ]]; do
        dir="$(dirname "$dir")"
    done
    [[ -d "$dir/pupils" ]] || return 0
    local d
    for d in "$dir"/pupils/*/; do
        [[ -f "${d}pupil.yaml" ]] && printf '%s
' "$(basename "$d")"
    done
}

_sen_with_pupils() {
    _sen "$@"
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    [[ "$cur" == -* ]] && return 0
    local before=" ${COMP_WORDS[*]:1:COMP_CWORD-1} "
    case "$before" in
        *" letter "*|*" report pupil "*|*" report passport "*|*" report inspection "*|        *" new cycle "*|*" new meeting "*|*" new annual-review "*|*" new ehcp "*) ;;
        *) [[ "$prev" == "--pupil" ]] || return 0 ;;
    esac
    local IFS=$'
'
    COMPREPLY+=( $(compgen -W "$(_sen_pupil_ids)" -- "$cur") )
}

complete -F _sen_with_pupils -o bashdefault -o default sen
"#;

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
