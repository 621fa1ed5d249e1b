use clap::Parser;

fn main() {
    let cli = sen::cli::Cli::parse();
    let code = match sen::commands::run(cli) {
        Ok(code) => code,
        // `sen check | head`: the reader has all it wanted; nothing went wrong.
        Err(e) if sen::diagnostics::is_broken_pipe(&e) => 0,
        Err(e) => {
            eprintln!("{}", sen::diagnostics::render_error(&e));
            2
        }
    };
    std::process::exit(code);
}
