use clap::Parser;

fn main() {
    let cli = sen::cli::Cli::parse();
    let code = match sen::commands::run(cli) {
        Ok(code) => code,
        // `sen check | head`: the reader has all it wanted; nothing went wrong.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            0
        }
        Err(e) => {
            eprintln!("{}", sen::diagnostics::render_error(&e));
            2
        }
    };
    std::process::exit(code);
}
