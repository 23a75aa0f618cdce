//! Localization settings of the [`crate::App`] builder.

use super::{LanguageStrings, Localizer};
use crate::StartupError;

impl crate::App {
    /// Adds several Fluent catalogs, e.g. embedded with [`locales!`](crate::locales):
    ///
    /// ```
    /// use claims_runtime::App;
    ///
    /// let app = App::empty().catalogs(claims_runtime::locales![
    ///     "en" => "locales/en/framework.ftl",
    /// ]);
    /// assert!(app.validate().is_ok());
    /// ```
    ///
    /// A syntax error is reported at startup, like [`crate::App::messages`].
    pub fn catalogs(mut self, catalogs: &[(&str, &str)]) -> Self {
        for (lang, ftl) in catalogs {
            self = self.messages(lang, ftl);
        }
        self
    }

    /// Sets the default language (`en` unless changed): the language of callers whose hints
    /// match no catalog, and of messages missing from the caller's language. An invalid tag is
    /// a startup problem ([`crate::App::check_localization`]).
    pub fn default_language(mut self, lang: &str) -> Self {
        let l10n = self.localizer_mut();
        if let Err(e) = l10n.set_default(lang) {
            l10n.report_problem(format!("default language: {e}"));
        }
        self
    }

    /// Offers only these languages (typically the policy's `SupportedLanguage`s); framework
    /// catalogs of other languages are dropped. Call it after adding catalogs.
    pub fn languages(mut self, langs: &[&str]) -> Self {
        let l10n = self.localizer_mut();
        if let Err(e) = l10n.restrict_languages(langs) {
            l10n.report_problem(format!("languages: {e}"));
        }
        self
    }

    /// Declares message ids the app renders where `#[claims_handler]` cannot see them, so that
    /// [`crate::App::check_localization`] (and startup) fails when the default language lacks one.
    ///
    /// Handlers need no declaration for literal ids in their body
    /// (`ClaimsError::user("member-not-found")`): the macro collects those into
    /// [`HandlerSpec::messages`](crate::HandlerSpec::messages). Declare the others here or with
    /// the handler key `messages = [..]`: ids held in constants or built at run time, ids
    /// returned by helper functions, and `ValidationError` codes of `custom` rules.
    pub fn require_messages(mut self, ids: &[&str]) -> Self {
        self.localizer_mut().require(ids);
        self
    }

    /// The message catalogs.
    pub fn localizer_mut(&mut self) -> &mut Localizer {
        &mut self.config_mut().localizer
    }

    /// Checks the localization setup: valid default language with a catalog, every framework
    /// message, every message a mounted handler renders ([`HandlerSpec::messages`](crate::HandlerSpec::messages))
    /// and every [required](crate::App::require_messages) message in the default language.
    /// [`crate::App::validate`] runs the same checks, so the app does not start without them.
    pub fn check_localization(&self) -> Result<(), StartupError> {
        let problems = self.localization_problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StartupError(problems))
        }
    }

    /// The problems [`crate::App::check_localization`] reports, one line each.
    pub fn localization_problems(&self) -> Vec<String> {
        let l10n = &self.config().localizer;
        let mut out = l10n.problems();
        // Without a default catalog every id would be missing; that one problem is enough.
        if !l10n.has_default_catalog() {
            return out;
        }
        for spec in self.specs() {
            for id in spec.messages.iter().filter(|id| !l10n.has_message(id)) {
                out.push(format!(
                    "handler {} ({}) renders the message {id:?}, which the default language {} does not define{}",
                    spec.rust_fn,
                    spec.technical_profile,
                    l10n.default_language(),
                    l10n.did_you_mean(id)
                ));
            }
        }
        out
    }

    /// Per language, the texts for the policy's `Localization` element
    /// ([`Localizer::policy_strings`]).
    pub fn policy_strings(&self) -> Vec<LanguageStrings> {
        self.config().localizer.policy_strings()
    }
}
