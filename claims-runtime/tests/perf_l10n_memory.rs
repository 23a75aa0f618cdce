//! Memory of the message catalogs (issue 16, peak RSS): the built-in catalogs are parsed per
//! language on first use, so a localizer (and a `ClaimsConfig::default()` built only to be
//! overwritten) costs little until a language is needed, and an app's own message renders
//! without parsing the framework catalog of its language.
//!
//! Live heap bytes are counted per thread by a wrapping global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use claims_runtime::ClaimsConfig;
use claims_runtime::MessageArg;
use claims_runtime::error::MessageArgs;
use claims_runtime::l10n::{BUILTIN_LANGUAGES, LocaleHint, Localizer};

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to `System`; only a thread-local counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE.try_with(|l| l.set(l.get() + layout.size() as isize));
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|l| l.set(l.get() - layout.size() as isize));
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = LIVE.try_with(|l| l.set(l.get() + new_size as isize - layout.size() as isize));
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.with(Cell::get)
}

/// Live bytes `f`'s result keeps (what it allocated minus what it freed), with the result.
fn kept<T>(f: impl FnOnce() -> T) -> (isize, T) {
    let before = live();
    let value = f();
    (live() - before, value)
}

fn claim() -> MessageArgs {
    vec![("claim".into(), MessageArg::from("E-mail"))]
}

const MEMBER_ES: &str = "member-not-found = No hay ninguna tarjeta vinculada a { $email }.";

#[test]
fn builtin_catalogs_are_parsed_per_language_on_first_use() {
    // What every built-in language costs once parsed.
    let (all, full) = kept(|| {
        let l = Localizer::new();
        for lang in BUILTIN_LANGUAGES {
            assert!(!l.message_ids(lang).is_empty());
        }
        l
    });
    let per_language = all / BUILTIN_LANGUAGES.len() as isize;
    assert!(
        per_language > 4096,
        "a parsed catalog keeps {per_language} bytes"
    );

    // A fresh localizer has parsed nothing yet.
    let (fresh, l) = kept(Localizer::new);
    assert!(
        fresh < per_language,
        "Localizer::new keeps {fresh} bytes; one parsed language keeps {per_language}"
    );
    let (config, c) = kept(ClaimsConfig::default);
    assert!(
        config < per_language + 4096,
        "ClaimsConfig::default keeps {config} bytes"
    );
    drop(c);

    // Rendering in French parses French only; rendering again parses nothing.
    let (first, fr) = kept(|| l.render(&LocaleHint::lcid("1036"), "claim-missing", &claim()));
    assert!(
        fr.starts_with("Des informations sont manquantes (E-mail)"),
        "{fr}"
    );
    assert!(
        first < 2 * per_language,
        "the first French render kept {first} bytes; one language keeps {per_language}"
    );
    let (again, fr2) = kept(|| l.render(&LocaleHint::lcid("1036"), "claim-missing", &claim()));
    assert_eq!(fr2, fr);
    assert!(again < 1024, "a warm render kept {again} bytes");

    // Texts are the same as with every catalog parsed up front.
    for lang in BUILTIN_LANGUAGES {
        let hint = LocaleHint::rfc5646(lang);
        assert_eq!(
            l.render(&hint, "claim-missing", &claim()),
            full.render(&hint, "claim-missing", &claim()),
            "{lang}"
        );
        assert_eq!(l.message_ids(lang), full.message_ids(lang), "{lang}");
    }
}

#[test]
fn an_app_message_renders_without_parsing_the_framework_catalog() {
    let (one_language, _) = kept(|| {
        let l = Localizer::new();
        assert!(l.has_message_in("es", "claim-missing"));
        l
    });
    let mut l = Localizer::new();
    l.add_messages("es", MEMBER_ES).unwrap();
    let args: MessageArgs = vec![("email".into(), MessageArg::from("a@b.c"))];
    let (kept_bytes, text) =
        kept(|| l.render(&LocaleHint::lcid("3082"), "member-not-found", &args));
    assert_eq!(text, "No hay ninguna tarjeta vinculada a a@b.c.");
    assert!(
        kept_bytes < one_language / 2,
        "rendering the app's message kept {kept_bytes} bytes; parsing Spanish keeps {one_language}"
    );
    // The framework's Spanish messages are still there, and the app's message overrides
    // nothing else.
    assert!(
        l.render(&LocaleHint::lcid("3082"), "claim-missing", &claim())
            .starts_with("Falta")
    );
    assert!(l.message_ids("es").contains(&"member-not-found"));
    assert!(l.message_ids("es").contains(&"claim-missing"));
}

#[test]
fn app_messages_override_builtin_ones_whenever_the_catalog_is_parsed() {
    let own = "claim-missing = Falta { $claim }, ¡ojo!";
    // Parsed before the app's catalog is added, and after.
    let mut before = Localizer::new();
    assert!(before.has_message_in("es", "claim-missing"));
    before.add_messages("es", own).unwrap();
    let mut after = Localizer::new();
    after.add_messages("es", own).unwrap();
    for l in [&before, &after] {
        assert_eq!(
            l.render(&LocaleHint::lcid("3082"), "claim-missing", &claim()),
            "Falta E-mail, ¡ojo!"
        );
        assert_eq!(
            l.try_render("es", "claim-missing", &claim()).unwrap(),
            "Falta E-mail, ¡ojo!"
        );
    }
    // An app message may use a framework message: rendered through the whole catalog.
    let mut l = Localizer::new();
    l.add_messages("es", "wrapped = [{ claim-missing }]")
        .unwrap();
    let text = l.render(&LocaleHint::lcid("3082"), "wrapped", &claim());
    assert!(text.starts_with("[Falta") && text.ends_with(']'), "{text}");
}
