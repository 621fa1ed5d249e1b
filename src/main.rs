use clap::Parser;

fn main() {
    let cli = sen::cli::Cli::parse();
    let code = match sen::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", sen::diagnostics::render_error(&e));
            2
        }
    };
    std::process::exit(code);
}
