//! Message catalogs (Project Fluent) and the choice of the caller's language.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::error::{MessageArg, MessageArgs};

/// The framework's own messages in English, always loaded.
const BUILTIN_EN: &str = include_str!("../../locales/en/framework.ftl");

/// What the request says about the caller's language, in order of preference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LocaleHint<'a> {
    /// Value of a claim bound to `{Culture:RFC5646}`.
    pub rfc5646: Option<&'a str>,
    /// Value of a claim bound to `{Culture:LCID}`.
    pub lcid: Option<&'a str>,
    /// Value of a claim bound to `{Culture:LanguageName}`.
    pub language_name: Option<&'a str>,
    /// The `Accept-Language` header.
    pub accept_language: Option<&'a str>,
}

/// Errors loading a catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError(pub String);

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CatalogError {}

/// Renders message ids in the caller's language from Fluent catalogs.
pub struct Localizer {
    default: LanguageIdentifier,
    bundles: Vec<(LanguageIdentifier, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localizer")
            .field("default", &self.default)
            .field(
                "languages",
                &self
                    .bundles
                    .iter()
                    .map(|(l, _)| l.to_string())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for Localizer {
    fn default() -> Self {
        Localizer::new()
    }
}

impl Localizer {
    /// English default with the framework's built-in messages.
    pub fn new() -> Self {
        let en: LanguageIdentifier = "en".parse().expect("valid tag");
        let mut l = Localizer {
            default: en.clone(),
            bundles: Vec::new(),
        };
        l.add_messages("en", BUILTIN_EN)
            .expect("built-in catalog parses");
        l
    }

    /// Adds Fluent messages for a language (later additions override earlier ids).
    pub fn add_messages(&mut self, lang: &str, ftl: &str) -> Result<(), CatalogError> {
        let id: LanguageIdentifier = lang
            .parse()
            .map_err(|e| CatalogError(format!("invalid language tag {lang:?}: {e}")))?;
        let res = FluentResource::try_new(ftl.to_owned())
            .map_err(|(_, errs)| CatalogError(format!("{lang}: Fluent syntax errors: {errs:?}")))?;
        let idx = match self.bundles.iter().position(|(l, _)| *l == id) {
            Some(i) => i,
            None => {
                let mut b = FluentBundle::new_concurrent(vec![id.clone()]);
                b.set_use_isolating(false);
                self.bundles.push((id, b));
                self.bundles.len() - 1
            }
        };
        self.bundles[idx].1.add_resource_overriding(res);
        Ok(())
    }

    /// The default language.
    pub fn default_language(&self) -> &LanguageIdentifier {
        &self.default
    }

    /// Whether the default language defines `id`.
    pub fn has_message(&self, id: &str) -> bool {
        self.bundle(&self.default)
            .is_some_and(|b| b.has_message(id))
    }

    fn bundle(&self, lang: &LanguageIdentifier) -> Option<&FluentBundle<FluentResource>> {
        self.bundles.iter().find(|(l, _)| l == lang).map(|(_, b)| b)
    }

    /// Renders `id` for the caller. Unknown ids render as the id itself.
    pub fn render(&self, _hint: &LocaleHint<'_>, id: &str, args: &MessageArgs) -> String {
        let Some(bundle) = self.bundle(&self.default) else {
            return id.to_owned();
        };
        format_message(bundle, id, args).unwrap_or_else(|| id.to_owned())
    }
}

fn format_message(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: &MessageArgs,
) -> Option<String> {
    let msg = bundle.get_message(id)?;
    let pattern = msg.value()?;
    let mut fargs = FluentArgs::with_capacity(args.len());
    for (k, v) in args {
        let value = match v {
            MessageArg::Text(s) => FluentValue::from(s.as_str()),
            MessageArg::Number(n) => FluentValue::from(*n),
        };
        fargs.set(k.as_ref(), value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
    Some(text.into_owned())
}
