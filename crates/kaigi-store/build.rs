//! Decides, at build time, whether the store suite's PostgreSQL half runs: with
//! `KAIGI_TEST_DATABASE_URL` set (and not empty) the tests get `--cfg kaigi_pg`; without it they
//! are compiled as `#[ignore]`d, so `cargo test` counts them as ignored instead of as passed.
//! (`#[ignore]` can only be chosen when compiling, hence a build script.) Changing the variable
//! rebuilds this crate and what depends on it.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=KAIGI_TEST_DATABASE_URL");
    println!("cargo::rustc-check-cfg=cfg(kaigi_pg)");
    if std::env::var_os("KAIGI_TEST_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=kaigi_pg");
    }
}
