//! Message catalogs (Project Fluent) and the choice of the caller's language.
//!
//! A [`Localizer`] holds one Fluent bundle per language. The framework's own messages ship in
//! [`BUILTIN_LANGUAGES`]; applications add theirs with [`Localizer::add_messages`] (or
//! [`crate::App::messages`] / [`crate::App::catalogs`] with the [`locales!`](crate::locales) macro).
//! A built-in catalog is parsed the first time its language is needed (a process typically
//! serves a few of them); the application's catalogs are parsed when added, so a syntax error
//! is reported at startup, and its plain messages render without the framework catalog.
//!
//! # Choosing the language
//!
//! [`Localizer::render`] picks the language from the request's [`LocaleHint`], trying in order:
//!
//! 1. the `{Culture:RFC5646}` claim (`en-US`, `fr`, `zh-hans`, `pt-br`, any case),
//! 2. the `{Culture:LCID}` claim (`1036` → `fr-FR`; `4096` and unknown ids are skipped),
//! 3. the `{Culture:LanguageName}` claim (`en`),
//! 4. the `Accept-Language` header (by `q` weight; `*` and invalid entries ignored),
//! 5. the default language ([`Localizer::set_default`], `en` unless changed).
//!
//! A source whose value is garbage or matches no loaded language is skipped. Matching is
//! `fluent_langneg`'s lookup negotiation with CLDR likely subtags: case-insensitive, `fr-CA` →
//! `fr`, `pt` → `pt-BR`, `zh-CN` → `zh-Hans`, `zh-TW` → `zh-Hant`. Results are cached per raw
//! hint value, so a warm render costs one hash lookup plus the Fluent formatting.
//!
//! # Per-message fallback
//!
//! If the chosen language lacks the message, only that message renders from the default
//! language; if the default lacks it too, the id itself is returned and a warning is logged once
//! per id.
//!
//! # Catalog conventions
//!
//! Bidi isolation marks are off (B2C shows `userMessage` verbatim). Numeric arguments
//! ([`MessageArg::Number`]) select plural categories with the bundle language's CLDR rules.
//! Messages `claim-<claimTypeId>-display-name` and `claim-<claimTypeId>-help` localize a claim's
//! `DisplayName`/`UserHelpText` in the exported policy ([`Localizer::policy_strings`]).

mod app_ext;
mod lcid;
mod negotiate;
mod policy;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use fluent_syntax::ast;
use unic_langid::LanguageIdentifier;

use crate::error::{MessageArg, MessageArgs};

pub use lcid::lcid_to_tag;
pub use policy::{ClaimStrings, LanguageStrings};

/// Message ids of the B2C-side transport texts (`docs/b2c-wire-contract.md` §2.3), exported into the policy's
/// `Localization` element, never rendered by the service itself.
pub mod ids {
    /// `DefaultUserMessageIfRequestFailed`: any failure calling the service.
    pub const REQUEST_FAILED: &str = "b2c-request-failed";
    /// `UserMessageIfRequestTimeout`: the call timed out.
    pub const REQUEST_TIMEOUT: &str = "b2c-request-timeout";
    /// `UserMessageIfDnsResolutionFailed`: the service's host name did not resolve.
    pub const DNS_FAILED: &str = "b2c-dns-failed";
    /// `UserMessageIfCircuitOpen`: B2C's circuit breaker considers the service down.
    pub const CIRCUIT_OPEN: &str = "b2c-circuit-open";

    /// Every transport text id.
    pub const ALL: &[&str] = &[REQUEST_FAILED, REQUEST_TIMEOUT, DNS_FAILED, CIRCUIT_OPEN];
}

/// The languages whose framework catalog ships with the crate, as BCP 47 tags.
pub const BUILTIN_LANGUAGES: &[&str] = &["en", "fr", "de", "es", "pt-BR", "it", "nl", "ja"];

