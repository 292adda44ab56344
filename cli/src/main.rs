//! `clerk`: browse, inspect and call Clerk's Backend API from a shell
//! (the program is the `clerk_cli` library's `run`).

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    clerk_cli::run(&args)
}
