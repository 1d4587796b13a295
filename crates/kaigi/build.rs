//! Decides, at build time, whether the tests that start several `kaigi serve` on one PostgreSQL
//! (tests/instances.rs) run: with `KAIGI_TEST_DATABASE_URL` set (and not empty) they get `--cfg
//! kaigi_pg`; without it they are compiled as `#[ignore]`d, so `cargo test` counts them as
//! ignored, never as passed (as crates/kaigi-store/build.rs does for the store suite).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=KAIGI_TEST_DATABASE_URL");
    println!("cargo::rustc-check-cfg=cfg(kaigi_pg)");
    if std::env::var_os("KAIGI_TEST_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=kaigi_pg");
    }
}