/// The framework catalogs: `(language, Fluent source)`.
static BUILTIN_CATALOGS: &[(&str, &str)] = &[
    ("en", include_str!("../../locales/en/framework.ftl")),
    ("fr", include_str!("../../locales/fr/framework.ftl")),
    ("de", include_str!("../../locales/de/framework.ftl")),
    ("es", include_str!("../../locales/es/framework.ftl")),
    ("pt-BR", include_str!("../../locales/pt-BR/framework.ftl")),
    ("it", include_str!("../../locales/it/framework.ftl")),
    ("nl", include_str!("../../locales/nl/framework.ftl")),
    ("ja", include_str!("../../locales/ja/framework.ftl")),
];

/// Every message id the framework needs: [`crate::error::ids::ALL`], [`crate::rules::ids::ALL`]
/// and the transport texts of [`ids::ALL`].
pub fn framework_ids() -> impl Iterator<Item = &'static str> {
    crate::error::ids::ALL
        .iter()
        .chain(crate::rules::ids::ALL)
        .chain(ids::ALL)
        .copied()
}

/// Embeds Fluent catalogs at build time as `&'static [(&str, &str)]` (language, source), for
/// [`crate::App::catalogs`] or [`Localizer::add_catalogs`].
///
/// Paths are relative to the calling crate's `Cargo.toml` directory.
///
/// ```
/// let catalogs: &[(&str, &str)] = claims_runtime::locales![
///     "en" => "locales/en/framework.ftl",
///     "fr" => "locales/fr/framework.ftl",
/// ];
/// let mut l10n = claims_runtime::l10n::Localizer::new();
/// l10n.add_catalogs(catalogs).unwrap();
/// assert_eq!(catalogs[1].0, "fr");
/// ```
#[macro_export]
macro_rules! locales {
    ($($lang:literal => $path:literal),* $(,)?) => {{
        const CATALOGS: &[(&str, &str)] = &[
            $(($lang, ::core::include_str!(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), "/", $path)))),*
        ];
        CATALOGS
    }};
}

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

impl<'a> LocaleHint<'a> {
    /// A hint with only an RFC 5646 tag.
    pub fn rfc5646(tag: &'a str) -> Self {
        LocaleHint {
            rfc5646: Some(tag),
            ..LocaleHint::default()
        }
    }

    /// A hint with only a Windows LCID.
    pub fn lcid(lcid: &'a str) -> Self {
        LocaleHint {
            lcid: Some(lcid),
            ..LocaleHint::default()
        }
    }

    /// A hint with only a two-letter language name.
    pub fn language_name(name: &'a str) -> Self {
        LocaleHint {
            language_name: Some(name),
            ..LocaleHint::default()
        }
    }

    /// A hint with only an `Accept-Language` header.
    pub fn accept_language(header: &'a str) -> Self {
        LocaleHint {
            accept_language: Some(header),
            ..LocaleHint::default()
        }
    }
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

/// A message that could not be rendered cleanly (see [`Localizer::try_render`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// No language matches the tag.
    UnknownLanguage(String),
    /// The language has no message with this id (or the message has no value).
    MissingMessage {
        /// The language.
        language: String,
        /// The message id.
        id: String,
    },
    /// Fluent reported errors (e.g. an argument the message uses was not given); `text` is
    /// what `render` would return.
    Fluent {
        /// The rendered text, with placeholders for what failed.
        text: String,
        /// The Fluent errors, as text.
        errors: Vec<String>,
    },
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::UnknownLanguage(l) => write!(f, "no catalog for language {l:?}"),
            RenderError::MissingMessage { language, id } => {
                write!(f, "language {language} has no message {id:?}")
            }
            RenderError::Fluent { text, errors } => {
                write!(f, "{text:?} rendered with errors: {}", errors.join("; "))
            }
        }
    }
}

impl std::error::Error for RenderError {}

/// Which hint a cached negotiation result belongs to.
#[derive(Clone, Copy)]
enum Source {
    Rfc5646 = 0,
    Lcid = 1,
    LanguageName = 2,
    AcceptLanguage = 3,
}

/// Raw hint values longer than this are negotiated but not cached.
const MAX_CACHED_KEY: usize = 256;
/// Entries per source cache; past this, results are computed but not stored.
const MAX_CACHE_ENTRIES: usize = 2048;

/// Keyed by raw request input: foldhash is randomly seeded per process (no crafted collisions)
/// and a fraction of SipHash's cost on these short keys.
type NegotiationCache = [HashMap<Box<str>, Option<u16>, foldhash::fast::RandomState>; 4];

