//! Links both benchmark servers with packed relative relocations (DT_RELR, glibc 2.36 or later):
//! the loader then reads a few KiB of relocation bitmaps instead of half a MiB of RELA entries at
//! start-up, which is resident memory of every process. Both servers get the same link.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
