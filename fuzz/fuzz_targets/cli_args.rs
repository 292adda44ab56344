//! The `clerk` CLI's argument checking (`clerk_cli::check`: the command
//! tree built from the model, clap's parsing, and each operation's values
//! turned into a request) on arbitrary command lines, non-UTF-8 arguments
//! included: `Ok` or a message, never a panic, and nothing sent. Input:
//! the arguments after `clerk`, separated by NUL bytes.
#![no_main]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut args = vec![OsString::from("clerk")];
    if !data.is_empty() {
        args.extend(data.split(|b| *b == 0).map(|arg| OsString::from_vec(arg.to_vec())));
    }
    let _ = clerk_cli::check(&args);
});