type Bundle = FluentBundle<Arc<FluentResource>>;

/// One language's catalogs. The framework catalog is parsed on first use (most processes only
/// ever need a few of [`BUILTIN_LANGUAGES`]); the application's catalogs are parsed when added,
/// so that their syntax errors are reported at startup.
struct Lang {
    id: LanguageIdentifier,
    /// The framework catalog, if this language has one (always added before the app's).
    builtin: Option<&'static str>,
    /// The application's catalogs, in the order added.
    own: Vec<Arc<FluentResource>>,
    /// `own` alone: the app's messages (the usual 409 texts) render without parsing `builtin`.
    own_bundle: Bundle,
    /// `builtin` then `own`, built on first use.
    full: OnceLock<Full>,
}

struct Full {
    bundle: Bundle,
    /// Ids of the messages (not terms) defined, for listing and policy export.
    message_ids: HashSet<String>,
}

fn new_bundle(id: &LanguageIdentifier) -> Bundle {
    let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
    bundle.set_use_isolating(false);
    bundle
}

fn message_ids_of(res: &FluentResource) -> impl Iterator<Item = String> + '_ {
    res.entries().filter_map(|entry| match entry {
        ast::Entry::Message(m) => Some(m.id.name.to_owned()),
        _ => None,
    })
}

impl Lang {
    fn new(id: LanguageIdentifier, builtin: Option<&'static str>) -> Self {
        Lang {
            own_bundle: new_bundle(&id),
            id,
            builtin,
            own: Vec::new(),
            full: OnceLock::new(),
        }
    }

    /// Every catalog of the language, parsing the framework's on first call.
    fn full(&self) -> &Full {
        self.full.get_or_init(|| {
            let mut bundle = new_bundle(&self.id);
            let mut message_ids = HashSet::new();
            let builtin = self.builtin.map(|ftl| {
                Arc::new(FluentResource::try_new(ftl.to_owned()).expect("built-in catalogs parse"))
            });
            for res in builtin.iter().chain(&self.own) {
                message_ids.extend(message_ids_of(res));
                bundle.add_resource_overriding(Arc::clone(res));
            }
            Full {
                bundle,
                message_ids,
            }
        })
    }

    fn add(&mut self, res: FluentResource) {
        let res = Arc::new(res);
        if let Some(full) = self.full.get_mut() {
            full.message_ids.extend(message_ids_of(&res));
            full.bundle.add_resource_overriding(Arc::clone(&res));
        }
        self.own_bundle.add_resource_overriding(Arc::clone(&res));
        self.own.push(res);
    }

    fn has_message(&self, id: &str) -> bool {
        self.own_bundle.has_message(id) || self.full().bundle.has_message(id)
    }
}

/// Renders message ids in the caller's language from Fluent catalogs.
///
/// ```
/// use claims_runtime::l10n::{LocaleHint, Localizer};
///
/// let mut l10n = Localizer::new();
/// l10n.add_messages("en", "member-not-found = No member uses { $email }.").unwrap();
/// l10n.add_messages("fr", "member-not-found = Aucun membre n’utilise { $email }.").unwrap();
/// let args = vec![("email".into(), "a@b.c".into())];
/// assert_eq!(
///     l10n.render(&LocaleHint::rfc5646("fr-CA"), "member-not-found", &args),
///     "Aucun membre n’utilise a@b.c."
/// );
/// assert_eq!(
///     l10n.render(&LocaleHint::lcid("1031"), "claim-missing", &vec![("claim".into(), "E-Mail".into())]),
///     "Es fehlen Angaben (E-Mail). Bitte überprüfen Sie Ihre Eingaben und versuchen Sie es erneut."
/// );
/// ```
pub struct Localizer {
    /// The configured default language tag.
    default_tag: LanguageIdentifier,
    /// Index into `langs` of the bundle serving the default language.
    default: Option<usize>,
    langs: Vec<Lang>,
    /// The `id`s of `langs`, in the same order, for `fluent_langneg`.
    available: Vec<LanguageIdentifier>,
    cache: RwLock<NegotiationCache>,
    warned: Mutex<HashSet<String>>,
    /// Configuration problems to report at startup.
    problems: Vec<String>,
    /// Ids the application declared it needs ([`Localizer::require`]).
    required: Vec<String>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Localizer")
            .field("default", &self.default_tag.to_string())
            .field("languages", &self.languages())
            .finish()
    }
}

