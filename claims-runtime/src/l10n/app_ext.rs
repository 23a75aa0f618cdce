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

    /// Declares message ids the handlers use (`ClaimsError::user("member-not-found")`), so that
    /// [`crate::App::check_localization`] fails when the default language lacks one.
    pub fn require_messages(mut self, ids: &[&str]) -> Self {
        self.localizer_mut().require(ids);
        self
    }

    /// The message catalogs.
    pub fn localizer_mut(&mut self) -> &mut Localizer {
        &mut self.config_mut().localizer
    }

    /// Checks the localization setup: valid default language with a catalog, every framework
    /// message and every [required](crate::App::require_messages) message in the default
    /// language.
    pub fn check_localization(&self) -> Result<(), StartupError> {
        let problems = self.config().localizer.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StartupError(problems))
        }
    }

    /// Per language, the texts for the policy's `Localization` element
    /// ([`Localizer::policy_strings`]).
    pub fn policy_strings(&self) -> Vec<LanguageStrings> {
        self.config().localizer.policy_strings()
    }
}
