//! The plain-pattern fast path of `Localizer::render` gives Fluent's text for every message of
//! every built-in catalog, with text and number arguments, repeated and missing ones.

use claims_runtime::MessageArg;
use claims_runtime::l10n::{BUILTIN_LANGUAGES, LocaleHint, Localizer, RenderError};

fn fluent_text(
    l10n: &Localizer,
    lang: &str,
    id: &str,
    args: &Vec<(std::borrow::Cow<'static, str>, MessageArg)>,
) -> String {
    match l10n.try_render(lang, id, args) {
        Ok(text) | Err(RenderError::Fluent { text, .. }) => text,
        Err(other) => panic!("{lang} {id}: {other}"),
    }
}

#[test]
fn render_matches_fluent_for_every_builtin_message() {
    let mut l10n = Localizer::new();
    l10n.add_messages(
        "en",
        "plain = Hello { $name }, { $name } again.\nnumber = { $n } items\nselect = { $n ->\n [one] one\n*[other] many\n}\nterm = -brand\nmulti =\n    first line { $name }\n    second line\nliteral = { \"quoted\" } text\n",
    )
    .unwrap();
    let names = [
        "claim", "email", "name", "n", "min", "max", "value", "limit", "seconds", "id",
    ];
    let text_args: Vec<_> = names
        .iter()
        .map(|n| {
            (
                (*n).into(),
                MessageArg::from(format!("<{n}> \"é\"").as_str()),
            )
        })
        .collect();
    let number_args: Vec<_> = names
        .iter()
        .map(|n| ((*n).into(), MessageArg::Number(3.0)))
        .collect();
    let repeated: Vec<_> = vec![
        ("name".into(), "first".into()),
        ("name".into(), "last".into()),
    ];
    let none = Vec::new();
    let mut checked = 0;
    for lang in BUILTIN_LANGUAGES {
        for id in l10n.message_ids(lang) {
            for args in [&text_args, &number_args, &repeated, &none] {
                let want = fluent_text(&l10n, lang, id, args);
                assert_eq!(
                    l10n.render(&LocaleHint::rfc5646(lang), id, args),
                    want,
                    "{lang} {id} {args:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 8 * 4 * 10, "{checked}");
    let hint = LocaleHint::rfc5646("en");
    assert_eq!(
        l10n.render(&hint, "plain", &repeated),
        "Hello last, last again."
    );
    assert_eq!(
        l10n.render(&hint, "multi", &repeated),
        "first line last\nsecond line"
    );
    assert_eq!(
        l10n.render(
            &hint,
            "select",
            &vec![("n".into(), MessageArg::Number(1.0))]
        ),
        "one"
    );
    assert_eq!(
        l10n.render(&hint, "plain", &none),
        "Hello {$name}, {$name} again."
    );
}