impl Default for Localizer {
    fn default() -> Self {
        Localizer::new()
    }
}

impl Localizer {
    /// English default with the framework's built-in messages in every [`BUILTIN_LANGUAGES`].
    pub fn new() -> Self {
        let mut l = Localizer::empty();
        for (lang, ftl) in BUILTIN_CATALOGS {
            let id = parse_lang(lang).expect("built-in language tags parse");
            l.langs.push(Lang::new(id.clone(), Some(ftl)));
            l.available.push(id);
        }
        l.reindex();
        l
    }

    /// A localizer with no catalogs at all (default language `en`).
    pub fn empty() -> Self {
        Localizer {
            default_tag: "en".parse().expect("valid tag"),
            default: None,
            langs: Vec::new(),
            available: Vec::new(),
            cache: RwLock::new(Default::default()),
            warned: Mutex::new(HashSet::new()),
            problems: Vec::new(),
            required: Vec::new(),
        }
    }

    /// Builder form of [`Localizer::set_default`].
    pub fn with_default(mut self, lang: &str) -> Result<Self, CatalogError> {
        self.set_default(lang)?;
        Ok(self)
    }

    /// Sets the default language: the last resort of negotiation and the source of per-message
    /// fallbacks. It is served by the closest loaded language (`fr-CA` by `fr`), resolved again
    /// whenever a catalog is added, so it may be set before its catalog.
    pub fn set_default(&mut self, lang: &str) -> Result<(), CatalogError> {
        let id = parse_lang(lang)?;
        self.default_tag = id;
        self.reindex();
        Ok(())
    }

    /// Adds Fluent messages for a language (later additions override earlier ids).
    pub fn add_messages(&mut self, lang: &str, ftl: &str) -> Result<(), CatalogError> {
        let id = parse_lang(lang)?;
        let res = FluentResource::try_new(ftl.to_owned()).map_err(|(_, errs)| {
            CatalogError(format!(
                "{lang}: Fluent syntax errors: {}",
                errs.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
        let idx = match self.langs.iter().position(|l| l.id == id) {
            Some(i) => i,
            None => {
                self.langs.push(Lang::new(id.clone(), None));
                self.available.push(id);
                self.langs.len() - 1
            }
        };
        self.langs[idx].add(res);
        self.reindex();
        Ok(())
    }

    /// Adds several catalogs (e.g. from [`locales!`](crate::locales)); stops at the first error.
    pub fn add_catalogs(&mut self, catalogs: &[(&str, &str)]) -> Result<(), CatalogError> {
        for (lang, ftl) in catalogs {
            self.add_messages(lang, ftl)?;
        }
        Ok(())
    }

    /// Keeps only the listed languages (plus nothing else: the default must be among them).
    /// Use it to offer exactly the languages of the B2C policy. Tags that match no loaded
    /// catalog are an error.
    pub fn restrict_languages(&mut self, langs: &[&str]) -> Result<(), CatalogError> {
        let wanted = langs
            .iter()
            .map(|l| parse_lang(l))
            .collect::<Result<Vec<_>, _>>()?;
        let mut keep = vec![false; self.langs.len()];
        for w in &wanted {
            let found = negotiate_languages(
                std::slice::from_ref(w),
                &self.available,
                None,
                NegotiationStrategy::Lookup,
            )
            .first()
            .and_then(|m| self.available.iter().position(|a| std::ptr::eq(a, *m)));
            match found {
                Some(i) => keep[i] = true,
                None => return Err(CatalogError(format!("no catalog for language {w}"))),
            }
        }
        let mut i = 0;
        self.langs.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        self.available = self.langs.iter().map(|l| l.id.clone()).collect();
        self.reindex();
        Ok(())
    }

    /// Recomputes the default bundle and clears the negotiation cache.
    fn reindex(&mut self) {
        self.default = self
            .available
            .iter()
            .position(|a| *a == self.default_tag)
            .or_else(|| self.negotiate_ids(std::slice::from_ref(&self.default_tag)));
        for map in self
            .cache
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .iter_mut()
        {
            map.clear();
        }
    }

    /// The configured default language.
    pub fn default_language(&self) -> &LanguageIdentifier {
        &self.default_tag
    }

    /// The loaded languages, in the order they were added.
    pub fn languages(&self) -> Vec<&LanguageIdentifier> {
        self.available.iter().collect()
    }

    /// Whether the default language defines `id`.
    pub fn has_message(&self, id: &str) -> bool {
        self.default.is_some_and(|i| self.langs[i].has_message(id))
    }

    /// Whether the language that `lang` negotiates to defines `id` (no fallback).
    pub fn has_message_in(&self, lang: &str, id: &str) -> bool {
        self.lang_index(lang)
            .is_some_and(|i| self.langs[i].has_message(id))
    }

    /// The message ids (not terms) defined for the language `lang` negotiates to, sorted.
    pub fn message_ids(&self, lang: &str) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .lang_index(lang)
            .map(|i| {
                self.langs[i]
                    .full()
                    .message_ids
                    .iter()
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default();
        v.sort_unstable();
        v
    }

    /// The ids among `ids` that the default language does not define.
    pub fn missing_ids(&self, ids: &[&str]) -> Vec<String> {
        ids.iter()
            .filter(|id| !self.has_message(id))
            .map(|id| (*id).to_owned())
            .collect()
    }

    /// The framework ids ([`framework_ids`]) the default language does not define; empty when
    /// the catalogs are complete.
    pub fn check_framework_ids(&self) -> Vec<String> {
        framework_ids()
            .filter(|id| !self.has_message(id))
            .map(str::to_owned)
            .collect()
    }

    /// Whether the default language has a catalog.
    pub fn has_default_catalog(&self) -> bool {
        self.default.is_some()
    }

    /// The default language's message id nearest to `id` (a likely typo), if one is close.
    pub fn nearest_message(&self, id: &str) -> Option<&str> {
        let i = self.default?;
        let limit = (id.chars().count() / 3).clamp(1, 3);
        self.langs[i]
            .full()
            .message_ids
            .iter()
            .map(|m| (claims_core::names::edit_distance(id, m), m.as_str()))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, m)| m)
    }

    /// `; did you mean "x"?` when a close id exists, else nothing.
    pub fn did_you_mean(&self, id: &str) -> String {
        self.nearest_message(id)
            .map(|m| format!("; did you mean {m:?}?"))
            .unwrap_or_default()
    }

    /// Declares message ids the application renders (e.g. its `ClaimsError::user` ids), so that
    /// [`Localizer::problems`] reports those the default language lacks.
    pub fn require(&mut self, ids: &[&str]) {
        self.required.extend(ids.iter().map(|s| (*s).to_owned()));
    }

    /// Records a configuration problem to report at startup.
    pub fn report_problem(&mut self, problem: impl Into<String>) {
        self.problems.push(problem.into());
    }

    /// Every localization problem that should stop the app from starting: recorded problems,
    /// an unloaded default language, framework and required ids missing from the default.
    pub fn problems(&self) -> Vec<String> {
        let mut out = self.problems.clone();
        if self.default.is_none() {
            out.push(format!(
                "the default language {} has no catalog",
                self.default_tag
            ));
            return out;
        }
        let required: Vec<&str> = self.required.iter().map(String::as_str).collect();
        for id in self
            .check_framework_ids()
            .into_iter()
            .chain(self.missing_ids(&required))
        {
            out.push(format!(
                "the default language {} has no message {id:?}{}",
                self.default_tag,
                self.did_you_mean(&id)
            ));
        }
        out
    }

    /// The index of the language `lang` negotiates to.
    fn lang_index(&self, lang: &str) -> Option<usize> {
        let mut req = Vec::with_capacity(2);
        negotiate::push_tag(lang, &mut req);
        self.negotiate_ids(&req)
    }

    fn negotiate_ids(&self, requested: &[LanguageIdentifier]) -> Option<usize> {
        if requested.is_empty() || self.available.is_empty() {
            return None;
        }
        let found = negotiate_languages(
            requested,
            &self.available,
            None,
            NegotiationStrategy::Lookup,
        );
        let m = found.first()?;
        self.available.iter().position(|a| std::ptr::eq(a, *m))
    }

    /// Negotiates one hint source, using the cache.
    fn resolve(&self, source: Source, raw: &str) -> Option<usize> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let cacheable = raw.len() <= MAX_CACHED_KEY;
        if cacheable {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            if let Some(hit) = cache[source as usize].get(raw) {
                return hit.map(usize::from);
            }
        }
        let mut req = Vec::new();
        match source {
            // A culture claim may hold an LCID, a tag or a language name whatever its resolver.
            Source::Rfc5646 | Source::Lcid | Source::LanguageName => {
                if let Some(tag) = claims_core::culture::to_language_tag(raw) {
                    negotiate::push_tag(&tag, &mut req);
                }
            }
            Source::AcceptLanguage => req = negotiate::parse_accept_language(raw),
        }
        let found = self.negotiate_ids(&req);
        if cacheable {
            let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
            let map = &mut cache[source as usize];
            if map.len() < MAX_CACHE_ENTRIES {
                map.insert(raw.into(), found.and_then(|i| u16::try_from(i).ok()));
            }
        }
        found
    }

    /// The language chosen for a request (see the module docs), `None` only when nothing is
    /// loaded at all.
    pub fn negotiate(&self, hint: &LocaleHint<'_>) -> Option<&LanguageIdentifier> {
        self.choose(hint).map(|i| &self.available[i])
    }

    fn choose(&self, hint: &LocaleHint<'_>) -> Option<usize> {
        let sources = [
            (Source::Rfc5646, hint.rfc5646),
            (Source::Lcid, hint.lcid),
            (Source::LanguageName, hint.language_name),
            (Source::AcceptLanguage, hint.accept_language),
        ];
        sources
            .into_iter()
            .find_map(|(s, raw)| self.resolve(s, raw?))
            .or(self.default)
    }

    /// Renders `id` for the caller. Missing in the caller's language: rendered from the default
    /// language; missing there too: the id itself (and a warning, once per id).
    pub fn render(&self, hint: &LocaleHint<'_>, id: &str, args: &MessageArgs) -> String {
        let chosen = self.choose(hint);
        if let Some(text) = chosen.and_then(|i| self.format_logged(i, id, args)) {
            return text;
        }
        if let Some(d) = self.default
            && Some(d) != chosen
            && let Some(text) = self.format_logged(d, id, args)
        {
            return text;
        }
        self.warn_once(id, || {
            tracing::warn!(
                message_id = id,
                "no catalog defines this message; rendering its id"
            )
        });
        id.to_owned()
    }

    /// Renders `id` in the language `lang` negotiates to, without any fallback, reporting
    /// Fluent errors. For tests and catalog tooling.
    pub fn try_render(
        &self,
        lang: &str,
        id: &str,
        args: &MessageArgs,
    ) -> Result<String, RenderError> {
        let i = self
            .lang_index(lang)
            .ok_or_else(|| RenderError::UnknownLanguage(lang.to_owned()))?;
        let l = &self.langs[i];
        let missing = || RenderError::MissingMessage {
            language: l.id.to_string(),
            id: id.to_owned(),
        };
        let bundle = &l.full().bundle;
        let pattern = bundle
            .get_message(id)
            .and_then(|m| m.value())
            .ok_or_else(missing)?;
        let fargs = fluent_args(args);
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned();
        if errors.is_empty() {
            Ok(text)
        } else {
            Err(RenderError::Fluent {
                text,
                errors: errors.iter().map(ToString::to_string).collect(),
            })
        }
    }

    /// Renders `id` in the language chosen for the request ([`Localizer::negotiate`]) only:
    /// `None` when that language lacks it or Fluent reports errors. Unlike [`Localizer::render`]
    /// there is no per-message fallback; unlike [`Localizer::try_render`] with the negotiated
    /// tag, the choice comes from the negotiation cache. For optional texts such as a claim's
    /// localized display name.
    pub fn render_defined(
        &self,
        hint: &LocaleHint<'_>,
        id: &str,
        args: &MessageArgs,
    ) -> Option<String> {
        let mut errors = Vec::new();
        let text = format(&self.langs[self.choose(hint)?], id, args, &mut errors)?;
        errors.is_empty().then_some(text)
    }

    /// Formats `id` in language `i`; `None` if the language lacks it. Fluent errors are logged
    /// once per (language, id).
    fn format_logged(&self, i: usize, id: &str, args: &MessageArgs) -> Option<String> {
        let l = &self.langs[i];
        let mut errors = Vec::new();
        let text = format(l, id, args, &mut errors)?;
        if !errors.is_empty() {
            let lang = &l.id;
            self.warn_once(&format!("{lang}/{id}"), || {
                tracing::warn!(
                    message_id = id,
                    language = %lang,
                    errors = ?errors,
                    "message rendered with Fluent errors"
                )
            });
        }
        Some(text)
    }

    fn warn_once(&self, key: &str, log: impl FnOnce()) {
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        if warned.len() < 4096 && !warned.contains(key) {
            warned.insert(key.to_owned());
            drop(warned);
            log();
        }
    }

    /// Per loaded language, the texts the policy generator puts into the B2C `Localization`
    /// element: the four transport error texts and the claims' display names and help texts.
    pub fn policy_strings(&self) -> Vec<LanguageStrings> {
        policy::collect(self)
    }
}

/// Formats `id` in language `l` (`None` if it lacks the message), adding Fluent's errors to
/// `errors`.
#[inline(always)] // on the 409 path; two callers made the compiler keep a call
fn format(l: &Lang, id: &str, args: &MessageArgs, errors: &mut Vec<FluentError>) -> Option<String> {
    // The app's own plain message needs neither the framework catalog nor Fluent.
    if let Some(pattern) = l.own_bundle.get_message(id).and_then(|m| m.value())
        && let Some(text) = render_plain(pattern, args)
    {
        return Some(text);
    }
    let bundle = &l.full().bundle;
    let pattern = bundle.get_message(id)?.value()?;
    if let Some(text) = render_plain(pattern, args) {
        return Some(text);
    }
    let fargs = fluent_args(args);
    Some(
        bundle
            .format_pattern(pattern, Some(&fargs), errors)
            .into_owned(),
    )
}

/// Most placeables Fluent resolves in one pattern (`fluent_bundle`'s limit).
const MAX_PLACEABLES: usize = 100;

/// Renders a pattern made of text and `{ $variable }` placeables whose arguments are all text,
/// exactly as Fluent would with isolation marks off (the setting of every bundle here), without
/// building Fluent arguments or a resolver scope: the usual 409 message. `None` for anything
/// else (numbers, selectors, references, functions, a missing argument): Fluent renders those.
fn render_plain(pattern: &ast::Pattern<&str>, args: &MessageArgs) -> Option<String> {
    if pattern.elements.len() > MAX_PLACEABLES {
        return None;
    }
    let mut out = String::with_capacity(64);
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => out.push_str(value),
            ast::PatternElement::Placeable {
                expression: ast::Expression::Inline(ast::InlineExpression::VariableReference { id }),
            } => {
                // The last value of a repeated name wins, as with `FluentArgs::set`.
                match args.iter().rev().find(|(k, _)| k == id.name)? {
                    (_, MessageArg::Text(t)) => out.push_str(t),
                    (_, MessageArg::Number(_)) => return None,
                }
            }
            ast::PatternElement::Placeable { .. } => return None,
        }
    }
    Some(out)
}

fn parse_lang(lang: &str) -> Result<LanguageIdentifier, CatalogError> {
    let mut ids = Vec::with_capacity(2);
    negotiate::push_tag(lang, &mut ids);
    ids.into_iter()
        .next()
        .ok_or_else(|| CatalogError(format!("invalid language tag {lang:?}")))
}

fn fluent_args(args: &MessageArgs) -> FluentArgs<'_> {
    let mut fargs = FluentArgs::with_capacity(args.len());
    for (k, v) in args {
        let value = match v {
            MessageArg::Text(s) => FluentValue::from(s.as_str()),
            MessageArg::Number(n) => FluentValue::from(*n),
        };
        fargs.set(k.as_ref(), value);
    }
    fargs
}
